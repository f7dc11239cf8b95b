import type { TracingOptions } from "../shared/tracing.ts";

/**
 * The options of every request sluice makes, settable per client and per call
 * (the call wins). Timeouts are in milliseconds; `false` switches one off.
 * `tracer` and `traceContent` (see {@linkcode TracingOptions}) trace the model
 * calls: chat, completions, messages, generate content and embeddings.
 */
export interface RequestOptions extends TracingOptions {
  /**
   * The caller's signal. Aborting it aborts the request and rejects with the
   * signal's `reason`, as `fetch` does.
   */
  signal?: AbortSignal;
  /**
   * How long to wait for the response headers. A local Ollama that is loading
   * a model sends nothing until the model is in memory, which can take minutes
   * on a cold start, hence the generous default.
   *
   * @default {600000}
   */
  timeout?: number | false;
  /**
   * The longest gap between two chunks of the response body, re-armed by every
   * chunk that arrives — SSE comments and pings included, since they prove the
   * connection alive (DeepSeek sends `: keep-alive` for minutes while a request
   * is queued). A stream that only ever sends keep-alives is stopped by
   * {@linkcode RequestOptions.totalTimeout}. Only time spent waiting on a read
   * counts. A silence ends the stream after at least this long and at most a
   * quarter of it more (the gap is checked four times per period, so that no
   * clock is read per chunk).
   *
   * @default {300000}
   */
  idleTimeout?: number | false;
  /**
   * The longest the whole request may take, retries and body included.
   *
   * @default {false}
   */
  totalTimeout?: number | false;
  /**
   * Milliseconds from the request to the first content of a stream — text,
   * reasoning or a tool call; SSE comments, `ping` events and other
   * keep-alives do not count — before it fails with a `TimeoutError` whose
   * phase is `"first-token"`. It ends a relay that only ever sends keep-alives
   * (which re-arm the idle timeout), yet leaves room for a cold start that
   * loads a large model. Streams without content (Ollama's pull) ignore it.
   *
   * @default {600000} (10 minutes)
   */
  firstTokenTimeout?: number | false;
  /**
   * How many times a connection failure or an HTTP 408, 409, 429 or 5xx is
   * retried, with exponential backoff and jitter, honouring `Retry-After` and
   * `retry-after-ms`. A request is never retried once its response has been
   * handed on.
   *
   * @default {2}
   */
  maxRetries?: number;
  /**
   * The first retry's delay in milliseconds before jitter; each further retry
   * doubles it, up to 16 times this value.
   *
   * @default {500}
   */
  retryDelay?: number;
  /** The `fetch` to use (a mock, a proxy-aware one, a Worker's service binding). */
  fetch?: typeof fetch;
  /** Extra request headers; they win over the client's own. */
  headers?: HeadersInit;
  /**
   * The longest line a streaming response may have, in characters; a longer
   * one errors the stream with a `ParseError`.
   *
   * @default {8388608} (8 Mi characters: room for an Ollama final chunk with a large `context`)
   */
  maxLineLength?: number;
}

/** The default {@linkcode RequestOptions.timeout}: 10 minutes until headers. */
export const DEFAULT_TIMEOUT = 600_000;
/** The default {@linkcode RequestOptions.idleTimeout}: 5 minutes between chunks. */
export const DEFAULT_IDLE_TIMEOUT = 300_000;
/** The default {@linkcode RequestOptions.firstTokenTimeout}: 10 minutes until the first content. */
export const DEFAULT_FIRST_TOKEN_TIMEOUT = 600_000;
/** The default {@linkcode RequestOptions.maxRetries}. */
export const DEFAULT_MAX_RETRIES = 2;
/** The default {@linkcode RequestOptions.retryDelay}. */
export const DEFAULT_RETRY_DELAY = 500;
