import type { RequestOptions } from "../../http/request_options.ts";
import { resolveOptions } from "../../http/_resolve_options.ts";
import type { RequestSpec } from "../../http/_open_request.ts";
import { urlOptionError } from "../../http/_secrets.ts";
import { requestJson } from "../../http/_request_json.ts";
import type { ResponseStream } from "../../response_stream/response_stream.ts";
import { streamRequest } from "../../response_stream/_http_stream.ts";
import type { StreamProtocol } from "../../response_stream/stream_protocol.ts";
import type { StreamOptions } from "../../response_stream/types.ts";
import type { StreamResult } from "../../shared/types.ts";
import { callbacksOf } from "../../response_stream/_callbacks.ts";
import {
  numberOf,
  stringOf,
  traced,
  type TraceRequest,
  type TraceResponse,
} from "../../shared/_trace.ts";
import { ollamaChatInput, ollamaGenerateInput, ollamaResponse, ollamaTrace } from "./_trace.ts";
import { encodeBase64 } from "./_base64.ts";
import { chatProtocol, generateProtocol, ollamaError } from "./_protocol.ts";
import { progressProtocol } from "./_progress.ts";
import type {
  OllamaChatChunk,
  OllamaChatOptions,
  OllamaChatRequest,
  OllamaChatResponse,
  OllamaChatResult,
  OllamaCopyRequest,
  OllamaCreateOptions,
  OllamaCreateRequest,
  OllamaDeleteRequest,
  OllamaEmbedRequest,
  OllamaEmbedResponse,
  OllamaGenerateChunk,
  OllamaGenerateOptions,
  OllamaGenerateRequest,
  OllamaGenerateResponse,
  OllamaGenerateResult,
  OllamaImage,
  OllamaListResponse,
  OllamaMessage,
  OllamaProgressChunk,
  OllamaProgressLine,
  OllamaProgressOptions,
  OllamaProgressResult,
  OllamaPsResponse,
  OllamaPullOptions,
  OllamaPullRequest,
  OllamaPushOptions,
  OllamaPushRequest,
  OllamaShowRequest,
  OllamaShowResponse,
  OllamaVersionResponse,
} from "./types.ts";

/** The host a client talks to unless told otherwise. */
const DEFAULT_HOST = "http://127.0.0.1:11434";
/** The port of a host given without scheme and port (`"gpu-box"`). */
const DEFAULT_PORT = "11434";

const STREAM_HEADERS = { accept: "application/x-ndjson" };

const JSON_HEADERS = { accept: "application/json" };

/** The options of an {@linkcode Ollama} client; the request options apply to every call. */
export interface OllamaOptions extends RequestOptions {
  /**
   * The server's base URL, without `/api`. A trailing slash is ignored, and so
   * is a trailing `/api` (so the hosted `https://ollama.com/api` works as
   * given). A host without a scheme gets `http://` and, without a port, Ollama's
   * port 11434 (`"gpu-box"` → `http://gpu-box:11434`); `":8080"` means
   * `http://127.0.0.1:8080`. A path prefix (a reverse proxy's) is kept.
   *
   * @default {"http://127.0.0.1:11434"}
   */
  baseURL?: string;
  /** The same as {@linkcode OllamaOptions.baseURL} (the name Ollama's own tools use). */
  host?: string;
}

/** Normalizes a host as {@linkcode OllamaOptions.host} describes. */
function normalizeHost(host: string): string {
  let value = host.trim();
  if (value.startsWith(":")) value = `127.0.0.1${value}`;
  const explicit = /^[a-z][a-z\d+.-]*:\/\//i.test(value);
  let url: URL;
  try {
    url = new URL(explicit ? value : `http://${value}`);
  } catch (cause) {
    throw urlOptionError("Invalid Ollama host", host, cause);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw urlOptionError("The Ollama host must be an http or https URL", host);
  }
  if (url.username || url.password) {
    throw new TypeError(
      "The Ollama host must not contain credentials: pass them in the headers option instead",
    );
  }
  if (url.search || url.hash) {
    throw urlOptionError("The Ollama host must not have a query or fragment", host);
  }
  if (!explicit && url.port === "") url.port = DEFAULT_PORT;
  let path = url.pathname.replace(/\/+$/, "");
  if (path.endsWith("/api")) path = path.slice(0, -4);
  return url.origin + path;
}

