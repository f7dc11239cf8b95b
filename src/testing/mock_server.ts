import { anthropic } from "./_anthropic.ts";
import { type Call, isRecord, type Provider, type Settings } from "./_call.ts";
import { waitBeforeHeaders } from "./_emit.ts";
import { activeFaults, parseFaults, splitModelFault } from "./_faults.ts";
import { gemini, geminiModelOf, isGeminiPath } from "./_gemini.ts";
import { ollama } from "./_ollama.ts";
import { openai } from "./_openai.ts";
import { RequestLog } from "./_record.ts";
import {
  MAX_ATTEMPT_KEYS,
  MAX_NESTING,
  MAX_REQUEST_BYTES,
  MAX_REQUEST_LOG,
  MAX_REQUEST_LOG_BYTES,
  MockLimitError,
  nestsDeeperThan,
  readBodyText,
} from "./_limits.ts";
import type { MockRequestRecord } from "./mock_request_record.ts";

/** What a {@linkcode MockServerOptions.reply} function is given. */
export interface MockReplyRequest {
  /** The URL's path, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** The requested model, without a fault suffix. */
  readonly model: string;
  /** The parsed JSON body. */
  readonly body: unknown;
  /** The text of the last user message (or the prompt). */
  readonly prompt: string;
}

/** Options of {@linkcode createMockServer}. */
export interface MockServerOptions {
  /**
   * Milliseconds before the first frame of a stream (and added to the time a
   * non-streaming reply takes). The headers go out at once either way.
   *
   * @default {0}
   */
  timeToFirstToken?: number;
  /**
   * How many token frames a stream sends per second, with ±25 % seeded jitter.
   * `Infinity` sends them as fast as the client reads.
   *
   * @default {Infinity}
   */
  tokensPerSecond?: number;
  /**
   * A fixed answer, or a function that picks one per request. It replaces the
   * built-in text and the JSON of structured output (sent as is), not tool calls.
   * By default the reply is drawn from a built-in corpus, seeded by the model
   * and the conversation.
   */
  reply?: string | ((request: MockReplyRequest) => string);
  /**
   * The models the server has. They are listed by `/api/tags` and
   * `/v1/models`, and, when this option is set, they are the only ones the
   * model endpoints accept (Ollama `/api/chat`, `/api/generate`, `/api/embed`,
   * `/api/show`; OpenAI `/v1/chat/completions`, `/v1/completions`,
   * `/v1/embeddings`; Anthropic
   * `/v1/messages`; Gemini `/v1beta/models/{model}:…`): a request for another
   * model gets that provider's 404, as
   * the `404` fault sends it (Ollama `model 'x' not found`, OpenAI
   * `model_not_found`, Anthropic `not_found_error`). A name without a tag is
   * the same model as the name with `:latest`, as in Ollama.
   *
   * When it is not set, the default list is listed and any model name is
   * accepted.
   *
   * @default {["llama3.2:latest", "qwen3:8b", "gpt-4.1-mini", "claude-sonnet-4-6"]}
   */
  models?: readonly string[];
  /**
   * The version `/api/version` reports.
   *
   * @default {"0.12.3"}
   */
  ollamaVersion?: string;
  /**
   * The clock for `created` / `created_at` fields, in epoch milliseconds. Fix it
   * to make whole transcripts byte-for-byte reproducible.
   *
   * @default {Date.now}
   */
  now?: () => number;
  /**
   * Answer CORS preflights and add `Access-Control-Allow-Origin: *`, so that a
   * page on another origin can call the mock served by `Deno.serve`.
   *
   * @default {true}
   */
  cors?: boolean;
  /** Base URL for relative request URLs (`server.fetch("/api/tags")`). @default {"http://localhost"} */
  baseUrl?: string;
  /**
   * Keep API keys verbatim in the request records. By default the value of
   * every credential-looking header and query parameter is `[redacted]`.
   *
   * @default {false}
   */
  recordCredentials?: boolean;
  /** Called with each request's record as soon as it is received. */
  onRequest?: (request: MockRequestRecord) => void;
  /** Called when a client goes away before its response is complete. */
  onAbort?: (request: MockRequestRecord) => void;
}

const INIT_KEYS = [
  "method",
  "headers",
  "body",
  "signal",
  "redirect",
  "referrer",
  "referrerPolicy",
  "mode",
  "credentials",
  "cache",
  "integrity",
  "keepalive",
  "window",
  "priority",
  "duplex",
];

