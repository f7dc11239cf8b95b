import { sleep as defaultDelay } from "./_sleep.ts";

/**
 * How {@linkcode SmoothTextStream} cuts text: one character as a reader sees
 * it at a time, one word with its trailing whitespace, one line with its
 * `"\n"`, or up to the end of each match of a regular expression.
 */
export type SmoothTextChunking = "character" | "word" | "line" | RegExp;

/** Options of {@linkcode SmoothTextStream}. */
export interface SmoothTextStreamOptions {
  /**
   * How to cut the text into pieces.
   *
   * - `"character"`: one grapheme per piece, what a reader sees as one
   *   character: a flag, a family emoji joined with ZWJs, a letter with its
   *   combining marks. Cut by `Intl.Segmenter` where the runtime has it, else
   *   one code point per piece (a surrogate pair is never split). The last
   *   grapheme so far is held until more text arrives or the input ends, since
   *   the next delta may extend it (`"e"` then `"\u0301"`).
   * - `"word"`: a word with the whitespace after it, emitted as soon as that
   *   whitespace arrives (whitespace before the first word goes with it).
   * - `"line"`: everything up to and including a `"\n"`.
   * - a `RegExp`: everything up to the end of the next match (the `g` and `y`
   *   flags are ignored; a match of the empty string ends nothing).
   *
   * Text that does not complete a piece yet is held until more arrives or the
   * input ends.
   *
   * @default {"word"}
   */
  chunking?: SmoothTextChunking;
  /**
   * The pause between two pieces, in milliseconds: the typewriter effect. `0`
   * re-chunks without pausing.
   *
   * @default {10}
   */
  delayMs?: number;
  /**
   * Waits `ms` milliseconds, rejecting with `signal.reason` once `signal` is
   * aborted (it is aborted when the stream is cancelled). For tests, or to
   * pace by animation frames instead of timers.
   *
   * @default {a `setTimeout` cleared on abort}
   */
  delay?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Finds where the next piece of `text` from `start` ends, or -1 if it is not
 * complete. `from` (>= `start`) is where a piece's end may first be found: the
 * text before it was held because it completed nothing. `final` says that no
 * more text will come.
 */
type Cutter = (text: string, start: number, from: number, final?: boolean) => number;

function codePointCutter(text: string, start: number): number {
  if (start >= text.length) return -1;
  const unit = text.charCodeAt(start);
  if (unit >= 0xd800 && unit <= 0xdbff) {
    // A high surrogate waits for its pair.
    if (start + 1 >= text.length) return -1;
    const next = text.charCodeAt(start + 1);
    return next >= 0xdc00 && next <= 0xdfff ? start + 2 : start + 1;
  }
  return start + 1;
}

/**
 * Cuts one grapheme cluster at a time. A cluster that reaches the end of the
 * text is incomplete: the next delta may extend it. Appending text moves no
 * other boundary, so the clusters before the last one are final, except that
 * a trailing high surrogate is not a character yet: the boundary before it
 * waits for its pair too (the pair may be an emoji that a ZWJ joins on).
 */
function graphemeCutter(segmenter: Intl.Segmenter): Cutter {
  let segmented = "";
  let segments = segmenter.segment("");
  return (text, start, _from, final) => {
    if (text !== segmented) {
      segmented = text;
      segments = segmenter.segment(text);
    }
    const segment = segments.containing(start);
    if (segment === undefined) return -1;
    const end = segment.index + segment.segment.length;
    if (final) return end;
    const last = text.charCodeAt(text.length - 1);
    const complete = last >= 0xd800 && last <= 0xdbff ? text.length - 1 : text.length;
    return end < complete ? end : -1;
  };
}

function characterCutter(): Cutter {
  // Detected once per stream, not per chunk: runtimes without Intl.Segmenter
  // (Firefox before 125) cut code points.
  return typeof Intl === "object" && typeof Intl.Segmenter === "function"
    ? graphemeCutter(new Intl.Segmenter(undefined, { granularity: "grapheme" }))
    : codePointCutter;
}

function lineCutter(text: string, _start: number, from: number): number {
  const at = text.indexOf("\n", from);
  return at < 0 ? -1 : at + 1;
}

function regExpCutter(pattern: RegExp): Cutter {
  const regExp = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, "") + "g");
  return (text, start) => {
    regExp.lastIndex = start;
    const match = regExp.exec(text);
    if (match === null) return -1;
    const end = match.index + match[0].length;
    return end > start ? end : -1;
  };
}

const WORD = /\S\s+/g;

