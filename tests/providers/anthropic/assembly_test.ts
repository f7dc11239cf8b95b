import assert from "node:assert/strict";
import {
  Anthropic,
  type AnthropicResult,
  type AnthropicStreamEvent,
} from "../../../src/providers/anthropic/mod.ts";
import { IncompleteStreamError } from "../../../src/errors/incomplete_stream_error.ts";
import { ParseError } from "../../../src/errors/parse_error.ts";
import { ProviderError } from "../../../src/errors/provider_error.ts";
import type { ContentPart } from "../../../src/shared/types.ts";
import { assertPartsAgree, collectParts } from "../../_parts.ts";
import { chunkings, fakeFetch, sse } from "./_helpers.ts";

const REQUEST = {
  model: "claude-sonnet-4-6",
  max_tokens: 1024,
  messages: [{ role: "user" as const, content: "Hi" }],
};

function messageStart(usage: Record<string, unknown> = { input_tokens: 10, output_tokens: 1 }) {
  return {
    type: "message_start",
    message: {
      id: "msg_test",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-6",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage,
    },
  };
}

function end(stopReason = "end_turn", usage: Record<string, unknown> = { output_tokens: 9 }) {
  return [
    { type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage },
    { type: "message_stop" },
  ];
}

interface Outcome {
  events: AnthropicStreamEvent[];
  texts: string[];
  result?: AnthropicResult;
  error?: unknown;
  /** The normalized parts of a second replay, read with `stream.parts`. */
  parts: ContentPart[];
}

/**
 * Streams `body` through the client under every chunking (whole, byte by
 * byte, seeded pieces) and asserts each gives the same outcome; returns it,
 * with the parts of one more replay, which must agree with the result (or
 * the error's partial result).
 */
async function run(body: string): Promise<Outcome> {
  let first: Outcome | undefined;
  for (const { label, pieces } of chunkings(body)) {
    const anthropic = new Anthropic({ fetch: fakeFetch(pieces), maxRetries: 0 });
    const stream = anthropic.messages(REQUEST);
    const events: AnthropicStreamEvent[] = [];
    const texts: string[] = [];
    const outcome: Outcome = { events, texts, parts: [] };
    try {
      for await (const event of stream) {
        events.push(event);
        if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
          texts.push(event.delta.text);
        }
      }
      outcome.result = await stream.result();
    } catch (error) {
      outcome.error = error;
    }
    if (first === undefined) first = outcome;
    else {
      // Ids sluice makes up (for calls the server sent none for) differ per stream.
      const same = (value: unknown) =>
        JSON.parse(JSON.stringify(value ?? null).replace(/"call_[0-9a-z]+"/g, '"call_*"'));
      assert.deepEqual(same(outcome.events), same(first.events), label);
      assert.deepEqual(same(outcome.result), same(first.result), label);
      assert.equal(String(outcome.error), String(first.error), label);
      assert.deepEqual(
        same((outcome.error as { partial?: unknown } | undefined)?.partial),
        same((first.error as { partial?: unknown } | undefined)?.partial),
        label,
      );
    }
  }
  const anthropic = new Anthropic({ fetch: fakeFetch(chunkings(body)[0]!.pieces), maxRetries: 0 });
  const replay = anthropic.messages(REQUEST);
  const { parts, error } = await collectParts(replay);
  assert.equal(String(error), String(first!.error), "the parts end like the chunks");
  const partial = (error as { partial?: AnthropicResult } | undefined)?.partial;
  const result = error === undefined ? await replay.result() : partial;
  assert.ok(result, "a result or a partial result");
  assertPartsAgree(parts, result, "", { partial: error !== undefined });
  first!.parts = parts;
  return first!;
}

/** Cuts `text` into pieces of 1 to 3 UTF-16 code units (surrogate pairs split too). */
function fragments(text: string): string[] {
  const out: string[] = [];
  for (let i = 0, size = 1; i < text.length; i += size, size = (size % 3) + 1) {
    out.push(text.slice(i, i + size));
  }
  return out;
}

