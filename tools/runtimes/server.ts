import { seededRandom as random } from "../../tests/_seeded_random.ts";
/**
 * The one local test server every runtime in the matrix talks to.
 *
 * Routes (every response carries permissive CORS headers so a browser page on
 * another origin can read it):
 *
 * - `GET /testdata/<file>`: a transcript from `tests/testdata/`, sent in random
 *   pieces (1 to 256 bytes, seeded by `?seed=`) with short pauses between some
 *   of them; `?whole` sends the file in one piece.
 * - `GET /events?id=<id>&format=sse|ndjson&interval=<ms>`: an endless stream
 *   (one event every `interval` ms, 3 by default, for at most 10 s). The server
 *   records whether the client closed it. Sent with `Connection: close` unless
 *   `?keepalive` is given (see the note in `serveEvents`).
 * - `GET /stall?id=<id>&chunks=<n>&format=sse|ndjson`: sends `n` events, then
 *   nothing until the client goes away (at most 10 s); `Connection: close` too.
 * - `GET /observed/<id>?wait=closed&timeout=<ms>`: what the server saw of
 *   request `<id>`: `{"state": "open" | "closed" | "completed" | "unknown"}`,
 *   and for a provider route also `"request"` (the last attempt) and
 *   `"attempts"`.
 *   With `wait=closed` it answers as soon as the request is closed, or after
 *   `timeout` (at most 5000 ms).
 * - `GET /error/<status>`: that status with an Ollama-style JSON error body.
 * - `POST /ollama/api/<endpoint>`, `POST /openai/v1/<endpoint>`,
 *   `POST /anthropic/v1/<endpoint>`, `POST /gemini/v1beta/models/<model>:<method>`:
 *   a provider's API, emulated from a
 *   transcript (see `scenarioNames` for the `x-sluice-*` request
 *   headers that pick the transcript and what to do with it). The request
 *   (method, path, JSON body, a few headers) is recorded under its id, and
 *   `/observed/<id>` reports it.
 * - `GET /` and `GET /dist/<file>`: the page and bundles for the browser run.
 *
 * Run it alone with `deno run -A tools/runtimes/server.ts`; it prints its URL.
 *
 * @module
 */

const root = new URL("../../", import.meta.url);
const testdata = new URL("tests/testdata/", root);
const dist = new URL("dist/runtimes/", root);

/** The longest a stream the server holds open lives, in milliseconds. */
const MAX_STREAM_MS = 10_000;

/** What the server saw of one tracked request. */
export type Observation = "open" | "closed" | "completed";

/** A running test server. */
export interface TestServer {
  /** The base URL, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  /** The port it listens on (loopback only). */
  port: number;
  /** Stops the server and every stream it still holds open. */
  close(): Promise<void>;
}

const corsHeaders: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "*",
  "access-control-expose-headers": "*",
  "access-control-max-age": "600",
};

const contentTypes: Record<string, string> = {
  ".sse": "text/event-stream; charset=utf-8",
  ".ndjson": "application/x-ndjson",
  ".json": "application/json",
  ".mjs": "text/javascript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".html": "text/html; charset=utf-8",
};

function contentType(path: string): string {
  const dot = path.lastIndexOf(".");
  return contentTypes[path.slice(dot)] ?? "application/octet-stream";
}

function respond(
  body: BodyInit | null,
  init: ResponseInit & { type?: string } = {},
): Response {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(corsHeaders)) {
    if (!headers.has(name)) headers.set(name, value);
  }
  if (init.type !== undefined) headers.set("content-type", init.type);
  headers.set("cache-control", "no-store");
  return new Response(body, { status: init.status ?? 200, headers });
}

function json(value: unknown, status = 200): Response {
  return respond(JSON.stringify(value), { status, type: "application/json" });
}

/** Resolves a request path below `base`, refusing anything that climbs out of it. */
function resolveBelow(base: URL, path: string): URL | undefined {
  const decoded = decodeURIComponent(path);
  if (decoded.split("/").some((part) => part === ".." || part === "")) {
    return undefined;
  }
  const url = new URL(decoded, base);
  return url.href.startsWith(base.href) ? url : undefined;
}

