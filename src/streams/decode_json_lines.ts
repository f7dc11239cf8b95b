import { parseBody } from "./_body_stream.ts";
import { NdjsonParser } from "./_ndjson_parser.ts";

/** Options of {@linkcode decodeJsonLines}. */
export interface DecodeJsonLinesOptions {
  /**
   * The longest line accepted, in characters (UTF-16 code units). A longer one
   * errors the stream with a `ParseError`, so memory stays bounded. The default
   * leaves room for an Ollama final chunk with a large `context` array.
   *
   * @default {8388608}
   */
  maxLineLength?: number;
  /** Aborting it errors the stream with the signal's reason and cancels the body. */
  signal?: AbortSignal;
}

/**
 * Decodes a byte stream of newline-delimited JSON (NDJSON, JSON Lines, Ollama's
 * `application/x-ndjson`) into one value per line.
 *
 * Empty and whitespace-only lines are skipped; the last line is parsed even
 * without a trailing newline; a line that is not JSON errors the stream with a
 * `ParseError` carrying its 1-based line number, after every value before it
 * has been delivered. Cancelling the returned stream cancels `body`.
 *
 * @example Read an Ollama stream
 * ```ts
 * import { decodeJsonLines } from "@sluice/sluice/streams";
 * import assert from "node:assert/strict";
 *
 * const body = new Response('{"response":"Hi"}\n{"done":true}\n').body!;
 * const values = [];
 * for await (const value of decodeJsonLines(body)) values.push(value);
 * assert.deepEqual(values, [{ response: "Hi" }, { done: true }]);
 * ```
 */
export function decodeJsonLines(
  body: ReadableStream<Uint8Array>,
  options: DecodeJsonLinesOptions = {},
): ReadableStream<unknown> {
  return parseBody<unknown>(
    body,
    (emit) => new NdjsonParser(emit, options.maxLineLength),
    { signal: options.signal },
  );
}
