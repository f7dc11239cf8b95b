/**
 * Helpers shared by the conformance cases: chunkings, a byte-stream source,
 * reader-based iteration (no dependence on `ReadableStream[Symbol.asyncIterator]`
 * or `ReadableStream.from`) and questions to the test server. Web APIs only.
 *
 * @module
 */

import { assert, assertEquals } from "./harness.ts";
import { seededRandom } from "../_seeded_random.ts";
export { seededRandom };

/** Splits `bytes` into pieces of 1 to `max` bytes chosen by `seed`. */
export function randomSplit(
  bytes: Uint8Array,
  seed: number,
  max = 7,
): Uint8Array[] {
  const next = seededRandom(seed);
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const size = 1 + Math.floor(next() * max);
    pieces.push(bytes.slice(offset, offset + size));
    offset += size;
  }
  return pieces;
}

/** One way to cut an input into chunks, with a label for failure messages. */
export interface Chunking {
  /** E.g. `whole`, `byte by byte`, `seed 3`. */
  label: string;
  /** The chunks, in order. */
  chunks: Uint8Array[];
}

/** The input whole, byte by byte, and in seeded random pieces. */
export function chunkings(text: string): Chunking[] {
  const bytes = new TextEncoder().encode(text);
  const result: Chunking[] = [
    { label: "whole", chunks: [bytes] },
    {
      label: "byte by byte",
      chunks: Array.from(bytes, (byte) => Uint8Array.of(byte)),
    },
  ];
  for (const seed of [1, 2, 3, 42]) {
    result.push({ label: `seed ${seed}`, chunks: randomSplit(bytes, seed) });
  }
  return result;
}

/** A byte stream that hands out one chunk per pull, and records a cancel. */
export function byteStream(chunks: readonly Uint8Array[]): {
  stream: ReadableStream<Uint8Array>;
  cancelled: () => boolean;
} {
  let index = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, cancelled: () => cancelled };
}

/** The chunks as a byte stream piped through a `TextDecoderStream`. */
export function textStream(
  chunks: readonly Uint8Array[],
): ReadableStream<string> {
  // The DOM typings declare TextDecoderStream's writable side as taking any
  // BufferSource, which TypeScript will not pair with a Uint8Array stream.
  const decoder = new TextDecoderStream() as unknown as TransformStream<
    Uint8Array,
    string
  >;
  return byteStream(chunks).stream.pipeThrough(decoder);
}

/** Reads a stream to its end with a reader; returns every value. */
export async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const reader = stream.getReader();
  const values: T[] = [];
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return values;
      values.push(value);
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Reads a stream to its end or its error; returns the values read before an
 * error, and the error.
 */
export async function readUntilError<T>(
  stream: ReadableStream<T>,
): Promise<{ values: T[]; error: unknown; closed: boolean }> {
  const values: T[] = [];
  const reader = stream.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return { values, error: undefined, closed: true };
      values.push(value);
    }
  } catch (error) {
    return { values, error, closed: false };
  } finally {
    reader.releaseLock();
  }
}

/**
 * Iterates a stream with a reader, with the semantics of `for await` on a
 * `ReadableStream`: leaving the loop early (`break`, `return`, a throw)
 * cancels the stream.
 */
export async function* iterate<T>(
  stream: ReadableStream<T>,
): AsyncGenerator<T, void, undefined> {
  const reader = stream.getReader();
  let finished = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } catch (error) {
    finished = true;
    throw error;
  } finally {
    if (!finished) await reader.cancel();
    reader.releaseLock();
  }
}

/** Fetches `url` and fails unless the answer is a 200 with a body. */
export async function fetchBody(
  url: string,
  init: RequestInit = {},
): Promise<ReadableStream<Uint8Array>> {
  const response = await fetch(url, init);
  if (response.status !== 200 || response.body === null) {
    await response.body?.cancel();
    throw new Error(`GET ${url} answered ${response.status}`);
  }
  return response.body;
}

/** What the server saw of a tracked request. */
export type Observed = "open" | "closed" | "completed" | "unknown";

/** What the server recorded of a request to one of its provider routes. */
export interface RecordedRequest {
  /** The HTTP method. */
  method: string;
  /** The path, e.g. `/ollama/api/chat`. */
  path: string;
  /** The JSON body, parsed. */
  body: unknown;
  /** A few request headers (content-type, accept, credentials), by lower-case name. */
  headers: Record<string, string>;
}

/** The server's whole view of a tracked request. */
export interface Observation {
  /** What became of the connection. */
  state: Observed;
  /** The last attempt's request, for a provider route. */
  request?: RecordedRequest;
  /** How many attempts reached the server, for a provider route. */
  attempts?: number;
}

/**
 * Asks the test server what it saw of request `id` (its connection, and for
 * a provider route the request itself), waiting up to `waitMs` for the
 * connection to be closed or completed.
 */
export async function observation(
  baseUrl: string,
  id: string,
  waitMs = 1000,
): Promise<Observation> {
  const url = new URL(`observed/${encodeURIComponent(id)}`, baseUrl);
  url.searchParams.set("wait", "closed");
  url.searchParams.set("timeout", String(waitMs));
  const response = await fetch(url);
  return await response.json() as Observation;
}

/**
 * Asks the test server what became of request `id`, waiting up to `waitMs`
 * for it to be closed.
 */
export async function observed(
  baseUrl: string,
  id: string,
  waitMs = 1000,
): Promise<Observed> {
  return (await observation(baseUrl, id, waitMs)).state;
}

/** Fails unless the server saw request `id` closed by the client. */
export async function assertServerSawClose(
  baseUrl: string,
  id: string,
): Promise<void> {
  assertEquals(
    await observed(baseUrl, id),
    "closed",
    `server's view of request ${id}`,
  );
}

/** Resolves after `ms`; the timer is always cleared. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The `data` of every event in an SSE transcript, by a deliberately plain
 * reading independent of the library: blocks split on blank lines, `data`
 * fields joined with LF, one space after the colon removed, blocks without
 * `data` not counted. Enough for the authored fixtures (LF line ends).
 */
export function referenceSseData(text: string): string[] {
  assert(!text.includes("\r"), "reference reading expects LF line ends");
  const blocks = text.split("\n\n");
  // What follows the last blank line is a half-received event: never dispatched.
  blocks.pop();
  const data: string[] = [];
  for (const block of blocks) {
    const lines = block.split("\n").filter((line) => line === "data" || line.startsWith("data:"));
    if (lines.length === 0) continue;
    data.push(lines.map((line) => line.slice(5).replace(/^ /, "")).join("\n"));
  }
  return data;
}

/** Every non-blank line of an NDJSON transcript, parsed with `JSON.parse`. */
export function referenceJsonLines(text: string): unknown[] {
  return text.split(/\r\n|\r|\n/).filter((line) => line.trim() !== "").map((
    line,
  ) => JSON.parse(line));
}
