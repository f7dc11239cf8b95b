import type { ResolvedOptions } from "./_resolve_options.ts";
import { Watchdog } from "./_watchdog.ts";
import { readHttpError, redactError } from "./_read_http_error.ts";
import { backoff, isRetryableStatus, MAX_RETRY_AFTER, sleep } from "./_retry.ts";
import type { HttpError } from "../errors/http_error.ts";

/** What a provider asks for. */
export interface RequestSpec {
  /** The full URL. */
  url: string;
  /** The HTTP method. */
  method: string;
  /** A JSON-serializable body, sent as `application/json`. */
  body?: unknown;
  /** Values that must never appear in an error (API keys). */
  secrets?: readonly string[];
  /** Adds a hint to an HTTP error's message (e.g. "pull the model first"). */
  hint?: (error: { status: number; providerMessage?: string | undefined }) => string | undefined;
}

/** A request whose response headers arrived with a 2xx status. */
export interface Transfer {
  /** The response; its body is still unread. */
  readonly response: Response;
  /** The watchdog: its signal aborts the request, `touch()` re-arms the idle timer. */
  readonly watchdog: Watchdog;
  /** `performance.now()` when the request started. */
  readonly startedAt: number;
  /** Milliseconds from the start until the headers arrived. */
  readonly timeToHeaders: number;
}

function isRetryableError(error: HttpError): boolean {
  const shouldRetry = error.headers.get("x-should-retry");
  if (shouldRetry === "false") return false;
  if (shouldRetry === "true") return true;
  if (error.type === "insufficient_quota") return false;
  return isRetryableStatus(error.status);
}

/**
 * Starts a request with the caller's signal, the three timeouts and retries.
 * Resolves once 2xx response headers have arrived (the body is left to the
 * caller, who must `watchdog.dispose()` when it is done with it); rejects with
 * an `HttpError`, a `TimeoutError`, the caller's abort reason or the network
 * error. The watchdog may come from the caller, so that it can abort the request
 * before the headers arrive. Connection failures and 408/409/429/5xx are retried up to
 * `maxRetries` times, never after the response was handed on.
 */
export async function openRequest(
  spec: RequestSpec,
  options: ResolvedOptions,
  watchdog: Watchdog = new Watchdog(options, options.signal),
): Promise<Transfer> {
  const { signal } = watchdog;
  // A malformed URL is the caller's mistake: a TypeError at once, never retried.
  try {
    new URL(spec.url);
  } catch (error) {
    watchdog.dispose();
    throw new TypeError(`Invalid URL: ${JSON.stringify(spec.url)}`, { cause: error });
  }
  const startedAt = performance.now();
  const headers = new Headers(options.headers);
  let body: string | undefined;
  if (spec.body !== undefined) {
    body = JSON.stringify(spec.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const secrets = spec.secrets ?? [];
  try {
    for (let attempt = 0;; attempt++) {
      signal.throwIfAborted();
      watchdog.awaitHeaders();
      let response: Response;
      try {
        const init: RequestInit = { method: spec.method, headers, signal };
        if (body !== undefined) init.body = body;
        // Called detached: workerd and browsers reject a built-in fetch whose `this` is
        // not the global ("Illegal invocation").
        const fetchFn = options.fetch;
        response = await fetchFn(spec.url, init);
      } catch (error) {
        signal.throwIfAborted();
        if (attempt >= options.maxRetries) throw redactError(error, secrets);
        watchdog.betweenAttempts();
        await sleep(backoff(attempt, options.retryDelay), signal);
        continue;
      }
      if (response.ok) {
        watchdog.headersArrived();
        return { response, watchdog, startedAt, timeToHeaders: performance.now() - startedAt };
      }
      const error = await readHttpError(response, secrets, spec.hint);
      signal.throwIfAborted();
      const wait = error.retryAfter ?? backoff(attempt, options.retryDelay);
      if (attempt >= options.maxRetries || !isRetryableError(error) || wait > MAX_RETRY_AFTER) {
        throw error;
      }
      watchdog.betweenAttempts();
      await sleep(wait, signal);
    }
  } catch (error) {
    watchdog.dispose();
    throw signal.aborted ? signal.reason : error;
  }
}
