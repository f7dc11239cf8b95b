import type { StreamResult, Usage } from "../../stream/types.ts";
import type {
  AnthropicContentBlock,
  AnthropicMessage,
  AnthropicMessageUsage,
  AnthropicStopReason,
  AnthropicStreamEvent,
} from "./types.ts";

/**
 * Token counts of an Anthropic stream: the counts of `message_start`, each
 * field replaced by the cumulative counts of the last `message_delta`.
 */
export interface AnthropicUsage extends Usage {
  /** Input tokens not read from or written to the prompt cache (`input_tokens`). */
  inputTokens?: number | undefined;
  /** Output tokens, thinking included (`output_tokens`). */
  outputTokens?: number | undefined;
  /** Input tokens written to the prompt cache (`cache_creation_input_tokens`). */
  cacheCreationInputTokens?: number | undefined;
  /** Input tokens read from the prompt cache (`cache_read_input_tokens`). */
  cacheReadInputTokens?: number | undefined;
  /** All input tokens: uncached, cache writes and cache reads. */
  totalInputTokens?: number | undefined;
  /** The usage object as Anthropic reported it, merged across events. */
  raw?: AnthropicMessageUsage | undefined;
}

/**
 * What an Anthropic stream assembles to: the shared fields of every stream
 * (`text`, `thinking`, `toolCalls`, `finishReason`, `usage`) and the message
 * in Anthropic's own shape, ready to send back as the assistant turn.
 */
export interface AnthropicResult extends StreamResult<AnthropicStreamEvent> {
  /** The message id (`msg_…`), from `message_start`. */
  id: string | undefined;
  /** The model that answered, from `message_start`. */
  model: string | undefined;
  /**
   * The content blocks, in `index` order: text, thinking with its signature,
   * tool calls with their input parsed, and any other block as received.
   */
  content: AnthropicContentBlock[];
  /** The `stop_reason` (undefined until `message_delta` arrived). */
  finishReason?: AnthropicStopReason | undefined;
  /** The stop sequence that matched, if one did. */
  stopSequence: string | null;
  /** Token counts. */
  usage: AnthropicUsage;
  /**
   * The whole message as a `stream: false` call would have returned it
   * (undefined if `message_start` never arrived).
   */
  message: AnthropicMessage | undefined;
}
