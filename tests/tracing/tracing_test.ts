// deno-lint-ignore-file no-import-prefix
import assert from "node:assert/strict";
import { SpanKind, SpanStatusCode } from "npm:@opentelemetry/api@1.10.0";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "npm:@opentelemetry/sdk-trace-base@2.12.1";
import type { Tracer } from "../../mod.ts";
import { Ollama } from "../../src/providers/ollama/mod.ts";
import { OpenAI } from "../../src/providers/openai/mod.ts";
import { Anthropic } from "../../src/providers/anthropic/mod.ts";
import { Gemini } from "../../src/providers/gemini/mod.ts";
import {
  embed,
  embedMany,
  generateText,
  ollama,
  openai,
  streamObject,
  streamText,
} from "../../src/unified/mod.ts";
import { createMockServer, type MockServer } from "../../src/testing/mod.ts";
import { HttpError } from "../../src/errors/http_error.ts";
import { TimeoutError } from "../../src/errors/timeout_error.ts";

/** A real OpenTelemetry tracer with an in-memory exporter, and a count of `end()` per span. */
function otel(): { tracer: Tracer; spans: () => ReadableSpan[]; ends: number[] } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  // The OpenTelemetry tracer fits the option as it is (checked here by the compiler).
  const real: Tracer = provider.getTracer("sluice-test");
  const ends: number[] = [];
  const tracer: Tracer = {
    startSpan(name, options, context) {
      const span = real.startSpan(name, options, context);
      const index = ends.push(0) - 1;
      return new Proxy(span, {
        get(target, key) {
          if (key === "end") {
            return () => {
              ends[index]!++;
              target.end();
            };
          }
          const value = Reflect.get(target, key);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    },
  };
  return { tracer, spans: () => exporter.getFinishedSpans(), ends };
}

const USER = [{ role: "user" as const, content: "Tell me about the sea" }];

function only(spans: ReadableSpan[]): ReadableSpan {
  assert.equal(spans.length, 1, `one span, got ${spans.map((s) => s.name).join(", ")}`);
  return spans[0]!;
}

/** The attributes every successful model call has. */
function assertCallSpan(
  span: ReadableSpan,
  expected: { name: string; operation: string; system: string; model: string },
): void {
  assert.equal(span.name, expected.name);
  assert.equal(span.kind, SpanKind.CLIENT);
  const a = span.attributes;
  assert.equal(a["gen_ai.operation.name"], expected.operation);
  assert.equal(a["gen_ai.system"], expected.system);
  assert.equal(a["gen_ai.provider.name"], expected.system);
  assert.equal(a["gen_ai.request.model"], expected.model);
  assert.equal(span.status.code, SpanStatusCode.UNSET);
  assert.equal(span.ended, true);
}

function assertUsage(span: ReadableSpan, output = true): void {
  const a = span.attributes;
  assert.equal(typeof a["gen_ai.usage.input_tokens"], "number");
  if (output) assert.equal(typeof a["gen_ai.usage.output_tokens"], "number");
}

function assertFirstToken(span: ReadableSpan): void {
  const events = span.events.filter((event) => event.name === "sluice.first_token");
  assert.equal(events.length, 1);
  const ms = events[0]!.attributes?.["sluice.time_to_first_token_ms"];
  assert.ok(typeof ms === "number" && ms >= 0);
}

function assertNoContent(span: ReadableSpan, ...texts: string[]): void {
  for (const [key, value] of Object.entries(span.attributes)) {
    assert.ok(!key.endsWith(".messages"), key);
    for (const text of texts) assert.ok(!String(value).includes(text), `${key} holds '${text}'`);
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A test that waits a tick at its end: the in-memory exporter reports each export on a timer. */
function test(name: string, fn: () => Promise<void>): void {
  Deno.test(name, async () => {
    await fn();
    await tick();
  });
}

// --- Each provider: one span with the GenAI attributes ---------------------------------------

test("Ollama chat: one span with the request, response, usage and first-token event", async () => {
  const { tracer, spans, ends } = otel();
  const mock = createMockServer();
  const client = new Ollama({ host: "http://gpu-box:11434", fetch: mock.fetch, tracer });
  const stream = client.chat({
    model: "llama3.2",
    messages: USER,
    options: {
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      num_predict: 100,
      stop: ["\n\n"],
      seed: 7,
      frequency_penalty: 0.1,
      presence_penalty: 0.3,
    },
  });
  const result = await stream.result();
  const span = only(spans());
  assertCallSpan(span, {
    name: "chat llama3.2",
    operation: "chat",
    system: "ollama",
    model: "llama3.2",
  });
  const a = span.attributes;
  assert.equal(a["server.address"], "gpu-box");
  assert.equal(a["server.port"], 11434);
  assert.equal(a["gen_ai.request.temperature"], 0.2);
  assert.equal(a["gen_ai.request.top_p"], 0.9);
  assert.equal(a["gen_ai.request.top_k"], 40);
  assert.equal(a["gen_ai.request.max_tokens"], 100);
  assert.deepEqual(a["gen_ai.request.stop_sequences"], ["\n\n"]);
  assert.equal(a["gen_ai.request.seed"], 7);
  assert.equal(a["gen_ai.request.frequency_penalty"], 0.1);
  assert.equal(a["gen_ai.request.presence_penalty"], 0.3);
  assert.equal(a["gen_ai.response.model"], result.model);
  assert.deepEqual(a["gen_ai.response.finish_reasons"], ["stop"]);
  assert.equal(a["gen_ai.usage.input_tokens"], result.usage.inputTokens);
  assert.equal(a["gen_ai.usage.output_tokens"], result.usage.outputTokens);
  assertFirstToken(span);
  assertNoContent(span, "Tell me about the sea", result.text);
  assert.deepEqual(ends, [1]);
});

test("Ollama generate and embed: text_completion and embeddings spans", async () => {
  const { tracer, spans } = otel();
  const client = new Ollama({ fetch: createMockServer().fetch, tracer });
  await client.generate({ model: "llama3.2", prompt: "Why is the sky blue?" }).result();
  await client.embed({ model: "llama3.2", input: ["sky", "sea"] });
  const [generate, embedding] = spans();
  assertCallSpan(generate!, {
    name: "text_completion llama3.2",
    operation: "text_completion",
    system: "ollama",
    model: "llama3.2",
  });
  assert.equal(generate!.attributes["server.address"], "127.0.0.1");
  assertUsage(generate!);
  assertFirstToken(generate!);
  assertCallSpan(embedding!, {
    name: "embeddings llama3.2",
    operation: "embeddings",
    system: "ollama",
    model: "llama3.2",
  });
  assertUsage(embedding!, false);
  assert.equal(embedding!.events.length, 0);
  assert.equal(spans().length, 2);
});

test("OpenAI chat: one span with the response id and the request parameters", async () => {
  const { tracer, spans, ends } = otel();
  const client = new OpenAI({
    baseURL: "https://api.example.com/v1",
    apiKey: "sk-test",
    fetch: createMockServer().fetch,
    tracer,
  });
  const stream = client.chat({
    model: "gpt-4.1-mini",
    messages: USER,
    temperature: 0.5,
    max_completion_tokens: 64,
    stop: "END",
    presence_penalty: 0.5,
    seed: 1,
  });
  const result = await stream.result();
  const span = only(spans());
  assertCallSpan(span, {
    name: "chat gpt-4.1-mini",
    operation: "chat",
    system: "openai",
    model: "gpt-4.1-mini",
  });
  const a = span.attributes;
  assert.equal(a["server.address"], "api.example.com");
  assert.equal(a["server.port"], 443);
  assert.equal(a["gen_ai.request.temperature"], 0.5);
  assert.equal(a["gen_ai.request.max_tokens"], 64);
  assert.deepEqual(a["gen_ai.request.stop_sequences"], ["END"]);
  assert.equal(a["gen_ai.request.presence_penalty"], 0.5);
  assert.equal(a["gen_ai.request.seed"], 1);
  assert.equal(a["gen_ai.response.id"], result.id);
  assert.equal(a["gen_ai.response.model"], result.model);
  assert.deepEqual(a["gen_ai.response.finish_reasons"], ["stop"]);
  assertUsage(span);
  assertFirstToken(span);
  assertNoContent(span, "Tell me about the sea");
  assert.deepEqual(ends, [1]);
});

test("OpenAI completions, responses and embeddings each open one span", async () => {
  const { tracer, spans } = otel();
  const client = new OpenAI({
    baseURL: "http://localhost/v1",
    fetch: createMockServer().fetch,
    tracer,
  });
  await client.completions({ model: "gpt-4.1-mini", prompt: "Once upon" }).result();
  await client.responses({ model: "gpt-4.1-mini", input: "Hello" }).result();
  await client.embeddings({ model: "text-embedding-3-small", input: ["a", "b"] });
  const [completion, responses, embeddings] = spans();
  assert.equal(spans().length, 3);
  assertCallSpan(completion!, {
    name: "text_completion gpt-4.1-mini",
    operation: "text_completion",
    system: "openai",
    model: "gpt-4.1-mini",
  });
  assert.equal(completion!.attributes["server.port"], 80);
  assertFirstToken(completion!);
  assertCallSpan(responses!, {
    name: "chat gpt-4.1-mini",
    operation: "chat",
    system: "openai",
    model: "gpt-4.1-mini",
  });
  assert.equal(typeof responses!.attributes["gen_ai.response.id"], "string");
  assertUsage(responses!);
  assertFirstToken(responses!);
  assertCallSpan(embeddings!, {
    name: "embeddings text-embedding-3-small",
    operation: "embeddings",
    system: "openai",
    model: "text-embedding-3-small",
  });
  assertUsage(embeddings!, false);
});

test("Anthropic messages: one span, streamed and complete", async () => {
  const { tracer, spans, ends } = otel();
  const client = new Anthropic({ apiKey: "sk-ant", fetch: createMockServer().fetch, tracer });
  const request = {
    model: "claude-sonnet-4-6",
    max_tokens: 256,
    temperature: 1,
    top_k: 5,
    stop_sequences: ["STOP"],
    messages: USER,
  };
  const result = await client.messages(request).result();
  const complete = await client.messages({ ...request, stream: false });
  const [streamed, whole] = spans();
  assert.equal(spans().length, 2);
  for (const span of [streamed!, whole!]) {
    assertCallSpan(span, {
      name: "chat claude-sonnet-4-6",
      operation: "chat",
      system: "anthropic",
      model: "claude-sonnet-4-6",
    });
    const a = span.attributes;
    assert.equal(a["server.address"], "api.anthropic.com");
    assert.equal(a["server.port"], 443);
    assert.equal(a["gen_ai.request.max_tokens"], 256);
    assert.equal(a["gen_ai.request.top_k"], 5);
    assert.deepEqual(a["gen_ai.request.stop_sequences"], ["STOP"]);
    assert.deepEqual(a["gen_ai.response.finish_reasons"], ["end_turn"]);
    assertUsage(span);
  }
  assert.equal(streamed!.attributes["gen_ai.response.id"], result.id);
  assert.equal(whole!.attributes["gen_ai.response.id"], complete.id);
  assertFirstToken(streamed!);
  assert.deepEqual(ends, [1, 1]);
});

test("Gemini generateContent and embedContent: generate_content and embeddings spans", async () => {
  const { tracer, spans } = otel();
  const client = new Gemini({ apiKey: "key", fetch: createMockServer().fetch, tracer });
  const result = await client.generateContent({
    model: "gemini-2.5-flash",
    contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    generationConfig: { temperature: 0.7, topP: 0.8, topK: 20, maxOutputTokens: 50 },
  }).result();
  await client.embedContent({
    model: "gemini-embedding-001",
    content: { parts: [{ text: "sky" }] },
  });
  const [generate, embedding] = spans();
  assertCallSpan(generate!, {
    name: "generate_content gemini-2.5-flash",
    operation: "generate_content",
    system: "gcp.gemini",
    model: "gemini-2.5-flash",
  });
  const a = generate!.attributes;
  assert.equal(a["server.address"], "generativelanguage.googleapis.com");
  assert.equal(a["gen_ai.request.temperature"], 0.7);
  assert.equal(a["gen_ai.request.top_p"], 0.8);
  assert.equal(a["gen_ai.request.top_k"], 20);
  assert.equal(a["gen_ai.request.max_tokens"], 50);
  assert.equal(a["gen_ai.response.id"], result.id);
  assert.deepEqual(a["gen_ai.response.finish_reasons"], ["STOP"]);
  assertUsage(generate!);
  assertFirstToken(generate!);
  assertCallSpan(embedding!, {
    name: "embeddings gemini-embedding-001",
    operation: "embeddings",
    system: "gcp.gemini",
    model: "gemini-embedding-001",
  });
});

test("a call's tracer wins over the client's, and a client without one records nothing", async () => {
  const client = otel();
  const call = otel();
  const mock = createMockServer();
  await new Ollama({ fetch: mock.fetch, tracer: client.tracer })
    .chat({ model: "llama3.2", messages: USER }, { tracer: call.tracer }).result();
  await new Ollama({ fetch: mock.fetch }).chat({ model: "llama3.2", messages: USER }).result();
  assert.equal(client.spans().length, 0);
  assert.equal(call.spans().length, 1);
});

// --- Content only when asked --------------------------------------------------------------------

test("traceContent records the prompt and the answer as GenAI messages", async () => {
  const { tracer, spans } = otel();
  const client = new OpenAI({
    baseURL: "http://localhost/v1",
    fetch: createMockServer({ reply: "The sea is wide." }).fetch,
    tracer,
    traceContent: true,
  });
  await client.chat({
    model: "gpt-4.1-mini",
    messages: [{ role: "system", content: "Be brief." }, ...USER],
  }).result();
  const a = only(spans()).attributes;
  assert.deepEqual(JSON.parse(a["gen_ai.input.messages"] as string), [
    { role: "system", parts: [{ type: "text", content: "Be brief." }] },
    { role: "user", parts: [{ type: "text", content: "Tell me about the sea" }] },
  ]);
  assert.deepEqual(JSON.parse(a["gen_ai.output.messages"] as string), [
    {
      role: "assistant",
      parts: [{ type: "text", content: "The sea is wide." }],
      finish_reason: "stop",
    },
  ]);
});

test("traceContent on a complete (stream: false) answer and per call", async () => {
  const { tracer, spans } = otel();
  const client = new Ollama({
    fetch: createMockServer({ reply: "Blue." }).fetch,
    tracer,
  });
  await client.chat({ model: "llama3.2", messages: USER, stream: false });
  await client.chat({ model: "llama3.2", messages: USER, stream: false }, { traceContent: true });
  const [without, withContent] = spans();
  assertNoContent(without!, "Tell me about the sea", "Blue.");
  assert.deepEqual(JSON.parse(withContent!.attributes["gen_ai.output.messages"] as string), [
    { role: "assistant", parts: [{ type: "text", content: "Blue." }], finish_reason: "stop" },
  ]);
  assert.deepEqual(without!.attributes["gen_ai.response.finish_reasons"], ["stop"]);
  assertUsage(without!);
});

// --- Each format's messages read by its own reader ---------------------------------------------

/**
 * One tool turn as GenAI messages: the question, reasoning and a call (its
 * arguments as the format gives them), the tool's answer.
 */
function toolTurn(
  call: { id?: string; name: string; arguments?: unknown },
  result: Record<string, unknown>,
  reasoning = true,
): unknown[] {
  const parts = [{ type: "tool_call", ...call, arguments: call.arguments ?? ARGS }];
  return JSON.parse(JSON.stringify([
    { role: "user", parts: [{ type: "text", content: "Weather in Oslo?" }] },
    {
      role: "assistant",
      parts: reasoning ? [{ type: "reasoning", content: "Ask the tool." }, ...parts] : parts,
    },
    result,
  ]));
}

const ARGS = { city: "Oslo" };
const ARGS_TEXT = JSON.stringify(ARGS);

/** The `gen_ai.input.messages` a span recorded. */
function inputOf(span: ReadableSpan): unknown {
  return JSON.parse(span.attributes["gen_ai.input.messages"] as string);
}

test("traceContent reads a tool turn in every provider's own message format", async () => {
  const { tracer, spans } = otel();
  const fetch = createMockServer().fetch;
  const options = { fetch, apiKey: "sk-test", tracer, traceContent: true };
  const question = { role: "user" as const, content: "Weather in Oslo?" };
  const response = (id: string | undefined, response: unknown, role = "tool", name?: string) => ({
    role,
    parts: [{ type: "tool_call_response", id, name, response }],
  });

  await new OpenAI(options).chat({
    model: "gpt-4.1-mini",
    messages: [
      question,
      {
        role: "assistant",
        content: null,
        tool_calls: [{
          id: "call_1",
          type: "function",
          function: { name: "weather", arguments: ARGS_TEXT },
        }],
      },
      { role: "tool", tool_call_id: "call_1", content: "sunny" },
    ],
  }).result();
  // Chat Completions takes no reasoning back.
  const call = { id: "call_1", name: "weather", arguments: ARGS_TEXT };
  assert.deepEqual(inputOf(spans()[0]!), toolTurn(call, response("call_1", "sunny"), false));

  // The Responses API's items: one role's items in a row are one message.
  await new OpenAI(options).responses({
    model: "gpt-5",
    instructions: "Be brief.",
    input: [
      { role: "user", content: [{ type: "input_text", text: "Weather in Oslo?" }] },
      { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Ask the tool." }] },
      { type: "function_call", call_id: "call_1", name: "weather", arguments: ARGS_TEXT },
      { type: "function_call_output", call_id: "call_1", output: "sunny" },
    ],
  }).result();
  assert.deepEqual(inputOf(spans()[1]!), [
    { role: "system", parts: [{ type: "text", content: "Be brief." }] },
    ...toolTurn(call, response("call_1", "sunny")),
  ]);

  await new Anthropic(options).messages({
    model: "claude-sonnet-4-5",
    max_tokens: 100,
    messages: [
      question,
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "Ask the tool.", signature: "sig" },
          { type: "tool_use", id: "toolu_1", name: "weather", input: ARGS },
        ],
      },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "sunny" }],
      },
    ],
  }).result();
  assert.deepEqual(
    inputOf(spans()[2]!),
    toolTurn({ id: "toolu_1", name: "weather" }, response("toolu_1", "sunny", "user")),
  );

  await new Gemini(options).generateContent({
    model: "gemini-2.5-flash",
    contents: [
      { role: "user", parts: [{ text: "Weather in Oslo?" }] },
      {
        role: "model",
        parts: [
          { text: "Ask the tool.", thought: true },
          { functionCall: { name: "weather", args: ARGS }, thoughtSignature: "c2ln" },
        ],
      },
      {
        role: "user",
        parts: [{ functionResponse: { name: "weather", response: { sky: "sunny" } } }],
      },
    ],
  }).result();
  assert.deepEqual(
    inputOf(spans()[3]!),
    toolTurn({ name: "weather" }, response(undefined, { sky: "sunny" }, "user", "weather")),
  );

  await new Ollama(options).chat({
    model: "llama3.2",
    messages: [
      question,
      {
        role: "assistant",
        content: "",
        thinking: "Ask the tool.",
        tool_calls: [{ function: { name: "weather", arguments: ARGS } }],
      },
      { role: "tool", content: "sunny", tool_name: "weather" },
    ],
  }).result();
  assert.deepEqual(
    inputOf(spans()[4]!),
    toolTurn({ name: "weather" }, response(undefined, "sunny", "tool", "weather")),
  );

  // sluice's own messages, in both spellings of an assistant turn.
  for (
    const assistant of [
      {
        role: "assistant" as const,
        content: [
          { type: "reasoning" as const, text: "Ask the tool." },
          { type: "tool-call" as const, id: "c1", name: "weather", arguments: ARGS },
        ],
      },
      {
        role: "assistant" as const,
        content: "",
        reasoning: [{ type: "reasoning" as const, text: "Ask the tool." }],
        toolCalls: [{ id: "c1", name: "weather", arguments: ARGS }],
      },
    ]
  ) {
    await generateText({
      model: openai("gpt-4.1-mini", { fetch, apiKey: "sk-test" }),
      messages: [question, assistant, { role: "tool", id: "c1", name: "weather", result: "sunny" }],
      tracer,
      traceContent: true,
    });
    assert.deepEqual(
      inputOf(spans().at(-1)!),
      toolTurn({ id: "c1", name: "weather" }, response("c1", "sunny", "tool", "weather")),
    );
  }
});

