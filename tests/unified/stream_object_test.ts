import assert from "node:assert/strict";
import {
  anthropic,
  gemini,
  type LanguageModel,
  ObjectValidationError,
  ollama,
  openai,
  streamObject,
} from "../../src/unified/mod.ts";
import { validate } from "../../src/unified/_validate.ts";
import {
  anthropicBody,
  type AnyProvider,
  fakeFetch,
  geminiBody,
  openaiResponsesBody,
} from "./_fakes.ts";
import { within } from "../http/_server.ts";
import { ResponseStream } from "../../src/response_stream/response_stream.ts";

const PROVIDERS: AnyProvider[] = ["ollama", "openai", "anthropic", "gemini", "openai-responses"];

/** An answer whose JSON text arrives in the given pieces, for each provider. */
function jsonBody(provider: AnyProvider, pieces: string[]): string {
  // Gemini (responseMimeType) and the Responses API (text.format): plain text deltas.
  if (provider === "gemini") return geminiBody({ text: pieces, finish: "stop" });
  if (provider === "openai-responses") return openaiResponsesBody({ text: pieces, finish: "stop" });
  if (provider === "ollama") {
    return pieces.map((content, i) =>
      JSON.stringify({
        model: "llama3.2",
        created_at: "",
        message: { role: "assistant", content },
        done: i === pieces.length - 1,
        ...(i === pieces.length - 1 ? { done_reason: "stop" } : {}),
      }) + "\n"
    ).join("");
  }
  if (provider === "openai") {
    return pieces.map((content, i) =>
      `data: ${
        JSON.stringify({
          id: "c1",
          object: "chat.completion.chunk",
          created: 1,
          model: "gpt-4o-mini",
          choices: [{
            index: 0,
            delta: { content },
            finish_reason: i === pieces.length - 1 ? "stop" : null,
          }],
        })
      }\n\n`
    ).join("") + "data: [DONE]\n\n";
  }
  // Anthropic: a forced tool call whose input arrives as input_json_delta pieces.
  const events = anthropicBody({
    toolCalls: [{ id: "toolu_1", name: "response", args: {} }],
    finish: "tool",
  }).split("\n\n").filter((e) => e !== "");
  const deltaIndex = events.findIndex((e) => e.includes("input_json_delta"));
  const deltas = pieces.map((partial_json) =>
    `event: content_block_delta\ndata: ${
      JSON.stringify({
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json },
      })
    }`
  );
  events.splice(deltaIndex, 1, ...deltas);
  return events.join("\n\n") + "\n\n";
}

function modelFor(provider: AnyProvider, fetch: typeof globalThis.fetch): LanguageModel {
  switch (provider) {
    case "ollama":
      return ollama("llama3.2", { fetch });
    case "openai":
      return openai("gpt-4o-mini", { fetch });
    case "openai-responses":
      return openai("gpt-4.1-mini", { fetch, api: "responses" });
    case "anthropic":
      return anthropic("claude-sonnet-4-6", { fetch });
    case "gemini":
      return gemini("gemini-2.5-flash", { fetch });
  }
}

const recipe = {
  type: "object",
  properties: {
    name: { type: "string" },
    items: {
      type: "array",
      items: {
        type: "object",
        properties: { name: { type: "string" }, price: { type: "number" } },
        required: ["name", "price"],
      },
    },
    diet: { type: "string", enum: ["vegan", "any"] },
  },
  required: ["name", "items"],
};
const pieces = [
  '{"name":"Sou',
  'p","items":[{"name":"leek","price":1.5},',
  '{"name":"salt","price":0.2}]}',
];

