import type { RequestOptions } from "../../http/request_options.ts";
import { type ResolvedOptions, resolveOptions } from "../../http/_resolve_options.ts";
import type { RequestSpec } from "../../http/_open_request.ts";
import { baseURLOf } from "../../http/_secrets.ts";
import { requestJson } from "../../http/_request_json.ts";
import { CREDENTIAL_NAME } from "../../http/_secrets.ts";
import { ParseError } from "../../errors/parse_error.ts";
import { snippet } from "../../errors/_snippet.ts";
import type { ResponseStream } from "../../response_stream/response_stream.ts";
import { streamRequest } from "../../response_stream/_http_stream.ts";
import type { StreamOptions } from "../../response_stream/types.ts";
import { callbacksOf } from "../../response_stream/_callbacks.ts";
import { chatProtocol } from "./_chat_protocol.ts";
import { completionsProtocol } from "./_completions_protocol.ts";
import { providerError } from "./_sse_assembler.ts";
import { responsesProtocol } from "./_responses_protocol.ts";
import { decodeEmbedding } from "./_decode_embedding.ts";
import { openaiInput, openaiResponse, openaiTrace } from "./_trace.ts";
import { traced, type TraceRequest } from "../../shared/_trace.ts";
import { rememberResponse, responseOf } from "../../http/_response_of.ts";
import type { OpenAIEmbeddingsRequest, OpenAIEmbeddingsResponse } from "./embeddings_types.ts";
import type {
  OpenAIResponsesRequest,
  OpenAIResponsesResponse,
  OpenAIResponsesResult,
  OpenAIResponsesStreamEvent,
} from "./responses_types.ts";
import type {
  OpenAIChatChunk,
  OpenAIChatCompletion,
  OpenAIChatRequest,
  OpenAIChatResult,
  OpenAICompletion,
  OpenAICompletionRequest,
  OpenAICompletionResult,
  OpenAIModelList,
} from "./types.ts";

/** The default {@linkcode OpenAIOptions.baseURL}. */
export const OPENAI_BASE_URL = "https://api.openai.com/v1";

/** Options of an {@linkcode OpenAI} client; the request options apply to every call. */
export interface OpenAIOptions extends RequestOptions {
  /**
   * The API's base URL, up to and including the version (`/v1`): OpenAI, or
   * any compatible server — `http://localhost:11434/v1` (Ollama),
   * `http://localhost:8080/v1` (llama.cpp), `http://localhost:8000/v1`
   * (vLLM), `http://localhost:1234/v1` (LM Studio),
   * `https://api.groq.com/openai/v1`, `https://openrouter.ai/api/v1`,
   * `https://api.deepseek.com/v1`, `https://api.together.xyz/v1`. A trailing
   * slash and a query string are kept where they belong.
   *
   * @default {"https://api.openai.com/v1"}
   */
  baseURL?: string;
  /** The same as {@linkcode OpenAIOptions.baseURL} (the spelling of sluice 0.1). */
  baseUrl?: string;
  /**
   * The API key, sent as `Authorization: Bearer <apiKey>` (nothing is sent
   * when it is absent, as local servers want). It never appears in an error.
   */
  apiKey?: string | undefined;
  /** Sent as `OpenAI-Organization`. */
  organization?: string;
  /** Sent as `OpenAI-Project`. */
  project?: string;
}

/** The stream {@linkcode OpenAI.chat} returns. */
export type OpenAIChatStream = ResponseStream<OpenAIChatChunk, OpenAIChatResult>;

/** The stream {@linkcode OpenAI.completions} returns. */
export type OpenAICompletionStream = ResponseStream<OpenAICompletion, OpenAICompletionResult>;

/** The stream {@linkcode OpenAI.responses} returns. */
export type OpenAIResponsesStream = ResponseStream<
  OpenAIResponsesStreamEvent,
  OpenAIResponsesResult
>;

/** The per-call options of a streamed {@linkcode OpenAI.responses}: request options and callbacks. */
export type OpenAIResponsesOptions =
  & RequestOptions
  & StreamOptions<OpenAIResponsesStreamEvent, OpenAIResponsesResult>;