test("traceContent: a complete (stream: false) answer's calls and reasoning, in each format", async () => {
  const { tracer, spans } = otel();
  const answer = (body: object) => () => Promise.resolve(Response.json(body));
  const call = { type: "tool_call", id: "call_1", name: "weather" };
  const outputOf = (span: ReadableSpan) =>
    JSON.parse(span.attributes["gen_ai.output.messages"] as string);

  await new OpenAI({
    fetch: answer({
      id: "resp_1",
      object: "response",
      model: "gpt-5",
      status: "completed",
      output: [
        {
          type: "reasoning",
          id: "rs_1",
          summary: [{ type: "summary_text", text: "Ask the tool." }],
        },
        {
          type: "function_call",
          id: "fc_1",
          call_id: "call_1",
          name: "weather",
          arguments: ARGS_TEXT,
          status: "completed",
        },
      ],
      usage: { input_tokens: 5, output_tokens: 9, total_tokens: 14 },
    }),
    apiKey: "sk-test",
    tracer,
    traceContent: true,
  }).responses({ model: "gpt-5", input: "Weather in Oslo?", stream: false });
  assert.deepEqual(outputOf(spans()[0]!), [{
    role: "assistant",
    parts: [
      { type: "reasoning", content: "Ask the tool." },
      { ...call, arguments: ARGS_TEXT },
    ],
    finish_reason: "completed",
  }]);

  await new Anthropic({
    fetch: answer({
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [
        { type: "thinking", thinking: "Ask the tool.", signature: "sig" },
        { type: "tool_use", id: "call_1", name: "weather", input: ARGS },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 9 },
    }),
    apiKey: "sk-test",
    tracer,
    traceContent: true,
  }).messages({
    model: "claude-sonnet-4-5",
    max_tokens: 100,
    messages: USER,
    stream: false,
  });
  assert.deepEqual(outputOf(spans()[1]!), [{
    role: "assistant",
    parts: [{ type: "reasoning", content: "Ask the tool." }, { ...call, arguments: ARGS }],
    finish_reason: "tool_use",
  }]);
});