for (const provider of PROVIDERS) {
  Deno.test(`streamObject through ${provider} streams partial objects and validates`, async () => {
    const { fetch, requests } = fakeFetch([jsonBody(provider, pieces)]);
    const stream = streamObject({
      model: modelFor(provider, fetch),
      schema: recipe,
      schemaName: "recipe",
      prompt: "A soup",
    });
    const partials: unknown[] = [];
    for await (const partial of stream.partialObjectStream) partials.push(partial);
    assert.deepEqual(partials, [
      { name: "Sou" },
      { name: "Soup", items: [{ name: "leek", price: 1.5 }] },
      { name: "Soup", items: [{ name: "leek", price: 1.5 }, { name: "salt", price: 0.2 }] },
    ]);
    assert.deepEqual(await stream.object(), partials.at(-1));
    assert.equal((await stream.result()).finishReason, "stop");
    const body = requests[0]!.body;
    if (provider === "ollama") assert.deepEqual(body.format, recipe);
    if (provider === "openai") {
      assert.deepEqual(body.response_format, {
        type: "json_schema",
        json_schema: { name: "recipe", schema: recipe, strict: false },
      });
    }
    if (provider === "anthropic") {
      assert.deepEqual(body.tools, [{ name: "recipe", input_schema: recipe }]);
      assert.deepEqual(body.tool_choice, { type: "tool", name: "recipe" });
    }
    if (provider === "gemini") {
      // The recipe uses only keywords of Gemini's schema subset: sent as it is.
      assert.deepEqual(body.generationConfig, {
        responseMimeType: "application/json",
        responseSchema: recipe,
      });
      assert.equal(body.tools, undefined);
    }
    if (provider === "openai-responses") {
      assert.deepEqual(body.text, {
        format: { type: "json_schema", name: "recipe", schema: recipe, strict: false },
      });
      assert.equal(body.tools, undefined);
    }
  });
}

Deno.test("object() names the path of the first mismatch", async () => {
  for (const provider of PROVIDERS) {
    const bad = '{"name":"Soup","items":[{"name":"a","price":1},{"name":"b","price":2},' +
      '{"name":"c","price":"3"}]}';
    const { fetch } = fakeFetch([jsonBody(provider, [bad])]);
    const stream = streamObject({ model: modelFor(provider, fetch), schema: recipe, prompt: "x" });
    await assert.rejects(stream.object(), (error) => {
      assert.ok(error instanceof ObjectValidationError);
      assert.equal(
        error.message,
        "The model's answer does not match the schema: $.items[2].price: expected number, received string",
      );
      assert.equal(error.path, "$.items[2].price");
      return true;
    }, provider);
  }
});

