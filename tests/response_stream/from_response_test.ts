/**
 * `fromResponse()` reads back what a sluice edge handler re-emitted with
 * `toResponse()` — sse, ndjson, text, ui-message — as a stream object: items,
 * `textStream`, `result()`, `partial`, callbacks; `cancel()` / `break`
 * cancel the fetch; a non-2xx is the same typed `HttpError` (issue 17).
 */
import assert from "node:assert/strict";
import { Anthropic, fromResponse, HttpError, Ollama, OpenAI, ProviderError } from "../../mod.ts";
import { createMockServer } from "../../src/testing/mod.ts";
import { anthropic, streamText } from "../../src/unified/mod.ts";
import { BODIES, fakeFetch } from "../unified/_fakes.ts";

type Format = "sse" | "ndjson" | "text" | "ui-message";

const TOOL_ANSWER = {
  reasoning: "Check the weather.",
  text: ["Let me check."],
  toolCalls: [{ id: "call_w1", name: "weather", args: { city: "Paris" } }],
  finish: "tool" as const,
  input: 20,
  output: 8,
};
const FINAL_ANSWER = {
  text: ["Sunny", " and 21°C."],
  finish: "stop" as const,
  input: 40,
  output: 6,
};

/** An edge handler running streamText's two-step tool loop, served by Deno. */
function serveUnified(format: Format) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    const { fetch } = fakeFetch([BODIES.anthropic(TOOL_ANSWER), BODIES.anthropic(FINAL_ANSWER)]);
    return streamText({
      model: anthropic("claude-sonnet-4-6", { fetch, apiKey: "sk-ant-test", retryDelay: 1 }),
      prompt: "Weather in Paris?",
      tools: {
        weather: {
          parameters: { type: "object", properties: { city: { type: "string" } } },
          execute: () => ({ sky: "sunny", celsius: 21 }),
        },
      },
      maxSteps: 3,
    }).toResponse({ format });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

for (const format of ["sse", "ndjson", "ui-message"] as const) {
  Deno.test(`fromResponse reads a unified stream re-emitted as ${format}`, async () => {
    await using server = serveUnified(format);
    const texts: string[] = [];
    let finished: unknown;
    const stream = fromResponse(fetch(server.url), {
      onText: (text) => texts.push(text),
      onFinish: (result) => finished = result,
    });
    let items = 0;
    for await (const _item of stream) items++;
    assert.ok(items > 5, `${items} items`);
    const result = await stream.result();
    assert.equal(result.text, "Let me check.Sunny and 21°C.");
    assert.equal(result.reasoning, "Check the weather.");
    assert.equal(result.toolCalls[0]?.name, "weather");
    assert.deepEqual(result.toolCalls[0]?.arguments, { city: "Paris" });
    assert.equal(result.finishReason, "stop");
    assert.equal(texts.join(""), result.text);
    assert.equal(finished, result);
    assert.equal(stream.partial.text, result.text);
  });
}

Deno.test("fromResponse reads plain text back through textStream", async () => {
  await using server = serveUnified("text");
  const stream = fromResponse(fetch(server.url));
  const texts: string[] = [];
  for await (const text of stream.textStream) texts.push(text);
  assert.equal(texts.join(""), "Let me check.Sunny and 21°C.");
  assert.equal((await stream.result()).text, "Let me check.Sunny and 21°C.");
});

Deno.test("fromResponse: a non-2xx is the same typed HttpError", async () => {
  const mock = createMockServer({ models: ["llama3.2"] });
  const ollama = new Ollama({ fetch: mock.fetch });
  const response = await ollama.chat({
    model: "llama9",
    messages: [{ role: "user", content: "Hi" }],
  })
    .toResponse();
  const stream = fromResponse(response);
  const error = await stream.result().then(() => undefined, (error) => error);
  assert.ok(error instanceof HttpError, String(error));
  assert.equal(error.status, 404);
  assert.match(error.message, /llama9/);
  await assert.rejects(stream.response, HttpError);
});

Deno.test("fromResponse: an in-band error after some text keeps the partial", async () => {
  const body = 'data: {"type":"text-delta","text":"Hel"}\n\n' +
    'event: error\ndata: {"error":{"type":"ProviderError","message":"the model crashed"}}\n\n';
  const stream = fromResponse(
    new Response(body, { headers: { "content-type": "text/event-stream" } }),
  );
  const error = await stream.result().then(() => undefined, (error) => error);
  assert.ok(error instanceof ProviderError);
  assert.equal(error.message, "the model crashed");
  assert.equal(error.partial?.text, "Hel");
  assert.equal(stream.partial.text, "Hel");
});

