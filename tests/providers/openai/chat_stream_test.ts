import assert from "node:assert/strict";
import {
  OpenAI,
  type OpenAIChatChunk,
  type OpenAIChatRequest,
  type OpenAIChatResult,
  type OpenAIChatStream,
  type OpenAIResultUsage,
  type Usage,
} from "../../../src/providers/openai/mod.ts";
import { ProviderError } from "../../../src/errors/provider_error.ts";
import { IncompleteStreamError } from "../../../src/errors/incomplete_stream_error.ts";
import { ParseError } from "../../../src/errors/parse_error.ts";
import { assertPartsAgree, collectParts } from "../../_parts.ts";
import {
  bytes,
  cannedFetch,
  chunk,
  event,
  MESSAGES,
  piecewiseBody,
  randomPieces,
  sse,
  sseResponse,
  startServer,
} from "./_helpers.ts";

function stream(
  body: string | string[] | (() => Response),
  request: Partial<OpenAIChatRequest> = {},
): OpenAIChatStream {
  const respond = typeof body === "function" ? body : () => sseResponse(body);
  const client = new OpenAI({ fetch: cannedFetch(respond) });
  return client.chat({ model: "m", messages: MESSAGES, ...request, stream: true });
}

/**
 * The result of `body`. A second replay is read as normalized parts, which
 * must agree with that replay's result.
 */
async function resultOf(body: string | string[]): Promise<OpenAIChatResult> {
  const result = await stream(body).result();
  const replay = stream(body);
  const { parts, error } = await collectParts(replay);
  assert.equal(error, undefined);
  assertPartsAgree(parts, await replay.result());
  return result;
}

/**
 * The error of `body`. A second replay is read as normalized parts, which
 * must agree with the partial result its error carries.
 */
async function failure(body: string | string[]): Promise<unknown> {
  const error = await stream(body).result().then(
    () => assert.fail("expected the stream to fail"),
    (error: unknown) => error,
  );
  const replay = await collectParts(stream(body));
  assert.equal(String(replay.error), String(error));
  const partial = (replay.error as { partial?: OpenAIChatResult }).partial;
  assert.ok(partial, "the error carries the partial result");
  assertPartsAgree(replay.parts, partial, "", { partial: true });
  return error;
}

const toolDelta = (fragment: Record<string, unknown>) => chunk({ tool_calls: [fragment] });
const finish = (reason: string, extra: Record<string, unknown> = {}) =>
  chunk({}, { finish: reason, ...extra });

// ---------------------------------------------------------------------------
// Tool calls
// ---------------------------------------------------------------------------

Deno.test("tool arguments split inside escapes and multi-byte characters assemble exactly", async () => {
  // Escapes at the level of the arguments text, which the fragments cut through.
  const argumentsText =
    '{"q":"caf\\u00e9 \\"quoted\\" back\\\\slash","emoji":"😀 Zürich — ok","n":[1,2.5e3]}';
  const cuts = [
    argumentsText.indexOf("\\u00e9") + 1, // between "\" and "u00e9"
    argumentsText.indexOf("\\u00e9") + 4, // inside "u00e9"
    argumentsText.indexOf('\\"quoted') + 1, // between "\" and '"'
    argumentsText.indexOf("\\\\slash") + 1, // between the two backslashes
    argumentsText.indexOf("😀") + 1, // between the emoji's surrogates
    argumentsText.indexOf("ü") + 1,
    argumentsText.indexOf("—"),
    argumentsText.length - 3,
  ].sort((a, b) => a - b);
  const fragments: string[] = [];
  let at = 0;
  for (const cut of cuts) {
    fragments.push(argumentsText.slice(at, cut));
    at = cut;
  }
  fragments.push(argumentsText.slice(at));
  assert.equal(fragments.join(""), argumentsText);
  const text = sse([
    chunk({ role: "assistant", content: null }),
    toolDelta({
      index: 0,
      id: "call_1",
      type: "function",
      function: { name: "search", arguments: "" },
    }),
    ...fragments.map((piece) => toolDelta({ index: 0, function: { arguments: piece } })),
    finish("tool_calls"),
  ]);
  const expected = JSON.parse(argumentsText);
  const data = bytes(text);
  // Byte by byte (every multi-byte character of the wire split), and seeded pieces.
  const cuttings = [[...data].map((byte) => Uint8Array.of(byte)), randomPieces(data, 7, 5)];
  for (const pieces of cuttings) {
    const result = await stream(() => new Response(piecewiseBody(pieces, { gapEvery: Infinity })))
      .result();
    assert.deepEqual(result.toolCalls, [{ id: "call_1", name: "search", arguments: expected }]);
    assert.deepEqual(result.choices[0]?.toolCalls, [{
      index: 0,
      id: "call_1",
      type: "function",
      name: "search",
      arguments: expected,
      argumentsText,
    }]);
  }
  // And through a real server, in random pieces.
  await using server = startServer(() =>
    new Response(piecewiseBody(randomPieces(data, 3, 24), { gapEvery: 4 }))
  );
  const client = new OpenAI({ baseUrl: `${server.origin}/v1` });
  const result = await client.chat({ model: "m", messages: MESSAGES }).result();
  assert.deepEqual(result.toolCalls[0]?.arguments, expected);
});

