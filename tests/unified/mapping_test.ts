import assert from "node:assert/strict";
import {
  anthropic,
  ANTHROPIC_DEFAULT_MAX_TOKENS,
  type Message,
  ollama,
  openai,
  streamText,
  type StreamTextOptions,
} from "../../src/unified/mod.ts";
import { Ollama } from "../../src/providers/ollama/ollama.ts";
import { OpenAI } from "../../src/providers/openai/openai.ts";
import { Anthropic } from "../../src/providers/anthropic/anthropic.ts";
import { type Answer, BODIES, fakeFetch } from "./_fakes.ts";

const settings = {
  maxTokens: 100,
  temperature: 0.5,
  topP: 0.9,
  topK: 40,
  frequencyPenalty: 0.1,
  presencePenalty: 0.2,
  stop: ["END"],
  seed: 7,
};
const tools: StreamTextOptions["tools"] = {
  weather: {
    description: "The weather",
    parameters: { type: "object", properties: { city: { type: "string" } } },
  },
};
const conversation: Message[] = [
  { role: "user", content: "Weather in Paris?" },
  {
    role: "assistant",
    content: "",
    toolCalls: [{ id: "c1", name: "weather", arguments: { city: "Paris" } }],
  },
  { role: "tool", id: "c1", name: "weather", result: "sunny" },
  { role: "user", content: "Thanks" },
];
const answer: Answer = { text: ["ok"], finish: "stop" };

Deno.test("Ollama: every setting maps onto options, system is a message", async () => {
  const { fetch, requests } = fakeFetch([BODIES.ollama(answer)]);
  const stream = streamText({
    model: ollama("llama3.2", { fetch, host: "gpu-box" }),
    system: "Be brief",
    messages: conversation,
    tools,
    toolChoice: "required",
    ...settings,
  });
  await stream.text();
  assert.equal(requests[0]!.url, "http://gpu-box:11434/api/chat");
  assert.deepEqual(requests[0]!.body, {
    model: "llama3.2",
    stream: true,
    messages: [
      { role: "system", content: "Be brief" },
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: "",
        tool_calls: [{ id: "c1", function: { name: "weather", arguments: { city: "Paris" } } }],
      },
      { role: "tool", content: "sunny", tool_name: "weather", tool_call_id: "c1" },
      { role: "user", content: "Thanks" },
    ],
    options: {
      num_predict: 100,
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
      stop: ["END"],
      seed: 7,
    },
    tools: [{
      type: "function",
      function: {
        name: "weather",
        description: "The weather",
        parameters: tools.weather!.parameters,
      },
    }],
  });
  assert.deepEqual(stream.warnings, [{
    type: "unsupported-setting",
    setting: "toolChoice",
    details: "Ollama cannot force a tool call: the model decides",
  }]);
  assert.deepEqual((await stream.result()).warnings, stream.warnings);
});

Deno.test("OpenAI: settings map onto the request, topK is a warning", async () => {
  const { fetch, requests } = fakeFetch([BODIES.openai(answer)]);
  const stream = streamText({
    model: openai("gpt-4o-mini", { fetch, baseUrl: "http://localhost:8080/v1" }),
    system: "Be brief",
    messages: conversation,
    tools,
    toolChoice: { type: "tool", name: "weather" },
    ...settings,
  });
  await stream.text();
  assert.equal(requests[0]!.url, "http://localhost:8080/v1/chat/completions");
  assert.deepEqual(requests[0]!.body, {
    model: "gpt-4o-mini",
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      { role: "system", content: "Be brief" },
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{
          id: "c1",
          type: "function",
          function: { name: "weather", arguments: '{"city":"Paris"}' },
        }],
      },
      { role: "tool", tool_call_id: "c1", content: "sunny" },
      { role: "user", content: "Thanks" },
    ],
    max_completion_tokens: 100,
    temperature: 0.5,
    top_p: 0.9,
    frequency_penalty: 0.1,
    presence_penalty: 0.2,
    stop: ["END"],
    seed: 7,
    tools: [{
      type: "function",
      function: {
        name: "weather",
        description: "The weather",
        parameters: tools.weather!.parameters,
      },
    }],
    tool_choice: { type: "function", function: { name: "weather" } },
  });
  assert.deepEqual(stream.warnings, [{
    type: "unsupported-setting",
    setting: "topK",
    details: "OpenAI's Chat Completions API has no top-k sampling",
  }]);
});

Deno.test("OpenAI: maxTokensField sends max_tokens for compatible servers", async () => {
  const { fetch, requests } = fakeFetch([BODIES.openai(answer)]);
  await streamText({
    model: openai("m", { fetch, maxTokensField: "max_tokens" }),
    prompt: "Hi",
    maxTokens: 5,
  }).text();
  assert.equal(requests[0]!.body.max_tokens, 5);
  assert.equal("max_completion_tokens" in requests[0]!.body, false);
});

