/**
 * Shapes recorded provider streams have that our first transcripts lacked,
 * written from the providers' API references, each replayed under every
 * chunking through its client, the whole result asserted.
 */
import assert from "node:assert/strict";
import { chunkings, fakeFetch, sse } from "./anthropic/_helpers.ts";
import { Anthropic } from "../../src/providers/anthropic/mod.ts";
import { OpenAI } from "../../src/providers/openai/mod.ts";
import { Ollama } from "../../src/providers/ollama/mod.ts";
import { IncompleteStreamError } from "../../src/errors/incomplete_stream_error.ts";
import type { ContentPart } from "../../src/shared/types.ts";
import { assertAgree } from "../unified/_agree.ts";

const MESSAGE = {
  id: "msg_1",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-6",
  content: [],
  stop_reason: null,
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 1 },
};

/** Each chunking's result through the client; `streamText` must agree with the client. */
async function anthropicReplay(text: string) {
  await assertAgree("anthropic", text, "streamText");
  const results = [];
  for (const { label, pieces } of chunkings(text)) {
    const anthropic = new Anthropic({ apiKey: "k", fetch: fakeFetch(pieces) });
    const stream = anthropic.messages({ model: "m", max_tokens: 10, messages: [] });
    const parts: ContentPart[] = [];
    try {
      for await (const part of stream.parts) parts.push(part);
      results.push({ label, result: await stream.result(), parts, error: undefined });
    } catch (error) {
      results.push({ label, result: stream.partial, parts, error });
    }
  }
  return results;
}

Deno.test("Anthropic: content delivered inside message_start is part of the message", async () => {
  const toolUse = {
    type: "tool_use",
    id: "toolu_1",
    name: "get_weather",
    input: { city: "Paris" },
    caller: { type: "code_execution_20250825", tool_id: "srvtoolu_1" },
  };
  const text = sse([
    {
      type: "message_start",
      message: { ...MESSAGE, content: [toolUse], stop_reason: "tool_use" },
    },
    { type: "message_stop" },
  ]);
  for (const { label, result, parts, error } of await anthropicReplay(text)) {
    assert.equal(error, undefined, label);
    assert.deepEqual(result.toolCalls, [
      { id: "toolu_1", name: "get_weather", arguments: { city: "Paris" } },
    ], label);
    assert.equal(result.finishReason, "tool-calls", label);
    assert.equal(result.rawFinishReason, "tool_use", label);
    assert.deepEqual(result.content, [toolUse], label);
    assert.deepEqual(result.message?.content, [toolUse], label);
    assert.deepEqual(parts.filter((part) => part.type === "tool-call"), [
      { type: "tool-call", id: "toolu_1", name: "get_weather", arguments: { city: "Paris" } },
    ], label);
  }
});

Deno.test("Anthropic: a compaction_delta fills its block by the documented rule and is a raw part", async () => {
  const summary = "The user asked about the weather in Paris; ".repeat(40);
  const text = sse([
    { type: "message_start", message: MESSAGE },
    { type: "content_block_start", index: 0, content_block: { type: "compaction", content: null } },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "compaction_delta", content: summary.slice(0, 900) },
    },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "compaction_delta", content: summary.slice(900) },
    },
    { type: "content_block_stop", index: 0 },
    { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Sunny." } },
    { type: "content_block_stop", index: 1 },
    {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: 5 },
    },
    { type: "message_stop" },
  ]);
  for (const { label, result, parts, error } of await anthropicReplay(text)) {
    assert.equal(error, undefined, label);
    assert.deepEqual(result.content, [
      { type: "compaction", content: summary },
      { type: "text", text: "Sunny." },
    ], label);
    assert.deepEqual(result.message?.content, result.content, label);
    assert.equal(result.text, "Sunny.", label);
    const raw = parts.filter((part) => part.type === "raw");
    assert.equal(raw.length, 3, `${label}: two deltas and the finished block`);
    assert.deepEqual(raw[2], { type: "raw", value: { type: "compaction", content: summary } });
  }
});

