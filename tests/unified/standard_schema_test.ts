import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix
import { z } from "npm:zod@4.6.7";
// deno-lint-ignore no-import-prefix
import * as v from "npm:valibot@1.5.0";
// deno-lint-ignore no-import-prefix
import { toStandardJsonSchema } from "npm:@valibot/to-json-schema@1.8.0";
import {
  anthropic,
  generateText,
  type GenerateTextResult,
  ObjectValidationError,
  ollama,
  openai,
  streamObject,
  type StreamPart,
  streamText,
  tool,
} from "../../src/unified/mod.ts";
import { createMockServer } from "../../src/testing/mod.ts";

type Body = Record<string, unknown>;

/** Compiles only when `A` and `B` are the same type. */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends (<X>() => X extends B ? 1 : 2) ? true
  : false;
function expectType<T extends true>(_: T): void {}

function modelFor(provider: "ollama" | "openai" | "anthropic", fetch: typeof globalThis.fetch) {
  const options = { fetch, retryDelay: 1 };
  if (provider === "ollama") return ollama("llama3.2", { ...options, host: "http://mock" });
  if (provider === "openai") {
    return openai("gpt-4.1-mini", { ...options, baseURL: "http://mock/v1", apiKey: "sk" });
  }
  return anthropic("claude-sonnet-4-6", { ...options, baseURL: "http://mock" });
}

const zodCity = z.object({ city: z.string().describe("The city") });
const valibotCity = v.object({ city: v.string() });
const cityJsonSchema = {
  type: "object",
  properties: { city: { type: "string" } },
  required: ["city"],
};

Deno.test("tool() types execute's arguments from a zod or valibot schema, unknown from JSON Schema", () => {
  const a = tool({
    parameters: zodCity,
    execute: (args) => {
      expectType<Equal<typeof args, { city: string }>>(true);
      return args.city.toUpperCase();
    },
  });
  const b = tool({
    parameters: valibotCity,
    jsonSchema: cityJsonSchema,
    execute: (args) => {
      expectType<Equal<typeof args, { city: string }>>(true);
      return args.city;
    },
  });
  const c = tool({
    parameters: cityJsonSchema,
    execute: (args) => {
      expectType<Equal<typeof args, unknown>>(true);
      return args;
    },
  });
  assert.ok(a.execute && b.execute && c.execute);
});

Deno.test("streamObject's object is typed from a zod or valibot schema", () => {
  const model = ollama("m", { fetch: () => Promise.reject(new Error("not called")) });
  const zodStream = streamObject({ model, schema: zodCity, prompt: "x" });
  const valibotStream = streamObject({
    model,
    schema: valibotCity,
    jsonSchema: cityJsonSchema,
    prompt: "x",
  });
  const jsonStream = streamObject({ model, schema: cityJsonSchema, prompt: "x" });
  expectType<Equal<Awaited<ReturnType<typeof zodStream.object>>, { city: string }>>(true);
  expectType<Equal<Awaited<ReturnType<typeof valibotStream.object>>, { city: string }>>(true);
  expectType<Equal<Awaited<ReturnType<typeof jsonStream.object>>, unknown>>(true);
  type Partial = typeof zodStream.partialObjectStream extends AsyncIterable<infer P> ? P : never;
  expectType<Equal<Partial, { city?: string }>>(true);
  for (const stream of [zodStream, valibotStream, jsonStream]) {
    stream.object().catch(() => {});
    stream.cancel();
  }
});

for (const provider of ["ollama", "openai", "anthropic"] as const) {
  Deno.test(`a zod tool's JSON Schema reaches the mock's ${provider} API and its args are validated`, async () => {
    const server = createMockServer();
    const seen: { city: string }[] = [];
    const result = await generateText({
      model: modelFor(provider, server.fetch),
      prompt: "Weather in Paris?",
      maxSteps: 2,
      tools: {
        weather: tool({
          parameters: zodCity,
          execute: (args) => {
            seen.push(args);
            return { sky: "sunny" };
          },
        }),
      },
    });
    const body = server.requests[0]!.body as Body;
    const sent = JSON.stringify(body.tools);
    assert.ok(sent.includes('"city":{"type":"string","description":"The city"}'), sent);
    assert.ok(!sent.includes("~standard") && !sent.includes("$schema"), sent);
    assert.equal(seen.length, 1);
    assert.equal(typeof seen[0]!.city, "string");
    assert.equal(result.steps[0]!.toolResults[0]!.isError, undefined);
  });
}