/** Adds "pull it first" to the message of a 404 about a model. */
function pullHint(model: string): RequestSpec["hint"] {
  return ({ status, providerMessage }) => {
    if (status !== 404) return undefined;
    const command = `ollama pull ${model}`;
    return providerMessage?.includes("pull") ? command : `pull it first: ${command}`;
  };
}

function checkModel(request: { model?: unknown } | undefined, method: string): string {
  const model = request?.model;
  if (typeof model !== "string" || model === "") {
    throw new TypeError(
      `Ollama.${method}() needs a request with a model name: received ${
        typeof model === "string" ? "''" : String(model)
      }`,
    );
  }
  return model;
}

function encodeImage(image: OllamaImage): string {
  if (typeof image === "string") return image;
  if (image instanceof Uint8Array) return encodeBase64(image);
  throw new TypeError(
    `An image must be a base64 string or a Uint8Array: received ${
      Object.prototype.toString.call(image)
    }`,
  );
}

function encodeImages(images: readonly OllamaImage[]): string[] {
  return images.map(encodeImage);
}

function hasBytes(images: readonly OllamaImage[] | undefined): boolean {
  return images !== undefined && images.some((image) => typeof image !== "string");
}

/** The messages with every image as base64 (the array itself when nothing changes). */
function encodeMessages(messages: OllamaMessage[]): OllamaMessage[] {
  if (!Array.isArray(messages) || !messages.some((message) => hasBytes(message?.images))) {
    return messages;
  }
  return messages.map((message) =>
    hasBytes(message.images) ? { ...message, images: encodeImages(message.images!) } : message
  );
}

/**
 * A client for Ollama's native API (`/api/…`). Streaming calls (`chat`,
 * `generate`, `pull`, `push`, `create`) return a `ResponseStream` at once;
 * with `stream: false` they resolve to Ollama's complete response object.
 * Every call takes the request options (signal, timeouts, retries, `fetch`,
 * headers), which win over the client's.
 *
 * Errors: a non-2xx status is an `HttpError` with Ollama's message (a 404
 * for a model adds how to pull it); an `{"error": …}` line inside a stream
 * is a `ProviderError`, a body that ends before the last line an
 * `IncompleteStreamError`, a line that is not JSON a `ParseError` — each
 * carrying what arrived before it as `partial`.
 *
 * @example Stream a chat answer
 * ```ts
 * import { Ollama } from "@sluice/sluice/ollama";
 * import assert from "node:assert/strict";
 *
 * // A stand-in for a local Ollama; leave `fetch` out to use the real one.
 * const lines = [
 *   { model: "llama3.2", created_at: "2025-01-01T00:00:00Z", message: { role: "assistant", content: "Hello" }, done: false },
 *   { model: "llama3.2", created_at: "2025-01-01T00:00:00Z", message: { role: "assistant", content: "!" }, done: true, done_reason: "stop", eval_count: 2, eval_duration: 20_000_000 },
 * ];
 * const fetch = () => Promise.resolve(new Response(lines.map((l) => JSON.stringify(l) + "\n").join("")));
 *
 * const ollama = new Ollama({ fetch });
 * const stream = ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "Hi" }] });
 * let text = "";
 * for await (const delta of stream.textStream) text += delta;
 * const result = await stream.result();
 * assert.equal(text, "Hello!");
 * assert.equal(result.finishReason, "stop");
 * assert.equal(result.timings.tokensPerSecond, 100);
 * ```
 */
export class Ollama {
  #host: string;
  #options: RequestOptions;

  /**
   * Creates a client. Nothing is sent until a method is called.
   *
   * @example Point it at another machine, with a longer idle timeout
   * ```ts
   * import { Ollama } from "@sluice/sluice/ollama";
   * import assert from "node:assert/strict";
   *
   * const ollama = new Ollama({ host: "gpu-box", idleTimeout: 600_000 });
   * assert.equal(ollama.host, "http://gpu-box:11434");
   * ```
   */
  constructor(options: OllamaOptions = {}) {
    const { baseURL, host, ...requestOptions } = options;
    this.#host = normalizeHost(baseURL ?? host ?? DEFAULT_HOST);
    this.#options = requestOptions;
  }

