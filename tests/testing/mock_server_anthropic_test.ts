import assert from "node:assert/strict";
import { createMockServer } from "../../src/testing/mod.ts";
import type { ServerSentEvent } from "../../src/streams/server_sent_event.ts";
import {
  ANTHROPIC,
  ask,
  completedPropertyCounts,
  isPerson,
  PERSON_SCHEMA,
  post,
  readEvents,
  WEATHER_SCHEMA,
} from "./_helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/**
 * Checks the event grammar of anthropic.md §3 and assembles the message the
 * way §9 does: message_start block* message_delta+ message_stop, pings anywhere.
 */
function assemble(events: readonly ServerSentEvent[]) {
  const data: Json[] = events.map((e) => JSON.parse(e.data));
  data.forEach((d, i) => assert.equal(d.type, events[i]!.event));
  const grammar = data.filter((d) => d.type !== "ping").map((d) => {
    switch (d.type) {
      case "message_start":
        return "S";
      case "content_block_start":
        return "(";
      case "content_block_delta":
        return "d";
      case "content_block_stop":
        return ")";
      case "message_delta":
        return "D";
      case "message_stop":
        return "E";
      default:
        return "?";
    }
  }).join("");
  assert.match(grammar, /^S(\(d*\))+D+E$/);
  assert(data.some((d) => d.type === "ping"));
  const message = data[0].message;
  const json: Record<number, string> = {};
  let open = -1;
  for (const d of data) {
    if (d.type === "content_block_start") {
      assert.equal(d.index, message.content.length);
      message.content[d.index] = structuredClone(d.content_block);
      if (d.content_block.type === "tool_use") json[d.index] = "";
      open = d.index;
    } else if (d.type === "content_block_delta") {
      assert.equal(d.index, open);
      const block = message.content[d.index];
      const x = d.delta;
      if (x.type === "text_delta") block.text += x.text;
      else if (x.type === "thinking_delta") block.thinking += x.thinking;
      else if (x.type === "signature_delta") block.signature = x.signature;
      else if (x.type === "input_json_delta") json[d.index] += x.partial_json;
    } else if (d.type === "content_block_stop") {
      if (d.index in json) message.content[d.index].input = JSON.parse(json[d.index] || "{}");
    } else if (d.type === "message_delta") {
      message.stop_reason = d.delta.stop_reason;
      message.stop_sequence = d.delta.stop_sequence;
      Object.assign(message.usage, d.usage);
    }
  }
  return { message, json, data };
}