Deno.test("arguments a Standard Schema rejects are an error result naming the path, sent back", async () => {
  const server = createMockServer();
  let ran = false;
  const result = await generateText({
    model: modelFor("openai", server.fetch),
    prompt: "Weather in Paris?",
    maxSteps: 2,
    tools: {
      weather: tool({
        parameters: v.object({ city: v.number("city must be a number") }),
        jsonSchema: cityJsonSchema,
        execute: () => {
          ran = true;
        },
      }),
    },
  });
  assert.equal(ran, false);
  const toolResult = result.steps[0]!.toolResults[0]!;
  assert.equal(toolResult.isError, true);
  assert.equal(
    toolResult.result,
    "The arguments of tool 'weather' do not match its schema: $.city: city must be a number",
  );
  const second = JSON.stringify(server.requests[1]!.body);
  assert.ok(second.includes("$.city: city must be a number"));
});

for (
  const [library, parameters] of [
    ["zod", z.object({ city: z.number() })],
    ["valibot", v.object({ city: v.number("city must be a number") })],
  ] as const
) {
  Deno.test(`arguments a ${library} schema rejects are an error result naming the path`, async () => {
    const server = createMockServer();
    const result = await generateText({
      model: modelFor("anthropic", server.fetch),
      prompt: "Weather in Paris?",
      maxSteps: 2,
      // The mock answers from the JSON Schema (a string), which the schema rejects.
      tools: { weather: { parameters, jsonSchema: cityJsonSchema, execute: () => "ran" } },
    });
    const toolResult = result.steps[0]!.toolResults[0]!;
    assert.equal(toolResult.isError, true);
    assert.match(
      String(toolResult.result),
      /^The arguments of tool 'weather' do not match its schema: \$\.city: \S/,
    );
  });
}

Deno.test("a valibot schema made a Standard JSON Schema needs no jsonSchema, for tools and objects", async () => {
  const server = createMockServer();
  const model = modelFor("openai", server.fetch);
  const seen: { city: string }[] = [];
  const result = await generateText({
    model,
    prompt: "Weather in Paris?",
    maxSteps: 2,
    tools: {
      weather: tool({
        parameters: toStandardJsonSchema(v.object({ city: v.string() })),
        execute: (args) => {
          expectType<Equal<typeof args, { city: string }>>(true);
          seen.push(args);
          return { sky: "sunny" };
        },
      }),
    },
  });
  assert.equal(result.steps.length, 2);
  assert.equal(typeof seen[0]?.city, "string");
  const tools = (server.requests[0]!.body as Body).tools as Body[];
  assert.deepEqual((tools[0]!.function as Body).parameters, {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
  });
  const stream = streamObject({
    model,
    schema: toStandardJsonSchema(v.object({ title: v.string(), year: v.number() })),
    prompt: "A book",
  });
  const object = await stream.object();
  expectType<Equal<typeof object, { title: string; year: number }>>(true);
  assert.equal(typeof object.title, "string");
  const format = (server.requests[2]!.body as Body).response_format as Body;
  assert.deepEqual((format.json_schema as Body).schema, {
    type: "object",
    properties: { title: { type: "string" }, year: { type: "number" } },
    required: ["title", "year"],
  });
});

Deno.test("a Standard JSON Schema whose conversion throws is a clear error", () => {
  const model = modelFor("ollama", createMockServer().fetch);
  const schema = toStandardJsonSchema(v.object({ at: v.bigint() }));
  assert.throws(
    () => streamObject({ model, schema, prompt: "x" }),
    (error: unknown) =>
      error instanceof TypeError &&
      error.message.startsWith(
        "streamObject's schema is a valibot schema its library cannot convert to JSON Schema: ",
      ) && error.message.endsWith(": pass its JSON Schema as jsonSchema"),
  );
});

Deno.test("a valibot schema without jsonSchema is a clear error", () => {
  const model = modelFor("ollama", createMockServer().fetch);
  assert.throws(
    () => streamObject({ model, schema: valibotCity, prompt: "x" }),
    {
      name: "TypeError",
      message:
        "streamObject's schema is a valibot schema without a JSON Schema conversion: pass its JSON Schema as jsonSchema",
    },
  );
});

