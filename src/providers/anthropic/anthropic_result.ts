import type { StreamResult, Usage } from "../../shared/types.ts";
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
  /**
   * All input tokens: uncached (`input_tokens`), cache writes and cache reads,
   * as every provider counts them.
   */
  inputTokens?: number | undefined;
  /** Output tokens, thinking included (`output_tokens`). */
  outputTokens?: number | undefined;
  /** Input tokens read from the prompt cache (`cache_read_input_tokens`). */
  cachedInputTokens?: number | undefined;
  /** Input tokens written to the prompt cache (`cache_creation_input_tokens`). */
  cacheCreationInputTokens?: number | undefined;
  /** Input tokens read from the prompt cache (`cache_read_input_tokens`). */
  cacheReadInputTokens?: number | undefined;
  /** The usage object as Anthropic reported it, merged across events. */
  raw?: AnthropicMessageUsage | undefined;
}

/**
 * What an Anthropic stream assembles to: the shared fields of every stream
 * (`text`, `reasoning`, `toolCalls`, `finishReason`, `usage`) and the message
 * in Anthropic's own shape, ready to send back as the assistant turn.
 */
export interface AnthropicResult extends StreamResult {
  /** The last event received, as the server sent it. */
  lastChunk?: AnthropicStreamEvent | undefined;
  /** The message id (`msg_…`), from `message_start`. */
  id: string | undefined;
  /** The model that answered, from `message_start`. */
  model: string | undefined;
  /**
   * The content blocks, in `index` order: text, thinking with its signature,
   * tool calls with their input parsed, and any other block as received.
   */
  content: AnthropicContentBlock[];
  /** The `stop_reason` as sent (undefined until `message_delta` arrived). */
  rawFinishReason?: AnthropicStopReason | undefined;
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
