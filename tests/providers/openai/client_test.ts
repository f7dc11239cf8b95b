import assert from "node:assert/strict";
import {
  OpenAI,
  type OpenAIChatCompletion,
  type OpenAIChatResult,
  type OpenAICompletion,
  type OpenAIModelList,
} from "../../../src/providers/openai/mod.ts";
import { HttpError } from "../../../src/errors/http_error.ts";
import { ProviderError } from "../../../src/errors/provider_error.ts";
import { TimeoutError } from "../../../src/errors/timeout_error.ts";
import {
  bytes,
  cannedFetch,
  chunk,
  event,
  MESSAGES,
  piecewiseBody,
  sse,
  sseResponse,
  startServer,
} from "./_helpers.ts";

const OK_BODY = sse([chunk({ role: "assistant", content: "ok" }), chunk({}, { finish: "stop" })]);

// ---------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------

Deno.test("chat sends stream: true, asks for usage and the caller's fields as given", async () => {
  await using server = startServer(() => sseResponse(OK_BODY));
  const client = new OpenAI({
    baseUrl: `${server.origin}/v1/`,
    apiKey: "sk-test-123456",
    organization: "org-1",
    project: "proj-1",
  });
  const tools = [{
    type: "function" as const,
    function: { name: "f", parameters: { type: "object", properties: {} } },
  }];
  const result = await client.chat({
    model: "gpt-4.1-mini",
    messages: [
      { role: "developer", content: "Be brief" },
      { role: "user", content: [{ type: "text", text: "Hi" }] },
    ],
    tools,
    tool_choice: "auto",
    max_completion_tokens: 50,
    top_k: 40, // a vendor field
  }).result();
  assert.equal(result.text, "ok");
  const [request] = server.requests;
  assert.equal(request?.method, "POST");
  assert.equal(request?.path, "/v1/chat/completions");
  assert.deepEqual(request?.body, {
    model: "gpt-4.1-mini",
    messages: [
      { role: "developer", content: "Be brief" },
      { role: "user", content: [{ type: "text", text: "Hi" }] },
    ],
    tools,
    tool_choice: "auto",
    max_completion_tokens: 50,
    top_k: 40,
    stream: true,
    stream_options: { include_usage: true },
  });
  const headers = request?.headers as Headers;
  assert.equal(headers.get("authorization"), "Bearer sk-test-123456");
  assert.equal(headers.get("openai-organization"), "org-1");
  assert.equal(headers.get("openai-project"), "proj-1");
  assert.equal(headers.get("content-type"), "application/json");
  assert.equal(headers.get("accept"), "text/event-stream");
});

Deno.test("the caller's stream_options are kept, and stream is always true", async () => {
  const fetch = cannedFetch(() => sseResponse(OK_BODY));
  const client = new OpenAI({ fetch });
  await client.chat({ model: "m", messages: MESSAGES, stream_options: {} }).result();
  await client.chat({ model: "m", messages: MESSAGES, stream_options: null, stream: true })
    .result();
  await client.chat({
    model: "m",
    messages: MESSAGES,
    stream_options: { include_usage: false, include_obfuscation: false },
  }).result();
  const bodies = await Promise.all(fetch.requests.map((request) => request.json()));
  assert.deepEqual(bodies.map((body) => [body.stream, body.stream_options]), [
    [true, {}],
    [true, null],
    [true, { include_usage: false, include_obfuscation: false }],
  ]);
});

Deno.test("no Authorization header without an apiKey; per-call headers win", async () => {
  const fetch = cannedFetch(() => sseResponse(OK_BODY));
  const client = new OpenAI({ baseUrl: "http://localhost:11434/v1", fetch, headers: { a: "1" } });
  await client.chat({ model: "llama3.2", messages: MESSAGES }, { headers: { a: "2", b: "3" } })
    .result();
  const request = fetch.requests[0] as Request;
  assert.equal(request.url, "http://localhost:11434/v1/chat/completions");
  assert.equal(request.headers.get("authorization"), null);
  assert.equal(request.headers.get("a"), "2");
  assert.equal(request.headers.get("b"), "3");
});

