import { seededRandom } from "../../_seeded_random.ts";
export { seededRandom };
/**
 * Test helpers for the Ollama client: a local server that records requests,
 * bodies served in seeded random pieces, and the fixture manifest.
 *
 * @module
 */

/** A request as the test server saw it. */
export interface Recorded {
  method: string;
  path: string;
  headers: Headers;
  /** The body parsed as JSON (`undefined` when empty). */
  body: unknown;
}

/** Waits a macrotask (or `ms`). */
export function delay(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Options of {@linkcode piecewise}. */
export interface PiecewiseOptions {
  /** The largest piece, in bytes. */
  max?: number;
  /** The share of pieces preceded by a macrotask. */
  gaps?: number;
  /** Stop after the last piece without closing: the body stalls. */
  stall?: boolean;
  /** Called when the client goes away (the body is cancelled). */
  onCancel?: () => void;
}

/**
 * Serves `bytes` in random pieces of 1 to `max` bytes chosen by `seed`, with
 * a macrotask before some of them so that they leave as separate writes.
 */
export function piecewise(
  bytes: Uint8Array,
  seed: number,
  options: PiecewiseOptions = {},
): ReadableStream<Uint8Array> {
  const next = seededRandom(seed);
  const max = options.max ?? 64;
  const gaps = options.gaps ?? 0.3;
  let offset = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // A macrotask before about a third of the pieces (so that they leave as
      // separate writes), cut short by a cancel so no timer outlives the test.
      if (next() < gaps) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, 0);
        });
      }
      if (cancelled) return;
      const size = 1 + Math.floor(next() * max);
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
      if (offset >= bytes.length) {
        if (options.stall) return new Promise<void>(() => {});
        controller.close();
      }
    },
    cancel() {
      cancelled = true;
      clearTimeout(timer);
      wake?.();
      options.onCancel?.();
    },
  }, { highWaterMark: 0 });
}

/** Values as NDJSON text. */
export function ndjson(...values: unknown[]): string {
  return values.map((value) => JSON.stringify(value) + "\n").join("");
}

/** Text as UTF-8 bytes. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}

/** A promise with its resolver, e.g. for "the server saw the cancel". */
export function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Waits for `promise`, failing with `message` after `ms`. */
export async function within<T>(promise: Promise<T>, message: string, ms = 2000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The handler of a test server: the request, its parsed body, and its index. */
export type Handler = (request: Request, recorded: Recorded, index: number) =>
  | Response
  | Promise<Response>;

/**
 * Runs `fn` against a local server that records every request and answers
 * with `handler`, then shuts the server down.
 */
export async function withServer(
  handler: Handler,
  fn: (base: string, requests: Recorded[]) => Promise<void>,
): Promise<void> {
  const requests: Recorded[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (request) => {
    const text = await request.text();
    const recorded: Recorded = {
      method: request.method,
      path: new URL(request.url).pathname,
      headers: request.headers,
      body: text === "" ? undefined : JSON.parse(text),
    };
    requests.push(recorded);
    return await handler(request, recorded, requests.length - 1);
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, requests);
  } finally {
    await server.shutdown();
  }
}

/** An NDJSON response. */
export function ndjsonResponse(body: BodyInit, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  if (!headers.has("content-type")) headers.set("content-type", "application/x-ndjson");
  return new Response(body, { ...init, headers });
}

/** One fixture of the manifest. */
export interface Fixture {
  file: string;
  api: string;
  kind: string;
  request: { method: string; path: string; body: Record<string, unknown> };
  response: { status: number; headers: Record<string, string> };
  expect: Record<string, unknown>;
  notes: string;
}

const TESTDATA = new URL("../../testdata/", import.meta.url);

/** The Ollama fixtures of the manifest. */
export async function ollamaFixtures(): Promise<Fixture[]> {
  const response = await fetch(new URL("manifest.json", TESTDATA));
  const manifest = await response.json() as { fixtures: Fixture[] };
  return manifest.fixtures.filter((fixture) => fixture.api === "ollama");
}

/** A fixture's bytes, read through `fetch` so the real `Response.body` path runs. */
export async function fixtureBytes(file: string): Promise<Uint8Array> {
  const response = await fetch(new URL(file, TESTDATA));
  return new Uint8Array(await response.arrayBuffer());
}

/** A fixture's lines, parsed. */
export function linesOf(bytes: Uint8Array): Record<string, unknown>[] {
  return new TextDecoder().decode(bytes).split("\n").filter((line) => line !== "").map((line) =>
    JSON.parse(line)
  );
}

/** A chat line. */
export function chatLine(content: string, extra: Record<string, unknown> = {}): unknown {
  return {
    model: "llama3.2",
    created_at: "2025-11-03T14:22:05.307044592Z",
    message: { role: "assistant", content },
    done: false,
    ...extra,
  };
}

/** A final chat line with statistics. */
export function chatDone(extra: Record<string, unknown> = {}): unknown {
  return chatLine("", {
    done: true,
    done_reason: "stop",
    total_duration: 2_000_000,
    load_duration: 1_000_000,
    prompt_eval_count: 5,
    prompt_eval_duration: 500_000,
    eval_count: 4,
    eval_duration: 400_000,
    ...extra,
  });
}
