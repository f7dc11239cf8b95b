import { ParseError } from "../errors/parse_error.ts";
import { snippet } from "../errors/_snippet.ts";

/** Options of {@linkcode PartialJsonParser}. */
export interface PartialJsonParserOptions {
  /**
   * Called with each element of a top-level array as soon as that element is
   * complete (its closing bracket, quote or delimiter has arrived), in order,
   * with its 0-based index. Not called when the document is not an array.
   *
   * @default {undefined}
   */
  onElement?: ((element: unknown, index: number) => void) | undefined;
}

// What the parser expects next.
const VALUE = 0; // a value (after `:`, `,` in an array, or at the start)
const ARRAY_FIRST = 1; // a value or `]` (after `[`)
const OBJECT_FIRST = 2; // a key or `}` (after `{`)
const KEY = 3; // a key (after `,` in an object)
const COLON = 4; // `:` after a key
const AFTER = 5; // `,` or a closing bracket, or only whitespace at the top level
const STRING = 6; // inside a string
const ESCAPE = 7; // after a backslash in a string
const UNICODE = 8; // inside the hex digits of a `\uXXXX` escape
const NUMBER = 9; // inside a number
const LITERAL = 10; // inside `true`, `false` or `null`

const EXPECTED = [
  "a value",
  "a value or ']'",
  "a key or '}'",
  "a key",
  "':'",
  "',' or a closing bracket",
  "a string character",
  "an escape character",
  "a hex digit",
  "a number",
  "a literal",
];

// Number grammar states; the ones marked complete may end the number.
const N_MINUS = 0;
const N_ZERO = 1; // complete
const N_INT = 2; // complete
const N_DOT = 3;
const N_FRAC = 4; // complete
const N_E = 5;
const N_E_SIGN = 6;
const N_EXP = 7; // complete

const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/**
 * A change is shown at once while a snapshot copies at most this many
 * children of open containers (see {@linkcode PartialJsonParser}).
 */
const FREE_COPIES = 1024;
/**
 * Past {@linkcode FREE_COPIES}, how many children a new snapshot may copy per
 * character read since the last change shown: the bound that keeps reading
 * `value` after every push linear in the document.
 */
const COPIES_PER_CHARACTER = 32;

