/**
 * The Ollama client of sluice: Ollama's native API (`/api/…`) with streaming
 * by default, exact wire types, assembled results with the server's timings,
 * and pull/push/create progress aggregated for a progress bar.
 *
 * @example Stream a chat answer from a local Ollama
 * ```ts
 * import { Ollama } from "@sluice/sluice/ollama";
 * import { createMockServer } from "@sluice/sluice/testing";
 *
 * const mock = createMockServer(); // stands in for Ollama here: drop `fetch` to use yours
 * const ollama = new Ollama({ fetch: mock.fetch }); // http://127.0.0.1:11434
 * const stream = ollama.chat({
 *   model: "llama3.2",
 *   messages: [{ role: "user", content: "Why is the sky blue?" }],
 * });
 * for await (const text of stream.textStream) console.log(text);
 * const { usage, timings } = await stream.result();
 * console.log(usage.outputTokens, "tokens at", timings.tokensPerSecond, "tokens/s");
 * ```
 *
 * @module
 */
export { Ollama, type OllamaOptions } from "./ollama.ts";
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
export type { IterableReadableStream } from "../../shared/_async_iterable.ts";