Deno.test("Anthropic joins tool input split inside escapes, surrogate pairs and multi-byte characters", async () => {
  // Escapes (\u00e9, \", \\, \n, \ud83c\udf89), raw multi-byte characters and an emoji.
  const json =
    '{"q": "caf\\u00e9 \\"quoted\\" \\\\ back\\nslash 日本語 🎉 \\ud83c\\udf89", "n": [1, 2.5e3, -0], "ok": true, "nested": {"é": null}}';
  const expected = JSON.parse(json);
  for (const parts of [fragments(json), Array.from(json), [json], ["", json, ""]]) {
    const body = sse([
      messageStart(),
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: "toolu_1", name: "search", input: {} },
      },
      ...parts.map((partial_json) => ({
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json },
      })),
      { type: "content_block_stop", index: 0 },
      ...end("tool_use"),
    ]);
    const { result } = await run(body);
    assert.ok(result);
    assert.deepEqual(result.toolCalls, [{ id: "toolu_1", name: "search", arguments: expected }]);
    assert.deepEqual(result.content, [
      { type: "tool_use", id: "toolu_1", name: "search", input: expected },
    ]);
    assert.equal(result.finishReason, "tool-calls");
    assert.equal(result.rawFinishReason, "tool_use");
  }
});

Deno.test("Anthropic keys blocks by index even when their events interleave", async () => {
  const body = sse([
    messageStart(),
    { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "thinking", thinking: "", signature: "" },
    },
    {
      type: "content_block_start",
      index: 2,
      content_block: { type: "tool_use", id: "toolu_a", name: "a", input: {} },
    },
    { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Hel" } },
    { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Hm" } },
    {
      type: "content_block_delta",
      index: 2,
      delta: { type: "input_json_delta", partial_json: '{"x":' },
    },
    { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "lo" } },
    { type: "ping" },
    { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "m." } },
    {
      type: "content_block_delta",
      index: 2,
      delta: { type: "input_json_delta", partial_json: "1}" },
    },
    {
      type: "content_block_start",
      index: 3,
      content_block: { type: "tool_use", id: "toolu_b", name: "b", input: {} },
    },
    { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "s1" } },
    { type: "content_block_stop", index: 2 },
    { type: "content_block_stop", index: 1 },
    { type: "content_block_stop", index: 3 },
    { type: "content_block_stop", index: 0 },
    ...end("tool_use"),
  ]);
  const { result, texts } = await run(body);
  assert.ok(result);
  assert.deepEqual(texts, ["Hel", "lo"]);
  assert.deepEqual(result.content, [
    { type: "thinking", thinking: "Hmm.", signature: "s1" },
    { type: "text", text: "Hello" },
    { type: "tool_use", id: "toolu_a", name: "a", input: { x: 1 } },
    { type: "tool_use", id: "toolu_b", name: "b", input: {} },
  ]);
  assert.equal(result.text, "Hello");
  assert.equal(result.reasoning, "Hmm.");
  assert.deepEqual(result.toolCalls, [
    { id: "toolu_a", name: "a", arguments: { x: 1 } },
    { id: "toolu_b", name: "b", arguments: {} },
  ]);
});

Deno.test("Anthropic gives tool calls without an id a generated one, and loses none", async () => {
  const body = sse([
    messageStart(),
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "tool_use", name: "a", input: {} },
    },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "input_json_delta", partial_json: '{"x":1}' },
    },
    { type: "content_block_stop", index: 0 },
    {
      type: "content_block_start",
      index: 1,
      content_block: { type: "tool_use", name: "b", input: {} },
    },
    {
      type: "content_block_delta",
      index: 1,
      delta: { type: "input_json_delta", partial_json: '{"y":2}' },
    },
    { type: "content_block_stop", index: 1 },
    ...end("tool_use"),
  ]);
  const { result } = await run(body);
  assert.ok(result);
  assert.deepEqual(
    result.toolCalls.map(({ name, arguments: args }) => ({ name, args })),
    [{ name: "a", args: { x: 1 } }, { name: "b", args: { y: 2 } }],
  );
  const [a, b] = result.toolCalls;
  assert.match(a?.id ?? "", /^call_/);
  assert.match(b?.id ?? "", /^call_/);
  assert.notEqual(a?.id, b?.id);
});

