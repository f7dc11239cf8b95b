/**
 * A streaming client for OpenAI's Chat Completions API and every
 * OpenAI-compatible server (Ollama's `/v1`, llama.cpp, vLLM, LM Studio, Groq,
 * OpenRouter, DeepSeek, Together): point `baseURL` at the server's `/v1`.
 *
 * @example Stream an answer from a local Ollama through its OpenAI-compatible API
 * ```ts
 * import { OpenAI } from "@sluice/sluice/openai";
 * import { createMockServer } from "@sluice/sluice/testing";
 *
 * const mock = createMockServer(); // stands in for Ollama here: drop `fetch` to use yours
 * const ollama = new OpenAI({ baseURL: "http://localhost:11434/v1", fetch: mock.fetch });
 * const stream = ollama.chat({
 *   model: "llama3.2",
 *   messages: [{ role: "user", content: "Why is the sky blue?" }],
 * });
 * for await (const text of stream.textStream) console.log(text);
 * console.log((await stream.result()).usage);
 * ```
 *
 * @example Read a canned stream (runs anywhere)
 * ```ts
 * import { OpenAI } from "@sluice/sluice/openai";
 * import assert from "node:assert/strict";
 *
 * const body = 'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m",' +
 *   '"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
 * const openai = new OpenAI({ fetch: () => Promise.resolve(new Response(body)) });
 * const result = await openai.chat({ model: "m", messages: [{ role: "user", content: "Hi" }] })
 *   .result();
 * assert.equal(result.text, "Hi");
 * assert.equal(result.done, true);
 * ```
 *
 * @module
 */
export {
  OpenAI,
  OPENAI_BASE_URL,
  type OpenAIChatOptions,
  type OpenAIChatStream,
  type OpenAICompletionOptions,
  type OpenAICompletionsOptions,
  type OpenAICompletionStream,
  type OpenAIOptions,
  type OpenAIResponsesOptions,
  type OpenAIResponsesStream,
} from "./openai.ts";
export type {
  OpenAIAssistantMessage,
  OpenAIAudioPart,
  OpenAIChatChoiceResult,
  OpenAIChatChunk,
  OpenAIChatChunkChoice,
  OpenAIChatCompletion,
  OpenAIChatCompletionChoice,
  OpenAIChatCompletionMessage,
  OpenAIChatDelta,
  OpenAIChatMessage,
  OpenAIChatRequest,
  OpenAIChatResult,
  OpenAICompletion,
  OpenAICompletionChoice,
  OpenAICompletionChoiceResult,
  OpenAICompletionLogprobs,
  OpenAICompletionRequest,
  OpenAICompletionResult,
  OpenAICustomTool,
  OpenAIDeveloperMessage,
  OpenAIFilePart,
  OpenAIFinishReason,
  OpenAIFunctionMessage,
  OpenAIFunctionTool,
  OpenAIGroqExtension,
  OpenAIImagePart,
  OpenAIJsonSchema,
  OpenAILogprobs,
  OpenAIMessageToolCall,
  OpenAIModel,
  OpenAIModelList,
  OpenAIRefusalPart,
  OpenAIResponseFormat,
  OpenAIResultUsage,
  OpenAIStreamOptions,
  OpenAISystemMessage,
  OpenAITextPart,
  OpenAITimings,
  OpenAITokenLogprob,
  OpenAITool,
  OpenAIToolCall,
  OpenAIToolCallDelta,
  OpenAIToolChoice,
  OpenAIToolMessage,
  OpenAIUsage,
  OpenAIUserContentPart,
  OpenAIUserMessage,
} from "./types.ts";
export type {
  OpenAIResponsesAnnotation,
  OpenAIResponsesAnnotationAddedEvent,
  OpenAIResponsesBuiltInTool,
  OpenAIResponsesCodeInterpreterCodeEvent,
  OpenAIResponsesContentPartEvent,
  OpenAIResponsesCustomToolCallItem,
  OpenAIResponsesCustomToolInputEvent,
  OpenAIResponsesErrorEvent,
  OpenAIResponsesEventBase,
  OpenAIResponsesEventOf,
  OpenAIResponsesFunctionArgumentsEvent,
  OpenAIResponsesFunctionCallItem,
  OpenAIResponsesFunctionCallOutput,
  OpenAIResponsesFunctionTool,
  OpenAIResponsesInputContent,
  OpenAIResponsesInputFile,
  OpenAIResponsesInputImage,
  OpenAIResponsesInputItem,
  OpenAIResponsesInputMessage,
  OpenAIResponsesInputText,
  OpenAIResponsesKnownEvent,
  OpenAIResponsesLifecycleEvent,
  OpenAIResponsesMcpArgumentsEvent,
  OpenAIResponsesMessageItem,
  OpenAIResponsesOtherItem,
  OpenAIResponsesOutputContent,
  OpenAIResponsesOutputItem,
  OpenAIResponsesOutputItemEvent,
  OpenAIResponsesOutputText,
  OpenAIResponsesPartialImageEvent,
  OpenAIResponsesReasoningItem,
  OpenAIResponsesReasoningText,
  OpenAIResponsesReasoningTextEvent,
  OpenAIResponsesRefusal,
  OpenAIResponsesRefusalEvent,
  OpenAIResponsesRequest,
  OpenAIResponsesResponse,
  OpenAIResponsesResult,
  OpenAIResponsesResultUsage,
  OpenAIResponsesStreamEvent,
  OpenAIResponsesSummaryPartEvent,
  OpenAIResponsesSummaryTextEvent,
  OpenAIResponsesTextDeltaEvent,
  OpenAIResponsesTextDoneEvent,
  OpenAIResponsesTextFormat,
  OpenAIResponsesTool,
  OpenAIResponsesToolChoice,
  OpenAIResponsesToolProgressEvent,
  OpenAIResponsesUnknownEvent,
  OpenAIResponsesUsage,
} from "./responses_types.ts";
export { isResponsesEvent } from "./is_responses_event.ts";
export type {
  OpenAIEmbedding,
  OpenAIEmbeddingsRequest,
  OpenAIEmbeddingsResponse,
  OpenAIEmbeddingsUsage,
} from "./embeddings_types.ts";
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
export { ResponseStream } from "../../response_stream/response_stream.ts";
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
