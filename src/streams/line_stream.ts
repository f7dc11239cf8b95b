import { LineSplitter } from "./_line_splitter.ts";
import { parserStage } from "./_parser_transformer.ts";

/** Options of {@linkcode LineStream}. */
export interface LineStreamOptions {
  /**
   * The longest line accepted, in characters. A longer one errors the stream
   * with a `ParseError`, so memory stays bounded.
   *
   * @default {8388608}
   */
  maxLineLength?: number;
}

/**
 * Splits text into lines. LF, CR and CRLF all end a line (also a CRLF split
 * across two chunks); the line breaks are not included; the last unterminated
 * line is emitted at the end; one leading byte order mark is dropped. Linear
 * time whatever the chunking.
 *
 * Decode the bytes with `new TextDecoderStream("utf-8", { ignoreBOM: true })`:
 * with the default `ignoreBOM: false`, some runtimes drop a U+FEFF that falls
 * at the start of a chunk mid-stream (this stage drops the leading one itself).
 *
 * @example Split a response body into lines
 * ```ts
 * import { LineStream } from "@sluice/sluice/streams";
 * import assert from "node:assert/strict";
 *
 * const lines = new Response("one\r\ntwo\rthree\nfour").body!
 *   .pipeThrough(new TextDecoderStream())
 *   .pipeThrough(new LineStream());
 * assert.deepEqual(await Array.fromAsync(lines), ["one", "two", "three", "four"]);
 * ```
 */
export class LineStream implements TransformStream<string, string> {
  /** The lines, without their line breaks. */
  readonly readable: ReadableStream<string>;
  /** The text to split. */
  readonly writable: WritableStream<string>;

  /** Creates a line splitter stage. */
  constructor(options: LineStreamOptions = {}) {
    const { readable, writable } = parserStage<string>((emit) => {
      const lines = new LineSplitter(emit, options.maxLineLength);
      return { push: (text) => lines.push(text), end: () => lines.end(true) };
    });
    this.readable = readable;
    this.writable = writable;
  }
}
