/**
 * The mock as the `fetch` of sluice's own clients: what a real client makes of
 * its replies and faults (no socket involved).
 */
import assert from "node:assert/strict";
import { createMockServer } from "../../src/testing/mod.ts";
import { Ollama } from "../../src/providers/ollama/mod.ts";
import { OpenAI } from "../../src/providers/openai/mod.ts";
import { Anthropic } from "../../src/providers/anthropic/mod.ts";
import { IncompleteStreamError } from "../../src/errors/incomplete_stream_error.ts";
import { ProviderError } from "../../src/errors/provider_error.ts";
import { TimeoutError } from "../../src/errors/timeout_error.ts";
import { ask, WEATHER_SCHEMA, WEATHER_TOOL } from "./_helpers.ts";

Deno.test("Ollama client streams the mock's reply, identical to the non-streaming one", async () => {
  const server = createMockServer();
  const ollama = new Ollama({ fetch: server.fetch, retryDelay: 1 });
  const request = { model: "qwen3:8b", messages: ask("Hi"), think: true };
  const result = await ollama.chat(request).result();
  const complete = await ollama.chat({ ...request, stream: false });
  assert.equal(result.text, complete.message.content);
  assert.equal(result.reasoning, complete.message.thinking);
  assert.equal(result.finishReason, "stop");
  assert.equal(result.rawFinishReason, complete.done_reason);
  assert.equal(result.usage.outputTokens, complete.eval_count);
  assert.equal(result.usage.inputTokens, complete.prompt_eval_count);
  assert.equal(result.usage.totalTokens, complete.prompt_eval_count! + complete.eval_count!);

  const tools = await ollama.chat({
    model: "qwen3:8b",
    messages: ask("Weather?"),
    tools: [WEATHER_TOOL],
  })
    .result();
  assert.equal(tools.toolCalls[0]?.name, "get_weather");
  assert.equal(typeof tools.toolCalls[0]?.id, "string");
  assert.notEqual(tools.toolCalls[0]?.id, "");
  assert.equal(typeof (tools.toolCalls[0]?.arguments as { city: unknown }).city, "string");
  assert.equal(tools.finishReason, "tool-calls");
});

Deno.test("Ollama client: break, mid-stream errors, truncation and stalls reach the mock and the caller", async () => {
  const server = createMockServer({ tokensPerSecond: 1000 });
  const ollama = new Ollama({ fetch: server.fetch, retryDelay: 1, idleTimeout: 60 });
  for await (const _ of ollama.chat({ model: "llama3.2", messages: ask("Hi") })) break;
  assert.equal(await server.requests[0]!.settled, "aborted");

  const failing = ollama.chat({ model: "llama3.2:fault=error-after:2", messages: ask("Hi") });
  const error = await failing.result().catch((e) => e);
  assert(error instanceof ProviderError, String(error));
  assert(error.partial !== undefined);
  assert.equal(error.partial.finishReason, undefined);

  const cut = ollama.chat({ model: "llama3.2:fault=disconnect-after:2", messages: ask("Hi") });
  const cutError = await cut.result().catch((e) => e);
  assert(cutError instanceof IncompleteStreamError, String(cutError));
  assert(cutError.partial !== undefined);

  const stalled = ollama.chat({ model: "llama3.2:fault=stall-after:2", messages: ask("Hi") });
  const timeout = await stalled.result().catch((e) => e);
  assert(timeout instanceof TimeoutError, String(timeout));
  assert.equal(timeout.phase, "idle");
  assert.equal(await server.requests.at(-1)!.settled, "aborted");

  const retried = await ollama.chat({
    model: "llama3.2:fault=503:0.01x1",
    messages: ask("Hi"),
    stream: false,
  });
  assert.equal(retried.done, true);
});

Deno.test("OpenAI client assembles the mock's tool call and usage", async () => {
  // recordCredentials: the test checks the key the client sent.
  const server = createMockServer({ recordCredentials: true });
  const openai = new OpenAI({ fetch: server.fetch, apiKey: "sk-mock", retryDelay: 1 });
  const stream = openai.chat({
    model: "gpt-4.1-mini",
    messages: ask("Weather?"),
    tools: [WEATHER_TOOL],
    stream_options: { include_usage: true },
  });
  const result = await stream.result();
  assert.equal(result.toolCalls.length, 1);
  assert.deepEqual(Object.keys(result.toolCalls[0]!.arguments as object), WEATHER_SCHEMA.required);
  assert.match(result.toolCalls[0]!.id, /^call_/);
  assert.equal(result.toolCalls[0]!.id, result.choices[0]?.toolCalls[0]?.id);
  assert.equal(result.finishReason, "tool-calls");
  assert.equal(result.rawFinishReason, "tool_calls");
  assert(result.usage.outputTokens! > 0);
  assert.equal(result.usage.totalTokens, result.usage.inputTokens! + result.usage.outputTokens!);
  const text = await openai.chat({ model: "gpt-4.1-mini", messages: ask("Hi") }).text();
  const complete = await openai.chat({ model: "gpt-4.1-mini", messages: ask("Hi"), stream: false });
  assert.equal(text, complete.choices[0]?.message.content);
  assert.equal(server.requests[0]!.headers.get("authorization"), "Bearer sk-mock");
});

Deno.test("Anthropic client assembles the mock's thinking and reports its overload error", async () => {
  const server = createMockServer();
  const anthropic = new Anthropic({ fetch: server.fetch, apiKey: "sk-ant-mock", retryDelay: 1 });
  const request = {
    model: "claude-sonnet-4-6",
    max_tokens: 2048,
    messages: ask("Hi"),
    thinking: { type: "enabled" as const, budget_tokens: 1024 },
  };
  const result = await anthropic.messages(request).result();
  assert(result.reasoning.length > 0);
  assert(result.text.length > 0);
  assert.equal(result.finishReason, "stop");
  assert.equal(result.rawFinishReason, "end_turn");
  const error = await anthropic.messages({
    ...request,
    model: "claude-sonnet-4-6:fault=error-after:5",
  })
    .result().catch((e) => e);
  assert(error instanceof ProviderError, String(error));
  assert.equal(error.type, "overloaded_error");
});
