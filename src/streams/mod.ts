/**
 * The streams layer of sluice: web-standard stages that turn response bytes
 * into lines, Server-Sent Events and JSON values, and back.
 *
 * The one-call functions {@linkcode decodeServerSentEvents} and
 * {@linkcode decodeJsonLines} are the fast path (one fused stage); the
 * `…Stream` classes are the same parsers as composable `TransformStream`s.
 *
 * @example Decode an SSE body
 * ```ts
 * import { decodeServerSentEvents } from "@sluice/sluice/streams";
 *
 * const body = new Response("data: hello\n\n").body!;
 * for await (const event of decodeServerSentEvents(body)) console.log(event.data);
 * ```
 *
 * @module
 */
export {
  decodeServerSentEvents,
  type DecodeServerSentEventsOptions,
} from "./decode_server_sent_events.ts";
export { decodeJsonLines, type DecodeJsonLinesOptions } from "./decode_json_lines.ts";
export type { ServerSentEvent } from "./server_sent_event.ts";
export { LineStream, type LineStreamOptions } from "./line_stream.ts";
export {
  ServerSentEventDecoderStream,
  type ServerSentEventDecoderStreamOptions,
} from "./server_sent_event_decoder_stream.ts";
export {
  JsonLinesDecoderStream,
  type JsonLinesDecoderStreamOptions,
} from "./json_lines_decoder_stream.ts";
export { formatServerSentEvent, type ServerSentEventMessage } from "./format_server_sent_event.ts";
export { ServerSentEventEncoderStream } from "./server_sent_event_encoder_stream.ts";
export { JsonLinesEncoderStream } from "./json_lines_encoder_stream.ts";
export { ParseError, type ParseErrorOptions } from "../errors/parse_error.ts";
export { PartialJsonParser, type PartialJsonParserOptions } from "./partial_json_parser.ts";
export { PartialJsonStream } from "./partial_json_stream.ts";
export { parsePartialJson } from "./parse_partial_json.ts";
export { JsonArrayElementStream } from "./json_array_element_stream.ts";
export {
  type SmoothTextChunking,
  SmoothTextStream,
  type SmoothTextStreamOptions,
} from "./smooth_text_stream.ts";