function eventText(format: string, index: number): string {
  const value = { index, text: `token ${index}` };
  return format === "ndjson"
    ? `${JSON.stringify(value)}\n`
    : `id: ${index}\ndata: ${JSON.stringify(value)}\n\n`;
}

function streamType(format: string): string {
  return format === "ndjson" ? contentTypes[".ndjson"]! : contentTypes[".sse"]!;
}

/** Which API a provider route emulates, by path prefix. */
type Api = "ollama" | "openai" | "anthropic" | "gemini";
const providerPrefixes: readonly [string, Api][] = [
  ["/ollama/api/", "ollama"],
  ["/openai/v1/", "openai"],
  ["/anthropic/v1/", "anthropic"],
  ["/gemini/v1beta/", "gemini"],
];

/** The transcript a provider endpoint serves when the request does not name one. */
const defaultTranscripts: Record<string, string> = {
  "/ollama/api/chat": "ollama/chat-text.ndjson",
  "/ollama/api/generate": "ollama/generate-stats.ndjson",
  "/ollama/api/pull": "ollama/pull-progress.ndjson",
  "/openai/v1/chat/completions": "openai/chat-parallel-tools-usage.sse",
  "/openai/v1/completions": "openai/completions-legacy.sse",
  "/anthropic/v1/messages": "anthropic/thinking-parallel-tools.sse",
};

/**
 * How a request to a provider route asks for its answer: request headers
 * `x-sluice-<name>` (or, where a client allows a query, `?<name>=`).
 *
 * | name | meaning |
 * |---|---|
 * | `fixture` | the transcript under `tests/testdata/` (default: by endpoint, see `defaultTranscripts`) |
 * | `id` | records the request and its connection under this id (see `/observed/<id>`) |
 * | `seed` | the seed of the random pieces the body is sent in |
 * | `status` | answer this HTTP status with the provider's JSON error body instead |
 * | `fail-first` | the first attempt under `id` gets this status (a 429 with `Retry-After: 0`), later ones the transcript |
 * | `stall-after` | send the first `n` frames (NDJSON lines, SSE events), then nothing until the client leaves |
 * | `end-after` | send the first `n` frames, then end the body (a cut-off stream) |
 */
const scenarioNames = [
  "fixture",
  "id",
  "seed",
  "status",
  "fail-first",
  "stall-after",
  "end-after",
] as const;
type Scenario = Partial<Record<typeof scenarioNames[number], string>>;

/** What the server recorded of a request to a provider route (its last attempt). */
export interface RecordedRequest {
  /** The HTTP method. */
  method: string;
  /** The path, e.g. `/ollama/api/chat`. */
  path: string;
  /** The JSON body, parsed. */
  body: unknown;
  /** A few request headers, by lower-case name, when present. */
  headers: Record<string, string>;
}

const recordedHeaders = [
  "content-type",
  "accept",
  "authorization",
  "x-api-key",
  "anthropic-version",
  "x-goog-api-key",
];

function errorMessage(api: Api, status: number, model: string): string {
  if (status === 404 && api === "gemini") {
    return `models/${model} is not found for API version v1beta, or is not supported for generateContent.`;
  }
  if (status === 404) {
    if (api === "openai") {
      return `The model '${model}' does not exist or you do not have access to it.`;
    }
    return api === "anthropic" ? `model: ${model}` : `model '${model}' not found`;
  }
  if (status === 429) return "Rate limit reached";
  if (status === 529) return "Overloaded";
  return "Internal server error";
}

/** An error body in the provider's own shape. */
function errorBody(api: Api, status: number, model: string): unknown {
  const message = errorMessage(api, status, model);
  if (api === "ollama") return { error: message };
  if (api === "gemini") {
    const name = ({ 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 503: "UNAVAILABLE" } as Record<
      number,
      string
    >)[status] ?? "INTERNAL";
    return { error: { code: status, message, status: name } };
  }
  if (api === "openai") {
    const [type, code] = status === 404
      ? ["invalid_request_error", "model_not_found"]
      : status === 429
      ? ["requests", "rate_limit_exceeded"]
      : ["server_error", null];
    return { error: { message, type, param: null, code } };
  }
  const type = ({
    404: "not_found_error",
    429: "rate_limit_error",
    529: "overloaded_error",
  } as Record<number, string>)[status] ?? "api_error";
  return { type: "error", error: { type, message } };
}

