/**
 * The mock LLM server: an in-process, web-standard `fetch` handler that speaks
 * Ollama, OpenAI and Anthropic HTTP APIs in their exact wire formats, with
 * deterministic replies, realistic pacing and per-request fault injection.
 * Serve it (`Deno.serve(server.fetch)`, a Worker's `fetch`) or hand
 * `server.fetch` to a client as its `fetch` option — no socket needed.
 *
 * ## Endpoints
 *
 * - Ollama: `POST /api/chat`, `/api/generate` (NDJSON streams by default,
 *   final chunk with nanosecond statistics; `messages: []` or an empty prompt
 *   loads/unloads), `/api/pull` (progress lines), `/api/embed`, `/api/show`,
 *   `/api/copy`; `DELETE /api/delete`; `GET /api/tags`, `/api/ps`,
 *   `/api/version`, `/`.
 * - OpenAI: `POST /v1/chat/completions`, `/v1/completions` (SSE with
 *   `stream: true`, `[DONE]`, the `choices: []` usage chunk with
 *   `stream_options.include_usage`, `n` > 1 interleaved), `/v1/embeddings`,
 *   `GET /v1/models`.
 * - Embeddings (`/api/embed`, `/v1/embeddings`, Gemini `:embedContent` and
 *   `:batchEmbedContents`): the same model and text
 *   always get the same unit vector (16 dimensions unless `dimensions` asks
 *   otherwise; `encoding_format: "base64"` sends little-endian float32s), with
 *   a token count of about one per four characters, plus one per input.
 * - OpenAI Responses: `POST /v1/responses` (typed SSE events with a
 *   `sequence_number`, `response.created` … `response.completed`, or the
 *   response object with `stream: false`); reasoning summaries with
 *   `reasoning.summary` (`encrypted_content` with `include`), function calls,
 *   a refusal for a prompt containing `[refuse]`, `response.incomplete` at
 *   `max_output_tokens`, and `response.failed` for `error-after`.
 * - Anthropic: `POST /v1/messages` (`message_start` … `message_stop` with a
 *   `ping`; requires the `anthropic-version` header and `max_tokens`).
 * - Gemini: `POST /v1beta/models/{model}:streamGenerateContent?alt=sse` (CRLF
 *   `data:` events, no end marker: the last event carries the finish reason)
 *   and `:generateContent`; thoughts with `includeThoughts`, a
 *   `thoughtSignature` on the answer, function calls, `responseSchema`.
 *
 * ## Models
 *
 * `/api/tags` and `/v1/models` list the `models` option. Unset, any model name
 * is served; set, the model endpoints serve only those models (`llama3.2` is
 * `llama3.2:latest`) and answer any other with the provider's 404, the body
 * the `404` fault sends.
 *
 * ## Replies
 *
 * The same model and conversation always get the same reply, streamed or not,
 * in any of the three formats: two or three sentences from a built-in corpus
 * (some non-ASCII), in tokens of one to four words. When tools are offered the
 * reply calls the first one (or the one `tool_choice` names) with arguments
 * generated from its JSON schema — unless the last message is a tool result,
 * which gets a text answer. Reasoning comes when asked for (Ollama `think`,
 * OpenAI `reasoning_effort` → `reasoning_content`, Anthropic `thinking` → a
 * thinking block with a signature). Structured output (Ollama `format`, OpenAI
 * `response_format`, Anthropic forced `tool_choice`) is a JSON document that
 * satisfies the schema, streamed in pieces of two to six characters. Output
 * caps (`num_predict`, `max_tokens`, `max_completion_tokens`) cut the reply
 * and report `length` / `max_tokens`.
 *
 * ## Fault injection
 *
 * Send a header `x-mock-fault: <faults>` or append `:fault=<faults>` to the
 * model name (`llama3.2:fault=429:0.05x2`). `<faults>` is a comma-separated
 * list; any entry may end in `xK` to apply only to the first K attempts of the
 * same path, model and fault (so `500x2` fails twice, then succeeds).
 *
 * | fault | effect |
 * | --- | --- |
 * | `400`…`599` | that HTTP status with the provider's error body (`404`: model not found; `401`: bad key; `429`: rate limit) |
 * | `429:S`, `503:S` | the status with `Retry-After: S` (seconds, fractions allowed; `429` defaults to 1) |
 * | `slow-headers:MS` | wait MS milliseconds before the response headers |
 * | `error-after:N` | N frames, then the provider's in-stream error (Ollama `{"error":…}` line, OpenAI `data: {"error":…}` + `[DONE]`, Anthropic `event: error` `overloaded_error`, Gemini `data: {"error":…}` `UNAVAILABLE`); non-streaming: HTTP 500 (Anthropic 529) |
 * | `disconnect-after:N` | N frames, then the body ends cleanly without the end marker |
 * | `reset-after:N` | N frames, then the body errors (a network error for the client) |
 * | `stall-after:N` | N frames, then silence with the connection open until the client aborts |
 * | `malformed:N` | a frame that is not JSON after N frames (default 1), then the rest |
 * | `long-line:SIZE` | the first text delta padded with SIZE `x` characters (default 8 MiB + 1, just over the decoders' default limit) |
 * | `keepalive-only:MS` | only keep-alives every MS ms (default 15) until the client aborts: OpenAI `: keep-alive` comments, Anthropic `ping` events, Ollama (which has none) silence |
 *
 * Frame counts include every frame (an Anthropic `message_start` is one) and
 * are capped so that the end marker is never sent. Non-streaming requests get
 * the body cut or stalled in its middle.
 *
 * @example Serve the mock and stream an Ollama reply
 * ```ts
 * import { createMockServer } from "@sluice/sluice/testing";
 * import { Ollama } from "@sluice/sluice/ollama";
 *
 * const mock = createMockServer({ timeToFirstToken: 300, tokensPerSecond: 30 });
 * // With `port: 8787` (here any free port), try it from a shell:
 * // curl http://localhost:8787/api/chat -d '{"model":"llama3.2","messages":[{"role":"user","content":"Hi"}]}'
 * const server = Deno.serve({ port: 0, onListen() {} }, mock.fetch);
 *
 * const ollama = new Ollama({ baseURL: `http://localhost:${server.addr.port}` });
 * const stream = ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "Hi" }] });
 * for await (const text of stream.textStream) console.log(text); // about 30 pieces a second
 * await server.shutdown();
 * ```
 *
 * @example Inject a fault and observe the abort
 * ```ts
 * import { createMockServer } from "@sluice/sluice/testing";
 * import assert from "node:assert/strict";
 *
 * const server = createMockServer();
 * const controller = new AbortController();
 * const response = await server.fetch("http://mock/v1/chat/completions", {
 *   method: "POST",
 *   headers: { "x-mock-fault": "stall-after:2" },
 *   body: JSON.stringify({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "Hi" }], stream: true }),
 *   signal: controller.signal,
 * });
 * const reader = response.body!.getReader();
 * await reader.read();
 * controller.abort();
 * await assert.rejects(reader.read());
 * assert.equal(await server.requests[0]!.settled, "aborted");
 * ```
 *
 * @module
 */
export { createMockServer } from "./create_mock_server.ts";
export { type MockReplyRequest, MockServer, type MockServerOptions } from "./mock_server.ts";
export type { MockRequestRecord, MockRequestState } from "./mock_request_record.ts";
