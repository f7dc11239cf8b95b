import type { StreamAssembler, StreamProtocol } from "../../stream/stream_protocol.ts";
import type { ToolCall } from "../../stream/types.ts";
import type { ServerSentEvent } from "../../streams/server_sent_event.ts";
import type { ServerSentEventMessage } from "../../streams/format_server_sent_event.ts";
import { ProviderError } from "../../errors/provider_error.ts";
import { IncompleteStreamError } from "../../errors/incomplete_stream_error.ts";
import { redact } from "../../http/_read_http_error.ts";
import type { AnthropicResult, AnthropicUsage } from "./anthropic_result.ts";
import type {
  AnthropicContentBlock,
  AnthropicMessage,
  AnthropicMessageUsage,
  AnthropicStopReason,
  AnthropicStreamEvent,
} from "./types.ts";

type Json = Record<string, unknown>;

/** The state of one content block, keyed by its `index`. */
interface BlockState {
  /** A copy of `content_block_start`'s block, updated by the deltas. */
  block: Json;
  /** Tool input fragments (`input_json_delta`), joined once at the block's stop. */
  json: string[] | undefined;
  /** Why the joined input is not JSON, once the block stopped. */
  parseError: string | undefined;
  stopped: boolean;
}

function parseInput(fragments: string[]): { input: unknown; parseError?: string } {
  const text = fragments.join("");
  if (text.trim() === "") return { input: {} };
  try {
    return { input: JSON.parse(text) };
  } catch (error) {
    return { input: text, parseError: error instanceof Error ? error.message : String(error) };
  }
}

