import { parseBody, type TextParser } from "../streams/_body_stream.ts";
import { SseParser } from "../streams/_sse_parser.ts";
import type { ServerSentEvent } from "../streams/server_sent_event.ts";
import { iterable, type IterableReadableStream } from "../shared/_async_iterable.ts";
import { SluiceError } from "../errors/sluice_error.ts";
import { TimeoutError } from "../errors/timeout_error.ts";
import { snippet } from "../errors/_snippet.ts";
import { resolveOptions } from "./_resolve_options.ts";
import type { RequestOptions } from "./request_options.ts";
import { Watchdog } from "./_watchdog.ts";
import { readHttpError } from "./_read_http_error.ts";
import { redactError } from "../errors/_redact.ts";
import { HttpError } from "../errors/http_error.ts";
import { requestSecrets } from "./_secrets.ts";
import { fetchOnOrigin } from "./_fetch_on_origin.ts";
import { connectionError, isNetworkError } from "./_open_request.ts";
import { isRetryableStatus, MAX_RETRY_AFTER, sleep } from "./_retry.ts";

/** The values of {@linkcode FetchEventStreamOptions.reconnect}. */
const RECONNECT_MODES: readonly string[] = ["always", "on-error", "never"];

/** Options of {@linkcode fetchEventStream}. */
export interface FetchEventStreamOptions {
  /**
   * The HTTP method.
   *
   * @default {"GET"}
   */
  method?: string;
  /**
   * The request body, sent again on every reconnect, so it must be reusable:
   * a string, `URLSearchParams`, `FormData`, `Blob` or buffer (a
   * `ReadableStream` is refused with a `TypeError`).
   */
  body?: BodyInit | null;
  /**
   * Request headers. `Accept: text/event-stream` is added unless set;
   * `Last-Event-ID` is managed by the client (see
   * {@linkcode FetchEventStreamOptions.lastEventId}).
   */
  headers?: HeadersInit;
  /** Aborting it errors the stream with the signal's `reason` and aborts the connection. */
  signal?: AbortSignal;
  /** The `fetch` to use (a mock, a proxy-aware one, a Worker's service binding). */
  fetch?: typeof fetch;
  /**
   * How long each connection may wait for the response headers, in
   * milliseconds (`false`: no limit). When it fires, the attempt counts as a
   * failure and the client reconnects.
   *
   * @default {600000}
   */
  timeout?: number | false;
  /**
   * The longest gap between two chunks of the body, in milliseconds. Any bytes
   * re-arm it, comments (`: ping`) included, and only time spent waiting on a
   * read counts; it fires at most a quarter of it late (see
   * `RequestOptions.idleTimeout`). When it fires, the connection is treated as dead: it is
   * aborted and the client reconnects. Off by default, since many event
   * streams are silent for long stretches; set it a little above the server's
   * heartbeat interval.
   *
   * @default {false}
   */
  idleTimeout?: number | false;
  /**
   * The last event ID to resume from, sent as `Last-Event-ID` on the first
   * connection. Later connections send the ID the stream had reached.
   *
   * @default {""}
   */
  lastEventId?: string;
  /**
   * When to connect again once a connection has ended:
   *
   * - `"always"`: after a failure (see
   *   {@linkcode FetchEventStreamOptions.maxFailures}) and after the server
   *   closes the stream, as `EventSource` does. For endpoints that stream a
   *   feed and expect clients to come back.
   * - `"on-error"`: after a failure only; the server closing the stream ends
   *   it. For a resumable job whose server closes the stream when it is done.
   * - `"never"`: not at all; the first failure ends the stream with its error,
   *   and the server closing the stream ends it. For a POST to an LLM, where a
   *   new request is a new (paid) answer.
   *
   * Every connection sends the same method, body and headers, so reconnecting
   * is only safe when the request is. HTTP 204 always ends the stream.
   *
   * @default {"always" for GET and HEAD, "never" for any other method}
   */
  reconnect?: "always" | "on-error" | "never";
  /**
   * How long to wait before reconnecting, in milliseconds, until the server
   * sets it with a `retry` field (a server's value is clamped to between
   * 10 ms and 10 minutes). A `Retry-After` on a 429 or 5xx response
   * lengthens that one wait (up to one minute). From the third connection in a
   * row that ends within a second of opening, the wait is at least 250 ms,
   * doubling with each further one up to 30 s, whatever `retry` says: a server
   * cannot make the client reconnect in a tight loop.
   *
   * @default {3000}
   */
  retry?: number;
  /**
   * How many failures in a row end the stream with the last one's error. A
   * failure is an attempt that could not connect (network error, headers
   * timeout, HTTP 408, 409, 429 or 5xx) or a connection that ended without
   * delivering a single event (comments and `retry` fields alone do not
   * count); a connection that delivered an event resets the count.
   *
   * @default {5}
   */
  maxFailures?: number;
  /**
   * The longest line accepted, in characters; it also bounds the data of one
   * event. A longer one errors the stream with a `ParseError`.
   *
   * @default {8388608}
   */
  maxLineLength?: number;
  /**
   * Called with each response that opens the stream (2xx,
   * `text/event-stream`) before its events are read. Throw to refuse it: the
   * stream errors with what was thrown.
   */
  onOpen?: (response: Response) => void;
  /**
   * Called before each wait to reconnect: how long the wait is, how many
   * failures in a row there have been, the ID that will be sent as
   * `Last-Event-ID`, and why the last connection ended (`undefined` when the
   * server simply closed it).
   */
  onReconnect?: (
    info: { delay: number; failures: number; lastEventId: string; error: unknown },
  ) => void;
  /** Called with the text of each comment line (`: ping` gives `"ping"`). */
  onComment?: (text: string) => void;
}

