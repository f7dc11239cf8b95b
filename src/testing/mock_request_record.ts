/**
 * Where a request handled by the mock server stands:
 * - `pending`: received, the response headers are not out yet;
 * - `streaming`: the headers are out and the body is still being written;
 * - `completed`: the server finished the response on its own (faulty or not);
 * - `aborted`: the client went away first — it aborted its signal, cancelled
 *   the body, or closed the connection.
 */
export type MockRequestState = "pending" | "streaming" | "completed" | "aborted";

/**
 * What the mock server saw of one request, as listed in
 * {@linkcode MockServer.requests}. The fields that change while the response is
 * written (`state`, `status`, `framesSent`) are live.
 *
 * @example Wait until the server saw the client go away
 * ```ts
 * import { createMockServer } from "@sluice/sluice/testing";
 * import assert from "node:assert/strict";
 *
 * const server = createMockServer();
 * const controller = new AbortController();
 * const response = await server.fetch("http://mock/api/generate", {
 *   method: "POST",
 *   body: JSON.stringify({ model: "llama3.2:fault=stall-after:1", prompt: "Hi" }),
 *   signal: controller.signal,
 * });
 * const reader = response.body!.getReader();
 * await reader.read();
 * controller.abort();
 * await reader.read().catch(() => {});
 * const record = server.requests[0]!;
 * assert.equal(await record.settled, "aborted");
 * assert.equal(record.framesSent, 1);
 * ```
 */
export interface MockRequestRecord {
  /** The 1-based number of the request in this server's log. */
  readonly id: number;
  /** The HTTP method. */
  readonly method: string;
  /** The URL's path, e.g. `/api/chat`. */
  readonly path: string;
  /**
   * The full URL; the values of credential-looking query parameters (`key`,
   * `api-key`, `token`, …) and any user-info are `[redacted]` unless
   * the `recordCredentials` option is set.
   */
  readonly url: string;
  /**
   * The request headers; the value of every credential-looking header
   * (`authorization`, `x-api-key`, `cookie`, …) is `[redacted]` (its scheme,
   * like `Bearer`, kept) unless the `recordCredentials` option
   * is set.
   */
  readonly headers: Headers;
  /** The parsed JSON body; the raw text when it is not JSON; `undefined` when empty. */
  readonly body: unknown;
  /** The `model` of the body as sent (fault suffix included), if any. */
  readonly model: string | undefined;
  /** The fault specification that applied (header and model suffix joined), if any. */
  readonly fault: string | undefined;
  /** How many requests with the same path, model and fault came before, plus one. */
  readonly attempt: number;
  /** Whether the response is a stream (NDJSON or SSE). */
  readonly stream: boolean;
  /** The response status, once the headers are out. */
  readonly status: number | undefined;
  /** How many frames (NDJSON lines, SSE events, keep-alives) were written so far. */
  readonly framesSent: number;
  /** Where the request stands. */
  readonly state: MockRequestState;
  /** Whether the client went away before the server finished (`state === "aborted"`). */
  readonly aborted: boolean;
  /** The reason the client gave when it aborted or cancelled, if any. */
  readonly abortReason: unknown;
  /** Settles (never rejects) with `"completed"` or `"aborted"` once the response is over. */
  readonly settled: Promise<MockRequestState>;
}