// --- Every way a stream ends: the span ends exactly once --------------------------------------

function ollamaWith(mock: MockServer, tracer: Tracer, extra: Record<string, unknown> = {}): Ollama {
  return new Ollama({ fetch: mock.fetch, tracer, maxRetries: 0, ...extra });
}

async function settle(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error;
  }
}

function assertAborted(span: ReadableSpan): void {
  assert.equal(span.attributes["sluice.aborted"], true);
  assert.equal(span.status.code, SpanStatusCode.UNSET);
  assert.equal(span.attributes["error.type"], undefined);
}

function assertFailed(span: ReadableSpan, type: string): void {
  assert.equal(span.status.code, SpanStatusCode.ERROR);
  assert.ok(span.status.message);
  assert.equal(span.attributes["error.type"], type);
  assert.equal(span.events.filter((event) => event.name === "exception").length, 1);
}

test("break out of for await: the span ends once, marked aborted, with the usage so far", async () => {
  const { tracer, spans, ends } = otel();
  const stream = ollamaWith(createMockServer(), tracer).chat({ model: "llama3.2", messages: USER });
  for await (const _chunk of stream) break;
  await tick();
  const span = only(spans());
  assertAborted(span);
  assertFirstToken(span);
  assert.equal(span.attributes["gen_ai.request.model"], "llama3.2");
  assert.deepEqual(ends, [1]);
});

