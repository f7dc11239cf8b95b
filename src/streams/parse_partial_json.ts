import { PartialJsonParser } from "./partial_json_parser.ts";

/**
 * Parses the beginning of a JSON document: the best current value of a
 * document still being written, as {@linkcode PartialJsonParser.value} gives
 * it. Open strings, arrays and objects are closed provisionally; numbers and
 * literals appear once complete (so a top-level number never does, as more
 * digits may follow); keys whose value has not started are left out.
 * Returns `undefined` when no value has started. A prefix of a valid document
 * never throws; text that cannot start a JSON document throws a `ParseError`.
 *
 * For a document arriving in deltas, use a {@linkcode PartialJsonParser}:
 * calling this function on every longer prefix is quadratic.
 *
 * @example Read the arguments of a tool call being written
 * ```ts
 * import { parsePartialJson } from "@sluice/sluice/streams";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parsePartialJson('{"city": "Par'), { city: "Par" });
 * assert.deepEqual(parsePartialJson('{"city": "Paris", "days": 3'), { city: "Paris" });
 * assert.deepEqual(parsePartialJson('[{"a": true}, {"b'), [{ a: true }, {}]);
 * assert.equal(parsePartialJson("  "), undefined);
 * ```
 */
export function parsePartialJson(text: string): unknown {
  const parser = new PartialJsonParser();
  parser.push(text);
  return parser.value;
}
