const QUOTE = 34;
const BACKSLASH = 92;

/**
 * Where the JSON string whose characters start at `from` (just after its
 * opening quote) closes: the index of its closing quote. -1 when it holds an
 * escape or a control character, or never closes: then only `JSON.parse`
 * reads it right. Without escapes, the string's value is exactly
 * `text.slice(from, end)`.
 *
 * The readers of the most frequent lines and events of a wire format use it
 * to take a frame of a known, compact shape apart without `JSON.parse`, into
 * the object `JSON.parse` would give; any other frame is parsed as usual.
 */
export function plainStringEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) return i;
    if (code < 0x20 || code === BACKSLASH) return -1;
  }
  return -1;
}

/**
 * Whether `text` holds `literal` at `position`: `text.startsWith(literal,
 * position)`, written as a slice compared whole, which V8 does 1.1–4× faster
 * at the 10 to 43 characters the readers compare
 * (`deno bench tests/bench/compact_json_bench.ts`).
 */
export function holds(text: string, literal: string, position: number): boolean {
  return text.slice(position, position + literal.length) === literal;
}

/**
 * `text.slice(start, end)` as a string of its own. V8 keeps a slice of 13
 * characters or more as a view into the string it was cut from — here a whole
 * read of the body — and keeps all of that alive with it: a token kept in a
 * result would hold its read, kilobytes. `JSON.parse` makes strings of their
 * own; so do the compact readers, through this. (A shorter slice is a copy
 * already; the longer one is cut from a flat copy of itself.)
 */
export function sliceOwn(text: string, start: number, end: number): string {
  const slice = text.slice(start, end);
  return slice.length < 13 ? slice : (" " + slice).slice(1);
}