/** The per-call options of a streamed {@linkcode OpenAI.chat}: request options and callbacks. */
export type OpenAIChatOptions =
  & RequestOptions
  & StreamOptions<OpenAIChatChunk, OpenAIChatResult>;

/** The per-call options of a streamed {@linkcode OpenAI.completions}: request options and callbacks. */
export type OpenAICompletionsOptions =
  & RequestOptions
  & StreamOptions<OpenAICompletion, OpenAICompletionResult>;

/**
 * The former name of {@linkcode OpenAICompletionsOptions}.
 *
 * @deprecated Use {@linkcode OpenAICompletionsOptions} (the call is `completions()`).
 */
export type OpenAICompletionOptions = OpenAICompletionsOptions;

/** A base path that ends with an API version (`/v1`, `/openai/v1/`, `/api/v3`). */
const VERSIONED = /\/v\d+[a-z]*\/*$/;

function endpoint(base: URL, path: string): string {
  const url = new URL(base.href);
  url.pathname = url.pathname.replace(/\/+$/, "") + path;
  return url.href;
}

/**
 * A client for OpenAI's Chat Completions API and every server that imitates
 * it: Ollama's `/v1`, llama.cpp's `llama-server`, vLLM, LM Studio, Groq,
 * OpenRouter, DeepSeek, Together. Each streaming call returns a
 * {@linkcode ResponseStream} at once; `stream: false` returns a promise of
 * the complete answer.
 *
 * The stream is decoded the way the compatible servers need: `[DONE]` ends
 * it, SSE comments (keep-alives) are skipped, an error event or a chunk with
 * a top-level `error` raises a `ProviderError` carrying the partial result,
 * choices are routed by `index`, tool calls are assembled by `index` (or `id`)
 * and parsed once complete, reasoning is read from `reasoning_content` or
 * `reasoning`, and usage from wherever the server put it. A body that ends
 * before every choice has a `finish_reason` raises an
 * `IncompleteStreamError`.
 *
 * @example Stream a chat answer (here from a canned response)
 * ```ts
 * import { OpenAI } from "@sluice/sluice/openai";
 * import assert from "node:assert/strict";
 *
 * const body = [
 *   'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}',
 *   'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}',
 *   "data: [DONE]",
 * ].join("\n\n") + "\n\n";
 * const openai = new OpenAI({
 *   apiKey: "sk-test",
 *   fetch: () => Promise.resolve(new Response(body)),
 * });
 *
 * const stream = openai.chat({ model: "m", messages: [{ role: "user", content: "Hi" }] });
 * let text = "";
 * for await (const delta of stream.textStream) text += delta;
 * assert.equal(text, "Hello");
 * assert.equal((await stream.result()).finishReason, "stop");
 * ```
 */
export class OpenAI {
  /** The base URL every endpoint is resolved against. */
  readonly baseURL: string;
  #options: OpenAIOptions;
  #headers: Headers;
  #apiKey: string | undefined;
  #chatUrl: string;
  #completionsUrl: string;
  #modelsUrl: string;
  #responsesUrl: string;
  #embeddingsUrl: string;

