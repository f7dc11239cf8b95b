/**
 * sluice streams answers from LLM HTTP APIs (Ollama's NDJSON, OpenAI-style
 * Server-Sent Events, Anthropic's typed events and Gemini's
 * `GenerateContentResponse` events) with web standards only:
 * `fetch`, Web Streams and `AbortSignal`. It runs unchanged on Deno,
 * Cloudflare Workers, browsers, Node and Bun, and has no dependencies.
 *
 * @example Decode a stream of Server-Sent Events
 * ```ts
 * import { decodeServerSentEvents } from "@sluice/sluice";
 *
 * const body = new Response('data: {"delta":"Hi"}\n\n').body!;
 * for await (const event of decodeServerSentEvents(body)) {
 *   console.log(JSON.parse(event.data).delta);
 * }
 * ```
 *
 * @module
 */
export { SluiceError, type SluiceErrorOptions } from "./src/errors/sluice_error.ts";
export { ParseError, type ParseErrorOptions } from "./src/errors/parse_error.ts";
export { HttpError, type HttpErrorOptions } from "./src/errors/http_error.ts";
export {
  TimeoutError,
  type TimeoutErrorOptions,
  type TimeoutPhase,
} from "./src/errors/timeout_error.ts";
export { ProviderError, type ProviderErrorOptions } from "./src/errors/provider_error.ts";
export { IncompleteStreamError } from "./src/errors/incomplete_stream_error.ts";
export { ConnectionError, type ConnectionErrorOptions } from "./src/errors/connection_error.ts";
export { ResponseStream, type Select } from "./src/response_stream/response_stream.ts";
export {
  fromResponse,
  type FromResponseOptions,
  type ResponseFormat,
} from "./src/providers/from_response.ts";
export type { IterableReadableStream } from "./src/shared/_async_iterable.ts";
export { fetchEventStream, type FetchEventStreamOptions } from "./src/http/fetch_event_stream.ts";
export type {
  StreamCallbacks,
  StreamOptions,
  StreamStats,
  ToResponseOptions,
} from "./src/response_stream/types.ts";
export type {
  ContentPart,
  FinishPart,
  FinishReason,
  RawPart,
  ReasoningDeltaPart,
  ResponseInfo,
  StreamResult,
  TextDeltaPart,
  ToolCall,
  ToolCallDeltaPart,
  ToolCallPart,
  ToolCallStartPart,
  Usage,
  UsagePart,
} from "./src/shared/types.ts";
export {
  DEFAULT_FIRST_TOKEN_TIMEOUT,
  DEFAULT_IDLE_TIMEOUT,
  DEFAULT_MAX_RETRIES,
  DEFAULT_RETRY_DELAY,
  DEFAULT_TIMEOUT,
  type RequestOptions,
} from "./src/http/request_options.ts";
export type {
  Span,
  SpanAttributes,
  SpanAttributeValue,
  SpanOptions,
  SpanStatus,
  Tracer,
  TracingOptions,
} from "./src/shared/tracing.ts";
export {
  decodeServerSentEvents,
  type DecodeServerSentEventsOptions,
} from "./src/streams/decode_server_sent_events.ts";
export { decodeJsonLines, type DecodeJsonLinesOptions } from "./src/streams/decode_json_lines.ts";
export type { ServerSentEvent } from "./src/streams/server_sent_event.ts";
export { LineStream, type LineStreamOptions } from "./src/streams/line_stream.ts";
export {
  ServerSentEventDecoderStream,
  type ServerSentEventDecoderStreamOptions,
} from "./src/streams/server_sent_event_decoder_stream.ts";
export {
  JsonLinesDecoderStream,
  type JsonLinesDecoderStreamOptions,
} from "./src/streams/json_lines_decoder_stream.ts";
export {
  formatServerSentEvent,
  type ServerSentEventMessage,
} from "./src/streams/format_server_sent_event.ts";
export { ServerSentEventEncoderStream } from "./src/streams/server_sent_event_encoder_stream.ts";
export { JsonLinesEncoderStream } from "./src/streams/json_lines_encoder_stream.ts";
export {
  PartialJsonParser,
  type PartialJsonParserOptions,
} from "./src/streams/partial_json_parser.ts";
export { PartialJsonStream } from "./src/streams/partial_json_stream.ts";
export { parsePartialJson } from "./src/streams/parse_partial_json.ts";
export { JsonArrayElementStream } from "./src/streams/json_array_element_stream.ts";
export {
  type SmoothTextChunking,
  SmoothTextStream,
  type SmoothTextStreamOptions,
} from "./src/streams/smooth_text_stream.ts";
export { Ollama, type OllamaOptions } from "./src/providers/ollama/ollama.ts";
export type {
  OllamaChatChunk,
  OllamaChatOptions,
  OllamaChatRequest,
  OllamaChatResponse,
  OllamaChatResult,
  OllamaCopyRequest,
  OllamaCreateOptions,
  OllamaCreateRequest,
  OllamaDeleteRequest,
  OllamaEmbedRequest,
  OllamaEmbedResponse,
  OllamaFormat,
  OllamaGenerateChunk,
  OllamaGenerateOptions,
  OllamaGenerateRequest,
  OllamaGenerateResponse,
  OllamaGenerateResult,
  OllamaGenerationRequest,
  OllamaImage,
  OllamaJsonSchema,
  OllamaKeepAlive,
  OllamaLayerProgress,
  OllamaListResponse,
  OllamaLogprob,
  OllamaMessage,
  OllamaMetrics,
  OllamaModel,
  OllamaModelDetails,
  OllamaModelOptions,
  OllamaProgress,
  OllamaProgressChunk,
  OllamaProgressLine,
  OllamaProgressOptions,
  OllamaProgressResult,
  OllamaPsResponse,
  OllamaPullOptions,
  OllamaPullRequest,
  OllamaPushOptions,
  OllamaPushRequest,
  OllamaResponseMessage,
  OllamaResult,
  OllamaRunningModel,
  OllamaShowRequest,
  OllamaShowResponse,
  OllamaThink,
  OllamaTimings,
  OllamaTokenLogprob,
  OllamaTool,
  OllamaToolCall,
  OllamaVersionResponse,
} from "./src/providers/ollama/types.ts";
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
} from "./src/providers/openai/openai.ts";
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
} from "./src/providers/openai/types.ts";
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
} from "./src/providers/openai/responses_types.ts";
export { isResponsesEvent } from "./src/providers/openai/is_responses_event.ts";
export {
  Anthropic,
  type AnthropicMessagesOptions,
  type AnthropicNonStreamingRequest,
  type AnthropicOptions,
  type AnthropicRequestOptions,
  type AnthropicStreamingRequest,
} from "./src/providers/anthropic/anthropic.ts";
export type {
  AnthropicResult,
  AnthropicUsage,
} from "./src/providers/anthropic/anthropic_result.ts";
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
} from "./src/providers/anthropic/types.ts";
export {
  Gemini,
  type GeminiGenerateContentOptions,
  type GeminiNonStreamingRequest,
  type GeminiOptions,
  type GeminiStreamingRequest,
} from "./src/providers/gemini/gemini.ts";
export type { GeminiResult, GeminiUsage } from "./src/providers/gemini/gemini_result.ts";
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
} from "./src/providers/gemini/types.ts";
export { ollama, type OllamaProvider, type OllamaProviderOptions } from "./src/unified/ollama.ts";
export { openai, type OpenAIProvider, type OpenAIProviderOptions } from "./src/unified/openai.ts";
export {
  anthropic,
  ANTHROPIC_DEFAULT_MAX_TOKENS,
  type AnthropicProviderOptions,
} from "./src/unified/anthropic.ts";
export {
  gemini,
  type GeminiProvider,
  type GeminiProviderOptions,
  toGeminiSchema,
} from "./src/unified/gemini.ts";
export { streamText, UnifiedStream } from "./src/unified/stream_text.ts";
export { generateText } from "./src/unified/generate_text.ts";
export type {
  AssistantMessage,
  CallSettings,
  CallWarning,
  ErrorPart,
  GenerateTextResult,
  GenerationFinishPart,
  JsonSchema,
  LanguageModel,
  Message,
  Prompt,
  ProviderId,
  ProviderMetadata,
  ResponseMetadata,
  StepFinishPart,
  StepResult,
  StepStartPart,
  StreamPart,
  StreamTextOptions,
  SystemMessage,
  Tool,
  ToolChoice,
  ToolExecutionOptions,
  ToolMessage,
  ToolResult,
  ToolResultPart,
  ToolSet,
  UnifiedStreamStats,
  UserMessage,
} from "./src/unified/types.ts";
export {
  ObjectStream,
  streamObject,
  type StreamObjectOptions,
} from "./src/unified/stream_object.ts";
export {
  ObjectValidationError,
  type ObjectValidationErrorOptions,
} from "./src/unified/object_validation_error.ts";
export type {
  OpenAIEmbedding,
  OpenAIEmbeddingsRequest,
  OpenAIEmbeddingsResponse,
  OpenAIEmbeddingsUsage,
} from "./src/providers/openai/embeddings_types.ts";
export type {
  GeminiBatchEmbedContentsRequest,
  GeminiBatchEmbedContentsResponse,
  GeminiContentEmbedding,
  GeminiEmbedContentRequest,
  GeminiEmbedContentResponse,
  GeminiEmbeddingTaskType,
} from "./src/providers/gemini/embeddings_types.ts";
export {
  DEFAULT_MAX_PARALLEL_CALLS,
  embed,
  embedMany,
  type EmbedManyOptions,
  type EmbedManyResult,
  type EmbedOptions,
  type EmbedResult,
} from "./src/unified/embed.ts";
export { cosineSimilarity } from "./src/unified/cosine_similarity.ts";
export type { EmbeddingModel } from "./src/unified/_embedding_model.ts";
export {
  OLLAMA_MAX_EMBEDDINGS_PER_CALL,
  ollamaEmbedding,
  type OllamaEmbeddingOptions,
} from "./src/unified/ollama_embedding.ts";
export {
  OPENAI_MAX_EMBEDDINGS_PER_CALL,
  openaiEmbedding,
  type OpenAIEmbeddingOptions,
} from "./src/unified/openai_embedding.ts";
export {
  GEMINI_MAX_EMBEDDINGS_PER_CALL,
  geminiEmbedding,
  type GeminiEmbeddingOptions,
} from "./src/unified/gemini_embedding.ts";
export { hasToolCall, stepCountIs } from "./src/unified/stop_conditions.ts";
export { tool } from "./src/unified/tool.ts";
export type {
  InferSchema,
  StandardSchemaIssue,
  StandardSchemaResult,
  StandardSchemaV1,
} from "./src/unified/standard_schema.ts";
export type {
  AssistantContentPart,
  FilePart,
  ImagePart,
  InferToolArguments,
  InferToolResult,
  PartProviderOptions,
  ProviderOptions,
  ReasoningPart,
  ResponseMessage,
  StepResponseMetadata,
  StopCondition,
  TextPart,
  ToolCallContentPart,
  TypedToolCall,
  TypedToolResult,
  UserContentPart,
} from "./src/unified/types.ts";
export type { DeepPartial } from "./src/unified/stream_object.ts";