test("cancel() and a disposed stream end the span once", async () => {
  const { tracer, spans, ends } = otel();
  const client = ollamaWith(createMockServer(), tracer);
  const cancelled = client.chat({ model: "llama3.2", messages: USER });
  const reader = cancelled.textStream.getReader();
  await reader.read();
  await cancelled.cancel();
  assert.ok(await settle(cancelled.result()));
  reader.releaseLock();
  {
    await using _disposed = client.chat({ model: "llama3.2", messages: USER });
  }
  await tick();
  assert.equal(spans().length, 2);
  for (const span of spans()) assertAborted(span);
  assert.deepEqual(ends, [1, 1]);
  // The disposed stream never read a token.
  assert.equal(spans()[1]!.events.length, 0);
});

test("the caller's abort ends the span once, as a stop", async () => {
  const { tracer, spans, ends } = otel();
  const controller = new AbortController();
  const stream = ollamaWith(createMockServer({ tokensPerSecond: 200 }), tracer).chat(
    { model: "llama3.2", messages: USER },
    { signal: controller.signal },
  );
  const error = await settle((async () => {
    for await (const _text of stream.textStream) controller.abort();
  })());
  assert.equal((error as Error).name, "AbortError");
  await tick();
  assertAborted(only(spans()));
  assert.deepEqual(ends, [1]);
});

