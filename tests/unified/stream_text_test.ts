import assert from "node:assert/strict";
import {
  anthropic,
  generateText,
  type LanguageModel,
  ollama,
  openai,
  type StreamPart,
  streamText,
  type ToolSet,
} from "../../src/unified/mod.ts";
import { HttpError } from "../../src/errors/http_error.ts";
import { type Answer, BODIES, fakeFetch, type Provider } from "./_fakes.ts";

const PROVIDERS: Provider[] = ["ollama", "openai", "anthropic"];

function modelFor(provider: Provider, fetch: typeof globalThis.fetch): LanguageModel {
  const common = { fetch, retryDelay: 1 };
  if (provider === "ollama") return ollama("llama3.2", common);
  if (provider === "openai") return openai("gpt-4o-mini", { ...common, apiKey: "sk-test" });
  return anthropic("claude-sonnet-4-6", { ...common, apiKey: "sk-ant-test" });
}

/** The parts with content stripped and consecutive deltas of one kind merged. */
function shape(parts: StreamPart[]): string[] {
  const out: string[] = [];
  for (const part of parts) {
    let label: string = part.type;
    if (part.type === "finish" || part.type === "step-finish") {
      label += `:${part.finishReason}`;
    }
    if (part.type.endsWith("-delta") && out[out.length - 1] === label) continue;
    out.push(label);
  }
  return out;
}

