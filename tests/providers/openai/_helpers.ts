/**
 * Test helpers for the OpenAI client: a local server that records requests,
 * bodies served in seeded random pieces, SSE builders for crafted streams and
 * a canned-response `fetch`.
 *
 * @module
 */

import { mulberry32 } from "../../streams/_chunkings.ts";
import type { OpenAIChatChunk } from "../../../src/providers/openai/mod.ts";

const encoder = new TextEncoder();

/** A request as the test server saw it. */
export interface Recorded {
  method: string;
  path: string;
  headers: Headers;
  /** The parsed JSON body (`undefined` for none). */
  body: unknown;
}

/** A local server and what it saw. */
export interface TestServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Every request, in order. */
  requests: Recorded[];
  /** Resolves when a served body was cancelled: the client went away. */
  disconnected: Promise<void>;
  /** Call from a body's `cancel()` to resolve {@linkcode TestServer.disconnected}. */
  markDisconnected(): void;
  close(): Promise<void>;
}

/** Starts `Deno.serve` on a free port; the handler gets the request and its number (0-based). */
export function startServer(
  handler: (request: Request, attempt: number, server: TestServer) => Response | Promise<Response>,
): TestServer {
  let markDisconnected!: () => void;
  const disconnected = new Promise<void>((resolve) => markDisconnected = resolve);
  const requests: Recorded[] = [];
  const httpServer = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const text = await req.text();
    const url = new URL(req.url);
    requests.push({
      method: req.method,
      path: url.pathname + url.search,
      headers: req.headers,
      body: text === "" ? undefined : JSON.parse(text),
    });
    return handler(req, requests.length - 1, server);
  });
  const server: TestServer = {
    origin: `http://127.0.0.1:${httpServer.addr.port}`,
    requests,
    disconnected,
    markDisconnected,
    close: () => httpServer.shutdown(),
    [Symbol.asyncDispose]: () => httpServer.shutdown(),
  };
  return server;
}

/** Cuts bytes into pieces of 1 to `max` bytes chosen by `seed`. */
export function randomPieces(bytes: Uint8Array, seed: number, max = 64): Uint8Array[] {
  const random = mulberry32(seed);
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const size = 1 + Math.floor(random() * max);
    pieces.push(bytes.slice(offset, offset + size));
    offset += size;
  }
  return pieces;
}

/** Options of {@linkcode piecewiseBody}. */
export interface PiecewiseOptions {
  /** Wait a macrotask after every this many pieces, so the network sees separate writes. */
  gapEvery?: number;
  /** Leave the body open after the last piece (a stalled server). */
  stall?: boolean;
  /** Called when the client cancels the body. */
  onCancel?: () => void;
}

/** A body that sends `pieces` one per pull, with small gaps. */
export function piecewiseBody(
  pieces: Uint8Array[],
  options: PiecewiseOptions = {},
): ReadableStream<Uint8Array> {
  const gapEvery = options.gapEvery ?? 4;
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i >= pieces.length) {
        if (options.stall) return new Promise<void>(() => {});
        return controller.close();
      }
      if (i > 0 && i % gapEvery === 0) await new Promise((resolve) => setTimeout(resolve, 0));
      controller.enqueue(pieces[i++] as Uint8Array);
    },
    cancel() {
      options.onCancel?.();
    },
  }, { highWaterMark: 0 });
}

/** An SSE response from text pieces (exact reads: no network in between). */
export function sseResponse(text: string | string[], init: ResponseInit = {}): Response {
  const pieces = (typeof text === "string" ? [text] : text).map((piece) => encoder.encode(piece));
  return new Response(piecewiseBody(pieces, { gapEvery: Infinity }), {
    ...init,
    headers: { "content-type": "text/event-stream", ...init.headers },
  });
}

/** A `fetch` that answers every call with `respond()`, recording the requests. */
export function cannedFetch(
  respond: (request: Request) => Response | Promise<Response>,
): typeof fetch & { requests: Request[] } {
  const requests: Request[] = [];
  const fn = (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    return Promise.resolve(respond(request));
  };
  return Object.assign(fn as typeof fetch, { requests });
}

/** Encodes text as UTF-8. */
export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** One `data:` event. */
export function event(value: unknown): string {
  return `data: ${typeof value === "string" ? value : JSON.stringify(value)}\n\n`;
}

/** A chat chunk with one choice. */
export function chunk(
  delta: Record<string, unknown>,
  options: {
    index?: number;
    finish?: string | null;
    extra?: Record<string, unknown>;
    choiceExtra?: Record<string, unknown>;
  } = {},
): OpenAIChatChunk {
  return {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [{
      index: options.index ?? 0,
      delta,
      finish_reason: options.finish ?? null,
      ...options.choiceExtra,
    }],
    ...options.extra,
  } as OpenAIChatChunk;
}

/** An SSE body of chat chunks, then `[DONE]` unless `done` is false. */
export function sse(chunks: unknown[], done = true): string {
  return chunks.map(event).join("") + (done ? "data: [DONE]\n\n" : "");
}

/** A typical user message list. */
export const MESSAGES = [{ role: "user" as const, content: "Hi" }];