/** The default {@linkcode FetchEventStreamOptions.retry}. */
const DEFAULT_RETRY = 3000;
/** The default {@linkcode FetchEventStreamOptions.maxFailures}. */
const DEFAULT_MAX_FAILURES = 5;
const noop = () => {};
/** The shortest wait a server's `retry` field can ask for. */
const MIN_SERVER_RETRY = 10;
/** The longest wait a server's `retry` field can ask for. */
const MAX_SERVER_RETRY = 600_000;
/** A connection that ends sooner than this after opening is an immediate close. */
const QUICK_CLOSE = 1000;
/** The wait after the third immediate close in a row; it doubles with each further one. */
const QUICK_CLOSE_BACKOFF = 250;
/** The longest wait immediate closes lead to. */
const MAX_QUICK_CLOSE_BACKOFF = 30_000;

interface Connection {
  reader: ReadableStreamDefaultReader<ServerSentEvent>;
  watchdog: Watchdog;
  parser: SseParser;
  /**
   * What arrived so far: body bytes, and events delivered. Plain fields the
   * connection's callbacks count up, not getters: an object's own getter,
   * once read where every connection is read, keeps its closure (the whole
   * connection) alive until the next full garbage collection.
   */
  received: { bytes: number; events: number };
  /** `performance.now()` when its headers arrived. */
  readonly openedAt: number;
}

/** Why one attempt did not give a readable stream (the client may reconnect). */
interface Failure {
  error: unknown;
  retryAfter?: number | undefined;
}

function mediaType(contentType: string): string {
  const semicolon = contentType.indexOf(";");
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

function emptyBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}