test("an idle timeout fails the span once with a TimeoutError", async () => {
  const { tracer, spans, ends } = otel();
  const stream = ollamaWith(createMockServer(), tracer, { idleTimeout: 30 }).chat(
    { model: "llama3.2", messages: USER },
    { headers: { "x-mock-fault": "stall-after:2" } },
  );
  const error = await settle(stream.result());
  assert.ok(error instanceof TimeoutError);
  await tick();
  const span = only(spans());
  assertFailed(span, "TimeoutError");
  assertFirstToken(span);
  assert.deepEqual(ends, [1]);
});

test("a first-token timeout, a headers timeout and a total timeout each fail the span once", async () => {
  const { tracer, spans, ends } = otel();
  const mock = createMockServer();
  const client = new OpenAI({ baseURL: "http://localhost/v1", fetch: mock.fetch, tracer });
  const cases = [
    [{ firstTokenTimeout: 30 }, "keepalive-only:5"],
    [{ timeout: 30, maxRetries: 0 }, "slow-headers:2000"],
    [{ totalTimeout: 40, maxRetries: 0 }, "stall-after:1"],
  ] as const;
  for (const [options, fault] of cases) {
    const stream = client.chat({ model: "gpt-4.1-mini", messages: USER }, {
      ...options,
      headers: { "x-mock-fault": fault },
    });
    assert.ok(await settle(stream.result()) instanceof TimeoutError, fault);
  }
  await tick();
  assert.equal(spans().length, 3);
  for (const span of spans()) assertFailed(span, "TimeoutError");
  assert.deepEqual(ends, [1, 1, 1]);
});

