import { ParseError } from "../errors/parse_error.ts";
import { snippet } from "../errors/_snippet.ts";

/** The default limit on one line's length: 8 Mi characters. */
export const DEFAULT_MAX_LINE_LENGTH = 8_388_608; // 8 Mi

const LF = 10;
const BOM = "\uFEFF";

/**
 * Receives one line as the range `start` to `end` of `text`, line break
 * excluded: the line is `text.slice(start, end)`, left to the receiver to
 * slice (or not) as it needs.
 */
export type LineRangeHandler = (text: string, start: number, end: number) => void;

/**
 * The push core under every line-based decoder: feed it text as it arrives and
 * it calls `onLine` for each complete line. LF, CR and CRLF all end a line,
 * also a CRLF split across two pushes.
 *
 * A line is handed over as a range of the pushed text rather than as a new
 * string, so a parser that only needs part of a line (an SSE field's value) or
 * none of it (a blank line) slices only that. A line spread over many pushes is
 * kept as a list of fragments and joined once, so a 1 MB line fed in 16-byte
 * pieces costs linear time; it is then handed over as the whole of the joined
 * string. A line longer than `maxLineLength` throws a {@linkcode ParseError},
 * so memory stays bounded. One byte order mark at the very start is dropped.
 */
export class LineScanner {
  /** The 1-based number of the last line handed to `onLine` (0 before the first). */
  lineNumber = 0;
  #onLine: LineRangeHandler;
  #max: number;
  #parts: string[] = [];
  #partsLength = 0;
  #afterCR = false;
  #started = false;

  constructor(onLine: LineRangeHandler, maxLineLength: number = DEFAULT_MAX_LINE_LENGTH) {
    if (!(maxLineLength > 0)) {
      throw new RangeError(`maxLineLength must be a positive number: received ${maxLineLength}`);
    }
    this.#onLine = onLine;
    this.#max = maxLineLength;
  }

  /** Feeds the next piece of text. */
  push(text: string): void {
    const length = text.length;
    if (length === 0) return;
    let start = 0;
    if (!this.#started) {
      this.#started = true;
      if (text.startsWith(BOM)) start = 1;
    }
    if (this.#afterCR) {
      this.#afterCR = false;
      if (text.charCodeAt(start) === LF) start++;
    }
    let lf = text.indexOf("\n", start);
    let cr = text.indexOf("\r", start);
    while (lf !== -1 || cr !== -1) {
      let end: number;
      let next: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        end = lf;
        next = lf + 1;
      } else {
        end = cr;
        next = cr + 1;
        if (next === length) this.#afterCR = true;
        else if (text.charCodeAt(next) === LF) next++;
      }
      this.#emit(start, end, text);
      start = next;
      // A piece usually ends with its last line's break: no need to search past it.
      if (start === length) break;
      if (lf !== -1 && lf < start) lf = text.indexOf("\n", start);
      if (cr !== -1 && cr < start) cr = text.indexOf("\r", start);
    }
    if (start < length) {
      const rest = start === 0 ? text : text.slice(start);
      this.#partsLength += rest.length;
      if (this.#partsLength > this.#max) this.#tooLong(rest);
      this.#parts.push(rest);
    }
  }

  /** Ends the input: an unterminated last line is handed on if `emitLast` is true. */
  end(emitLast: boolean): void {
    if (this.#parts.length === 0) return;
    const line = this.#parts.join("");
    this.#parts = [];
    this.#partsLength = 0;
    if (emitLast) {
      this.lineNumber++;
      this.#onLine(line, 0, line.length);
    }
  }

  #emit(start: number, end: number, text: string): void {
    if (this.#parts.length === 0) {
      if (end - start > this.#max) this.#tooLong(text.slice(start, Math.min(end, start + 41)));
      this.lineNumber++;
      this.#onLine(text, start, end);
      return;
    }
    if (this.#partsLength + end - start > this.#max) {
      this.#tooLong(text.slice(start, Math.min(end, start + 41)));
    }
    this.#parts.push(text.slice(start, end));
    const line = this.#parts.join("");
    this.#parts = [];
    this.#partsLength = 0;
    this.lineNumber++;
    this.#onLine(line, 0, line.length);
  }

  /** Throws for the current line; `last` is its newest fragment, not yet in `#parts`. */
  #tooLong(last: string): never {
    const line = this.lineNumber + 1;
    // The start of the line, whatever the chunking: the fragments held so far, then `last`.
    let head = "";
    for (const part of this.#parts) {
      if (head.length > 40) break;
      head += part.slice(0, 41 - head.length);
    }
    if (head.length <= 40) head += last.slice(0, 41 - head.length);
    throw new ParseError(
      `Line ${line} is longer than the limit of ${this.#max} characters: ${snippet(head)}`,
      { line, snippet: head.slice(0, 40) },
    );
  }
}

/**
 * A {@linkcode LineScanner} that hands each line over as its own string, for
 * callers that keep the lines (such as `LineStream`). A class of its own, not
 * a mode: a one-argument `(line) => …` callback type-checks as a
 * {@linkcode LineRangeHandler} too, and would then get whole pieces as lines.
 */
export class LineSplitter extends LineScanner {
  constructor(onLine: (line: string) => void, maxLineLength?: number) {
    super((text, start, end) => onLine(text.slice(start, end)), maxLineLength);
  }
}
