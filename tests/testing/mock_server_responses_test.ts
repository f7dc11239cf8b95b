import assert from "node:assert/strict";
import { createMockServer } from "../../src/testing/mod.ts";
import { OpenAI, type OpenAIResponsesResult } from "../../src/providers/openai/mod.ts";
import { decodeServerSentEvents } from "../../src/streams/decode_server_sent_events.ts";
import { HttpError } from "../../src/errors/http_error.ts";
import { IncompleteStreamError } from "../../src/errors/incomplete_stream_error.ts";
import { ParseError } from "../../src/errors/parse_error.ts";
import { ProviderError } from "../../src/errors/provider_error.ts";
import { TimeoutError } from "../../src/errors/timeout_error.ts";
import { assertPartsAgree, collectParts } from "../_parts.ts";

type Json = Record<string, unknown>;

const WEATHER = {
  type: "function" as const,
  name: "weather",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

function client(server = createMockServer()): OpenAI {
  return new OpenAI({ fetch: server.fetch, baseURL: "http://mock/v1", retryDelay: 1 });
}

async function rawEvents(body: Json, fault?: string): Promise<{ event?: string; data: Json }[]> {
  const server = createMockServer();
  const response = await server.fetch("http://mock/v1/responses", {
    method: "POST",
    headers: fault ? { "x-mock-fault": fault } : {},
    body: JSON.stringify({ ...body, stream: true }),
  });
  assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const events = [];
  for await (const event of decodeServerSentEvents(response.body!)) {
    events.push({ event: event.event, data: JSON.parse(event.data) });
  }
  return events;
}

Deno.test("mock /v1/responses names each event after its type, numbered from 0 by one", async () => {
  const events = await rawEvents({
    model: "gpt-4.1-mini",
    input: "Hi",
    reasoning: { effort: "low", summary: "auto" },
  });
  events.forEach((event, i) => {
    assert.equal(event.event, event.data.type);
    assert.equal(event.data.sequence_number, i);
  });
  const types = events.map((event) => event.data.type).filter((t, i, all) => t !== all[i - 1]);
  assert.deepEqual(types, [
    "response.created",
    "response.in_progress",
    "response.output_item.added",
    "response.reasoning_summary_part.added",
    "response.reasoning_summary_text.delta",
    "response.reasoning_summary_text.done",
    "response.reasoning_summary_part.done",
    "response.output_item.done",
    "response.output_item.added",
    "response.content_part.added",
    "response.output_text.delta",
    "response.output_text.done",
    "response.content_part.done",
    "response.output_item.done",
    "response.completed",
  ]);
});

Deno.test("mock /v1/responses streams and answers whole the same output", async () => {
  const openai = client();
  const request = {
    model: "gpt-4.1-mini",
    input: "Weather in Paris?",
    tools: [WEATHER],
    reasoning: { effort: "low" as const, summary: "auto" as const },
    include: ["reasoning.encrypted_content"],
  };
  const stream = openai.responses(request);
  const { parts, error } = await collectParts(stream);
  assert.equal(error, undefined);
  const result = await stream.result();
  assertPartsAgree(parts, result);
  assert.deepEqual(result.output.map((item) => item.type), ["reasoning", "function_call"]);
  assert.equal(result.finishReason, "tool-calls");
  assert.equal(result.toolCalls[0]!.name, "weather");
  const reasoning = result.output[0] as Json;
  assert.match(String(reasoning.encrypted_content), /^gAAAAAB/);
  assert.equal((reasoning.summary as Json[])[0]!.text, result.reasoning);
  assert.equal(result.usage.reasoningTokens! > 0, true);

  const whole = await client().responses({ ...request, stream: false });
  assert.equal(whole.status, "completed");
  assert.deepEqual(
    whole.output.map((item) => ({ ...item, id: undefined, encrypted_content: undefined })),
    result.output.map((item) => ({ ...item, id: undefined, encrypted_content: undefined })),
  );
});

Deno.test("mock /v1/responses refuses a prompt with [refuse]", async () => {
  const result = await client().responses({ model: "gpt-4.1-mini", input: "Help [refuse]" })
    .result();
  assert.equal(result.refusal, "I'm sorry, but I can't help with that.");
  assert.equal(result.text, "");
  assert.deepEqual(result.output[0], {
    ...(result.output[0] as Json),
    content: [{ type: "refusal", refusal: "I'm sorry, but I can't help with that." }],
  });
});

Deno.test("mock /v1/responses ends with response.incomplete at max_output_tokens", async () => {
  const result = await client().responses({
    model: "gpt-4.1-mini",
    input: "Tell me a story",
    max_output_tokens: 3,
  }).result();
  assert.equal(result.finishReason, "length");
  assert.equal(result.rawFinishReason, "max_output_tokens");
  assert.equal(result.status, "incomplete");
  assert.equal(result.usage.outputTokens, 3);
});

Deno.test("mock /v1/responses 'error-after:4' ends with response.failed in sequence", async () => {
  const events = await rawEvents({ model: "gpt-4.1-mini", input: "Hi" }, "error-after:4");
  assert.equal(events.length, 5);
  assert.equal(events[4]!.data.type, "response.failed");
  assert.equal(events[4]!.data.sequence_number, 4);
  const stream = client().responses(
    { model: "gpt-4.1-mini:fault=error-after:6", input: "Hi" },
  );
  const error = await stream.result().then(() => undefined, (e) => e);
  assert.ok(error instanceof ProviderError);
  assert.equal(error.type, "server_error");
  assert.ok((error.partial as OpenAIResponsesResult).text.length > 0);
});

Deno.test("mock /v1/responses stream faults reach the client as its typed errors", async () => {
  const cases: [string, new (...args: never[]) => Error][] = [
    ["disconnect-after:5", IncompleteStreamError],
    ["reset-after:5", IncompleteStreamError],
    ["malformed:4", ParseError],
  ];
  for (const [fault, type] of cases) {
    const stream = client().responses({ model: `gpt-4.1-mini:fault=${fault}`, input: "Hi" });
    const error = await stream.result().then(() => undefined, (e) => e);
    assert.ok(error instanceof type, `${fault}: ${String(error)}`);
  }
  const stalled = client().responses(
    { model: "gpt-4.1-mini:fault=stall-after:5", input: "Hi" },
    { idleTimeout: 30 },
  );
  const error = await stalled.result().then(() => undefined, (e) => e);
  assert.ok(error instanceof TimeoutError, String(error));
});

Deno.test("mock /v1/responses status faults are OpenAI's errors, retried like the others", async () => {
  const server = createMockServer();
  const result = await client(server).responses({ model: "gpt-4.1-mini:fault=500x2", input: "Hi" })
    .result();
  assert.equal(result.finishReason, "stop");
  assert.equal(server.requests.length, 3);
  const error = await client().responses(
    { model: "gpt-4.1-mini:fault=401", input: "Hi" },
  ).result().then(() => undefined, (e) => e);
  assert.ok(error instanceof HttpError);
  assert.equal(error.status, 401);
  const missing = await client(createMockServer({ models: ["gpt-5"] })).responses(
    { model: "gpt-4.1-mini", input: "Hi" },
  ).result().then(() => undefined, (e) => e);
  assert.ok(missing instanceof HttpError);
  assert.equal(missing.status, 404);
});