/** The frames of a transcript: NDJSON lines or SSE events (LF or CRLF), each with its line end(s). */
function framesOf(text: string, sse: boolean): string[] {
  return text.split(sse ? /(?<=\r?\n\r?\n)/ : /(?<=\n)/).filter((frame) => frame !== "");
}

/** Resolves once `signal` aborts. */
function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

const page = `<!doctype html>
<meta charset="utf-8">
<title>sluice conformance</title>
<script type="module" src="/dist/browser.mjs"></script>
`;

/** Starts the server on 127.0.0.1 and a free port. */
export function startServer(
  options: { quiet?: boolean } = {},
): Promise<TestServer> {
  const observations = new Map<string, Observation>();
  const requests = new Map<string, RecordedRequest>();
  const attempts = new Map<string, number>();
  const waiters = new Map<string, Set<() => void>>();
  const shutdown = new AbortController();
  const encoder = new TextEncoder();

  function observe(id: string | null, state: Observation): void {
    if (id === null) return;
    const current = observations.get(id);
    if (current === "closed" || current === "completed") return;
    observations.set(id, state);
    if (state !== "open") {
      for (const wake of waiters.get(id) ?? []) wake();
      waiters.delete(id);
    }
  }

  /** Waits `ms`, or less if the server shuts down. */
  function sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
    });
  }

  /**
   * A body that calls `next()` for each piece; `null` ends it. Closing by the
   * client (its cancel, or the response failing to reach it) is recorded under `id`.
   */
  function trackedBody(
    clientGone: AbortSignal,
    id: string | null,
    next: (signal: AbortSignal) => Promise<Uint8Array | null>,
  ): ReadableStream<Uint8Array> {
    const gone = AbortSignal.any([
      clientGone,
      shutdown.signal,
      AbortSignal.timeout(MAX_STREAM_MS),
    ]);
    observe(id, "open");
    const onGone = () => observe(id, "closed");
    clientGone.addEventListener("abort", onGone, { once: true });
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        const piece = await next(gone);
        if (gone.aborted) {
          clientGone.removeEventListener("abort", onGone);
          if (clientGone.aborted) observe(id, "closed");
          try {
            controller.close();
          } catch { /* already cancelled */ }
          return;
        }
        if (piece === null) {
          clientGone.removeEventListener("abort", onGone);
          observe(id, "completed");
          controller.close();
          return;
        }
        controller.enqueue(piece);
      },
      cancel() {
        clientGone.removeEventListener("abort", onGone);
        observe(id, "closed");
      },
    }, { highWaterMark: 0 });
  }

  async function serveTestdata(
    clientGone: AbortSignal,
    url: URL,
    path: string,
  ): Promise<Response> {
    const file = resolveBelow(testdata, path);
    if (file === undefined) return json({ error: "bad path" }, 400);
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = await Deno.readFile(file);
    } catch {
      return json({ error: `no such file: ${path}` }, 404);
    }
    const type = contentType(path);
    if (url.searchParams.has("whole")) return respond(bytes, { type });
    const body = piecewise(
      clientGone,
      url.searchParams.get("id"),
      bytes,
      Number(url.searchParams.get("seed") ?? Date.now()),
      false,
    );
    return respond(body, { type });
  }

  /**
   * `bytes` in random pieces (1 to 256 bytes, seeded) with short pauses
   * between some; then the end, or with `stall` nothing until the client leaves.
   */
  function piecewise(
    clientGone: AbortSignal,
    id: string | null,
    bytes: Uint8Array,
    seed: number,
    stall: boolean,
  ): ReadableStream<Uint8Array> {
    const next = random(seed);
    let offset = 0;
    return trackedBody(clientGone, id, async (signal) => {
      if (offset >= bytes.length) {
        if (stall) await untilAborted(signal);
        return null;
      }
      const size = 1 + Math.floor(next() * 256);
      const piece = bytes.subarray(offset, offset + size);
      offset += piece.length;
      if (next() < 0.25) await sleep(1, signal);
      return piece;
    });
  }

  /** A provider's endpoint, emulated from a transcript (see `Scenario`). */
  async function serveProvider(
    request: Request,
    clientGone: AbortSignal,
    url: URL,
    api: Api,
  ): Promise<Response> {
    if (request.method !== "POST") {
      return json({
        error: `${url.pathname} takes POST, not ${request.method}`,
      }, 405);
    }
    const scenario: Scenario = {};
    for (const name of scenarioNames) {
      const value = request.headers.get(`x-sluice-${name}`) ??
        url.searchParams.get(name);
      if (value !== null) scenario[name] = value;
    }
    const text = await request.text();
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      return json({ error: "the request body is not JSON" }, 400);
    }
    const id = scenario.id ?? null;
    const attempt = id === null ? 1 : (attempts.get(id) ?? 0) + 1;
    if (id !== null) {
      attempts.set(id, attempt);
      const headers: Record<string, string> = {};
      for (const name of recordedHeaders) {
        const value = request.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      requests.set(id, {
        method: request.method,
        path: url.pathname,
        body,
        headers,
      });
    }
    // Gemini names the model in the path (`…/models/<model>:<method>`).
    const model = (body as { model?: unknown } | undefined)?.model ??
      url.pathname.match(/\/models\/([^/:]+):/)?.[1];
    const failFirst = Number(scenario["fail-first"] ?? 0);
    const status = Number(scenario.status ?? 0) ||
      (attempt === 1 ? failFirst : 0);
    if (status !== 0) {
      const response = json(
        errorBody(api, status, typeof model === "string" ? model : "x"),
        status,
      );
      if (status === 429) response.headers.set("retry-after", "0");
      return response;
    }
    const fixture = scenario.fixture ?? defaultTranscripts[url.pathname];
    const file = fixture === undefined ? undefined : resolveBelow(testdata, fixture);
    if (file === undefined) {
      return json(
        errorBody(api, 404, `no transcript for ${url.pathname}`),
        404,
      );
    }
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(file);
    } catch {
      return json({ error: `no such file: ${fixture}` }, 404);
    }
    const cut = scenario["stall-after"] ?? scenario["end-after"];
    if (cut !== undefined) {
      const frames = framesOf(
        new TextDecoder().decode(bytes),
        fixture!.endsWith(".sse"),
      );
      bytes = encoder.encode(frames.slice(0, Number(cut)).join(""));
    }
    const response = respond(
      piecewise(
        clientGone,
        id,
        bytes,
        Number(scenario.seed ?? Date.now()),
        scenario["stall-after"] !== undefined,
      ),
      { type: contentType(fixture!) },
    );
    // As in serveEvents: so that Chromium does not drain a cancelled body to reuse the connection.
    response.headers.set("connection", "close");
    return response;
  }

  function serveEvents(
    clientGone: AbortSignal,
    url: URL,
    stallAfter: number | undefined,
  ): Response {
    const format = url.searchParams.get("format") ?? "sse";
    const interval = Math.min(
      Math.max(Number(url.searchParams.get("interval") ?? 3) || 0, 0),
      1000,
    );
    let index = 0;
    const body = trackedBody(
      clientGone,
      url.searchParams.get("id"),
      async (signal) => {
        if (stallAfter !== undefined && index >= stallAfter) {
          // Stall: nothing more until the client leaves (or the cap passes).
          await untilAborted(signal);
          return null;
        }
        if (index > 0) await sleep(interval, signal);
        return encoder.encode(eventText(format, index++));
      },
    );
    const response = respond(body, { type: streamType(format) });
    // Without this, Chromium answers a cancelled or aborted fetch whose body it
    // had not read by draining the body (up to ~16 KB or ~5 s) to reuse the
    // keep-alive connection, so the server sees the close late or not at all
    // within a case's time. `?keepalive` shows that behaviour.
    if (!url.searchParams.has("keepalive")) {
      response.headers.set("connection", "close");
    }
    return response;
  }

  async function serveObserved(url: URL, id: string): Promise<Response> {
    const timeout = Math.min(
      Number(url.searchParams.get("timeout") ?? 0) || 0,
      5000,
    );
    const settled = () => {
      const state = observations.get(id);
      return state === "closed" || state === "completed";
    };
    if (
      url.searchParams.get("wait") === "closed" && !settled() && timeout > 0
    ) {
      await new Promise<void>((resolve) => {
        const set = waiters.get(id) ?? new Set();
        waiters.set(id, set);
        const wake = () => {
          clearTimeout(timer);
          set.delete(wake);
          shutdown.signal.removeEventListener("abort", wake);
          resolve();
        };
        const timer = setTimeout(wake, timeout);
        set.add(wake);
        shutdown.signal.addEventListener("abort", wake, { once: true });
      });
    }
    const request = requests.get(id);
    return json({
      id,
      state: observations.get(id) ?? "unknown",
      ...(request === undefined ? {} : { request, attempts: attempts.get(id) }),
    });
  }

  async function serveDist(path: string): Promise<Response> {
    const file = resolveBelow(dist, path);
    if (file === undefined) return json({ error: "bad path" }, 400);
    try {
      return respond(await Deno.readFile(file), { type: contentType(path) });
    } catch {
      return json({ error: `no such file: ${path}` }, 404);
    }
  }

  function handle(
    request: Request,
    info: Deno.ServeHandlerInfo,
  ): Response | Promise<Response> {
    const url = new URL(request.url);
    // The response could not be delivered in full: the client went away.
    const client = new AbortController();
    info.completed.catch(() => client.abort());
    const clientGone = client.signal;
    const path = url.pathname;
    if (request.method === "OPTIONS") {
      // A wildcard does not cover `Authorization`: allow exactly what the preflight asks for.
      const asked = request.headers.get("access-control-request-headers");
      return respond(null, {
        status: 204,
        headers: asked ? { "access-control-allow-headers": asked } : {},
      });
    }
    if (path === "/" || path === "/index.html") {
      return respond(page, { type: contentTypes[".html"]! });
    }
    if (path.startsWith("/testdata/")) {
      return serveTestdata(clientGone, url, path.slice("/testdata/".length));
    }
    if (path === "/events") return serveEvents(clientGone, url, undefined);
    if (path === "/stall") {
      return serveEvents(
        clientGone,
        url,
        Math.max(0, Number(url.searchParams.get("chunks") ?? 1)),
      );
    }
    if (path.startsWith("/observed/")) {
      return serveObserved(
        url,
        decodeURIComponent(path.slice("/observed/".length)),
      );
    }
    const error = path.match(/^\/error\/(\d{3})$/);
    if (error !== null) {
      const status = Number(error[1]);
      const model = url.searchParams.get("model") ?? "x";
      return json({ error: `model '${model}' not found` }, status);
    }
    for (const [prefix, api] of providerPrefixes) {
      if (path.startsWith(prefix)) {
        return serveProvider(request, clientGone, url, api);
      }
    }
    if (path.startsWith("/dist/")) {
      return serveDist(path.slice("/dist/".length));
    }
    if (path === "/favicon.ico") return respond(null, { status: 204 });
    return json({ error: `no route: ${path}` }, 404);
  }

  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      signal: shutdown.signal,
      onListen({ port }) {
        const url = `http://127.0.0.1:${port}/`;
        if (!options.quiet) console.error(`test server listening on ${url}`);
        resolve({
          url,
          port,
          async close() {
            shutdown.abort();
            await server.finished;
          },
        });
      },
    }, handle);
  });
}

if (import.meta.main) {
  const server = await startServer({ quiet: true });
  console.log(server.url);
  Deno.addSignalListener(
    "SIGINT",
    () => server.close().then(() => Deno.exit(0)),
  );
}
