import assert from "node:assert/strict";
import {
  generateText,
  openai,
  streamObject,
  type StreamPart,
  streamText,
} from "../../src/unified/mod.ts";
import { createMockServer } from "../../src/testing/mod.ts";
import { ProviderError } from "../../src/errors/provider_error.ts";
import { RESPONSES_TRANSCRIPTS, responsesBody } from "../testdata/openai-responses/transcripts.ts";
import { assertAgree } from "./_agree.ts";

const WEATHER = {
  description: "The weather in a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
  },
  execute: ({ city }: { city: string }) => ({ city, sky: "sunny" }),
};

type Json = Record<string, unknown>;

Deno.test("streamText runs a two-step tool loop through the Responses API against the mock", async () => {
  const server = createMockServer();
  const model = openai("gpt-4.1-mini", {
    fetch: server.fetch,
    baseURL: "http://mock/v1",
    apiKey: "sk-test",
    api: "responses",
    responses: { store: false, reasoning: { effort: "low", summary: "auto" } },
  });
  const stream = streamText({
    model,
    system: "Be brief",
    prompt: "Weather in Paris?",
    maxSteps: 3,
    // deno-lint-ignore no-explicit-any
    tools: { weather: WEATHER as any },
  });
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  const result = await stream.result();

  assert.equal(result.steps.length, 2);
  const [first, second] = result.steps;
  assert.equal(first!.finishReason, "tool-calls");
  assert.equal(first!.toolCalls.length, 1);
  assert.equal(first!.toolCalls[0]!.name, "weather");
  assert.match(first!.toolCalls[0]!.id, /^call_/);
  assert.ok(first!.reasoning.length > 0, "the first step reasoned");
  assert.equal(second!.finishReason, "stop");
  assert.match(result.text, /^According to the tool: /);
  assert.deepEqual(
    parts.map((part) => part.type).filter((type, i, all) => type !== all[i - 1]),
    [
      "step-start",
      "reasoning-delta",
      "tool-call-start",
      "tool-call-delta",
      "tool-call",
      "usage",
      "tool-result",
      "step-finish",
      "step-start",
      "reasoning-delta",
      "text-delta",
      "usage",
      "step-finish",
      "finish",
    ],
  );

  // What went over the wire: /v1/responses both times; the second request carries the first
  // step's output items (reasoning with its encrypted content) and the function_call_output.
  assert.deepEqual(server.requests.map((request) => request.path), [
    "/v1/responses",
    "/v1/responses",
  ]);
  const firstBody = server.requests[0]!.body as Json;
  assert.equal(firstBody.stream, true);
  assert.equal(firstBody.instructions, "Be brief");
  assert.equal(firstBody.store, false);
  assert.deepEqual(firstBody.include, ["reasoning.encrypted_content"]);
  assert.deepEqual(firstBody.input, [{ role: "user", content: "Weather in Paris?" }]);
  const input = (server.requests[1]!.body as Json).input as Json[];
  assert.deepEqual(input.map((item) => item.type ?? item.role), [
    "user",
    "reasoning",
    "function_call",
    "function_call_output",
  ]);
  const reasoning = input[1]!;
  assert.match(String(reasoning.encrypted_content), /^gAAAAAB/);
  assert.deepEqual(reasoning, (first!.providerMetadata.openai!.output as Json[])[0]);
  assert.equal(input[2]!.call_id, first!.toolCalls[0]!.id);
  assert.deepEqual(input[3], {
    type: "function_call_output",
    call_id: first!.toolCalls[0]!.id,
    output: JSON.stringify(first!.toolResults[0]!.result),
  });
  assert.equal(first!.providerMetadata.openai!.api, "responses");
  assert.match(String(result.response.id), /^resp_/);
});

Deno.test("generateText through the Responses API maps the settings and warns about the rest", async () => {
  const server = createMockServer({ reply: "Hi there" });
  const model = openai("gpt-4.1-mini", {
    fetch: server.fetch,
    baseURL: "http://mock/v1",
    api: "responses",
  });
  const result = await generateText({
    model,
    prompt: "Hello",
    maxTokens: 50,
    temperature: 0.5,
    topP: 0.9,
    topK: 3,
    seed: 1,
  });
  assert.equal(result.text, "Hi there");
  assert.equal(result.finishReason, "stop");
  assert.equal(result.rawFinishReason, "completed");
  assert.deepEqual(result.warnings.map((warning) => warning.setting), ["topK", "seed"]);
  const body = server.requests[0]!.body as Json;
  assert.equal(body.max_output_tokens, 50);
  assert.equal(body.temperature, 0.5);
  assert.equal(body.top_p, 0.9);
  assert.equal(body.store, undefined);
});

Deno.test("a Responses API step at the token limit finishes with length", async () => {
  const server = createMockServer();
  const model = openai("gpt-4.1-mini", {
    fetch: server.fetch,
    baseURL: "http://mock/v1",
    api: "responses",
  });
  const result = await generateText({ model, prompt: "Tell me a story", maxTokens: 2 });
  assert.equal(result.finishReason, "length");
  assert.equal(result.rawFinishReason, "max_output_tokens");
});

Deno.test("a failed Responses API stream reaches streamText as a ProviderError", async () => {
  const server = createMockServer();
  const model = openai("gpt-4.1-mini:fault=error-after:3", {
    fetch: server.fetch,
    baseURL: "http://mock/v1",
    api: "responses",
    maxRetries: 0,
  });
  const stream = streamText({ model, prompt: "Hello" });
  await assert.rejects(stream.result(), (error) => {
    assert.ok(error instanceof ProviderError);
    assert.match(error.message, /^The response failed \(server_error\)/);
    return true;
  });
});

Deno.test("streamObject through the Responses API sends text.format and parses the JSON", async () => {
  const server = createMockServer();
  const model = openai("gpt-4.1-mini", {
    fetch: server.fetch,
    baseURL: "http://mock/v1",
    api: "responses",
  });
  const schema = {
    type: "object",
    properties: { name: { type: "string" }, age: { type: "number" } },
    required: ["name", "age"],
  };
  const stream = streamObject({ model, prompt: "A person", schema });
  const object = await stream.object() as Json;
  assert.equal(typeof object.name, "string");
  assert.equal(typeof object.age, "number");
  const body = server.requests[0]!.body as Json;
  assert.deepEqual((body.text as Json).format, {
    type: "json_schema",
    name: "response",
    schema,
    strict: false,
  });
});

for (const transcript of RESPONSES_TRANSCRIPTS) {
  Deno.test(`Responses transcript '${transcript.name}': streamText agrees with the provider client`, async () => {
    await assertAgree("openai-responses", responsesBody(transcript.events), transcript.name);
  });
}
