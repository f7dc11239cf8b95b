import type {
  PartSink,
  ProtocolReader,
  StreamProtocol,
} from "../../response_stream/stream_protocol.ts";
import type { ServerSentEvent } from "../../streams/server_sent_event.ts";
import type { ServerSentEventMessage } from "../../streams/format_server_sent_event.ts";
import { ProviderError } from "../../errors/provider_error.ts";
import { IncompleteStreamError } from "../../errors/incomplete_stream_error.ts";
import { generatedCallId, parseArguments } from "../../shared/_tool_arguments.ts";
import { usageOf } from "../../shared/_usage.ts";
import type { FinishReason, StreamResult, ToolCallPart, Usage } from "../../shared/types.ts";
import type { AnthropicResult, AnthropicUsage } from "./anthropic_result.ts";
import type {
  AnthropicContentBlock,
  AnthropicMessage,
  AnthropicMessageUsage,
  AnthropicStreamEvent,
} from "./types.ts";
import { isRecord } from "../../shared/_is_record.ts";
import { holds, plainStringEnd, sliceOwn } from "../../shared/_compact_json.ts";

type Json = Record<string, unknown>;

/** The state of one content block. */
interface BlockState {
  /** A copy of the block as started, updated by the deltas. */
  block: Json;
  /** Tool input fragments (`input_json_delta`), joined once at the block's stop. */
  json: string[] | undefined;
  /**
   * Where the block's text (or thinking) lies in the text (reasoning) of the
   * parts: it is cut from there when the result is built, so the deltas are
   * concatenated once, not twice.
   */
  from: number | undefined;
  to: number | undefined;
  stopped: boolean;
}

/** The block types whose content the normalized parts carry; any other is a `raw` part. */
const MODELED = new Set(["text", "thinking", "tool_use"]);

/** A content block index: a non-negative integer (anything else is not a block of ours). */
function isIndex(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function finishReasonOf(raw: string): FinishReason {
  switch (raw) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool-calls";
    case "refusal":
      return "content-filter";
    default:
      return "other";
  }
}

const DELTA_HEAD = '{"type":"content_block_delta","index":';
const DELTA_TYPE = ',"delta":{"type":"';
/** The most frequent delta, compared in one piece (a literal: a bundler keeps a `+` at load). */
const TEXT_DELTA = ',"delta":{"type":"text_delta","text":"';
const THINKING_DELTA = 'thinking_delta","thinking":"';
const INPUT_JSON_DELTA = 'input_json_delta","partial_json":"';
const ZERO = 48;
const CLOSE_BRACE = 125;

/**
 * The Messages API's most frequent event, a `content_block_delta` of text,
 * thinking or tool input, read without `JSON.parse` when it comes as the API
 * sends it: compact, its keys in the documented order, a string without
 * escapes, e.g.
 * `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}`.
 * Returns the object `JSON.parse(data)` would, or `undefined` for anything
 * else (a space, another key or delta type, an escape, a long or padded
 * index), which is then parsed as usual.
 */
export function parseCompactDelta(data: string): Json | undefined {
  if (!holds(data, DELTA_HEAD, 0)) return undefined;
  const start = DELTA_HEAD.length;
  let at = start;
  let index = 0;
  for (; at < start + 10; at++) {
    const digit = data.charCodeAt(at) - ZERO;
    if (!(digit >= 0 && digit <= 9)) break;
    index = index * 10 + digit;
  }
  // One to nine digits, no leading zero: integers JSON.parse reads exactly so.
  const digits = at - start;
  if (digits === 0 || digits > 9 || (digits > 1 && data.charCodeAt(start) === ZERO)) {
    return undefined;
  }
  let type: "text_delta" | "thinking_delta" | "input_json_delta";
  if (holds(data, TEXT_DELTA, at)) {
    type = "text_delta";
    at += TEXT_DELTA.length;
  } else {
    if (!holds(data, DELTA_TYPE, at)) return undefined;
    at += DELTA_TYPE.length;
    if (holds(data, THINKING_DELTA, at)) {
      type = "thinking_delta";
      at += THINKING_DELTA.length;
    } else if (holds(data, INPUT_JSON_DELTA, at)) {
      type = "input_json_delta";
      at += INPUT_JSON_DELTA.length;
    } else {
      return undefined;
    }
  }
  // The string closes three characters before the end: `"}}`.
  const end = plainStringEnd(data, at);
  if (
    end !== data.length - 3 || data.charCodeAt(end + 1) !== CLOSE_BRACE ||
    data.charCodeAt(end + 2) !== CLOSE_BRACE
  ) {
    return undefined;
  }
  const value = sliceOwn(data, at, end);
  const delta = type === "text_delta"
    ? { type, text: value }
    : type === "thinking_delta"
    ? { type, thinking: value }
    : { type, partial_json: value };
  return { type: "content_block_delta", index, delta };
}

