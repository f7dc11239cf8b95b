import { streamText } from "./stream_text.ts";
import type { GenerateTextResult, StreamTextOptions, ToolSet } from "./types.ts";

/**
 * Generates a model's whole answer through any provider: the options of
 * `streamText` (tools and the `maxSteps` tool loop included), resolved to
 * the same result `streamText(...).result()` gives — text, reasoning, tool
 * calls and results, finish reason (normalized and raw), usage, warnings,
 * response and steps. It streams underneath, so the idle timeout guards a
 * stalled server; it rejects with the stream's error.
 *
 * @example Generate an answer (here from a canned Anthropic stream)
 * ```ts
 * import { anthropic, generateText } from "@sluice/sluice/unified";
 * import assert from "node:assert/strict";
 *
 * const events = [
 *   { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant",
 *     model: "claude-sonnet-4-6", content: [], stop_reason: null, stop_sequence: null,
 *     usage: { input_tokens: 5, output_tokens: 1 } } },
 *   { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
 *   { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hello" } },
 *   { type: "content_block_stop", index: 0 },
 *   { type: "message_delta", delta: { stop_reason: "max_tokens", stop_sequence: null },
 *     usage: { output_tokens: 1 } },
 *   { type: "message_stop" },
 * ];
 * const body = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
 * const model = anthropic("claude-sonnet-4-6", { fetch: () => Promise.resolve(new Response(body)) });
 *
 * const result = await generateText({ model, prompt: "Say hello", maxTokens: 1 });
 * assert.equal(result.text, "Hello");
 * assert.equal(result.finishReason, "length");
 * assert.deepEqual(result.usage, { inputTokens: 5, outputTokens: 1, totalTokens: 6 });
 * assert.equal(result.response.id, "msg_1");
 * ```
 */
export function generateText<TOOLS extends ToolSet = ToolSet>(
  options: StreamTextOptions<TOOLS>,
): Promise<GenerateTextResult<TOOLS>> {
  try {
    return streamText(options).result();
  } catch (error) {
    return Promise.reject(error);
  }
}