Deno.test("tool calls with interleaved indices are assembled per index", async () => {
  const result = await resultOf(sse([
    toolDelta({ index: 0, id: "call_a", type: "function", function: { name: "f", arguments: "" } }),
    toolDelta({
      index: 1,
      id: "call_b",
      type: "function",
      function: { name: "g", arguments: '{"' },
    }),
    toolDelta({ index: 0, function: { arguments: '{"x":' } }),
    toolDelta({ index: 1, function: { arguments: 'y":' } }),
    toolDelta({ index: 0, function: { arguments: "1}" } }),
    toolDelta({ index: 1, function: { arguments: "2}" } }),
    finish("tool_calls"),
  ]));
  assert.deepEqual(
    result.choices[0]?.toolCalls.map(({ index, id, name, arguments: args }) => ({
      index,
      id,
      name,
      args,
    })),
    [
      { index: 0, id: "call_a", name: "f", args: { x: 1 } },
      { index: 1, id: "call_b", name: "g", args: { y: 2 } },
    ],
  );
  // The shared tool calls are in the same order: by index, not by first argument text.
  assert.deepEqual(result.toolCalls, [
    { id: "call_a", name: "f", arguments: { x: 1 } },
    { id: "call_b", name: "g", arguments: { y: 2 } },
  ]);
  assert.equal(result.finishReason, "tool-calls");
  assert.equal(result.rawFinishReason, "tool_calls");
});

Deno.test("tool-call fragments without an index continue the last call; a new id starts one", async () => {
  const result = await resultOf(sse([
    toolDelta({ id: "call_a", type: "function", function: { name: "f", arguments: '{"a"' } }),
    toolDelta({ function: { arguments: ":1}" } }),
    toolDelta({ id: "call_b", type: "function", function: { name: "g", arguments: "" } }),
    toolDelta({ function: { arguments: '{"b":2}' } }),
    finish("tool_calls"),
  ]));
  assert.deepEqual(
    result.toolCalls.map(({ id, name, arguments: args }) => ({ id, name, args })),
    [{ id: "call_a", name: "f", args: { a: 1 } }, { id: "call_b", name: "g", args: { b: 2 } }],
  );
});

Deno.test("a tool call whose id comes after its first fragment keeps the server's id", async () => {
  const result = await resultOf(sse([
    toolDelta({ index: 0, type: "function", function: { name: "f", arguments: '{"a"' } }),
    toolDelta({ index: 0, id: "call_late", function: { arguments: ":1}" } }),
    finish("tool_calls"),
  ]));
  assert.equal(result.choices[0]?.toolCalls[0]?.id, "call_late");
  // The id a tool result must answer is the one the server knows.
  assert.deepEqual(result.toolCalls, [{ id: "call_late", name: "f", arguments: { a: 1 } }]);
});

