import type { ResolvedOptions } from "./_resolve_options.ts";
import { Watchdog } from "./_watchdog.ts";
import { readHttpError } from "./_read_http_error.ts";
import { backoff, isRetryableStatus, MAX_RETRY_AFTER, sleep } from "./_retry.ts";
import { HttpError } from "../errors/http_error.ts";
import { ConnectionError } from "../errors/connection_error.ts";
import { SluiceError } from "../errors/sluice_error.ts";
import { redactError } from "../errors/_redact.ts";
import { requestSecrets } from "./_secrets.ts";
import { fetchOnOrigin } from "./_fetch_on_origin.ts";

/** What a provider asks for. */
export interface RequestSpec {
  /** The full URL. */
  url: string;
  /** The HTTP method. */
  method: string;
  /** A JSON-serializable body, sent as `application/json`. */
  body?: unknown;
  /**
   * Values that must never appear in an error, beyond those sluice finds
   * itself (credential-looking headers, the URL's user-info and query values:
   * see {@linkcode secretsOf}).
   */
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

const secretsCache = new WeakMap<RequestSpec, WeakMap<Headers, readonly string[]>>();

/**
 * Every credential of a request: the spec's own `secrets`, the values of its
 * credential-looking headers and its URL's user-info and query values. Every
 * error a request raises goes through `redactError` with these.
 */
export function secretsOf(spec: RequestSpec, options: ResolvedOptions): readonly string[] {
  let byHeaders = secretsCache.get(spec);
  if (!byHeaders) secretsCache.set(spec, byHeaders = new WeakMap());
  let secrets = byHeaders.get(options.headers);
  if (!secrets) {
    secrets = requestSecrets(spec.url, options.headers, spec.secrets);
    byHeaders.set(options.headers, secrets);
  }
  return secrets;
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "0.0.0.0"]);

/** The runtime's reason, innermost first (Deno: "tcp connect error: Connection refused"). */
function reasonOf(error: unknown): string {
  let reason = error instanceof Error ? error.message : String(error);
  for (let cause = error, depth = 0; cause instanceof Error && depth < 8; depth++) {
    if (cause.message) reason = cause.message;
    cause = cause.cause;
  }
  return reason;
}

/** The network error of the last attempt, as a `ConnectionError` naming the origin (with a hint for a local Ollama). */
export function connectionError(url: string, cause: unknown, attempts: number): ConnectionError {
  const target = new URL(url);
  let message = `Cannot connect to ${target.origin}${
    attempts > 1 ? ` after ${attempts} attempts` : ""
  }: ${reasonOf(cause)}`;
  if (LOCAL_HOSTS.has(target.hostname) && target.port === "11434") {
    message += ` (is \`ollama serve\` running on ${target.host}?)`;
  }
  return new ConnectionError(message, { origin: target.origin, attempts, cause });
}

/** A fetch rejection that is a network failure (the Fetch standard's `TypeError`). */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError && !(error instanceof SluiceError);
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
 * an `HttpError`, a `TimeoutError`, a `ConnectionError` (the network error as
 * its cause) or the caller's abort reason, every one passed through
 * `redactError` with the request's credentials (see {@linkcode secretsOf}).
 * The watchdog may come from the caller, so that it can abort the request
 * before the headers arrive. Connection failures and 408/409/429/5xx are retried up to
 * `maxRetries` times, never after the response was handed on. Credentials never
 * follow a redirect to another origin (see `fetchOnOrigin`).
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
    throw redactError(
      new TypeError(`Invalid URL: ${JSON.stringify(spec.url)}`, { cause: error }),
      secretsOf(spec, options),
    );
  }
  const startedAt = performance.now();
  const headers = new Headers(options.headers);
  let body: string | undefined;
  if (spec.body !== undefined) {
    body = JSON.stringify(spec.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const secrets = secretsOf(spec, options);
  try {
    for (let attempt = 0;; attempt++) {
      signal.throwIfAborted();
      watchdog.awaitHeaders();
      let response: Response | HttpError;
      try {
        const init: RequestInit & { headers: Headers } = { method: spec.method, headers, signal };
        if (body !== undefined) init.body = body;
        response = await fetchOnOrigin(options.fetch, spec.url, init);
      } catch (error) {
        signal.throwIfAborted();
        if (attempt >= options.maxRetries) {
          throw isNetworkError(error) ? connectionError(spec.url, error, attempt + 1) : error;
        }
        watchdog.betweenAttempts();
        await sleep(backoff(attempt, options.retryDelay), signal);
        continue;
      }
      if (response instanceof HttpError) throw response;
      if (response.ok) {
        watchdog.headersArrived();
        return { response, watchdog, startedAt, timeToHeaders: performance.now() - startedAt };
      }
      // The error body is read under the idle timeout, not the headers timeout.
      watchdog.errorHeadersArrived();
      const error = await readHttpError(response, secrets, spec.hint, watchdog);
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
    throw signal.aborted ? signal.reason : redactError(error, secrets);
  }
}