const count = (value: unknown) => typeof value === "number" ? value : undefined;

/** Anthropic's counts in the shared vocabulary: input includes cache reads and writes. */
export function usagePart(raw: Json): Usage {
  const input = count(raw.input_tokens);
  const creation = count(raw.cache_creation_input_tokens);
  const read = count(raw.cache_read_input_tokens);
  const total = input === undefined && creation === undefined && read === undefined
    ? undefined
    : (input ?? 0) + (creation ?? 0) + (read ?? 0);
  return usageOf(total, raw.output_tokens, read);
}

/** The result's usage: the shared counts, Anthropic's cache counts and the raw object. */
function usageFrom(raw: Json): AnthropicUsage {
  const usage: AnthropicUsage = usagePart(raw);
  const creation = count(raw.cache_creation_input_tokens);
  const read = count(raw.cache_read_input_tokens);
  if (creation !== undefined) usage.cacheCreationInputTokens = creation;
  if (read !== undefined) usage.cacheReadInputTokens = read;
  usage.raw = { ...raw } as AnthropicMessageUsage;
  return usage;
}

/**
 * Reads Anthropic's typed events: the one place the Messages stream is
 * interpreted. Blocks are keyed by `index` in a map (an index is never
 * iterated up to), tool input is joined and parsed at `content_block_stop`,
 * usage is merged field by field (never added), and content that arrives
 * inside `message_start` is part of the message.
 *
 * A delta of a type not modeled here (one added later, like
 * `compaction_delta`) is applied to its block by one rule — a string field is
 * appended to the block's field of the same name, any other value replaces
 * it — and is also handed on as a `raw` part, so nothing received is lost.
 * So are a `citations_delta` (no part models a citation) and an event of a
 * type added later; a `ping` carries nothing and gives no part.
 */
class MessageReader implements ProtocolReader<AnthropicStreamEvent, AnthropicResult> {
  done = false;
  #message: Json | undefined;
  #changes: Json = {};
  #usage: Json | undefined;
  /** Blocks that came whole inside `message_start`, first in the content. */
  #initial: Json[] = [];
  #blocks = new Map<number, BlockState>();
  /** How much text and reasoning the parts carried so far (the blocks' offsets). */
  #textLength = 0;
  #reasoningLength = 0;
  #lastChunk: AnthropicStreamEvent | undefined;

  push(frame: unknown, emit: PartSink): AnthropicStreamEvent | undefined {
    const { data } = frame as ServerSentEvent;
    const event = parseCompactDelta(data) ?? JSON.parse(data) as Json;
    if (!isRecord(event)) {
      // Valid JSON but no event: reported like unparsable data (a ParseError with the line).
      throw new SyntaxError("Event data is not a JSON object");
    }
    switch (event.type) {
      case "content_block_delta":
        this.#delta(event, emit);
        break;
      case "content_block_start":
        this.#start(event, emit);
        break;
      case "content_block_stop":
        this.#stop(event, emit);
        break;
      case "message_start":
        this.#messageStart(event, emit);
        break;
      case "message_delta":
        this.#messageDelta(event, emit);
        break;
      case "message_stop":
        this.done = true;
        break;
      case "error":
        throw this.#error(data);
      case "ping":
        // A keep-alive: delivered, no content.
        break;
      default:
        // An event type added later: delivered, and handed on as a `raw` part
        // (a copy: the chunk is the caller's), so nothing received is dropped.
        emit({ type: "raw", value: structuredClone(event) });
        break;
    }
    const chunk = event as unknown as AnthropicStreamEvent;
    this.#lastChunk = chunk;
    return chunk;
  }

  #messageStart(event: Json, emit: PartSink): void {
    const message = event.message;
    if (!isRecord(message)) return;
    const started = this.#message;
    if (started !== undefined) {
      // The same message announced again is harmless; another one would splice two answers.
      if (started.id === message.id) return;
      throw new IncompleteStreamError(
        `A second message_start (id '${String(message.id)}') arrived before message '${
          String(started.id)
        }' ended: the stream spliced two generations`,
      );
    }
    this.#message = message;
    if (isRecord(message.usage)) {
      this.#usage = { ...message.usage };
      emit({ type: "usage", usage: usagePart(this.#usage) });
    }
    // Content delivered whole in message_start (programmatic tool calling).
    if (Array.isArray(message.content)) {
      for (const block of message.content as unknown[]) {
        if (!isRecord(block)) continue;
        const copy = { ...block };
        this.#initial.push(copy);
        this.#emitWhole(copy, emit);
      }
    }
    if (typeof message.stop_reason === "string") this.#finish(message.stop_reason, emit);
  }

  /** The parts of a block that arrived complete. */
  #emitWhole(block: Json, emit: PartSink): void {
    switch (block.type) {
      case "text":
        if (typeof block.text === "string") this.#emitText(block.text, emit);
        break;
      case "thinking":
        if (typeof block.thinking === "string") this.#emitReasoning(block.thinking, emit);
        break;
      case "tool_use":
        if (typeof block.id !== "string" || block.id === "") block.id = generatedCallId();
        this.#toolCall(block, JSON.stringify(block.input ?? {}), emit, true);
        break;
      default:
        emit({ type: "raw", value: { ...block } });
    }
  }

  #emitText(text: string, emit: PartSink): void {
    if (!text) return;
    this.#textLength += text.length;
    emit({ type: "text-delta", text });
  }

