import assert from "node:assert/strict";
import {
  isResponsesEvent,
  OpenAI,
  type OpenAIResponsesResult,
  type OpenAIResponsesStreamEvent,
} from "../../../src/providers/openai/mod.ts";
import { ProviderError } from "../../../src/errors/provider_error.ts";
import { IncompleteStreamError } from "../../../src/errors/incomplete_stream_error.ts";
import { SluiceError } from "../../../src/errors/sluice_error.ts";
import { decodeServerSentEvents } from "../../../src/streams/mod.ts";
import { assertPartsAgree, collectParts } from "../../_parts.ts";
import { chunkings, fakeFetch } from "../anthropic/_helpers.ts";
import {
  RESPONSES_TRANSCRIPTS,
  responsesBody,
  responsesFile,
  type ResponsesTranscript,
} from "../../testdata/openai-responses/transcripts.ts";

const REQUEST = { model: "gpt-5", input: "Tell me a story" };

function client(pieces: readonly Uint8Array[]): OpenAI {
  return new OpenAI({ apiKey: "sk-test", fetch: fakeFetch(pieces) });
}

function assertResult(
  result: OpenAIResponsesResult,
  transcript: ResponsesTranscript,
  label: string,
): void {
  const expect = transcript.expect;
  assert.equal(result.text, expect.text, label);
  assert.equal(result.reasoning, expect.reasoning, label);
  assert.deepEqual(
    result.toolCalls.map(({ id, name, arguments: args }) => ({ id, name, arguments: args })),
    expect.toolCalls,
    label,
  );
  assert.equal(result.finishReason, expect.finishReason, label);
  assert.equal(result.rawFinishReason, expect.rawFinishReason, label);
  const { raw, ...counts } = result.usage;
  assert.deepEqual(counts, expect.usage, label);
  // The terminal event's usage object as sent, also under its deprecated name.
  assert.deepEqual(raw, result.rawUsage, label);
  assert.deepEqual(raw, result.response?.usage ?? undefined, label);
  assert.deepEqual(result.output, expect.output, label);
  assert.equal(result.refusal, expect.refusal ?? "", label);
  assert.equal(result.id, expect.id, label);
  assert.equal(result.done, expect.done, label);
}

for (const transcript of RESPONSES_TRANSCRIPTS) {
  Deno.test(`responses() reads ${transcript.name} under every chunking`, async () => {
    const body = responsesBody(transcript.events);
    const delivered = transcript.events.length -
      (transcript.error?.name === "ProviderError" ? 1 : 0);
    for (const { label, pieces } of chunkings(body)) {
      const what = `${transcript.name}, ${label}`;
      // The events as chunks, and the result.
      const stream = client(pieces).responses(REQUEST);
      const chunks: OpenAIResponsesStreamEvent[] = [];
      let error: unknown;
      try {
        for await (const chunk of stream) chunks.push(chunk);
      } catch (caught) {
        error = caught;
      }
      assert.equal(chunks.length, delivered, what);
      assert.deepEqual(
        chunks.map((chunk) => chunk.type),
        transcript.events.slice(0, delivered).map((event) => event.type),
        what,
      );
      // The typed events narrow to their fields.
      const deltas = chunks.flatMap((chunk) =>
        isResponsesEvent(chunk, "response.output_text.delta") ? [chunk.delta] : []
      );
      assert.equal(deltas.join(""), transcript.expect.text, what);
      let result: OpenAIResponsesResult;
      if (transcript.error) {
        assert.ok(error instanceof SluiceError, `${what}: ${String(error)}`);
        assert.equal(error.name, transcript.error.name, what);
        assert.match(error.message, transcript.error.message, what);
        if (transcript.error.type !== undefined) {
          assert.ok(error instanceof ProviderError, what);
          assert.equal(error.type, transcript.error.type, what);
        }
        await assert.rejects(stream.result(), (e) => e === error, what);
        result = error.partial as OpenAIResponsesResult;
      } else {
        assert.equal(error, undefined, what);
        result = await stream.result();
      }
      assertResult(result, transcript, what);
      // The normalized parts of a second replay agree with its result.
      const second = client(pieces).responses(REQUEST);
      const collected = await collectParts(second);
      let secondResult: OpenAIResponsesResult;
      if (transcript.error) {
        assert.equal((collected.error as Error)?.name, transcript.error.name, what);
        secondResult = (collected.error as SluiceError).partial as OpenAIResponsesResult;
      } else {
        assert.equal(collected.error, undefined, what);
        secondResult = await second.result();
      }
      assertResult(secondResult, transcript, `${what} (parts)`);
      assertPartsAgree(collected.parts, secondResult, what, {
        partial: transcript.error !== undefined,
      });
    }
  });
}

