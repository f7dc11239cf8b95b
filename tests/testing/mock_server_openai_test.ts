import assert from "node:assert/strict";
import { createMockServer } from "../../src/testing/mod.ts";
import {
  ask,
  completedPropertyCounts,
  dataOf,
  isPerson,
  NOW,
  PERSON_SCHEMA,
  post,
  readEvents,
  WEATHER_SCHEMA,
  WEATHER_TOOL,
} from "./_helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Assembles a chat completion stream the way openai.md §11 describes. */
function assemble(chunks: Json[]) {
  const choices: { content: string; reasoning: string; finish?: string; calls: Json[] }[] = [];
  let usage: Json;
  for (const chunk of chunks) {
    assert.equal(chunk.object, "chat.completion.chunk");
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      const state = choices[c.index] ??= { content: "", reasoning: "", calls: [] };
      state.content += c.delta.content ?? "";
      state.reasoning += c.delta.reasoning_content ?? "";
      for (const tc of c.delta.tool_calls ?? []) {
        const slot = state.calls[tc.index] ??= { args: "" };
        if (tc.id) slot.id = tc.id;
        if (tc.function?.name) slot.name = tc.function.name;
        slot.args += tc.function?.arguments ?? "";
      }
      if (c.finish_reason) state.finish = c.finish_reason;
    }
  }
  return { choices, usage };
}

async function stream(server: ReturnType<typeof createMockServer>, body: Json) {
  const response = await post(server, "/v1/chat/completions", { ...body, stream: true });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
  assert.match(response.headers.get("x-request-id")!, /^req_[0-9a-f]{32}$/);
  const { events, error } = await readEvents(response);
  assert.equal(error, undefined);
  for (const e of events) assert.equal(e.event, "message");
  const data = dataOf(events);
  assert.equal(data.at(-1), "[DONE]");
  return data.slice(0, -1) as Json[];
}

async function complete(server: ReturnType<typeof createMockServer>, body: Json) {
  const response = await post(server, "/v1/chat/completions", body);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert(response.headers.has("x-request-id"));
  return await response.json();
}

Deno.test("mock chat completions stream with include_usage ends with a choices: [] usage chunk", async () => {
  const server = createMockServer({ now: () => NOW });
  const request = {
    model: "gpt-4.1-mini",
    messages: ask("Explain SSE"),
    stream_options: { include_usage: true },
  };
  const chunks = await stream(server, request);
  const ids = new Set(chunks.map((c) => c.id));
  assert.equal(ids.size, 1);
  assert.match([...ids][0], /^chatcmpl-[A-Za-z0-9]{29}$/);
  assert(chunks.every((c) => c.created === Math.floor(NOW / 1000)));
  assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant", content: "", refusal: null });
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert(chunks.slice(0, -1).every((c) => c.usage === null && c.choices.length === 1));
  const finish = chunks.at(-2);
  assert.deepEqual(finish.choices[0], {
    index: 0,
    delta: {},
    logprobs: null,
    finish_reason: "stop",
  });
  const { choices, usage } = assemble(chunks);
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
  assert.equal(usage.completion_tokens, chunks.length - 3);
  assert.equal(usage.completion_tokens_details.reasoning_tokens, 0);

  const body = await complete(server, request);
  assert.equal(body.object, "chat.completion");
  assert.equal(body.choices[0].message.content, choices[0]!.content);
  assert.equal(body.choices[0].finish_reason, "stop");
  assert.deepEqual(body.usage, usage);
});

Deno.test("mock chat completions stream without include_usage has no usage key", async () => {
  const server = createMockServer();
  const chunks = await stream(server, {
    model: "gpt-4.1-mini",
    messages: ask("Hi"),
    stream_options: { include_obfuscation: false },
  });
  for (const chunk of chunks) {
    assert(!("usage" in chunk));
    assert(!("obfuscation" in chunk));
  }
  assert.equal(chunks.at(-1).choices[0].finish_reason, "stop");
});

Deno.test("mock chat completions stream a tool call in argument fragments", async () => {
  const server = createMockServer();
  const request = { model: "gpt-4.1", messages: ask("Weather in Paris?"), tools: [WEATHER_TOOL] };
  const chunks = await stream(server, request);
  assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant", content: null });
  const first = chunks[1].choices[0].delta.tool_calls[0];
  assert.equal(first.index, 0);
  assert.match(first.id, /^call_[A-Za-z0-9]{24}$/);
  assert.deepEqual(first.function, { name: "get_weather", arguments: "" });
  const { choices } = assemble(chunks);
  assert.equal(choices[0]!.finish, "tool_calls");
  assert(chunks.length >= 5);
  const args = JSON.parse(choices[0]!.calls[0].args);
  assert.deepEqual(Object.keys(args), WEATHER_SCHEMA.required);

  const body = await complete(server, request);
  const message = body.choices[0].message;
  assert.equal(message.content, null);
  assert.deepEqual(message.tool_calls, [{
    id: first.id,
    type: "function",
    function: { name: "get_weather", arguments: choices[0]!.calls[0].args },
  }]);
  assert.equal(body.choices[0].finish_reason, "tool_calls");

  const named = await complete(server, {
    ...request,
    tools: [{ type: "function", function: { name: "other", parameters: {} } }, WEATHER_TOOL],
    tool_choice: { type: "function", function: { name: "get_weather" } },
  });
  const forced = JSON.parse(named.choices[0].message.tool_calls[0].function.arguments);
  assert.equal(named.choices[0].message.tool_calls[0].function.name, "get_weather");
  assert.deepEqual(Object.keys(forced), ["city", "unit"]);
  const none = await complete(server, { ...request, tool_choice: "none" });
  assert.equal(none.choices[0].message.tool_calls, undefined);
  assert.equal(typeof none.choices[0].message.content, "string");
});

