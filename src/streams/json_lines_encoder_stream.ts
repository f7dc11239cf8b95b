/**
 * Encodes values as newline-delimited JSON (NDJSON) bytes, one line a value,
 * ready to be the body of a `Response`. A value `JSON.stringify` cannot encode
 * (`undefined`, a function, a symbol) errors the stream with a `TypeError`.
 *
 * @example Answer with an NDJSON stream
 * ```ts
 * import { JsonLinesEncoderStream } from "@sluice/sluice/streams";
 * import assert from "node:assert/strict";
 *
 * const body = ReadableStream.from([{ a: 1 }, "two"]).pipeThrough(new JsonLinesEncoderStream());
 * assert.equal(await new Response(body).text(), '{"a":1}\n"two"\n');
 * ```
 */
export class JsonLinesEncoderStream implements TransformStream<unknown, Uint8Array<ArrayBuffer>> {
  /** The encoded lines, as UTF-8 bytes. */
  readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
  /** The values to encode. */
  readonly writable: WritableStream<unknown>;

  /** Creates an NDJSON encoder stage. */
  constructor() {
    const encoder = new TextEncoder();
    const stage = new TransformStream<unknown, Uint8Array<ArrayBuffer>>({
      transform(value, controller) {
        const json = JSON.stringify(value);
        if (json === undefined) {
          throw new TypeError(`Cannot encode ${typeof value} as a line of JSON`);
        }
        controller.enqueue(encoder.encode(json + "\n"));
      },
    });
    this.readable = stage.readable;
    this.writable = stage.writable;
  }
}