function count(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

/**
 * Assembles Anthropic's typed events into a message: state keyed by block
 * `index`, tool input joined and parsed at `content_block_stop`, usage
 * replaced (never added) by `message_delta`.
 */
class MessageAssembler implements StreamAssembler<AnthropicStreamEvent, AnthropicResult> {
  #secrets: readonly string[];
  #message: Json | undefined;
  #changes: Json = {};
  #usage: Json | undefined;
  #blocks: (BlockState | undefined)[] = [];
  #lastChunk: AnthropicStreamEvent | undefined;
  #done = false;

  constructor(secrets: readonly string[]) {
    this.#secrets = secrets;
  }

  get done(): boolean {
    return this.#done;
  }

  push(frame: unknown): AnthropicStreamEvent | undefined {
    const { data } = frame as ServerSentEvent;
    const event = JSON.parse(data) as Json;
    if (typeof event !== "object" || event === null) {
      // Valid JSON but no event: reported like unparsable data (a ParseError with the line).
      throw new SyntaxError("Event data is not a JSON object");
    }
    switch (event.type) {
      case "content_block_delta":
        this.#delta(event);
        break;
      case "content_block_start":
        this.#start(event);
        break;
      case "content_block_stop":
        this.#stop(event);
        break;
      case "message_start": {
        const message = event.message as Json | undefined;
        if (typeof message === "object" && message !== null) {
          this.#message = message;
          this.#usage = { ...(message.usage as Json | undefined) };
        }
        break;
      }
      case "message_delta":
        this.#messageDelta(event);
        break;
      case "message_stop":
        this.#done = true;
        break;
      case "error":
        throw this.#error(data);
      default:
        // `ping`, and event types added later: delivered, nothing to assemble.
        break;
    }
    const chunk = event as unknown as AnthropicStreamEvent;
    this.#lastChunk = chunk;
    return chunk;
  }

  #start(event: Json): void {
    const index = event.index;
    const block = event.content_block as Json | undefined;
    if (typeof index !== "number" || typeof block !== "object" || block === null) return;
    const copy = { ...block };
    if (Array.isArray(copy.citations)) copy.citations = [...copy.citations];
    this.#blocks[index] = { block: copy, json: undefined, parseError: undefined, stopped: false };
  }

  #delta(event: Json): void {
    const state = this.#blocks[event.index as number];
    const delta = event.delta as Json | undefined;
    if (state === undefined || typeof delta !== "object" || delta === null) return;
    const block = state.block;
    switch (delta.type) {
      case "text_delta":
        block.text = (typeof block.text === "string" ? block.text : "") + delta.text;
        break;
      case "input_json_delta":
        (state.json ??= []).push(delta.partial_json as string);
        break;
      case "thinking_delta":
        block.thinking = (typeof block.thinking === "string" ? block.thinking : "") +
          delta.thinking;
        break;
      case "signature_delta":
        block.signature = delta.signature;
        break;
      case "citations_delta":
        if (Array.isArray(block.citations)) block.citations.push(delta.citation);
        else block.citations = [delta.citation];
        break;
      default:
        // Delta types added later: ignored.
        break;
    }
  }

  #stop(event: Json): void {
    const state = this.#blocks[event.index as number];
    if (state === undefined || state.stopped) return;
    state.stopped = true;
    if (state.json !== undefined) {
      const { input, parseError } = parseInput(state.json);
      state.block.input = input;
      state.parseError = parseError;
      state.json = undefined;
    }
  }

  #messageDelta(event: Json): void {
    const delta = event.delta as Json | undefined;
    if (typeof delta === "object" && delta !== null) {
      for (const key in delta) this.#changes[key] = delta[key];
    }
    const usage = event.usage as Json | undefined;
    if (typeof usage === "object" && usage !== null) {
      const total = this.#usage ??= {};
      for (const key in usage) {
        const value = usage[key];
        if (value !== null && value !== undefined) total[key] = value;
      }
    }
  }

  #error(data: string): ProviderError {
    const body = JSON.parse(redact(data, this.#secrets)) as Json;
    const error = (typeof body.error === "object" && body.error !== null ? body.error : {}) as Json;
    const type = typeof error.type === "string" ? error.type : undefined;
    const detail = typeof error.message === "string" ? error.message : "no message";
    return new ProviderError(
      `Anthropic reported ${type ?? "an error"} mid-stream: ${detail}`,
      { type, body },
    );
  }

  text(chunk: AnthropicStreamEvent): string {
    if (chunk.type !== "content_block_delta") return "";
    const delta = chunk.delta;
    return delta?.type === "text_delta" ? delta.text : "";
  }

  thinking(chunk: AnthropicStreamEvent): string {
    if (chunk.type !== "content_block_delta") return "";
    const delta = chunk.delta;
    return delta?.type === "thinking_delta" ? delta.thinking : "";
  }

  finish(): void {
    if (!this.#done) {
      throw new IncompleteStreamError("The stream ended before message_stop");
    }
  }

  result(): AnthropicResult {
    const content: AnthropicContentBlock[] = [];
    const toolCalls: ToolCall[] = [];
    let text = "";
    let thinking = "";
    for (const state of this.#blocks) {
      if (state === undefined) continue;
      const block = { ...state.block };
      let parseError = state.parseError;
      if (state.json !== undefined) {
        // A tool block that never stopped (a partial result): its input so far.
        const parsed = parseInput(state.json);
        block.input = parsed.input;
        parseError = parsed.parseError;
      }
      content.push(block as unknown as AnthropicContentBlock);
      switch (block.type) {
        case "text":
          if (typeof block.text === "string") text += block.text;
          break;
        case "thinking":
          if (typeof block.thinking === "string") thinking += block.thinking;
          break;
        case "tool_use": {
          const call: ToolCall = {
            id: block.id as string,
            name: block.name as string,
            arguments: block.input ?? {},
          };
          if (parseError !== undefined) call.parseError = parseError;
          toolCalls.push(call);
          break;
        }
      }
    }
    const started = this.#message;
    const message: Json = { ...started, ...this.#changes };
    const raw = this.#usage as AnthropicMessageUsage | undefined;
    const usage: AnthropicUsage = {};
    if (raw !== undefined) {
      const input = count(raw.input_tokens);
      const creation = count(raw.cache_creation_input_tokens);
      const read = count(raw.cache_read_input_tokens);
      const output = count(raw.output_tokens);
      if (input !== undefined) usage.inputTokens = input;
      if (output !== undefined) usage.outputTokens = output;
      if (creation !== undefined) usage.cacheCreationInputTokens = creation;
      if (read !== undefined) usage.cacheReadInputTokens = read;
      if (input !== undefined || creation !== undefined || read !== undefined) {
        usage.totalInputTokens = (input ?? 0) + (creation ?? 0) + (read ?? 0);
      }
      usage.raw = { ...raw };
    }
    const stopReason = message.stop_reason;
    const stopSequence = message.stop_sequence;
    return {
      text,
      thinking,
      toolCalls,
      finishReason: typeof stopReason === "string" ? stopReason as AnthropicStopReason : undefined,
      usage,
      lastChunk: this.#lastChunk,
      id: typeof message.id === "string" ? message.id : undefined,
      model: typeof message.model === "string" ? message.model : undefined,
      content,
      stopSequence: typeof stopSequence === "string" ? stopSequence : null,
      message: started === undefined
        ? undefined
        : { ...message, content, usage: { ...raw } } as AnthropicMessage,
    };
  }
}

/** Anthropic's Messages stream: SSE events named after their `type`, no `[DONE]`. */
export function messagesProtocol(
  secrets: readonly string[],
): StreamProtocol<AnthropicStreamEvent, AnthropicResult> {
  return {
    framing: "sse",
    createAssembler: () => new MessageAssembler(secrets),
    toServerSentEvent: (chunk): ServerSentEventMessage => ({
      event: chunk.type,
      data: JSON.stringify(chunk),
    }),
  };
}