Deno.test("Anthropic lists tool calls in content order, whatever order their blocks started in", async () => {
  const body = sse([
    messageStart(),
    {
      type: "content_block_start",
      index: 1,
      content_block: { type: "tool_use", id: "toolu_b", name: "b", input: {} },
    },
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "tool_use", id: "toolu_a", name: "a", input: {} },
    },
    { type: "content_block_stop", index: 0 },
    { type: "content_block_stop", index: 1 },
    ...end("tool_use"),
  ]);
  const { result } = await run(body);
  assert.ok(result);
  assert.deepEqual(result.content.map((block) => (block as { id?: string }).id), [
    "toolu_a",
    "toolu_b",
  ]);
  assert.deepEqual(result.toolCalls.map((call) => call.id), ["toolu_a", "toolu_b"]);
});

Deno.test("Anthropic counts text and thinking that content_block_start already carries", async () => {
  const body = sse([
    messageStart(),
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "thinking", thinking: "Hm", signature: "" },
    },
    { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "m." } },
    { type: "content_block_stop", index: 0 },
    { type: "content_block_start", index: 1, content_block: { type: "text", text: "Hi " } },
    { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "there" } },
    { type: "content_block_stop", index: 1 },
    ...end(),
  ]);
  const { result } = await run(body);
  assert.ok(result);
  assert.deepEqual(result.content, [
    { type: "thinking", thinking: "Hmm.", signature: "" },
    { type: "text", text: "Hi there" },
  ]);
  // The shared fields say what the content says.
  assert.equal(result.reasoning, "Hmm.");
  assert.equal(result.text, "Hi there");
});

Deno.test("Anthropic keeps invalid tool input as the raw string with parseError", async () => {
  const body = sse([
    messageStart(),
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "tool_use", id: "toolu_1", name: "write", input: {} },
    },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "input_json_delta", partial_json: "" },
    },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "input_json_delta", partial_json: '{"text": "cut o' },
    },
    { type: "content_block_stop", index: 0 },
    {
      type: "content_block_start",
      index: 1,
      content_block: { type: "tool_use", id: "toolu_2", name: "noop", input: {} },
    },
    {
      type: "content_block_delta",
      index: 1,
      delta: { type: "input_json_delta", partial_json: "" },
    },
    { type: "content_block_stop", index: 1 },
    ...end("max_tokens"),
  ]);
  const { result } = await run(body);
  assert.ok(result);
  assert.equal(result.finishReason, "length");
  assert.equal(result.rawFinishReason, "max_tokens");
  const [broken, empty] = result.toolCalls;
  assert.equal(broken?.arguments, '{"text": "cut o');
  assert.equal(typeof broken?.parseError, "string");
  assert.ok(broken?.parseError);
  assert.deepEqual(empty, { id: "toolu_2", name: "noop", arguments: {} });
  assert.deepEqual(result.content[0], {
    type: "tool_use",
    id: "toolu_1",
    name: "write",
    input: '{"text": "cut o',
  });
});