  /**
   * The normalized base URL requests go to (`/api/…` is appended).
   *
   * @example Read the normalized host
   * ```ts
   * import { Ollama } from "@sluice/sluice/ollama";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Ollama().host, "http://127.0.0.1:11434");
   * assert.equal(new Ollama({ host: "https://ollama.com/api/" }).host, "https://ollama.com");
   * ```
   */
  get host(): string {
    return this.#host;
  }

  /**
   * The same as {@linkcode Ollama.host}: the normalized base URL.
   *
   * @example Read the base URL
   * ```ts
   * import { Ollama } from "@sluice/sluice/ollama";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Ollama({ baseURL: "gpu-box" }).baseURL, "http://gpu-box:11434");
   * ```
   */
  get baseURL(): string {
    return this.#host;
  }

  /**
   * Sends a conversation to `POST /api/chat` and streams the answer: text
   * (`message.content`), reasoning (`message.thinking`) and tool calls.
   * `result()` assembles them, with the finish reason, usage and the
   * server's timings. Images may be given as bytes; they are sent as base64.
   * An empty `messages` array only loads the model.
   *
   * @example Stream the answer's text
   * ```ts
   * import { Ollama } from "@sluice/sluice/ollama";
   * import assert from "node:assert/strict";
   *
   * const body = [
   *   '{"model":"qwen3:8b","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"","thinking":"Easy."},"done":false}',
   *   '{"model":"qwen3:8b","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"4"},"done":false}',
   *   '{"model":"qwen3:8b","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}',
   * ].join("\n");
   * const ollama = new Ollama({ fetch: () => Promise.resolve(new Response(body)) });
   *
   * const stream = ollama.chat({
   *   model: "qwen3:8b",
   *   think: true,
   *   messages: [{ role: "user", content: "2 + 2?" }],
   * });
   * for await (const chunk of stream) {
   *   if (chunk.message.thinking) console.log("thinking:", chunk.message.thinking);
   * }
   * const { text, reasoning } = await stream.result();
   * assert.deepEqual([text, reasoning], ["4", "Easy."]);
   * ```
   *
   * @example Ask for the complete response at once
   * ```ts
   * import { Ollama } from "@sluice/sluice/ollama";
   * import assert from "node:assert/strict";
   *
   * const ollama = new Ollama({
   *   fetch: () =>
   *     Promise.resolve(Response.json({
   *       model: "llama3.2",
   *       created_at: "2025-01-01T00:00:00Z",
   *       message: { role: "assistant", content: "Hi!" },
   *       done: true,
   *       done_reason: "stop",
   *     })),
   * });
   * const response = await ollama.chat({
   *   model: "llama3.2",
   *   messages: [{ role: "user", content: "Hello" }],
   *   stream: false,
   * });
   * assert.equal(response.message.content, "Hi!");
   * ```
   */
  chat(
    request: OllamaChatRequest & { stream?: true },
    options?: OllamaChatOptions,
  ): ResponseStream<OllamaChatChunk, OllamaChatResult>;
  /** With `stream: false`: resolves to the complete response instead of streaming. */
  chat(
    request: OllamaChatRequest & { stream: false },
    options?: RequestOptions,
  ): Promise<OllamaChatResponse>;
  /** Streams the answer, or with `stream: false` resolves to the complete response. */
  chat(
    request: OllamaChatRequest,
    options?: OllamaChatOptions,
  ): ResponseStream<OllamaChatChunk, OllamaChatResult> | Promise<OllamaChatResponse>;
  chat(
    request: OllamaChatRequest,
    options: OllamaChatOptions = {},
  ): ResponseStream<OllamaChatChunk, OllamaChatResult> | Promise<OllamaChatResponse> {
    const model = checkModel(request, "chat");
    const body = {
      ...request,
      messages: encodeMessages(request.messages),
      stream: request.stream ?? true,
    };
    const hint = pullHint(model);
    const trace = () =>
      ollamaTrace(
        "chat",
        this.#url("/api/chat"),
        request,
        () => ollamaChatInput(request),
      );
    if (request.stream === false) {
      return this.#json("POST", "/api/chat", body, options, hint, trace, ollamaResponse);
    }
    return this.#stream("/api/chat", body, options, chatProtocol, hint, trace);
  }

