import { parserStage } from "./_parser_transformer.ts";
import { PartialJsonParser } from "./partial_json_parser.ts";
import { ParseError } from "../errors/parse_error.ts";
import { snippet } from "../errors/_snippet.ts";

/**
 * Turns the text deltas of a JSON array into its elements, each emitted once,
 * as soon as it is complete: the basis of an element stream for structured
 * output whose root is an array. Linear time whatever the chunking.
 *
 * A document that is not an array errors the stream with a `ParseError` at
 * its first character, invalid JSON at the first character that cannot
 * continue it (after the elements before it), and an unfinished array at the
 * end.
 *
 * @example Show each item of a list as soon as it is written
 * ```ts
 * import { JsonArrayElementStream } from "@sluice/sluice/streams";
 * import assert from "node:assert/strict";
 *
 * const deltas = ReadableStream.from(['[{"task": "wr', 'ite"}, {"task": "te', 'st"}]']);
 * const elements = await Array.fromAsync(deltas.pipeThrough(new JsonArrayElementStream()));
 * assert.deepEqual(elements, [{ task: "write" }, { task: "test" }]);
 * ```
 */
export class JsonArrayElementStream implements TransformStream<string, unknown> {
  /** The array's elements, each as soon as it is complete. */
  readonly readable: ReadableStream<unknown>;
  /** The JSON text of the array, in pieces. */
  readonly writable: WritableStream<string>;

  /** Creates an array-element stage for one document. */
  constructor() {
    const { readable, writable } = parserStage<unknown>((emit) => {
      const parser = new PartialJsonParser({ onElement: (element) => emit(element) });
      let started = false;
      let line = 1;
      return {
        push(text) {
          if (!started) {
            // Check the first significant character: the document must be an array.
            for (let i = 0; i < text.length; i++) {
              const character = text[i]!;
              if (character === "\n") line++;
              else if (character === "[") {
                started = true;
                break;
              } else if (character !== " " && character !== "\t" && character !== "\r") {
                const rest = text.slice(i);
                throw new ParseError(
                  `Cannot parse JSON at line ${line}: expected an array, found ${snippet(rest)}`,
                  { line, snippet: rest.slice(0, 40) },
                );
              }
            }
          }
          parser.push(text);
        },
        end() {
          parser.end();
        },
      };
    });
    this.readable = readable;
    this.writable = writable;
  }
}
