import assert from "node:assert/strict";
import {
  anthropic,
  gemini,
  generateText,
  type LanguageModel,
  ollama,
  openai,
  type ProviderOptions,
} from "../../src/unified/mod.ts";
import { createMockServer } from "../../src/testing/mod.ts";
import { RESPONSES_TRANSCRIPTS, responsesBody } from "../testdata/openai-responses/transcripts.ts";

type Provider = "ollama" | "openai" | "openai-responses" | "anthropic" | "gemini";
type Body = Record<string, unknown>;

function modelFor(provider: Provider, fetch: typeof globalThis.fetch): LanguageModel {
  const options = { fetch, retryDelay: 1 };
  if (provider === "ollama") return ollama("llama3.2", { ...options, host: "http://mock" });
  if (provider === "openai" || provider === "openai-responses") {
    return openai("gpt-4.1-mini", {
      ...options,
      baseURL: "http://mock/v1",
      apiKey: "sk",
      api: provider === "openai" ? "chat" : "responses",
    });
  }
  if (provider === "gemini") return gemini("gemini-2.5-flash", { ...options, apiKey: "k" });
  return anthropic("claude-sonnet-4-6", { ...options, baseURL: "http://mock" });
}

const providerOptions: ProviderOptions = {
  ollama: { think: true, keep_alive: "10m", options: { num_ctx: 8192 } },
  openai: { reasoning_effort: "low", reasoning: { effort: "low" }, user: "u1" },
  anthropic: { thinking: { type: "enabled", budget_tokens: 1024 }, metadata: { user_id: "u1" } },
  gemini: { generationConfig: { thinkingConfig: { thinkingBudget: 512 } } },
};

/** What each provider's request carries of the options above (and of `maxTokens: 2000`). */
const expected: Record<Provider, (body: Body) => void> = {
  ollama(body) {
    assert.equal(body.think, true);
    assert.equal(body.keep_alive, "10m");
    assert.deepEqual(body.options, { num_predict: 2000, num_ctx: 8192 });
  },
  openai(body) {
    assert.equal(body.reasoning_effort, "low");
    assert.equal(body.user, "u1");
    assert.equal(body.max_completion_tokens, 2000);
  },
  "openai-responses"(body) {
    assert.deepEqual(body.reasoning, { effort: "low" });
    assert.equal(body.max_output_tokens, 2000);
  },
  anthropic(body) {
    assert.deepEqual(body.thinking, { type: "enabled", budget_tokens: 1024 });
    assert.deepEqual(body.metadata, { user_id: "u1" });
    assert.equal(body.max_tokens, 2000);
  },
  gemini(body) {
    assert.deepEqual(body.generationConfig, {
      maxOutputTokens: 2000,
      thinkingConfig: { thinkingBudget: 512 },
    });
  },
};

/** The fields of the other providers' options that must not reach a provider. */
const foreign: Record<Provider, string[]> = {
  ollama: ["reasoning_effort", "thinking", "metadata", "user"],
  openai: ["think", "keep_alive", "thinking", "metadata", "generationConfig"],
  "openai-responses": ["think", "keep_alive", "thinking", "metadata", "generationConfig"],
  anthropic: ["think", "keep_alive", "reasoning_effort", "user", "generationConfig"],
  gemini: ["think", "keep_alive", "reasoning_effort", "thinking", "metadata", "user"],
};

for (const provider of Object.keys(expected) as Provider[]) {
  Deno.test(`providerOptions reach only the mock's ${provider} API, merged with the settings`, async () => {
    const server = createMockServer();
    const result = await generateText({
      model: modelFor(provider, server.fetch),
      prompt: "Hi",
      maxTokens: 2000,
      providerOptions,
    });
    assert.deepEqual(result.warnings, []);
    const body = server.requests[0]!.body as Body;
    expected[provider](body);
    for (const key of foreign[provider]) assert.equal(body[key], undefined, key);
  });
}

Deno.test("providerOptions cannot switch streaming off: stream is a warning", async () => {
  const server = createMockServer();
  const result = await generateText({
    model: modelFor("ollama", server.fetch),
    prompt: "Hi",
    providerOptions: { ollama: { stream: false } as never },
  });
  assert.deepEqual(result.warnings, [{
    type: "unsupported-setting",
    setting: "providerOptions.stream",
    details: "sluice sets stream itself: not sent",
  }]);
  assert.equal((server.requests[0]!.body as Body).stream, true);
});

Deno.test("Anthropic cache breakpoints go on the system text, a message's last block and a tool", async () => {
  const server = createMockServer();
  const ephemeral = { anthropic: { cacheControl: { type: "ephemeral" as const } } };
  await generateText({
    model: modelFor("anthropic", server.fetch),
    messages: [
      { role: "system", content: "A long manual", providerOptions: ephemeral },
      { role: "user", content: "A long document", providerOptions: ephemeral },
      { role: "assistant", content: "Read it" },
      { role: "user", content: "Summarize" },
    ],
    tools: {
      search: {
        parameters: { type: "object", properties: {} },
        providerOptions: { anthropic: { cacheControl: { type: "ephemeral", ttl: "1h" } } },
      },
    },
    toolChoice: "none",
  });
  const body = server.requests[0]!.body as Body;
  assert.deepEqual(body.system, [
    { type: "text", text: "A long manual", cache_control: { type: "ephemeral" } },
  ]);
  assert.deepEqual(body.messages, [
    {
      role: "user",
      content: [
        { type: "text", text: "A long document", cache_control: { type: "ephemeral" } },
      ],
    },
    { role: "assistant", content: "Read it" },
    { role: "user", content: "Summarize" },
  ]);
  assert.deepEqual((body.tools as Body[])[0]!.cache_control, { type: "ephemeral", ttl: "1h" });
});

