import { NdjsonParser } from "./_ndjson_parser.ts";
import { parserStage } from "./_parser_transformer.ts";
import type { DecodeJsonLinesOptions } from "./decode_json_lines.ts";

/** Options of {@linkcode JsonLinesDecoderStream}. */
export type JsonLinesDecoderStreamOptions = Omit<DecodeJsonLinesOptions, "signal">;

/**
 * Decodes text into one JSON value per line (NDJSON): the composable stage
 * behind {@linkcode decodeJsonLines}, for use after a `TextDecoderStream`.
 * Empty lines are skipped; a line that is not JSON errors the stream with a
 * `ParseError` carrying its line number.
 *
 * Decode the bytes with `new TextDecoderStream("utf-8", { ignoreBOM: true })`:
 * with the default `ignoreBOM: false`, some runtimes drop a U+FEFF that falls
 * at the start of a chunk mid-stream (this stage drops the leading one itself).
 *
 * @example Compose it yourself
 * ```ts
 * import { JsonLinesDecoderStream } from "@sluice/sluice/streams";
 * import assert from "node:assert/strict";
 *
 * const values = new Response('{"a":1}\n\n[2]\n').body!
 *   .pipeThrough(new TextDecoderStream())
 *   .pipeThrough(new JsonLinesDecoderStream());
 * assert.deepEqual(await Array.fromAsync(values), [{ a: 1 }, [2]]);
 * ```
 */
export class JsonLinesDecoderStream implements TransformStream<string, unknown> {
  /** The parsed values, one a line. */
  readonly readable: ReadableStream<unknown>;
  /** The NDJSON text, in pieces. */
  readonly writable: WritableStream<string>;

  /** Creates an NDJSON decoder stage. */
  constructor(options: JsonLinesDecoderStreamOptions = {}) {
    const { readable, writable } = parserStage<unknown>((emit) =>
      new NdjsonParser(emit, options.maxLineLength)
    );
    this.readable = readable;
    this.writable = writable;
  }
}
