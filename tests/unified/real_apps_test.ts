import assert from "node:assert/strict";
import {
  anthropic,
  gemini,
  generateText,
  hasToolCall,
  type LanguageModel,
  ollama,
  openai,
  stepCountIs,
  type StepResult,
  streamText,
  type StreamTextOptions,
  type ToolSet,
} from "../../src/unified/mod.ts";
import { createMockServer } from "../../src/testing/mod.ts";

type Provider = "ollama" | "openai" | "anthropic" | "gemini";
const PROVIDERS: Provider[] = ["ollama", "openai", "anthropic", "gemini"];

function modelFor(provider: Provider, fetch: typeof globalThis.fetch): LanguageModel {
  const options = { fetch, retryDelay: 1 };
  if (provider === "ollama") return ollama("llama3.2", { ...options, host: "http://mock" });
  if (provider === "openai") {
    return openai("gpt-4.1-mini", { ...options, baseURL: "http://mock/v1", apiKey: "sk" });
  }
  if (provider === "gemini") return gemini("gemini-2.5-flash", { ...options, apiKey: "k" });
  return anthropic("claude-sonnet-4-6", { ...options, baseURL: "http://mock" });
}

type Body = Record<string, unknown>;

/** The names of the tools a request body carries, whatever the provider's shape. */
function toolNames(body: Body): string[] {
  const tools = (body.tools ?? []) as Record<string, unknown>[];
  return tools.flatMap((tool) => {
    if (Array.isArray(tool.functionDeclarations)) {
      return (tool.functionDeclarations as { name: string }[]).map((d) => d.name);
    }
    const fn = tool.function as { name: string } | undefined;
    return [fn?.name ?? tool.name as string];
  });
}

/** The max-tokens field of a request body, whatever the provider's shape. */
function maxTokensOf(body: Body): unknown {
  return (body.options as Body | undefined)?.num_predict ?? body.max_completion_tokens ??
    body.max_tokens ?? (body.generationConfig as Body | undefined)?.maxOutputTokens;
}

const weather = {
  description: "The weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  execute: () => ({ sky: "sunny" }),
};
const time = {
  description: "The time in a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  execute: () => ({ time: "12:00" }),
};

for (const provider of PROVIDERS) {
  Deno.test(`maxOutputTokens reaches the mock's ${provider} API as maxTokens does`, async () => {
    const server = createMockServer();
    const model = modelFor(provider, server.fetch);
    const first = await generateText({ model, prompt: "Hi", maxOutputTokens: 33 });
    await generateText({ model, prompt: "Hi", maxTokens: 33 });
    assert.deepEqual(first.warnings, []);
    const [a, b] = server.requests.map((record) => record.body as Body);
    assert.equal(maxTokensOf(a!), 33);
    assert.deepEqual(a, b);
  });

  Deno.test(`an unknown option is a warning on every step against the mock's ${provider} API`, async () => {
    const server = createMockServer();
    const options = {
      model: modelFor(provider, server.fetch),
      prompt: "Weather in Paris?",
      maxSteps: 2,
      tools: { weather },
      maxOutputTokenz: 5,
      experimental_telemetry: { isEnabled: true },
    } as StreamTextOptions;
    const stream = streamText(options);
    const result = await stream.result();
    const expected = [
      {
        type: "unsupported-setting",
        setting: "maxOutputTokenz",
        details: "The unified API has no option 'maxOutputTokenz': it was not sent",
      },
      {
        type: "unsupported-setting",
        setting: "experimental_telemetry",
        details: "The unified API has no option 'experimental_telemetry': it was not sent",
      },
    ];
    assert.deepEqual(stream.warnings.slice(0, 2), expected);
    assert.equal(result.steps.length, 2);
    for (const step of result.steps) assert.deepEqual(step.warnings.slice(0, 2), expected);
    for (const record of server.requests) {
      const text = JSON.stringify(record.body);
      assert.ok(!text.includes("maxOutputTokenz") && !text.includes("telemetry"));
    }
  });

  Deno.test(`stopWhen hasToolCall ends the loop after the tool ran against the mock's ${provider} API`, async () => {
    const server = createMockServer();
    const steps: StepResult[] = [];
    const stream = streamText({
      model: modelFor(provider, server.fetch),
      prompt: "Weather in Paris?",
      tools: { weather },
      stopWhen: hasToolCall("weather"),
      onStepFinish: (step) => {
        steps.push(step);
      },
    });
    const types: string[] = [];
    for await (const part of stream) {
      types.push(part.type);
      if (part.type === "step-finish") assert.equal(part.isContinued, false);
    }
    const result = await stream.result();
    assert.equal(server.requests.length, 1);
    assert.equal(result.steps.length, 1);
    assert.equal(result.finishReason, "tool-calls");
    assert.equal(result.maxStepsReached, false);
    assert.deepEqual(result.toolResults.map((r) => r.result), [{ sky: "sunny" }]);
    assert.ok(types.includes("tool-result"));
    assert.deepEqual(steps, result.steps);
  });

  Deno.test(`activeTools sends only the step's tools to the mock's ${provider} API`, async () => {
    const server = createMockServer();
    const called: string[] = [];
    const tools: ToolSet = {
      weather: { ...weather, execute: () => (called.push("weather"), { sky: "sunny" }) },
      time: { ...time, execute: () => (called.push("time"), { time: "12:00" }) },
    };
    const result = await generateText({
      model: modelFor(provider, server.fetch),
      prompt: "Time in Paris?",
      maxSteps: 3,
      tools,
      toolChoice: "auto",
      activeTools: (step) => step === 0 ? ["time"] : [],
    });
    assert.equal(server.requests.length, 2);
    const [first, second] = server.requests.map((record) => record.body as Body);
    assert.deepEqual(toolNames(first!), ["time"]);
    assert.deepEqual(toolNames(second!), []);
    assert.equal(second!.tool_choice, undefined);
    assert.deepEqual(called, ["time"]);
    assert.equal(result.steps.length, 2);
  });
}

