import { DEFAULT_MAX_LINE_LENGTH, LineSplitter } from "./_line_splitter.ts";
import { ParseError } from "../errors/parse_error.ts";
import type { ServerSentEvent } from "./server_sent_event.ts";

/** What the SSE push parser reports besides events. */
export interface SseParserHooks {
  /** Called with the value of each valid `retry` field, in milliseconds. */
  onRetry?: ((ms: number) => void) | undefined;
  /** Called with each comment line's text (after the colon and one space). */
  onComment?: ((text: string) => void) | undefined;
}

const SPACE = 32;
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
  #lines: LineSplitter;
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

  /** Ends the input; a half-received event is dropped, as the standard says. */
  end(): void {
    this.#lines.end(false);
    this.#data = "";
    this.#hasData = false;
    this.#type = "";
  }

  #line(line: string): void {
    const length = line.length;
    if (length === 0) return this.#dispatch();
    const colon = line.indexOf(":");
    if (colon === 0) {
      const onComment = this.#hooks.onComment;
      if (onComment) onComment(line.charCodeAt(1) === SPACE ? line.slice(2) : line.slice(1));
      return;
    }
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = "";
    } else {
      field = line.slice(0, colon);
      value = line.slice(line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1);
    }
    switch (field) {
      case "data":
        if (this.#hasData) {
          if (this.#data.length + value.length >= this.#max) this.#tooLarge();
          this.#data += "\n" + value;
        } else {
          this.#data = value;
          this.#hasData = true;
        }
        break;
      case "event":
        this.#type = value;
        break;
      case "id":
        if (!value.includes("\0")) this.#id = value;
        break;
      case "retry":
        if (DIGITS.test(value)) this.#hooks.onRetry?.(Number.parseInt(value, 10));
        break;
    }
    // Any other field is ignored, as the standard says.
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