Deno.test("fromResponse: break cancels the response body (the fetch)", async () => {
  const mock = createMockServer({ timeToFirstToken: 0, tokensPerSecond: 50 });
  const ollama = new Ollama({ fetch: mock.fetch });
  const upstream = ollama.chat({
    model: "llama3.2",
    messages: [{ role: "user", content: "Tell me a story" }],
  });
  const response = await upstream.toResponse({ format: "ui-message" });
  const stream = fromResponse(response);
  for await (const text of stream.textStream) {
    assert.ok(text);
    break;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const state = await Promise.race([
    mock.requests[0]!.settled,
    new Promise((resolve) => timer = setTimeout(() => resolve("still running"), 3_000)),
  ]).finally(() => clearTimeout(timer));
  assert.equal(state, "aborted");
});

/** A provider client's stream of the answer (reasoning, text, a tool call), and its client name. */
const CLIENT_STREAMS = {
  ollama: (fetch: typeof globalThis.fetch) =>
    new Ollama({ fetch }).chat({ model: "llama3.2", messages: [{ role: "user", content: "Hi" }] }),
  openai: (fetch: typeof globalThis.fetch) =>
    new OpenAI({ fetch, apiKey: "sk-test" }).chat({
      model: "gpt-5",
      messages: [{ role: "user", content: "Hi" }],
    }),
  anthropic: (fetch: typeof globalThis.fetch) =>
    new Anthropic({ fetch, apiKey: "sk-ant-test" }).messages({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      messages: [{ role: "user", content: "Hi" }],
    }),
};

const PROTOCOL_NAMES = {
  ollama: "ollama.chat",
  openai: "openai.chat",
  anthropic: "anthropic.messages",
};

for (const provider of ["ollama", "openai", "anthropic"] as const) {
  for (const format of ["sse", "ndjson"] as const) {
    Deno.test(`fromResponse reads ${provider}'s own chunks re-emitted as ${format} with its reader`, async () => {
      const { fetch } = fakeFetch([BODIES[provider](TOOL_ANSWER)]);
      const upstream = CLIENT_STREAMS[provider](fetch);
      const response = await upstream.toResponse({ format });
      assert.equal(response.headers.get("x-sluice-protocol"), PROTOCOL_NAMES[provider]);
      assert.equal(response.headers.get("access-control-expose-headers"), "x-sluice-protocol");
      const texts: string[] = [];
      const stream = fromResponse(response, { onText: (text) => texts.push(text) });
      let items = 0;
      for await (const _chunk of stream) items++;
      const back = await stream.result();
      const sent = await upstream.result();
      // The same result the server side assembled, read by the provider's own reader.
      for (const key of ["text", "reasoning", "toolCalls", "finishReason", "rawFinishReason"]) {
        assert.deepEqual(back[key as keyof typeof back], sent[key as keyof typeof sent], key);
      }
      assert.deepEqual(back.usage, sent.usage);
      assert.equal(texts.join(""), sent.text);
      assert.equal(back.text, "Let me check.");
      assert.equal(back.toolCalls[0]?.name, "weather");
      assert.ok(items > 0);
    });
  }
}

Deno.test("fromResponse: a provider stream's in-band error, as sse or ndjson, keeps the partial", async () => {
  for (const format of ["sse", "ndjson"] as const) {
    const mock = createMockServer({ timeToFirstToken: 0, tokensPerSecond: 1000 });
    const upstream = new Ollama({ fetch: mock.fetch }).chat({
      // The mock breaks the stream off with an in-band error after a few tokens.
      model: "llama3.2:fault=error-after:3",
      messages: [{ role: "user", content: "Hi" }],
    });
    const stream = fromResponse(await upstream.toResponse({ format }));
    const error = await stream.result().then(() => undefined, (error) => error);
    assert.ok(error instanceof ProviderError, `${format}: ${error}`);
    assert.ok(stream.partial.text.length > 0, format);
    assert.equal(error.partial?.text, stream.partial.text);
  }
});

Deno.test("fromResponse: a protocol name it does not know (or an Object key) reads the items as parts", async () => {
  for (const name of ["constructor", "ollama.chat.v9"]) {
    const body = 'data: {"type":"text-delta","text":"Hi"}\n\n' +
      'data: {"type":"finish","finishReason":"stop","rawFinishReason":"stop"}\n\n';
    const stream = fromResponse(
      new Response(body, {
        headers: { "content-type": "text/event-stream", "x-sluice-protocol": name },
      }),
    );
    const result = await stream.result();
    assert.equal(result.text, "Hi", name);
    assert.equal(result.finishReason, "stop", name);
  }
});
