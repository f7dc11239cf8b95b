import type { RequestOptions } from "../../http/request_options.ts";
import { resolveOptions } from "../../http/_resolve_options.ts";
import type { RequestSpec } from "../../http/_open_request.ts";
import { baseURLOf } from "../../http/_secrets.ts";
import { requestJson } from "../../http/_request_json.ts";
import type { ResponseStream } from "../../response_stream/response_stream.ts";
import { streamRequest } from "../../response_stream/_http_stream.ts";
import { traced } from "../../shared/_trace.ts";
import { geminiResponse, geminiTrace } from "./_trace.ts";
import type { StreamOptions } from "../../response_stream/types.ts";
import { callbacksOf } from "../../response_stream/_callbacks.ts";
import { generateContentProtocol } from "./_protocol.ts";
import type { GeminiResult } from "./gemini_result.ts";
import type { GeminiGenerateContentRequest, GeminiGenerateContentResponse } from "./types.ts";
import type {
  GeminiBatchEmbedContentsRequest,
  GeminiBatchEmbedContentsResponse,
  GeminiEmbedContentRequest,
  GeminiEmbedContentResponse,
} from "./embeddings_types.ts";

/** The default {@linkcode GeminiOptions.baseURL}: the public Generative Language API. */
const DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";

/** Options of a {@linkcode Gemini} client; the request options apply to every call. */
export interface GeminiOptions extends RequestOptions {
  /**
   * The API's base, version included (a trailing slash is fine): the client
   * adds `/models/{model}:streamGenerateContent`. Point it at a proxy or
   * gateway that speaks the Generative Language API.
   *
   * @default {"https://generativelanguage.googleapis.com/v1beta"}
   */
  baseURL?: string;
  /** The same as {@linkcode GeminiOptions.baseURL}. */
  baseUrl?: string;
  /**
   * The API key, sent in the `x-goog-api-key` header (never in the URL).
   * Leave it out when a proxy adds credentials. It never appears in an error
   * message, even when a server echoes it.
   */
  apiKey?: string | undefined;
}

/** The options of one streaming call: request options and callbacks. */
export interface GeminiGenerateContentOptions
  extends RequestOptions, StreamOptions<GeminiGenerateContentResponse, GeminiResult> {}

/** A request that streams (`stream` left out or `true`). */
export interface GeminiStreamingRequest extends GeminiGenerateContentRequest {
  /**
   * Stream the answer (`:streamGenerateContent?alt=sse`).
   *
   * @default {true}
   */
  stream?: true;
}

/** A request for one complete response (`stream: false`, `:generateContent`). */
export interface GeminiNonStreamingRequest extends GeminiGenerateContentRequest {
  /** Wait for the complete response. */
  stream: false;
}

/** The model's resource path: `models/x` for a bare name, the name as given when it has a slash. */
function modelPath(model: unknown): string {
  if (typeof model !== "string" || model === "") {
    throw new TypeError(`A Gemini request needs a model: received '${String(model)}'`);
  }
  return model.includes("/") ? model : `models/${model}`;
}

/**
 * A client for Google's Gemini API (the Generative Language API) that
 * streams with web standards only. `generateContent()` returns a
 * {@linkcode ResponseStream} of Gemini's `GenerateContentResponse` events at
 * once (iterate it, read `textStream`, `await result()`, or hand it on with
 * `toResponse()`), or with `stream: false` a promise of the complete
 * response.
 *
 * @example Stream an answer
 * ```ts
 * import { Gemini } from "@sluice/sluice/gemini";
 * import assert from "node:assert/strict";
 *
 * // A canned response stands in for the API here.
 * const events = [
 *   { candidates: [{ content: { role: "model", parts: [{ text: "Hello" }] }, index: 0 }],
 *     modelVersion: "gemini-2.5-flash", responseId: "r1" },
 *   { candidates: [{ content: { role: "model", parts: [{ text: " there" }] },
 *     finishReason: "STOP", index: 0 }],
 *     usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2, totalTokenCount: 6 },
 *     modelVersion: "gemini-2.5-flash", responseId: "r1" },
 * ];
 * const body = events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join("");
 * const fetch = () => Promise.resolve(new Response(body));
 *
 * const gemini = new Gemini({ apiKey: "AIza-example", fetch });
 * const stream = gemini.generateContent({
 *   model: "gemini-2.5-flash",
 *   contents: [{ role: "user", parts: [{ text: "Say hello" }] }],
 * });
 * const pieces = [];
 * for await (const text of stream.textStream) pieces.push(text);
 * const result = await stream.result();
 * assert.deepEqual(pieces, ["Hello", " there"]);
 * assert.equal(result.finishReason, "stop");
 * assert.equal(result.rawFinishReason, "STOP");
 * assert.equal(result.usage.outputTokens, 2);
 * ```
 */
export class Gemini {
  #options: GeminiOptions;
  #base: string;
  #apiKey: string | undefined;