async function collect(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

const weatherTools = (calls: unknown[]): ToolSet => ({
  weather: {
    description: "The weather in a city",
    parameters: {
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
    },
    execute: (args, { signal, id }) => {
      assert.ok(signal instanceof AbortSignal);
      calls.push({ args, id });
      return { sky: "sunny", celsius: 21 };
    },
  },
});

const toolAnswer: Answer = {
  text: ["Let me check."],
  toolCalls: [{ id: "call_w1", name: "weather", args: { city: "Paris" } }],
  finish: "tool",
  input: 20,
  output: 8,
};
const finalAnswer: Answer = { text: ["Sunny", " and 21°C."], finish: "stop", input: 40, output: 6 };

for (const provider of PROVIDERS) {
  Deno.test(`streamText through ${provider} gives the normalized text answer`, async () => {
    const { fetch } = fakeFetch([
      BODIES[provider]({ reasoning: "Think", text: ["Hel", "lo"], finish: "stop" }),
    ]);
    const stream = streamText({ model: modelFor(provider, fetch), prompt: "Hi" });
    const parts = await collect(stream.fullStream);
    assert.deepEqual(parts.filter((p) => p.type === "text-delta"), [
      { type: "text-delta", text: "Hel" },
      { type: "text-delta", text: "lo" },
    ]);
    assert.deepEqual(parts.filter((p) => p.type === "reasoning-delta"), [
      { type: "reasoning-delta", text: "Think" },
    ]);
    assert.deepEqual(parts.at(-1), {
      type: "finish",
      finishReason: "stop",
      rawFinishReason: { ollama: "stop", openai: "stop", anthropic: "end_turn" }[provider],
      totalUsage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
      maxStepsReached: false,
    });
    const result = await stream.result();
    assert.equal(result.text, "Hello");
    assert.equal(result.reasoning, "Think");
    assert.equal(result.finishReason, "stop");
    assert.deepEqual(result.usage, { inputTokens: 10, outputTokens: 5, totalTokens: 15 });
    assert.equal(result.response.status, 200);
    assert.equal(result.steps.length, 1);
    assert.equal((await stream.response).status, 200);
    assert.ok(stream.stats.chunks > 0);
  });
}

Deno.test("the same request through each provider yields the same part shapes", async () => {
  const shapes: string[][] = [];
  for (const provider of PROVIDERS) {
    const { fetch } = fakeFetch([BODIES[provider](toolAnswer)]);
    const parts = await collect(
      streamText({ model: modelFor(provider, fetch), prompt: "Weather?", tools: weatherTools([]) }),
    );
    shapes.push(shape(parts));
    const call = parts.find((p) => p.type === "tool-call");
    assert.deepEqual(call, {
      type: "tool-call",
      id: "call_w1",
      name: "weather",
      arguments: { city: "Paris" },
    });
    const start = parts.find((p) => p.type === "tool-call-start");
    assert.deepEqual(start, { type: "tool-call-start", id: "call_w1", name: "weather" });
    const deltas = parts.filter((p) => p.type === "tool-call-delta");
    assert.ok(deltas.every((p) => p.id === "call_w1"));
    const args = deltas.map((p) => p.argumentsDelta);
    assert.deepEqual(JSON.parse(args.join("")), { city: "Paris" });
  }
  const expected = [
    "step-start",
    "text-delta",
    "tool-call-start",
    "tool-call-delta",
    "tool-call",
    "usage",
    "step-finish:tool-calls",
    "finish:tool-calls",
  ];
  for (const s of shapes) assert.deepEqual(s, expected);
});

for (const provider of PROVIDERS) {
  Deno.test(`a two-step tool loop runs end to end through ${provider}`, async () => {
    const { fetch, requests } = fakeFetch([
      BODIES[provider](toolAnswer),
      BODIES[provider](finalAnswer),
    ]);
    const calls: unknown[] = [];
    const stream = streamText({
      model: modelFor(provider, fetch),
      system: "Be brief",
      prompt: "Weather in Paris?",
      tools: weatherTools(calls),
      maxSteps: 5,
    });
    const parts = await collect(stream);
    assert.deepEqual(shape(parts), [
      "step-start",
      "text-delta",
      "tool-call-start",
      "tool-call-delta",
      "tool-call",
      "usage",
      "tool-result",
      "step-finish:tool-calls",
      "step-start",
      "text-delta",
      "usage",
      "step-finish:stop",
      "finish:stop",
    ]);
    assert.deepEqual(calls, [{ args: { city: "Paris" }, id: "call_w1" }]);
    assert.deepEqual(parts.find((p) => p.type === "tool-result"), {
      type: "tool-result",
      id: "call_w1",
      name: "weather",
      arguments: { city: "Paris" },
      result: { sky: "sunny", celsius: 21 },
    });
    const stepFinishes = parts.filter((p) => p.type === "step-finish");
    assert.deepEqual(stepFinishes.map((p) => p.isContinued), [true, false]);
    const result = await stream.result();
    assert.equal(result.text, "Sunny and 21°C.");
    assert.equal(result.steps.length, 2);
    assert.equal(result.steps[0]?.text, "Let me check.");
    assert.deepEqual(result.totalUsage, { inputTokens: 60, outputTokens: 14, totalTokens: 74 });
    assert.equal(result.maxStepsReached, false);
    assert.equal(requests.length, 2);
    // The second request carries the assistant's tool call and the tool's result.
    const second = requests[1]!.body;
    const result_ = '{"sky":"sunny","celsius":21}';
    if (provider === "ollama") {
      assert.deepEqual((second.messages as unknown[]).slice(2), [
        {
          role: "assistant",
          content: "Let me check.",
          tool_calls: [{
            id: "call_w1",
            function: { name: "weather", arguments: { city: "Paris" } },
          }],
        },
        { role: "tool", content: result_, tool_name: "weather", tool_call_id: "call_w1" },
      ]);
    } else if (provider === "openai") {
      assert.deepEqual((second.messages as unknown[]).slice(2), [
        {
          role: "assistant",
          content: "Let me check.",
          tool_calls: [{
            id: "call_w1",
            type: "function",
            function: { name: "weather", arguments: '{"city":"Paris"}' },
          }],
        },
        { role: "tool", tool_call_id: "call_w1", content: result_ },
      ]);
    } else {
      assert.equal(second.system, "Be brief");
      assert.deepEqual(second.messages, [
        { role: "user", content: "Weather in Paris?" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Let me check." },
            { type: "tool_use", id: "call_w1", name: "weather", input: { city: "Paris" } },
          ],
        },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "call_w1", content: result_ }],
        },
      ]);
    }
  });
}

Deno.test("the tool loop stops at maxSteps with tool calls pending", async () => {
  const { fetch, requests } = fakeFetch([BODIES.openai(toolAnswer), BODIES.openai(toolAnswer)]);
  const result = await generateText({
    model: modelFor("openai", fetch),
    prompt: "Weather?",
    tools: weatherTools([]),
    maxSteps: 2,
  });
  assert.equal(requests.length, 2);
  assert.equal(result.steps.length, 2);
  assert.equal(result.finishReason, "tool-calls");
  assert.equal(result.maxStepsReached, true);
  assert.equal(result.steps[0]?.toolResults.length, 1);
  assert.equal(result.toolResults.length, 0);
});