  /**
   * Sends a prompt to `POST /api/generate` and streams the continuation
   * (`response`), and reasoning (`thinking`). `result()` also has the
   * `context` token array of the last line. Images may be given as bytes.
   *
   * @example Stream a completion and read the server's eval rate
   * ```ts
   * import { Ollama } from "@sluice/sluice/ollama";
   * import assert from "node:assert/strict";
   *
   * const body = [
   *   '{"model":"llama3.2","created_at":"2025-01-01T00:00:00Z","response":"Blue","done":false}',
   *   '{"model":"llama3.2","created_at":"2025-01-01T00:00:00Z","response":".","done":true,"done_reason":"stop","context":[1,2,3],"eval_count":2,"eval_duration":40000000}',
   * ].join("\n");
   * const ollama = new Ollama({ fetch: () => Promise.resolve(new Response(body)) });
   *
   * const stream = ollama.generate({ model: "llama3.2", prompt: "Sky colour?", options: { temperature: 0 } });
   * const result = await stream.result();
   * assert.equal(result.text, "Blue.");
   * assert.deepEqual(result.context, [1, 2, 3]);
   * assert.equal(result.timings.tokensPerSecond, 50);
   * ```
   */
  generate(
    request: OllamaGenerateRequest & { stream?: true },
    options?: OllamaGenerateOptions,
  ): ResponseStream<OllamaGenerateChunk, OllamaGenerateResult>;
  /** With `stream: false`: resolves to the complete response instead of streaming. */
  generate(
    request: OllamaGenerateRequest & { stream: false },
    options?: RequestOptions,
  ): Promise<OllamaGenerateResponse>;
  /** Streams the answer, or with `stream: false` resolves to the complete response. */
  generate(
    request: OllamaGenerateRequest,
    options?: OllamaGenerateOptions,
  ): ResponseStream<OllamaGenerateChunk, OllamaGenerateResult> | Promise<OllamaGenerateResponse>;
  generate(
    request: OllamaGenerateRequest,
    options: OllamaGenerateOptions = {},
  ): ResponseStream<OllamaGenerateChunk, OllamaGenerateResult> | Promise<OllamaGenerateResponse> {
    const model = checkModel(request, "generate");
    const body: Record<string, unknown> = { ...request, stream: request.stream ?? true };
    if (hasBytes(request.images)) body.images = encodeImages(request.images!);
    const hint = pullHint(model);
    const trace = () =>
      ollamaTrace(
        "text_completion",
        this.#url("/api/generate"),
        request,
        () => ollamaGenerateInput(request),
      );
    if (request.stream === false) {
      return this.#json("POST", "/api/generate", body, options, hint, trace, ollamaResponse);
    }
    return this.#stream("/api/generate", body, options, generateProtocol, hint, trace);
  }

  /**
   * Downloads a model with `POST /api/pull`, streaming progress. Each chunk is
   * Ollama's status line plus `progress`: overall bytes, percent, the layer
   * that line is about, bytes per second and the ETA after that line — ready
   * for a progress bar (each line costs the same however many layers came
   * before; `result().progress.layers` lists them all). The stream completes
   * at `status: "success"`.
   *
   * @example Show a progress bar
   * ```ts
   * import { Ollama } from "@sluice/sluice/ollama";
   * import assert from "node:assert/strict";
   *
   * const body = [
   *   '{"status":"pulling manifest"}',
   *   '{"status":"pulling 797b70c4edf8","digest":"sha256:797b70c4edf8","total":1000}',
   *   '{"status":"pulling 797b70c4edf8","digest":"sha256:797b70c4edf8","total":1000,"completed":500}',
   *   '{"status":"pulling 797b70c4edf8","digest":"sha256:797b70c4edf8","total":1000,"completed":1000}',
   *   '{"status":"success"}',
   * ].join("\n");
   * const ollama = new Ollama({ fetch: () => Promise.resolve(new Response(body)) });
   *
   * const percents = [];
   * for await (const { status, progress } of ollama.pull({ model: "all-minilm" })) {
   *   percents.push(Math.round(progress.percent));
   *   const speed = progress.bytesPerSecond === undefined
   *     ? ""
   *     : ` ${(progress.bytesPerSecond / 1e6).toFixed(1)} MB/s, ${progress.etaSeconds?.toFixed(0) ?? "?"} s left`;
   *   console.log(`${status}: ${progress.percent.toFixed(0)} %${speed}`);
   * }
   * assert.deepEqual(percents, [0, 0, 50, 100, 100]);
   * ```
   */
  pull(
    request: OllamaPullRequest & { stream?: true },
    options?: OllamaPullOptions,
  ): ResponseStream<OllamaProgressChunk, OllamaProgressResult>;
  /** With `stream: false`: resolves to the complete response instead of streaming. */
  pull(
    request: OllamaPullRequest & { stream: false },
    options?: RequestOptions,
  ): Promise<OllamaProgressLine>;
  /** Streams progress, or with `stream: false` resolves to the complete response. */
  pull(
    request: OllamaPullRequest,
    options?: OllamaPullOptions,
  ): ResponseStream<OllamaProgressChunk, OllamaProgressResult> | Promise<OllamaProgressLine>;
  pull(
    request: OllamaPullRequest,
    options: OllamaPullOptions = {},
  ): ResponseStream<OllamaProgressChunk, OllamaProgressResult> | Promise<OllamaProgressLine> {
    checkModel(request, "pull");
    return this.#progress("/api/pull", request, options);
  }