/**
 * Reads a Server-Sent Events endpoint with `fetch` — any endpoint, not only an
 * LLM's — and keeps reading across dropped connections, as `EventSource`
 * does, but with any method, body and headers.
 *
 * The first connection is made when the stream is first read. When a
 * connection drops or the server closes it, the client waits
 * {@linkcode FetchEventStreamOptions.retry} (or what the server's last `retry`
 * field said) and reconnects, sending `Last-Event-ID` with the ID the stream
 * had reached. That is for GET: a POST (any other method) is not sent again
 * unless {@linkcode FetchEventStreamOptions.reconnect} asks for it, so the
 * stream of an LLM's answer ends with the answer, and a failure is an error at
 * once. It stops:
 * - on HTTP 204: the stream closes normally;
 * - when the server closes the stream and `reconnect` is not `"always"` (the
 *   default for methods other than GET and HEAD): the stream closes normally;
 * - on a 2xx response that is not `text/event-stream`: a `SluiceError`;
 * - on any other 4xx but 408, 409 and 429: an `HttpError`, at once;
 * - after {@linkcode FetchEventStreamOptions.maxFailures} failures in a row:
 *   the last one's error (an `HttpError` for a 5xx, a `TimeoutError`, or the
 *   network error);
 * - on the caller's signal: the signal's `reason`.
 *
 * Cancelling the stream (`break` out of `for await`, `cancel()`) aborts the
 * current connection and any wait to reconnect. No credential from the URL or
 * the auth headers appears in an error.
 *
 * @example Resume after a dropped connection; stop on HTTP 204
 * ```ts
 * import { fetchEventStream } from "@sluice/sluice";
 * import assert from "node:assert/strict";
 *
 * // A stand-in server: one event, then "no more" (204) on the reconnect.
 * let calls = 0;
 * const fetch = (_url: RequestInfo | URL, init?: RequestInit) => {
 *   if (++calls === 2) {
 *     assert.equal(new Headers(init?.headers).get("last-event-id"), "1");
 *     return Promise.resolve(new Response(null, { status: 204 }));
 *   }
 *   const headers = { "content-type": "text/event-stream" };
 *   return Promise.resolve(new Response("id: 1\ndata: hello\n\n", { headers }));
 * };
 *
 * const data: string[] = [];
 * for await (const event of fetchEventStream("https://example.com/events", { fetch, retry: 1 })) {
 *   data.push(event.data);
 * }
 * assert.deepEqual(data, ["hello"]);
 * ```
 *
 * @example POST with a token, a dead-connection check and a way out
 * ```ts
 * import { fetchEventStream } from "@sluice/sluice";
 * import assert from "node:assert/strict";
 *
 * // A stand-in for the jobs API; drop `fetch` below to call a real server.
 * const fetch = (_url: RequestInfo | URL, init?: RequestInit) => {
 *   assert.equal(init?.method, "POST");
 *   const body = "id: 1\ndata: building\n\nid: 2\ndata: testing\n\nevent: done\ndata: ok\n\n";
 *   const headers = { "content-type": "text/event-stream" };
 *   return Promise.resolve(new Response(body, { headers }));
 * };
 * const token = "example-token";
 *
 * const events = fetchEventStream("https://api.example.com/jobs/42/events", {
 *   fetch,
 *   method: "POST",
 *   headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
 *   body: JSON.stringify({ follow: true }),
 *   reconnect: "on-error", // resume after a drop; the server closes the stream when the job is done
 *   idleTimeout: 45_000, // the server pings every 30 s
 *   signal: AbortSignal.timeout(600_000),
 * });
 * for await (const event of events) {
 *   if (event.event === "done") break; // aborts the connection
 *   console.log(event.id, event.data);
 * }
 * ```
 *
 * @param url The endpoint.
 * @param options The request, reconnection and hook options.
 * @returns The events, as a `ReadableStream` that is async-iterable on every runtime.
 */