Deno.test("cache breakpoints are for Anthropic only: other providers' requests do not carry them", async () => {
  for (const provider of ["ollama", "openai", "gemini"] as const) {
    const server = createMockServer();
    await generateText({
      model: modelFor(provider, server.fetch),
      messages: [{
        role: "user",
        content: "A long document",
        providerOptions: { anthropic: { cacheControl: { type: "ephemeral" } } },
      }],
    });
    assert.ok(!JSON.stringify(server.requests[0]!.body).includes("cache"), provider);
  }
});

Deno.test("the unified usage carries cached input and reasoning tokens where the provider reports them", async () => {
  const chunk = (extra: object) =>
    `data: ${
      JSON.stringify({
        id: "c1",
        object: "chat.completion.chunk",
        created: 1,
        model: "m",
        choices: [],
        ...extra,
      })
    }\n\n`;
  const body = chunk({ choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: "stop" }] }) +
    chunk({
      usage: {
        prompt_tokens: 100,
        completion_tokens: 20,
        total_tokens: 120,
        prompt_tokens_details: { cached_tokens: 64 },
        completion_tokens_details: { reasoning_tokens: 12 },
      },
    }) + "data: [DONE]\n\n";
  const result = await generateText({
    model: openai("m", { apiKey: "sk", fetch: () => Promise.resolve(new Response(body)) }),
    prompt: "Hi",
  });
  assert.equal(result.usage.cachedInputTokens, 64);
  assert.equal(result.usage.reasoningTokens, 12);
  assert.equal(result.totalUsage.cachedInputTokens, 64);
});

Deno.test("Anthropic's cache reads and Gemini's cached and thought tokens reach the unified usage", async () => {
  const events = [
    {
      type: "message_start",
      message: {
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-6",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 5, cache_read_input_tokens: 100, output_tokens: 1 },
      },
    },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } },
    { type: "content_block_stop", index: 0 },
    {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: 2 },
    },
    { type: "message_stop" },
  ];
  const sse = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
  const a = await generateText({
    model: anthropic("claude-sonnet-4-6", {
      apiKey: "k",
      fetch: () => Promise.resolve(new Response(sse)),
    }),
    prompt: "Hi",
  });
  assert.equal(a.usage.cachedInputTokens, 100);
  assert.equal(a.usage.inputTokens, 105);
  const chunk = {
    candidates: [{ content: { role: "model", parts: [{ text: "Hi" }] }, finishReason: "STOP" }],
    usageMetadata: {
      promptTokenCount: 50,
      candidatesTokenCount: 3,
      cachedContentTokenCount: 40,
      thoughtsTokenCount: 7,
      totalTokenCount: 60,
    },
  };
  const g = await generateText({
    model: gemini("gemini-2.5-flash", {
      apiKey: "k",
      fetch: () => Promise.resolve(new Response(`data: ${JSON.stringify(chunk)}\n\n`)),
    }),
    prompt: "Hi",
  });
  assert.equal(g.usage.cachedInputTokens, 40);
  assert.equal(g.usage.reasoningTokens, 7);
});

Deno.test("the Responses API's cached and reasoning tokens reach the unified usage, summed over steps", async () => {
  const transcript = RESPONSES_TRANSCRIPTS.find((t) =>
    t.name === "a reasoning summary, then text"
  )!;
  const body = responsesBody(transcript.events);
  const result = await generateText({
    model: openai("gpt-5", {
      apiKey: "sk",
      api: "responses",
      fetch: () => Promise.resolve(new Response(body)),
    }),
    prompt: "2 + 2?",
  });
  const usage = {
    inputTokens: 36,
    outputTokens: 87,
    totalTokens: 123,
    cachedInputTokens: 12,
    reasoningTokens: 64,
  };
  assert.deepEqual(result.usage, usage);
  assert.deepEqual(result.totalUsage, usage);

  // A two-step loop against the mock: each step's counts, and their sums.
  const server = createMockServer();
  const loop = await generateText({
    model: modelFor("openai-responses", server.fetch),
    prompt: "Weather in Paris?",
    maxSteps: 2,
    providerOptions: { openai: { reasoning: { effort: "low", summary: "auto" } } },
    tools: {
      weather: {
        parameters: { type: "object", properties: { city: { type: "string" } } },
        execute: () => ({ sky: "sunny" }),
      },
    },
  });
  assert.equal(loop.steps.length, 2);
  let reasoning = 0;
  for (const step of loop.steps) {
    assert.equal(step.usage.cachedInputTokens, 0);
    assert.equal(typeof step.usage.reasoningTokens, "number");
    reasoning += step.usage.reasoningTokens!;
  }
  assert.ok(loop.steps[0]!.usage.reasoningTokens! > 0, "the first step reasoned");
  assert.equal(loop.totalUsage.cachedInputTokens, 0);
  assert.equal(loop.totalUsage.reasoningTokens, reasoning);
});