  /**
   * Creates a client. Nothing is sent until a method is called.
   *
   * @throws {TypeError} A `baseURL` that is not an absolute http or https URL.
   */
  constructor(options: OpenAIOptions = {}) {
    const baseUrl = options.baseURL ?? options.baseUrl ?? OPENAI_BASE_URL;
    const base = new URL(baseURLOf(baseUrl, OPENAI_BASE_URL));
    this.baseURL = baseUrl;
    this.#options = { ...options };
    this.#chatUrl = endpoint(base, "/chat/completions");
    this.#completionsUrl = endpoint(base, "/completions");
    this.#modelsUrl = endpoint(base, "/models");
    this.#responsesUrl = endpoint(base, "/responses");
    this.#embeddingsUrl = endpoint(base, "/embeddings");
    this.#apiKey = options.apiKey || undefined;
    const headers = new Headers();
    if (this.#apiKey !== undefined) headers.set("authorization", `Bearer ${this.#apiKey}`);
    if (options.organization) headers.set("openai-organization", options.organization);
    if (options.project) headers.set("openai-project", options.project);
    this.#headers = headers;
  }

  /**
   * Asks for a chat completion and streams it: sends `stream: true` and,
   * unless you set `stream_options`, asks for the token counts
   * (`stream_options: { include_usage: true }`). The stream's result is
   * choice 0's text, reasoning, tool calls and finish reason, with every
   * choice in `choices`.
   *
   * @example Assemble a tool call (here from a canned response)
   * ```ts
   * import { OpenAI } from "@sluice/sluice/openai";
   * import assert from "node:assert/strict";
   *
   * const chunk = (choice: object) =>
   *   `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [choice] })}\n\n`;
   * const body = chunk({
   *   index: 0,
   *   delta: { tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":' } }] },
   *   finish_reason: null,
   * }) + chunk({
   *   index: 0,
   *   delta: { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
   *   finish_reason: "tool_calls",
   * }) + "data: [DONE]\n\n";
   * const openai = new OpenAI({ fetch: () => Promise.resolve(new Response(body)) });
   *
   * const result = await openai.chat({
   *   model: "m",
   *   messages: [{ role: "user", content: "Weather in Paris?" }],
   *   tools: [{ type: "function", function: { name: "get_weather" } }],
   * }).result();
   * assert.deepEqual(result.toolCalls[0]?.arguments, { city: "Paris" });
   * assert.equal(result.choices[0]?.toolCalls[0]?.argumentsText, '{"city":"Paris"}');
   * ```
   */
  chat(
    request: OpenAIChatRequest & { stream?: true | undefined },
    options?: OpenAIChatOptions,
  ): OpenAIChatStream;
  /**
   * Asks for a chat completion and resolves to the complete answer
   * (`stream: false`).
   *
   * @example Get the complete answer at once
   * ```ts
   * import { OpenAI } from "@sluice/sluice/openai";
   * import assert from "node:assert/strict";
   *
   * const completion = {
   *   id: "c1",
   *   object: "chat.completion",
   *   created: 1,
   *   model: "m",
   *   choices: [{ index: 0, message: { role: "assistant", content: "Hi!" }, finish_reason: "stop" }],
   * };
   * const openai = new OpenAI({ fetch: () => Promise.resolve(Response.json(completion)) });
   *
   * const answer = await openai.chat({
   *   model: "m",
   *   messages: [{ role: "user", content: "Hi" }],
   *   stream: false,
   * });
   * assert.equal(answer.choices[0]?.message.content, "Hi!");
   * ```
   */
  chat(
    request: OpenAIChatRequest & { stream: false },
    options?: RequestOptions,
  ): Promise<OpenAIChatCompletion>;
  /**
   * Asks for a chat completion: a stream, or the complete answer when
   * `stream` is `false`.
   */
  chat(
    request: OpenAIChatRequest,
    options?: OpenAIChatOptions,
  ): OpenAIChatStream | Promise<OpenAIChatCompletion>;
  chat(
    request: OpenAIChatRequest,
    options: OpenAIChatOptions = {},
  ): OpenAIChatStream | Promise<OpenAIChatCompletion> {
    const trace = () => openaiTrace("chat", this.#chatUrl, request, () => openaiInput(request));
    if (request.stream === false) {
      return this.#json(this.#chatUrl, "POST", request, options, trace) as Promise<
        OpenAIChatCompletion
      >;
    }
    const resolved = this.#resolve(options, true);
    return streamRequest({
      request: this.#spec(this.#chatUrl, "POST", streamingBody(request), resolved),
      options: resolved,
      protocol: chatProtocol,
      callbacks: callbacksOf(options),
      maxLineLength: options.maxLineLength ?? this.#options.maxLineLength,
      trace,
    });
  }

  /**
   * Asks the legacy `/completions` endpoint to continue a prompt. Streams
   * unless `stream: false`, with the same defaults as
   * {@linkcode OpenAI.chat}; the text is in `choices[].text`.
   *
   * @example Stream a completion (here from a canned response)
   * ```ts
   * import { OpenAI } from "@sluice/sluice/openai";
   * import assert from "node:assert/strict";
   *
   * const chunk = (text: string, finish: string | null) =>
   *   `data: ${JSON.stringify({ id: "c1", object: "text_completion", created: 1, model: "m", choices: [{ text, index: 0, logprobs: null, finish_reason: finish }] })}\n\n`;
   * const body = chunk("This is", null) + chunk(" a test", "length") + "data: [DONE]\n\n";
   * const openai = new OpenAI({ fetch: () => Promise.resolve(new Response(body)) });
   *
   * const stream = openai.completions({ model: "m", prompt: "Say this is a test" });
   * assert.equal(await stream.text(), "This is a test");
   * ```
   */
  completions(
    request: OpenAICompletionRequest & { stream?: true | undefined },
    options?: OpenAICompletionsOptions,
  ): OpenAICompletionStream;
  /**
   * Asks the legacy `/completions` endpoint for a complete answer
   * (`stream: false`).
   *
   * @example Get the complete completion
   * ```ts
   * import { OpenAI } from "@sluice/sluice/openai";
   * import assert from "node:assert/strict";
   *
   * const completion = {
   *   id: "c1",
   *   object: "text_completion",
   *   created: 1,
   *   model: "m",
   *   choices: [{ text: "This is a test", index: 0, logprobs: null, finish_reason: "stop" }],
   * };
   * const openai = new OpenAI({ fetch: () => Promise.resolve(Response.json(completion)) });
   *
   * const answer = await openai.completions({ model: "m", prompt: "Say", stream: false });
   * assert.equal(answer.choices[0]?.text, "This is a test");
   * ```
   */
  completions(
    request: OpenAICompletionRequest & { stream: false },
    options?: RequestOptions,
  ): Promise<OpenAICompletion>;
  /**
   * Asks the legacy `/completions` endpoint: a stream, or the complete answer
   * when `stream` is `false`.
   */
  completions(
    request: OpenAICompletionRequest,
    options?: OpenAICompletionsOptions,
  ): OpenAICompletionStream | Promise<OpenAICompletion>;
  completions(
    request: OpenAICompletionRequest,
    options: OpenAICompletionsOptions = {},
  ): OpenAICompletionStream | Promise<OpenAICompletion> {
    const trace = () =>
      openaiTrace("text_completion", this.#completionsUrl, request, () => openaiInput(request));
    if (request.stream === false) {
      return this.#json(this.#completionsUrl, "POST", request, options, trace) as Promise<
        OpenAICompletion
      >;
    }
    const resolved = this.#resolve(options, true);
    return streamRequest({
      request: this.#spec(this.#completionsUrl, "POST", streamingBody(request), resolved),
      options: resolved,
      protocol: completionsProtocol,
      callbacks: callbacksOf(options),
      maxLineLength: options.maxLineLength ?? this.#options.maxLineLength,
      trace,
    });
  }

  /**
   * Asks the Responses API (`POST /responses`) and streams the answer: sends
   * `stream: true`. The events are typed by `type`; the result holds the
   * output items in order (messages with their annotations, refusals,
   * reasoning items with their summaries and `encrypted_content`, function
   * calls, built-in tool items as received), the text, reasoning, tool calls
   * (the `call_id` as the id, arguments parsed), finish reason and usage, and
   * the response `id` for `previous_response_id`. `response.completed` ends
   * the stream; `response.incomplete` ends it with the reason from
   * `incomplete_details` (`"length"` at `max_output_tokens`); `response.failed`
   * and an `error` event reject with a `ProviderError` carrying the partial
   * result; a body that ends before a terminal event, or a gap in
   * `sequence_number`, with an `IncompleteStreamError`.
   *
   * @example Stream a response (here from a canned one)
   * ```ts
   * import { OpenAI } from "@sluice/sluice/openai";
   * import assert from "node:assert/strict";
   *
   * const response = { id: "resp_1", object: "response", status: "in_progress", model: "gpt-5", output: [] };
   * const message = { type: "message", id: "msg_1", role: "assistant", status: "in_progress", content: [] };
   * const events = [
   *   { type: "response.created", response },
   *   { type: "response.output_item.added", output_index: 0, item: message },
   *   { type: "response.output_text.delta", item_id: "msg_1", output_index: 0, content_index: 0, delta: "Hel" },
   *   { type: "response.output_text.delta", item_id: "msg_1", output_index: 0, content_index: 0, delta: "lo" },
   *   { type: "response.completed", response: { ...response, status: "completed",
   *     usage: { input_tokens: 5, output_tokens: 2, total_tokens: 7 } } },
   * ];
   * const body = events.map((event, i) =>
   *   `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: i })}\n\n`
   * ).join("");
   * const openai = new OpenAI({ apiKey: "sk-test", fetch: () => Promise.resolve(new Response(body)) });
   *
   * const stream = openai.responses({ model: "gpt-5", input: "Say hello" });
   * let text = "";
   * for await (const delta of stream.textStream) text += delta;
   * const result = await stream.result();
   * assert.equal(text, "Hello");
   * assert.equal(result.id, "resp_1");
   * assert.equal(result.finishReason, "stop");
   * assert.equal(result.usage.outputTokens, 2);
   * ```
   */
  responses(
    request: OpenAIResponsesRequest & { stream?: true | undefined },
    options?: OpenAIResponsesOptions,
  ): OpenAIResponsesStream;
  /**
   * Asks the Responses API for the complete response object (`stream: false`).
   *
   * @example Get the complete response at once
   * ```ts
   * import { OpenAI } from "@sluice/sluice/openai";
   * import assert from "node:assert/strict";
   *
   * const response = {
   *   id: "resp_1",
   *   object: "response",
   *   status: "completed",
   *   model: "gpt-5",
   *   output: [{ type: "message", id: "msg_1", role: "assistant", status: "completed",
   *     content: [{ type: "output_text", text: "Hi!", annotations: [] }] }],
   * };
   * const openai = new OpenAI({ fetch: () => Promise.resolve(Response.json(response)) });
   *
   * const answer = await openai.responses({ model: "gpt-5", input: "Hi", stream: false });
   * assert.equal(answer.status, "completed");
   * ```
   */
  responses(
    request: OpenAIResponsesRequest & { stream: false },
    options?: RequestOptions,
  ): Promise<OpenAIResponsesResponse>;
  /**
   * Asks the Responses API: a stream, or the complete response object when
   * `stream` is `false`.
   */
  responses(
    request: OpenAIResponsesRequest,
    options?: OpenAIResponsesOptions,
  ): OpenAIResponsesStream | Promise<OpenAIResponsesResponse>;
  responses(
    request: OpenAIResponsesRequest,
    options: OpenAIResponsesOptions = {},
  ): OpenAIResponsesStream | Promise<OpenAIResponsesResponse> {
    const trace = () =>
      openaiTrace("chat", this.#responsesUrl, request, () => openaiInput(request));
    if (request.stream === false) {
      return this.#json(this.#responsesUrl, "POST", request, options, trace) as Promise<
        OpenAIResponsesResponse
      >;
    }
    const customTools = new Set<string>();
    for (const tool of request.tools ?? []) {
      if (tool.type === "custom" && typeof tool.name === "string") customTools.add(tool.name);
    }
    const resolved = this.#resolve(options, true);
    return streamRequest({
      request: this.#spec(this.#responsesUrl, "POST", { ...request, stream: true }, resolved),
      options: resolved,
      protocol: responsesProtocol(customTools),
      callbacks: callbacksOf(options),
      maxLineLength: options.maxLineLength ?? this.#options.maxLineLength,
      trace,
    });
  }

  /**
   * Lists the models the server offers (`GET /models`).
   *
   * @example List model ids (here from a canned response)
   * ```ts
   * import { OpenAI } from "@sluice/sluice/openai";
   * import assert from "node:assert/strict";
   *
   * const list = {
   *   object: "list",
   *   data: [{ id: "gpt-4.1-mini", object: "model", created: 1, owned_by: "system" }],
   * };
   * const openai = new OpenAI({ fetch: () => Promise.resolve(Response.json(list)) });
   *
   * const models = await openai.models();
   * assert.deepEqual(models.data.map((model) => model.id), ["gpt-4.1-mini"]);
   * ```
   */
  models(options: RequestOptions = {}): Promise<OpenAIModelList> {
    return this.#json(this.#modelsUrl, "GET", undefined, options) as Promise<OpenAIModelList>;
  }

  /**
   * Embeds one text or several (`POST /embeddings`): one vector per input,
   * sorted by `index`. With `encoding_format: "base64"` the server sends each
   * vector as base64 of little-endian float32s, and sluice decodes it: the
   * answer holds numbers either way. The same timeouts, retries and signal
   * apply as to every other call.
   *
   * @example Embed two texts (here against the mock server)
   * ```ts
   * import { OpenAI } from "@sluice/sluice/openai";
   * import { createMockServer } from "@sluice/sluice/testing";
   * import assert from "node:assert/strict";
   *
   * const mock = createMockServer();
   * const openai = new OpenAI({ baseURL: "http://localhost/v1", fetch: mock.fetch });
   *
   * const answer = await openai.embeddings({
   *   model: "text-embedding-3-small",
   *   input: ["sky", "sea"],
   *   encoding_format: "base64",
   * });
   * assert.equal(answer.data.length, 2);
   * assert.equal(typeof answer.data[0]?.embedding[0], "number");
   * ```
   */
  async embeddings(
    request: OpenAIEmbeddingsRequest,
    options: RequestOptions = {},
  ): Promise<OpenAIEmbeddingsResponse> {
    if (typeof request?.model !== "string" || request.input === undefined) {
      throw new TypeError("OpenAI.embeddings() needs a request with a model and an input");
    }
    const trace = () => openaiTrace("embeddings", this.#embeddingsUrl, request);
    const value = await this.#json(this.#embeddingsUrl, "POST", request, options, trace) as Record<
      string,
      unknown
    >;
    const data = value.data;
    if (!Array.isArray(data)) {
      const text = JSON.stringify(value);
      throw new ParseError(`Expected a data array in the embeddings response: ${snippet(text)}`, {
        line: 1,
        snippet: text.slice(0, 40),
      });
    }
    const decoded = data.map((item: Record<string, unknown>, i) => ({
      ...item,
      index: typeof item?.index === "number" ? item.index : i,
      embedding: decodeEmbedding(item?.embedding, i),
    })).sort((a, b) => a.index - b.index);
    const answer = { ...value, data: decoded } as unknown as OpenAIEmbeddingsResponse;
    const response = responseOf(value);
    if (response) rememberResponse(answer, response);
    return answer;
  }

  #resolve(options: RequestOptions, stream: boolean): ResolvedOptions {
    const headers = new Headers(this.#headers);
    headers.set("accept", stream ? "text/event-stream" : "application/json");
    return resolveOptions(this.#options, options, headers);
  }

  #spec(url: string, method: string, body: unknown, resolved: ResolvedOptions): RequestSpec {
    // The credentials are found and redacted by the http layer (`_secrets.ts`).
    const baseUrl = this.baseURL;
    const authorized = [...resolved.headers.keys()].some((name) => CREDENTIAL_NAME.test(name));
    const spec: RequestSpec = {
      url,
      method,
      hint: ({ status, providerMessage }) => {
        if (status === 404 && providerMessage === undefined) {
          // A plain 404 means no such route: most often a baseUrl without its /v1.
          return VERSIONED.test(new URL(baseUrl).pathname)
            ? `check baseURL '${baseUrl}'`
            : `check baseURL '${baseUrl}': it usually ends with the API version, like /v1`;
        }
        if (status === 401 && !authorized) return "no apiKey was given";
        return undefined;
      },
    };
    if (body !== undefined) spec.body = body;
    return spec;
  }

  async #json(
    url: string,
    method: string,
    body: unknown,
    options: RequestOptions,
    trace?: () => TraceRequest,
  ): Promise<unknown> {
    const resolved = this.#resolve(options, false);
    const run = async () => {
      const value = await requestJson(this.#spec(url, method, body, resolved), resolved);
      if (typeof value !== "object" || value === null) {
        const text = value === undefined ? "" : JSON.stringify(value);
        throw new ParseError(`Expected a JSON object in the response body: ${snippet(text)}`, {
          line: 1,
          snippet: text.slice(0, 40),
        });
      }
      // Some compatible servers answer a failure with 200 and an error object.
      const error = (value as { error?: unknown }).error;
      if (error != null) throw providerError(error);
      return value;
    };
    return trace === undefined ? await run() : await traced(resolved, trace, run, openaiResponse);
  }
}

function streamingBody<T extends { stream_options?: unknown }>(request: T): T {
  const body = { ...request, stream: true };
  if (request.stream_options === undefined) body.stream_options = { include_usage: true };
  return body;
}
