import assert from "node:assert/strict";
import {
  gemini,
  generateText,
  streamObject,
  streamText,
  toGeminiSchema,
} from "../../../src/unified/mod.ts";
import { createMockServer } from "../../../src/testing/mod.ts";
import type { StreamPart } from "../../../src/unified/types.ts";
import { sseBody, transcripts } from "./_transcripts.ts";
import { assertAgree } from "../../unified/_agree.ts";

const MODEL = "gemini-2.5-flash";
type Json = Record<string, unknown>;

const weather = {
  description: "The weather in a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
  execute: (args: unknown) => ({ city: (args as { city: string }).city, celsius: 21 }),
};

Deno.test("a two-step tool loop through streamText sends Gemini's turn back with its signatures, then the function responses", async () => {
  const mock = createMockServer();
  const model = gemini(MODEL, {
    fetch: mock.fetch,
    apiKey: "AIza-unified-test",
    thinkingConfig: { includeThoughts: true },
  });
  const stream = streamText({
    model,
    system: "Be brief",
    prompt: "Weather in Lisbon?",
    tools: { get_weather: weather },
    maxSteps: 2,
  });
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  const result = await stream.result();

  assert.equal(result.steps.length, 2);
  const [first, second] = result.steps;
  assert.equal(first?.finishReason, "tool-calls");
  assert.equal(first?.rawFinishReason, "STOP");
  assert.equal(first?.toolCalls.length, 1);
  assert.equal(first?.toolResults[0]?.name, "get_weather");
  assert.ok(first!.reasoning.length > 0);
  assert.equal(second?.finishReason, "stop");
  assert.match(result.text, /celsius/);

  // The parts, in the order the loop hands them out.
  const types = parts.map((part) => part.type);
  assert.equal(types[0], "step-start");
  assert.ok(types.indexOf("reasoning-delta") < types.indexOf("tool-call-start"));
  assert.ok(types.indexOf("tool-call") < types.indexOf("tool-result"));
  assert.ok(types.lastIndexOf("step-start") < types.indexOf("text-delta"));
  assert.equal(types.at(-1), "finish");

  // What the second request sent: the model's turn as received, then the result.
  assert.equal(mock.requests.length, 2);
  const firstContent = (first!.providerMetadata.gemini as { content: Json }).content;
  const body = mock.requests[1]!.body as Json;
  const contents = body.contents as Json[];
  assert.deepEqual(body.systemInstruction, { parts: [{ text: "Be brief" }] });
  assert.deepEqual(contents[0], { role: "user", parts: [{ text: "Weather in Lisbon?" }] });
  assert.deepEqual(contents[1], firstContent);
  const parts1 = (contents[1] as { parts: Json[] }).parts;
  const call = parts1.find((part) => part.functionCall !== undefined)!;
  assert.ok(typeof call.thoughtSignature === "string" && call.thoughtSignature !== "");
  assert.deepEqual(contents[2], {
    role: "user",
    parts: [{
      functionResponse: {
        name: "get_weather",
        response: { result: first!.toolResults[0]!.result },
      },
    }],
  });
  assert.equal(contents.length, 3);
  assert.deepEqual(body.generationConfig, { thinkingConfig: { includeThoughts: true } });
  assert.deepEqual(body.tools, [{
    functionDeclarations: [{
      name: "get_weather",
      description: "The weather in a city",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    }],
  }]);
  assert.equal(body.model, undefined, "the model goes in the URL");
  assert.equal(mock.requests[1]!.path, `/v1beta/models/${MODEL}:streamGenerateContent`);
});

Deno.test("a Gemini function call id goes back in the function response; a made-up one does not", async () => {
  const signature = "c2lnbmF0dXJl";
  for (const id of ["fc-7", undefined]) {
    const bodies: unknown[] = [];
    const answers = [
      sseBody([{
        candidates: [{
          content: {
            role: "model",
            parts: [{
              functionCall: { ...(id ? { id } : {}), name: "get_weather", args: { city: "Oslo" } },
              thoughtSignature: signature,
            }],
          },
          finishReason: "STOP",
          index: 0,
        }],
      }]),
      sseBody(transcripts.find((t) => t.name === "text")!.events),
    ];
    const fetch = (_input: RequestInfo | URL, init?: RequestInit) => {
      bodies.push(JSON.parse(String(init?.body)));
      return Promise.resolve(new Response(answers[bodies.length - 1]));
    };
    const result = await generateText({
      model: gemini(MODEL, { fetch }),
      prompt: "Weather in Oslo?",
      tools: { get_weather: weather },
      maxSteps: 2,
    });
    assert.equal(result.steps.length, 2);
    const sent = (bodies[1] as { contents: Json[] }).contents;
    assert.deepEqual(sent[1], {
      role: "model",
      parts: [{
        functionCall: { ...(id ? { id } : {}), name: "get_weather", args: { city: "Oslo" } },
        thoughtSignature: signature,
      }],
    });
    const response = (sent[2] as { parts: { functionResponse: Json }[] }).parts[0]!
      .functionResponse;
    assert.equal(response.id, id);
    assert.deepEqual(response.response, { result: { city: "Oslo", celsius: 21 } });
    if (id) assert.equal(result.steps[0]?.toolCalls[0]?.id, id);
  }
});