Deno.test("responses() sends stream: true to /responses with the request fields", async () => {
  const transcript = RESPONSES_TRANSCRIPTS[0]!;
  const fetch = fakeFetch([new TextEncoder().encode(responsesBody(transcript.events))]);
  const openai = new OpenAI({ apiKey: "sk-test", baseURL: "https://example.com/v1", fetch });
  await openai.responses({
    model: "gpt-5",
    input: [{ role: "user", content: [{ type: "input_text", text: "Hi" }] }],
    instructions: "Be brief",
    reasoning: { effort: "low", summary: "auto" },
    max_output_tokens: 100,
    store: false,
    include: ["reasoning.encrypted_content"],
  }).result();
  const request = fetch.calls[0]!;
  assert.equal(request.url, "https://example.com/v1/responses");
  assert.equal(request.headers.get("accept"), "text/event-stream");
  assert.equal(request.headers.get("authorization"), "Bearer sk-test");
  assert.deepEqual(await request.json(), {
    model: "gpt-5",
    input: [{ role: "user", content: [{ type: "input_text", text: "Hi" }] }],
    instructions: "Be brief",
    reasoning: { effort: "low", summary: "auto" },
    max_output_tokens: 100,
    store: false,
    include: ["reasoning.encrypted_content"],
    stream: true,
  });
});

Deno.test("responses() with stream: false resolves to the response object", async () => {
  const object = {
    id: "resp_1",
    object: "response",
    status: "completed",
    model: "gpt-5",
    output: [{
      type: "message",
      id: "msg_1",
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: "Hi!", annotations: [] }],
    }],
    usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
  };
  const calls: Request[] = [];
  const openai = new OpenAI({
    fetch: (input, init) => {
      calls.push(new Request(input, init));
      return Promise.resolve(Response.json(object));
    },
  });
  const answer = await openai.responses({ model: "gpt-5", input: "Hi", stream: false });
  assert.deepEqual(answer, object);
  assert.equal(calls[0]!.headers.get("accept"), "application/json");
  assert.equal((await calls[0]!.json()).stream, false);
});

Deno.test("responses() rejects a gap in sequence_number with an IncompleteStreamError", async () => {
  const events = RESPONSES_TRANSCRIPTS[0]!.events;
  const body = responsesBody(events.slice(0, 4)) + responsesBody(events.slice(5), 5);
  const stream = client([new TextEncoder().encode(body)]).responses(REQUEST);
  const error = await stream.result().then(() => undefined, (e) => e);
  assert.ok(error instanceof IncompleteStreamError);
  assert.match(error.message, /skipped events: '.*' has sequence_number 5 after 3$/);
  assert.equal((error.partial as OpenAIResponsesResult).id, RESPONSES_TRANSCRIPTS[0]!.expect.id);
});

Deno.test("responses() rejects events out of order with an IncompleteStreamError", async () => {
  const events = RESPONSES_TRANSCRIPTS[0]!.events;
  const body = responsesBody(events.slice(0, 4)) + responsesBody(events.slice(4), 2);
  const stream = client([new TextEncoder().encode(body)]).responses(REQUEST);
  const error = await stream.result().then(() => undefined, (e) => e);
  assert.ok(error instanceof IncompleteStreamError);
  assert.match(error.message, /out of order: '.*' has sequence_number 2 after 3$/);
});