  /**
   * Creates a client. Nothing is sent until a call.
   *
   * @throws {TypeError} A `baseURL` that is not an absolute http or https URL.
   */
  constructor(options: GeminiOptions = {}) {
    this.#options = options;
    const base = baseURLOf(options.baseURL ?? options.baseUrl, DEFAULT_BASE_URL);
    this.#base = base;
    this.#apiKey = options.apiKey;
  }

  /**
   * Streams an answer as Gemini's events: each a whole
   * `GenerateContentResponse` with the parts that arrived since the last.
   * `result()` assembles them: text, thoughts (`thought: true` parts) as
   * `reasoning`, function calls with their arguments (and the server's id, or
   * a generated `call_…`), the finish reason, usage, and the content with
   * every `thoughtSignature` kept, ready to send back as the model's turn.
   * An `{"error": …}` event fails the stream with a `ProviderError` (its
   * `type` is Gemini's `status`); a body that ends before a finish reason
   * with an `IncompleteStreamError` (Gemini sends no end marker). Both carry
   * the partial result. A blocked prompt ends normally with
   * `finishReason: "content-filter"` and the block reason as
   * `rawFinishReason`.
   *
   * @example Run a function call
   * ```ts
   * import { Gemini } from "@sluice/sluice/gemini";
   * import assert from "node:assert/strict";
   *
   * const event = {
   *   candidates: [{
   *     content: { role: "model", parts: [{
   *       functionCall: { name: "get_weather", args: { city: "Lisbon" } },
   *       thoughtSignature: "CiQB0e2Kb…",
   *     }] },
   *     finishReason: "STOP",
   *     index: 0,
   *   }],
   *   usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 6, totalTokenCount: 36 },
   * };
   * const body = `data: ${JSON.stringify(event)}\r\n\r\n`;
   * const gemini = new Gemini({ fetch: () => Promise.resolve(new Response(body)) });
   *
   * const result = await gemini.generateContent({
   *   model: "gemini-2.5-flash",
   *   tools: [{ functionDeclarations: [{
   *     name: "get_weather",
   *     parameters: { type: "OBJECT", properties: { city: { type: "STRING" } } },
   *   }] }],
   *   contents: [{ role: "user", parts: [{ text: "Weather in Lisbon?" }] }],
   * }).result();
   * assert.equal(result.finishReason, "tool-calls");
   * assert.equal(result.toolCalls[0]?.name, "get_weather");
   * assert.deepEqual(result.toolCalls[0]?.arguments, { city: "Lisbon" });
   * // The model's turn to send back, signature included.
   * assert.equal(result.content.parts[0]?.thoughtSignature, "CiQB0e2Kb…");
   * ```
   */
  generateContent(
    request: GeminiStreamingRequest,
    options?: GeminiGenerateContentOptions,
  ): ResponseStream<GeminiGenerateContentResponse, GeminiResult>;
  /**
   * Sends a request with `stream: false` (`:generateContent`) and resolves to
   * the complete response.
   *
   * @example Wait for the whole response
   * ```ts
   * import { Gemini } from "@sluice/sluice/gemini";
   * import assert from "node:assert/strict";
   *
   * const response = {
   *   candidates: [{ content: { role: "model", parts: [{ text: "Hi!" }] }, finishReason: "STOP" }],
   *   usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 2, totalTokenCount: 4 },
   * };
   * const gemini = new Gemini({ fetch: () => Promise.resolve(Response.json(response)) });
   *
   * const reply = await gemini.generateContent({
   *   model: "gemini-2.5-flash",
   *   stream: false,
   *   contents: [{ role: "user", parts: [{ text: "Hi" }] }],
   * });
   * assert.equal(reply.candidates?.[0]?.content?.parts[0]?.text, "Hi!");
   * ```
   */
  generateContent(
    request: GeminiNonStreamingRequest,
    options?: RequestOptions,
  ): Promise<GeminiGenerateContentResponse>;
  /**
   * Streams, or with `stream: false` resolves to the complete response (for
   * a `stream` flag only known at run time).
   *
   * @example Decide at run time (here against the mock server)
   * ```ts
   * import { Gemini } from "@sluice/sluice/gemini";
   * import { createMockServer } from "@sluice/sluice/testing";
   * import assert from "node:assert/strict";
   *
   * const gemini = new Gemini({ fetch: createMockServer().fetch });
   * const request = {
   *   model: "gemini-2.5-flash",
   *   contents: [{ role: "user" as const, parts: [{ text: "Hi" }] }],
   * };
   *
   * const texts = [];
   * for (const wantStream of [true, false]) {
   *   const reply = gemini.generateContent({ ...request, stream: wantStream });
   *   // A stream assembles the same content a `stream: false` call resolves to
   *   const response = reply instanceof Promise ? await reply : (await reply.result()).response;
   *   texts.push(response?.candidates?.[0]?.content?.parts.map((part) => part.text).join(""));
   * }
   * assert.equal(texts[0], texts[1]);
   * ```
   */
  generateContent(
    request: GeminiGenerateContentRequest,
    options?: GeminiGenerateContentOptions,
  ):
    | ResponseStream<GeminiGenerateContentResponse, GeminiResult>
    | Promise<GeminiGenerateContentResponse>;
  generateContent(
    request: GeminiGenerateContentRequest,
    options: GeminiGenerateContentOptions = {},
  ):
    | ResponseStream<GeminiGenerateContentResponse, GeminiResult>
    | Promise<GeminiGenerateContentResponse> {
    if (request.stream === false) {
      return Promise.resolve().then(() => {
        const { spec, resolved } = this.#prepare(request, options, false);
        return traced(
          resolved,
          () => geminiTrace("generate_content", spec.url, request),
          () => requestJson(spec, resolved) as Promise<GeminiGenerateContentResponse>,
          geminiResponse,
        );
      });
    }
    const { spec, resolved } = this.#prepare(request, options, true);
    return streamRequest({
      request: spec,
      options: resolved,
      protocol: generateContentProtocol,
      callbacks: callbacksOf(options),
      maxLineLength: options.maxLineLength ?? this.#options.maxLineLength,
      trace: () => geminiTrace("generate_content", spec.url, request),
    });
  }

