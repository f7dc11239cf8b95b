import { SseParser } from "./_sse_parser.ts";
import { parserStage } from "./_parser_transformer.ts";
import type { ServerSentEvent } from "./server_sent_event.ts";
import type { DecodeServerSentEventsOptions } from "./decode_server_sent_events.ts";

/** Options of {@linkcode ServerSentEventDecoderStream}. */
export type ServerSentEventDecoderStreamOptions = Omit<DecodeServerSentEventsOptions, "signal">;

/**
 * Decodes text into Server-Sent Events under the WHATWG rules: the composable
 * stage behind {@linkcode decodeServerSentEvents}, for use after a
 * `TextDecoderStream` in a pipeline of your own. (The one-call function is
 * faster: it fuses UTF-8 decoding and parsing into one stage.)
 *
 * Decode the bytes with `new TextDecoderStream("utf-8", { ignoreBOM: true })`:
 * with the default `ignoreBOM: false`, some runtimes drop a U+FEFF that falls
 * at the start of a chunk mid-stream (this stage drops the leading one itself).
 *
 * @example Compose it yourself
 * ```ts
 * import { ServerSentEventDecoderStream } from "@sluice/sluice/streams";
 * import assert from "node:assert/strict";
 *
 * const events = new Response("event: ping\ndata: {}\n\n").body!
 *   .pipeThrough(new TextDecoderStream())
 *   .pipeThrough(new ServerSentEventDecoderStream());
 * assert.deepEqual(await Array.fromAsync(events), [{ event: "ping", data: "{}", id: "" }]);
 * ```
 */
export class ServerSentEventDecoderStream implements TransformStream<string, ServerSentEvent> {
  /** The events, as they are dispatched. */
  readonly readable: ReadableStream<ServerSentEvent>;
  /** The `text/event-stream` text, in pieces. */
  readonly writable: WritableStream<string>;

  /** Creates an SSE decoder stage. */
  constructor(options: ServerSentEventDecoderStreamOptions = {}) {
    const hooks = { onRetry: options.onRetry, onComment: options.onComment };
    const { readable, writable } = parserStage<ServerSentEvent>((emit) =>
      new SseParser(emit, options.maxLineLength, hooks)
    );
    this.readable = readable;
    this.writable = writable;
  }
}