  /**
   * Uploads a model with `POST /api/push`, streaming progress like
   * {@linkcode Ollama.pull}. The model must be named `namespace/model:tag`
   * and the key registered with the registry.
   *
   * @example Wait for a push to finish
   * ```ts
   * import { Ollama } from "@sluice/sluice/ollama";
   * import assert from "node:assert/strict";
   *
   * const body = '{"status":"retrieving manifest"}\n{"status":"pushing manifest"}\n{"status":"success"}\n';
   * const ollama = new Ollama({ fetch: () => Promise.resolve(new Response(body)) });
   *
   * const { status } = await ollama.push({ model: "me/my-model:latest" }).result();
   * assert.equal(status, "success");
   * ```
   */
  push(
    request: OllamaPushRequest & { stream?: true },
    options?: OllamaPushOptions,
  ): ResponseStream<OllamaProgressChunk, OllamaProgressResult>;
  /** With `stream: false`: resolves to the complete response instead of streaming. */
  push(
    request: OllamaPushRequest & { stream: false },
    options?: RequestOptions,
  ): Promise<OllamaProgressLine>;
  /** Streams progress, or with `stream: false` resolves to the complete response. */
  push(
    request: OllamaPushRequest,
    options?: OllamaPushOptions,
  ): ResponseStream<OllamaProgressChunk, OllamaProgressResult> | Promise<OllamaProgressLine>;
  push(
    request: OllamaPushRequest,
    options: OllamaPushOptions = {},
  ): ResponseStream<OllamaProgressChunk, OllamaProgressResult> | Promise<OllamaProgressLine> {
    checkModel(request, "push");
    return this.#progress("/api/push", request, options);
  }

  /**
   * Creates a model with `POST /api/create` (from another model, or from
   * uploaded files), streaming progress like {@linkcode Ollama.pull}.
   *
   * @example Derive a model with its own system prompt
   * ```ts
   * import { Ollama } from "@sluice/sluice/ollama";
   * import assert from "node:assert/strict";
   *
   * const body = '{"status":"using existing layer sha256:0ba8"}\n{"status":"writing manifest"}\n{"status":"success"}\n';
   * const ollama = new Ollama({ fetch: () => Promise.resolve(new Response(body)) });
   *
   * const result = await ollama.create({
   *   model: "mario",
   *   from: "llama3.2",
   *   system: "You are Mario from Super Mario Bros.",
   *   parameters: { temperature: 0.9 },
   * }).result();
   * assert.equal(result.status, "success");
   * ```
   */
  create(
    request: OllamaCreateRequest & { stream?: true },
    options?: OllamaCreateOptions,
  ): ResponseStream<OllamaProgressChunk, OllamaProgressResult>;
  /** With `stream: false`: resolves to the complete response instead of streaming. */
  create(
    request: OllamaCreateRequest & { stream: false },
    options?: RequestOptions,
  ): Promise<OllamaProgressLine>;
  /** Streams progress, or with `stream: false` resolves to the complete response. */
  create(
    request: OllamaCreateRequest,
    options?: OllamaCreateOptions,
  ): ResponseStream<OllamaProgressChunk, OllamaProgressResult> | Promise<OllamaProgressLine>;
  create(
    request: OllamaCreateRequest,
    options: OllamaCreateOptions = {},
  ): ResponseStream<OllamaProgressChunk, OllamaProgressResult> | Promise<OllamaProgressLine> {
    checkModel(request, "create");
    const body = request.messages === undefined
      ? request
      : { ...request, messages: encodeMessages(request.messages) };
    return this.#progress("/api/create", body, options);
  }

