import type {
  PartSink,
  ProtocolReader,
  StreamProtocol,
} from "../../response_stream/stream_protocol.ts";
import type { ServerSentEvent } from "../../streams/server_sent_event.ts";
import { ProviderError } from "../../errors/provider_error.ts";
import { IncompleteStreamError } from "../../errors/incomplete_stream_error.ts";
import { generatedCallId } from "../../shared/_tool_arguments.ts";
import type { FinishPart, FinishReason, StreamResult, ToolCallPart } from "../../shared/types.ts";
import type { GeminiResult, GeminiUsage } from "./gemini_result.ts";
import type {
  GeminiCandidate,
  GeminiGenerateContentResponse,
  GeminiPart,
  GeminiPromptFeedback,
  GeminiUsageMetadata,
} from "./types.ts";
import { isRecord } from "../../shared/_is_record.ts";

type Json = Record<string, unknown>;

const count = (value: unknown) => typeof value === "number" ? value : undefined;

/** Gemini's finish reason (or a prompt's block reason) in the shared vocabulary. */
export function finishReasonOf(raw: string): FinishReason {
  switch (raw) {
    case "STOP":
      return "stop";
    case "MAX_TOKENS":
      return "length";
    case "SAFETY":
    case "RECITATION":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
    case "IMAGE_PROHIBITED_CONTENT":
    case "IMAGE_RECITATION":
      return "content-filter";
    case "MALFORMED_FUNCTION_CALL":
    case "UNEXPECTED_TOOL_CALL":
    case "TOO_MANY_TOOL_CALLS":
      return "error";
    default:
      return "other";
  }
}

/**
 * Gemini's counts in the shared vocabulary: output is the answer plus the
 * thinking (`candidatesTokenCount` does not include `thoughtsTokenCount`),
 * the total is `totalTokenCount` as sent.
 */
export function usageOf(raw: Json): GeminiUsage {
  const usage: GeminiUsage = {};
  const input = count(raw.promptTokenCount);
  const candidates = count(raw.candidatesTokenCount);
  const thoughts = count(raw.thoughtsTokenCount);
  const cached = count(raw.cachedContentTokenCount);
  const total = count(raw.totalTokenCount);
  if (input !== undefined) usage.inputTokens = input;
  if (candidates !== undefined || thoughts !== undefined) {
    usage.outputTokens = (candidates ?? 0) + (thoughts ?? 0);
  }
  if (total !== undefined) usage.totalTokens = total;
  else if (input !== undefined && usage.outputTokens !== undefined) {
    usage.totalTokens = input + usage.outputTokens;
  }
  if (cached !== undefined) usage.cachedInputTokens = cached;
  if (thoughts !== undefined) usage.reasoningTokens = thoughts;
  return usage;
}

/** One part of a candidate's content being assembled. */
interface PartState {
  /** A copy of the part as received (for text, without its text). */
  part: Json;
  /** The text pieces of a text part, joined once when the result is built. */
  texts: string[] | undefined;
}

/** One candidate being assembled. */
interface CandidateState {
  parts: PartState[];
  /** The candidate's other fields, the last value of each as received. */
  fields: Json;
}

/**
 * Whether a text part (or its copy without the text) has no key besides
 * `text`, `thought` and `thoughtSignature`: only such pieces are joined.
 */
function isPlain(part: Json): boolean {
  for (const key in part) {
    if (key !== "text" && key !== "thought" && key !== "thoughtSignature") return false;
  }
  return true;
}

/**
 * The function call a part holds, when it is read as a tool call: a whole
 * one. A call whose arguments stream in pieces (`partialArgs`, Vertex AI
 * only) is not modeled: kept as received, never read as a complete call with
 * no arguments.
 */
export function wholeCall(part: Record<string, unknown>): Json | undefined {
  const call = part.functionCall;
  return isRecord(call) && !Array.isArray(call.partialArgs) && call.willContinue !== true
    ? call
    : undefined;
}