/** An array or object still being written, with its completed children. */
interface Frame {
  container: unknown[] | Record<string, unknown>;
  isArray: boolean;
  /** In an object: the key of the value being written. */
  key: string | undefined;
  /** The number of completed children (distinct keys in an object). */
  children: number;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isDigit(unit: number): boolean {
  return unit >= 0x30 && unit <= 0x39;
}

function hexValue(unit: number): number {
  if (unit >= 0x30 && unit <= 0x39) return unit - 0x30;
  if (unit >= 0x61 && unit <= 0x66) return unit - 0x57;
  if (unit >= 0x41 && unit <= 0x46) return unit - 0x37;
  return -1;
}

/** Sets an own property like `JSON.parse` does (also for the key `__proto__`). */
function setProperty(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(object, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    object[key] = value;
  }
}

/**
 * An incremental parser for a JSON document that is still being written, such
 * as an LLM's structured output or tool-call arguments arriving in deltas.
 * Feed it text with {@linkcode PartialJsonParser.push}; read the best current
 * value with {@linkcode PartialJsonParser.value}; call
 * {@linkcode PartialJsonParser.end} for the final value.
 *
 * The current value closes open strings, arrays and objects provisionally.
 * Numbers and `true`/`false`/`null` appear only once complete (a number is
 * complete when a delimiter follows it, or at the end); an object key whose
 * value has not started yet, or that is itself still being written, is left
 * out. So every value it shows is consistent with the final one: an object's
 * keys hold consistent values, an array's elements are the final ones except
 * that the last may be incomplete, and a string is a prefix of the final
 * string (a trailing high surrogate is held back until its pair arrives). A
 * document that repeats a key is the exception: the later value replaces the
 * earlier one, as in `JSON.parse`.
 *
 * Each character is read once: the total work is linear in the document
 * whatever the chunking. A prefix of a valid document never throws; the first
 * character that cannot continue a JSON document throws a `ParseError` at
 * once, with the 1-based line of that character (lines end at LF).
 *
 * Snapshots: `value` returns a fresh object for every array and object still
 * being written, rebuilt only after a change (so each change gives new
 * identities along the path to it, as React and other UI libraries expect),
 * and shares every completed array or object between snapshots and with the
 * final value. Treat snapshots as read-only.
 *
 * Building a snapshot costs the number of open arrays and objects and of
 * their children, not the size of the document. So that reading `value` after
 * every push stays linear in the document however wide or deep it grows, a
 * change shows at once while that number is at most 1,024; past it (an
 * array of thousands of elements still open, or nesting thousands deep), a
 * change shows once that number over 32 characters were read since the last
 * change shown: `push` reports it, and `value` shows it, a few pushes later,
 * never more than 1/32 of the text read behind. The end is never late: the
 * push that closes the document shows the final value.
 *
 * @example Watch a document being written
 * ```ts
 * import { PartialJsonParser } from "@sluice/sluice/streams";
 * import assert from "node:assert/strict";
 *
 * const parser = new PartialJsonParser();
 * parser.push('{"title": "Stre');
 * assert.deepEqual(parser.value, { title: "Stre" });
 * parser.push('ams", "tags": ["web", "ll');
 * assert.deepEqual(parser.value, { title: "Streams", tags: ["web", "ll"] });
 * parser.push('m"], "year": 20');
 * // 20 may be the start of 2025: numbers appear once a delimiter follows.
 * assert.deepEqual(parser.value, { title: "Streams", tags: ["web", "llm"] });
 * parser.push("25}");
 * assert.deepEqual(parser.end(), { title: "Streams", tags: ["web", "llm"], year: 2025 });
 * ```
 */
export class PartialJsonParser {
  #onElement: ((element: unknown, index: number) => void) | undefined;
  #mode = VALUE;
  #stack: Frame[] = [];
  /** The top-level value once complete. */
  #root: unknown = undefined;
  #rootDone = false;
  #line = 1;
  #error: unknown = undefined;
  #ended = false;
  /** Incremented on every change of the current value. */
  #version = 0;
  /** The version `value` shows: the last one published (see `#publish`). */
  #shown = 0;
  #snapshot: unknown = undefined;
  /** The version `#snapshot` was built at. */
  #snapshotVersion = 0;
  /** What building a snapshot costs: the open containers and their children. */
  #open = 0;
  /** Characters read since the last published version. */
  #unread = 0;
  #elements = 0;

  // The string being read: pieces not yet folded into `#text`, which holds
  // what is visible (all but a trailing high surrogate, kept in `#held`).
  #inKey = false;
  #pieces: string[] = [];
  #text = "";
  #held = "";
  #length = 0;
  #visible = 0;
  #lastUnit = 0;
  #hex = 0;
  #hexDigits = 0;

  #number = "";
  #numberState = N_MINUS;
  #literal = "";
  #literalValue: unknown = undefined;
  #literalIndex = 0;

  /** Creates a parser for one JSON document. */
  constructor(options: PartialJsonParserOptions = {}) {
    this.#onElement = options.onElement;
  }

  /**
   * The number of top-level array elements completed so far (0 when the
   * document is not an array).
   *
   * @example Count finished elements
   * ```ts
   * import { PartialJsonParser } from "@sluice/sluice/streams";
   * import assert from "node:assert/strict";
   *
   * const parser = new PartialJsonParser();
   * parser.push('[{"a": 1}, {"a": 2}, {"a"');
   * assert.equal(parser.completedElements, 2);
   * ```
   */
  get completedElements(): number {
    return this.#elements;
  }

  /**
   * The best current value: `undefined` until a value has started, then a
   * snapshot with open strings, arrays and objects closed provisionally (see
   * the class documentation). The same object is returned until
   * {@linkcode PartialJsonParser.push} reports a change.
   *
   * @example Read the value of a prefix
   * ```ts
   * import { PartialJsonParser } from "@sluice/sluice/streams";
   * import assert from "node:assert/strict";
   *
   * const parser = new PartialJsonParser();
   * parser.push('[1, [true, "x');
   * assert.deepEqual(parser.value, [1, [true, "x"]]);
   * ```
   */
  get value(): unknown {
    if (this.#snapshotVersion !== this.#shown) {
      this.#snapshot = this.#build();
      this.#snapshotVersion = this.#shown = this.#version;
    }
    return this.#snapshot;
  }

