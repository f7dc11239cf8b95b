import assert from "node:assert/strict";
import { Gemini } from "../../../src/providers/gemini/mod.ts";
import {
  Anthropic,
  type AnthropicMessage,
  type AnthropicResult,
  type AnthropicStreamEvent,
} from "../../../src/providers/anthropic/mod.ts";
import { HttpError } from "../../../src/errors/http_error.ts";
import { ProviderError } from "../../../src/errors/provider_error.ts";
import { TimeoutError } from "../../../src/errors/timeout_error.ts";
import { delay, fakeFetch, pieceStream, randomSplit, serve, sse } from "./_helpers.ts";

const API_KEY = "sk-ant-api03-secret-key-value";
const REQUEST = {
  model: "claude-sonnet-4-6",
  max_tokens: 1024,
  messages: [{ role: "user" as const, content: "Hi" }],
};
const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8" };
const fixture = (name: string) =>
  fetch(new URL(`../../testdata/anthropic/${name}`, import.meta.url)).then((r) => r.text());

function anthropicError(status: number, type: string, message: string): Response {
  return Response.json({ type: "error", error: { type, message }, request_id: "req_x" }, {
    status,
  });
}

/** The head of a text stream: message_start, a text block and two deltas, no end. */
const HEAD = sse([
  {
    type: "message_start",
    message: {
      id: "msg_h",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-6",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 1 },
    },
  },
  { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
  { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Once" } },
  { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: " upon" } },
]);

/** A server that sends HEAD, then stalls until the client goes away (which it reports). */
function stallingServer() {
  let reportCancel!: () => void;
  const cancelled = new Promise<void>((resolve) => reportCancel = resolve);
  const server = serve(() =>
    new Response(
      pieceStream(randomSplit(new TextEncoder().encode(HEAD), 3, 32), {
        stall: true,
        onCancel: reportCancel,
      }),
      { headers: SSE_HEADERS },
    )
  );
  return { ...server, cancelled };
}

Deno.test("Anthropic sends x-api-key, anthropic-version, JSON and stream: true to /v1/messages", async () => {
  const body = await fixture("text.sse");
  const server = serve(() => new Response(body, { headers: SSE_HEADERS }));
  try {
    const anthropic = new Anthropic({ baseURL: `${server.baseUrl}/`, apiKey: API_KEY });
    const result = await anthropic.messages({
      ...REQUEST,
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      thinking: { type: "enabled", budget_tokens: 1024 },
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
    }, { beta: ["interleaved-thinking-2025-05-14"] }).result();
    assert.equal(result.finishReason, "stop");
    assert.equal(result.rawFinishReason, "end_turn");
    const [request] = server.received;
    assert.ok(request);
    assert.equal(request.method, "POST");
    assert.equal(request.path, "/v1/messages");
    assert.equal(request.headers.get("x-api-key"), API_KEY);
    assert.equal(request.headers.get("anthropic-version"), "2023-06-01");
    assert.equal(request.headers.get("content-type"), "application/json");
    assert.equal(request.headers.get("accept"), "text/event-stream");
    assert.equal(request.headers.get("anthropic-beta"), "interleaved-thinking-2025-05-14");
    assert.equal(request.headers.get("authorization"), null);
    assert.deepEqual(request.body, {
      ...REQUEST,
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      thinking: { type: "enabled", budget_tokens: 1024 },
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      stream: true,
    });
  } finally {
    await server.shutdown();
  }
});

Deno.test("Anthropic takes version and headers from the client, merges beta names, omits x-api-key without a key", async () => {
  const body = await fixture("text.sse");
  const server = serve(() => new Response(body, { headers: SSE_HEADERS }));
  try {
    const anthropic = new Anthropic({
      baseUrl: server.baseUrl,
      version: "2099-01-01",
      headers: { "anthropic-beta": "a-beta", "x-trace": "1" },
    });
    await anthropic.messages(REQUEST, { beta: ["b-beta", "a-beta"], headers: { "x-call": "2" } })
      .result();
    const [request] = server.received;
    assert.ok(request);
    assert.equal(request.headers.get("x-api-key"), null);
    assert.equal(request.headers.get("anthropic-version"), "2099-01-01");
    assert.equal(request.headers.get("anthropic-beta"), "a-beta,b-beta");
    assert.equal(request.headers.get("x-trace"), "1");
    assert.equal(request.headers.get("x-call"), "2");
  } finally {
    await server.shutdown();
  }
});

Deno.test("Anthropic returns the typed complete message with stream: false", async () => {
  const message: AnthropicMessage = {
    id: "msg_full",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-6",
    content: [
      { type: "thinking", thinking: "Easy.", signature: "sig" },
      { type: "text", text: "4" },
      { type: "tool_use", id: "toolu_1", name: "calc", input: { expr: "2+2" } },
    ],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 7, cache_read_input_tokens: 0 },
  };
  const server = serve(() => Response.json(message));
  try {
    const anthropic = new Anthropic({ baseUrl: server.baseUrl, apiKey: API_KEY });
    const reply: AnthropicMessage = await anthropic.messages({ ...REQUEST, stream: false });
    assert.deepEqual(reply, message);
    const [request] = server.received;
    assert.ok(request);
    assert.equal((request.body as { stream: boolean }).stream, false);
    assert.equal(request.headers.get("accept"), "application/json");
    assert.equal(request.headers.get("x-api-key"), API_KEY);
  } finally {
    await server.shutdown();
  }
});