test("an HTTP error and a mid-stream error fail the span once", async () => {
  const { tracer, spans, ends } = otel();
  const client = ollamaWith(createMockServer(), tracer);
  const missing = client.chat({ model: "llama3.2", messages: USER }, {
    headers: { "x-mock-fault": "404" },
  });
  assert.ok(await settle(missing.result()) instanceof HttpError);
  const cut = client.chat({ model: "llama3.2", messages: USER }, {
    headers: { "x-mock-fault": "error-after:2" },
  });
  assert.ok(await settle(cut.result()));
  await tick();
  const [http, midstream] = spans();
  assertFailed(http!, "HttpError");
  assert.equal(http!.attributes["http.response.status_code"], 404);
  assert.equal(http!.events.length, 1);
  assertFailed(midstream!, midstream!.attributes["error.type"] as string);
  assertFirstToken(midstream!);
  assert.deepEqual(ends, [1, 1]);
});

test("a failed non-streaming call fails its span", async () => {
  const { tracer, spans, ends } = otel();
  const client = new OpenAI({
    baseURL: "http://localhost/v1",
    fetch: createMockServer().fetch,
    tracer,
    maxRetries: 0,
  });
  const error = await settle(
    client.embeddings({ model: "text-embedding-3-small", input: "a" }, {
      headers: { "x-mock-fault": "500" },
    }),
  );
  assert.ok(error instanceof HttpError);
  assertFailed(only(spans()), "HttpError");
  assert.deepEqual(ends, [1]);
});

