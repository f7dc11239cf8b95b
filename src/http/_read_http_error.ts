import { HttpError } from "../errors/http_error.ts";
import { parseRetryAfter } from "./_retry.ts";

/** How much of an error body is read: enough for any provider's JSON error. */
const MAX_ERROR_BODY = 64 * 1024;
/** How much of a plain body goes into a message. */
const MAX_EXCERPT = 300;

/** Replaces every credential in `text` with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  for (const secret of secrets) {
    if (secret.length >= 4) text = text.replaceAll(secret, "[redacted]");
  }
  return text;
}

function mentions(error: Error, secrets: readonly string[]): boolean {
  const text = `${error.message}\n${error.stack ?? ""}`;
  if (secrets.some((secret) => secret.length >= 4 && text.includes(secret))) return true;
  return error.cause instanceof Error && mentions(error.cause, secrets);
}

/**
 * Returns `error` unchanged unless a credential in `secrets` appears in its
 * message, stack or causes (Deno's `fetch` puts the whole URL, query included,
 * into a connection error's cause); then a copy with the same class and name
 * and every credential replaced with `[redacted]`, causes included.
 */
export function redactError(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof Error) || !mentions(error, secrets)) return error;
  const cause = redactError(error.cause, secrets);
  const message = redact(error.message, secrets);
  const options = cause === undefined ? undefined : { cause };
  let copy: Error;
  try {
    copy = new (error.constructor as ErrorConstructor)(message, options);
  } catch {
    copy = new Error(message, options);
  }
  if (copy.message !== message) copy = new Error(message, options);
  copy.name = error.name;
  if (error.stack !== undefined) copy.stack = redact(error.stack, secrets);
  return copy;
}

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < MAX_ERROR_BODY) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    return text.slice(0, MAX_ERROR_BODY);
  } finally {
    reader.releaseLock();
  }
}

function asString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/**
 * Extracts a provider's message and type from an error body: Ollama
 * `{"error": "…"}`, OpenAI `{"error": {"message", "type", "code"}}`, Anthropic
 * `{"type": "error", "error": {"type", "message"}}`, or a flat
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
      type: asString(inner.type) ?? asString(inner.code),
    };
  }
  return {
    message: asString(record.message) ?? asString(record.detail),
    type: asString(record.type),
  };
}

/**
 * Builds the {@linkcode HttpError} for a non-2xx response, reading a bounded
 * part of its body. No credential in `secrets` survives into the error.
 */
export async function readHttpError(
  response: Response,
  secrets: readonly string[],
  hint?: (error: { status: number; providerMessage?: string | undefined }) => string | undefined,
): Promise<HttpError> {
  let raw = "";
  let cause: unknown;
  try {
    raw = await readBounded(response);
  } catch (error) {
    cause = error;
  }
  raw = redact(raw, secrets);
  let extracted: { message?: string | undefined; type?: string | undefined } = {};
  try {
    extracted = extractProviderError(JSON.parse(raw));
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
  return new HttpError(message, {
    status: response.status,
    statusText: response.statusText,
    providerMessage: extracted.message,
    type: extracted.type,
    body: raw,
    headers: response.headers,
    retryAfter: parseRetryAfter(response.headers),
    cause,
  });
}