Deno.test("tool calls whose id and name repeat on every fragment keep one name", async () => {
  const repeat = (args: string, name = "lookup") =>
    toolDelta({ index: 0, id: "call_r", type: "function", function: { name, arguments: args } });
  const result = await resultOf(sse([
    repeat('{"k"'),
    repeat(':"v"'),
    repeat("}", ""), // a later empty name is not assigned
    finish("tool_calls"),
  ]));
  assert.deepEqual(result.toolCalls, [{ id: "call_r", name: "lookup", arguments: { k: "v" } }]);
  assert.deepEqual(result.choices[0]?.toolCalls, [{
    index: 0,
    id: "call_r",
    type: "function",
    name: "lookup",
    arguments: { k: "v" },
    argumentsText: '{"k":"v"}',
  }]);
});

Deno.test("whole tool calls that all say index 0 stay separate calls (matched by id)", async () => {
  const result = await resultOf(sse([
    toolDelta({ index: 0, id: "c1", type: "function", function: { name: "f", arguments: "{}" } }),
    toolDelta({
      index: 0,
      id: "c2",
      type: "function",
      function: { name: "g", arguments: '{"n":2}' },
    }),
    finish("tool_calls"),
  ]));
  assert.deepEqual(result.toolCalls.map((call) => [call.id, call.name, call.arguments]), [
    ["c1", "f", {}],
    ["c2", "g", { n: 2 }],
  ]);
});

Deno.test("empty arguments are {} and invalid JSON is kept raw with a parseError", async () => {
  const result = await resultOf(sse([
    chunk({
      tool_calls: [
        { index: 0, id: "c0", type: "function", function: { name: "now", arguments: "" } },
        { index: 1, id: "c1", type: "function", function: { name: "bad", arguments: "{oops" } },
        { index: 2, id: "c2", type: "function", function: { name: "cut", arguments: '{"a":"b' } },
      ],
    }),
    finish("length"),
  ]));
  // The shared calls and choice 0's own, in the order the server numbered them.
  assert.deepEqual(result.toolCalls.map((call) => call.id), ["c0", "c1", "c2"]);
  assert.deepEqual(result.choices[0]?.toolCalls.map((call) => call.id), ["c0", "c1", "c2"]);
  for (const calls of [result.toolCalls, result.choices[0]?.toolCalls ?? []]) {
    const [empty, bad, cut] = calls;
    assert.deepEqual(empty?.arguments, {});
    assert.equal(empty?.parseError, undefined);
    assert.equal(bad?.arguments, "{oops");
    assert.match(bad?.parseError ?? "", /^Invalid JSON in the arguments of tool call 'bad': /);
    assert.equal(cut?.arguments, '{"a":"b');
    assert.ok(cut?.parseError);
  }
  assert.equal(result.finishReason, "length");
  assert.equal(result.rawFinishReason, "length");
});

