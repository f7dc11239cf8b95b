import { emitBody, type Transcript, waitBeforeHeaders } from "./_emit.ts";
import type { Faults } from "./_faults.ts";
import { hash32, Random } from "./_random.ts";
import type { RequestLog } from "./_record.ts";
import type { ReplyInput } from "./_plan.ts";

/** The server-wide settings every handler reads. */
export interface Settings {
  timeToFirstToken: number;
  tokensPerSecond: number;
  reply: string | ((input: ReplyInput) => string) | undefined;
  models: readonly string[];
  ollamaVersion: string;
  now: () => number;
  /** Models used so far, for Ollama's `/api/ps`. */
  loaded: Set<string>;
}

/** One request being answered. */
export interface Call {
  readonly request: Request;
  readonly url: URL;
  /** The JSON body when it is an object, else `{}`. */
  readonly body: Record<string, unknown>;
  readonly record: RequestLog;
  readonly faults: Faults;
  readonly settings: Settings;
  /** The client's signal (direct `fetch` use), if any. */
  readonly signal: AbortSignal | undefined;
  /** The requested model without its fault suffix ("" when none). */
  readonly model: string;
}

/** A provider's routes and error shapes. */
export interface Provider {
  /** Answers a request, or `undefined` when no route matches. */
  route(call: Call): Promise<Response> | undefined;
  /** A provider-shaped error response for `status`. */
  statusError(call: Call, status: number, retryAfter?: number): Response;
  /** A provider-shaped 400 response. */
  badRequest(call: Call, message: string): Response;
}

/** A value's property if the value is an object. */
export function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

export { isRecord } from "../shared/_is_record.ts";

/** A Random seeded by this request's number: ids that differ between requests. */
export function requestRandom(call: Call): Random {
  return new Random(hash32(`request ${call.record.id}`));
}

/** Milliseconds between two tokens at the configured speed. */
export function interval(settings: Settings): number {
  const tps = settings.tokensPerSecond;
  return Number.isFinite(tps) && tps > 0 ? 1000 / tps : 0;
}

/** Answers with a paced stream of frames. */
export function replyStream(
  call: Call,
  transcript: Transcript,
  seed: number,
  headers: Record<string, string>,
): Response {
  call.record.stream = true;
  const body = emitBody(
    transcript,
    call.faults,
    {
      timeToFirstToken: call.settings.timeToFirstToken,
      interval: interval(call.settings),
      random: new Random(hash32("pacing", seed)),
    },
    call.record,
    call.signal,
  );
  return new Response(body, { status: 200, headers });
}

/**
 * Answers with one complete body after the time the model would take to
 * generate `tokens` tokens. `error-after` becomes `error()` (an HTTP error, as
 * servers do when nothing was written yet); the other stream faults cut or
 * stall the body itself.
 */
export async function replyComplete(
  call: Call,
  text: string,
  tokens: number,
  headers: Record<string, string>,
  error: () => Response,
): Promise<Response> {
  const { settings, faults, record } = call;
  const generation = tokens > 0 ? settings.timeToFirstToken + tokens * interval(settings) : 0;
  await waitBeforeHeaders(generation, call.signal, record);
  if (faults.cut?.kind === "error-after") return error();
  const affected = faults.cut !== undefined || faults.malformed !== undefined ||
    faults.keepAliveOnly !== undefined;
  if (!affected) return new Response(text, { status: 200, headers });
  const half = Math.floor(text.length / 2);
  const transcript: Transcript = {
    frames: [{ text: text.slice(0, half), token: false }, { text: text.slice(half), token: false }],
    errorFrames: [],
    malformed: "<html><body>502 Bad Gateway</body></html>\n",
    keepAlive: undefined,
  };
  const bodyFaults: Faults = { ...faults };
  if (faults.cut !== undefined) bodyFaults.cut = { ...faults.cut, after: 1 };
  if (faults.malformed !== undefined) bodyFaults.malformed = 1;
  const body = emitBody(
    transcript,
    bodyFaults,
    {
      timeToFirstToken: 0,
      interval: 0,
      random: new Random(0),
    },
    record,
    call.signal,
  );
  return new Response(body, { status: 200, headers });
}

/** A Go-style RFC 3339 UTC time with nanoseconds (seeded below the millisecond), trailing zeros trimmed. */
export function goTime(ms: number, random: Random): string {
  const iso = new Date(Math.floor(ms)).toISOString(); // 2025-11-03T14:22:05.307Z
  const fraction = `${iso.slice(20, 23)}${random.int(0, 999_999).toString().padStart(6, "0")}`
    .replace(/0+$/, "");
  return `${iso.slice(0, 19)}${fraction === "" ? "" : `.${fraction}`}Z`;
}
