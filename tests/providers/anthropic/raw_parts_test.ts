/**
 * Nothing an Anthropic stream carries is dropped from the parts: citations
 * and event types added later are `raw` parts (copies, never the chunk the
 * caller receives), pings are none, and `streamText` hands them on.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Anthropic } from "../../../src/providers/anthropic/mod.ts";
import { messagesProtocol } from "../../../src/providers/anthropic/_protocol.ts";
import type { ContentPart } from "../../../src/shared/types.ts";
import { anthropic, type StreamPart, streamText } from "../../../src/unified/mod.ts";
import { collectParts } from "../../_parts.ts";
import { fakeFetch, sse } from "./_helpers.ts";

type Json = Record<string, unknown>;

const REQUEST = {
  model: "claude-sonnet-4-6",
  max_tokens: 1024,
  messages: [{ role: "user" as const, content: "Weather in NYC?" }],
};

const citation = {
  type: "web_search_result_location",
  cited_text: "Partly cloudy with a high of 75°F and a low of 63°F.",
  url: "https://weather.example.com/nyc",
  title: "New York, NY Weather Forecast",
  encrypted_index: "Eo8BCioIAhgBIiQyYjQ0OWJmZi1lNm",
};

/** A web search answer with a cited text block, a ping and an event type added later. */
const EVENTS: Json[] = [
  {
    type: "message_start",
    message: {
      id: "msg_01Cit",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-6",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 2679, output_tokens: 3 },
    },
  },
  { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
  { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Today " } },
  { type: "content_block_stop", index: 0 },
  { type: "ping" },
  {
    type: "content_block_start",
    index: 1,
    content_block: { type: "text", text: "", citations: [] },
  },
  { type: "content_block_delta", index: 1, delta: { type: "citations_delta", citation } },
  {
    type: "content_block_delta",
    index: 1,
    delta: { type: "text_delta", text: "it is partly cloudy, 75°F." },
  },
  { type: "content_block_stop", index: 1 },
  { type: "message_progress", stage: { name: "wrap_up", percent: 90 } },
  {
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { output_tokens: 42 },
  },
  { type: "message_stop" },
];

const RAW = [
  { type: "raw", value: { index: 1, delta: { type: "citations_delta", citation } } },
  { type: "raw", value: { type: "message_progress", stage: { name: "wrap_up", percent: 90 } } },
];

const bytes = (text: string) => [new TextEncoder().encode(text)];

Deno.test("Anthropic hands citations and unknown events on as raw parts, a copy of each", () => {
  const reader = messagesProtocol.createReader();
  const parts: ContentPart[] = [];
  const emit = (part: ContentPart) => parts.push(part);
  const chunks = EVENTS.map((event) =>
    reader.push({ event: event.type, data: JSON.stringify(event) }, emit) as unknown as Json
  );
  assert.deepEqual(parts.filter((part) => part.type === "raw"), RAW);
  const [cited, unknown] = parts.filter((part) => part.type === "raw")
    .map((part) => (part as { value: Json }).value);
  // Changing what the caller received changes no part.
  const citationChunk = chunks[6]!;
  const unknownChunk = chunks[9]!;
  assert.notEqual(cited!.delta, citationChunk.delta);
  assert.notEqual((cited!.delta as Json).citation, (citationChunk.delta as Json).citation);
  assert.notEqual(unknown, unknownChunk);
  assert.notEqual(unknown!.stage, unknownChunk.stage);
  ((citationChunk.delta as Json).citation as Json).url = "changed";
  (unknownChunk.stage as Json).name = "changed";
  assert.deepEqual(parts.filter((part) => part.type === "raw"), RAW);
});

Deno.test("Anthropic keeps its own copy of a citation: changing the chunk changes no result", async () => {
  const stream = new Anthropic({ fetch: fakeFetch(bytes(sse(EVENTS))), maxRetries: 0 })
    .messages(REQUEST);
  for await (const event of stream) {
    if (event.type === "content_block_delta" && event.delta.type === "citations_delta") {
      (event.delta.citation as unknown as Json).url = "changed";
    }
  }
  const block = (await stream.result()).content[1] as unknown as { citations: Json[] };
  assert.equal(block.citations[0]!.url, citation.url);
});

Deno.test("Anthropic hands a delta that fits no started block on as a raw part, not dropped", () => {
  const reader = messagesProtocol.createReader();
  const parts: ContentPart[] = [];
  const emit = (part: ContentPart) => parts.push(part);
  const strays: Json[] = [
    // A delta for a block that never started.
    { type: "content_block_delta", index: 7, delta: { type: "text_delta", text: "lost?" } },
    // Text sent to a tool_use block, thinking to a text block.
    { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "x" } },
    { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "y" } },
  ];
  const events: Json[] = [
    EVENTS[0]!,
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    {
      type: "content_block_start",
      index: 1,
      content_block: { type: "tool_use", id: "toolu_1", name: "f", input: {} },
    },
    ...strays,
  ];
  for (const event of events) reader.push({ event: event.type, data: JSON.stringify(event) }, emit);
  assert.deepEqual(parts.filter((part) => part.type !== "usage"), [
    { type: "tool-call-start", id: "toolu_1", name: "f" },
    { type: "raw", value: strays[0] },
    { type: "raw", value: { index: 1, delta: strays[1]!.delta } },
    { type: "raw", value: { index: 0, delta: strays[2]!.delta } },
  ]);
});