test("a tracer that throws never breaks the call", async () => {
  const errors: unknown[] = [];
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    errors.push(event.error);
  };
  globalThis.addEventListener("error", onError);
  try {
    const tracer: Tracer = {
      startSpan() {
        throw new Error("tracer down");
      },
    };
    const text = await new Ollama({ fetch: createMockServer({ reply: "ok" }).fetch, tracer })
      .chat({ model: "llama3.2", messages: USER }).text();
    assert.equal(text, "ok");
    assert.equal(errors.length, 1);
  } finally {
    globalThis.removeEventListener("error", onError);
  }
});

// --- The unified calls: one span each ---------------------------------------------------------

test("streamText: one span for the call, none for the steps of a client without a tracer", async () => {
  const { tracer, spans, ends } = otel();
  const model = ollama("llama3.2", { fetch: createMockServer({ reply: "Hello there" }).fetch });
  const stream = streamText({
    model,
    system: "Be brief.",
    prompt: "Hi",
    temperature: 0.3,
    maxOutputTokens: 20,
    tracer,
  });
  assert.deepEqual(stream.warnings, []);
  const result = await stream.result();
  const span = only(spans());
  assertCallSpan(span, {
    name: "chat llama3.2",
    operation: "chat",
    system: "ollama",
    model: "llama3.2",
  });
  const a = span.attributes;
  assert.equal(a["gen_ai.request.temperature"], 0.3);
  assert.equal(a["gen_ai.request.max_tokens"], 20);
  assert.deepEqual(a["gen_ai.response.finish_reasons"], ["stop"]);
  assert.equal(a["gen_ai.usage.output_tokens"], result.totalUsage.outputTokens);
  assertFirstToken(span);
  assertNoContent(span, "Hello there", "Be brief.");
  assert.deepEqual(ends, [1]);
});