  #emitReasoning(text: string, emit: PartSink): void {
    if (!text) return;
    this.#reasoningLength += text.length;
    emit({ type: "reasoning-delta", text });
  }

  /**
   * Emits a tool call: for a block that came whole, its start and its input as
   * text first; then the call, its input parsed from `text` unless `given`.
   */
  #toolCall(block: Json, text: string, emit: PartSink, whole: boolean, given?: unknown): void {
    const id = typeof block.id === "string" ? block.id : "";
    const name = typeof block.name === "string" ? block.name : "";
    if (whole) {
      emit({ type: "tool-call-start", id, name });
      emit({ type: "tool-call-delta", id, argumentsDelta: text });
    }
    const part: ToolCallPart = { type: "tool-call", id, name, arguments: block.input ?? {} };
    if (given !== undefined || whole) {
      part.arguments = block.input = given ?? block.input ?? {};
    } else {
      const { value, error } = parseArguments(text, name);
      part.arguments = block.input = value;
      if (error !== undefined) part.parseError = error;
    }
    emit(part);
  }

  #start(event: Json, emit: PartSink): void {
    const index = event.index;
    const block = event.content_block;
    if (!isIndex(index) || !isRecord(block)) return;
    const copy = { ...block };
    if (Array.isArray(copy.citations)) copy.citations = [...copy.citations];
    const state: BlockState = {
      block: copy,
      json: undefined,
      from: undefined,
      to: undefined,
      stopped: false,
    };
    this.#blocks.set(index, state);
    if (copy.type === "tool_use") {
      // A call without an id gets one, so that a result can answer it.
      if (typeof copy.id !== "string" || copy.id === "") copy.id = generatedCallId();
      emit({ type: "tool-call-start", id: copy.id as string, name: String(copy.name ?? "") });
    } else if (copy.type === "text") {
      // Text the start already carries is part of the answer.
      state.from = this.#textLength;
      if (typeof copy.text === "string") this.#emitText(copy.text, emit);
    } else if (copy.type === "thinking") {
      state.from = this.#reasoningLength;
      if (typeof copy.thinking === "string") this.#emitReasoning(copy.thinking, emit);
    }
  }

  #delta(event: Json, emit: PartSink): void {
    const index = event.index;
    const delta = event.delta;
    const state = isIndex(index) ? this.#blocks.get(index) : undefined;
    if (state === undefined || !isRecord(delta)) {
      // A delta of no block that started: kept as received, never dropped.
      emit({ type: "raw", value: structuredClone(event) });
      return;
    }
    const block = state.block;
    switch (delta.type) {
      case "text_delta": {
        const text = delta.text;
        if (typeof text !== "string" || block.type !== "text") break;
        this.#emitText(text, emit);
        return;
      }
      case "thinking_delta": {
        const thinking = delta.thinking;
        if (typeof thinking !== "string" || block.type !== "thinking") break;
        this.#emitReasoning(thinking, emit);
        return;
      }
      case "input_json_delta": {
        const json = delta.partial_json;
        if (typeof json !== "string") return;
        (state.json ??= []).push(json);
        if (json && block.type === "tool_use") {
          emit({ type: "tool-call-delta", id: String(block.id ?? ""), argumentsDelta: json });
        }
        return;
      }
      case "signature_delta":
        if (typeof delta.signature === "string") block.signature = delta.signature;
        return;
      case "citations_delta":
        if (Array.isArray(block.citations)) block.citations.push(structuredClone(delta.citation));
        else block.citations = [structuredClone(delta.citation)];
        break;
      default:
        // The documented rule for a delta type sluice does not model.
        for (const key in delta) {
          if (key === "type") continue;
          const value = delta[key];
          const current = block[key];
          block[key] = typeof value === "string" && (typeof current === "string" || current == null)
            ? (current ?? "") + value
            : value;
        }
    }
    // What no part models (a citation, a delta of another type) or a text or thinking delta that
    // does not fit its block: handed on as a `raw` part, a copy, so nothing received is dropped.
    emit({ type: "raw", value: { index, delta: structuredClone(delta) } });
  }

  #stop(event: Json, emit: PartSink): void {
    const index = event.index;
    if (!isIndex(index)) return;
    const state = this.#blocks.get(index);
    if (state === undefined || state.stopped) return;
    state.stopped = true;
    const block = state.block;
    if (block.type === "text") state.to = this.#textLength;
    else if (block.type === "thinking") state.to = this.#reasoningLength;
    if (block.type === "tool_use") {
      // Input streamed as JSON text, or (no deltas) given whole in content_block_start.
      if (state.json === undefined) this.#toolCall(block, "", emit, false, block.input);
      else this.#toolCall(block, state.json.join(""), emit, false);
      state.json = undefined;
      return;
    }
    if (state.json !== undefined) {
      // Streamed input of a block that is not a client tool call (a server tool's).
      block.input = parseArguments(state.json.join(""), String(block.name ?? "")).value;
      state.json = undefined;
    }
    if (!MODELED.has(block.type as string)) emit({ type: "raw", value: { ...block } });
  }

  #messageDelta(event: Json, emit: PartSink): void {
    const delta = event.delta;
    if (isRecord(delta)) {
      for (const key in delta) this.#changes[key] = delta[key];
    }
    const usage = event.usage;
    if (isRecord(usage)) {
      const total = this.#usage ??= {};
      for (const key in usage) {
        const value = usage[key];
        if (value !== null && value !== undefined) total[key] = value;
      }
      emit({ type: "usage", usage: usagePart(total) });
    }
    if (isRecord(delta) && typeof delta.stop_reason === "string") {
      this.#finish(delta.stop_reason, emit);
    }
  }

  #finish(raw: string, emit: PartSink): void {
    emit({ type: "finish", finishReason: finishReasonOf(raw), rawFinishReason: raw });
  }

  #error(data: string): ProviderError {
    const body = JSON.parse(data) as Json;
    const error = isRecord(body.error) ? body.error : {};
    const type = typeof error.type === "string" ? error.type : undefined;
    const detail = typeof error.message === "string" ? error.message : "no message";
    return new ProviderError(
      `Anthropic reported ${type ?? "an error"} mid-stream: ${detail}`,
      { type, body },
    );
  }

  finish(): void {
    if (!this.done) {
      throw new IncompleteStreamError("The stream ended before message_stop");
    }
  }

  result(base: StreamResult): AnthropicResult {
    const content: AnthropicContentBlock[] = [];
    for (const block of this.#initial) {
      content.push({ ...block } as unknown as AnthropicContentBlock);
    }
    const indexes = [...this.#blocks.keys()].sort((a, b) => a - b);
    for (const index of indexes) {
      const state = this.#blocks.get(index)!;
      const block = { ...state.block };
      if (state.from !== undefined) {
        // The block's text, cut from the parts' text where its deltas went.
        const all = block.type === "text" ? base.text : base.reasoning;
        block[block.type === "text" ? "text" : "thinking"] = all.slice(state.from, state.to);
      }
      if (state.json !== undefined) {
        // A block whose input is still streaming (a partial result): its input so far.
        block.input = parseArguments(state.json.join(""), String(block.name ?? "")).value;
      }
      content.push(block as unknown as AnthropicContentBlock);
    }
    // Tool calls in content order, whatever order their blocks started in.
    const position = new Map<unknown, number>();
    content.forEach((block, i) => position.set((block as { id?: unknown }).id, i));
    const toolCalls = base.toolCalls.slice().sort((a, b) =>
      (position.get(a.id) ?? Infinity) - (position.get(b.id) ?? Infinity)
    );
    const started = this.#message;
    const message: Json = { ...started, ...this.#changes };
    const raw = this.#usage;
    const stopSequence = message.stop_sequence;
    const result: AnthropicResult = {
      ...base,
      toolCalls,
      usage: raw === undefined ? { ...base.usage } : usageFrom(raw),
      lastChunk: this.#lastChunk,
      id: typeof message.id === "string" ? message.id : undefined,
      model: typeof message.model === "string" ? message.model : undefined,
      content,
      stopSequence: typeof stopSequence === "string" ? stopSequence : null,
      message: started === undefined
        ? undefined
        : { ...message, content, usage: { ...raw } } as AnthropicMessage,
    };
    return result;
  }
}

/**
 * Anthropic's Messages stream: SSE events named after their `type`, no
 * `[DONE]`. (A key echoed in an error is redacted by the stream core, as for
 * every provider.)
 */
export const messagesProtocol: StreamProtocol<AnthropicStreamEvent, AnthropicResult> = {
  framing: "sse",
  name: "anthropic.messages",
  createReader: () => new MessageReader(),
  toServerSentEvent: (chunk): ServerSentEventMessage => ({
    event: chunk.type,
    data: JSON.stringify(chunk),
  }),
};
