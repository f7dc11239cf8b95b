import { DEFAULT_MAX_LINE_LENGTH, LineScanner } from "./_line_splitter.ts";
import { ParseError } from "../errors/parse_error.ts";
import { snippet } from "../errors/_snippet.ts";

/**
 * The push core of the NDJSON decoder: feed it text, it calls `onValue` with
 * each line parsed as JSON. Empty and whitespace-only lines are skipped (but
 * counted); the last line is parsed even without a newline; a line that is not
 * JSON throws a {@linkcode ParseError} with its 1-based line number.
 */
export class NdjsonParser {
  #lines: LineScanner;
  #onValue: (value: unknown) => void;
  #parse: ((line: string) => unknown) | undefined;

  /**
   * `parse`, when given, reads a line first: what it returns (unless
   * `undefined`) stands for `JSON.parse(line)`, and must be equal to it.
   */
  constructor(
    onValue: (value: unknown) => void,
    maxLineLength: number = DEFAULT_MAX_LINE_LENGTH,
    parse?: ((line: string) => unknown) | undefined,
  ) {
    this.#onValue = onValue;
    this.#parse = parse;
    this.#lines = new LineScanner(
      (text, start, end) => this.#line(text, start, end),
      maxLineLength,
    );
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

  /** Reads the line `text.slice(start, end)`. */
  #line(text: string, start: number, end: number): void {
    if (start === end) return;
    const line = text.slice(start, end);
    let value = this.#parse?.(line);
    if (value === undefined) {
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
    }
    this.#onValue(value);
  }
}
