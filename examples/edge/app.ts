/**
 * The edge chat example as a `fetch` handler: `GET /` serves a small chat
 * page (`index.html`, no framework), `GET /chat.js` its script bundled with
 * sluice (`chat.js` built by `deno task edge:build` into
 * `dist/edge/chat.js`), `POST /api/chat` streams the model's answer to it
 * (as the UI message stream the page reads with `fromResponse`).
 *
 * The model is the in-process mock (`sluice/testing`, called through its
 * `fetch`, so no socket) at a realistic pace unless `ollamaHost` names a real
 * Ollama. `server.ts` serves it; the tests call {@linkcode createApp}
 * directly and inspect {@linkcode App.mock}.
 *
 * @module
 */
import { Ollama } from "../../mod.ts";
import {
  createMockServer,
  type MockServer,
  type MockServerOptions,
} from "../../src/testing/mod.ts";
import { handleChat } from "./chat_handler.ts";

/** Options of {@linkcode createApp}. */
export interface AppOptions {
  /** A real Ollama (`OLLAMA_HOST`); without it the mock answers. */
  ollamaHost?: string;
  /** The model to ask. @default {"llama3.2"} */
  model?: string;
  /** Options of the mock; by default 250 ms to the first token, then 40 tokens/s. */
  mock?: MockServerOptions;
  /**
   * The page's bundled script, served as `/chat.js`.
   * @default {new URL("../../dist/edge/chat.js", import.meta.url)}
   */
  script?: URL;
}

/** The app: a `fetch` handler, and the mock it talks to (if any). */
export interface App {
  /** Handles one request. */
  fetch(request: Request): Promise<Response>;
  /** The mock model server, unless a real Ollama is used. */
  mock: MockServer | undefined;
}

/** What `/chat.js` says when the bundle was not built: it shows how to build it. */
const NOT_BUILT = `document.getElementById("status").textContent =
  "The page's script is not built: run deno task edge:build, then reload.";
`;

/** Creates the app. */
export function createApp(options: AppOptions = {}): App {
  const mock = options.ollamaHost === undefined
    ? createMockServer({ timeToFirstToken: 250, tokensPerSecond: 40, ...options.mock })
    : undefined;
  const ollama = mock === undefined
    ? new Ollama({ host: options.ollamaHost! })
    : new Ollama({ fetch: mock.fetch });
  const model = options.model ?? "llama3.2";
  const assets: Record<string, { file: URL; type: string }> = {
    "/": { file: new URL("index.html", import.meta.url), type: "text/html; charset=utf-8" },
    "/chat.js": {
      file: options.script ?? new URL("../../dist/edge/chat.js", import.meta.url),
      type: "text/javascript; charset=utf-8",
    },
  };
  const files = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();

  return {
    mock,
    async fetch(request) {
      const { pathname } = new URL(request.url);
      if (pathname === "/api/chat") return await handleChat(request, { ollama, model });
      const asset = assets[pathname];
      if (asset === undefined || (request.method !== "GET" && request.method !== "HEAD")) {
        return new Response("Not found", { status: 404 });
      }
      let bytes = files.get(pathname);
      if (bytes === undefined) {
        bytes = Deno.readFile(asset.file).catch((error) => {
          // Not cached: a bundle built later is served on the next request.
          files.delete(pathname);
          if (!(error instanceof Deno.errors.NotFound) || pathname !== "/chat.js") throw error;
          return new TextEncoder().encode(NOT_BUILT);
        });
        files.set(pathname, bytes);
      }
      return new Response(request.method === "HEAD" ? null : await bytes, {
        headers: { "content-type": asset.type, "cache-control": "no-cache" },
      });
    },
  };
}