Deno.test("the deprecated function_call and custom tools' input are assembled", async () => {
  const legacy = await resultOf(sse([
    chunk({ role: "assistant", content: null, function_call: { name: "f", arguments: "" } }),
    chunk({ function_call: { arguments: '{"a":' } }),
    chunk({ function_call: { arguments: "1}" } }),
    finish("function_call"),
  ]));
  // No id on the wire: the shared call gets a generated one, choice 0's own has none.
  assert.equal(legacy.toolCalls.length, 1);
  assert.match(legacy.toolCalls[0]?.id ?? "", /^call_/);
  assert.deepEqual(legacy.toolCalls[0], {
    id: legacy.toolCalls[0]?.id,
    name: "f",
    arguments: { a: 1 },
  });
  assert.deepEqual(legacy.choices[0]?.toolCalls, [{
    index: 0,
    type: "function_call",
    name: "f",
    arguments: { a: 1 },
    argumentsText: '{"a":1}',
  }]);
  assert.equal(legacy.finishReason, "tool-calls");
  assert.equal(legacy.rawFinishReason, "function_call");

  const custom = await resultOf(sse([
    toolDelta({ index: 0, id: "ct_1", type: "custom", custom: { name: "sql", input: "SELECT" } }),
    toolDelta({ index: 0, custom: { input: " * FROM t" } }),
    finish("tool_calls"),
  ]));
  // A custom tool's input is free text: kept as it is, never a parse error.
  assert.deepEqual(custom.toolCalls, [{ id: "ct_1", name: "sql", arguments: "SELECT * FROM t" }]);
  assert.deepEqual(custom.choices[0]?.toolCalls, [{
    index: 0,
    id: "ct_1",
    type: "custom",
    name: "sql",
    arguments: "SELECT * FROM t",
    argumentsText: "SELECT * FROM t",
  }]);
});

Deno.test("text before tool calls and the first-chunk layout of older models are both kept", async () => {
  const result = await resultOf(sse([
    chunk({
      role: "assistant",
      content: "Let me check.",
      tool_calls: [{
        index: 0,
        id: "c",
        type: "function",
        function: { name: "f", arguments: '{"q":1}' },
      }],
    }),
    finish("tool_calls"),
  ]));
  assert.equal(result.text, "Let me check.");
  assert.deepEqual(result.toolCalls[0]?.arguments, { q: 1 });
});

// ---------------------------------------------------------------------------
// Choices, text, reasoning, refusal, logprobs, usage
// ---------------------------------------------------------------------------

Deno.test("n > 1: result() is choice 0, choices holds all, textStream carries choice 0", async () => {
  const body = sse([
    chunk({ role: "assistant", content: "" }, { index: 1 }),
    chunk({ role: "assistant", content: "" }, { index: 0 }),
    chunk({ content: "B1" }, { index: 1 }),
    chunk({ content: "A1" }, { index: 0 }),
    chunk({ content: "B2" }, { index: 1, finish: "stop" }),
    chunk({ content: "A2" }, { index: 0 }),
    finish("length", { index: 0 }),
  ]);
  const texts: string[] = [];
  for await (const text of stream(body, { n: 2 }).textStream) texts.push(text);
  assert.deepEqual(texts, ["A1", "A2"]);
  const result = await resultOf(body);
  assert.equal(result.text, "A1A2");
  assert.equal(result.finishReason, "length");
  assert.equal(result.rawFinishReason, "length");
  assert.deepEqual(result.choices.map((c) => [c.index, c.content, c.finishReason]), [
    [0, "A1A2", "length"],
    [1, "B1B2", "stop"],
  ]);
});

Deno.test("a chunk can carry several choices, routed by index not position", async () => {
  const result = await resultOf(sse([{
    id: "x",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [
      { index: 1, delta: { content: "second" }, finish_reason: "stop" },
      { index: 0, delta: { content: "first" }, finish_reason: "stop" },
    ],
  }]));
  assert.deepEqual(result.choices.map((c) => c.content), ["first", "second"]);
});

Deno.test("reasoning comes from reasoning_content or reasoning; null content is no change", async () => {
  const body = sse([
    chunk({ role: "assistant", content: null, reasoning: "Think" }),
    chunk({ content: null, reasoning: " hard" }),
    chunk({ content: null, reasoning_content: null, reasoning: null }),
    chunk({ content: "42", reasoning: null }),
    finish("stop"),
  ]);
  const thinking: string[] = [];
  const s = stream(body);
  for await (const c of s) thinking.push(c.choices[0]?.delta.reasoning ?? "");
  const result = await s.result();
  assert.equal(result.reasoning, "Think hard");
  assert.equal(result.choices[0]?.reasoning, "Think hard");
  assert.equal(result.text, "42");
  assert.ok((s.stats.timeToFirstToken ?? -1) >= 0, "reasoning counts as the first token");
});