async function stream(server: ReturnType<typeof createMockServer>, body: Json) {
  const response = await post(server, "/v1/messages", { ...body, stream: true }, {
    headers: ANTHROPIC,
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
  assert.match(response.headers.get("request-id")!, /^req_011C[A-Za-z0-9]{22}$/);
  const { events, error } = await readEvents(response);
  assert.equal(error, undefined);
  return assemble(events);
}

async function complete(server: ReturnType<typeof createMockServer>, body: Json) {
  const response = await post(server, "/v1/messages", body, { headers: ANTHROPIC });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert(response.headers.has("request-id"));
  return await response.json();
}

Deno.test("mock /v1/messages streams the event grammar and matches the non-streaming message", async () => {
  const server = createMockServer();
  const request = { model: "claude-sonnet-4-6", max_tokens: 1024, messages: ask("Hi") };
  const { message } = await stream(server, request);
  assert.match(message.id, /^msg_01[A-Za-z0-9]{22}$/);
  assert.equal(message.stop_reason, "end_turn");
  assert.equal(message.content.length, 1);
  assert.equal(message.content[0].type, "text");
  assert(message.usage.output_tokens > 1);
  const body = await complete(server, request);
  assert.equal(body.type, "message");
  assert.deepEqual(body.content, message.content);
  assert.equal(body.stop_reason, "end_turn");
  assert.equal(body.usage.output_tokens, message.usage.output_tokens);
  assert.equal(body.usage.input_tokens, message.usage.input_tokens);
});

Deno.test("mock /v1/messages streams a thinking block with a signature before the text", async () => {
  const server = createMockServer();
  const request = {
    model: "claude-sonnet-4-6",
    max_tokens: 4096,
    messages: ask("Seconds in a leap year?"),
    thinking: { type: "enabled", budget_tokens: 2048 },
  };
  const { message, data } = await stream(server, request);
  assert.deepEqual(message.content.map((b: Json) => b.type), ["thinking", "text"]);
  assert(message.content[0].thinking.length > 0);
  assert.match(message.content[0].signature, /^Eq[A-Za-z0-9+/]+==$/);
  const signatures = data.filter((d) => d.delta?.type === "signature_delta");
  assert.equal(signatures.length, 1);
  const body = await complete(server, request);
  assert.deepEqual(body.content.map((b: Json) => b.thinking ?? b.text), [
    message.content[0].thinking,
    message.content[1].text,
  ]);
  const omitted = await stream(server, {
    ...request,
    thinking: { type: "enabled", budget_tokens: 2048, display: "omitted" },
  });
  assert.equal(omitted.message.content[0].thinking, "");
  assert(omitted.message.content[0].signature.length > 10);
});

Deno.test("mock /v1/messages streams tool input as input_json_delta fragments", async () => {
  const server = createMockServer();
  const request = {
    model: "claude-sonnet-4-6",
    max_tokens: 1024,
    messages: ask("Weather in Lisbon?"),
    tools: [{ name: "get_weather", description: "Weather", input_schema: WEATHER_SCHEMA }],
  };
  const { message, data } = await stream(server, request);
  assert.equal(message.stop_reason, "tool_use");
  const block = message.content.find((b: Json) => b.type === "tool_use");
  assert.match(block.id, /^toolu_01[A-Za-z0-9]{22}$/);
  assert.equal(block.name, "get_weather");
  assert.deepEqual(Object.keys(block.input), ["city"]);
  const fragments = data.filter((d) => d.delta?.type === "input_json_delta");
  assert.equal(fragments[0].delta.partial_json, "");
  assert(fragments.length >= 3);
  const body = await complete(server, request);
  assert.deepEqual(body.content, message.content);

  const answered = await complete(server, {
    ...request,
    messages: [
      ...request.messages,
      { role: "assistant", content: [block] },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: block.id, content: "19 °C" }],
      },
    ],
  });
  assert.equal(answered.stop_reason, "end_turn");
  assert.match(answered.content[0].text, /19 °C/);
});

Deno.test("mock /v1/messages answers a forced tool with a document filling the whole schema", async () => {
  const server = createMockServer();
  const request = {
    model: "claude-sonnet-4-6",
    max_tokens: 1024,
    messages: ask("A person"),
    tools: [{ name: "record_person", input_schema: PERSON_SCHEMA }],
    tool_choice: { type: "tool", name: "record_person" },
  };
  const { message, data } = await stream(server, request);
  assert.equal(message.content.length, 1);
  assert(isPerson(message.content[0].input), JSON.stringify(message.content[0].input));
  const pieces = data.filter((d) => d.delta?.type === "input_json_delta").map((d) =>
    d.delta.partial_json
  );
  assert(completedPropertyCounts(pieces).length >= 4);
  const body = await complete(server, request);
  assert.deepEqual(body.content[0].input, message.content[0].input);
});

Deno.test("mock /v1/messages stops at max_tokens with stop_reason max_tokens", async () => {
  const server = createMockServer();
  const { message } = await stream(server, {
    model: "claude-sonnet-4-6",
    max_tokens: 2,
    messages: ask("Hi"),
  });
  assert.equal(message.stop_reason, "max_tokens");
  assert.equal(message.usage.output_tokens, 2);
});

Deno.test("mock /v1/messages requires anthropic-version and max_tokens", async () => {
  const server = createMockServer();
  const noVersion = await post(server, "/v1/messages", {
    model: "claude-sonnet-4-6",
    max_tokens: 10,
    messages: ask("Hi"),
  });
  assert.equal(noVersion.status, 400);
  const body = await noVersion.json();
  assert.equal(body.type, "error");
  assert.equal(body.error.type, "invalid_request_error");
  assert.match(body.request_id, /^req_/);
  const noMax = await post(server, "/v1/messages", {
    model: "claude-sonnet-4-6",
    messages: ask("Hi"),
  }, { headers: ANTHROPIC });
  assert.equal((await noMax.json()).error.message, "max_tokens: Field required");
});