const EXPOSED =
  "request-id, x-request-id, retry-after, openai-processing-ms, anthropic-organization-id";

/** The POST endpoints that answer for a model, and so refuse one the server does not have. */
const MODEL_PATHS: ReadonlySet<string> = new Set([
  "/api/chat",
  "/api/generate",
  "/api/embed",
  "/api/show",
  "/v1/chat/completions",
  "/v1/completions",
  "/v1/messages",
  "/v1/responses",
  "/v1/embeddings",
]);

/** A model name with Ollama's default tag: `llama3.2` and `llama3.2:latest` are one model. */
function withTag(model: string): string {
  return model.includes(":") ? model : `${model}:latest`;
}

function providerOf(path: string): Provider | undefined {
  if (path === "/" || path.startsWith("/api/")) return ollama;
  if (path === "/v1/messages") return anthropic;
  if (isGeminiPath(path)) return gemini;
  if (path.startsWith("/v1/")) return openai;
  return undefined;
}

/**
 * An in-process mock of Ollama, OpenAI, Anthropic and Gemini HTTP APIs that writes
 * their exact wire formats, with deterministic replies, realistic pacing and
 * fault injection. It is a web-standard `fetch` handler: serve it with
 * `Deno.serve(server.fetch)`, export it as a Worker's `fetch`, or pass
 * `server.fetch` as the `fetch` option of a client (no socket at all).
 *
 * Create one with {@linkcode createMockServer}; see the `./testing` module
 * documentation for the endpoints and the fault grammar.
 *
 * @example Answer an Ollama chat request without a socket
 * ```ts
 * import { MockServer } from "@sluice/sluice/testing";
 * import assert from "node:assert/strict";
 *
 * const server = new MockServer({ reply: "Hello!" });
 * const response = await server.fetch("http://mock/api/chat", {
 *   method: "POST",
 *   body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "Hi" }], stream: false }),
 * });
 * const body = await response.json();
 * assert.equal(body.message.content, "Hello!");
 * assert.equal(server.requests.length, 1);
 * ```
 */
export class MockServer {
  #settings: Settings;
  /** The models accepted (with their tag), or `undefined` for any. */
  #accepted: ReadonlySet<string> | undefined;
  #cors: boolean;
  #baseUrl: string;
  #onRequest: ((request: MockRequestRecord) => void) | undefined;
  #onAbort: ((request: MockRequestRecord) => void) | undefined;
  #recordCredentials: boolean;
  #requests: RequestLog[] = [];
  /** The body bytes each logged record holds, and their sum. */
  #sizes = new WeakMap<RequestLog, number>();
  #logBytes = 0;
  #attempts = new Map<string, number>();
  #count = 0;