  /**
   * Lists the local models (`GET /api/tags`).
   *
   * @example List model names and sizes
   * ```ts
   * import { Ollama } from "@sluice/sluice/ollama";
   * import assert from "node:assert/strict";
   *
   * const details = { parent_model: "", format: "gguf", family: "llama", families: ["llama"], parameter_size: "3.2B", quantization_level: "Q4_K_M" };
   * const ollama = new Ollama({
   *   fetch: () => Promise.resolve(Response.json({ models: [{ name: "llama3.2:latest", model: "llama3.2:latest", modified_at: "2025-01-01T00:00:00Z", size: 2019393189, digest: "a80c4f17acd5", details }] })),
   * });
   * const { models } = await ollama.list();
   * assert.deepEqual(models.map((m) => m.name), ["llama3.2:latest"]);
   * ```
   */
  list(options: RequestOptions = {}): Promise<OllamaListResponse> {
    return this.#json("GET", "/api/tags", undefined, options);
  }

  /**
   * Lists the models loaded in memory (`GET /api/ps`).
   *
   * @example See whether a model is fully on the GPU
   * ```ts
   * import { Ollama } from "@sluice/sluice/ollama";
   * import assert from "node:assert/strict";
   *
   * const details = { parent_model: "", format: "gguf", family: "llama", families: ["llama"], parameter_size: "3.2B", quantization_level: "Q4_K_M" };
   * const ollama = new Ollama({
   *   fetch: () => Promise.resolve(Response.json({ models: [{ name: "llama3.2:latest", model: "llama3.2:latest", size: 3e9, digest: "a80c4f17acd5", details, expires_at: "2025-01-01T00:05:00Z", size_vram: 3e9, context_length: 4096 }] })),
   * });
   * const { models } = await ollama.ps();
   * assert.equal(models[0]!.size_vram === models[0]!.size, true);
   * ```
   */
  ps(options: RequestOptions = {}): Promise<OllamaPsResponse> {
    return this.#json("GET", "/api/ps", undefined, options);
  }

  /**
   * Describes a model (`POST /api/show`): its template, parameters,
   * architecture and capabilities. Check `capabilities` before sending
   * `tools`, `images` or `think`.
   *
   * @example Check a model's capabilities
   * ```ts
   * import { Ollama } from "@sluice/sluice/ollama";
   * import assert from "node:assert/strict";
   *
   * const details = { parent_model: "", format: "gguf", family: "qwen3", families: ["qwen3"], parameter_size: "8.2B", quantization_level: "Q4_K_M" };
   * const ollama = new Ollama({
   *   fetch: () => Promise.resolve(Response.json({ details, capabilities: ["completion", "tools", "thinking"] })),
   * });
   * const info = await ollama.show({ model: "qwen3:8b" });
   * assert.ok(info.capabilities?.includes("tools"));
   * ```
   */
  async show(
    request: OllamaShowRequest,
    options: RequestOptions = {},
  ): Promise<OllamaShowResponse> {
    const model = checkModel(request, "show");
    return await this.#json("POST", "/api/show", request, options, pullHint(model));
  }

  /**
   * Asks for the server's version (`GET /api/version`).
   *
   * @example Read the version
   * ```ts
   * import { Ollama } from "@sluice/sluice/ollama";
   * import assert from "node:assert/strict";
   *
   * const ollama = new Ollama({ fetch: () => Promise.resolve(Response.json({ version: "0.12.3" })) });
   * assert.equal((await ollama.version()).version, "0.12.3");
   * ```
   */
  version(options: RequestOptions = {}): Promise<OllamaVersionResponse> {
    return this.#json("GET", "/api/version", undefined, options);
  }

