import { SluiceError, type SluiceErrorOptions } from "./sluice_error.ts";

/** Options for {@linkcode HttpError}. */
export interface HttpErrorOptions extends SluiceErrorOptions {
  /** The HTTP status code. */
  status: number;
  /** The HTTP status text, when the server sent one. */
  statusText?: string;
  /** The provider's own message, extracted from the body. */
  providerMessage?: string | undefined;
  /** The provider's error type or code, extracted from the body. */
  type?: string | undefined;
  /** A bounded excerpt of the response body. */
  body?: string;
  /** The response headers. */
  headers?: Headers;
  /** How long the server asked to wait before retrying, in milliseconds. */
  retryAfter?: number | undefined;
}

/**
 * Raised for a response with a non-2xx status. The message carries the
 * provider's own explanation (Ollama `{"error": "…"}`, OpenAI and Anthropic
 * `{"error": {"message": "…"}}`, or an excerpt of a plain body); no credential
 * ever appears in it.
 *
 * @example Offer to pull a missing Ollama model
 * ```ts
 * import { HttpError } from "@sluice/sluice";
 *
 * const error = new HttpError("HTTP 404: model 'llama9' not found", { status: 404 });
 * if (error instanceof HttpError && error.status === 404) console.log("try pulling it");
 * ```
 */
export class HttpError extends SluiceError {
  /** The HTTP status code. */
  status: number;
  /** The HTTP status text ("" when the server sent none). */
  statusText: string;
  /** The provider's own message, extracted from the body, if any. */
  providerMessage?: string | undefined;
  /** The provider's error type or code (e.g. `"rate_limit_error"`), if any. */
  type?: string | undefined;
  /** A bounded excerpt of the response body ("" when empty). */
  body: string;
  /** The response headers. */
  headers: Headers;
  /** How long the server asked to wait before retrying, in milliseconds. */
  retryAfter?: number | undefined;

  /** Creates an HTTP error. */
  constructor(message: string, options: HttpErrorOptions) {
    super(message, options);
    this.name = "HttpError";
    this.status = options.status;
    this.statusText = options.statusText ?? "";
    if (options.providerMessage !== undefined) this.providerMessage = options.providerMessage;
    if (options.type !== undefined) this.type = options.type;
    this.body = options.body ?? "";
    this.headers = options.headers ?? new Headers();
    if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }
}