Deno.test("Anthropic replaces the signature, collects citations and passes other blocks through", async () => {
  const citation = {
    type: "char_location",
    cited_text: "The sky is blue.",
    document_index: 0,
    document_title: "Notes",
    start_char_index: 0,
    end_char_index: 16,
  };
  const searchResult = {
    type: "web_search_tool_result",
    tool_use_id: "srvtoolu_1",
    content: [{ type: "web_search_result", url: "https://example.com", title: "Example" }],
  };
  const body = sse([
    messageStart(),
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "thinking", thinking: "", signature: "" },
    },
    { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "old" } },
    { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "new" } },
    { type: "content_block_stop", index: 0 },
    {
      type: "content_block_start",
      index: 1,
      content_block: { type: "redacted_thinking", data: "EncryptedBlob==" },
    },
    { type: "content_block_stop", index: 1 },
    {
      type: "content_block_start",
      index: 2,
      content_block: { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: {} },
    },
    {
      type: "content_block_delta",
      index: 2,
      delta: { type: "input_json_delta", partial_json: '{"query": "sky"}' },
    },
    { type: "content_block_stop", index: 2 },
    { type: "content_block_start", index: 3, content_block: searchResult },
    { type: "content_block_stop", index: 3 },
    { type: "content_block_start", index: 4, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 4, delta: { type: "citations_delta", citation } },
    {
      type: "content_block_delta",
      index: 4,
      delta: { type: "text_delta", text: "It is blue." },
    },
    { type: "content_block_stop", index: 4 },
    { type: "content_block_start", index: 5, content_block: { type: "mystery_block", x: 1 } },
    { type: "content_block_delta", index: 5, delta: { type: "mystery_delta", y: 2 } },
    { type: "content_block_stop", index: 5 },
    ...end(),
  ]);
  const { result, parts } = await run(body);
  assert.ok(result);
  assert.deepEqual(result.content, [
    { type: "thinking", thinking: "", signature: "new" },
    { type: "redacted_thinking", data: "EncryptedBlob==" },
    { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "sky" } },
    searchResult,
    { type: "text", text: "It is blue.", citations: [citation] },
    // A delta type sluice does not model is applied by the one rule: other values replace.
    { type: "mystery_block", x: 1, y: 2 },
  ]);
  assert.deepEqual(result.toolCalls, [], "server tools are not the caller's to run");
  assert.equal(result.text, "It is blue.");
  // Nothing received is dropped: what the parts do not model is a raw part.
  assert.deepEqual(parts.filter((part) => part.type === "raw"), [
    { type: "raw", value: { type: "redacted_thinking", data: "EncryptedBlob==" } },
    {
      type: "raw",
      value: {
        type: "server_tool_use",
        id: "srvtoolu_1",
        name: "web_search",
        input: { query: "sky" },
      },
    },
    { type: "raw", value: searchResult },
    // A citation is no text: its delta is handed on as it came, like an unmodeled delta.
    { type: "raw", value: { index: 4, delta: { type: "citations_delta", citation } } },
    { type: "raw", value: { index: 5, delta: { type: "mystery_delta", y: 2 } } },
    { type: "raw", value: { type: "mystery_block", x: 1, y: 2 } },
  ]);
});

Deno.test("Anthropic appends an unmodeled delta's string fields to the block's", async () => {
  const body = sse([
    messageStart(),
    { type: "content_block_start", index: 0, content_block: { type: "compaction", content: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "compaction_delta", content: "Sum" } },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "compaction_delta", content: "mary.", done: true },
    },
    { type: "content_block_stop", index: 0 },
    ...end(),
  ]);
  const { result } = await run(body);
  assert.ok(result);
  assert.deepEqual(result.content, [{ type: "compaction", content: "Summary.", done: true }]);
  assert.equal(result.text, "");
});

Deno.test("Anthropic delivers unknown events as chunks and raw parts, pings as chunks only", async () => {
  const body = sse([
    messageStart(),
    { type: "ping" },
    { type: "brand_new_event", payload: { a: 1 } },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "ok" } },
    { type: "ping" },
    { type: "content_block_stop", index: 0 },
    ...end(),
  ]);
  const { result, events, parts } = await run(body);
  assert.ok(result);
  assert.deepEqual(
    events.map((event) => event.type),
    [
      "message_start",
      "ping",
      "brand_new_event",
      "content_block_start",
      "content_block_delta",
      "ping",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ] as string[],
  );
  assert.equal(result.text, "ok");
  assert.deepEqual(result.content, [{ type: "text", text: "ok" }], "nothing assembled from it");
  // A ping is a keep-alive, no content; the unknown event is handed on whole.
  assert.deepEqual(parts.filter((part) => part.type === "raw"), [
    { type: "raw", value: { type: "brand_new_event", payload: { a: 1 } } },
  ]);
});

