import { SluiceError, type SluiceErrorOptions } from "./sluice_error.ts";

/** Options for {@linkcode ParseError}. */
export interface ParseErrorOptions extends SluiceErrorOptions {
  /** The 1-based number of the line that could not be parsed. */
  line: number;
  /** A truncated excerpt of the offending line. */
  snippet?: string;
}

/**
 * Raised when a stream's bytes cannot be parsed: a line that is not JSON, or a
 * line longer than the decoder's `maxLineLength`.
 *
 * @example Report the bad line
 * ```ts
 * import { decodeJsonLines, ParseError } from "@sluice/sluice";
 * import assert from "node:assert/strict";
 *
 * const body = new Response('{"ok":true}\nnot json\n').body!;
 * const values = [];
 * try {
 *   for await (const value of decodeJsonLines(body)) values.push(value);
 * } catch (error) {
 *   assert(error instanceof ParseError);
 *   assert.equal(error.line, 2);
 * }
 * assert.deepEqual(values, [{ ok: true }]);
 * ```
 */
export class ParseError extends SluiceError {
  /** The 1-based number of the line that could not be parsed. */
  line: number;
  /** A truncated excerpt of the offending line. */
  snippet: string;

  /** Creates a parse error for a line. */
  constructor(message: string, options: ParseErrorOptions) {
    super(message, options);
    this.name = "ParseError";
    this.line = options.line;
    this.snippet = options.snippet ?? "";
  }
}