  /**
   * Embeds one text or several (`POST /api/embed`): one vector per input, in
   * order.
   *
   * @example Embed two texts
   * ```ts
   * import { Ollama } from "@sluice/sluice/ollama";
   * import assert from "node:assert/strict";
   *
   * const ollama = new Ollama({
   *   fetch: () => Promise.resolve(Response.json({ model: "all-minilm", embeddings: [[0.1, 0.2], [0.3, 0.4]] })),
   * });
   * const { embeddings } = await ollama.embed({ model: "all-minilm", input: ["sky", "sea"] });
   * assert.equal(embeddings.length, 2);
   * ```
   */
  async embed(
    request: OllamaEmbedRequest,
    options: RequestOptions = {},
  ): Promise<OllamaEmbedResponse> {
    const model = checkModel(request, "embed");
    const trace = () => ollamaTrace("embeddings", this.#url("/api/embed"), request);
    return await this.#json(
      "POST",
      "/api/embed",
      request,
      options,
      pullHint(model),
      trace,
      (value) => ({
        model: stringOf((value as OllamaEmbedResponse).model),
        usage: { inputTokens: numberOf((value as OllamaEmbedResponse).prompt_eval_count) },
      }),
    );
  }

  /**
   * Deletes a local model (`DELETE /api/delete`). A missing model is an
   * `HttpError` with status 404.
   *
   * @example Delete a model
   * ```ts
   * import { Ollama } from "@sluice/sluice/ollama";
   *
   * const ollama = new Ollama({ fetch: () => Promise.resolve(new Response(null)) });
   * await ollama.delete({ model: "mario" });
   * ```
   */
  async delete(request: OllamaDeleteRequest, options: RequestOptions = {}): Promise<void> {
    checkModel(request, "delete");
    await this.#json("DELETE", "/api/delete", request, options);
  }

  /**
   * Copies a local model under a new name (`POST /api/copy`). A missing
   * source is an `HttpError` with status 404.
   *
   * @example Copy a model
   * ```ts
   * import { Ollama } from "@sluice/sluice/ollama";
   *
   * const ollama = new Ollama({ fetch: () => Promise.resolve(new Response(null)) });
   * await ollama.copy({ source: "llama3.2", destination: "llama3.2-backup" });
   * ```
   */
  async copy(request: OllamaCopyRequest, options: RequestOptions = {}): Promise<void> {
    if (typeof request?.source !== "string" || typeof request.destination !== "string") {
      throw new TypeError("Ollama.copy() needs a request with a source and a destination");
    }
    await this.#json("POST", "/api/copy", request, options);
  }

  #url(path: string): string {
    return this.#host + path;
  }

  #stream<Chunk, Result extends StreamResult>(
    path: string,
    body: unknown,
    options: RequestOptions & StreamOptions<Chunk, Result>,
    protocol: StreamProtocol<Chunk, Result>,
    hint?: RequestSpec["hint"],
    trace?: () => TraceRequest,
  ): ResponseStream<Chunk, Result> {
    const resolved = resolveOptions(this.#options, options, STREAM_HEADERS);
    const request: RequestSpec = { url: this.#url(path), method: "POST", body };
    if (hint) request.hint = hint;
    return streamRequest({
      request,
      options: resolved,
      protocol,
      callbacks: callbacksOf(options),
      maxLineLength: options.maxLineLength ?? this.#options.maxLineLength,
      trace,
    });
  }

  async #json<T>(
    method: string,
    path: string,
    body: unknown,
    options: RequestOptions,
    hint?: RequestSpec["hint"],
    trace?: () => TraceRequest,
    traceResponse: (value: unknown) => TraceResponse = () => ({}),
  ): Promise<T> {
    const resolved = resolveOptions(this.#options, options, JSON_HEADERS);
    const request: RequestSpec = { url: this.#url(path), method };
    if (body !== undefined) request.body = body;
    if (hint) request.hint = hint;
    const run = async () => {
      const value = await requestJson(request, resolved);
      if (typeof value === "object" && value !== null && "error" in value) {
        throw ollamaError(value as Record<string, unknown>);
      }
      return value as T;
    };
    return trace === undefined ? await run() : await traced(resolved, trace, run, traceResponse);
  }

  #progress(
    path: string,
    request: { stream?: boolean },
    options: OllamaProgressOptions,
  ): ResponseStream<OllamaProgressChunk, OllamaProgressResult> | Promise<OllamaProgressLine> {
    const body = { ...request, stream: request.stream ?? true };
    if (request.stream === false) return this.#json("POST", path, body, options);
    const protocol = progressProtocol({ now: options.now, rateWindow: options.rateWindow });
    return this.#stream(path, body, options, protocol);
  }
}