test("streamText with a tool loop: one span, total usage, content when asked", async () => {
  const { tracer, spans } = otel();
  const model = openai("gpt-4.1-mini", {
    baseURL: "http://localhost/v1",
    fetch: createMockServer().fetch,
  });
  const result = await generateText({
    model,
    prompt: "Weather in Paris?",
    maxSteps: 3,
    tools: {
      weather: {
        description: "The weather in a city",
        parameters: { type: "object", properties: { city: { type: "string" } } },
        execute: () => ({ sky: "sunny" }),
      },
    },
    tracer,
    traceContent: true,
  });
  const span = only(spans());
  assert.equal(span.attributes["gen_ai.usage.input_tokens"], result.totalUsage.inputTokens);
  assert.equal(span.attributes["gen_ai.usage.output_tokens"], result.totalUsage.outputTokens);
  assert.deepEqual(JSON.parse(span.attributes["gen_ai.input.messages"] as string), [
    { role: "user", parts: [{ type: "text", content: "Weather in Paris?" }] },
  ]);
  const output = JSON.parse(span.attributes["gen_ai.output.messages"] as string);
  assert.equal(output[0].role, "assistant");
});

test("streamText: break, cancel and a client with its own tracer", async () => {
  const { tracer, spans, ends } = otel();
  const inner = otel();
  const mock = createMockServer();
  for await (
    const _part of streamText({
      model: ollama("llama3.2", { fetch: mock.fetch }),
      prompt: "Hi",
      tracer,
    })
  ) {
    break;
  }
  const cancelled = streamText({
    model: ollama("llama3.2", { fetch: mock.fetch }),
    prompt: "Hi",
    tracer,
  });
  await cancelled.cancel();
  // The client's own tracer traces its requests: a span of its own for each step.
  const traced = ollama("llama3.2", { fetch: mock.fetch, tracer: inner.tracer });
  await streamText({ model: traced, prompt: "Hi", tracer }).result();
  await tick();
  assert.equal(spans().length, 3);
  assertAborted(spans()[0]!);
  assertAborted(spans()[1]!);
  assert.equal(spans()[2]!.attributes["sluice.aborted"], undefined);
  assert.equal(inner.spans().length, 1);
  assert.deepEqual(ends, [1, 1, 1]);
});

test("streamObject: one span", async () => {
  const { tracer, spans } = otel();
  const model = ollama("llama3.2", { fetch: createMockServer().fetch });
  const stream = streamObject({
    model,
    prompt: "A city",
    schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
    tracer,
  });
  await stream.object();
  assertCallSpan(only(spans()), {
    name: "chat llama3.2",
    operation: "chat",
    system: "ollama",
    model: "llama3.2",
  });
});

test("embed and embedMany: one embeddings span per call, batches included", async () => {
  const { tracer, spans, ends } = otel();
  const mock = createMockServer();
  const model = openai.embedding("embedder", {
    baseURL: "http://localhost/v1",
    fetch: mock.fetch,
    maxEmbeddingsPerCall: 3,
  });
  await embed({ model, value: "sunny day", tracer });
  const values = Array.from({ length: 11 }, (_, i) => `value ${i}`);
  const many = await embedMany({ model, values, tracer });
  assert.equal(mock.requests.length, 1 + 4);
  const [one, batches] = spans();
  assert.equal(spans().length, 2);
  for (const span of [one!, batches!]) {
    assertCallSpan(span, {
      name: "embeddings embedder",
      operation: "embeddings",
      system: "openai",
      model: "embedder",
    });
    assertNoContent(span, "sunny day", "value 1");
  }
  assert.equal(batches!.attributes["gen_ai.usage.input_tokens"], many.usage.inputTokens);
  assert.deepEqual(ends, [1, 1]);
  const failing = ollama.embedding("embedder", { fetch: mock.fetch, maxRetries: 0 });
  const error = await settle(
    embedMany({ model: failing, values, tracer, headers: { "x-mock-fault": "500" } }),
  );
  assert.ok(error instanceof HttpError);
  assertFailed(spans()[2]!, "HttpError");
});
