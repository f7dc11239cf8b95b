/** The status and headers of the response a JSON body came from. */
export interface ResponseInfo {
  /** The HTTP status code. */
  status: number;
  /** The response headers. */
  headers: Headers;
}

const responses = new WeakMap<object, ResponseInfo>();

/** Remembers the response a parsed JSON object came from (objects only; nothing else is held). */
export function rememberResponse(value: unknown, response: ResponseInfo): void {
  if (typeof value === "object" && value !== null) {
    responses.set(value, { status: response.status, headers: response.headers });
  }
}

/**
 * The status and headers of the response a body returned by a non-streaming
 * call came from, for the unified layer (which calls the clients' public
 * methods), or `undefined` for an object no request returned.
 */
export function responseOf(value: unknown): ResponseInfo | undefined {
  return typeof value === "object" && value !== null ? responses.get(value) : undefined;
}