/** What a value that should have been a JSON object is, in words. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/**
 * Reads Gemini's stream: every SSE event is a whole `GenerateContentResponse`
 * with the parts that arrived since the last one. The one place the format
 * is interpreted: the first candidate's parts become the normalized parts
 * (every part with a string `text` as text, or reasoning when
 * `thought: true`, whatever other keys it carries; whole function calls;
 * anything else as `raw`), every candidate is assembled for the result, and
 * usage is replaced by each `usageMetadata` (Gemini's counts are
 * cumulative). An event's usage is emitted before its finish, so that a
 * consumer that ends at the finish (the UI message stream) has it.
 *
 * Gemini sends no end marker: the stream is complete once a finish reason
 * (or a prompt's block reason) arrived and the body ended.
 */
class GeminiReader implements ProtocolReader<GeminiGenerateContentResponse, GeminiResult> {
  readonly done = false;
  #candidates = new Map<number, CandidateState>();
  #top: Json = {};
  #usage: Json | undefined;
  #promptFeedback: Json | undefined;
  #finished = false;
  #received = false;
  #lastChunk: GeminiGenerateContentResponse | undefined;

  push(frame: unknown, emit: PartSink): GeminiGenerateContentResponse | undefined {
    const { data } = frame as ServerSentEvent;
    const event = JSON.parse(data) as unknown;
    if (!isRecord(event)) throw new SyntaxError("Event data is not a JSON object");
    if (isRecord(event.error)) throw this.#error(data);
    this.#received = true;
    for (const key in event) {
      if (key === "candidates" || key === "usageMetadata" || key === "promptFeedback") continue;
      this.#top[key] = event[key];
    }
    // The finishes of this event, emitted after its usage.
    const finishes: FinishPart[] = [];
    if (Array.isArray(event.candidates)) {
      event.candidates.forEach((candidate: unknown, position: number) => {
        if (!isRecord(candidate)) return;
        const index = typeof candidate.index === "number" ? candidate.index : position;
        this.#candidate(index, candidate, emit, finishes);
      });
    }
    const feedback = event.promptFeedback;
    if (isRecord(feedback)) {
      this.#promptFeedback = { ...feedback };
      if (typeof feedback.blockReason === "string" && feedback.blockReason !== "") {
        // A blocked prompt is an answer: a content filter, with the reason as sent.
        finishes.push({
          type: "finish",
          finishReason: "content-filter",
          rawFinishReason: feedback.blockReason,
        });
      }
    }
    if (isRecord(event.usageMetadata)) {
      this.#usage = { ...event.usageMetadata };
      emit({ type: "usage", usage: usageOf(this.#usage) });
    }
    for (const finish of finishes) {
      this.#finished = true;
      emit(finish);
    }
    const chunk = event as GeminiGenerateContentResponse;
    this.#lastChunk = chunk;
    return chunk;
  }

  #candidate(index: number, candidate: Json, emit: PartSink, finishes: FinishPart[]): void {
    let state = this.#candidates.get(index);
    if (state === undefined) {
      state = { parts: [], fields: {} };
      this.#candidates.set(index, state);
    }
    const first = index === 0;
    for (const key in candidate) {
      if (key === "content" || key === "index") continue;
      const value = candidate[key];
      const current = state.fields[key];
      if (key === "citationMetadata" && isRecord(value) && isRecord(current)) {
        // Citations arrive with the text they cite: keep every one.
        const sources = [
          ...(Array.isArray(current.citationSources) ? current.citationSources : []),
          ...(Array.isArray(value.citationSources) ? value.citationSources : []),
        ];
        state.fields[key] = { ...current, ...value, citationSources: sources };
      } else state.fields[key] = value;
    }
    const content = candidate.content;
    if (isRecord(content) && Array.isArray(content.parts)) {
      for (const part of content.parts as unknown[]) {
        if (isRecord(part)) this.#part(state, part, first ? emit : undefined);
      }
    }
    const reason = candidate.finishReason;
    if (first && typeof reason === "string" && reason !== "") {
      finishes.push({
        type: "finish",
        finishReason: finishReasonOf(reason),
        rawFinishReason: reason,
      });
    }
  }

  #part(state: CandidateState, part: Json, emit: PartSink | undefined): void {
    if (typeof part.text === "string" && part.functionCall === undefined) {
      // Text (reasoning when `thought: true`), whatever other keys the part carries: those
      // stay on its assembled part, and only plain pieces are joined.
      const text = part.text;
      const thought = part.thought === true;
      const last = state.parts[state.parts.length - 1];
      if (
        last?.texts !== undefined && (last.part.thought === true) === thought &&
        last.part.thoughtSignature === undefined && isPlain(last.part) && isPlain(part)
      ) {
        // The next piece of the same text: joined, and the signature (if it came) goes with it.
        last.texts.push(text);
        if (part.thoughtSignature !== undefined) {
          last.part.thoughtSignature = part.thoughtSignature;
        }
      } else {
        const { text: _, ...rest } = part;
        state.parts.push({ part: rest, texts: [text] });
      }
      if (emit !== undefined && text !== "") {
        emit({ type: thought ? "reasoning-delta" : "text-delta", text });
      }
      return;
    }
    const copy = { ...part };
    const call = wholeCall(part);
    if (call !== undefined) {
      copy.functionCall = { ...call };
      state.parts.push({ part: copy, texts: undefined });
      if (emit === undefined) return;
      const id = typeof call.id === "string" && call.id !== "" ? call.id : generatedCallId();
      const name = typeof call.name === "string" ? call.name : "";
      // Missing arguments are none; arguments that are not an object are unusable: the call
      // is marked, and a tool loop sends an error result back instead of running the tool.
      const args = call.args === undefined ? {} : call.args;
      emit({ type: "tool-call-start", id, name });
      emit({ type: "tool-call-delta", id, argumentsDelta: JSON.stringify(args) });
      const toolCall: ToolCallPart = { type: "tool-call", id, name, arguments: args };
      if (!isRecord(args)) {
        toolCall.parseError =
          `The arguments of tool call '${name}' are not a JSON object: Gemini sent ${kindOf(args)}`;
      }
      emit(toolCall);
      return;
    }
    state.parts.push({ part: copy, texts: undefined });
    // Code execution, inline data, anything added later: as received.
    emit?.({ type: "raw", value: { ...part } });
  }

  #error(data: string): ProviderError {
    const body = JSON.parse(data) as Json;
    const error = isRecord(body.error) ? body.error : {};
    const status = typeof error.status === "string" ? error.status : undefined;
    const detail = typeof error.message === "string" ? error.message : "no message";
    return new ProviderError(
      `Gemini reported ${status ?? "an error"} mid-stream: ${detail}`,
      { type: status, body },
    );
  }