  /**
   * Feeds the next piece of the document. Returns whether the current
   * {@linkcode PartialJsonParser.value} changed (past 1,024 open children, a
   * change may show a few pushes late: see the class documentation). Throws a
   * `ParseError` at the first character that cannot continue a JSON document
   * (and again on any later call).
   *
   * @example Only redraw when something changed
   * ```ts
   * import { PartialJsonParser } from "@sluice/sluice/streams";
   * import assert from "node:assert/strict";
   *
   * const parser = new PartialJsonParser();
   * assert.equal(parser.push('{"count": '), true); // {} appeared
   * assert.equal(parser.push("12"), false); // 12 may go on
   * assert.equal(parser.push("3}"), true);
   * assert.deepEqual(parser.value, { count: 123 });
   * ```
   */
  push(text: string): boolean {
    if (this.#error !== undefined) throw this.#error;
    if (this.#ended) throw new TypeError("Cannot push to a PartialJsonParser after end()");
    const before = this.#shown;
    try {
      this.#parse(text);
    } catch (error) {
      this.#error = error;
      this.#shown = this.#version; // what was read before the error shows
      throw error;
    }
    this.#unread += text.length;
    this.#publish();
    return this.#shown !== before;
  }

  /**
   * Shows the current version when building its snapshot copies at most
   * `FREE_COPIES` children, or at most `COPIES_PER_CHARACTER` per character
   * read since the last version shown: so the snapshots cost linear time in
   * all. A change left out shows with a later push.
   */
  #publish(): void {
    if (this.#version === this.#shown) return;
    const cost = this.#open;
    if (cost > FREE_COPIES && cost > COPIES_PER_CHARACTER * this.#unread) return;
    this.#shown = this.#version;
    this.#unread = 0;
  }

  /**
   * Ends the input and returns the final value, equal to `JSON.parse` of the
   * whole text. Throws a `ParseError` if the document is incomplete or empty.
   *
   * @example Get the final value
   * ```ts
   * import { PartialJsonParser } from "@sluice/sluice/streams";
   * import assert from "node:assert/strict";
   *
   * const parser = new PartialJsonParser();
   * parser.push("-1.5e");
   * parser.push("3");
   * assert.equal(parser.value, undefined);
   * assert.equal(parser.end(), -1500);
   * ```
   */
  end(): unknown {
    if (this.#error !== undefined) throw this.#error;
    if (this.#ended) return this.#root;
    if (this.#mode === NUMBER && this.#numberComplete()) this.#endNumber();
    this.#shown = this.#version;
    if (!this.#rootDone || this.#stack.length > 0) {
      this.#error = new ParseError(
        `Cannot parse JSON at line ${this.#line}: unexpected end of input, expected ${
          EXPECTED[this.#mode]
        }`,
        { line: this.#line, snippet: "" },
      );
      throw this.#error;
    }
    this.#ended = true;
    return this.#root;
  }

  #fail(text: string, at: number): never {
    const rest = text.slice(at);
    const character = JSON.stringify(text.slice(at, at + 1));
    const expected = this.#mode === AFTER && this.#stack.length === 0
      ? "the end of the document"
      : EXPECTED[this.#mode];
    throw new ParseError(
      `Cannot parse JSON at line ${this.#line}: unexpected character ${character} where ${expected} was expected in ${
        snippet(rest)
      }`,
      { line: this.#line, snippet: rest.slice(0, 40) },
    );
  }

  #parse(text: string): void {
    const length = text.length;
    let i = 0;
    while (i < length) {
      const mode = this.#mode;
      if (mode === STRING) {
        const start = i;
        let unit = 0;
        while (i < length) {
          unit = text.charCodeAt(i);
          if (unit === 0x22 || unit === 0x5c || unit < 0x20) break;
          i++;
        }
        if (i > start) this.#append(text.slice(start, i));
        if (i === length) break;
        if (unit === 0x22) this.#endString();
        else if (unit === 0x5c) this.#mode = ESCAPE;
        else this.#fail(text, i);
        i++;
        continue;
      }
      const unit = text.charCodeAt(i);
      switch (mode) {
        case ESCAPE: {
          if (unit === 0x75) {
            this.#mode = UNICODE;
            this.#hex = 0;
            this.#hexDigits = 0;
          } else {
            const replacement = ESCAPES[text[i]!];
            if (replacement === undefined) this.#fail(text, i);
            this.#append(replacement);
            this.#mode = STRING;
          }
          i++;
          continue;
        }
        case UNICODE: {
          const digit = hexValue(unit);
          if (digit < 0) this.#fail(text, i);
          this.#hex = this.#hex * 16 + digit;
          if (++this.#hexDigits === 4) {
            this.#mode = STRING;
            this.#append(String.fromCharCode(this.#hex));
          }
          i++;
          continue;
        }
        case NUMBER: {
          const start = i;
          while (i < length && this.#numberStep(text.charCodeAt(i))) i++;
          if (i > start) this.#number += text.slice(start, i);
          if (i === length) return;
          if (!this.#numberComplete()) this.#fail(text, i);
          this.#endNumber();
          continue; // the delimiter is read in the next mode
        }
        case LITERAL: {
          if (unit !== this.#literal.charCodeAt(this.#literalIndex)) this.#fail(text, i);
          i++;
          if (++this.#literalIndex === this.#literal.length) {
            this.#complete(this.#literalValue);
            this.#version++;
          }
          continue;
        }
      }
      // Structural modes: whitespace is skipped.
      if (unit === 0x20 || unit === 0x0a || unit === 0x0d || unit === 0x09) {
        if (unit === 0x0a) this.#line++;
        i++;
        continue;
      }
      switch (mode) {
        case VALUE:
        case ARRAY_FIRST:
          if (unit === 0x5d && mode === ARRAY_FIRST) this.#close();
          else this.#startValue(text, i, unit);
          break;
        case OBJECT_FIRST:
        case KEY:
          if (unit === 0x22) this.#startString(true);
          else if (unit === 0x7d && mode === OBJECT_FIRST) this.#close();
          else this.#fail(text, i);
          break;
        case COLON:
          if (unit !== 0x3a) this.#fail(text, i);
          this.#mode = VALUE;
          break;
        case AFTER: {
          const frame = this.#stack.at(-1);
          if (frame === undefined) this.#fail(text, i);
          if (unit === 0x2c) this.#mode = frame.isArray ? VALUE : KEY;
          else if (unit === (frame.isArray ? 0x5d : 0x7d)) this.#close();
          else this.#fail(text, i);
          break;
        }
      }
      i++;
    }
    if (this.#mode === STRING && this.#pieces.length > 64) this.#fold();
  }

  #startValue(text: string, at: number, unit: number): void {
    switch (unit) {
      case 0x22:
        this.#startString(false);
        this.#version++; // "" appears
        return;
      case 0x7b:
      case 0x5b: {
        const isArray = unit === 0x5b;
        this.#stack.push({ container: isArray ? [] : {}, isArray, key: undefined, children: 0 });
        this.#open++;
        this.#mode = isArray ? ARRAY_FIRST : OBJECT_FIRST;
        this.#version++;
        return;
      }
      case 0x74:
        return this.#startLiteral("true", true);
      case 0x66:
        return this.#startLiteral("false", false);
      case 0x6e:
        return this.#startLiteral("null", null);
    }
    if (unit === 0x2d || isDigit(unit)) {
      this.#mode = NUMBER;
      this.#number = "";
      this.#numberState = N_MINUS;
      if (unit === 0x2d) {
        this.#number = "-";
      } else {
        this.#numberStep(unit);
        this.#number = text[at]!;
      }
      return;
    }
    this.#fail(text, at);
  }

  #startLiteral(literal: string, value: unknown): void {
    this.#mode = LITERAL;
    this.#literal = literal;
    this.#literalValue = value;
    this.#literalIndex = 1;
  }

  /** Advances the number grammar by one character; false if it cannot continue. */
  #numberStep(unit: number): boolean {
    const state = this.#numberState;
    if (isDigit(unit)) {
      switch (state) {
        case N_MINUS:
          this.#numberState = unit === 0x30 ? N_ZERO : N_INT;
          return true;
        case N_ZERO:
          return false;
        case N_DOT:
          this.#numberState = N_FRAC;
          return true;
        case N_E:
        case N_E_SIGN:
          this.#numberState = N_EXP;
          return true;
        default:
          return true;
      }
    }
    if (unit === 0x2e && (state === N_ZERO || state === N_INT)) {
      this.#numberState = N_DOT;
      return true;
    }
    if (
      (unit === 0x65 || unit === 0x45) && (state === N_ZERO || state === N_INT || state === N_FRAC)
    ) {
      this.#numberState = N_E;
      return true;
    }
    if ((unit === 0x2b || unit === 0x2d) && state === N_E) {
      this.#numberState = N_E_SIGN;
      return true;
    }
    return false;
  }

  #numberComplete(): boolean {
    const state = this.#numberState;
    return state === N_ZERO || state === N_INT || state === N_FRAC || state === N_EXP;
  }

  #endNumber(): void {
    const value = Number(this.#number);
    this.#number = "";
    this.#complete(value);
    this.#version++;
  }

  #startString(isKey: boolean): void {
    this.#mode = STRING;
    this.#inKey = isKey;
    this.#pieces.length = 0;
    this.#text = "";
    this.#held = "";
    this.#length = 0;
    this.#visible = 0;
    this.#lastUnit = 0;
  }

  #append(piece: string): void {
    this.#pieces.push(piece);
    this.#length += piece.length;
    this.#lastUnit = piece.charCodeAt(piece.length - 1);
    if (this.#inKey) return;
    const visible = isHighSurrogate(this.#lastUnit) ? this.#length - 1 : this.#length;
    if (visible !== this.#visible) {
      this.#visible = visible;
      this.#version++;
    }
  }

  /**
   * Moves the pieces into `#text`, holding back a trailing high surrogate: the
   * text so far is never sliced (that would copy it whole on every snapshot).
   */
  #fold(): void {
    if (this.#pieces.length === 0) return;
    let joined = this.#pieces.length === 1 ? this.#pieces[0]! : this.#pieces.join("");
    this.#pieces.length = 0;
    if (this.#held !== "") joined = this.#held + joined;
    if (isHighSurrogate(joined.charCodeAt(joined.length - 1))) {
      this.#held = joined.slice(-1);
      joined = joined.slice(0, -1);
    } else {
      this.#held = "";
    }
    this.#text += joined;
  }

  #endString(): void {
    this.#fold();
    const text = this.#text + this.#held;
    this.#text = "";
    this.#held = "";
    if (this.#inKey) {
      this.#stack.at(-1)!.key = text;
      this.#mode = COLON;
      return;
    }
    if (this.#visible !== this.#length) this.#version++; // a lone high surrogate shows
    this.#complete(text);
  }

  #close(): void {
    // The caller checked that the bracket matches the open container.
    const frame = this.#stack.pop()!;
    this.#open -= frame.children + 1;
    this.#complete(frame.container);
  }

  /** Stores a complete value in its parent (or as the top-level value). */
  #complete(value: unknown): void {
    this.#mode = AFTER;
    const frame = this.#stack.at(-1);
    if (frame === undefined) {
      this.#root = value;
      this.#rootDone = true;
    } else if (frame.isArray) {
      (frame.container as unknown[]).push(value);
      frame.children++;
      this.#open++;
      if (this.#stack.length === 1) {
        const index = this.#elements++;
        this.#onElement?.(value, index);
      }
    } else {
      const object = frame.container as Record<string, unknown>;
      if (!Object.hasOwn(object, frame.key!)) {
        frame.children++;
        this.#open++;
      }
      setProperty(object, frame.key!, value);
      frame.key = undefined;
    }
  }

  /** Builds a snapshot: copies of the open containers around the open value. */
  #build(): unknown {
    let child: unknown = undefined;
    let hasChild = false;
    if (this.#mode === STRING || this.#mode === ESCAPE || this.#mode === UNICODE) {
      if (!this.#inKey) {
        this.#fold();
        child = this.#text;
        hasChild = true;
      }
    }
    for (let depth = this.#stack.length - 1; depth >= 0; depth--) {
      const frame = this.#stack[depth]!;
      if (frame.isArray) {
        const container = frame.container as unknown[];
        // `concat` allocates the copy at its size; a `push` after `slice` grew it (10 times slower).
        child = hasChild ? container.concat([child]) : container.slice();
      } else {
        const copy = { ...frame.container };
        if (hasChild) setProperty(copy, frame.key!, child);
        child = copy;
      }
      hasChild = true;
    }
    return hasChild ? child : this.#root;
  }
}