Deno.test("object() rejects an answer that is not JSON", async () => {
  const { fetch } = fakeFetch([jsonBody("ollama", ['{"name": oops'])]);
  const stream = streamObject({ model: modelFor("ollama", fetch), schema: recipe, prompt: "x" });
  await assert.rejects(stream.object(), (error) => {
    assert.ok(error instanceof ObjectValidationError);
    assert.match(error.message, /^The model's answer is not valid JSON: '\{"name": oops'$/);
    return true;
  });
});

Deno.test("an array root is wrapped for the provider and its elements streamed", async () => {
  const schema = {
    type: "array",
    items: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  };
  for (const provider of PROVIDERS) {
    const { fetch, requests } = fakeFetch([
      jsonBody(provider, ['{"elements":[{"city":"Pa', 'ris"},{"city":"Ro', 'me"}]}']),
    ]);
    const stream = streamObject({ model: modelFor(provider, fetch), schema, prompt: "x" });
    const elements: unknown[] = [];
    for await (const element of stream.elementStream) elements.push(element);
    assert.deepEqual(elements, [{ city: "Paris" }, { city: "Rome" }], provider);
    assert.deepEqual(await stream.object(), elements, provider);
    const wrapped = {
      type: "object",
      properties: { elements: schema },
      required: ["elements"],
      additionalProperties: false,
    };
    const body = requests[0]!.body;
    const sent = provider === "ollama"
      ? body.format
      : provider === "openai"
      ? (body.response_format as { json_schema: { schema: unknown } }).json_schema.schema
      : provider === "openai-responses"
      ? (body.text as { format: { schema: unknown } }).format.schema
      : provider === "gemini"
      ? (body.generationConfig as { responseSchema: unknown }).responseSchema
      : (body.tools as { input_schema: unknown }[])[0]!.input_schema;
    if (provider === "gemini") {
      // Gemini's schema subset has no additionalProperties: toGeminiSchema drops it.
      const { additionalProperties: _, ...subset } = wrapped;
      assert.deepEqual(sent, subset, provider);
    } else assert.deepEqual(sent, wrapped, provider);
  }
});

Deno.test("elementStream errors on an element that does not match items", async () => {
  const schema = { type: "array", items: { type: "integer" } };
  const { fetch } = fakeFetch([jsonBody("openai", ['{"elements":[1,2.5,3]}'])]);
  const stream = streamObject({ model: modelFor("openai", fetch), schema, prompt: "x" });
  const seen: unknown[] = [];
  await assert.rejects(async () => {
    for await (const element of stream.elementStream) seen.push(element);
  }, /\$\[1\]: expected integer, received number/);
  assert.deepEqual(seen, [1]);
});

Deno.test("elementStream needs an array schema", () => {
  const { fetch } = fakeFetch([jsonBody("ollama", ["{}"])]);
  const stream = streamObject({ model: modelFor("ollama", fetch), schema: recipe, prompt: "x" });
  assert.throws(() => stream.elementStream, TypeError);
  return stream.cancel();
});

Deno.test("validate checks types, required, enums, nesting and additionalProperties", () => {
  assert.equal(validate({ name: "a", items: [] }, recipe), undefined);
  assert.deepEqual(validate({ items: [] }, recipe), ["$.name", "required property is missing"]);
  assert.deepEqual(validate({ name: "a", items: [], diet: "keto" }, recipe), [
    "$.diet",
    'expected one of "vegan", "any", received "keto"',
  ]);
  assert.deepEqual(validate([1, "x"], { type: "array", items: { type: ["number", "null"] } }), [
    "$[1]",
    "expected number or null, received string",
  ]);
  assert.deepEqual(
    validate({ a: 1, "b-c": 2 }, {
      type: "object",
      properties: { a: {} },
      additionalProperties: false,
    }),
    ['$["b-c"]', "unexpected property"],
  );
  assert.deepEqual(validate(1.5, { type: "integer" }), ["$", "expected integer, received number"]);
  assert.deepEqual(validate("x", { anyOf: [{ type: "number" }, { type: "string" }] }), undefined);
  assert.deepEqual(validate(true, { anyOf: [{ type: "number" }, { type: "string" }] }), [
    "$",
    "expected number, received boolean",
  ]);
});

Deno.test("taking partialObjectStream or elementStream without reading it: object() resolves", async () => {
  for (const provider of PROVIDERS) {
    const { fetch } = fakeFetch([jsonBody(provider, pieces)]);
    const stream = streamObject({ model: modelFor(provider, fetch), schema: recipe, prompt: "x" });
    const partials = stream.partialObjectStream; // taken, not read
    const object = await within(stream.object(), 1000, `${provider}: object()`);
    assert.deepEqual((object as { items: unknown[] }).items.length, 2, provider);
    // What object() read waits for the reader: nothing is lost.
    const seen: unknown[] = [];
    for await (const partial of partials) seen.push(partial);
    assert.deepEqual(seen.at(-1), object, provider);
  }
  const schema = { type: "array", items: { type: "integer" } };
  const { fetch } = fakeFetch([jsonBody("openai", ['{"elements":[1,', "2]}"])]);
  const stream = streamObject({ model: modelFor("openai", fetch), schema, prompt: "x" });
  const elements = stream.elementStream;
  assert.equal((await within(stream.result(), 1000, "result()")).finishReason, "stop");
  const seen: unknown[] = [];
  for await (const element of elements) seen.push(element);
  assert.deepEqual(seen, [1, 2]);
});

Deno.test("streamObject's stream is the stream core: response, partial, parts, onAbort", async () => {
  const { fetch } = fakeFetch([jsonBody("openai", pieces)]);
  const aborted: unknown[] = [];
  const stream = streamObject({
    model: modelFor("openai", fetch),
    schema: recipe,
    prompt: "x",
    onAbort: (partial) => aborted.push(partial.text),
  });
  assert.ok(stream instanceof ResponseStream, "a ResponseStream, as every stream object");
  const types: string[] = [];
  for await (const part of stream) {
    types.push(part.type);
    if (part.type === "text-delta") break;
  }
  // `response` is the status and headers, from when they arrived (as on every stream).
  assert.equal((await stream.response).status, 200);
  assert.deepEqual(types, ["step-start", "text-delta"]);
  // The answer as far as it arrived (here the whole body came in one read).
  const partial = stream.partial.text;
  assert.ok(partial.startsWith(pieces[0]!), partial);
  await assert.rejects(stream.object(), { name: "AbortError" });
  assert.deepEqual(aborted, [partial]);
});