Deno.test("Anthropic gives a ping no part: the fixtures' pings leave no raw part", async () => {
  for (const file of ["text.sse", "thinking.sse", "tool-use.sse", "thinking-parallel-tools.sse"]) {
    const body = await Deno.readTextFile(
      new URL(`../../testdata/anthropic/${file}`, import.meta.url),
    );
    assert.ok(body.includes("event: ping"), file);
    const stream = new Anthropic({ fetch: fakeFetch(bytes(body)), maxRetries: 0 }).messages(
      REQUEST,
    );
    const { parts, error } = await collectParts(stream);
    assert.equal(error, undefined, file);
    assert.deepEqual(parts.filter((part) => part.type === "raw"), [], file);
  }
});

Deno.test("Anthropic's stream.parts carries a citation's raw part before the text it cites", async () => {
  const stream = new Anthropic({ fetch: fakeFetch(bytes(sse(EVENTS))), maxRetries: 0 })
    .messages(REQUEST);
  const { parts, error } = await collectParts(stream);
  assert.equal(error, undefined);
  assert.deepEqual(
    parts.filter((part) => part.type === "raw" || part.type === "text-delta"),
    [
      { type: "text-delta", text: "Today " },
      RAW[0],
      { type: "text-delta", text: "it is partly cloudy, 75°F." },
      RAW[1],
    ],
  );
  const result = await stream.result();
  assert.deepEqual(result.content[1], {
    type: "text",
    text: "it is partly cloudy, 75°F.",
    citations: [citation],
  });
});

Deno.test("streamText hands Anthropic's citations and unknown events on as raw parts", async () => {
  const fetch = fakeFetch(bytes(sse(EVENTS)));
  const stream = streamText({ model: anthropic("claude-sonnet-4-6", { fetch }), prompt: "x" });
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  assert.deepEqual(parts.filter((part) => part.type === "raw"), RAW);
  const result = await stream.result();
  assert.equal(result.text, "Today it is partly cloudy, 75°F.");
  assert.equal(result.finishReason, "stop");
});

Deno.test("the ui-message stream of Anthropic's raw parts is the one without them", async () => {
  const plain = EVENTS.filter((event) =>
    event.type !== "message_progress" &&
    (event.delta as Json | undefined)?.type !== "citations_delta"
  );
  const encode = async (events: Json[]) => {
    const fetch = fakeFetch(bytes(sse(events)));
    const stream = streamText({ model: anthropic("claude-sonnet-4-6", { fetch }), prompt: "x" });
    return await (await stream.toResponse({ format: "ui-message" })).text();
  };
  const text = await encode(EVENTS);
  assert.match(text, /"type":"finish"/);
  assert.equal(text, await encode(plain));
});
