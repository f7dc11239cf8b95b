import { seededRandom } from "../../_seeded_random.ts";
export { seededRandom };
/**
 * Helpers for the Anthropic client tests: a seeded splitter, SSE text from
 * event objects, a body that hands out pieces with small gaps, a `fetch` that
 * returns such a body, and a local server that records what it received.
 *
 * @module
 */

/** Splits bytes into pieces of 1 to `max` bytes chosen by `seed`. */
export function randomSplit(bytes: Uint8Array, seed: number, max = 48): Uint8Array[] {
  const next = seededRandom(seed);
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const size = 1 + Math.floor(next() * max);
    pieces.push(bytes.slice(offset, offset + size));
    offset += size;
  }
  return pieces;
}

/** The bytes whole, byte by byte, and in seeded random pieces (small and larger). */
export function chunkings(text: string): { label: string; pieces: Uint8Array[] }[] {
  const bytes = new TextEncoder().encode(text);
  return [
    { label: "whole", pieces: [bytes] },
    { label: "byte by byte", pieces: Array.from(bytes, (byte) => Uint8Array.of(byte)) },
    { label: "seed 1 (1-5 bytes)", pieces: randomSplit(bytes, 1, 5) },
    { label: "seed 7 (1-48 bytes)", pieces: randomSplit(bytes, 7) },
    { label: "seed 42 (1-200 bytes)", pieces: randomSplit(bytes, 42, 200) },
  ];
}

/** Anthropic's framing: `event: <type>` then `data: <json>`, then a blank line. */
export function sse(events: readonly unknown[]): string {
  return events.map((event) =>
    `event: ${(event as { type: string }).type}\ndata: ${JSON.stringify(event)}\n\n`
  ).join("");
}

/** Options of {@linkcode pieceStream}. */
export interface PieceStreamOptions {
  /** A macrotask gap after every this many pieces (default 4). */
  gapEvery?: number;
  /** Stop after the pieces without closing (a stalled server). */
  stall?: boolean;
  /** Called when the reader cancels (the client went away). */
  onCancel?: () => void;
}

/** A body that hands out one piece per pull, with a small gap every few pieces. */
export function pieceStream(
  pieces: readonly Uint8Array[],
  options: PieceStreamOptions = {},
): ReadableStream<Uint8Array> {
  const gapEvery = options.gapEvery ?? 4;
  let index = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  const gap = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, 0);
    });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const piece = pieces[index++];
      if (piece === undefined) {
        if (options.stall) return new Promise<void>(() => {});
        controller.close();
        return;
      }
      controller.enqueue(piece);
      if (index % gapEvery === 0) await gap();
    },
    cancel() {
      clearTimeout(timer);
      wake?.();
      options.onCancel?.();
    },
  }, { highWaterMark: 0 });
}

/** A `fetch` that answers every call with `text` in the given pieces, and records the calls. */
export function fakeFetch(
  pieces: readonly Uint8Array[],
  init: ResponseInit = { headers: { "content-type": "text/event-stream" } },
): typeof fetch & { calls: Request[] } {
  const calls: Request[] = [];
  const fn = (input: RequestInfo | URL, requestInit?: RequestInit) => {
    calls.push(new Request(input, requestInit));
    return Promise.resolve(new Response(pieceStream(pieces, { gapEvery: 1e9 }), init));
  };
  return Object.assign(fn, { calls });
}

/** What the local server received. */
export interface Received {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
}

/** A local server whose handler also gets the parsed request; records every request. */
export function serve(
  handler: (request: Request, received: Received, attempt: number) => Response | Promise<Response>,
): {
  baseUrl: string;
  received: Received[];
  shutdown: () => Promise<void>;
} {
  const received: Received[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (request) => {
    const text = await request.text();
    const entry: Received = {
      method: request.method,
      path: new URL(request.url).pathname,
      headers: request.headers,
      body: text === "" ? undefined : JSON.parse(text),
    };
    received.push(entry);
    return handler(request, entry, received.length);
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}`,
    received,
    shutdown: () => server.shutdown(),
  };
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