for (const provider of ["ollama", "openai", "anthropic"] as const) {
  Deno.test(`streamObject with a zod schema gets a validated, typed object from the mock's ${provider} API`, async () => {
    const server = createMockServer();
    const schema = z.object({
      title: z.string(),
      year: z.number().int(),
      tags: z.array(z.string()),
    });
    const stream = streamObject({
      model: modelFor(provider, server.fetch),
      schema,
      prompt: "A book",
    });
    const object = await stream.object();
    assert.equal(typeof object.title, "string");
    assert.ok(Number.isInteger(object.year));
    assert.ok(Array.isArray(object.tags));
    const sent = JSON.stringify(server.requests[0]!.body);
    assert.ok(sent.includes('"year":{"type":"integer"'), sent);
  });
}

Deno.test("a zod or valibot schema the answer breaks rejects with an ObjectValidationError naming the path", async () => {
  const answer = JSON.stringify({ title: "Dune", year: "1965" });
  const fetch = () =>
    Promise.resolve(
      new Response(
        JSON.stringify({
          model: "m",
          created_at: "",
          message: { role: "assistant", content: answer },
          done: true,
          done_reason: "stop",
        }) + "\n",
      ),
    );
  const model = ollama("m", { fetch });
  const schemas = [
    { schema: z.object({ title: z.string(), year: z.number() }) },
    {
      schema: v.object({ title: v.string(), year: v.number() }),
      jsonSchema: { type: "object" },
    },
  ];
  for (const options of schemas) {
    const error = await streamObject({ model, prompt: "A book", ...options }).object().then(
      () => assert.fail("no error"),
      (error) => error,
    );
    assert.ok(error instanceof ObjectValidationError);
    assert.equal(error.path, "$.year");
    assert.match(error.message, /^The model's answer does not match the schema: \$\.year: /);
  }
});

/** A zod tool (async) and a valibot tool, typed by their schemas and their `execute`. */
const cityTools = {
  weather: tool({
    parameters: zodCity,
    execute: async ({ city }) => {
      await Promise.resolve();
      return { city, celsius: 21 };
    },
  }),
  time: tool({
    parameters: toStandardJsonSchema(v.object({ zone: v.string() })),
    execute: ({ zone }) => `12:00 in ${zone}`,
  }),
};

/** A two-step call whose first step must call `weather` (the mock answers it). */
const forcedWeather = {
  prompt: "Weather in Paris?",
  maxSteps: 2,
  toolChoice: { type: "tool", name: "weather" },
  activeTools: (step: number) => step === 0 ? ["weather"] : [],
} as const;

Deno.test("a result's tool calls and results are typed by the call's zod, valibot and JSON Schema tools", async () => {
  const server = createMockServer();
  const tools = {
    ...cityTools,
    raw: { parameters: cityJsonSchema, execute: () => 1 },
    // Without tool(): the arguments come from the schema itself.
    lookup: { parameters: z.object({ id: z.number() }) },
  };
  const stepNames: string[] = [];
  const result = await generateText({
    model: modelFor("openai", server.fetch),
    ...forcedWeather,
    tools,
    onStepFinish: (step) => {
      for (const call of step.toolCalls) {
        expectType<Equal<typeof call.name, "weather" | "time" | "raw" | "lookup">>(true);
        stepNames.push(call.name);
      }
    },
  });
  type Call = (typeof result.toolCalls)[number];
  expectType<Equal<Call["name"], "weather" | "time" | "raw" | "lookup">>(true);
  const call = result.steps[0]!.toolCalls[0]!;
  const toolResult = result.steps[0]!.toolResults[0]!;
  // Each tool's arguments and result, told apart by the name (and isError).
  const typed = (c: typeof call, r: typeof toolResult) => {
    if (c.name === "weather") expectType<Equal<typeof c.arguments, { city: string }>>(true);
    if (c.name === "time") expectType<Equal<typeof c.arguments, { zone: string }>>(true);
    if (c.name === "raw") expectType<Equal<typeof c.arguments, unknown>>(true);
    if (c.name === "lookup") expectType<Equal<typeof c.arguments, { id: number }>>(true);
    if (r.isError) expectType<Equal<typeof r.result, string>>(true);
    else if (r.name === "weather") {
      expectType<Equal<typeof r.result, { city: string; celsius: number }>>(true);
    } else if (r.name === "time") expectType<Equal<typeof r.result, string>>(true);
    else if (r.name === "raw") expectType<Equal<typeof r.result, number>>(true);
    else expectType<Equal<typeof r.result, unknown>>(true);
  };
  typed(call, toolResult);
  assert.equal(call.name, "weather");
  assert.equal(typeof call.arguments.city, "string");
  assert.deepEqual(toolResult, {
    id: call.id,
    name: "weather",
    arguments: call.arguments,
    result: { city: call.arguments.city, celsius: 21 },
  });
  assert.deepEqual(stepNames, ["weather"]);
  // streamText's result is typed the same way, and an untyped result still takes it.
  const stream = streamText({ model: modelFor("openai", server.fetch), prompt: "x", tools });
  const streamed = await stream.result();
  expectType<Equal<typeof streamed, GenerateTextResult<typeof tools>>>(true);
  const untyped: GenerateTextResult = streamed;
  assert.equal(untyped.steps.length, 1);
});

Deno.test("the full stream's tool-call and tool-result parts are typed by the call's tools", async () => {
  const server = createMockServer();
  const tools = cityTools;
  const chunkNames: string[] = [];
  const stream = streamText({
    model: modelFor("openai", server.fetch),
    ...forcedWeather,
    tools,
    onChunk: (part) => {
      if (part.type === "tool-call") {
        expectType<Equal<typeof part.name, "weather" | "time">>(true);
        chunkNames.push(part.name);
      }
    },
  });
  const cities: string[] = [];
  const results: unknown[] = [];
  for await (const part of stream.fullStream) {
    if (part.type === "tool-call" && part.name === "weather") {
      expectType<Equal<typeof part.arguments, { city: string }>>(true);
      cities.push(part.arguments.city);
    }
    if (part.type === "tool-call" && part.name === "time") {
      expectType<Equal<typeof part.arguments, { zone: string }>>(true);
    }
    if (part.type === "tool-result" && !part.isError && part.name === "weather") {
      expectType<Equal<typeof part.result, { city: string; celsius: number }>>(true);
      results.push(part.result.celsius);
    }
    if (part.type === "tool-result" && part.isError) {
      expectType<Equal<typeof part.result, string>>(true);
    }
  }
  assert.equal(cities.length, 1);
  assert.equal(typeof cities[0], "string");
  assert.deepEqual(results, [21]);
  assert.deepEqual(chunkNames, ["weather"]);
  // Iterating the stream itself gives the same typed parts; an untyped part still takes one.
  const again = streamText({ model: modelFor("openai", server.fetch), prompt: "x", tools });
  for await (const part of again) {
    const untyped: StreamPart = part;
    if (part.type === "tool-call") expectType<Equal<typeof part.name, "weather" | "time">>(true);
    assert.ok(untyped.type);
  }
});

/** Each expected type error below is itself an error when inference breaks and the line compiles. */
function _inferenceGuard() {
  tool({
    parameters: zodCity,
    // @ts-expect-error city is a string, not a number
    execute: (args: { city: number }) => args,
  });
  const model = ollama("m");
  const stream = streamObject({ model, schema: zodCity, prompt: "x" });
  stream.object().then((object) => {
    // @ts-expect-error the object has no such field
    object.country;
  });
  const tools = {
    weather: tool({ parameters: zodCity, execute: ({ city }) => ({ city, celsius: 21 }) }),
    time: tool({
      parameters: toStandardJsonSchema(v.object({ zone: v.string() })),
      execute: () => "12:00",
    }),
  };
  generateText({ model, prompt: "x", tools }).then((result) => {
    const call = result.toolCalls[0]!;
    // @ts-expect-error no tool has this name
    if (call.name === "nope") return;
    if (call.name === "weather") {
      // @ts-expect-error the weather tool's arguments have no such field
      call.arguments.zone;
    }
    if (call.name === "time") {
      // @ts-expect-error the time tool's arguments have no such field
      call.arguments.city;
    }
    const toolResult = result.toolResults[0]!;
    if (toolResult.name === "weather" && !toolResult.isError) {
      // @ts-expect-error celsius is a number
      const celsius: string = toolResult.result.celsius;
      return celsius;
    }
  });
}