Deno.test("a refusal is kept apart from the content", async () => {
  const body = sse([
    chunk({ role: "assistant", content: null, refusal: "" }),
    chunk({ refusal: "I can't" }),
    chunk({ refusal: " help with that." }),
    finish("stop"),
  ]);
  const result = await resultOf(body);
  assert.equal(result.refusal, "I can't help with that.");
  assert.equal(result.text, "");
  assert.equal(result.choices[0]?.content, null);
  // Nothing received is dropped: each refusal delta is also a raw part.
  const { parts } = await collectParts(stream(body));
  assert.deepEqual(parts.filter((part) => part.type === "raw"), [
    { type: "raw", value: { type: "refusal-delta", refusal: "I can't" } },
    { type: "raw", value: { type: "refusal-delta", refusal: " help with that." } },
  ]);
  assert.ok(!parts.some((part) => part.type === "text-delta"), "a refusal is not text");
});

Deno.test("logprobs are concatenated across chunks", async () => {
  const token = (t: string) => ({
    token: t,
    logprob: -0.5,
    bytes: [...bytes(t)],
    top_logprobs: [],
  });
  const result = await resultOf(sse([
    chunk({ content: "Hi" }, {
      choiceExtra: { logprobs: { content: [token("Hi")], refusal: null } },
    }),
    chunk({ content: " you" }, {
      choiceExtra: { logprobs: { content: [token(" y"), token("ou")], refusal: null } },
    }),
    finish("stop", { choiceExtra: { logprobs: null } }),
  ]));
  assert.deepEqual(result.logprobs, {
    content: [token("Hi"), token(" y"), token("ou")],
    refusal: null,
  });
});

Deno.test("role may repeat and finish_reason may come on a content chunk (older Ollama)", async () => {
  const result = await resultOf(sse([
    chunk({ role: "assistant", content: "Hel" }),
    chunk({ role: "assistant", content: "lo" }, { finish: "stop" }),
  ]));
  assert.equal(result.text, "Hello");
  assert.equal(result.choices[0]?.role, "assistant");
  assert.equal(result.finishReason, "stop");
  assert.equal(result.rawFinishReason, "stop");
});

/** A result's token counts, without the usage object as sent (`raw`). */
function counts({ raw: _, ...counts }: OpenAIResultUsage): Usage {
  return counts;
}

Deno.test("usage is read from the usage chunk, the finish chunk or x_groq.usage", async () => {
  const usage = { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 };
  const openai = await resultOf(sse([
    chunk({ content: "a" }, { extra: { usage: null } }),
    finish("stop", { extra: { usage: null } }),
    {
      id: "chatcmpl-1",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [],
      usage,
    },
  ]));
  assert.deepEqual(counts(openai.usage), { inputTokens: 5, outputTokens: 7, totalTokens: 12 });
  assert.deepEqual(openai.usage.raw, usage);
  assert.deepEqual(openai.rawUsage, usage, "the deprecated name");

  const groqUsage = { ...usage, queue_time: 0.01, total_time: 0.2 };
  const groq = await resultOf(sse([
    chunk({ content: "a" }, { extra: { x_groq: { id: "req_1" } } }),
    finish("stop", { extra: { x_groq: { id: "req_1", usage: groqUsage } } }),
  ]));
  assert.deepEqual(counts(groq.usage), { inputTokens: 5, outputTokens: 7, totalTokens: 12 });
  assert.deepEqual(groq.usage.raw, groqUsage);

  // vLLM continuous_usage_stats: usage on every chunk, the last one wins.
  const vllm = await resultOf(sse([
    chunk({ content: "a" }, { extra: { usage: { ...usage, completion_tokens: 1 } } }),
    finish("stop", { extra: { usage } }),
  ]));
  assert.deepEqual(counts(vllm.usage), { inputTokens: 5, outputTokens: 7, totalTokens: 12 });
});