  finish(): void {
    if (!this.#finished) {
      throw new IncompleteStreamError(
        "The stream ended before a finish reason: Gemini sends no end marker, so the body was cut off",
      );
    }
  }

  result(base: StreamResult): GeminiResult {
    const candidates: GeminiCandidate[] = [];
    const indexes = [...this.#candidates.keys()].sort((a, b) => a - b);
    for (const index of indexes) {
      const state = this.#candidates.get(index)!;
      const parts = state.parts.map(({ part, texts }) =>
        (texts === undefined ? { ...part } : { text: texts.join(""), ...part }) as GeminiPart
      );
      candidates.push({ content: { role: "model", parts }, ...state.fields, index });
    }
    const first = this.#candidates.has(0) ? candidates[indexes.indexOf(0)] : undefined;
    const content = first?.content ?? { role: "model" as const, parts: [] };
    const raw = this.#usage;
    const feedback = this.#promptFeedback as GeminiPromptFeedback | undefined;
    let response: GeminiGenerateContentResponse | undefined;
    if (this.#received) {
      response = {};
      if (candidates.length > 0) response.candidates = candidates;
      if (feedback !== undefined) response.promptFeedback = { ...feedback };
      if (raw !== undefined) response.usageMetadata = { ...raw } as GeminiUsageMetadata;
      Object.assign(response, this.#top);
    }
    const usage: GeminiUsage = raw === undefined ? { ...base.usage } : usageOf(raw);
    if (raw !== undefined) usage.raw = { ...raw } as GeminiUsageMetadata;
    return {
      ...base,
      lastChunk: this.#lastChunk,
      id: typeof this.#top.responseId === "string" ? this.#top.responseId : undefined,
      model: typeof this.#top.modelVersion === "string" ? this.#top.modelVersion : undefined,
      content,
      candidates,
      promptFeedback: feedback,
      usage,
      response,
    };
  }
}

/** Gemini's stream (`:streamGenerateContent?alt=sse`): `data:` events only, no end marker. */
export const generateContentProtocol: StreamProtocol<GeminiGenerateContentResponse, GeminiResult> =
  {
    framing: "sse",
    name: "gemini.generateContent",
    createReader: () => new GeminiReader(),
  };