Deno.test("tools without execute end the loop after the first step", async () => {
  const { fetch, requests } = fakeFetch([BODIES.anthropic(toolAnswer)]);
  const result = await generateText({
    model: modelFor("anthropic", fetch),
    prompt: "Weather?",
    tools: { weather: { parameters: { type: "object" } } },
    maxSteps: 4,
  });
  assert.equal(requests.length, 1);
  assert.equal(result.finishReason, "tool-calls");
  assert.equal(result.maxStepsReached, false);
  assert.deepEqual(result.toolCalls, [{
    id: "call_w1",
    name: "weather",
    arguments: { city: "Paris" },
  }]);
});

Deno.test("a throwing tool is sent back to the model as an error result", async () => {
  const { fetch, requests } = fakeFetch([
    BODIES.anthropic(toolAnswer),
    BODIES.anthropic(finalAnswer),
  ]);
  const result = await generateText({
    model: modelFor("anthropic", fetch),
    prompt: "Weather?",
    tools: {
      weather: {
        parameters: { type: "object" },
        execute: () => {
          throw new Error("Station offline");
        },
      },
    },
    maxSteps: 2,
  });
  assert.deepEqual(result.steps[0]?.toolResults, [{
    id: "call_w1",
    name: "weather",
    arguments: { city: "Paris" },
    result: "Station offline",
    isError: true,
  }]);
  const last = (requests[1]!.body.messages as { content: unknown }[]).at(-1);
  assert.deepEqual(last?.content, [{
    type: "tool_result",
    tool_use_id: "call_w1",
    content: "Station offline",
    is_error: true,
  }]);
});

Deno.test("generateText gives the same result shape for every provider", async () => {
  const keys: string[][] = [];
  for (const provider of PROVIDERS) {
    const { fetch } = fakeFetch([BODIES[provider](finalAnswer)]);
    const result = await generateText({ model: modelFor(provider, fetch), prompt: "Hi" });
    assert.equal(result.text, "Sunny and 21°C.");
    assert.equal(result.finishReason, "stop");
    keys.push(Object.keys(result).sort());
    assert.equal(
      result.response.model,
      {
        ollama: "llama3.2",
        openai: "gpt-4o-mini",
        anthropic: "claude-sonnet-4-6",
      }[provider],
    );
    assert.ok(provider in result.providerMetadata);
  }
  assert.deepEqual(keys[0], keys[1]);
  assert.deepEqual(keys[1], keys[2]);
});

Deno.test("an HTTP error is the last part, rejects result() and errors the text stream", async () => {
  for (const provider of PROVIDERS) {
    const error = () =>
      Response.json({ error: { type: "invalid_request_error", message: "Bad model" } }, {
        status: 400,
      });
    let { fetch } = fakeFetch([error]);
    const errors: unknown[] = [];
    const stream = streamText({
      model: modelFor(provider, fetch),
      prompt: "Hi",
      onError: (e) => errors.push(e),
    });
    const parts = await collect(stream.fullStream);
    assert.equal(parts.at(-1)?.type, "error");
    const failure = (parts.at(-1) as { error: unknown }).error;
    assert.ok(failure instanceof HttpError);
    assert.equal(failure.status, 400);
    await assert.rejects(stream.result(), HttpError);
    assert.deepEqual(errors, [failure]);
    ({ fetch } = fakeFetch([error]));
    const text = streamText({ model: modelFor(provider, fetch), prompt: "Hi" }).textStream;
    await assert.rejects(async () => {
      for await (const _ of text) { /* nothing */ }
    }, HttpError);
  }
});

Deno.test("leaving the loop early aborts the request", async () => {
  let cancelled!: () => void;
  const seen = new Promise<void>((resolve) => cancelled = resolve);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(
        encoder.encode(BODIES.openai({ text: ["a"], finish: "stop" }).split("\n\n")[1] + "\n\n"),
      );
    },
    cancel() {
      cancelled();
    },
  });
  const { fetch, requests } = fakeFetch([new Response(body)]);
  const stream = streamText({ model: modelFor("openai", fetch), prompt: "Hi" });
  for await (const part of stream.textStream) {
    assert.equal(part, "a");
    break;
  }
  await seen;
  assert.equal(requests[0]!.signal?.aborted, true);
  await assert.rejects(stream.result(), { name: "AbortError" });
});