Deno.test("cached prompt tokens and reasoning tokens are mapped, DeepSeek's cache hits too", async () => {
  const details = await resultOf(sse([
    chunk({ content: "a" }),
    finish("stop", {
      extra: {
        usage: {
          prompt_tokens: 100,
          completion_tokens: 40,
          total_tokens: 140,
          prompt_tokens_details: { cached_tokens: 64, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 30, audio_tokens: 0 },
        },
      },
    }),
  ]));
  assert.deepEqual(counts(details.usage), {
    inputTokens: 100,
    outputTokens: 40,
    totalTokens: 140,
    cachedInputTokens: 64,
    reasoningTokens: 30,
  });

  const deepseek = await resultOf(sse([
    chunk({ content: "a" }),
    finish("stop", {
      extra: {
        usage: {
          prompt_tokens: 19,
          completion_tokens: 5,
          total_tokens: 24,
          prompt_cache_hit_tokens: 16,
          prompt_cache_miss_tokens: 3,
        },
      },
    }),
  ]));
  assert.deepEqual(counts(deepseek.usage), {
    inputTokens: 19,
    outputTokens: 5,
    totalTokens: 24,
    cachedInputTokens: 16,
  });

  // Only what the server reported: no total without both counts.
  const partialCounts = await resultOf(sse([
    chunk({ content: "a" }),
    finish("stop", { extra: { usage: { prompt_tokens: 9 } } }),
  ]));
  assert.deepEqual(counts(partialCounts.usage), { inputTokens: 9 });
});

Deno.test("Mistral's content parts are read: text parts are text, thinking parts reasoning", async () => {
  const body = sse([
    chunk({
      role: "assistant",
      content: [{ type: "thinking", thinking: [{ type: "text", text: "Let me " }] }],
    }),
    chunk({ content: [{ type: "thinking", thinking: [{ type: "text", text: "think." }] }] }),
    chunk({ content: [{ type: "text", text: "The answer" }] }),
    chunk({ content: [{ type: "text", text: " is 4." }] }),
    finish("stop"),
  ]);
  const result = await resultOf(body);
  assert.equal(result.reasoning, "Let me think.");
  assert.equal(result.text, "The answer is 4.");
  assert.equal(result.choices[0]?.content, "The answer is 4.");
  assert.equal(result.choices[0]?.reasoning, "Let me think.");
  const texts: string[] = [];
  for await (const text of stream(body).textStream) texts.push(text);
  assert.deepEqual(texts, ["The answer", " is 4."]);
});

Deno.test("llama.cpp timings give the tokens per second", async () => {
  const timings = { predicted_n: 20, predicted_ms: 400, predicted_per_second: 50 };
  const s = stream(sse([
    chunk({ content: "a" }),
    finish("stop", {
      extra: { timings, usage: { prompt_tokens: 3, completion_tokens: 20, total_tokens: 23 } },
    }),
  ]));
  const result = await s.result();
  assert.deepEqual(result.timings, timings);
  assert.equal(s.stats.tokensPerSecond, 50);
  assert.equal(s.stats.outputTokens, 20);
});

Deno.test("SSE comments, an empty-choices first chunk and CRLF framing are tolerated", async () => {
  const result = await resultOf([
    ": OPENROUTER PROCESSING\r\n\r\n",
    'data: {"id":"","object":"chat.completion.chunk","created":0,"model":"","choices":[],' +
    '"prompt_filter_results":[]}\r\n\r\n',
    ": keep-alive\r\n\r\n",
    event(chunk({ role: "assistant", content: "ok" })).replaceAll("\n", "\r\n"),
    event(finish("stop")),
    "data:[DONE]\n\n",
  ]);
  assert.equal(result.text, "ok");
  assert.equal(result.id, "chatcmpl-1");
  assert.equal(result.done, true);
});

Deno.test("a missing [DONE] after every choice finished is tolerated", async () => {
  const result = await resultOf(sse([chunk({ content: "a" }), finish("stop")], false));
  assert.equal(result.text, "a");
  assert.equal(result.done, false);
});

