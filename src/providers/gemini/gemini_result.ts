import type { StreamResult, Usage } from "../../shared/types.ts";
import type {
  GeminiCandidate,
  GeminiContent,
  GeminiFinishReason,
  GeminiGenerateContentResponse,
  GeminiPromptFeedback,
  GeminiUsageMetadata,
} from "./types.ts";

/** Token counts of a Gemini stream, from the last `usageMetadata` received. */
export interface GeminiUsage extends Usage {
  /** Prompt tokens, cached ones included (`promptTokenCount`). */
  inputTokens?: number | undefined;
  /** Answer plus thinking tokens (`candidatesTokenCount + thoughtsTokenCount`). */
  outputTokens?: number | undefined;
  /** `totalTokenCount` as sent (it may include tool-use prompt tokens). */
  totalTokens?: number | undefined;
  /** Prompt tokens read from the cached content (`cachedContentTokenCount`). */
  cachedInputTokens?: number | undefined;
  /** Tokens spent thinking (`thoughtsTokenCount`). */
  reasoningTokens?: number | undefined;
  /** The usage object as Gemini last reported it. */
  raw?: GeminiUsageMetadata | undefined;
}

/**
 * What a Gemini stream assembles to: the shared fields of every stream
 * (`text`, `reasoning`, `toolCalls`, `finishReason`, `usage`) and the
 * response in Gemini's own shape, as one `stream: false` call returns it.
 *
 * A blocked prompt (`promptFeedback.blockReason`) ends the stream normally
 * with `finishReason: "content-filter"` and the block reason as
 * `rawFinishReason`; `promptFeedback` says why.
 */
export interface GeminiResult extends StreamResult {
  /** The last event received, as the server sent it. */
  lastChunk?: GeminiGenerateContentResponse | undefined;
  /** The response's id (`responseId`). */
  id: string | undefined;
  /** The model version that answered (`modelVersion`). */
  model: string | undefined;
  /**
   * The first candidate's content, role `"model"`, ready to send back as the
   * model's turn: the parts as received, each `thoughtSignature` on the part
   * it came with (consecutive text pieces of the same kind are joined up to
   * a part that carries a signature).
   */
  content: GeminiContent;
  /** Every candidate, assembled the same way (`candidates[0].content` is `content`). */
  candidates: GeminiCandidate[];
  /** The first candidate's `finishReason` as sent, or the prompt's `blockReason`. */
  rawFinishReason?: GeminiFinishReason | undefined;
  /** Why the prompt was blocked, and its safety ratings, when sent. */
  promptFeedback: GeminiPromptFeedback | undefined;
  /** Token counts. */
  usage: GeminiUsage;
  /**
   * The whole response as a `stream: false` call would have returned it
   * (undefined if nothing arrived).
   */
  response: GeminiGenerateContentResponse | undefined;
}