Deno.test("Anthropic never puts the API key in an error message, even when the server echoes it", async () => {
  const server = serve((_request, received) => {
    const echoed = received.headers.get("x-api-key");
    if ((received.body as { stream?: boolean }).stream === false) {
      return anthropicError(401, "authentication_error", `invalid x-api-key: ${echoed}`);
    }
    return new Response(
      sse([{
        type: "error",
        error: { type: "authentication_error", message: `key ${echoed} revoked` },
      }]),
      { headers: SSE_HEADERS },
    );
  });
  try {
    const anthropic = new Anthropic({ baseUrl: server.baseUrl, apiKey: API_KEY });
    const httpError = await anthropic.messages({ ...REQUEST, stream: false }).then(
      () => assert.fail("expected an HttpError"),
      (error) => error,
    );
    assert.ok(httpError instanceof HttpError);
    assert.equal(httpError.status, 401);
    assert.equal(httpError.type, "authentication_error");
    assert.equal(httpError.message, "HTTP 401 Unauthorized: invalid x-api-key: [redacted]");
    for (const text of [httpError.message, httpError.body, String(httpError.providerMessage)]) {
      assert.ok(!text.includes(API_KEY), text);
    }
    const providerError = await anthropic.messages(REQUEST).result().then(
      () => assert.fail("expected a ProviderError"),
      (error) => error,
    );
    assert.ok(providerError instanceof ProviderError);
    assert.equal(providerError.type, "authentication_error");
    assert.ok(!providerError.message.includes(API_KEY), providerError.message);
    assert.ok(!JSON.stringify(providerError.body).includes(API_KEY));
    assert.match(providerError.message, /\[redacted\]/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("Anthropic: leaving for await early aborts the request and the server sees it", async () => {
  const server = stallingServer();
  try {
    const anthropic = new Anthropic({ baseUrl: server.baseUrl, apiKey: API_KEY });
    const stream = anthropic.messages(REQUEST);
    const seen: string[] = [];
    for await (const event of stream) {
      seen.push(event.type);
      if (event.type === "content_block_delta") break;
    }
    assert.deepEqual(seen, ["message_start", "content_block_start", "content_block_delta"]);
    await server.cancelled;
    await assert.rejects(stream.result(), (error: Error) => error.name === "AbortError");
    // The answer up to the stop (one read may have parsed past the event the loop saw).
    assert.match(stream.partial.text, /^Once( upon)?$/);
    assert.equal(stream.partial.id, "msg_h");
  } finally {
    await server.shutdown();
  }
});

Deno.test("Anthropic: cancel() aborts the request and the server sees it", async () => {
  const server = stallingServer();
  try {
    const anthropic = new Anthropic({ baseUrl: server.baseUrl, apiKey: API_KEY });
    const aborted: AnthropicResult[] = [];
    const stream = anthropic.messages(REQUEST, { onAbort: (partial) => aborted.push(partial) });
    const reader = stream.textStream.getReader();
    assert.deepEqual(await reader.read(), { done: false, value: "Once" });
    await stream.cancel();
    assert.equal(aborted.length, 1, "cancel() calls onAbort");
    assert.match(aborted[0]?.text ?? "", /^Once( upon)?$/);
    await server.cancelled;
    await assert.rejects(reader.read(), (error: Error) => error.name === "AbortError");
    await assert.rejects(stream.result(), (error: Error) => error.name === "AbortError");
    assert.match(stream.partial.text, /^Once( upon)?$/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("Anthropic: the caller's signal aborts the request with its reason", async () => {
  const server = stallingServer();
  try {
    const controller = new AbortController();
    const anthropic = new Anthropic({ baseUrl: server.baseUrl, apiKey: API_KEY });
    const aborted: AnthropicResult[] = [];
    const stream = anthropic.messages(REQUEST, {
      signal: controller.signal,
      onText: (text) => {
        if (text === " upon") controller.abort(new Error("user left"));
      },
      onAbort: (partial) => aborted.push(partial),
      onError: () => assert.fail("the caller's abort is not an error"),
    });
    await assert.rejects(stream.result(), { message: "user left" });
    await server.cancelled;
    assert.equal(aborted.length, 1);
    assert.equal(aborted[0]?.text, "Once upon");
    assert.equal(aborted[0]?.id, "msg_h");
    assert.equal(stream.partial.text, "Once upon");
  } finally {
    await server.shutdown();
  }
});

Deno.test("Anthropic: a stalled stream fails with TimeoutError (idle) carrying the partial", async () => {
  const server = stallingServer();
  try {
    const anthropic = new Anthropic({ baseUrl: server.baseUrl, apiKey: API_KEY, idleTimeout: 60 });
    const stream = anthropic.messages(REQUEST);
    const error = await stream.result().then(() => assert.fail("expected a timeout"), (e) => e);
    assert.ok(error instanceof TimeoutError);
    assert.equal(error.phase, "idle");
    assert.equal(error.ms, 60);
    const partial = error.partial as AnthropicResult;
    assert.equal(partial.text, "Once upon");
    assert.equal(partial.id, "msg_h");
    await server.cancelled;
  } finally {
    await server.shutdown();
  }
});

Deno.test("Anthropic retries a 429 after Retry-After, then streams the 200", async () => {
  const body = await fixture("tool-use.sse");
  const server = serve((_request, _received, attempt) =>
    attempt === 1
      ? new Response(
        JSON.stringify({
          type: "error",
          error: { type: "rate_limit_error", message: "Number of request tokens has exceeded" },
        }),
        { status: 429, headers: { "retry-after": "0.05", "content-type": "application/json" } },
      )
      : new Response(body, { headers: SSE_HEADERS })
  );
  try {
    const anthropic = new Anthropic({ baseUrl: server.baseUrl, apiKey: API_KEY, retryDelay: 1 });
    const started = performance.now();
    const result = await anthropic.messages(REQUEST).result();
    assert.ok(performance.now() - started >= 45, "waited for Retry-After");
    assert.equal(server.received.length, 2);
    assert.deepEqual(result.toolCalls, [{
      id: "toolu_01wEhKfy36CnJWgUxLxeZ8kG",
      name: "get_weather",
      arguments: { location: "Lisbon, Portugal", unit: "celsius" },
    }]);
  } finally {
    await server.shutdown();
  }
});

for (
  const [status, type, message] of [
    [529, "overloaded_error", "Overloaded"],
    [500, "api_error", "Internal server error"],
  ] as const
) {
  Deno.test(`Anthropic reports HTTP ${status} as HttpError with Anthropic's message and type`, async () => {
    const server = serve(() => anthropicError(status, type, message));
    try {
      const anthropic = new Anthropic({
        baseUrl: server.baseUrl,
        apiKey: API_KEY,
        maxRetries: 1,
        retryDelay: 1,
      });
      const stream = anthropic.messages(REQUEST);
      const error = await stream.result().then(() => assert.fail("expected HttpError"), (e) => e);
      assert.ok(error instanceof HttpError);
      assert.equal(error.status, status);
      assert.equal(error.type, type);
      assert.equal(error.providerMessage, message);
      assert.match(error.message, new RegExp(`^HTTP ${status}.*: ${message}$`));
      // Every stream error carries partial: empty, as nothing arrived.
      const partial = error.partial as AnthropicResult;
      assert.equal(partial.text, "");
      assert.equal(partial.reasoning, "");
      assert.deepEqual(partial.toolCalls, []);
      assert.deepEqual(partial.usage, {});
      assert.deepEqual(partial.content, []);
      assert.equal(partial.finishReason, undefined);
      assert.equal(server.received.length, 2, "retried once");
      await assert.rejects(stream.response, (e) => e === error);
    } finally {
      await server.shutdown();
    }
  });
}

Deno.test("Anthropic hints that baseURL should not end with /v1 on a 404", async () => {
  const server = serve(() => anthropicError(404, "not_found_error", "Not found"));
  try {
    const anthropic = new Anthropic({ baseURL: `${server.baseUrl}/v1`, maxRetries: 0 });
    await assert.rejects(anthropic.messages({ ...REQUEST, stream: false }), {
      name: "HttpError",
      message: /Not found \(baseURL should not end with \/v1: the client adds it\)$/,
    });
    assert.equal(server.received[0]?.path, "/v1/v1/messages");
  } finally {
    await server.shutdown();
  }
});

Deno.test("Anthropic rejects a baseURL that is not a URL", () => {
  assert.throws(() => new Anthropic({ baseURL: "api.anthropic.com" }), {
    name: "TypeError",
    message: "baseURL must be an absolute http or https URL: received 'api.anthropic.com'",
  });
  // The 0.1 spelling is checked the same way.
  assert.throws(() => new Anthropic({ baseUrl: "api.anthropic.com" }), {
    name: "TypeError",
    message: "baseURL must be an absolute http or https URL: received 'api.anthropic.com'",
  });
});

Deno.test("Anthropic and Gemini reject a baseURL a URL parser takes but fetch cannot use", () => {
  // "localhost:8080" is a URL of the scheme `localhost:`: it would fail only at the first call.
  for (const baseURL of ["localhost:8080", "ftp://files.example/v1"]) {
    for (const make of [() => new Anthropic({ baseURL }), () => new Gemini({ baseURL })]) {
      assert.throws(make, {
        name: "TypeError",
        message: `baseURL must be an absolute http or https URL: received '${baseURL}'`,
      });
    }
  }
  // The same check as OpenAI's, trailing slashes dropped.
  assert.doesNotThrow(() => new Anthropic({ baseURL: "http://localhost:8080/" }));
});

Deno.test("Anthropic takes baseUrl as an alias of baseURL; baseURL wins when both are given", async () => {
  const body = await fixture("text.sse");
  const urls: string[] = [];
  const fetch = (input: string | URL | Request) => {
    urls.push(input instanceof Request ? input.url : String(input));
    return Promise.resolve(new Response(body, { headers: SSE_HEADERS }));
  };
  await new Anthropic({ baseUrl: "http://alias.test/", fetch }).messages(REQUEST).result();
  await new Anthropic({ baseURL: "http://new.test", baseUrl: "http://alias.test", fetch })
    .messages(REQUEST).result();
  assert.deepEqual(urls, ["http://alias.test/v1/messages", "http://new.test/v1/messages"]);
});

Deno.test("Anthropic toResponse({ format: 'sse' }) re-emits Anthropic's framing, which decodes to the same events", async () => {
  for (const name of ["thinking-parallel-tools.sse", "text.sse"]) {
    const body = await fixture(name);
    const upstream = new Anthropic({
      fetch: fakeFetch(randomSplit(new TextEncoder().encode(body), 5, 16)),
    });
    const original: AnthropicStreamEvent[] = [];
    const stream = upstream.messages(REQUEST, { onChunk: (event) => original.push(event) });
    const response = await stream.toResponse({ format: "sse" });
    assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
    const text = await response.text();
    // Every event is written as `event: <type>` + `data: <json>`.
    assert.equal(text.split("\n\n").filter(Boolean).length, original.length);
    assert.ok(text.startsWith("event: message_start\ndata: {"), text.slice(0, 40));

    const downstream = new Anthropic({ fetch: fakeFetch([new TextEncoder().encode(text)]) });
    const again = downstream.messages(REQUEST);
    const events: AnthropicStreamEvent[] = [];
    for await (const event of again) events.push(event);
    assert.deepEqual(events, original);
    assert.deepEqual(await again.result(), await stream.result());
  }
});

Deno.test("Anthropic toResponse writes a mid-stream error as a last SSE error event", async () => {
  const body = await fixture("midstream-error.sse");
  const anthropic = new Anthropic({ fetch: fakeFetch([new TextEncoder().encode(body)]) });
  const text = await (await anthropic.messages(REQUEST).toResponse()).text();
  const last = text.trimEnd().split("\n\n").at(-1) ?? "";
  assert.match(last, /^event: error\ndata: /);
  assert.match(last, /overloaded_error mid-stream: Overloaded/);
});

Deno.test("Anthropic delivers callbacks and the handler object for a stream", async () => {
  const body = await fixture("thinking.sse");
  const server = serve(() => new Response(body, { headers: SSE_HEADERS }));
  try {
    const anthropic = new Anthropic({ baseUrl: server.baseUrl, apiKey: API_KEY });
    const texts: string[] = [];
    const reasoning: string[] = [];
    let finished: AnthropicResult | undefined;
    const done = new Promise<void>((resolve) => {
      anthropic.messages(REQUEST, {
        onText: (text) => texts.push(text),
        onReasoning: (text) => reasoning.push(text),
        handler: {
          onFinish(result) {
            finished = result;
            resolve();
          },
        },
      });
    });
    await done;
    await delay(0);
    assert.equal(texts.join(""), finished?.text);
    assert.ok(reasoning.length > 0);
    assert.equal(reasoning.join(""), finished?.reasoning);
    assert.equal(finished?.content[0]?.type, "thinking");
  } finally {
    await server.shutdown();
  }
});
