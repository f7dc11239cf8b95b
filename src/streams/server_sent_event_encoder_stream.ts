import { formatServerSentEvent, type ServerSentEventMessage } from "./format_server_sent_event.ts";

/**
 * Encodes events as a `text/event-stream` byte stream, ready to be the body of
 * a `Response` from an edge handler. Each event becomes one chunk.
 *
 * @example Answer with an SSE stream
 * ```ts
 * import { ServerSentEventEncoderStream } from "@sluice/sluice/streams";
 * import assert from "node:assert/strict";
 *
 * const body = ReadableStream.from([{ data: "hello" }, { event: "done", data: "" }])
 *   .pipeThrough(new ServerSentEventEncoderStream());
 * const response = new Response(body, { headers: { "content-type": "text/event-stream" } });
 * assert.equal(await response.text(), "data: hello\n\nevent: done\ndata: \n\n");
 * ```
 */
export class ServerSentEventEncoderStream
  implements TransformStream<ServerSentEventMessage, Uint8Array<ArrayBuffer>> {
  /** The encoded events, as UTF-8 bytes. */
  readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
  /** The events to encode. */
  readonly writable: WritableStream<ServerSentEventMessage>;

  /** Creates an SSE encoder stage. */
  constructor() {
    const encoder = new TextEncoder();
    const stage = new TransformStream<ServerSentEventMessage, Uint8Array<ArrayBuffer>>({
      transform(message, controller) {
        controller.enqueue(encoder.encode(formatServerSentEvent(message)));
      },
    });
    this.readable = stage.readable;
    this.writable = stage.writable;
  }
}