Deno.test("Anthropic replaces usage with each message_delta's cumulative counts, never adds", async () => {
  const body = sse([
    messageStart({
      input_tokens: 10,
      output_tokens: 1,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 5,
      service_tier: "standard",
    }),
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "x" } },
    { type: "content_block_stop", index: 0 },
    {
      type: "message_delta",
      delta: { stop_reason: "stop_sequence", stop_sequence: "###" },
      usage: { output_tokens: 5 },
    },
    {
      type: "message_delta",
      delta: { stop_reason: "stop_sequence", stop_sequence: "###", stop_details: { a: 1 } },
      usage: {
        output_tokens: 9,
        input_tokens: 20,
        cache_read_input_tokens: null,
        server_tool_use: { web_search_requests: 2 },
      },
    },
    { type: "message_stop" },
  ]);
  const { result } = await run(body);
  assert.ok(result);
  // inputTokens counts every input token: 20 uncached + 100 cache writes + 5 cache reads.
  assert.deepEqual(result.usage, {
    inputTokens: 125,
    outputTokens: 9,
    totalTokens: 134,
    cachedInputTokens: 5,
    cacheCreationInputTokens: 100,
    cacheReadInputTokens: 5,
    raw: {
      input_tokens: 20,
      output_tokens: 9,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 5,
      service_tier: "standard",
      server_tool_use: { web_search_requests: 2 },
    },
  });
  assert.equal(result.finishReason, "stop");
  assert.equal(result.rawFinishReason, "stop_sequence");
  assert.equal(result.stopSequence, "###");
  assert.deepEqual(result.message?.stop_details, { a: 1 });
  assert.deepEqual(result.message?.usage, result.usage.raw);
});

Deno.test("Anthropic fails a body without message_stop with IncompleteStreamError and the partial", async () => {
  const body = sse([
    messageStart(),
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Half" } },
    { type: "content_block_stop", index: 0 },
    {
      type: "content_block_start",
      index: 1,
      content_block: { type: "tool_use", id: "toolu_1", name: "f", input: {} },
    },
    {
      type: "content_block_delta",
      index: 1,
      delta: { type: "input_json_delta", partial_json: '{"a": [1, 2' },
    },
  ]);
  const { error } = await run(body);
  assert.ok(error instanceof IncompleteStreamError);
  assert.match(error.message, /message_stop/);
  const partial = error.partial as AnthropicResult;
  assert.equal(partial.text, "Half");
  assert.equal(partial.id, "msg_test");
  assert.equal(partial.finishReason, undefined);
  assert.equal(partial.rawFinishReason, undefined);
  assert.deepEqual(partial.toolCalls[0]?.arguments, '{"a": [1, 2');
  assert.ok(partial.toolCalls[0]?.parseError);
  assert.equal(partial.toolCalls[0]?.id, "toolu_1");
});

Deno.test("Anthropic reports data that is not JSON as a ParseError with the line", async () => {
  const body = sse([messageStart()]) + "event: content_block_start\ndata: {not json\n\n";
  const { error } = await run(body);
  assert.ok(error instanceof ParseError);
  // The event is dispatched by the blank line after its data (line 6).
  assert.equal(error.line, 6);
  assert.match(error.message, /line 6 as JSON: '\{not json'/);
  assert.equal((error.partial as AnthropicResult).id, "msg_test");
});

Deno.test("Anthropic surfaces an error event as ProviderError with its type, body and partial", async () => {
  const body = sse([
    messageStart(),
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Part" } },
    {
      type: "error",
      error: { type: "api_error", message: "Internal server error" },
      request_id: "req_1",
    },
  ]);
  const { error } = await run(body);
  assert.ok(error instanceof ProviderError);
  assert.equal(error.type, "api_error");
  assert.equal(error.message, "Anthropic reported api_error mid-stream: Internal server error");
  assert.deepEqual(error.body, {
    type: "error",
    error: { type: "api_error", message: "Internal server error" },
    request_id: "req_1",
  });
  assert.equal((error.partial as AnthropicResult).text, "Part");
});

Deno.test("Anthropic counts thinking toward time to first token", async () => {
  const body = sse([
    messageStart(),
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "thinking", thinking: "", signature: "" },
    },
    { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Hmm" } },
    { type: "content_block_stop", index: 0 },
    ...end(),
  ]);
  const anthropic = new Anthropic({ fetch: fakeFetch([new TextEncoder().encode(body)]) });
  const stream = anthropic.messages(REQUEST);
  const texts: string[] = [];
  for await (const text of stream.textStream) texts.push(text);
  assert.deepEqual(texts, []);
  assert.equal((await stream.result()).reasoning, "Hmm");
  assert.notEqual(stream.stats.timeToFirstToken, undefined);
});

Deno.test("Anthropic reports event data that is JSON but not an object as a ParseError", async () => {
  const body = sse([messageStart()]) + "event: ping\ndata: null\n\n";
  const { error } = await run(body);
  assert.ok(error instanceof ParseError);
  assert.equal(error.line, 6);
});