Deno.test("onStepFinish is awaited before the next step, once a step, with its tool results", async () => {
  const server = createMockServer();
  const log: string[] = [];
  const result = await generateText({
    model: modelFor("openai", server.fetch),
    prompt: "Weather in Paris?",
    maxSteps: 3,
    tools: { weather },
    onStepFinish: async (step) => {
      log.push(
        `finish ${step.finishReason} ${step.toolResults.length} at ${server.requests.length}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  });
  assert.deepEqual(log, ["finish tool-calls 1 at 1", "finish stop 0 at 2"]);
  assert.equal(result.steps.length, 2);
});

Deno.test("an onStepFinish that throws is reported, not the stream's error", async () => {
  const server = createMockServer();
  const reported: unknown[] = [];
  const listener = (event: ErrorEvent) => {
    event.preventDefault();
    reported.push(event.error);
  };
  globalThis.addEventListener("error", listener);
  try {
    const result = await generateText({
      model: modelFor("ollama", server.fetch),
      prompt: "Hi",
      onStepFinish: () => {
        throw new Error("boom");
      },
    });
    assert.equal(result.finishReason, "stop");
  } finally {
    globalThis.removeEventListener("error", listener);
  }
  assert.equal((reported[0] as Error).message, "boom");
});

Deno.test("stepCountIs caps the loop below maxSteps; maxStepsReached stays for maxSteps", async () => {
  const server = createMockServer();
  const model = modelFor("anthropic", server.fetch);
  const capped = await generateText({
    model,
    prompt: "Weather?",
    tools: { weather },
    maxSteps: 5,
    stopWhen: [() => false, stepCountIs(1)],
  });
  assert.equal(capped.steps.length, 1);
  assert.equal(capped.maxStepsReached, false);
  const reached = await generateText({ model, prompt: "Weather?", tools: { weather } });
  assert.equal(reached.maxStepsReached, true);
});

Deno.test("maxTokens and maxOutputTokens that disagree, or a bad stopWhen or activeTools, throw at once", () => {
  const model = modelFor("ollama", createMockServer().fetch);
  assert.throws(
    () => streamText({ model, prompt: "Hi", maxTokens: 1, maxOutputTokens: 2 }),
    {
      name: "TypeError",
      message: "maxTokens and maxOutputTokens are the same option: received 1 and 2",
    },
  );
  assert.throws(() => streamText({ model, prompt: "Hi", stopWhen: [1 as never] }), TypeError);
  assert.throws(() => streamText({ model, prompt: "Hi", activeTools: "x" as never }), TypeError);
});

Deno.test("abortSignal stops the call as signal does, with its reason", async () => {
  const server = createMockServer();
  const controller = new AbortController();
  const stream = streamText({
    model: modelFor("openai", server.fetch),
    prompt: "Tell me a long story",
    abortSignal: controller.signal,
  });
  const reason = new Error("stop");
  await assert.rejects(async () => {
    for await (const part of stream) if (part.type === "text-delta") controller.abort(reason);
  }, (error) => error === reason);
  await assert.rejects(stream.result(), (error) => error === reason);
  assert.equal(server.requests[0]?.state, "aborted");
});

Deno.test("activeTools names that are not in tools are a warning on their step", async () => {
  const server = createMockServer();
  const stream = streamText({
    model: modelFor("openai", server.fetch),
    prompt: "Weather in Paris?",
    maxSteps: 2,
    tools: { weather },
    activeTools: (step) => step === 0 ? ["weather", "wether"] : ["time"],
  });
  const result = await stream.result();
  const warning = (name: string) => ({
    type: "unsupported-setting",
    setting: "activeTools",
    details: `activeTools names '${name}', which is not in tools: it was not sent`,
  });
  assert.deepEqual(stream.warnings, [warning("wether")]);
  assert.deepEqual(result.steps.map((step) => step.warnings), [
    [warning("wether")],
    [warning("time")],
  ]);
  const [first, second] = server.requests.map((record) => record.body as Body);
  assert.deepEqual(toolNames(first!), ["weather"]);
  assert.deepEqual(toolNames(second!), []);
});