export function fetchEventStream(
  url: string | URL,
  options: FetchEventStreamOptions = {},
): IterableReadableStream<ServerSentEvent> {
  const href = String(url);
  const request: RequestOptions = {
    idleTimeout: options.idleTimeout ?? false,
    maxRetries: 0,
  };
  if (options.timeout !== undefined) request.timeout = options.timeout;
  if (options.fetch !== undefined) request.fetch = options.fetch;
  if (options.headers !== undefined) request.headers = options.headers;
  const resolved = resolveOptions({}, request);
  const method = options.method ?? "GET";
  const idempotent = /^(?:GET|HEAD)$/i.test(method);
  const reconnect = options.reconnect ?? (idempotent ? "always" : "never");
  if (!RECONNECT_MODES.includes(reconnect)) {
    throw new TypeError(
      `reconnect must be "always", "on-error" or "never": received ${snippet(String(reconnect))}`,
    );
  }
  const body = options.body ?? null;
  if (body instanceof ReadableStream) {
    throw new TypeError("The body cannot be a ReadableStream: it is sent again on every reconnect");
  }
  const retry = options.retry ?? DEFAULT_RETRY;
  if (!(retry >= 0 && retry <= 2_147_483_647)) {
    throw new RangeError(`retry must be a non-negative number of milliseconds: received ${retry}`);
  }
  const maxFailures = options.maxFailures ?? DEFAULT_MAX_FAILURES;
  if (!Number.isInteger(maxFailures) || maxFailures < 1) {
    throw new RangeError(`maxFailures must be a positive integer: received ${maxFailures}`);
  }
  const baseHeaders = resolved.headers;
  if (!baseHeaders.has("accept")) baseHeaders.set("accept", "text/event-stream");
  let lastEventId = options.lastEventId ?? baseHeaders.get("last-event-id") ?? "";
  if (/[\0\r\n]/.test(lastEventId)) {
    throw new TypeError(
      `lastEventId cannot contain NULL, CR or LF: received ${snippet(lastEventId)}`,
    );
  }
  const secrets = requestSecrets(href, baseHeaders);
  const { onOpen, onReconnect, onComment } = options;
  const caller = options.signal;
  const stopper = new AbortController();
  let reconnectDelay = retry;
  let failures = 0;
  /** Connections in a row that ended within QUICK_CLOSE of opening. */
  let quickCloses = 0;
  let current: Connection | undefined;
  let pending: Failure | undefined;
  let hookFailed = false;
  let finished = false;
  let onCallerAbort: (() => void) | undefined;

  /** Ends the stream for good: every connection, wait and listener goes. */
  const stop = (reason: unknown) => {
    if (finished) return;
    finished = true;
    if (onCallerAbort) caller?.removeEventListener("abort", onCallerAbort);
    stopper.abort(reason);
    const connection = current;
    current = undefined;
    if (connection) {
      connection.watchdog.dispose();
      connection.reader.cancel(reason).catch(noop);
    }
  };

  const hook = <A extends unknown[]>(fn: ((...args: A) => void) | undefined, ...args: A) => {
    if (!fn) return;
    try {
      fn(...args);
    } catch (error) {
      hookFailed = true;
      throw error;
    }
  };

  /**
   * Counts a failure; throws the error once there were `maxFailures` in a row,
   * or at once when the stream does not reconnect.
   */
  const fail = (failure: Failure) => {
    failures++;
    if (failures >= maxFailures || reconnect === "never") throw failure.error;
    pending = failure;
  };

  /** One attempt: a connection to read, `"closed"` (204), or why it failed. */
  const connect = async (): Promise<Connection | "closed" | Failure> => {
    const watchdog = new Watchdog(
      { timeout: resolved.timeout, idleTimeout: resolved.idleTimeout, totalTimeout: false },
      stopper.signal,
    );
    const headers = new Headers(baseHeaders);
    if (lastEventId === "") headers.delete("last-event-id");
    else headers.set("last-event-id", lastEventId);
    const init: RequestInit = { method, headers, signal: watchdog.signal };
    if (body !== null) init.body = body;
    watchdog.awaitHeaders();
    let response: Response;
    try {
      // Detached: workerd and browsers reject a built-in fetch whose `this` is not the global.
      const outcome = await fetchOnOrigin(resolved.fetch, href, { ...init, headers });
      if (outcome instanceof HttpError) {
        watchdog.dispose();
        throw outcome;
      }
      response = outcome;
    } catch (error) {
      watchdog.dispose();
      stopper.signal.throwIfAborted();
      if (error instanceof HttpError) throw error;
      if (watchdog.signal.aborted) return { error: watchdog.signal.reason };
      return { error: isNetworkError(error) ? toConnectionError(error) : error };
    }
    if (response.status === 204) {
      watchdog.dispose();
      response.body?.cancel().catch(noop);
      return "closed";
    }
    if (!response.ok) {
      watchdog.errorHeadersArrived();
      const error = await readHttpError(response, secrets, undefined, watchdog);
      watchdog.dispose();
      stopper.signal.throwIfAborted();
      if (watchdog.signal.aborted) return { error: watchdog.signal.reason };
      if (!isRetryableStatus(error.status)) throw error;
      return { error, retryAfter: error.retryAfter };
    }
    const contentType = response.headers.get("content-type") ?? "";
    if (mediaType(contentType) !== "text/event-stream") {
      watchdog.dispose();
      response.body?.cancel().catch(noop);
      throw new SluiceError(
        `Expected a text/event-stream response: received ${
          contentType ? `content type ${snippet(contentType)}` : "no content type"
        }`,
      );
    }
    try {
      hook(onOpen, response);
    } catch (error) {
      watchdog.dispose();
      response.body?.cancel().catch(noop);
      throw error;
    }
    watchdog.headersArrived();
    const seed = lastEventId;
    let parser!: SseParser;
    const received = { bytes: 0, events: 0 };
    const openedAt = performance.now();
    const events = parseBody<ServerSentEvent>(
      response.body ?? emptyBody(),
      (emit): TextParser => {
        const count = (event: ServerSentEvent) => {
          received.events++;
          emit(event);
        };
        parser = new SseParser(count, options.maxLineLength, {
          onRetry: (ms) => {
            reconnectDelay = Math.min(Math.max(ms, MIN_SERVER_RETRY), MAX_SERVER_RETRY);
          },
          onComment: onComment && ((text) => hook(onComment, text)),
        });
        // Seeded with the ID reached so far, as browsers do: an event without
        // an `id` field carries it, and a blank line keeps it.
        let started = seed === "";
        if (!started) parser.push(`id: ${seed}\n\n`);
        return {
          push(text) {
            if (!started && text !== "") {
              started = true;
              // The byte order mark the seed pushed out of first position.
              if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
            }
            parser.push(text);
          },
          end: () => parser.end(),
        };
      },
      {
        onRead: () => watchdog.reading(),
        onBytes: (chunk) => {
          received.bytes += chunk.byteLength;
          watchdog.touch();
        },
      },
    );
    return {
      reader: events.getReader(),
      watchdog,
      parser,
      received,
      openedAt,
    };
  };

  /** A network failure, once it ends the stream, as a `ConnectionError`. */
  const toConnectionError = (error: unknown) => {
    try {
      return connectionError(href, error, failures + 1);
    } catch {
      return error;
    }
  };

  /** The connection ended (closed or broke off): keep its last ID, free it. */
  const release = (connection: Connection) => {
    lastEventId = connection.parser.lastEventId;
    if (performance.now() - connection.openedAt < QUICK_CLOSE) quickCloses++;
    else quickCloses = 0;
    connection.watchdog.dispose();
    if (current === connection) current = undefined;
  };

  const stream = new ReadableStream<ServerSentEvent>({
    start(controller) {
      if (!caller) return;
      onCallerAbort = () => {
        if (finished) return;
        stop(caller.reason);
        controller.error(caller.reason);
      };
      if (caller.aborted) onCallerAbort();
      else caller.addEventListener("abort", onCallerAbort, { once: true });
    },
    async pull(controller) {
      try {
        for (;;) {
          if (finished) return;
          if (!current) {
            if (pending) {
              const { error, retryAfter } = pending;
              let delay = Math.max(reconnectDelay, Math.min(retryAfter ?? 0, MAX_RETRY_AFTER));
              if (quickCloses >= 3) {
                // The server closes every connection at once: back off, whatever `retry` says.
                const backoff = QUICK_CLOSE_BACKOFF * 2 ** Math.min(quickCloses - 3, 16);
                delay = Math.max(delay, Math.min(backoff, MAX_QUICK_CLOSE_BACKOFF));
              }
              hook(onReconnect, { delay, failures, lastEventId, error });
              await sleep(delay, stopper.signal);
              pending = undefined;
            }
            const outcome = await connect();
            if (finished) {
              if (typeof outcome === "object" && "reader" in outcome) {
                outcome.watchdog.dispose();
                outcome.reader.cancel().catch(noop);
              }
              return;
            }
            if (outcome === "closed") {
              stop(undefined);
              controller.close();
              return;
            }
            if (!("reader" in outcome)) {
              fail(outcome);
              continue;
            }
            current = outcome;
          }
          const connection: Connection = current;
          let result: ReadableStreamReadResult<ServerSentEvent>;
          try {
            result = await connection.reader.read();
          } catch (thrown) {
            release(connection);
            if (finished) return;
            const { signal } = connection.watchdog;
            const error = signal.aborted ? signal.reason : thrown;
            // A dropped connection or a dead one: reconnect. Anything else
            // (a ParseError, a hook's exception) ends the stream.
            if (hookFailed || !(error instanceof TypeError || error instanceof TimeoutError)) {
              throw error;
            }
            if (reconnect === "never") throw error;
            if (connection.received.events > 0) {
              failures = 0;
              pending = { error };
            } else fail({ error });
            continue;
          }
          if (finished) return;
          if (result.done) {
            release(connection);
            if (reconnect !== "always") {
              // The server ended the answer: the stream is complete.
              stop(undefined);
              controller.close();
              return;
            }
            if (connection.received.events > 0) {
              failures = 0;
              pending = { error: undefined };
            } else {
              fail({
                error: new SluiceError(
                  connection.received.bytes > 0
                    ? "The server closed the event stream without sending an event"
                    : "The server closed the event stream without sending anything",
                ),
              });
            }
            continue;
          }
          controller.enqueue(result.value);
          return;
        }
      } catch (error) {
        if (finished) return;
        const raised = redactError(error, secrets);
        stop(raised);
        throw raised;
      }
    },
    cancel(reason) {
      stop(reason ?? new DOMException("The event stream was cancelled", "AbortError"));
    },
  }, { highWaterMark: 0 });
  return iterable(stream);
}
