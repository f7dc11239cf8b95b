import { parserStage } from "./_parser_transformer.ts";
import { PartialJsonParser } from "./partial_json_parser.ts";

/**
 * Turns the text deltas of one JSON document into snapshots of its best
 * current value: one snapshot per delta that changed it (in a document with
 * more than 1,024 open children, at most one per 1/32 of the text read since
 * the last, so the work stays linear), and the final value
 * (equal to `JSON.parse` of the whole text) as the last one. The snapshots are
 * those of {@linkcode PartialJsonParser.value}: fresh objects for what is still
 * being written, completed parts shared (treat them as read-only).
 *
 * Invalid JSON errors the stream with a `ParseError` at the first character
 * that cannot continue the document (after the snapshots before it); an
 * incomplete document errors it at the end.
 *
 * @example Render structured output as it arrives
 * ```ts
 * import { PartialJsonStream } from "@sluice/sluice/streams";
 * import assert from "node:assert/strict";
 *
 * const deltas = ReadableStream.from(['{"name": "Ad', 'a", "langs": ["en"', ', "fr"]}']);
 * const snapshots = await Array.fromAsync(deltas.pipeThrough(new PartialJsonStream()));
 * assert.deepEqual(snapshots, [
 *   { name: "Ad" },
 *   { name: "Ada", langs: ["en"] },
 *   { name: "Ada", langs: ["en", "fr"] },
 * ]);
 * ```
 */
export class PartialJsonStream implements TransformStream<string, unknown> {
  /** Snapshots of the value parsed so far: one after each piece of text that changed it. */
  readonly readable: ReadableStream<unknown>;
  /** The JSON text, in pieces. */
  readonly writable: WritableStream<string>;

  /** Creates a partial-JSON stage for one document. */
  constructor() {
    const { readable, writable } = parserStage<unknown>((emit) => {
      const parser = new PartialJsonParser();
      return {
        push(text) {
          if (parser.push(text)) emit(parser.value);
        },
        end() {
          // Only a top-level number appears at the end: every other value shows earlier.
          const before = parser.value;
          const final = parser.end();
          if (before === undefined) emit(final);
        },
      };
    });
    this.readable = readable;
    this.writable = writable;
  }
}
