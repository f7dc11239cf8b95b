/**
 * Nothing a Responses stream carries is dropped from the parts: annotations
 * (citations), partial images, event types and message parts of types added
 * later are `raw` parts (copies, never the chunk the caller receives), and a
 * refusal that never streamed is a raw `refusal-delta`; a built-in tool's
 * progress events give none, nor do the pieces of code or arguments its item
 * carries whole (kept in the item, so a cut stream's partial result has
 * them); and `streamText` hands the raw parts on.
 *
 * @module
 */

import assert from "node:assert/strict";
import { OpenAI, type OpenAIResponsesResult } from "../../../src/providers/openai/mod.ts";
import { IncompleteStreamError } from "../../../src/errors/incomplete_stream_error.ts";
import type { SluiceError } from "../../../src/errors/sluice_error.ts";
import { responsesProtocol } from "../../../src/providers/openai/_responses_protocol.ts";
import type { ContentPart } from "../../../src/shared/types.ts";
import { openai, type StreamPart, streamText } from "../../../src/unified/mod.ts";
import { collectParts } from "../../_parts.ts";
import { assertAgree } from "../../unified/_agree.ts";
import { chunkings, fakeFetch } from "../anthropic/_helpers.ts";
import {
  RESPONSES_TRANSCRIPTS,
  responsesBody,
} from "../../testdata/openai-responses/transcripts.ts";

type Json = Record<string, unknown>;

const REQUEST = { model: "gpt-5", input: "Plot 2 + 2 and cite a source" };

const response = (status: string, extra: Json = {}) => ({
  id: "resp_raw",
  object: "response",
  created_at: 1741476542,
  model: "gpt-5-2025-08-07",
  status,
  output: [],
  usage: null,
  incomplete_details: null,
  error: null,
  ...extra,
});

const code = { type: "code_interpreter_call", id: "ci_1", container_id: "cntr_1" };
const codeDone = { ...code, status: "completed", code: "print(2 + 2)", outputs: null };
const image = { type: "image_generation_call", id: "ig_1" };
const imageDone = {
  ...image,
  status: "completed",
  revised_prompt: "A bar chart of 2 + 2",
  result: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB",
};
const citation = {
  type: "url_citation",
  start_index: 0,
  end_index: 9,
  url: "https://example.com/math",
  title: "Math",
};
const at = { item_id: "msg_1", output_index: 2, content_index: 0 };
const message = (status: string, content: Json[]) => ({
  type: "message",
  id: "msg_1",
  status,
  role: "assistant",
  content,
});

/** A code interpreter call, an image generation call, then cited text; one event type added later. */
const EVENTS: Json[] = [
  { type: "response.created", response: response("in_progress") },
  { type: "response.in_progress", response: response("in_progress") },
  {
    type: "response.output_item.added",
    output_index: 0,
    item: { ...code, status: "in_progress", code: "", outputs: null },
  },
  { type: "response.code_interpreter_call.in_progress", item_id: "ci_1", output_index: 0 },
  {
    type: "response.code_interpreter_call_code.delta",
    item_id: "ci_1",
    output_index: 0,
    delta: "print(2 + 2)",
  },
  {
    type: "response.code_interpreter_call_code.done",
    item_id: "ci_1",
    output_index: 0,
    code: "print(2 + 2)",
  },
  { type: "response.code_interpreter_call.interpreting", item_id: "ci_1", output_index: 0 },
  { type: "response.code_interpreter_call.completed", item_id: "ci_1", output_index: 0 },
  { type: "response.output_item.done", output_index: 0, item: codeDone },
  {
    type: "response.output_item.added",
    output_index: 1,
    item: { ...image, status: "in_progress" },
  },
  { type: "response.image_generation_call.in_progress", item_id: "ig_1", output_index: 1 },
  { type: "response.image_generation_call.generating", item_id: "ig_1", output_index: 1 },
  {
    type: "response.image_generation_call.partial_image",
    item_id: "ig_1",
    output_index: 1,
    partial_image_index: 0,
    partial_image_b64: "iVBORw0KGgoAAAANSUhE",
  },
  { type: "response.image_generation_call.completed", item_id: "ig_1", output_index: 1 },
  { type: "response.output_item.done", output_index: 1, item: imageDone },
  { type: "response.future_thing.updated", item_id: "x_1", output_index: 7, payload: { a: 1 } },
  { type: "response.output_item.added", output_index: 2, item: message("in_progress", []) },
  {
    type: "response.content_part.added",
    ...at,
    part: { type: "output_text", text: "", annotations: [] },
  },
  { type: "response.output_text.delta", ...at, delta: "2 + 2 = 4.", logprobs: [] },
  {
    type: "response.output_text.annotation.added",
    ...at,
    annotation_index: 0,
    annotation: citation,
  },
  { type: "response.output_text.done", ...at, text: "2 + 2 = 4.", logprobs: [] },
  {
    type: "response.content_part.done",
    ...at,
    part: { type: "output_text", text: "2 + 2 = 4.", annotations: [citation] },
  },
  {
    type: "response.output_item.done",
    output_index: 2,
    item: message("completed", [{
      type: "output_text",
      text: "2 + 2 = 4.",
      annotations: [citation],
    }]),
  },
  { type: "response.completed", response: response("completed") },
];