Deno.test("Anthropic: a second message_start with another id is an error with the partial", async () => {
  const text = sse([
    { type: "message_start", message: MESSAGE },
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "tool_use", id: "toolu_1", name: "f", input: {} },
    },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "input_json_delta", partial_json: '{"a":' },
    },
    { type: "message_start", message: { ...MESSAGE, id: "msg_2" } },
    { type: "message_stop" },
  ]);
  for (const { label, result, error } of await anthropicReplay(text)) {
    assert(error instanceof IncompleteStreamError, label);
    assert.match(error.message, /second message_start \(id 'msg_2'\).*'msg_1'/, label);
    assert.equal((error.partial as { id?: string })?.id, "msg_1", label);
    assert.equal(result.toolCalls[0]?.id, "toolu_1", label);
  }
});

Deno.test("Anthropic: the same message_start twice is harmless", async () => {
  const text = sse([
    { type: "message_start", message: MESSAGE },
    { type: "message_start", message: MESSAGE },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } },
    { type: "content_block_stop", index: 0 },
    { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 2 } },
    { type: "message_stop" },
  ]);
  for (const { label, result, error } of await anthropicReplay(text)) {
    assert.equal(error, undefined, label);
    assert.equal(result.text, "Hi", label);
  }
});

Deno.test("Anthropic: a huge block index does not freeze the process", async () => {
  const text = sse([
    { type: "message_start", message: MESSAGE },
    { type: "content_block_start", index: 4294967294, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 4294967294, delta: { type: "text_delta", text: "x" } },
    { type: "content_block_stop", index: 4294967294 },
    { type: "content_block_start", index: -1, content_block: { type: "text", text: "" } },
    { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 1 } },
    { type: "message_stop" },
  ]);
  const started = performance.now();
  for (const { label, result, error } of await anthropicReplay(text)) {
    assert.equal(error, undefined, label);
    assert.deepEqual(result.content, [{ type: "text", text: "x" }], label);
  }
  assert(performance.now() - started < 5000, "linear in the blocks received");
});

function openAIChunk(delta: unknown, finish: string | null = null): unknown {
  return {
    id: "c1",
    object: "chat.completion.chunk",
    created: 1,
    model: "magistral-medium-latest",
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

function openAISse(chunks: unknown[]): string {
  return chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join("") + "data: [DONE]\n\n";
}

/** Each chunking's result through the client; `streamText` must agree with the client. */
async function openAIReplay(text: string) {
  await assertAgree("openai", text, "streamText");
  const results = [];
  for (const { label, pieces } of chunkings(text)) {
    const openai = new OpenAI({ fetch: fakeFetch(pieces) });
    const stream = openai.chat({ model: "m", messages: [] });
    results.push({ label, result: await stream.result() });
  }
  return results;
}

Deno.test("OpenAI-compatible: Mistral's content arrays are read as text and reasoning", async () => {
  const text = openAISse([
    openAIChunk({ role: "assistant", content: "" }),
    openAIChunk({
      content: [{ type: "thinking", thinking: [{ type: "text", text: "Two plus two" }] }],
    }),
    openAIChunk({ content: [{ type: "thinking", thinking: [{ type: "text", text: " is 4." }] }] }),
    openAIChunk({ content: [{ type: "text", text: "The answer" }] }),
    openAIChunk({ content: " is 4." }, "stop"),
  ]);
  for (const { label, result } of await openAIReplay(text)) {
    assert.equal(result.reasoning, "Two plus two is 4.", label);
    assert.equal(result.text, "The answer is 4.", label);
    assert.equal(result.finishReason, "stop", label);
  }
});

Deno.test("OpenAI-compatible: tool calls that end with finish_reason 'stop' are 'tool-calls'", async () => {
  const text = openAISse([
    openAIChunk({
      role: "assistant",
      tool_calls: [{
        index: 0,
        id: "call_1",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Paris"}' },
      }],
    }),
    openAIChunk({}, "stop"),
  ]);
  for (const { label, result } of await openAIReplay(text)) {
    assert.equal(result.finishReason, "tool-calls", label);
    assert.equal(result.rawFinishReason, "stop", label);
    assert.deepEqual(result.toolCalls, [
      { id: "call_1", name: "get_weather", arguments: { city: "Paris" } },
    ], label);
  }
});

Deno.test("Ollama: null and mistyped fields are ignored, never garbage in the answer", async () => {
  const line = (value: Record<string, unknown>) =>
    JSON.stringify({ model: "m", created_at: "", done: false, ...value }) + "\n";
  const text = [
    line({ message: null }),
    line({ message: { role: "assistant", content: "Hel", tool_calls: null }, logprobs: null }),
    line({ message: { role: "assistant", content: 42, thinking: { x: 1 } } }),
    line({ message: { role: "assistant", content: null, thinking: null } }),
    line({ message: { role: "assistant", content: "lo", tool_calls: [null, 3] } }),
    line({ done: true, done_reason: "stop", message: { role: "assistant", content: "" } }),
  ].join("");
  await assertAgree("ollama", text, "streamText");
  for (const { label, pieces } of chunkings(text)) {
    const ollama = new Ollama({
      fetch: fakeFetch(pieces, { headers: { "content-type": "application/x-ndjson" } }),
    });
    const stream = ollama.chat({ model: "m", messages: [] });
    const texts: unknown[] = [];
    for await (const delta of stream.textStream) texts.push(delta);
    const result = await stream.result();
    assert.deepEqual(texts, ["Hel", "lo"], label);
    assert.equal(result.text, "Hello", label);
    assert.equal(result.reasoning, "", label);
    assert.deepEqual(result.toolCalls, [], label);
    assert.equal(result.finishReason, "stop", label);
  }
});

Deno.test("a final event without its blank line is accepted by the clients", async () => {
  const openAIBodies = [
    openAISse([openAIChunk({ content: "Hi" }, "stop")]).replace(/\n\n$/, "\n"),
    openAISse([openAIChunk({ content: "Hi" }, "stop")]).replace(/\n\n$/, ""),
  ];
  for (const body of openAIBodies) {
    for (const { label, result } of await openAIReplay(body)) {
      assert.equal(result.text, "Hi", label);
      assert.equal(result.done, true, `${label}: [DONE] arrived`);
    }
  }
  const anthropicBody = sse([
    { type: "message_start", message: MESSAGE },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } },
    { type: "content_block_stop", index: 0 },
    { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 1 } },
    { type: "message_stop" },
  ]).replace(/\n\n$/, "");
  for (const { label, result, error } of await anthropicReplay(anthropicBody)) {
    assert.equal(error, undefined, label);
    assert.equal(result.text, "Hi", label);
  }
});