// ---------------------------------------------------------------------------
// Failures
// ---------------------------------------------------------------------------

Deno.test("a body that ends before [DONE] and finish_reason is an IncompleteStreamError with partial", async () => {
  const error = await failure(
    sse([chunk({ role: "assistant", content: "Hel" }), chunk({ content: "lo" })], false),
  );
  assert.ok(error instanceof IncompleteStreamError);
  assert.equal(error.message, "The stream ended before [DONE]: choice 0 has no finish_reason");
  assert.equal(error.partial?.text, "Hello");
  assert.equal(error.partial?.finishReason, undefined);
  assert.equal(error.partial?.rawFinishReason, undefined);
});

Deno.test("[DONE] before every choice finished is an IncompleteStreamError", async () => {
  const error = await failure(sse([
    chunk({ content: "A" }, { index: 0, finish: "stop" }),
    chunk({ content: "B" }, { index: 1 }),
  ]));
  assert.ok(error instanceof IncompleteStreamError);
  assert.equal(error.message, "The stream sent [DONE] before choice 1 finished: no finish_reason");
  assert.deepEqual((error.partial as OpenAIChatResult).choices.map((c) => c.content), ["A", "B"]);
});

Deno.test("a stream without any choice is an IncompleteStreamError", async () => {
  const done = await failure("data: [DONE]\n\n");
  assert.ok(done instanceof IncompleteStreamError);
  assert.equal(done.message, "The stream sent [DONE] without any choice");
  const empty = await failure(": keep-alive\n\n");
  assert.ok(empty instanceof IncompleteStreamError);
  assert.equal(empty.message, "The stream ended before [DONE]: no choice arrived");
});

Deno.test("a truncated tool call keeps its raw arguments in the partial result", async () => {
  const error = await failure(sse([
    toolDelta({ index: 0, id: "c", type: "function", function: { name: "f", arguments: '{"a":' } }),
  ], false));
  assert.ok(error instanceof IncompleteStreamError);
  const partial = error.partial as OpenAIChatResult;
  for (const call of [partial.toolCalls[0], partial.choices[0]?.toolCalls[0]]) {
    assert.equal(call?.id, "c");
    assert.equal(call?.name, "f");
    assert.equal(call?.arguments, '{"a":');
    assert.ok(call?.parseError);
  }
});

Deno.test("a truncated custom tool call keeps its free-text input, never a parse error", async () => {
  const error = await failure(sse([
    toolDelta({ index: 0, id: "ct_1", type: "custom", custom: { name: "sql", input: "SELECT" } }),
  ], false));
  assert.ok(error instanceof IncompleteStreamError);
  const partial = error.partial as OpenAIChatResult;
  assert.deepEqual(partial.choices[0]?.toolCalls[0]?.arguments, "SELECT");
  assert.equal(partial.choices[0]?.toolCalls[0]?.parseError, undefined);
  assert.deepEqual(partial.toolCalls, [{ id: "ct_1", name: "sql", arguments: "SELECT" }]);
});

Deno.test("an SSE event named error is a ProviderError, JSON or not", async () => {
  const json = await failure([
    event(chunk({ content: "partial" })),
    'event: error\ndata: {"error":{"message":"Overloaded","type":"server_error","code":"overloaded"}}\n\n',
  ]);
  assert.ok(json instanceof ProviderError);
  assert.equal(json.message, "Overloaded");
  assert.equal(json.type, "server_error");
  assert.deepEqual(json.body, { message: "Overloaded", type: "server_error", code: "overloaded" });
  assert.equal(json.partial?.text, "partial");

  const plain = await failure([event(chunk({ content: "x" })), "event: error\ndata: boom\n\n"]);
  assert.ok(plain instanceof ProviderError);
  assert.equal(plain.message, "boom");
});