  /**
   * Embeds one content (`POST /models/{model}:embedContent`), with the same
   * timeouts, retries and signal as every call.
   *
   * @example Embed a text (here against the mock server)
   * ```ts
   * import { Gemini } from "@sluice/sluice/gemini";
   * import { createMockServer } from "@sluice/sluice/testing";
   * import assert from "node:assert/strict";
   *
   * const gemini = new Gemini({ apiKey: "key", fetch: createMockServer().fetch });
   * const { embedding } = await gemini.embedContent({
   *   model: "gemini-embedding-001",
   *   content: { parts: [{ text: "sunny day at the beach" }] },
   *   outputDimensionality: 8,
   * });
   * assert.equal(embedding.values.length, 8);
   * ```
   */
  async embedContent(
    request: GeminiEmbedContentRequest,
    options: RequestOptions = {},
  ): Promise<GeminiEmbedContentResponse> {
    const { spec, resolved } = this.#prepare(request, options, false, "embedContent");
    return await traced(
      resolved,
      () => geminiTrace("embeddings", spec.url, request),
      () => requestJson(spec, resolved) as Promise<GeminiEmbedContentResponse>,
      geminiResponse,
    );
  }

  /**
   * Embeds several contents in one request (`POST
   * /models/{model}:batchEmbedContents`; at most 100): one vector per request,
   * in order. A request without a `model` gets the call's.
   *
   * @example Embed two texts (here against the mock server)
   * ```ts
   * import { Gemini } from "@sluice/sluice/gemini";
   * import { createMockServer } from "@sluice/sluice/testing";
   * import assert from "node:assert/strict";
   *
   * const gemini = new Gemini({ apiKey: "key", fetch: createMockServer().fetch });
   * const { embeddings } = await gemini.batchEmbedContents({
   *   model: "gemini-embedding-001",
   *   requests: [{ content: { parts: [{ text: "sky" }] } }, { content: { parts: [{ text: "sea" }] } }],
   * });
   * assert.equal(embeddings.length, 2);
   * ```
   */
  async batchEmbedContents(
    request: GeminiBatchEmbedContentsRequest,
    options: RequestOptions = {},
  ): Promise<GeminiBatchEmbedContentsResponse> {
    const name = modelPath(request?.model);
    if (!Array.isArray(request.requests)) {
      throw new TypeError("Gemini.batchEmbedContents() needs a request with requests");
    }
    const requests = request.requests.map((item) => ({ ...item, model: item.model ?? name }));
    const { spec, resolved } = this.#prepare(
      { ...request, requests },
      options,
      false,
      "batchEmbedContents",
    );
    return await traced(
      resolved,
      () => geminiTrace("embeddings", spec.url, request),
      () => requestJson(spec, resolved) as Promise<GeminiBatchEmbedContentsResponse>,
      geminiResponse,
    );
  }

  #prepare<T extends { model: string; stream?: boolean | undefined }>(
    request: T,
    options: RequestOptions,
    stream: boolean,
    method = "generateContent",
  ) {
    const { model, stream: _, ...body } = request;
    const path = modelPath(model);
    const base: Record<string, string> = {
      "content-type": "application/json",
      accept: stream ? "text/event-stream" : "application/json",
    };
    if (this.#apiKey !== undefined) base["x-goog-api-key"] = this.#apiKey;
    const resolved = resolveOptions(this.#options, options, base);
    const url = stream
      ? `${this.#base}/${path}:streamGenerateContent?alt=sse`
      : `${this.#base}/${path}:${method}`;
    const spec: RequestSpec = {
      url,
      method: "POST",
      body,
      hint: ({ status }) =>
        status === 404 && !/\/v\d+(alpha|beta)?\d*$/.test(this.#base)
          ? "baseURL should end with the API version, e.g. /v1beta"
          : undefined,
    };
    return { spec, resolved };
  }
}
