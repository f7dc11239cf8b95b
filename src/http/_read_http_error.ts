import { HttpError } from "../errors/http_error.ts";
import { parseRetryAfter } from "./_retry.ts";
import { redact, redactError } from "../errors/_redact.ts";
import type { Watchdog } from "./_watchdog.ts";

/** How much of an error body is read: enough for any provider's JSON error. */
const MAX_ERROR_BODY = 65_536; // 64 KiB
/** How much of a plain body goes into a message. */
const MAX_EXCERPT = 300;

export { redact, redactError } from "../errors/_redact.ts";

async function readBounded(response: Response, watchdog: Watchdog | undefined): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  // A stalled body ends with the watchdog's abort even under a fetch that ignores its signal.
  const signal = watchdog?.signal;
  const onAbort = () => reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });
  let text = "";
  try {
    while (text.length < MAX_ERROR_BODY) {
      signal?.throwIfAborted();
      watchdog?.reading();
      const { done, value } = await reader.read();
      watchdog?.touch();
      signal?.throwIfAborted();
      if (done) return text + decoder.decode();
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    return text.slice(0, MAX_ERROR_BODY);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    reader.releaseLock();
  }
}

function asString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/**
 * The wait a Google error body asks for, in milliseconds: the `retryDelay`
 * (`"20s"`, `"0.5s"`) of a `google.rpc.RetryInfo` in `error.details`, which
 * Gemini sends with a 429 instead of a `Retry-After` header.
 */
function googleRetryDelay(body: unknown): number | undefined {
  const details = (body as { error?: { details?: unknown } } | null)?.error?.details;
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    const { "@type": type, retryDelay } = (detail ?? {}) as Record<string, unknown>;
    if (typeof type !== "string" || !type.endsWith("google.rpc.RetryInfo")) continue;
    const match = typeof retryDelay === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(retryDelay) : null;
    if (match !== null) return Number(match[1]) * 1000;
  }
  return undefined;
}

/**
 * Extracts a provider's message and type from an error body: Ollama
 * `{"error": "…"}`, OpenAI `{"error": {"message", "type", "code"}}`, Anthropic
 * `{"type": "error", "error": {"type", "message"}}`, Google
 * `{"error": {"code", "message", "status"}}` (the type is the `status`,
 * e.g. `RESOURCE_EXHAUSTED`), or a flat
 * `{"message": "…"}` (older vLLM and others).
 */
export function extractProviderError(
  body: unknown,
): { message?: string | undefined; type?: string | undefined } {
  if (typeof body !== "object" || body === null) return {};
  const record = body as Record<string, unknown>;
  const error = record.error;
  if (typeof error === "string") return { message: error };
  if (typeof error === "object" && error !== null) {
    const inner = error as Record<string, unknown>;
    return {
      message: asString(inner.message),
      type: asString(inner.type) ??
        (typeof inner.status === "string" ? inner.status : undefined) ?? asString(inner.code),
    };
  }
  return {
    message: asString(record.message) ?? asString(record.detail),
    type: asString(record.type),
  };
}

/**
 * Builds the {@linkcode HttpError} for a non-2xx response, reading a bounded
 * part of its body (under the watchdog's idle timeout, when one is given: a
 * stalled body aborts the request). No credential in `secrets` survives into
 * the error: it goes through `redactError`.
 */
export async function readHttpError(
  response: Response,
  secrets: readonly string[],
  hint?: (error: { status: number; providerMessage?: string | undefined }) => string | undefined,
  watchdog?: Watchdog,
): Promise<HttpError> {
  let raw = "";
  let cause: unknown;
  try {
    raw = await readBounded(response, watchdog);
  } catch (error) {
    cause = error;
  }
  raw = redact(raw, secrets);
  let extracted: { message?: string | undefined; type?: string | undefined } = {};
  let retryDelay: number | undefined;
  try {
    const json = JSON.parse(raw);
    extracted = extractProviderError(json);
    retryDelay = googleRetryDelay(json);
  } catch {
    // Not JSON: the message shows an excerpt of the plain body.
  }
  const excerpt = raw.trim().replace(/\s+/g, " ");
  const detail = extracted.message ??
    (excerpt.length > MAX_EXCERPT ? `${excerpt.slice(0, MAX_EXCERPT)}…` : excerpt);
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  let message = detail ? `${status}: ${detail}` : status;
  const extra = hint?.({ status: response.status, providerMessage: extracted.message });
  if (extra) message += ` (${extra})`;
  return redactError(
    new HttpError(message, {
      status: response.status,
      statusText: response.statusText,
      providerMessage: extracted.message,
      type: extracted.type,
      body: raw,
      headers: response.headers,
      retryAfter: parseRetryAfter(response.headers) ?? retryDelay,
      cause,
    }),
    secrets,
  );
}
