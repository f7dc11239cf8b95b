import type { Random } from "./_random.ts";

/** Answer sentences. Some carry non-ASCII text and the `<`, `>`, `&` that Go escapes. */
export const SENTENCES: readonly string[] = [
  "Streaming lets you show the reply as it is written, instead of waiting for the whole message.",
  "The sky looks blue because air molecules scatter short wavelengths of sunlight more strongly than long ones — an effect called Rayleigh scattering.",
  "A café in Zürich serves crème brûlée with a view of the lake.",
  "Server-Sent Events are plain text: each event ends with a blank line.",
  "In Go, the characters <, > and & are escaped inside JSON strings.",
  "Tokens arrive one by one, so even a slow network feels responsive.",
  "東京 is the capital of Japan, and 大阪 is famous for its street food.",
  "Back-pressure means a slow reader slows the writer down 🐢 and nothing buffers without bound.",
  "Naïve parsers split on every newline and lose data at chunk boundaries.",
  "The answer is 42, give or take a rounding error of ±0.5.",
  "Cancel the request and the server stops generating at once.",
  "Every stream ends with an end marker; without it, the reply is incomplete.",
];

/** Reasoning sentences for thinking output. */
export const THOUGHTS: readonly string[] = [
  "The user wants a short answer, so one or two sentences should do.",
  "Let me check the facts first: nothing here needs a tool.",
  "I should keep the tone friendly and avoid jargon.",
  "There are two parts to this question — I'll answer the main one first.",
  "Double-check: the numbers add up, so the reply is consistent.",
  "Les détails comptent: I'll mention the one that matters most.",
];

/** Short values for strings generated from a JSON schema. */
export const WORDS: readonly string[] = [
  "river",
  "lantern",
  "cobalt",
  "meadow",
  "señal",
  "harbour",
  "quartz",
  "über",
  "kettle",
  "maple",
];

/** `count` distinct sentences of `pool`, in a seeded order, joined with spaces. */
export function sentences(random: Random, pool: readonly string[], count: number): string {
  const start = random.int(0, pool.length - 1);
  const step = random.pick([1, 5, 7]);
  const picked: string[] = [];
  for (let i = 0; i < Math.min(count, pool.length); i++) {
    picked.push(pool[(start + i * step) % pool.length] as string);
  }
  return picked.join(" ");
}

const WORD = /\s*\S+|\s+$/gu;

/**
 * Splits text into tokens of one to four words, each keeping the whitespace
 * before it, so that the tokens joined give back exactly `text`.
 */
export function splitWords(random: Random, text: string): string[] {
  const words = text.match(WORD) ?? [];
  const tokens: string[] = [];
  for (let i = 0; i < words.length;) {
    const size = random.pick([1, 1, 1, 2, 2, 3, 4]);
    tokens.push(words.slice(i, i + size).join(""));
    i += size;
  }
  return tokens;
}

/**
 * Splits text into pieces of `min` to `max` code points (never inside a
 * surrogate pair), as models stream JSON and tool arguments.
 */
export function splitPieces(random: Random, text: string, min: number, max: number): string[] {
  const points = Array.from(text);
  const pieces: string[] = [];
  for (let i = 0; i < points.length;) {
    const size = random.int(min, max);
    pieces.push(points.slice(i, i + size).join(""));
    i += size;
  }
  return pieces;
}
