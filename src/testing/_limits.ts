import { CREDENTIAL_NAME } from "../http/_secrets.ts";

/** The largest request body the mock reads, in bytes; a larger one is answered with a 413. */
export const MAX_REQUEST_BYTES = 16_777_216; // 16 MiB
/** The deepest nesting of a request body's JSON; a deeper one is answered with a 400. */
export const MAX_NESTING = 128;
/** How many requests the log keeps; older ones are dropped (ids keep counting). */
export const MAX_REQUEST_LOG = 1000;
/** How many bytes of request bodies the log keeps in all; older records are dropped. */
export const MAX_REQUEST_LOG_BYTES = 67_108_864; // 64 MiB
/** How many distinct (path, model, fault) attempt counters are kept. */
export const MAX_ATTEMPT_KEYS = 10_000;
/** The most values a schema may make the mock generate (array items, object properties, …). */
export const MAX_SCHEMA_VALUES = 10_000;
/** The longest string a schema's `minLength` may ask the mock for. */
export const MAX_SCHEMA_STRING = 100_000;
/** The largest `long-line` fault. */
export const MAX_LONG_LINE = 67_108_864; // 64 Mi

/** A request asks for more than the mock gives: answered with the provider's 400. */
export class MockLimitError extends RangeError {
  /** Creates the error; the message is what the client reads. */
  constructor(message: string) {
    super(message);
    this.name = "MockLimitError";
  }
}

/**
 * Reads a request body as text, counting bytes as they arrive: `undefined`
 * (and the body cancelled) as soon as it passes `max`, so a huge body is never
 * held whole.
 */
export async function readBodyText(
  body: ReadableStream<Uint8Array>,
  max: number = MAX_REQUEST_BYTES,
): Promise<string | undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > max) {
        await reader.cancel().catch(() => {});
        return undefined;
      }
      parts.push(decoder.decode(value, { stream: true }));
    }
    parts.push(decoder.decode());
    return parts.join("");
  } finally {
    reader.releaseLock();
  }
}

/** Whether a parsed JSON value nests deeper than `limit` (checked without recursion). */
export function nestsDeeperThan(value: unknown, limit: number = MAX_NESTING): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * The request headers as the log keeps them: the value of every
 * credential-looking header (`authorization`, `x-api-key`, `cookie`, …) is
 * `[redacted]`, its scheme (`Bearer`) kept.
 */
export function recordedHeaders(headers: Headers): Headers {
  const copy = new Headers(headers);
  headers.forEach((value, name) => {
    if (!CREDENTIAL_NAME.test(name)) return;
    const scheme = /^(\w+) +\S/.exec(value)?.[1];
    copy.set(name, scheme ? `${scheme} [redacted]` : "[redacted]");
  });
  return copy;
}

/** The URL as the log keeps it: credential-looking query values (`?key=…`) `[redacted]`. */
export function recordedUrl(url: URL): string {
  if (url.search === "" && url.username === "" && url.password === "") return url.href;
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  for (const name of new Set(copy.searchParams.keys())) {
    if (CREDENTIAL_NAME.test(name)) copy.searchParams.set(name, "[redacted]");
  }
  return copy.href;
}
