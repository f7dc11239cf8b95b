import type { RequestOptions } from "../../http/request_options.ts";
import { resolveOptions } from "../../http/_resolve_options.ts";
import type { RequestSpec } from "../../http/_open_request.ts";
import { baseURLOf } from "../../http/_secrets.ts";
import { requestJson } from "../../http/_request_json.ts";
import type { ResponseStream } from "../../response_stream/response_stream.ts";
import { streamRequest } from "../../response_stream/_http_stream.ts";
import { traced } from "../../shared/_trace.ts";
import { anthropicResponse, anthropicTrace } from "./_trace.ts";
import type { StreamOptions } from "../../response_stream/types.ts";
import { callbacksOf } from "../../response_stream/_callbacks.ts";
import { messagesProtocol } from "./_protocol.ts";
import type { AnthropicResult } from "./anthropic_result.ts";
import type { AnthropicMessage, AnthropicMessagesRequest, AnthropicStreamEvent } from "./types.ts";

/** The default {@linkcode AnthropicOptions.baseURL}. */
const DEFAULT_BASE_URL = "https://api.anthropic.com";
/** The default {@linkcode AnthropicOptions.version}. */
const DEFAULT_VERSION = "2023-06-01";

/** Options of an {@linkcode Anthropic} client; the request options apply to every call. */
export interface AnthropicOptions extends RequestOptions {
  /**
   * The API's origin, without `/v1` (a trailing slash is fine). Point it at a
   * proxy or gateway that speaks the Messages API.
   *
   * @default {"https://api.anthropic.com"}
   */
  baseURL?: string;
  /** The same as {@linkcode AnthropicOptions.baseURL} (the spelling of sluice 0.1). */
  baseUrl?: string;
  /**
   * The API key, sent as `x-api-key`. Leave it out when a proxy adds
   * credentials. It never appears in an error message, even when a server
   * echoes it.
   */
  apiKey?: string | undefined;
  /**
   * The `anthropic-version` header.
   *
   * @default {"2023-06-01"}
   */
  version?: string;
}

/** The options of one call: the request options and beta features. */
export interface AnthropicRequestOptions extends RequestOptions {
  /** Beta features to enable for this call, sent as the `anthropic-beta` header. */
  beta?: readonly string[];
}

/** The options of one streaming call: request options, beta features and callbacks. */
export interface AnthropicMessagesOptions
  extends AnthropicRequestOptions, StreamOptions<AnthropicStreamEvent, AnthropicResult> {}

/** A request that streams (`stream` left out or `true`). */
export interface AnthropicStreamingRequest extends AnthropicMessagesRequest {
  /**
   * Stream the answer as typed events.
   *
   * @default {true}
   */
  stream?: true;
}

/** A request for one complete message (`stream: false`). */
export interface AnthropicNonStreamingRequest extends AnthropicMessagesRequest {
  /** Wait for the complete message. */
  stream: false;
}

function betaHeader(existing: string | null, beta: readonly string[]): string {
  const names = existing === null ? [] : existing.split(",").map((name) => name.trim());
  for (const name of beta) if (!names.includes(name)) names.push(name);
  return names.filter((name) => name !== "").join(",");
}

/**
 * A client for Anthropic's Messages API that streams with web standards only.
 * `messages()` returns a {@linkcode ResponseStream} of Anthropic's typed
 * events at once (iterate it, read `textStream`, `await result()`, or hand it
 * on with `toResponse()`), or with `stream: false` a promise of the complete
 * {@linkcode AnthropicMessage}.
 *
 * @example Stream an answer
 * ```ts
 * import { Anthropic } from "@sluice/sluice/anthropic";
 * import assert from "node:assert/strict";
 *
 * // A canned response stands in for the API here.
 * const events = [
 *   { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant",
 *     model: "claude-sonnet-4-6", content: [], stop_reason: null, stop_sequence: null,
 *     usage: { input_tokens: 12, output_tokens: 1 } } },
 *   { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
 *   { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hello" } },
 *   { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: " there" } },
 *   { type: "content_block_stop", index: 0 },
 *   { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null },
 *     usage: { output_tokens: 3 } },
 *   { type: "message_stop" },
 * ];
 * const body = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
 * const fetch = () => Promise.resolve(new Response(body));
 *
 * const anthropic = new Anthropic({ apiKey: "sk-ant-example", fetch });
 * const stream = anthropic.messages({
 *   model: "claude-sonnet-4-6",
 *   max_tokens: 1024,
 *   messages: [{ role: "user", content: "Say hello" }],
 * });
 * const pieces = [];
 * for await (const text of stream.textStream) pieces.push(text);
 * const result = await stream.result();
 * assert.deepEqual(pieces, ["Hello", " there"]);
 * assert.equal(result.finishReason, "stop");
 * assert.equal(result.rawFinishReason, "end_turn");
 * assert.equal(result.usage.outputTokens, 3);
 * ```
 */