Deno.test("baseURL defaults to OpenAI, tolerates a trailing slash and keeps a query string", async () => {
  const urls: string[] = [];
  const fetch = cannedFetch((request) => {
    urls.push(request.url);
    return Response.json({ object: "list", data: [] });
  });
  const standard = new OpenAI({ fetch });
  assert.equal(standard.baseURL, "https://api.openai.com/v1");
  await standard.models();
  await new OpenAI({ fetch, baseURL: "https://api.groq.com/openai/v1//" }).models();
  await new OpenAI({ fetch, baseURL: "https://x.openai.azure.com/openai/v1?api-version=preview" })
    .models();
  assert.deepEqual(urls, [
    "https://api.openai.com/v1/models",
    "https://api.groq.com/openai/v1/models",
    "https://x.openai.azure.com/openai/v1/models?api-version=preview",
  ]);
  assert.throws(() => new OpenAI({ baseURL: "localhost:11434/v1" }), {
    name: "TypeError",
    message: "baseURL must be an absolute http or https URL: received 'localhost:11434/v1'",
  });
  assert.throws(() => new OpenAI({ baseURL: "/v1" }), TypeError);
});

Deno.test("baseUrl (the 0.1 spelling) still works; baseURL wins when both are given", async () => {
  const urls: string[] = [];
  const fetch = cannedFetch((request) => {
    urls.push(request.url);
    return Response.json({ object: "list", data: [] });
  });
  const alias = new OpenAI({ fetch, baseUrl: "http://localhost:11434/v1" });
  assert.equal(alias.baseURL, "http://localhost:11434/v1");
  await alias.models();
  const both = new OpenAI({
    fetch,
    baseURL: "http://localhost:8080/v1",
    baseUrl: "http://localhost:11434/v1",
  });
  assert.equal(both.baseURL, "http://localhost:8080/v1");
  await both.models();
  assert.deepEqual(urls, ["http://localhost:11434/v1/models", "http://localhost:8080/v1/models"]);
  assert.throws(() => new OpenAI({ baseUrl: "localhost:11434/v1" }), {
    name: "TypeError",
    message: "baseURL must be an absolute http or https URL: received 'localhost:11434/v1'",
  });
});

Deno.test("completions streams the legacy endpoint with include_usage added", async () => {
  await using server = startServer(() =>
    sseResponse(sse([
      {
        id: "cmpl-1",
        object: "text_completion",
        created: 1,
        model: "m",
        choices: [{ text: "A", index: 0, logprobs: null, finish_reason: null }],
      },
      {
        id: "cmpl-1",
        object: "text_completion",
        created: 1,
        model: "m",
        choices: [{ text: "B", index: 1, logprobs: null, finish_reason: "stop" }],
      },
      {
        id: "cmpl-1",
        object: "text_completion",
        created: 1,
        model: "m",
        choices: [{ text: "", index: 0, logprobs: null, finish_reason: "length" }],
      },
      {
        id: "cmpl-1",
        object: "text_completion",
        created: 1,
        model: "m",
        choices: [],
        usage: { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 },
      },
    ]))
  );
  const client = new OpenAI({ baseUrl: `${server.origin}/v1` });
  const result = await client.completions({ model: "m", prompt: "Say", n: 2 }).result();
  assert.equal(result.text, "A");
  assert.deepEqual(result.choices.map((c) => [c.index, c.text, c.finishReason]), [
    [0, "A", "length"],
    [1, "B", "stop"],
  ]);
  assert.equal(result.finishReason, "length");
  assert.equal(result.rawFinishReason, "length");
  const { raw, ...counts } = result.usage;
  assert.deepEqual(counts, { inputTokens: 2, outputTokens: 2, totalTokens: 4 });
  assert.deepEqual(raw, { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 });
  assert.equal(server.requests[0]?.path, "/v1/completions");
  assert.deepEqual(server.requests[0]?.body, {
    model: "m",
    prompt: "Say",
    n: 2,
    stream: true,
    stream_options: { include_usage: true },
  });
});

Deno.test("legacy logprobs are concatenated", async () => {
  const piece = (text: string, offset: number, finish: string | null) => ({
    id: "c",
    object: "text_completion",
    created: 1,
    model: "m",
    choices: [{
      text,
      index: 0,
      finish_reason: finish,
      logprobs: {
        tokens: [text],
        token_logprobs: [-1],
        top_logprobs: [{ [text]: -1 }],
        text_offset: [offset],
      },
    }],
  });
  const client = new OpenAI({
    fetch: cannedFetch(() => sseResponse(sse([piece("a", 0, null), piece("b", 1, "stop")]))),
  });
  const result = await client.completions({ model: "m", prompt: "x", logprobs: 1 }).result();
  assert.deepEqual(result.choices[0]?.logprobs, {
    tokens: ["a", "b"],
    token_logprobs: [-1, -1],
    top_logprobs: [{ a: -1 }, { b: -1 }],
    text_offset: [0, 1],
  });
});

