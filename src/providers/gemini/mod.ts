/**
 * A streaming client for Google's Gemini API (the Generative Language API,
 * `models/{model}:streamGenerateContent`), built on web standards only.
 * {@linkcode Gemini.generateContent} returns a `ResponseStream` of Gemini's
 * `GenerateContentResponse` events that assembles into a
 * {@linkcode GeminiResult}: text, thoughts as reasoning, function calls with
 * their arguments, the finish reason and usage, and the model's content with
 * its thought signatures, to send back as the model's turn.
 *
 * @example Stream a reply (here against the mock server; drop `fetch` to call the API)
 * ```ts
 * import { Gemini } from "@sluice/sluice/gemini";
 * import { createMockServer } from "@sluice/sluice/testing";
 *
 * const gemini = new Gemini({
 *   apiKey: Deno.env.get("GEMINI_API_KEY"),
 *   fetch: createMockServer().fetch,
 * });
 * const stream = gemini.generateContent({
 *   model: "gemini-2.5-flash",
 *   contents: [{ role: "user", parts: [{ text: "Why stream model output?" }] }],
 * });
 * for await (const text of stream.textStream) console.log(text);
 * const { usage, finishReason } = await stream.result();
 * ```
 *
 * @example Continue after function calls (here the mock server plays the model)
 * ```ts
 * import { Gemini, type GeminiContent, type GeminiTool } from "@sluice/sluice/gemini";
 * import { createMockServer } from "@sluice/sluice/testing";
 * import assert from "node:assert/strict";
 *
 * const gemini = new Gemini({ fetch: createMockServer().fetch });
 * const model = "gemini-2.5-flash";
 * const tools: GeminiTool[] = [{
 *   functionDeclarations: [{
 *     name: "get_weather",
 *     parameters: { type: "OBJECT", properties: { city: { type: "STRING" } }, required: ["city"] },
 *   }],
 * }];
 * const contents: GeminiContent[] = [{ role: "user", parts: [{ text: "Weather in Lisbon?" }] }];
 *
 * const result = await gemini.generateContent({ model, tools, contents }).result();
 * assert.equal(result.finishReason, "tool-calls");
 * // The model's turn as received (thought signatures included), then the results.
 * contents.push(result.content);
 * contents.push({
 *   role: "user",
 *   parts: result.toolCalls.map((call) => ({
 *     functionResponse: { name: call.name, response: { result: { celsius: 21 } } },
 *   })),
 * });
 *
 * const answer = await gemini.generateContent({ model, tools, contents }).result();
 * assert.equal(answer.finishReason, "stop");
 * console.log(answer.text);
 * ```
 *
 * @module
 */
export {
  Gemini,
  type GeminiGenerateContentOptions,
  type GeminiNonStreamingRequest,
  type GeminiOptions,
  type GeminiStreamingRequest,
} from "./gemini.ts";
export type { GeminiResult, GeminiUsage } from "./gemini_result.ts";
export type {
  GeminiBatchEmbedContentsRequest,
  GeminiBatchEmbedContentsResponse,
  GeminiContentEmbedding,
  GeminiEmbedContentRequest,
  GeminiEmbedContentResponse,
  GeminiEmbeddingTaskType,
} from "./embeddings_types.ts";
export type {
  GeminiBlob,
  GeminiCandidate,
  GeminiCitationMetadata,
  GeminiCodeExecutionResult,
  GeminiContent,
  GeminiErrorBody,
  GeminiExecutableCode,
  GeminiFileData,
  GeminiFinishReason,
  GeminiFunctionCall,
  GeminiFunctionDeclaration,
  GeminiFunctionResponse,
  GeminiGenerateContentRequest,
  GeminiGenerateContentResponse,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiPromptFeedback,
  GeminiSafetyRating,
  GeminiSafetySetting,
  GeminiSchema,
  GeminiThinkingConfig,
  GeminiTool,
  GeminiToolConfig,
  GeminiUsageMetadata,
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
