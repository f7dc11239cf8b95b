/**
 * One API over every provider: `streamText`, `generateText` and
 * `streamObject` take a model from `ollama()`, `openai()`, `anthropic()` or `gemini()`
 * and the same options, map each option onto the provider's own request
 * field (reporting what a provider cannot honour in `warnings`), and give
 * back the same normalized stream parts and result whichever provider
 * answered. With tools that have `execute` and `maxSteps > 1`, sluice runs
 * the tool loop itself.
 *
 * @example Stream text from any provider (here a canned Ollama answer)
 * ```ts
 * import { ollama, streamText } from "@sluice/sluice/unified";
 * import assert from "node:assert/strict";
 *
 * const body = JSON.stringify({ model: "llama3.2", created_at: "", done: true, done_reason: "stop",
 *   message: { role: "assistant", content: "Hello!" } }) + "\n";
 * const model = ollama("llama3.2", { fetch: () => Promise.resolve(new Response(body)) });
 *
 * const stream = streamText({ model, system: "Be brief", prompt: "Hi", temperature: 0 });
 * let text = "";
 * for await (const delta of stream.textStream) text += delta;
 * assert.equal(text, "Hello!");
 * ```
 *
 * @module
 */
export { ollama, type OllamaProvider, type OllamaProviderOptions } from "./ollama.ts";
export { openai, type OpenAIProvider, type OpenAIProviderOptions } from "./openai.ts";
export {
  anthropic,
  ANTHROPIC_DEFAULT_MAX_TOKENS,
  type AnthropicProviderOptions,
} from "./anthropic.ts";
export {
  gemini,
  type GeminiProvider,
  type GeminiProviderOptions,
  toGeminiSchema,
} from "./gemini.ts";
export { streamText, UnifiedStream } from "./stream_text.ts";
export { generateText } from "./generate_text.ts";
export {
  DEFAULT_MAX_PARALLEL_CALLS,
  embed,
  embedMany,
  type EmbedManyOptions,
  type EmbedManyResult,
  type EmbedOptions,
  type EmbedResult,
} from "./embed.ts";
export { cosineSimilarity } from "./cosine_similarity.ts";
export type { EmbeddingModel } from "./_embedding_model.ts";
export {
  OLLAMA_MAX_EMBEDDINGS_PER_CALL,
  ollamaEmbedding,
  type OllamaEmbeddingOptions,
} from "./ollama_embedding.ts";
export {
  OPENAI_MAX_EMBEDDINGS_PER_CALL,
  openaiEmbedding,
  type OpenAIEmbeddingOptions,
} from "./openai_embedding.ts";
export {
  GEMINI_MAX_EMBEDDINGS_PER_CALL,
  geminiEmbedding,
  type GeminiEmbeddingOptions,
} from "./gemini_embedding.ts";
export { hasToolCall, stepCountIs } from "./stop_conditions.ts";
export { tool } from "./tool.ts";
export type {
  InferSchema,
  StandardSchemaIssue,
  StandardSchemaResult,
  StandardSchemaV1,
} from "./standard_schema.ts";
export type {
  AssistantContentPart,
  AssistantMessage,
  CallSettings,
  CallWarning,
  ErrorPart,
  FilePart,
  GenerateTextResult,
  GenerationFinishPart,
  ImagePart,
  InferToolArguments,
  InferToolResult,
  JsonSchema,
  LanguageModel,
  Message,
  PartProviderOptions,
  Prompt,
  ProviderId,
  ProviderMetadata,
  ProviderOptions,
  ReasoningPart,
  ResponseMessage,
  ResponseMetadata,
  StepFinishPart,
  StepResponseMetadata,
  StepResult,
  StepStartPart,
  StopCondition,
  StreamPart,
  StreamTextOptions,
  SystemMessage,
  TextPart,
  Tool,
  ToolCallContentPart,
  ToolChoice,
  ToolExecutionOptions,
  ToolMessage,
  ToolResult,
  ToolResultPart,
  ToolSet,
  TypedToolCall,
  TypedToolResult,
  UnifiedStreamStats,
  UserContentPart,
  UserMessage,
} from "./types.ts";
export type {
  ContentPart,
  FinishPart,
  FinishReason,
  RawPart,
  ReasoningDeltaPart,
  StreamResult,
  TextDeltaPart,
  ToolCall,
  ToolCallDeltaPart,
  ToolCallPart,
  ToolCallStartPart,
  Usage,
  UsagePart,
} from "../shared/types.ts";
export type { ResponseStream, Select } from "../response_stream/response_stream.ts";
export type { StreamCallbacks, StreamOptions, StreamStats } from "../response_stream/types.ts";
export type { RequestOptions } from "../http/request_options.ts";
export type {
  Span,
  SpanAttributes,
  SpanAttributeValue,
  SpanOptions,
  SpanStatus,
  Tracer,
  TracingOptions,
} from "../shared/tracing.ts";
export type { IterableReadableStream } from "../shared/_async_iterable.ts";
export type { ToResponseOptions } from "../response_stream/types.ts";
export {
  type DeepPartial,
  ObjectStream,
  streamObject,
  type StreamObjectOptions,
} from "./stream_object.ts";
export {
  ObjectValidationError,
  type ObjectValidationErrorOptions,
} from "./object_validation_error.ts";
export type { SluiceErrorOptions } from "../errors/sluice_error.ts";
