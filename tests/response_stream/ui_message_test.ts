// deno-lint-ignore-file no-import-prefix
/**
 * `toResponse({ format: "ui-message" })` speaks the Vercel AI SDK's UI message
 * stream protocol: proved with the real `ai` package's `AbstractChat` (the
 * engine of `useChat`) and `DefaultChatTransport` against a sluice edge
 * handler served by Deno, for a provider stream and a unified tool loop; an
 * upstream error ends `error`; Stop aborts the upstream request. The same in
 * headless Chromium: tests/examples/ai_chat_chromium_test.ts.
 */
import assert from "node:assert/strict";
import type { UIMessage } from "npm:ai@7.0.173";
import { Anthropic, Ollama, OpenAI } from "../../mod.ts";
import { createMockServer } from "../../src/testing/mod.ts";
import { anthropic } from "../../src/unified/mod.ts";
import { streamText } from "../../src/unified/mod.ts";
import { BODIES, fakeFetch } from "../unified/_fakes.ts";
import { Chat } from "../_ai_chat.ts";

function serveHandler(handler: (request: Request) => Response | Promise<Response>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  return {
    url: `http://127.0.0.1:${server.addr.port}/api/chat`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

function lastAssistant(chat: Chat): UIMessage {
  const message = chat.messages.at(-1);
  assert.equal(message?.role, "assistant");
  return message!;
}

Deno.test("ui-message: a provider stream ends ready with the text in AbstractChat", async () => {
  const mock = createMockServer({
    timeToFirstToken: 0,
    tokensPerSecond: Infinity,
    reply: "Hi there, friend.",
  });
  const ollama = new Ollama({ fetch: mock.fetch });
  await using server = serveHandler(async (request) => {
    const { messages } = await request.json();
    assert.equal(messages.at(-1).parts[0].text, "Hello");
    return ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "Hello" }] })
      .toResponse({ format: "ui-message" });
  });
  const chat = new Chat(server.url);
  await chat.sendMessage({ text: "Hello" });
  assert.equal(chat.status, "ready", String(chat.error));
  const message = lastAssistant(chat);
  const types = message.parts.map((part) => part.type);
  assert.deepEqual(types, ["step-start", "text"]);
  const text = message.parts[1] as { text: string; state: string };
  assert.equal(text.text, "Hi there, friend.");
  assert.equal(text.state, "done");
});

Deno.test("ui-message: the headers and the wire format", async () => {
  const mock = createMockServer({ timeToFirstToken: 0, tokensPerSecond: Infinity, reply: "Hi." });
  const response = await new Ollama({ fetch: mock.fetch })
    .chat({ model: "llama3.2", messages: [{ role: "user", content: "Hello" }] })
    .toResponse({ format: "ui-message" });
  assert.equal(response.headers.get("x-vercel-ai-ui-message-stream"), "v1");
  assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
  const events = (await response.text()).trim().split("\n\n").map((event) =>
    event.replace(/^data: /, "")
  );
  assert.equal(events.at(-1), "[DONE]");
  const chunks = events.slice(0, -1).map((event) => JSON.parse(event));
  assert.deepEqual(chunks.map((chunk) => chunk.type).filter((t, i, a) => t !== a[i - 1]), [
    "start",
    "start-step",
    "text-start",
    "text-delta",
    "text-end",
    "finish-step",
    "finish",
  ]);
  const finish = chunks.at(-1);
  assert.equal(finish.finishReason, "stop");
  assert.equal(typeof finish.messageMetadata.usage.outputTokens, "number");
});

Deno.test("ui-message: usage that comes after the finish (OpenAI's last chunk) is in the finish chunk", async () => {
  // With stream_options.include_usage, OpenAI sends the usage in a chunk of its own after the
  // one with finish_reason (as the canned body does).
  const body = BODIES.openai({ text: ["Hi."], finish: "stop", input: 9, output: 2 });
  const response = await new OpenAI({ fetch: () => Promise.resolve(new Response(body)) })
    .chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] })
    .toResponse({ format: "ui-message" });
  const events = (await response.text()).trim().split("\n\n");
  assert.equal(events.at(-1), "data: [DONE]");
  const finish = JSON.parse(events.at(-2)!.replace(/^data: /, ""));
  assert.deepEqual(finish, {
    type: "finish",
    finishReason: "stop",
    messageMetadata: { usage: { inputTokens: 9, outputTokens: 2, totalTokens: 11 } },
  });
});