Deno.test("cancel() aborts the request and the running tool's signal", async () => {
  let toolSignal: AbortSignal | undefined;
  const { fetch } = fakeFetch([BODIES.ollama(toolAnswer)]);
  let started!: () => void;
  const running = new Promise<void>((resolve) => started = resolve);
  const stream = streamText({
    model: modelFor("ollama", fetch),
    prompt: "Weather?",
    maxSteps: 2,
    tools: {
      weather: {
        parameters: { type: "object" },
        execute: (_args, { signal }) => {
          toolSignal = signal;
          started();
          return new Promise((_, reject) =>
            signal.addEventListener("abort", () => reject(signal.reason))
          );
        },
      },
    },
  });
  const result = stream.result();
  await running;
  await stream.cancel();
  assert.equal(toolSignal?.aborted, true);
  await assert.rejects(result, { name: "AbortError" });
});

Deno.test("the caller's signal and request options reach the client", async () => {
  const { fetch, requests } = fakeFetch([BODIES.openai(finalAnswer)]);
  const controller = new AbortController();
  await streamText({
    model: modelFor("openai", fetch),
    prompt: "Hi",
    signal: controller.signal,
    headers: { "x-trace": "t1" },
  }).text();
  assert.equal(requests[0]!.headers.get("x-trace"), "t1");
  assert.equal(requests[0]!.headers.get("authorization"), "Bearer sk-test");
  const aborted = new AbortController();
  const reason = new Error("Caller gave up");
  aborted.abort(reason);
  const again = fakeFetch([BODIES.openai(finalAnswer)]);
  await assert.rejects(
    streamText({ model: modelFor("openai", again.fetch), prompt: "Hi", signal: aborted.signal })
      .text(),
    (error) => error === reason,
  );
});

Deno.test("callbacks receive every part and the result without a reader", async () => {
  const { fetch } = fakeFetch([BODIES.anthropic(finalAnswer)]);
  const parts: StreamPart[] = [];
  const { promise, resolve } = Promise.withResolvers<string>();
  streamText({
    model: modelFor("anthropic", fetch),
    prompt: "Hi",
    onChunk: (part) => parts.push(part),
    onFinish: (result) => resolve(result.text),
  });
  assert.equal(await promise, "Sunny and 21°C.");
  assert.deepEqual(shape(parts), [
    "step-start",
    "text-delta",
    "usage",
    "step-finish:stop",
    "finish:stop",
  ]);
});

Deno.test("toResponse writes the parts as NDJSON or the text", async () => {
  let { fetch } = fakeFetch([BODIES.ollama(finalAnswer)]);
  const ndjson = await (await streamText({ model: modelFor("ollama", fetch), prompt: "Hi" })
    .toResponse({ format: "ndjson" })).text();
  const types = ndjson.trim().split("\n").map((line) => JSON.parse(line).type);
  assert.deepEqual(types, [
    "step-start",
    "text-delta",
    "text-delta",
    "usage",
    "step-finish",
    "finish",
  ]);
  ({ fetch } = fakeFetch([BODIES.ollama(finalAnswer)]));
  const response = await streamText({ model: modelFor("ollama", fetch), prompt: "Hi" })
    .toResponse({ format: "text" });
  assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(await response.text(), "Sunny and 21°C.");
});

Deno.test("a stream is read once", async () => {
  const { fetch } = fakeFetch([BODIES.ollama(finalAnswer)]);
  const stream = streamText({ model: modelFor("ollama", fetch), prompt: "Hi" });
  const text = stream.textStream;
  assert.throws(() => stream.fullStream, TypeError);
  let all = "";
  for await (const delta of text) all += delta;
  assert.equal(all, await stream.text());
});

Deno.test("streamText rejects bad arguments with TypeError and RangeError", () => {
  const { fetch } = fakeFetch([]);
  const model = modelFor("ollama", fetch);
  assert.throws(() => streamText({ model }), TypeError);
  assert.throws(
    () => streamText({ model: { provider: "ollama", modelId: "x" }, prompt: "Hi" }),
    /must come from ollama\(\), openai\(\), .*anthropic\(\).* gemini\(\)/,
  );
  assert.throws(() => streamText({ model, prompt: "Hi", maxSteps: 0 }), RangeError);
  assert.throws(() => ollama(""), TypeError);
});
