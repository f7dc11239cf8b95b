/**
 * A streaming client for Anthropic's Messages API (`POST /v1/messages`),
 * built on web standards only. {@linkcode Anthropic.messages} returns a
 * `ResponseStream` of Anthropic's typed events (`message_start`,
 * `content_block_delta`, …) that assembles into an {@linkcode AnthropicResult}:
 * text, thinking with its signature, tool calls with parsed input, the stop
 * reason and usage, and the content blocks to send back as the assistant turn.
 *
 * @example Stream a reply token by token
 * ```ts
 * import { Anthropic } from "@sluice/sluice/anthropic";
 * import { createMockServer } from "@sluice/sluice/testing";
 *
 * const mock = createMockServer(); // here against the mock server; drop `fetch` to call the API
 * const anthropic = new Anthropic({
 *   apiKey: Deno.env.get("ANTHROPIC_API_KEY"),
 *   fetch: mock.fetch,
 * });
 * const stream = anthropic.messages({
 *   model: "claude-sonnet-4-6",
 *   max_tokens: 1024,
 *   messages: [{ role: "user", content: "Why stream model output?" }],
 * });
 * for await (const text of stream.textStream) console.log(text);
 * const { usage, finishReason } = await stream.result();
 * ```
 *
 * @example Run against a canned response (the `fetch` option)
 * ```ts
 * import { Anthropic } from "@sluice/sluice/anthropic";
 * import assert from "node:assert/strict";
 *
 * const body = [
 *   'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1",' +
 *   '"type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[],' +
 *   '"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":8,"output_tokens":1}}}',
 *   'event: content_block_start\ndata: {"type":"content_block_start","index":0,' +
 *   '"content_block":{"type":"text","text":""}}',
 *   'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,' +
 *   '"delta":{"type":"text_delta","text":"Hi!"}}',
 *   'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}',
 *   'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn",' +
 *   '"stop_sequence":null},"usage":{"output_tokens":4}}',
 *   'event: message_stop\ndata: {"type":"message_stop"}',
 * ].join("\n\n") + "\n\n";
 * const anthropic = new Anthropic({ fetch: () => Promise.resolve(new Response(body)) });
 *
 * const result = await anthropic.messages({
 *   model: "claude-sonnet-4-6",
 *   max_tokens: 64,
 *   messages: [{ role: "user", content: "Hello" }],
 * }).result();
 * assert.equal(result.text, "Hi!");
 * assert.deepEqual(result.content, [{ type: "text", text: "Hi!" }]);
 * assert.equal(result.usage.outputTokens, 4);
 * ```
 *
 * @example Continue after tool calls (here the mock server plays the model)
 * ```ts
 * import {
 *   Anthropic,
 *   type AnthropicMessageParam,
 *   type AnthropicTool,
 * } from "@sluice/sluice/anthropic";
 * import { createMockServer } from "@sluice/sluice/testing";
 * import assert from "node:assert/strict";
 *
 * const anthropic = new Anthropic({ fetch: createMockServer().fetch });
 * const model = "claude-sonnet-4-6";
 * const max_tokens = 1024;
 * const tools: AnthropicTool[] = [{
 *   name: "get_weather",
 *   input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
 * }];
 * const run = (_name: string, input: unknown) => ({ input, celsius: 21 });
 * const messages: AnthropicMessageParam[] = [{ role: "user", content: "Weather in Lisbon?" }];
 *
 * const result = await anthropic.messages({ model, max_tokens, tools, messages }).result();
 * assert.equal(result.finishReason, "tool-calls");
 * messages.push({ role: "assistant", content: result.content });
 * messages.push({
 *   role: "user",
 *   content: result.toolCalls.map((call) => ({
 *     type: "tool_result",
 *     tool_use_id: call.id,
 *     content: JSON.stringify(run(call.name, call.arguments)),
 *   })),
 * });
 *
 * const answer = await anthropic.messages({ model, max_tokens, tools, messages }).result();
 * assert.equal(answer.finishReason, "stop");
 * console.log(answer.text);
 * ```
 *
 * @module
 */
export {
  Anthropic,
  type AnthropicMessagesOptions,
  type AnthropicNonStreamingRequest,
  type AnthropicOptions,
  type AnthropicRequestOptions,
  type AnthropicStreamingRequest,
} from "./anthropic.ts";
export type { AnthropicResult, AnthropicUsage } from "./anthropic_result.ts";
export type {
  AnthropicCacheControl,
  AnthropicCharLocationCitation,
  AnthropicCitation,
  AnthropicCitationsDelta,
  AnthropicContentBlock,
  AnthropicContentBlockDelta,
  AnthropicContentBlockDeltaEvent,
  AnthropicContentBlockLocationCitation,
  AnthropicContentBlockParam,
  AnthropicContentBlockStartEvent,
  AnthropicContentBlockStopEvent,
  AnthropicDocumentBlockParam,
  AnthropicDocumentSource,
  AnthropicErrorEvent,
  AnthropicImageBlockParam,
  AnthropicImageSource,
  AnthropicInputJsonDelta,
  AnthropicInputSchema,
  AnthropicMessage,
  AnthropicMessageDeltaEvent,
  AnthropicMessageDeltaUsage,
  AnthropicMessageParam,
  AnthropicMessagesRequest,
  AnthropicMessageStartEvent,
  AnthropicMessageStopEvent,
  AnthropicMessageUsage,
  AnthropicPageLocationCitation,
  AnthropicPingEvent,
  AnthropicRedactedThinkingBlock,
  AnthropicRedactedThinkingBlockParam,
  AnthropicSearchResultLocationCitation,
  AnthropicServerTool,
  AnthropicServerToolResultBlock,
  AnthropicServerToolUseBlock,
  AnthropicSignatureDelta,
  AnthropicStopReason,
  AnthropicStreamEvent,
  AnthropicTextBlock,
  AnthropicTextBlockParam,
  AnthropicTextDelta,
  AnthropicThinkingBlock,
  AnthropicThinkingBlockParam,
  AnthropicThinkingConfig,
  AnthropicThinkingDelta,
  AnthropicTool,
  AnthropicToolChoice,
  AnthropicToolDefinition,
  AnthropicToolResultBlockParam,
  AnthropicToolUseBlock,
  AnthropicToolUseBlockParam,
  AnthropicWebSearchResultLocationCitation,
  AnthropicWebSearchTool,
} from "./types.ts";
export type { RequestOptions } from "../../http/request_options.ts";
export type {
  Span,
  SpanAttributes,
  SpanAttributeValue,
  SpanOptions,
  SpanStatus,
  Tracer,
  TracingOptions,
} from "../../shared/tracing.ts";
export type { ResponseStream } from "../../response_stream/response_stream.ts";
export type { IterableReadableStream } from "../../shared/_async_iterable.ts";
export type {
  ResponseInfo,
  StreamCallbacks,
  StreamOptions,
  StreamResult,
  StreamStats,
  ToolCall,
  ToResponseOptions,
  Usage,
} from "../../response_stream/types.ts";