Deno.test("a last event cut short is an IncompleteStreamError, not a ParseError", async () => {
  const body = sse([
    { type: "message_start", message: MESSAGE },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } },
  ]) + 'event: content_block_stop\ndata: {"type":"content_bl';
  for (const { label, result, error } of await anthropicReplay(body)) {
    assert(error instanceof IncompleteStreamError, label);
    assert.match(error.message, /ended inside its last event/, label);
    assert.equal(result.text, "Hi", label);
  }
});

Deno.test("an NDJSON body cut inside its last line is an IncompleteStreamError, as an SSE one is", async () => {
  const line = (content: string, done = false) =>
    JSON.stringify({ model: "m", created_at: "", message: { role: "assistant", content }, done }) +
    "\n";
  const body = line("Hel") + line("lo") + line("", true);
  const second = line("Hel").length;
  for (const [cut, text] of [[5, ""], [second + 7, "Hel"], [body.length - 3, "Hello"]] as const) {
    for (const { label, pieces } of chunkings(body.slice(0, cut))) {
      const ollama = new Ollama({
        fetch: fakeFetch(pieces, { headers: { "content-type": "application/x-ndjson" } }),
      });
      const stream = ollama.chat({ model: "m", messages: [] });
      const error = await stream.result().then(() => undefined, (error) => error);
      assert(error instanceof IncompleteStreamError, `${cut}, ${label}: ${error}`);
      assert.match(error.message, /ended inside its last line/, label);
      assert.equal(stream.partial.text, text, label);
    }
  }
  // A line that is not JSON before the end stays a ParseError with its line number.
  const broken = new Ollama({
    fetch: fakeFetch([new TextEncoder().encode(line("Hi") + "not json\n" + line("", true))], {
      headers: { "content-type": "application/x-ndjson" },
    }),
  }).chat({ model: "m", messages: [] });
  const error = await broken.result().then(() => undefined, (error) => error);
  assert.equal(error?.name, "ParseError");
  assert.equal(error?.line, 2);
});