Deno.test("a top-level error string or object (integer code) is a ProviderError", async () => {
  const text = await failure([event(chunk({ content: "x" })), event({ error: "model crashed" })]);
  assert.ok(text instanceof ProviderError);
  assert.equal(text.message, "model crashed");
  assert.equal(text.body, "model crashed");

  // llama.cpp: integer code, no [DONE].
  const llama = await failure([
    event(chunk({ content: "x" })),
    event({ error: { code: 500, message: "context full", type: "exceed_context_size_error" } }),
  ]);
  assert.ok(llama instanceof ProviderError);
  assert.equal(llama.message, "context full");
  assert.equal(llama.type, "exceed_context_size_error");

  const codeOnly = await failure([event({ error: { code: 400, message: "bad" } })]);
  assert.ok(codeOnly instanceof ProviderError);
  assert.equal(codeOnly.type, "400");
});

Deno.test("OpenRouter's finish_reason error with a top-level error is a ProviderError", async () => {
  const error = await failure([
    ": OPENROUTER PROCESSING\n\n",
    event(chunk({ role: "assistant", content: "Hel" }, { extra: { provider: "Together" } })),
    event({
      id: "gen-1",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      provider: "Together",
      error: { code: 502, message: "Provider disconnected" },
      choices: [{
        index: 0,
        delta: { content: "" },
        finish_reason: "error",
        native_finish_reason: "error",
      }],
    }),
    "data: [DONE]\n\n",
  ]);
  assert.ok(error instanceof ProviderError);
  assert.equal(error.message, "Provider disconnected");
  assert.equal(error.type, "502");
  assert.equal(error.partial?.text, "Hel");
});

Deno.test("finish_reason error without an error object is still a ProviderError", async () => {
  const error = await failure(sse([chunk({ content: "x" }), finish("error")]));
  assert.ok(error instanceof ProviderError);
  assert.equal(error.message, "The server ended choice 0 with finish_reason 'error'");
  assert.equal(error.partial?.text, "x");
  assert.equal(error.partial?.finishReason, "error");
  assert.equal(error.partial?.rawFinishReason, "error");
});

Deno.test("data that is not JSON is a ParseError with the line number", async () => {
  const error = await failure([event(chunk({ content: "x" })), "data: {not json\n\n"]);
  assert.ok(error instanceof ParseError);
  // The event is dispatched by the blank line after its data line (line 3).
  assert.equal(error.line, 4);
  assert.equal(error.partial?.text, "x");
});

// ---------------------------------------------------------------------------
// Consumers
// ---------------------------------------------------------------------------

Deno.test("toResponse({ format: 'sse' }) ends with [DONE] and is read back by an OpenAI client", async () => {
  const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 };
  const upstream = stream(sse([
    chunk({ role: "assistant", content: "Hi" }),
    chunk({ content: " there" }),
    finish("stop"),
    {
      id: "chatcmpl-1",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [],
      usage,
    },
  ]));
  const response = await upstream.toResponse({ format: "sse" });
  assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const text = await response.text();
  assert.ok(text.endsWith("data: [DONE]\n\n"), text);
  const relayed = await stream(() => sseResponse(text)).result();
  assert.equal(relayed.text, "Hi there");
  assert.equal(relayed.done, true);
  assert.deepEqual(relayed.rawUsage, usage);
});

Deno.test("callbacks receive chunks, text and the result", async () => {
  const texts: string[] = [];
  const chunks: OpenAIChatChunk[] = [];
  const finished = Promise.withResolvers<OpenAIChatResult>();
  const client = new OpenAI({
    fetch: cannedFetch(() =>
      sseResponse(sse([chunk({ content: "a" }), chunk({ content: "b" }), finish("stop")]))
    ),
  });
  client.chat({ model: "m", messages: MESSAGES }, {
    onChunk: (c) => chunks.push(c),
    onText: (t) => texts.push(t),
    onFinish: finished.resolve,
  });
  const result = await finished.promise;
  assert.deepEqual(texts, ["a", "b"]);
  assert.equal(chunks.length, 3);
  assert.equal(result.text, "ab");
});
