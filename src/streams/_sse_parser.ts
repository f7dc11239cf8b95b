import { DEFAULT_MAX_LINE_LENGTH, LineScanner } from "./_line_splitter.ts";
import { ParseError } from "../errors/parse_error.ts";
import type { ServerSentEvent } from "./server_sent_event.ts";

/** What the SSE push parser reports besides events. */
export interface SseParserHooks {
  /** Called with the value of each valid `retry` field, in milliseconds. */
  onRetry?: ((ms: number) => void) | undefined;
  /** Called with each comment line's text (after the colon and one space). */
  onComment?: ((text: string) => void) | undefined;
  /**
   * At the end of the input, dispatch an event whose blank line never came
   * (its last line too, even without a line break). The standard drops it;
   * some gateways end the body right after the last `data:` line.
   */
  dispatchAtEnd?: boolean | undefined;
}

const SPACE = 32;
const COLON = 58;
// The first letters of the field names that mean something.
const D = 100; // "d"ata
const E = 101; // "e"vent
const I = 105; // "i"d
const R = 114; // "r"etry
const DIGITS = /^[0-9]+$/;

/**
 * The push core of the SSE decoder: feed it text, it calls `onEvent` for every
 * dispatched event. Follows the WHATWG HTML event stream interpretation: one
 * leading BOM dropped, comments, fields without a colon, exactly one space
 * after the colon removed, unknown fields ignored, `data` lines joined with LF,
 * dispatch only on a blank line and only if a `data` field was seen, the event
 * type reset after each dispatch, the last event ID kept across events (an `id`
 * containing NULL ignored), `retry` accepted only when all ASCII digits, and a
 * half-received event at the end dropped.
 *
 * The data of one event is bounded by `maxLineLength` in total, like a line.
 */
export class SseParser {
  /** The last event ID as of the last blank line (what a reconnect sends). */
  lastEventId = "";
  #lines: LineScanner;
  #onEvent: (event: ServerSentEvent) => void;
  #hooks: SseParserHooks;
  #max: number;
  #data = "";
  #hasData = false;
  #type = "";
  #id = "";

  constructor(
    onEvent: (event: ServerSentEvent) => void,
    maxLineLength: number = DEFAULT_MAX_LINE_LENGTH,
    hooks: SseParserHooks = {},
  ) {
    this.#onEvent = onEvent;
    this.#hooks = hooks;
    this.#max = maxLineLength;
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

  /** Ends the input; a half-received event is dropped, as the standard says. */
  end(): void {
    const dispatch = this.#hooks.dispatchAtEnd === true;
    this.#lines.end(dispatch);
    if (dispatch) this.#dispatch();
    this.#data = "";
    this.#hasData = false;
    this.#type = "";
  }

  /** Reads the line `text.slice(start, end)`. */
  #line(text: string, start: number, end: number): void {
    if (start === end) return this.#dispatch();
    // A blank line needs no string at all, and a field's name none either: the
    // name runs up to the first colon (or the end of the line) and only four
    // names mean anything, so it is matched in place (a line is a `data` field
    // when it starts with "data" and a colon or its end follows). Only a value
    // that is used gets sliced; any other field is ignored, as the standard
    // says, without slicing anything.
    switch (text.charCodeAt(start)) {
      case COLON: {
        const onComment = this.#hooks.onComment;
        if (onComment) onComment(text.slice(valueStart(text, start, end), end));
        return;
      }
      case D: {
        const after = nameEnd(text, start, end, "data");
        if (after === -1) return;
        const from = valueStart(text, after, end);
        if (this.#hasData) {
          if (this.#data.length + (end - from) >= this.#max) this.#tooLarge();
          this.#data += "\n" + text.slice(from, end);
        } else {
          this.#data = text.slice(from, end);
          this.#hasData = true;
        }
        return;
      }
      case E: {
        const after = nameEnd(text, start, end, "event");
        if (after === -1) return;
        this.#type = text.slice(valueStart(text, after, end), end);
        return;
      }
      case I: {
        const after = nameEnd(text, start, end, "id");
        if (after === -1) return;
        const value = text.slice(valueStart(text, after, end), end);
        if (!value.includes("\0")) this.#id = value;
        return;
      }
      case R: {
        const after = nameEnd(text, start, end, "retry");
        if (after === -1) return;
        const value = text.slice(valueStart(text, after, end), end);
        if (DIGITS.test(value)) this.#hooks.onRetry?.(Number.parseInt(value, 10));
        return;
      }
    }
  }

  #dispatch(): void {
    this.lastEventId = this.#id;
    if (!this.#hasData) {
      this.#type = "";
      return;
    }
    const event: ServerSentEvent = {
      event: this.#type === "" ? "message" : this.#type,
      data: this.#data,
      id: this.#id,
    };
    this.#data = "";
    this.#hasData = false;
    this.#type = "";
    this.#onEvent(event);
  }

  #tooLarge(): never {
    const line = this.#lines.lineNumber;
    throw new ParseError(
      `Event data ending at line ${line} is larger than the limit of ${this.#max} characters`,
      { line, snippet: this.#data.slice(0, 40) },
    );
  }
}

/**
 * Where the name ends if the line `text.slice(start, end)` is a field named
 * `name` (the line starts with `name`, then a colon or the line's end), else -1.
 * Compared a character at a time: faster here than `startsWith` or a slice.
 */
function nameEnd(text: string, start: number, end: number, name: string): number {
  const after = start + name.length;
  if (after > end || (after < end && text.charCodeAt(after) !== COLON)) return -1;
  for (let i = 0; i < name.length; i++) {
    if (text.charCodeAt(start + i) !== name.charCodeAt(i)) return -1;
  }
  return after;
}

/**
 * Where the value of the field or comment whose name ends at `after` starts:
 * after the colon and one space, or at the end of a line without a colon.
 */
function valueStart(text: string, after: number, end: number): number {
  if (after === end) return end;
  const from = after + 1;
  return from < end && text.charCodeAt(from) === SPACE ? from + 1 : from;
}