Deno.test("mock chat completions stream reasoning_content when reasoning_effort is set", async () => {
  const server = createMockServer();
  const request = {
    model: "deepseek-reasoner",
    messages: ask("Smallest prime over 90?"),
    reasoning_effort: "high",
    stream_options: { include_usage: true },
  };
  const chunks = await stream(server, request);
  assert.deepEqual(chunks[0].choices[0].delta, {
    role: "assistant",
    content: null,
    reasoning_content: "",
  });
  const { choices, usage } = assemble(chunks);
  assert(choices[0]!.reasoning.length > 0);
  assert(usage.completion_tokens_details.reasoning_tokens > 0);
  const body = await complete(server, request);
  assert.equal(body.choices[0].message.reasoning_content, choices[0]!.reasoning);
  assert.equal(body.choices[0].message.content, choices[0]!.content);
});

Deno.test("mock chat completions answer response_format with a schema-valid document", async () => {
  const server = createMockServer();
  const request = {
    model: "gpt-4.1-mini",
    messages: ask("A person"),
    response_format: {
      type: "json_schema",
      json_schema: { name: "person", strict: true, schema: PERSON_SCHEMA },
    },
  };
  const chunks = await stream(server, request);
  const pieces = chunks.flatMap((c) => c.choices.map((x: Json) => x.delta.content ?? ""));
  const text = pieces.join("");
  assert(isPerson(JSON.parse(text)), text);
  assert(completedPropertyCounts(pieces).length >= 4);
  const body = await complete(server, request);
  assert.equal(body.choices[0].message.content, text);
  const object = await complete(server, {
    ...request,
    response_format: { type: "json_object" },
  });
  assert.equal(typeof JSON.parse(object.choices[0].message.content), "object");
});

Deno.test("mock chat completions interleave n choices, each with its own finish", async () => {
  const server = createMockServer();
  const request = { model: "gpt-4o-mini", messages: ask("Hi"), n: 2 };
  const chunks = await stream(server, request);
  assert(chunks.every((c) => c.choices.length === 1));
  const indices = chunks.map((c) => c.choices[0].index);
  assert.deepEqual([...new Set(indices)].sort(), [0, 1]);
  assert.equal(indices[0], 0);
  assert.equal(indices[1], 1);
  const { choices } = assemble(chunks);
  assert.equal(choices.length, 2);
  assert(choices.every((c) => c.finish === "stop"));
  assert.notEqual(choices[0]!.content, choices[1]!.content);
  const body = await complete(server, request);
  assert.deepEqual(body.choices.map((c: Json) => c.message.content), choices.map((c) => c.content));
});

Deno.test("mock chat completions cut at max_completion_tokens with finish_reason length", async () => {
  const server = createMockServer();
  const chunks = await stream(server, {
    model: "gpt-4.1-mini",
    messages: ask("Hi"),
    max_completion_tokens: 2,
  });
  assert.equal(chunks.length, 4);
  assert.equal(chunks.at(-1).choices[0].finish_reason, "length");
});

Deno.test("mock legacy completions stream text_completion chunks", async () => {
  const server = createMockServer();
  const request = {
    model: "gpt-3.5-turbo-instruct",
    prompt: "Say this is a test",
    stream_options: { include_usage: true },
  };
  const response = await post(server, "/v1/completions", { ...request, stream: true });
  const data = dataOf((await readEvents(response)).events) as Json[];
  assert.equal(data.pop(), "[DONE]");
  const usage = data.pop();
  assert.deepEqual(usage.choices, []);
  assert(data.every((c) => c.object === "text_completion" && c.usage === null));
  assert.equal(data.at(-1).choices[0].finish_reason, "stop");
  const text = data.map((c) => c.choices[0].text).join("");
  const body = await (await post(server, "/v1/completions", request)).json();
  assert.equal(body.choices[0].text, text);
  assert.deepEqual(body.usage, usage.usage);
  const capped = await (await post(server, "/v1/completions", { ...request, max_tokens: 1 }))
    .json();
  assert.equal(capped.choices[0].finish_reason, "length");
});

Deno.test("mock /v1/models lists the configured models", async () => {
  const server = createMockServer({ models: ["gpt-4.1-mini", "o3"] });
  const list = await (await server.fetch("http://mock/v1/models")).json();
  assert.equal(list.object, "list");
  assert.deepEqual(list.data.map((m: Json) => [m.id, m.object]), [
    ["gpt-4.1-mini", "model"],
    ["o3", "model"],
  ]);
  const one = await server.fetch("http://mock/v1/models/o3");
  assert.equal((await one.json()).id, "o3");
  const missing = await server.fetch("http://mock/v1/models/nope");
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, "model_not_found");
});

Deno.test("mock OpenAI rejects bad requests with an OpenAI error object", async () => {
  const server = createMockServer();
  const noMessages = await post(server, "/v1/chat/completions", { model: "gpt-4.1-mini" });
  assert.equal(noMessages.status, 400);
  const body = await noMessages.json();
  assert.equal(body.error.type, "invalid_request_error");
  assert.equal(body.error.param, "messages");
  const empty = await post(server, "/v1/chat/completions", { model: "m", messages: [] });
  assert.equal((await empty.json()).error.message, "[] is too short - 'messages'");
  const unknown = await post(server, "/v1/nothing", {});
  assert.equal(unknown.status, 404);
  assert.equal((await unknown.json()).error.type, "invalid_request_error");
});