Deno.test("ui-message: a unified tool loop shows reasoning, the tool call and its output", async () => {
  const { fetch } = fakeFetch([
    BODIES.anthropic({
      reasoning: "Check the weather.",
      text: ["Let me check."],
      toolCalls: [{ id: "call_w1", name: "weather", args: { city: "Paris" } }],
      finish: "tool",
      input: 20,
      output: 8,
    }),
    BODIES.anthropic({ text: ["Sunny", " and 21°C."], finish: "stop", input: 40, output: 6 }),
  ]);
  await using server = serveHandler(() =>
    streamText({
      model: anthropic("claude-sonnet-4-6", { fetch, apiKey: "sk-ant-test", retryDelay: 1 }),
      prompt: "Weather in Paris?",
      tools: {
        weather: {
          parameters: { type: "object", properties: { city: { type: "string" } } },
          execute: () => ({ sky: "sunny", celsius: 21 }),
        },
      },
      maxSteps: 3,
    }).toResponse({ format: "ui-message" })
  );
  const chat = new Chat(server.url);
  await chat.sendMessage({ text: "Weather in Paris?" });
  assert.equal(chat.status, "ready", String(chat.error));
  const parts = lastAssistant(chat).parts as Record<string, unknown>[];
  assert.deepEqual(parts.map((part) => part.type), [
    "step-start",
    "reasoning",
    "text",
    "tool-weather",
    "step-start",
    "text",
  ]);
  assert.equal(parts[1]!.text, "Check the weather.");
  assert.equal(parts[2]!.text, "Let me check.");
  assert.equal(parts[3]!.state, "output-available");
  assert.deepEqual(parts[3]!.input, { city: "Paris" });
  assert.deepEqual(parts[3]!.output, { sky: "sunny", celsius: 21 });
  assert.equal(parts[5]!.text, "Sunny and 21°C.");
});

Deno.test("ui-message: a provider stream's reasoning and streamed tool input reach the chat", async () => {
  const { fetch } = fakeFetch([
    BODIES.anthropic({
      reasoning: "Check the weather.",
      text: ["Let me check."],
      toolCalls: [{ id: "call_w1", name: "weather", args: { city: "Paris" } }],
      finish: "tool",
      input: 20,
      output: 8,
    }),
  ]);
  const client = new Anthropic({ fetch, apiKey: "sk-ant-test" });
  await using server = serveHandler(() =>
    client.messages({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      messages: [{ role: "user", content: "Weather in Paris?" }],
    }).toResponse({ format: "ui-message" })
  );
  const chat = new Chat(server.url);
  await chat.sendMessage({ text: "Weather in Paris?" });
  assert.equal(chat.status, "ready", String(chat.error));
  const parts = lastAssistant(chat).parts as Record<string, unknown>[];
  assert.deepEqual(parts.map((part) => part.type), [
    "step-start",
    "reasoning",
    "text",
    "tool-weather",
  ]);
  assert.equal(parts[1]!.text, "Check the weather.");
  assert.equal(parts[3]!.state, "input-available");
  assert.deepEqual(parts[3]!.input, { city: "Paris" });
});

Deno.test("ui-message: an upstream error ends the chat in error with the message", async () => {
  const mock = createMockServer({ models: ["llama3.2"] });
  const ollama = new Ollama({ fetch: mock.fetch });
  await using server = serveHandler(() =>
    ollama.chat({ model: "llama9", messages: [{ role: "user", content: "Hi" }] })
      .toResponse({ format: "ui-message" })
  );
  const chat = new Chat(server.url);
  await chat.sendMessage({ text: "Hi" });
  assert.equal(chat.status, "error");
  assert.match(chat.error?.message ?? "", /llama9/);
});

Deno.test("ui-message: a mid-stream error ends the chat in error, the partial text kept", async () => {
  const body = JSON.stringify({ message: { role: "assistant", content: "Hel" }, done: false }) +
    "\n" + JSON.stringify({ error: "the model crashed" }) + "\n";
  const ollama = new Ollama({
    fetch: () =>
      Promise.resolve(
        new Response(body, { headers: { "content-type": "application/x-ndjson" } }),
      ),
    maxRetries: 0,
  });
  await using server = serveHandler(() =>
    ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "Hi" }] })
      .toResponse({ format: "ui-message" })
  );
  const chat = new Chat(server.url);
  await chat.sendMessage({ text: "Hi" });
  assert.equal(chat.status, "error");
  assert.match(chat.error?.message ?? "", /the model crashed/);
  const text = lastAssistant(chat).parts.find((part) => part.type === "text") as { text: string };
  assert.equal(text.text, "Hel");
});

Deno.test("ui-message: Stop aborts the upstream request", async () => {
  const mock = createMockServer({ timeToFirstToken: 0, tokensPerSecond: 20 });
  const ollama = new Ollama({ fetch: mock.fetch });
  await using server = serveHandler(() =>
    ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "Tell me a story" }] })
      .toResponse({ format: "ui-message" })
  );
  const chat = new Chat(server.url);
  const sent = chat.sendMessage({ text: "Tell me a story" });
  const deadline = performance.now() + 5_000;
  while (chat.status !== "streaming" && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(chat.status, "streaming");
  await chat.stop();
  await sent;
  assert.equal(chat.status, "ready");
  const request = mock.requests[0]!;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const state = await Promise.race([
    request.settled,
    new Promise((resolve) => timer = setTimeout(() => resolve("still running"), 3_000)),
  ]).finally(() => clearTimeout(timer));
  assert.equal(state, "aborted");
});