Deno.test("Anthropic: system field, stop_sequences, merged turns, unsupported settings warned", async () => {
  const { fetch, requests } = fakeFetch([BODIES.anthropic(answer)]);
  const stream = streamText({
    model: anthropic("claude-sonnet-4-6", { fetch, apiKey: "sk-ant" }),
    system: "Be brief",
    messages: [{ role: "system", content: "Use metric units" }, ...conversation],
    tools,
    toolChoice: "required",
    ...settings,
  });
  await stream.text();
  assert.equal(requests[0]!.url, "https://api.anthropic.com/v1/messages");
  assert.equal(requests[0]!.headers.get("x-api-key"), "sk-ant");
  assert.deepEqual(requests[0]!.body, {
    model: "claude-sonnet-4-6",
    stream: true,
    max_tokens: 100,
    system: "Be brief\n\nUse metric units",
    messages: [
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "c1", name: "weather", input: { city: "Paris" } }],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "c1", content: "sunny" },
          { type: "text", text: "Thanks" },
        ],
      },
    ],
    temperature: 0.5,
    top_p: 0.9,
    top_k: 40,
    stop_sequences: ["END"],
    tools: [{
      name: "weather",
      description: "The weather",
      input_schema: tools.weather!.parameters,
    }],
    tool_choice: { type: "any" },
  });
  assert.deepEqual(stream.warnings.map((w) => [w.type, w.setting]), [
    ["unsupported-setting", "frequencyPenalty"],
    ["unsupported-setting", "presencePenalty"],
    ["unsupported-setting", "seed"],
  ]);
});

Deno.test("Anthropic: max_tokens defaults to 4096, or the model's defaultMaxTokens", async () => {
  const { fetch, requests } = fakeFetch([BODIES.anthropic(answer), BODIES.anthropic(answer)]);
  await streamText({ model: anthropic("c", { fetch }), prompt: "Hi" }).text();
  await streamText({ model: anthropic("c", { fetch, defaultMaxTokens: 512 }), prompt: "Hi" })
    .text();
  assert.equal(ANTHROPIC_DEFAULT_MAX_TOKENS, 4096);
  assert.equal(requests[0]!.body.max_tokens, 4096);
  assert.equal(requests[1]!.body.max_tokens, 512);
});

Deno.test("no warnings when every setting is supported", async () => {
  const { fetch } = fakeFetch([BODIES.ollama(answer)]);
  const stream = streamText({ model: ollama("m", { fetch }), prompt: "Hi", ...settings });
  assert.deepEqual(stream.warnings, []);
  await stream.text();
});

Deno.test("an existing client can be passed to each factory", async () => {
  const a = fakeFetch([BODIES.ollama(answer)]);
  const b = fakeFetch([BODIES.openai(answer)]);
  const c = fakeFetch([BODIES.anthropic(answer)]);
  const models = [
    ollama("llama3.2", { client: new Ollama({ fetch: a.fetch }) }),
    openai("gpt-4o-mini", { client: new OpenAI({ fetch: b.fetch }) }),
    anthropic("claude-sonnet-4-6", { client: new Anthropic({ fetch: c.fetch }) }),
  ];
  assert.deepEqual(models.map((m) => [m.provider, m.modelId]), [
    ["ollama", "llama3.2"],
    ["openai", "gpt-4o-mini"],
    ["anthropic", "claude-sonnet-4-6"],
  ]);
  for (const model of models) assert.equal(await streamText({ model, prompt: "Hi" }).text(), "ok");
  assert.equal(a.requests.length + b.requests.length + c.requests.length, 3);
});

Deno.test("toolChoice none: Ollama sends no tools, OpenAI and Anthropic send 'none'", async () => {
  const a = fakeFetch([BODIES.ollama(answer)]);
  const b = fakeFetch([BODIES.openai(answer)]);
  const c = fakeFetch([BODIES.anthropic(answer)]);
  const base = { prompt: "Hi", tools, toolChoice: "none" as const };
  await streamText({ ...base, model: ollama("m", { fetch: a.fetch }) }).text();
  await streamText({ ...base, model: openai("m", { fetch: b.fetch }) }).text();
  await streamText({ ...base, model: anthropic("m", { fetch: c.fetch }) }).text();
  assert.equal("tools" in a.requests[0]!.body, false);
  assert.equal(b.requests[0]!.body.tool_choice, "none");
  assert.deepEqual(c.requests[0]!.body.tool_choice, { type: "none" });
});