/** The events as sent: each with its `sequence_number`. */
const SENT: Json[] = EVENTS.map((event, i) => ({ ...event, sequence_number: i }));

/** Each built-in item once, whole; the partial image, the new event and the annotation as they came. */
const RAW = [
  { type: "raw", value: codeDone },
  { type: "raw", value: SENT[12] },
  { type: "raw", value: imageDone },
  { type: "raw", value: SENT[15] },
  { type: "raw", value: SENT[19] },
];

const body = responsesBody(EVENTS);
const raws = <Part extends { type: string }>(parts: readonly Part[]) =>
  parts.filter((part) => part.type === "raw");

Deno.test("responses() hands annotations, partial images and new events on as raw parts, not progress", async () => {
  for (const { label, pieces } of chunkings(body)) {
    const stream = new OpenAI({ apiKey: "sk-test", fetch: fakeFetch(pieces) }).responses(REQUEST);
    const { parts, error } = await collectParts(stream);
    assert.equal(error, undefined, label);
    assert.deepEqual(raws(parts), RAW, label);
    const result = await stream.result();
    assert.equal(result.text, "2 + 2 = 4.", label);
    assert.deepEqual(result.output, [
      codeDone,
      imageDone,
      message("completed", [{ type: "output_text", text: "2 + 2 = 4.", annotations: [citation] }]),
    ], label);
  }
});

Deno.test("responses() gives a web search's progress no part, its item and citation raw ones", async () => {
  const transcript = RESPONSES_TRANSCRIPTS.find((t) => t.name.startsWith("a web search"))!;
  const events: Json[] = transcript.events.map((event, i) => ({ ...event, sequence_number: i }));
  const annotation = events.find((event) => event.type === "response.output_text.annotation.added");
  assert.ok(events.some((event) => event.type === "response.web_search_call.searching"));
  const stream = new OpenAI({
    fetch: fakeFetch(chunkings(responsesBody(transcript.events))[0]!.pieces),
  })
    .responses(REQUEST);
  const { parts } = await collectParts(stream);
  assert.deepEqual(raws(parts), [
    { type: "raw", value: transcript.expect.output[0] },
    { type: "raw", value: annotation },
  ]);
});

Deno.test("responses() raw parts are copies: changing a chunk changes no part", () => {
  const reader = responsesProtocol().createReader();
  const parts: ContentPart[] = [];
  const chunks = SENT.map((event) =>
    reader.push(
      { event: event.type, data: JSON.stringify(event) },
      (part) => parts.push(part),
    ) as unknown as Json
  );
  assert.deepEqual(raws(parts), RAW);
  const values = raws(parts).map((part) => (part as { value: Json }).value);
  for (
    const [value, chunk] of [[values[1], chunks[12]], [values[3], chunks[15]], [
      values[4],
      chunks[19],
    ]]
  ) {
    assert.notEqual(value, chunk);
    assert.deepEqual(value, chunk);
  }
  assert.notEqual(values[4]!.annotation, chunks[19]!.annotation);
  (chunks[15]!.payload as Json).a = 2;
  (chunks[19]!.annotation as Json).url = "changed";
  chunks[12]!.partial_image_b64 = "";
  assert.deepEqual(raws(parts), RAW);
});

Deno.test("streamText hands a Responses stream's raw parts on", async () => {
  const fetch = fakeFetch(chunkings(body)[0]!.pieces);
  const stream = streamText({ model: openai("gpt-5", { fetch, api: "responses" }), prompt: "x" });
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  assert.deepEqual(raws(parts), RAW);
  assert.equal((await stream.result()).text, "2 + 2 = 4.");
});

Deno.test("the ui-message stream of a Responses stream's raw parts is the one without them", async () => {
  const encode = async (events: Json[]) => {
    const fetch = fakeFetch(chunkings(responsesBody(events))[0]!.pieces);
    const stream = streamText({ model: openai("gpt-5", { fetch, api: "responses" }), prompt: "x" });
    return await (await stream.toResponse({ format: "ui-message" })).text();
  };
  const plain = EVENTS.filter((event) =>
    event.type === "response.output_item.added" || event.type === "response.output_item.done"
      ? (event.item as Json).type === "message"
      : !/partial_image|future_thing|annotation/.test(String(event.type))
  );
  const text = await encode(EVENTS);
  assert.match(text, /"type":"text-delta"/);
  assert.equal(text, await encode(plain));
});