Deno.test("a conversation given as messages maps onto Gemini's contents, roles and settings", async () => {
  const mock = createMockServer();
  const result = await generateText({
    model: gemini(MODEL, { fetch: mock.fetch }),
    system: "Be brief",
    messages: [
      { role: "user", content: "Hi" },
      {
        role: "assistant",
        content: "Let me check.",
        toolCalls: [{ id: "x1", name: "f", arguments: "oops" }],
      },
      { role: "tool", id: "x1", name: "f", result: "bad arguments", isError: true },
    ],
    maxTokens: 50,
    temperature: 0.2,
    topP: 0.9,
    topK: 20,
    stop: ["END"],
    seed: 3,
    frequencyPenalty: 0.1,
    presencePenalty: 0.2,
    tools: { f: { parameters: { type: "object" } } },
    toolChoice: { type: "tool", name: "f" },
  });
  assert.deepEqual(result.warnings, []);
  const body = mock.requests[0]!.body as Json;
  assert.deepEqual(body.contents, [
    { role: "user", parts: [{ text: "Hi" }] },
    // Not a turn this model made: no signature to send, arguments that were not an object as {}.
    {
      role: "model",
      parts: [{ text: "Let me check." }, { functionCall: { name: "f", args: {} } }],
    },
    {
      role: "user",
      parts: [{ functionResponse: { name: "f", response: { error: "bad arguments" } } }],
    },
  ]);
  assert.deepEqual(body.generationConfig, {
    maxOutputTokens: 50,
    temperature: 0.2,
    topP: 0.9,
    topK: 20,
    stopSequences: ["END"],
    frequencyPenalty: 0.1,
    presencePenalty: 0.2,
    seed: 3,
  });
  assert.deepEqual(body.toolConfig, {
    functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["f"] },
  });
});

Deno.test("streamObject asks Gemini for JSON through responseSchema", async () => {
  const mock = createMockServer();
  const stream = streamObject<{ city: string; days: number }>({
    model: gemini(MODEL, { fetch: mock.fetch }),
    prompt: "Plan a trip",
    schema: {
      type: "object",
      properties: {
        city: { type: "string" },
        days: { type: "integer" },
        note: { type: ["string", "null"] },
      },
      required: ["city", "days"],
      additionalProperties: false,
    },
  });
  const object = await stream.object();
  assert.equal(typeof object.city, "string");
  assert.equal(typeof object.days, "number");
  const config = (mock.requests[0]!.body as Json).generationConfig as Json;
  assert.equal(config.responseMimeType, "application/json");
  assert.deepEqual(config.responseSchema, {
    type: "object",
    properties: {
      city: { type: "string" },
      days: { type: "integer" },
      note: { type: "string", nullable: true },
    },
    required: ["city", "days"],
  });
});

Deno.test("a blocked prompt reaches generateText as a content-filter finish with Gemini's feedback", async () => {
  const body = sseBody(transcripts.find((t) => t.name === "blocked-prompt")!.events);
  const result = await generateText({
    model: gemini(MODEL, { fetch: () => Promise.resolve(new Response(body)) }),
    prompt: "…",
  });
  assert.equal(result.finishReason, "content-filter");
  assert.equal(result.rawFinishReason, "PROHIBITED_CONTENT");
  assert.equal(result.text, "");
  const metadata = result.providerMetadata.gemini as { promptFeedback: Json };
  assert.equal(metadata.promptFeedback.blockReason, "PROHIBITED_CONTENT");
});

Deno.test("toGeminiSchema inlines local $refs and drops string formats Gemini rejects", () => {
  assert.deepEqual(
    toGeminiSchema({
      type: "object",
      properties: {
        home: { $ref: "#/$defs/place" },
        away: { $ref: "#/definitions/place", description: "Away" },
        email: { type: "string", format: "email" },
        when: { type: "string", format: "date-time" },
        count: { type: "integer", format: "int32" },
      },
      $defs: { place: { type: "object", properties: { city: { type: "string" } } } },
      definitions: { place: { type: "object", properties: { city: { type: "string" } } } },
    }),
    {
      type: "object",
      properties: {
        home: { type: "object", properties: { city: { type: "string" } } },
        away: { type: "object", properties: { city: { type: "string" } }, description: "Away" },
        email: { type: "string" },
        when: { type: "string", format: "date-time" },
        count: { type: "integer", format: "int32" },
      },
    },
  );
  // A recursive schema is cut after a few levels, not followed forever.
  const tree = toGeminiSchema({
    type: "object",
    properties: { child: { $ref: "#" } },
  });
  assert.equal(typeof tree, "object");
});

Deno.test("toGeminiSchema maps JSON Schema onto Gemini's subset", () => {
  assert.deepEqual(
    toGeminiSchema({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        kind: { const: "a" },
        tags: { type: "array", items: { type: ["string", "null"] } },
        either: { oneOf: [{ type: "string" }, { type: "number" }] },
      },
      additionalProperties: false,
    }),
    {
      type: "object",
      properties: {
        kind: { enum: ["a"] },
        tags: { type: "array", items: { type: "string", nullable: true } },
        either: { anyOf: [{ type: "string" }, { type: "number" }] },
      },
    },
  );
});

for (const transcript of transcripts) {
  Deno.test(`gemini/${transcript.name}: streamText agrees with the Gemini client`, async () => {
    await assertAgree("gemini", sseBody(transcript.events), transcript.name);
  });
}
