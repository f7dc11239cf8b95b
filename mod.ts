/**
 * sluice streams answers from LLM HTTP APIs (Ollama's NDJSON, OpenAI-style
 * Server-Sent Events and Anthropic's typed events) with web standards only:
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
export {
  decodeJsonLines,
  type DecodeJsonLinesOptions,
  decodeServerSentEvents,
  type DecodeServerSentEventsOptions,
  formatServerSentEvent,
  JsonLinesDecoderStream,
  type JsonLinesDecoderStreamOptions,
  JsonLinesEncoderStream,
  LineStream,
  type LineStreamOptions,
  type ServerSentEvent,
  ServerSentEventDecoderStream,
  type ServerSentEventDecoderStreamOptions,
  ServerSentEventEncoderStream,
  type ServerSentEventMessage,
} from "./src/streams/mod.ts";
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
export type { StreamResult, ToolCall, Usage } from "./src/stream/types.ts";