/** A message from `response.created` to `response.completed`, its `events` in between. */
const answer = (events: Json[]): Json[] => [
  { type: "response.created", response: response("in_progress") },
  { type: "response.in_progress", response: response("in_progress") },
  ...events,
  { type: "response.completed", response: response("completed") },
];

/** The events as sent, with their `sequence_number`, read by the client and by `streamText`. */
async function readAll(events: Json[], label: string, expect: (run: Run) => void) {
  const body = responsesBody(events);
  for (const { label: cut, pieces } of chunkings(body)) {
    const stream = new OpenAI({ apiKey: "sk-test", fetch: fakeFetch(pieces) }).responses(REQUEST);
    const { parts, error } = await collectParts(stream);
    const result = error === undefined
      ? await stream.result()
      : (error as SluiceError).partial as OpenAIResponsesResult;
    expect({ parts, error, result, label: `${label}, ${cut}` });
  }
  await assertAgree("openai-responses", body, label);
}

interface Run {
  parts: ContentPart[];
  error: unknown;
  result: OpenAIResponsesResult;
  label: string;
}

const at0 = { item_id: "msg_1", output_index: 0, content_index: 0 };
const at1 = { ...at0, content_index: 1 };
const hello = { type: "output_text", text: "Hello.", annotations: [] };
/** A content part of a type added after this reader was written. */
const future = { type: "output_audio", transcript: "Hello.", data: "UklGRg==", meta: { ms: 300 } };

Deno.test("responses() hands a message part of a type added later on once as a raw part: at its content_part.done, else at the item's done", async () => {
  const variants: Record<string, Json[]> = {
    "content_part.added and .done": [
      { type: "response.output_item.added", output_index: 0, item: message("in_progress", []) },
      { type: "response.content_part.added", ...at0, part: { ...hello, text: "" } },
      { type: "response.output_text.delta", ...at0, delta: "Hello.", logprobs: [] },
      { type: "response.output_text.done", ...at0, text: "Hello.", logprobs: [] },
      { type: "response.content_part.done", ...at0, part: hello },
      { type: "response.content_part.added", ...at1, part: { ...future, data: "" } },
      { type: "response.content_part.done", ...at1, part: future },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: message("completed", [hello, future]),
      },
    ],
    "only the .done item": [
      { type: "response.output_item.added", output_index: 0, item: message("in_progress", []) },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: message("completed", [hello, future]),
      },
    ],
    "the added item": [
      {
        type: "response.output_item.added",
        output_index: 0,
        item: message("in_progress", [hello, future]),
      },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: message("completed", [hello, future]),
      },
    ],
    "a content_part.done after the .done item": [
      { type: "response.output_item.added", output_index: 0, item: message("in_progress", []) },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: message("completed", [hello, future]),
      },
      { type: "response.content_part.done", ...at1, part: future },
    ],
  };
  for (const [label, events] of Object.entries(variants)) {
    await readAll(answer(events), label, ({ parts, error, result, label }) => {
      assert.equal(error, undefined, label);
      assert.deepEqual(raws(parts), [{ type: "raw", value: future }], label);
      assert.equal(result.text, "Hello.", label);
      assert.deepEqual(result.output, [message("completed", [hello, future])], label);
    });
  }
  // Cut before the .done item: the part is out once, and in the partial result.
  const cut = variants["content_part.added and .done"]!.slice(0, -1);
  await readAll(answer(cut).slice(0, -1), "cut", ({ parts, error, result, label }) => {
    assert.ok(error instanceof IncompleteStreamError, label);
    assert.deepEqual(raws(parts), [{ type: "raw", value: future }], label);
    assert.deepEqual(result.output, [message("in_progress", [hello, future])], label);
  });
});

Deno.test("responses() hands on a refusal that never streamed once, as a raw refusal-delta", async () => {
  const refusal = { type: "refusal", refusal: "I can't help with that." };
  const done = message("completed", [refusal]);
  const variants: Record<string, Json[]> = {
    "only the .done item": [
      { type: "response.output_item.added", output_index: 0, item: message("in_progress", []) },
      { type: "response.output_item.done", output_index: 0, item: done },
    ],
    "the added item": [
      { type: "response.output_item.added", output_index: 0, item: done },
      { type: "response.output_item.done", output_index: 0, item: done },
    ],
    "a content_part.added, then the .done item": [
      { type: "response.output_item.added", output_index: 0, item: message("in_progress", []) },
      { type: "response.content_part.added", ...at0, part: { ...refusal, refusal: "" } },
      { type: "response.output_item.done", output_index: 0, item: done },
    ],
  };
  for (const [label, events] of Object.entries(variants)) {
    await readAll(answer(events), label, ({ parts, error, result, label }) => {
      assert.equal(error, undefined, label);
      assert.deepEqual(raws(parts), [{
        type: "raw",
        value: { type: "refusal-delta", refusal: refusal.refusal },
      }], label);
      assert.equal(result.refusal, refusal.refusal, label);
      assert.equal(result.text, "", label);
      assert.deepEqual(result.output, [done], label);
    });
  }
});

