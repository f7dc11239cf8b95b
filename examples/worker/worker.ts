/**
 * The edge chat example as a Cloudflare Worker module: `POST /api/chat` with
 * `{ prompt }` or `{ messages }` streams the model's answer as Server-Sent
 * Events (`toResponse({ format: "sse" })`); when the client goes away, the
 * runtime cancels the body and sluice aborts the model's request. A failure
 * before any output (model not found, the model server down) is a real status
 * (404, 502, 504) with a JSON error body.
 *
 * By default the model is sluice's mock, answered in-process through its
 * `fetch` (no network) at 40 tokens/s. Bind `OLLAMA_HOST` (a URL a Worker can
 * reach, e.g. a tunnel to Ollama) and optionally `OLLAMA_MODEL` to use a real
 * Ollama. Bundle with esbuild (`--bundle --format=esm --platform=neutral`) or
 * wrangler; `tests/examples/worker_test.ts` runs it in workerd.
 *
 * @module
 */
import { Ollama } from "../../mod.ts";
import { createMockServer } from "../../src/testing/mod.ts";
import { handleChat } from "../edge/chat_handler.ts";

/** The Worker's bindings, all optional. */
export interface Env {
  /** A real Ollama to talk to; without it the built-in mock answers. */
  OLLAMA_HOST?: string;
  /** The model to ask. @default {"llama3.2"} */
  OLLAMA_MODEL?: string;
}

/** The part of a Worker's execution context used here. */
export interface ExecutionContext {
  /** Keeps the Worker running until the promise settles. */
  waitUntil(promise: Promise<unknown>): void;
}

const USAGE = `POST /api/chat with {"prompt": "…"} or {"messages": […]}: the answer streams back
as Server-Sent Events, one Ollama chat chunk per event.
`;

export default {
  async fetch(request: Request, env: Env = {}, ctx?: ExecutionContext): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname !== "/api/chat") {
      return pathname === "/"
        ? new Response(USAGE, { headers: { "content-type": "text/plain; charset=utf-8" } })
        : new Response("Not found", { status: 404 });
    }
    // A Worker may not share I/O objects between requests: one client (and
    // mock) per request.
    const ollama = env.OLLAMA_HOST ? new Ollama({ host: env.OLLAMA_HOST }) : new Ollama({
      fetch: createMockServer({
        timeToFirstToken: 100,
        tokensPerSecond: 40,
        // Log how each upstream request ended ("aborted" when the client left
        // early); waitUntil lets the log outlive the response.
        onRequest: (upstream) =>
          ctx?.waitUntil(upstream.settled.then((state) => {
            console.log(`mock upstream ${upstream.method} ${upstream.path}: ${state}`);
          })),
      }).fetch,
    });
    return await handleChat(request, {
      ollama,
      model: env.OLLAMA_MODEL || "llama3.2",
    });
  },
};