// ---------------------------------------------------------------------------
// Complete answers and models
// ---------------------------------------------------------------------------

Deno.test("stream: false resolves to the typed chat.completion", async () => {
  const completion: OpenAIChatCompletion = {
    id: "chatcmpl-9",
    object: "chat.completion",
    created: 1,
    model: "gpt-4.1-mini-2025-04-14",
    choices: [{
      index: 0,
      message: {
        role: "assistant",
        content: null,
        refusal: null,
        tool_calls: [{
          id: "call_1",
          type: "function",
          function: { name: "f", arguments: '{"a":1}' },
        }],
      },
      logprobs: null,
      finish_reason: "tool_calls",
    }],
    usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
  };
  await using server = startServer(() => Response.json(completion));
  const client = new OpenAI({ baseUrl: `${server.origin}/v1`, apiKey: "sk-abcdef" });
  const answer: OpenAIChatCompletion = await client.chat({
    model: "gpt-4.1-mini",
    messages: MESSAGES,
    stream: false,
  });
  assert.deepEqual(answer, completion);
  const call = answer.choices[0]?.message.tool_calls?.[0];
  assert.equal(call?.type === "function" && call.function.name, "f");
  assert.deepEqual(server.requests[0]?.body, {
    model: "gpt-4.1-mini",
    messages: MESSAGES,
    stream: false,
  });
  assert.equal(server.requests[0]?.headers.get("accept"), "application/json");
  assert.equal(server.requests[0]?.headers.get("authorization"), "Bearer sk-abcdef");
});

Deno.test("stream: false for legacy completions, and models(), are typed", async () => {
  const completion: OpenAICompletion = {
    id: "cmpl-1",
    object: "text_completion",
    created: 1,
    model: "gpt-3.5-turbo-instruct",
    choices: [{ text: "This is a test", index: 0, logprobs: null, finish_reason: "stop" }],
  };
  const list: OpenAIModelList = {
    object: "list",
    data: [{ id: "llama3.2:latest", object: "model", created: 1, owned_by: "library" }],
  };
  await using server = startServer((request) =>
    new URL(request.url).pathname === "/v1/models" ? Response.json(list) : Response.json(completion)
  );
  const client = new OpenAI({ baseUrl: `${server.origin}/v1` });
  const answer: OpenAICompletion = await client.completions({
    model: "m",
    prompt: "x",
    stream: false,
  });
  assert.deepEqual(answer, completion);
  const models: OpenAIModelList = await client.models();
  assert.deepEqual(models, list);
  assert.equal(server.requests[1]?.method, "GET");
  assert.equal(server.requests[1]?.path, "/v1/models");
  assert.equal(server.requests[1]?.body, undefined);
});

Deno.test("stream: false with a 200 error object is a ProviderError", async () => {
  const client = new OpenAI({
    fetch: cannedFetch(() => Response.json({ error: { message: "bad model", type: "invalid" } })),
  });
  await assert.rejects(
    client.chat({ model: "m", messages: MESSAGES, stream: false }),
    (error: unknown) => error instanceof ProviderError && error.message === "bad model",
  );
});

// ---------------------------------------------------------------------------
// HTTP errors and credentials
// ---------------------------------------------------------------------------

Deno.test("the API key never appears in an HttpError, even when the server echoes it", async () => {
  const key = "sk-proj-SECRET0123456789abcdef";
  await using server = startServer((request) =>
    Response.json({
      error: {
        message: `Incorrect API key provided: ${key}. You can find your API key at …`,
        type: "invalid_request_error",
        param: null,
        code: "invalid_api_key",
        echo: request.headers.get("authorization"),
      },
    }, { status: 401, headers: { "x-echo": key } })
  );
  const client = new OpenAI({ baseUrl: `${server.origin}/v1`, apiKey: key, maxRetries: 0 });
  const error = await client.chat({ model: "m", messages: MESSAGES }).result().then(
    () => assert.fail("expected an HttpError"),
    (error: unknown) => error,
  );
  assert.ok(error instanceof HttpError);
  assert.equal(error.status, 401);
  assert.equal(error.type, "invalid_request_error");
  assert.match(error.message, /^HTTP 401 Unauthorized: Incorrect API key provided: \[redacted\]/);
  const everything = [
    error.message,
    error.body,
    error.providerMessage,
    String(error),
    error.stack,
    JSON.stringify(error),
    JSON.stringify(Object.entries(error)),
  ].join("\n");
  assert.ok(!everything.includes(key), everything);
  assert.ok(!everything.includes(key.slice(3)));
});