const mcp = {
  type: "mcp_call",
  id: "mcp_1",
  server_label: "deepwiki",
  name: "ask_question",
  error: null,
};
const mcpArguments = '{"repoName":"openai/codex","question":"Which language?"}';
const mcpDone = { ...mcp, status: "completed", arguments: mcpArguments, output: "Rust." };
const ci = { item_id: "ci_1", output_index: 0 };
const mc = { item_id: "mcp_1", output_index: 1 };

/** A code interpreter call whose code streams, then an MCP call whose arguments stream. */
const BUILT_IN: Json[] = answer([
  {
    type: "response.output_item.added",
    output_index: 0,
    item: { ...code, status: "in_progress", code: "", outputs: null },
  },
  { type: "response.code_interpreter_call.in_progress", ...ci },
  { type: "response.code_interpreter_call_code.delta", ...ci, delta: "print(" },
  { type: "response.code_interpreter_call_code.delta", ...ci, delta: "2 + 2)" },
  { type: "response.code_interpreter_call_code.done", ...ci, code: "print(2 + 2)" },
  { type: "response.code_interpreter_call.interpreting", ...ci },
  { type: "response.code_interpreter_call.completed", ...ci },
  { type: "response.output_item.done", output_index: 0, item: codeDone },
  {
    type: "response.output_item.added",
    output_index: 1,
    item: { ...mcp, status: "in_progress", arguments: "", output: null },
  },
  { type: "response.mcp_call.in_progress", ...mc },
  { type: "response.mcp_call_arguments.delta", ...mc, delta: '{"repoName":"openai/codex",' },
  { type: "response.mcp_call_arguments.delta", ...mc, delta: '"question":"Which language?"}' },
  { type: "response.mcp_call_arguments.done", ...mc, arguments: mcpArguments },
  { type: "response.mcp_call.completed", ...mc },
  { type: "response.output_item.done", output_index: 1, item: mcpDone },
]);

Deno.test("responses() keeps a code interpreter's code and an MCP call's arguments in the partial result of a cut stream", async () => {
  const upTo = (type: string, nth = 1) => {
    const index = BUILT_IN.findIndex((event) => event.type === type && --nth === 0);
    assert.notEqual(index, -1, type);
    return BUILT_IN.slice(0, index + 1);
  };
  const added = (index: number) =>
    (BUILT_IN.filter((event) => event.type === "response.output_item.added")[index]!.item) as Json;
  const cuts: [string, Json[], Json[], Json[]][] = [
    ["one code delta", upTo("response.code_interpreter_call_code.delta"), [], [{
      ...added(0),
      code: "print(",
    }]],
    ["the code deltas", upTo("response.code_interpreter_call_code.delta", 2), [], [{
      ...added(0),
      code: "print(2 + 2)",
    }]],
    ["the code's .done", upTo("response.code_interpreter_call.completed"), [], [{
      ...added(0),
      code: "print(2 + 2)",
    }]],
    ["one arguments delta", upTo("response.mcp_call_arguments.delta"), [codeDone], [codeDone, {
      ...added(1),
      arguments: '{"repoName":"openai/codex",',
    }]],
    ["the arguments' .done", upTo("response.mcp_call.completed"), [codeDone], [codeDone, {
      ...added(1),
      arguments: mcpArguments,
    }]],
  ];
  for (const [label, events, raw, output] of cuts) {
    await readAll(events, label, ({ parts, error, result, label }) => {
      assert.ok(error instanceof IncompleteStreamError, label);
      assert.deepEqual(raws(parts), raw.map((value) => ({ type: "raw", value })), label);
      assert.deepEqual(result.output, output, label);
    });
  }
  // Whole: each item is one raw part, its code or arguments as the .done item has them.
  await readAll(BUILT_IN, "whole", ({ parts, error, result, label }) => {
    assert.equal(error, undefined, label);
    assert.deepEqual(raws(parts), [{ type: "raw", value: codeDone }, {
      type: "raw",
      value: mcpDone,
    }], label);
    assert.deepEqual(result.output, [codeDone, mcpDone], label);
  });
});
