import { ProviderError } from "../../errors/provider_error.ts";
import { IncompleteStreamError } from "../../errors/incomplete_stream_error.ts";
import { snippet } from "../../errors/_snippet.ts";
import type { ServerSentEvent } from "../../streams/server_sent_event.ts";
import type { PartSink } from "../../response_stream/stream_protocol.ts";
import { usageOf } from "../../shared/_usage.ts";
import type { FinishReason, Usage } from "../../shared/types.ts";
import type { OpenAIResultUsage, OpenAITimings, OpenAIUsage } from "./types.ts";
import type { CompactChunks } from "./_compact_chunk.ts";

const GENERIC = "The server reported an error";

function asString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/**
 * The `ProviderError` for an error value a server sent inside a stream: an
 * OpenAI `{"message", "type", "param", "code"}` object (llama.cpp and vLLM use
 * an integer `code`), or a plain string. `body` is the value as sent.
 */
export function providerError(error: unknown): ProviderError {
  if (typeof error === "string") return new ProviderError(error || GENERIC, { body: error });
  if (typeof error === "object" && error !== null) {
    const record = error as Record<string, unknown>;
    const message = asString(record.message) || asString(record.error) ||
      `${GENERIC}: ${snippet(JSON.stringify(error), 200)}`;
    return new ProviderError(message, {
      type: asString(record.type) ?? asString(record.code),
      body: error,
    });
  }
  return new ProviderError(`${GENERIC}: ${String(error)}`, { body: error });
}

/** The `ProviderError` for an SSE event named `error`, whose data may or may not be JSON. */
export function eventError(data: string): ProviderError {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return new ProviderError(data.trim() || GENERIC, { body: data });
  }
  const inner = typeof value === "object" && value !== null
    ? (value as { error?: unknown }).error
    : undefined;
  return providerError(inner ?? value);
}

/** Maps OpenAI's counts (and DeepSeek's cache hits) to sluice's names. */
export function mapUsage(raw: OpenAIUsage): Usage {
  return usageOf(
    raw.prompt_tokens,
    raw.completion_tokens,
    raw.prompt_tokens_details?.cached_tokens ?? raw.prompt_cache_hit_tokens,
    raw.completion_tokens_details?.reasoning_tokens,
  );
}

/** Maps an OpenAI-style `finish_reason` to the unified one. */
export function finishReasonOf(raw: string): FinishReason {
  switch (raw) {
    case "stop":
      return "stop";
    case "length":
      return "length";
    case "tool_calls":
    case "function_call":
      return "tool-calls";
    case "content_filter":
      return "content-filter";
    case "error":
      return "error";
    default:
      return "other";
  }
}

/** The fields every OpenAI-style chunk may have. */
interface CommonChunk {
  id?: unknown;
  model?: unknown;
  created?: unknown;
  system_fingerprint?: unknown;
  service_tier?: unknown;
  choices?: unknown;
  usage?: OpenAIUsage | null;
  x_groq?: { usage?: OpenAIUsage } | null;
  timings?: OpenAITimings;
  error?: unknown;
}

/** What a subclass keeps per choice for the end-of-stream check. */
export interface ChoiceEnd {
  index: number;
  finish: string | null;
}

/**
 * The part of an OpenAI-style stream's state shared by chat and legacy
 * completions: `[DONE]`, in-stream errors, the chunk metadata, usage and the
 * end-of-stream check. Subclasses route `choices[]`.
 */
export abstract class SseAssembler<Chunk, ChoiceDelta> {
  /** True once `[DONE]` arrived. */
  done = false;
  protected id = "";
  protected model = "";
  protected created: number | undefined;
  protected systemFingerprint: string | undefined;
  protected serviceTier: string | undefined;
  protected rawUsage: OpenAIUsage | undefined;
  protected timings: OpenAITimings | undefined;
  protected last: Chunk | undefined;
  /** Reads the stream's token chunks without `JSON.parse`, where a subclass knows their shape. */
  protected readonly compact: CompactChunks | undefined = undefined;

  /** The result's usage: the shared counts, and the usage object as the server sent it. */
  protected resultUsage(usage: Usage): OpenAIResultUsage {
    const raw = this.rawUsage;
    return raw === undefined ? usage : { ...usage, raw: { ...raw } };
  }

  /** Adds one `choices[]` element, emitting choice 0's parts. */
  protected abstract addChoice(choice: ChoiceDelta, emit: PartSink): void;
  /** Every choice seen so far, in any order. */
  protected abstract choiceEnds(): Iterable<ChoiceEnd>;

  push(frame: unknown, emit: PartSink): Chunk | undefined {
    if (this.done) return undefined;
    const event = frame as ServerSentEvent;
    const data = event.data;
    // "[DONE]" is not JSON; test for it before parsing (tolerating stray spaces).
    if (data.charCodeAt(0) !== 123 && data.trim() === "[DONE]") {
      this.done = true;
      return undefined;
    }
    if (event.event === "error") throw eventError(data);
    const compact = this.compact;
    let chunk = compact?.read(data) as CommonChunk | undefined;
    if (chunk === undefined) {
      chunk = JSON.parse(data) as CommonChunk;
      if (typeof chunk !== "object" || chunk === null || Array.isArray(chunk)) {
        // Reported by the response stream as a ParseError with the line number.
        throw new SyntaxError("Expected a JSON object");
      }
      compact?.learn(data, chunk as Record<string, unknown>);
    }
    if (chunk.error != null) throw providerError(chunk.error);
    if (!this.id && typeof chunk.id === "string") this.id = chunk.id;
    if (!this.model && typeof chunk.model === "string") this.model = chunk.model;
    if (this.created === undefined && typeof chunk.created === "number") {
      this.created = chunk.created;
    }
    if (typeof chunk.system_fingerprint === "string") {
      this.systemFingerprint = chunk.system_fingerprint;
    }
    if (typeof chunk.service_tier === "string") this.serviceTier = chunk.service_tier;
    if (chunk.timings) this.timings = chunk.timings;
    const choices = chunk.choices;
    if (Array.isArray(choices)) {
      for (let i = 0; i < choices.length; i++) this.addChoice(choices[i] as ChoiceDelta, emit);
    }
    // After the choices: a finish chunk that also carries usage reports the finish first.
    const usage = chunk.usage ?? chunk.x_groq?.usage;
    if (typeof usage === "object" && usage !== null) {
      this.rawUsage = usage;
      emit({ type: "usage", usage: mapUsage(usage) });
    }
    this.last = chunk as Chunk;
    return chunk as Chunk;
  }

  /**
   * Success means every choice seen has a finish reason (a missing `[DONE]`
   * after that is tolerated); `[DONE]` alone does not.
   */
  finish(_emit: PartSink): void {
    let count = 0;
    for (const choice of this.choiceEnds()) {
      count++;
      if (choice.finish === null) {
        throw new IncompleteStreamError(
          this.done
            ? `The stream sent [DONE] before choice ${choice.index} finished: no finish_reason`
            : `The stream ended before [DONE]: choice ${choice.index} has no finish_reason`,
        );
      }
    }
    if (count === 0) {
      throw new IncompleteStreamError(
        this.done
          ? "The stream sent [DONE] without any choice"
          : "The stream ended before [DONE]: no choice arrived",
      );
    }
  }
}