Deno.test("an api-key header (Azure) is redacted like the apiKey", async () => {
  const key = "azure-key-0123456789";
  const client = new OpenAI({
    headers: { "api-key": key },
    maxRetries: 0,
    fetch: cannedFetch(() =>
      Response.json({ error: { message: `Key ${key} is invalid` } }, { status: 401 })
    ),
  });
  const error = await client.models().catch((error: unknown) => error);
  assert.ok(error instanceof HttpError);
  assert.equal(error.message, "HTTP 401: Key [redacted] is invalid");
  assert.ok(!error.body.includes(key));
});

Deno.test("HTTP errors get a hint about a wrong baseURL or a missing apiKey", async () => {
  const notFound = new OpenAI({
    baseUrl: "http://localhost:11434",
    maxRetries: 0,
    fetch: cannedFetch(() => new Response("404 page not found", { status: 404 })),
  });
  const error = await notFound.chat({ model: "m", messages: MESSAGES }).result().catch((e) => e);
  assert.ok(error instanceof HttpError);
  assert.equal(
    error.message,
    "HTTP 404: 404 page not found (check baseURL 'http://localhost:11434': it usually ends with the API version, like /v1)",
  );
  const versioned = new OpenAI({
    baseUrl: "http://localhost:8080/v1",
    maxRetries: 0,
    fetch: cannedFetch(() => new Response("Not Found", { status: 404 })),
  });
  const plain = await versioned.models().catch((e) => e);
  assert.equal(plain.message, "HTTP 404: Not Found (check baseURL 'http://localhost:8080/v1')");
  const unauthorized = new OpenAI({
    maxRetries: 0,
    fetch: cannedFetch(() =>
      Response.json({ error: { message: "You didn't provide an API key." } }, { status: 401 })
    ),
  });
  const missing = await unauthorized.models().catch((e) => e);
  assert.equal(missing.message, "HTTP 401: You didn't provide an API key. (no apiKey was given)");
});

Deno.test("a 429 with Retry-After is retried, then the stream succeeds", async () => {
  await using server = startServer((_request, attempt) =>
    attempt === 0
      ? Response.json(
        { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } },
        { status: 429, headers: { "retry-after": "0.05" } },
      )
      : sseResponse(OK_BODY)
  );
  const client = new OpenAI({ baseUrl: `${server.origin}/v1`, retryDelay: 1 });
  const started = performance.now();
  const result = await client.chat({ model: "m", messages: MESSAGES }).result();
  assert.equal(result.text, "ok");
  assert.equal(server.requests.length, 2);
  assert.ok(performance.now() - started >= 45, "Retry-After was honoured");
});

Deno.test("a 500 is an HttpError with the provider's message after the retries", async () => {
  await using server = startServer(() =>
    Response.json({
      error: { message: "The server had an error", type: "server_error", param: null, code: null },
    }, { status: 500 })
  );
  const client = new OpenAI({ baseUrl: `${server.origin}/v1`, retryDelay: 1, maxRetries: 2 });
  const error = await client.chat({ model: "m", messages: MESSAGES }).result().catch((e) => e);
  assert.ok(error instanceof HttpError);
  assert.equal(error.status, 500);
  assert.equal(error.message, "HTTP 500 Internal Server Error: The server had an error");
  assert.equal(error.providerMessage, "The server had an error");
  assert.equal(error.type, "server_error");
  assert.equal(server.requests.length, 3);
});

Deno.test("insufficient_quota is not retried", async () => {
  await using server = startServer(() =>
    Response.json({
      error: { message: "You exceeded your current quota", type: "insufficient_quota" },
    }, { status: 429 })
  );
  const client = new OpenAI({ baseUrl: `${server.origin}/v1`, retryDelay: 1 });
  const error = await client.chat({ model: "m", messages: MESSAGES }).result().catch((e) => e);
  assert.ok(error instanceof HttpError);
  assert.equal(error.status, 429);
  assert.equal(server.requests.length, 1);
});

