/**
 * Test helpers for the streams layer: every way to cut one input into chunks
 * (whole, byte by byte, two pieces at every position for short inputs, seeded
 * random pieces), a pull-based byte source that records reads and cancels, and
 * readers that assert a stream closed or errored.
 *
 * @module
 */

import assert from "node:assert/strict";
import { seededRandom as mulberry32 } from "../_seeded_random.ts";
export { mulberry32 };

/** An integer in [min, max], drawn from `random`. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** One way to cut an input into pieces, labelled for failure messages. */
export interface Chunking<T> {
  /** E.g. `whole`, `byte by byte`, `split at 7`, `seed 3`. */
  label: string;
  /** The pieces, in order; joined they are the input. */
  pieces: T[];
}

/** Options of {@linkcode chunkings}. */
export interface ChunkingsOptions {
  /**
   * Inputs up to this length are also cut in two at every position.
   *
   * @default {256}
   */
  everySplitUpTo?: number;
  /**
   * How many seeded random cuttings to add.
   *
   * @default {20}
   */
  randomSplits?: number;
  /**
   * Include the one-piece-per-unit cutting.
   *
   * @default {true}
   */
  oneByOne?: boolean;
}

interface Sliceable<T> {
  length: number;
  slice(start: number, end?: number): T;
}

function cuttings<T extends Sliceable<T>>(
  input: T,
  unit: string,
  options: ChunkingsOptions,
): Chunking<T>[] {
  const { everySplitUpTo = 256, randomSplits = 20, oneByOne = true } = options;
  const length = input.length;
  const result: Chunking<T>[] = [{ label: "whole", pieces: [input] }];
  if (oneByOne) {
    const pieces: T[] = [];
    for (let i = 0; i < length; i++) pieces.push(input.slice(i, i + 1));
    result.push({ label: `${unit} by ${unit}`, pieces });
  }
  if (length <= everySplitUpTo) {
    for (let at = 1; at < length; at++) {
      result.push({ label: `split at ${at}`, pieces: [input.slice(0, at), input.slice(at)] });
    }
  }
  for (let seed = 1; seed <= randomSplits; seed++) {
    const random = mulberry32(seed);
    // Small pieces for half the seeds, pieces up to half the input for the rest.
    const max = seed % 2 === 0 ? 8 : Math.max(1, Math.ceil(length / 2));
    const pieces: T[] = [];
    for (let offset = 0; offset < length;) {
      const size = randomInt(random, 1, max);
      pieces.push(input.slice(offset, offset + size));
      offset += size;
    }
    result.push({ label: `seed ${seed}`, pieces });
  }
  return result;
}

/**
 * Every cutting of some bytes (a string is UTF-8 encoded first): whole, byte by
 * byte, two pieces at every position (short inputs), and seeded random pieces.
 */
export function chunkings(
  input: Uint8Array | string,
  options: ChunkingsOptions = {},
): Chunking<Uint8Array>[] {
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  return cuttings<Uint8Array>(bytes, "byte", options);
}

/** The same cuttings of a string, by UTF-16 code unit (for the text-in stages). */
export function textChunkings(text: string, options: ChunkingsOptions = {}): Chunking<string>[] {
  return cuttings<string>(text, "char", options);
}

/** Concatenates byte arrays. */
export function concat(pieces: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}

/** How a {@linkcode source} ends after its pieces. */
export type SourceEnd =
  | { kind: "close" }
  | { kind: "error"; error: unknown }
  /** Every further read stays pending until the stream is cancelled. */
  | { kind: "hang" };

/** A pull-based byte stream over fixed pieces, recording what was done to it. */
export interface Source<T> {
  /** The stream: one piece per pull, then the chosen end. */
  body: ReadableStream<T>;
  /** How many pulls the consumer made. */
  readonly pulls: number;
  /** Whether the stream's `cancel` was called. */
  readonly cancelled: boolean;
  /** The reason it was cancelled with. */
  readonly cancelReason: unknown;
  /** Resolves with the reason once `cancel` is called. */
  readonly whenCancelled: Promise<unknown>;
}

/**
 * A pull-based stream handing out one piece per pull (so a slow consumer slows
 * the reads), then closing, erroring or hanging; `cancel` is recorded.
 */
export function source<T = Uint8Array>(
  pieces: Iterable<T>,
  end: SourceEnd = { kind: "close" },
): Source<T> {
  const iterator = pieces[Symbol.iterator]();
  const cancel = Promise.withResolvers<unknown>();
  const hang = Promise.withResolvers<void>();
  let pulls = 0;
  let cancelled = false;
  let cancelReason: unknown;
  const body = new ReadableStream<T>({
    pull(controller) {
      pulls++;
      const next = iterator.next();
      if (!next.done) return controller.enqueue(next.value);
      if (end.kind === "close") return controller.close();
      if (end.kind === "error") return controller.error(end.error);
      return hang.promise;
    },
    cancel(reason) {
      cancelled = true;
      cancelReason = reason;
      cancel.resolve(reason);
      hang.resolve();
    },
  }, { highWaterMark: 0 });
  return {
    body,
    get pulls() {
      return pulls;
    },
    get cancelled() {
      return cancelled;
    },
    get cancelReason() {
      return cancelReason;
    },
    whenCancelled: cancel.promise,
  };
}

/** Reads a stream to its end and returns every item; fails if it errors instead. */
export async function readAll<T>(stream: ReadableStream<T>, label = ""): Promise<T[]> {
  const reader = stream.getReader();
  const items: T[] = [];
  while (true) {
    let result: ReadableStreamReadResult<T>;
    try {
      result = await reader.read();
    } catch (error) {
      throw new Error(`Expected the stream to close, it errored (${label})`, { cause: error });
    }
    if (result.done) break;
    items.push(result.value);
  }
  await reader.closed; // resolves only if the stream closed
  reader.releaseLock();
  return items;
}

/** Reads a stream until it errors; returns the items before the error and the error. */
export async function readUntilError<T>(
  stream: ReadableStream<T>,
  label = "",
): Promise<{ items: T[]; error: unknown }> {
  const reader = stream.getReader();
  const items: T[] = [];
  while (true) {
    let result: ReadableStreamReadResult<T>;
    try {
      result = await reader.read();
    } catch (error) {
      await assert.rejects(reader.closed);
      reader.releaseLock();
      return { items, error };
    }
    if (result.done) {
      assert.fail(`Expected the stream to error, it closed after ${items.length} items (${label})`);
    }
    items.push(result.value);
  }
}

/** Lets pending callbacks and a few macrotask turns run. */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Waits for a source to be cancelled, failing (not hanging) if it is not soon. */
export async function assertCancelled<T>(src: Source<T>, label = ""): Promise<unknown> {
  for (let i = 0; i < 20 && !src.cancelled; i++) await settle(1);
  assert.ok(src.cancelled, `Expected the source to be cancelled (${label})`);
  return src.cancelReason;
}

/** A slow consumer: waits a macrotask turn between reads. */
export async function readSlowlyUntilError<T>(
  stream: ReadableStream<T>,
): Promise<{ items: T[]; error: unknown }> {
  const reader = stream.getReader();
  const items: T[] = [];
  await settle(2);
  while (true) {
    let result: ReadableStreamReadResult<T>;
    try {
      result = await reader.read();
    } catch (error) {
      reader.releaseLock();
      return { items, error };
    }
    if (result.done) assert.fail(`Expected the stream to error, it closed`);
    items.push(result.value);
    await settle(1);
  }
}

/** The UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