export class Anthropic {
  #options: AnthropicOptions;
  #url: string;
  #apiKey: string | undefined;
  #version: string;

  /**
   * Creates a client. Nothing is sent until a call.
   *
   * @throws {TypeError} A `baseURL` that is not an absolute http or https URL.
   */
  constructor(options: AnthropicOptions = {}) {
    this.#options = options;
    const base = baseURLOf(options.baseURL ?? options.baseUrl, DEFAULT_BASE_URL);
    this.#url = `${base}/v1/messages`;
    this.#apiKey = options.apiKey;
    this.#version = options.version ?? DEFAULT_VERSION;
  }

  /**
   * Streams a reply as Anthropic's typed events: `message_start`,
   * `content_block_start`/`_delta`/`_stop`, `message_delta`, `message_stop`
   * and `ping`. `result()` assembles the message: text, thinking with its
   * signature, tool calls with parsed input, stop reason and usage. An
   * `event: error` fails the stream with a `ProviderError` (its `type` is
   * Anthropic's, e.g. `"overloaded_error"`); a body that ends before
   * `message_stop` with an `IncompleteStreamError`. Both carry the partial
   * result.
   *
   * @example Run a tool call
   * ```ts
   * import { Anthropic } from "@sluice/sluice/anthropic";
   * import assert from "node:assert/strict";
   *
   * const events = [
   *   { type: "message_start", message: { id: "msg_2", type: "message", role: "assistant",
   *     model: "claude-sonnet-4-6", content: [], stop_reason: null, stop_sequence: null,
   *     usage: { input_tokens: 40, output_tokens: 1 } } },
   *   { type: "content_block_start", index: 0,
   *     content_block: { type: "tool_use", id: "toolu_1", name: "get_weather", input: {} } },
   *   { type: "content_block_delta", index: 0,
   *     delta: { type: "input_json_delta", partial_json: '{"city": "Lis' } },
   *   { type: "content_block_delta", index: 0,
   *     delta: { type: "input_json_delta", partial_json: 'bon"}' } },
   *   { type: "content_block_stop", index: 0 },
   *   { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null },
   *     usage: { output_tokens: 20 } },
   *   { type: "message_stop" },
   * ];
   * const body = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
   * const anthropic = new Anthropic({ fetch: () => Promise.resolve(new Response(body)) });
   *
   * const result = await anthropic.messages({
   *   model: "claude-sonnet-4-6",
   *   max_tokens: 1024,
   *   tools: [{
   *     name: "get_weather",
   *     input_schema: { type: "object", properties: { city: { type: "string" } } },
   *   }],
   *   messages: [{ role: "user", content: "Weather in Lisbon?" }],
   * }).result();
   * assert.equal(result.finishReason, "tool-calls");
   * assert.equal(result.rawFinishReason, "tool_use");
   * assert.deepEqual(result.toolCalls, [
   *   { id: "toolu_1", name: "get_weather", arguments: { city: "Lisbon" } },
   * ]);
   * ```
   */
  messages(
    request: AnthropicStreamingRequest,
    options?: AnthropicMessagesOptions,
  ): ResponseStream<AnthropicStreamEvent, AnthropicResult>;
  /**
   * Sends a request with `stream: false` and resolves to the complete message.
   *
   * @example Wait for the whole message
   * ```ts
   * import { Anthropic } from "@sluice/sluice/anthropic";
   * import assert from "node:assert/strict";
   *
   * const message = {
   *   id: "msg_3", type: "message", role: "assistant", model: "claude-sonnet-4-6",
   *   content: [{ type: "text", text: "Hi!" }], stop_reason: "end_turn", stop_sequence: null,
   *   usage: { input_tokens: 9, output_tokens: 3 },
   * };
   * const anthropic = new Anthropic({ fetch: () => Promise.resolve(Response.json(message)) });
   *
   * const reply = await anthropic.messages({
   *   model: "claude-sonnet-4-6",
   *   max_tokens: 256,
   *   stream: false,
   *   messages: [{ role: "user", content: "Hi" }],
   * });
   * assert.equal(reply.content[0]?.type === "text" && reply.content[0].text, "Hi!");
   * ```
   */
  messages(
    request: AnthropicNonStreamingRequest,
    options?: AnthropicRequestOptions,
  ): Promise<AnthropicMessage>;
  /**
   * Streams, or with `stream: false` resolves to the complete message (for a
   * `stream` flag only known at run time).
   *
   * @example Decide at run time (here against the mock server)
   * ```ts
   * import { Anthropic } from "@sluice/sluice/anthropic";
   * import { createMockServer } from "@sluice/sluice/testing";
   * import assert from "node:assert/strict";
   *
   * const anthropic = new Anthropic({ fetch: createMockServer().fetch });
   * const request = {
   *   model: "claude-sonnet-4-6",
   *   max_tokens: 256,
   *   messages: [{ role: "user" as const, content: "Hi" }],
   * };
   *
   * const contents = [];
   * for (const wantStream of [true, false]) {
   *   const reply = anthropic.messages({ ...request, stream: wantStream });
   *   // A stream assembles the same message a `stream: false` call resolves to
   *   const message = reply instanceof Promise ? await reply : (await reply.result()).message;
   *   contents.push(message?.content);
   * }
   * assert.deepEqual(contents[0], contents[1]);
   * ```
   */
  messages(
    request: AnthropicMessagesRequest,
    options?: AnthropicMessagesOptions,
  ): ResponseStream<AnthropicStreamEvent, AnthropicResult> | Promise<AnthropicMessage>;
  messages(
    request: AnthropicMessagesRequest,
    options: AnthropicMessagesOptions = {},
  ): ResponseStream<AnthropicStreamEvent, AnthropicResult> | Promise<AnthropicMessage> {
    const trace = () => anthropicTrace(this.#url, request);
    if (request.stream === false) {
      return Promise.resolve().then(() => {
        const { spec, resolved } = this.#prepare(request, options, "application/json");
        return traced(
          resolved,
          trace,
          () => requestJson(spec, resolved) as Promise<AnthropicMessage>,
          anthropicResponse,
        );
      });
    }
    const { spec, resolved } = this.#prepare(
      { ...request, stream: true },
      options,
      "text/event-stream",
    );
    return streamRequest({
      request: spec,
      options: resolved,
      protocol: messagesProtocol,
      callbacks: callbacksOf(options),
      maxLineLength: options.maxLineLength ?? this.#options.maxLineLength,
      trace,
    });
  }

  #prepare(body: AnthropicMessagesRequest, options: AnthropicRequestOptions, accept: string) {
    const base: Record<string, string> = {
      "anthropic-version": this.#version,
      "content-type": "application/json",
      accept,
    };
    if (this.#apiKey !== undefined) base["x-api-key"] = this.#apiKey;
    const resolved = resolveOptions(this.#options, options, base);
    const headers = resolved.headers;
    if (options.beta !== undefined && options.beta.length > 0) {
      headers.set("anthropic-beta", betaHeader(headers.get("anthropic-beta"), options.beta));
    }
    const url = this.#url;
    const spec: RequestSpec = {
      url,
      method: "POST",
      body,
      hint: ({ status }) =>
        status === 404 && url.endsWith("/v1/v1/messages")
          ? "baseURL should not end with /v1: the client adds it"
          : undefined,
    };
    return { spec, resolved };
  }
}