Deno.test("responses() reads a stream without sequence numbers", async () => {
  const transcript = RESPONSES_TRANSCRIPTS[0]!;
  const body = transcript.events.map((event) =>
    `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
  ).join("");
  const result = await client([new TextEncoder().encode(body)]).responses(REQUEST).result();
  assertResult(result, transcript, "no sequence numbers");
});

Deno.test("responses() takes arguments sent only whole, and raw reasoning text", async () => {
  const events = [
    { type: "response.created", response: { id: "resp_x", status: "in_progress", output: [] } },
    {
      type: "response.output_item.added",
      output_index: 0,
      item: { type: "reasoning", id: "rs_1", summary: [] },
    },
    {
      type: "response.reasoning_text.delta",
      item_id: "rs_1",
      output_index: 0,
      content_index: 0,
      delta: "Think",
    },
    {
      type: "response.reasoning_text.delta",
      item_id: "rs_1",
      output_index: 0,
      content_index: 0,
      delta: "ing.",
    },
    {
      type: "response.output_item.added",
      output_index: 1,
      item: { type: "function_call", id: "fc_1", call_id: "call_1", name: "add", arguments: "" },
    },
    {
      type: "response.function_call_arguments.done",
      item_id: "fc_1",
      output_index: 1,
      arguments: '{"a":1,"b":2}',
    },
    {
      type: "response.completed",
      response: { id: "resp_x", status: "completed", output: [], usage: null },
    },
  ];
  // A server may announce the raw reasoning part with its text, then stream the text again.
  const announced = {
    type: "response.content_part.added",
    item_id: "rs_1",
    output_index: 0,
    content_index: 0,
    part: { type: "reasoning_text", text: "Thinking." },
  };
  const bodies = [events, [...events.slice(0, 2), announced, ...events.slice(2)]];
  const runs = bodies.flatMap((list, i) =>
    chunkings(responsesBody(list)).map((run) => ({ ...run, label: `${i}: ${run.label}` }))
  );
  for (const { label, pieces } of runs) {
    const stream = client(pieces).responses(REQUEST);
    const { parts, error } = await collectParts(stream);
    assert.equal(error, undefined, label);
    const result = await stream.result();
    assert.equal(result.reasoning, "Thinking.", label);
    assert.deepEqual(result.toolCalls, [{ id: "call_1", name: "add", arguments: { a: 1, b: 2 } }]);
    assert.equal(result.finishReason, "tool-calls", label);
    assert.deepEqual(result.output[0], {
      type: "reasoning",
      id: "rs_1",
      summary: [],
      content: [{ type: "reasoning_text", text: "Thinking." }],
    });
    assertPartsAgree(parts, result, label);
  }
});

Deno.test("responses() keeps an xAI server-side custom_tool_call as an item, not a tool call", async () => {
  const item = { type: "custom_tool_call", id: "ctc_1", call_id: "xs_1", name: "web_search" };
  const events = [
    { type: "response.created", response: { id: "resp_x", status: "in_progress", output: [] } },
    { type: "response.output_item.added", output_index: 0, item: { ...item, input: "" } },
    {
      type: "response.custom_tool_call_input.delta",
      item_id: "ctc_1",
      output_index: 0,
      delta: '{"query":',
    },
    {
      type: "response.custom_tool_call_input.delta",
      item_id: "ctc_1",
      output_index: 0,
      delta: '"news"}',
    },
    {
      type: "response.custom_tool_call_input.done",
      item_id: "ctc_1",
      output_index: 0,
      input: '{"query":"news"}',
    },
    {
      type: "response.output_item.done",
      output_index: 0,
      item: { ...item, input: '{"query":"news"}', status: "completed" },
    },
    { type: "response.completed", response: { id: "resp_x", status: "completed", output: [] } },
  ];
  const stream = client([new TextEncoder().encode(responsesBody(events))]).responses(REQUEST);
  const { parts } = await collectParts(stream);
  const result = await stream.result();
  assert.deepEqual(result.toolCalls, []);
  assert.equal(result.finishReason, "stop");
  assert.deepEqual(result.output, [{ ...item, input: '{"query":"news"}', status: "completed" }]);
  assert.deepEqual(parts.filter((part) => part.type === "raw"), [{
    type: "raw",
    value: { ...item, input: '{"query":"news"}', status: "completed" },
  }]);
});

Deno.test("responses() makes a custom tool the request offered a tool call with text input", async () => {
  const item = { type: "custom_tool_call", id: "ctc_1", call_id: "call_c", name: "grammar" };
  const events = [
    { type: "response.created", response: { id: "resp_x", status: "in_progress", output: [] } },
    { type: "response.output_item.added", output_index: 0, item: { ...item, input: "" } },
    {
      type: "response.custom_tool_call_input.delta",
      item_id: "ctc_1",
      output_index: 0,
      delta: "SELECT 1",
    },
    {
      type: "response.output_item.done",
      output_index: 0,
      item: { ...item, input: "SELECT 1" },
    },
    { type: "response.completed", response: { id: "resp_x", status: "completed", output: [] } },
  ];
  const stream = client([new TextEncoder().encode(responsesBody(events))]).responses({
    ...REQUEST,
    tools: [{ type: "custom", name: "grammar" }],
  });
  const result = await stream.result();
  assert.deepEqual(result.toolCalls, [{ id: "call_c", name: "grammar", arguments: "SELECT 1" }]);
});

Deno.test("toResponse() of a responses() stream re-emits the Responses framing", async () => {
  const transcript = RESPONSES_TRANSCRIPTS[2]!;
  const body = responsesBody(transcript.events);
  const stream = client([new TextEncoder().encode(body)]).responses(REQUEST);
  const handed = await stream.toResponse();
  const text = await handed.text();
  const events = [];
  for await (
    const event of decodeServerSentEvents(
      new Response(text).body!,
    )
  ) events.push(event);
  assert.deepEqual(
    events.map((event) => event.event),
    transcript.events.map((event) => event.type),
  );
  assert.deepEqual(events.map((event) => JSON.parse(event.data)), [
    ...transcript.events.map((event, i) => ({ ...event, sequence_number: i })),
  ]);
  // And it reads back through a client as the same answer.
  const again = await client([new TextEncoder().encode(text)]).responses(REQUEST).result();
  assertResult(again, transcript, "read back");
});

Deno.test("the Responses transcript files are the transcripts' events", async () => {
  for (const transcript of RESPONSES_TRANSCRIPTS) {
    const url = new URL(`../../testdata/${responsesFile(transcript)}`, import.meta.url);
    const text = await (await fetch(url)).text();
    assert.equal(text, responsesBody(transcript.events), responsesFile(transcript));
  }
});

Deno.test("responses() retries a 200 whose first event is a server error, like a 5xx", async () => {
  const transcript = RESPONSES_TRANSCRIPTS[0]!;
  const bodies = [
    responsesBody([{ type: "error", code: "server_error", message: "Try again", param: null }]),
    responsesBody(transcript.events),
  ];
  let calls = 0;
  const openai = new OpenAI({
    retryDelay: 1,
    fetch: () => Promise.resolve(new Response(bodies[calls++])),
  });
  const result = await openai.responses(REQUEST).result();
  assert.equal(calls, 2);
  assertResult(result, transcript, "after a retry");
});

Deno.test("responses() keeps the content_filters Azure adds to the response object", async () => {
  const transcript = RESPONSES_TRANSCRIPTS[0]!;
  const events = transcript.events.map((event) =>
    event.type === "response.completed"
      ? {
        ...event,
        response: {
          ...(event.response as Record<string, unknown>),
          content_filters: [{ blocked: false, source_type: "completion" }],
        },
      }
      : event
  );
  const result = await client([new TextEncoder().encode(responsesBody(events))])
    .responses(REQUEST).result();
  assert.deepEqual(result.response?.content_filters, [{
    blocked: false,
    source_type: "completion",
  }]);
});

Deno.test("responses() takes text that arrives only whole: in the .done item, or only in the terminal response", async () => {
  const message = (text: string) => ({
    type: "message",
    id: "msg_1",
    role: "assistant",
    status: "completed",
    content: [{ type: "output_text", text, annotations: [] }],
  });
  const reasoning = {
    type: "reasoning",
    id: "rs_1",
    summary: [{ type: "summary_text", text: "Brief." }],
  };
  const variants: Record<string, Record<string, unknown>[]> = {
    "the .done item": [
      { type: "response.created", response: { id: "resp_1", status: "in_progress", output: [] } },
      { type: "response.output_item.added", output_index: 0, item: { ...reasoning, summary: [] } },
      { type: "response.output_item.done", output_index: 0, item: reasoning },
      {
        type: "response.output_item.added",
        output_index: 1,
        item: { ...message(""), status: "in_progress", content: [] },
      },
      { type: "response.output_item.done", output_index: 1, item: message("Hello there") },
      { type: "response.completed", response: { id: "resp_1", status: "completed", output: [] } },
    ],
    "the terminal response": [
      { type: "response.created", response: { id: "resp_1", status: "in_progress", output: [] } },
      {
        type: "response.completed",
        response: {
          id: "resp_1",
          status: "completed",
          output: [reasoning, message("Hello there")],
        },
      },
    ],
    "the added item, then a content part and no deltas": [
      { type: "response.created", response: { id: "resp_1", status: "in_progress", output: [] } },
      { type: "response.output_item.added", output_index: 0, item: reasoning },
      { type: "response.output_item.added", output_index: 1, item: message("Hello there") },
      {
        type: "response.content_part.added",
        item_id: "msg_1",
        output_index: 1,
        content_index: 0,
        part: { type: "output_text", text: "Hello there", annotations: [] },
      },
      { type: "response.output_item.done", output_index: 1, item: message("Hello there") },
      { type: "response.completed", response: { id: "resp_1", status: "completed", output: [] } },
    ],
  };
  for (const [label, events] of Object.entries(variants)) {
    const stream = client([new TextEncoder().encode(responsesBody(events))]).responses(REQUEST);
    const { parts, error } = await collectParts(stream);
    assert.equal(error, undefined, label);
    const result = await stream.result();
    assert.equal(result.text, "Hello there", label);
    assert.equal(result.reasoning, "Brief.", label);
    assert.deepEqual(result.output, [reasoning, message("Hello there")], label);
    assertPartsAgree(parts, result, label);
  }
});

Deno.test("responses() reads an error nested in error: {…}, and never shows the key it echoes", async () => {
  const key = "sk-secret-0123456789abcdef";
  const body = responsesBody([
    { type: "response.created", response: { id: "resp_1", status: "in_progress", output: [] } },
    {
      type: "error",
      error: { type: "invalid_request_error", code: "bad_key", message: `Bad key ${key}` },
    },
  ]);
  const openai = new OpenAI({
    apiKey: key,
    fetch: () => Promise.resolve(new Response(body)),
  });
  const error = await openai.responses(REQUEST).result().then(() => undefined, (e) => e);
  assert.ok(error instanceof ProviderError);
  assert.equal(error.type, "bad_key");
  assert.match(error.message, /^The server reported bad_key mid-stream: Bad key /);
  assert.ok(!JSON.stringify({ message: error.message, body: error.body }).includes(key));
});

Deno.test("responses() maps incomplete_details: the content filter, and a reason it does not know", async () => {
  for (
    const [reason, expected] of [["content_filter", "content-filter"], ["new_reason", "other"]]
  ) {
    const events = [
      { type: "response.created", response: { id: "resp_1", status: "in_progress", output: [] } },
      {
        type: "response.incomplete",
        response: {
          id: "resp_1",
          status: "incomplete",
          output: [],
          incomplete_details: { reason },
        },
      },
    ];
    const result = await client([new TextEncoder().encode(responsesBody(events))])
      .responses(REQUEST).result();
    assert.equal(result.finishReason, expected, reason);
    assert.equal(result.rawFinishReason, reason);
    assert.equal(result.status, "incomplete");
  }
});

Deno.test("responses() with stream: false rejects a failed response object with a ProviderError", async () => {
  const openai = new OpenAI({
    fetch: () =>
      Promise.resolve(Response.json({
        id: "resp_1",
        object: "response",
        status: "failed",
        output: [],
        error: { code: "server_error", message: "The model failed" },
      })),
  });
  await assert.rejects(
    openai.responses({ model: "gpt-5", input: "Hi", stream: false }),
    (error) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.message, "The model failed");
      return true;
    },
  );
});