  /** Creates a mock server; nothing listens until you serve {@linkcode MockServer.fetch}. */
  constructor(options: MockServerOptions = {}) {
    const ttft = options.timeToFirstToken ?? 0;
    const tps = options.tokensPerSecond ?? Infinity;
    if (!(ttft >= 0) || ttft === Infinity) {
      throw new RangeError(`timeToFirstToken must be a non-negative number: received ${ttft}`);
    }
    if (!(tps > 0)) {
      throw new RangeError(`tokensPerSecond must be a positive number: received ${tps}`);
    }
    this.#settings = {
      timeToFirstToken: ttft,
      tokensPerSecond: tps,
      reply: options.reply,
      models: options.models ??
        ["llama3.2:latest", "qwen3:8b", "gpt-4.1-mini", "claude-sonnet-4-6"],
      ollamaVersion: options.ollamaVersion ?? "0.12.3",
      now: options.now ?? Date.now,
      loaded: new Set(),
    };
    this.#accepted = options.models === undefined
      ? undefined
      : new Set(options.models.map(withTag));
    this.#cors = options.cors ?? true;
    this.#baseUrl = options.baseUrl ?? "http://localhost";
    this.#onRequest = options.onRequest;
    this.#onAbort = options.onAbort;
    this.#recordCredentials = options.recordCredentials ?? false;
  }

  /**
   * Answers one request. It has the signature of `fetch`, so it can be passed
   * where a `fetch` is expected; as a server handler, a second argument that is
   * not a `RequestInit` (`Deno.serve`'s info, a Worker's `env`) is ignored.
   *
   * Used as a `fetch`, it honours `init.signal` (or the `Request`'s signal) like
   * `fetch` does: an abort before the headers rejects with the signal's reason;
   * an abort while the body streams errors the body with it. Either way the
   * server stops writing, clears its timers and records the request as aborted.
   * Served over HTTP, a client that disconnects cancels the body to the same
   * effect. A relative URL is resolved against `baseUrl`.
   *
   * Under `Deno.serve`, pass `server.fetch` itself (`Deno.serve(server.fetch)`)
   * rather than `(request) => server.fetch(request)`: called with the request
   * alone it reads `request.signal`, which Deno aborts after every response and
   * warns about. `stall-after` and `keepalive-only` responses stay open until
   * the client goes away, so abort those before shutting a server down.
   *
   * @example Use it as a client's `fetch`
   * ```ts
   * import { createMockServer } from "@sluice/sluice/testing";
   * import assert from "node:assert/strict";
   *
   * const server = createMockServer();
   * const response = await server.fetch("/api/version");
   * assert.deepEqual(await response.json(), { version: "0.12.3" });
   * ```
   */
  readonly fetch: {
    (input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
    (request: Request, context?: unknown): Promise<Response>;
  } = (input: RequestInfo | URL, init?: unknown) => this.#handle(input, init);

  /**
   * Every request received since the server was created or last
   * {@linkcode MockServer.reset}, oldest first: the last 1000 of them, fewer
   * when their bodies pass 64 MiB in all (the log of a long-running mock does
   * not grow without bound; `id` keeps counting).
   *
   * @example Inspect what a client sent
   * ```ts
   * import { createMockServer } from "@sluice/sluice/testing";
   * import assert from "node:assert/strict";
   *
   * const server = createMockServer();
   * await (await server.fetch("/api/tags")).body?.cancel();
   * assert.equal(server.requests[0]?.path, "/api/tags");
   * assert.equal(server.requests[0]?.status, 200);
   * ```
   */
  get requests(): readonly MockRequestRecord[] {
    return this.#requests;
  }

  /**
   * Clears the request log and the attempt counters of `xK` faults.
   *
   * @example Start a test from a clean slate
   * ```ts
   * import { createMockServer } from "@sluice/sluice/testing";
   * import assert from "node:assert/strict";
   *
   * const server = createMockServer();
   * await (await server.fetch("/api/version")).text();
   * server.reset();
   * assert.equal(server.requests.length, 0);
   * ```
   */
  reset(): void {
    this.#requests = [];
    this.#logBytes = 0;
    this.#attempts.clear();
  }

  /** Logs a record; the oldest go once there are too many or they hold too many bytes. */
  #log(record: RequestLog, bytes: number): void {
    this.#requests.push(record);
    this.#sizes.set(record, bytes);
    this.#logBytes += bytes;
    let drop = 0;
    while (
      this.#requests.length - drop > 1 &&
      (this.#requests.length - drop > MAX_REQUEST_LOG || this.#logBytes > MAX_REQUEST_LOG_BYTES)
    ) {
      this.#logBytes -= this.#sizes.get(this.#requests[drop]!) ?? 0;
      drop++;
    }
    if (drop > 0) this.#requests.splice(0, drop);
  }

  #toRequest(
    input: RequestInfo | URL,
    context: unknown,
  ): { request: Request; signal: AbortSignal | undefined } {
    const init = typeof context === "object" && context !== null &&
        INIT_KEYS.some((key) => key in context)
      ? context as RequestInit
      : undefined;
    const isInit = init !== undefined;
    if (input instanceof Request) {
      if (isInit) {
        const request = new Request(input, init);
        return { request, signal: init.signal ?? request.signal };
      }
      // As a server handler: reading a served request's signal is avoided
      // (Deno.serve aborts it even after a successful response); the body's
      // cancel tells when the client went away.
      return { request: input, signal: context === undefined ? input.signal : undefined };
    }
    const url = typeof input === "string" && input.startsWith("/")
      ? new URL(input, this.#baseUrl)
      : input;
    return {
      request: new Request(url, isInit ? init : undefined),
      signal: init?.signal ?? undefined,
    };
  }

  async #handle(input: RequestInfo | URL, context: unknown): Promise<Response> {
    const { request, signal } = this.#toRequest(input, context);
    signal?.throwIfAborted();
    const url = new URL(request.url);
    if (request.method === "OPTIONS" && this.#cors) {
      return new Response(null, {
        status: 204,
        headers: {
          "access-control-allow-origin": "*",
          "access-control-allow-methods": "GET, HEAD, POST, DELETE, OPTIONS",
          "access-control-allow-headers": request.headers.get("access-control-request-headers") ??
            "*",
          "access-control-max-age": "600",
        },
      });
    }
    // Read against the limit as it arrives: a huge body is never held whole.
    const text = request.body === null ? "" : await readBodyText(request.body);
    let body: unknown = undefined;
    let invalidJson: string | undefined;
    if (text === undefined) {
      invalidJson = `request body too large: more than ${MAX_REQUEST_BYTES} bytes`;
    } else if (text.trim() !== "") {
      try {
        body = JSON.parse(text);
      } catch (error) {
        body = text.length > 4096 ? `${text.slice(0, 4096)}…` : text;
        invalidJson = error instanceof Error ? error.message : String(error);
      }
      if (invalidJson === undefined && nestsDeeperThan(body)) {
        body = undefined;
        invalidJson = `request body nests deeper than ${MAX_NESTING} levels`;
      }
    }
    const fields = isRecord(body) ? body : {};
    const sentModel = typeof fields.model === "string"
      ? fields.model
      : typeof fields.name === "string"
      ? fields.name
      : geminiModelOf(url.pathname);
    const record = new RequestLog(
      {
        id: ++this.#count,
        request,
        url,
        body,
        model: sentModel,
        keepCredentials: this.#recordCredentials,
      },
      this.#onAbort,
    );
    this.#log(record, text?.length ?? 0);
    this.#onRequest?.(record);

    const split = splitModelFault(sentModel ?? "");
    const header = request.headers.get("x-mock-fault") ?? undefined;
    const spec = [header, split.fault].filter((s) => s !== undefined && s !== "").join(",");
    record.fault = spec === "" ? undefined : spec;
    const key = `${url.pathname}\n${split.model}\n${spec}`;
    record.attempt = (this.#attempts.get(key) ?? 0) + 1;
    this.#attempts.delete(key);
    this.#attempts.set(key, record.attempt);
    if (this.#attempts.size > MAX_ATTEMPT_KEYS) {
      // The counter used longest ago goes (a Map iterates in insertion order).
      this.#attempts.delete(this.#attempts.keys().next().value!);
    }

    const provider = providerOf(url.pathname);
    let response: Response;
    if (provider === undefined) {
      response = new Response("404 page not found", {
        status: 404,
        headers: { "content-type": "text/plain" },
      });
    } else {
      response = await this.#answer(
        provider,
        {
          request,
          url,
          body: fields,
          record,
          faults: {},
          settings: this.#settings,
          signal,
          model: split.model,
        },
        spec,
        invalidJson,
      );
    }
    if (request.method === "HEAD" && response.body !== null) {
      await response.body.cancel();
      response = new Response(null, { status: response.status, headers: response.headers });
    }
    record.status = response.status;
    if (record.state === "pending") record.complete();
    if (this.#cors) {
      response.headers.set("access-control-allow-origin", "*");
      response.headers.set("access-control-expose-headers", EXPOSED);
    }
    return response;
  }

  async #answer(
    provider: Provider,
    base: Call,
    spec: string,
    invalidJson: string | undefined,
  ): Promise<Response> {
    let specs;
    try {
      specs = parseFaults(spec);
    } catch (error) {
      return provider.badRequest(base, (error as TypeError).message);
    }
    const call: Call = { ...base, faults: activeFaults(specs, base.record.attempt) };
    if (call.faults.slowHeaders !== undefined) {
      await waitBeforeHeaders(call.faults.slowHeaders, call.signal, call.record);
    }
    if (invalidJson !== undefined) {
      const response = provider.badRequest(call, invalidJson);
      if (!invalidJson.startsWith("request body too large")) return response;
      return new Response(response.body, { status: 413, headers: response.headers });
    }
    const status = call.faults.status;
    if (status !== undefined) return provider.statusError(call, status.status, status.retryAfter);
    if (
      this.#accepted !== undefined && call.model !== "" && call.request.method === "POST" &&
      (MODEL_PATHS.has(call.url.pathname) || provider === gemini) &&
      !this.#accepted.has(withTag(call.model))
    ) {
      return provider.statusError(call, 404);
    }
    try {
      const response = provider.route(call);
      if (response !== undefined) return await response;
    } catch (error) {
      // A schema or a size the mock will not generate: the provider's own 400.
      if (error instanceof MockLimitError) return provider.badRequest(call, error.message);
      throw error;
    }
    return provider === ollama
      ? new Response("404 page not found", {
        status: 404,
        headers: { "content-type": "text/plain" },
      })
      : provider.statusError({ ...call, model: "" }, 404);
  }
}