// ---------------------------------------------------------------------------
// Cancellation and timeouts
// ---------------------------------------------------------------------------

/** A server that sends two content chunks and then stalls until the client goes away. */
function stallingServer() {
  return startServer((_request, _attempt, server) =>
    new Response(
      piecewiseBody(
        [
          bytes(event(chunk({ role: "assistant", content: "Hel" }))),
          bytes(event(chunk({ content: "lo" }))),
        ],
        { stall: true, onCancel: () => server.markDisconnected() },
      ),
      { headers: { "content-type": "text/event-stream" } },
    )
  );
}

Deno.test("break out of the loop: the server sees the request aborted", async () => {
  await using server = stallingServer();
  const client = new OpenAI({ baseUrl: `${server.origin}/v1` });
  const aborted: OpenAIChatResult[] = [];
  const stream = client.chat({ model: "m", messages: MESSAGES }, {
    onAbort: (partial) => aborted.push(partial),
    onError: () => assert.fail("a break is not an error"),
  });
  for await (const c of stream) {
    assert.equal(c.choices[0]?.delta.content, "Hel");
    break;
  }
  await server.disconnected;
  await assert.rejects(stream.result(), (error: unknown) => (error as Error).name === "AbortError");
  // The answer up to the stop (what one read parsed may run past the chunk the loop saw).
  assert.match(stream.partial.text, /^Hel(lo)?$/);
  assert.equal(aborted.length, 1);
  assert.equal(aborted[0]?.text, stream.partial.text);
});

Deno.test("cancel(): the server sees the request aborted", async () => {
  await using server = stallingServer();
  const client = new OpenAI({ baseUrl: `${server.origin}/v1` });
  const stream = client.chat({ model: "m", messages: MESSAGES });
  const reader = stream.textStream.getReader();
  assert.equal((await reader.read()).value, "Hel");
  await stream.cancel(new Error("user clicked stop"));
  await server.disconnected;
  await assert.rejects(stream.result(), /user clicked stop/);
  assert.match(stream.partial.text, /^Hel(lo)?$/);
  reader.releaseLock();
});

Deno.test("the caller's signal aborts the request with its reason", async () => {
  await using server = stallingServer();
  const controller = new AbortController();
  const client = new OpenAI({ baseUrl: `${server.origin}/v1` });
  const aborted = Promise.withResolvers<OpenAIChatResult>();
  const stream = client.chat({ model: "m", messages: MESSAGES }, {
    signal: controller.signal,
    onText: (text) => text === "lo" && controller.abort(new Error("navigated away")),
    onAbort: aborted.resolve,
    onError: () => assert.fail("the caller's abort is not an error"),
  });
  await assert.rejects(stream.result(), /navigated away/);
  await server.disconnected;
  assert.equal((await aborted.promise).text, "Hello");
  assert.equal(stream.partial.text, "Hello");
  assert.equal(stream.partial.finishReason, undefined);
});

Deno.test("the idle timeout fires on a stalled stream with the partial result", async () => {
  await using server = stallingServer();
  const client = new OpenAI({ baseUrl: `${server.origin}/v1`, idleTimeout: 60 });
  const error = await client.chat({ model: "m", messages: MESSAGES }).result().catch((e) => e);
  assert.ok(error instanceof TimeoutError, String(error));
  assert.equal(error.phase, "idle");
  assert.equal(error.partial?.text, "Hello");
  await server.disconnected;
});

Deno.test("a mid-stream error event after a 200 is a ProviderError with the partial result", async () => {
  await using server = startServer(() =>
    sseResponse([
      event(chunk({ role: "assistant", content: "Half" })),
      event({ error: { message: "The server had an error", type: "server_error" } }),
      "data: [DONE]\n\n",
    ])
  );
  const client = new OpenAI({ baseUrl: `${server.origin}/v1` });
  const error = await client.chat({ model: "m", messages: MESSAGES }).result().catch((e) => e);
  assert.ok(error instanceof ProviderError);
  assert.equal(error.type, "server_error");
  assert.equal(error.partial?.text, "Half");
});
