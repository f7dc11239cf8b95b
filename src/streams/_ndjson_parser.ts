import { DEFAULT_MAX_LINE_LENGTH, LineSplitter } from "./_line_splitter.ts";
import { ParseError } from "../errors/parse_error.ts";
import { snippet } from "../errors/_snippet.ts";

/**
 * The push core of the NDJSON decoder: feed it text, it calls `onValue` with
 * each line parsed as JSON. Empty and whitespace-only lines are skipped (but
 * counted); the last line is parsed even without a newline; a line that is not
 * JSON throws a {@linkcode ParseError} with its 1-based line number.
 */
export class NdjsonParser {
  #lines: LineSplitter;
  #onValue: (value: unknown) => void;

  constructor(onValue: (value: unknown) => void, maxLineLength: number = DEFAULT_MAX_LINE_LENGTH) {
    this.#onValue = onValue;
    this.#lines = new LineSplitter((line) => this.#line(line), maxLineLength);
  }

  /** The 1-based number of the last complete line read. */
  get lineNumber(): number {
    return this.#lines.lineNumber;
  }

  /** Feeds the next piece of text. */
  push(text: string): void {
    this.#lines.push(text);
  }

  /** Ends the input, parsing an unterminated last line. */
  end(): void {
    this.#lines.end(true);
  }

  #line(line: string): void {
    if (line.length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      if (line.trim() === "") return;
      const number = this.#lines.lineNumber;
      throw new ParseError(`Cannot parse line ${number} as JSON: ${snippet(line)}`, {
        line: number,
        snippet: line.slice(0, 40),
        cause,
      });
    }
    this.#onValue(value);
  }
}