function wordCutter(text: string, start: number, from: number): number {
  // A word ends in whitespace after a non-whitespace character: in held text
  // there was none, so a match starts at its last character at the earliest.
  WORD.lastIndex = from > start ? from - 1 : start;
  const match = WORD.exec(text);
  return match === null ? -1 : match.index + match[0].length;
}

function cutterOf(chunking: SmoothTextChunking): Cutter {
  if (chunking instanceof RegExp) return regExpCutter(chunking);
  switch (chunking) {
    case "character":
      return characterCutter();
    case "word":
      return wordCutter;
    case "line":
      return lineCutter;
    default:
      throw new TypeError(
        `Invalid chunking: expected "character", "word", "line" or a RegExp, got ${
          JSON.stringify(chunking)
        }`,
      );
  }
}

/**
 * Re-chunks text deltas for display: cuts them into characters, words or
 * lines and pauses `delayMs` between pieces, so text from a bursty source
 * appears at an even pace (a typewriter effect). Joined, the pieces are the
 * input, in order.
 *
 * The pause never delays the end: when the input ends, the held incomplete
 * piece is emitted at once, with no pause after the last piece. Cancelling the
 * output (or aborting the input) clears a pending pause at once and the cancel
 * reaches the source. A slow reader slows the input (backpressure).
 *
 * @example Stream a reply word by word
 * ```ts
 * import { SmoothTextStream } from "@sluice/sluice/streams";
 * import assert from "node:assert/strict";
 *
 * const deltas = ReadableStream.from(["Hello wo", "rld, how are", " you?"]);
 * const pieces = await Array.fromAsync(deltas.pipeThrough(new SmoothTextStream({ delayMs: 1 })));
 * assert.deepEqual(pieces, ["Hello ", "world, ", "how ", "are ", "you?"]);
 * ```
 *
 * @example Cut by line, without pausing
 * ```ts
 * import { SmoothTextStream } from "@sluice/sluice/streams";
 * import assert from "node:assert/strict";
 *
 * const deltas = ReadableStream.from(["a\nb", "c\n\nd"]);
 * const smooth = new SmoothTextStream({ chunking: "line", delayMs: 0 });
 * assert.deepEqual(await Array.fromAsync(deltas.pipeThrough(smooth)), ["a\n", "bc\n", "\n", "d"]);
 * ```
 */
export class SmoothTextStream implements TransformStream<string, string> {
  /** The text, in paced pieces. */
  readonly readable: ReadableStream<string>;
  /** The text to smooth. */
  readonly writable: WritableStream<string>;

  /** Creates a smoothing stage. */
  constructor(options: SmoothTextStreamOptions = {}) {
    const { chunking = "word", delayMs = 10, delay = defaultDelay } = options;
    if (!(delayMs >= 0) || delayMs === Infinity) {
      throw new RangeError(`Invalid delayMs: expected a finite number >= 0, got ${delayMs}`);
    }
    const cut = cutterOf(chunking);
    const abort = new AbortController();
    let held = "";
    let emitted = false;
    // `cancel` on a transformer is recent (not in every runtime nor in the DOM
    // types): the readable is also wrapped below so a cancel always aborts.
    const transformer: Transformer<string, string> & { cancel(reason: unknown): void } = {
      async transform(chunk, controller) {
        const text = held + chunk;
        let start = 0;
        for (let end = cut(text, 0, held.length); end >= 0; end = cut(text, start, start)) {
          if (emitted && delayMs > 0) await delay(delayMs, abort.signal);
          controller.enqueue(text.slice(start, end));
          emitted = true;
          start = end;
        }
        held = start === 0 ? text : text.slice(start);
      },
      flush(controller) {
        // Only characters can complete here (the end fixes the last boundary);
        // the rest of the held text is one piece.
        let start = 0;
        for (
          let end = cut(held, 0, held.length, true);
          end > start && end < held.length;
          end = cut(held, start, start, true)
        ) {
          controller.enqueue(held.slice(start, end));
          start = end;
        }
        if (start < held.length) controller.enqueue(held.slice(start));
        held = "";
      },
      cancel(reason) {
        abort.abort(reason);
      },
    };
    const stage = new TransformStream<string, string>(transformer);
    this.writable = stage.writable;
    const inner = stage.readable.getReader();
    this.readable = new ReadableStream<string>({
      async pull(controller) {
        const result = await inner.read();
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
      cancel(reason) {
        abort.abort(reason);
        return inner.cancel(reason);
      },
    }, { highWaterMark: 0 });
  }
}
