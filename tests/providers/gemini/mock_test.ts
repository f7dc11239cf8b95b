import assert from "node:assert/strict";
import { Gemini, type GeminiResult } from "../../../src/providers/gemini/mod.ts";
import { createMockServer } from "../../../src/testing/mod.ts";
import { HttpError } from "../../../src/errors/http_error.ts";
import { IncompleteStreamError } from "../../../src/errors/incomplete_stream_error.ts";
import { ParseError } from "../../../src/errors/parse_error.ts";
import { ProviderError } from "../../../src/errors/provider_error.ts";
import { assertPartsAgree, collectParts } from "../../_parts.ts";

const MODEL = "gemini-2.5-flash";
const contents = [{ role: "user" as const, parts: [{ text: "Why stream?" }] }];
const tools = [{
  functionDeclarations: [{
    name: "get_weather",
    parameters: {
      type: "OBJECT",
      properties: { city: { type: "STRING" } },
      required: ["city"],
    },
  }],
}];

Deno.test("the mock's Gemini stream assembles to the response its stream: false call returns", async () => {
  const mock = createMockServer();
  const gemini = new Gemini({ apiKey: "AIza-mock-key", fetch: mock.fetch });
  for (
    const request of [
      { model: MODEL, contents },
      {
        model: MODEL,
        contents,
        generationConfig: { thinkingConfig: { includeThoughts: true } },
      },
      { model: MODEL, contents, tools },
      { model: MODEL, contents, generationConfig: { maxOutputTokens: 3 } },
    ]
  ) {
    const stream = gemini.generateContent(request);
    const { parts, error } = await collectParts(stream);
    assert.equal(error, undefined);
    const result = await stream.result();
    assertPartsAgree(parts, result);
    const complete = await gemini.generateContent({ ...request, stream: false });
    const { responseId: _a, ...streamed } = result.response!;
    const { responseId: _b, ...whole } = complete;
    assert.deepEqual(streamed, whole, JSON.stringify(request));
  }
  const path = mock.requests.map((r) => r.path);
  assert.ok(path.includes(`/v1beta/models/${MODEL}:streamGenerateContent`));
  assert.ok(path.includes(`/v1beta/models/${MODEL}:generateContent`));
  assert.equal(mock.requests[0]?.model, MODEL);
});

Deno.test("the mock's Gemini answers reasoning, a signed function call and MAX_TOKENS as Gemini does", async () => {
  const gemini = new Gemini({ fetch: createMockServer().fetch });
  const thinking = await gemini.generateContent({
    model: MODEL,
    contents,
    generationConfig: { thinkingConfig: { includeThoughts: true } },
  }).result();
  assert.ok(thinking.reasoning.length > 0);
  assert.equal(thinking.content.parts[0]?.thought, true);
  assert.ok(thinking.content.parts.at(-1)?.thoughtSignature);
  assert.equal((thinking.usage.reasoningTokens ?? 0) > 0, true);

  const call = await gemini.generateContent({ model: MODEL, contents, tools }).result();
  assert.equal(call.finishReason, "tool-calls");
  assert.equal(call.rawFinishReason, "STOP");
  assert.equal(call.toolCalls[0]?.name, "get_weather");
  assert.equal(typeof (call.toolCalls[0]?.arguments as { city?: unknown }).city, "string");
  assert.ok(call.content.parts[0]?.thoughtSignature);

  const cut = await gemini.generateContent({
    model: MODEL,
    contents,
    generationConfig: { maxOutputTokens: 2 },
  }).result();
  assert.equal(cut.finishReason, "length");
  assert.equal(cut.rawFinishReason, "MAX_TOKENS");
});

Deno.test("the mock's Gemini faults reach the client as the same errors as a real failure", async () => {
  const mock = createMockServer();
  const gemini = new Gemini({ fetch: mock.fetch, maxRetries: 0 });
  const fail = (fault: string) =>
    gemini.generateContent({ model: MODEL, contents }, { headers: { "x-mock-fault": fault } })
      .result().then(() => undefined, (error) => error);

  const limited = await fail("429");
  assert.ok(limited instanceof HttpError);
  assert.equal(limited.status, 429);
  assert.ok(limited.providerMessage?.startsWith("You exceeded your current quota"));

  const midstream = await fail("error-after:1");
  assert.ok(midstream instanceof ProviderError);
  assert.equal(midstream.type, "UNAVAILABLE");
  assert.ok((midstream.partial as GeminiResult).text.length > 0);

  const cut = await fail("disconnect-after:2");
  assert.ok(cut instanceof IncompleteStreamError);
  assert.ok((cut.partial as GeminiResult).text.length > 0);

  assert.ok(await fail("malformed:1") instanceof ParseError);
  assert.ok(await fail("reset-after:1") instanceof IncompleteStreamError);

  // The fault as a model suffix, in the URL's model.
  const suffixed = await gemini.generateContent({ model: `${MODEL}:fault=503`, contents })
    .result().then(() => undefined, (error) => error);
  assert.ok(suffixed instanceof HttpError);
  assert.equal(suffixed.status, 503);

  // Retries: a 500 on the first attempt only.
  const retried = await gemini.generateContent({ model: MODEL, contents }, {
    headers: { "x-mock-fault": "500x1" },
    maxRetries: 1,
    retryDelay: 1,
  }).result();
  assert.equal(retried.finishReason, "stop");
});

Deno.test("the mock's Gemini refuses a model it does not have with Google's 404", async () => {
  const gemini = new Gemini({ fetch: createMockServer({ models: [MODEL] }).fetch, maxRetries: 0 });
  const error = await gemini.generateContent({ model: "gemini-9", contents }).result()
    .then(() => undefined, (e) => e);
  assert.ok(error instanceof HttpError);
  assert.equal(error.status, 404);
  assert.match(error.providerMessage ?? "", /^models\/gemini-9 is not found/);
  assert.equal(
    (await gemini.generateContent({ model: MODEL, contents }).result()).finishReason,
    "stop",
  );
});

Deno.test("the mock's Gemini answers a function response with text, and structured output as JSON", async () => {
  const gemini = new Gemini({ fetch: createMockServer().fetch });
  const answer = await gemini.generateContent({
    model: MODEL,
    tools,
    contents: [
      ...contents,
      {
        role: "model",
        parts: [{ functionCall: { name: "get_weather", args: { city: "Lisbon" } } }],
      },
      {
        role: "user",
        parts: [{ functionResponse: { name: "get_weather", response: { celsius: 21 } } }],
      },
    ],
  }).result();
  assert.equal(answer.finishReason, "stop");
  assert.match(answer.text, /celsius/);

  const object = await gemini.generateContent({
    model: MODEL,
    contents,
    generationConfig: {
      responseMimeType: "application/json",
      responseSchema: {
        type: "OBJECT",
        properties: { city: { type: "STRING" }, days: { type: "INTEGER" } },
        required: ["city", "days"],
      },
    },
  }).result();
  const value = JSON.parse(object.text);
  assert.equal(typeof value.city, "string");
  assert.equal(typeof value.days, "number");
});
