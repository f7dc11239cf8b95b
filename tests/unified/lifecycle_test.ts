import assert from "node:assert/strict";
import {
  anthropic,
  gemini,
  type GenerateTextResult,
  type LanguageModel,
  ollama,
  openai,
  streamObject,
  type StreamPart,
  streamText,
  type ToolSet,
} from "../../src/unified/mod.ts";
import { HttpError } from "../../src/errors/http_error.ts";
import { fromResponse } from "../../src/providers/from_response.ts";
import { type Answer, type AnyProvider, BODIES, fakeFetch } from "./_fakes.ts";

const PROVIDERS: AnyProvider[] = ["ollama", "openai", "anthropic", "gemini", "openai-responses"];

function modelFor(provider: AnyProvider, fetch: typeof globalThis.fetch): LanguageModel {
  const common = { fetch, retryDelay: 1, maxRetries: 0 };
  switch (provider) {
    case "ollama":
      return ollama("llama3.2", common);
    case "openai":
      return openai("gpt-4o-mini", { ...common, apiKey: "sk-test" });
    case "openai-responses":
      return openai("gpt-4.1-mini", { ...common, apiKey: "sk-test", api: "responses" });
    case "anthropic":
      return anthropic("claude-sonnet-4-6", { ...common, apiKey: "sk-ant-test" });
    case "gemini":
      return gemini("gemini-2.5-flash", { ...common, apiKey: "AIza-test" });
  }
}

/** One OpenAI chat chunk as an SSE event. */
function chunk(delta: object, finish: string | null = null): string {
  return `data: ${
    JSON.stringify({
      id: "chatcmpl-1",
      object: "chat.completion.chunk",
      created: 1,
      model: "gpt-4o-mini",
      choices: [{ index: 0, delta, finish_reason: finish }],
    })
  }\n\n`;
}

/** One Anthropic event as an SSE event. */
function event(value: { type: string; [key: string]: unknown }): string {
  return `event: ${value.type}\ndata: ${JSON.stringify(value)}\n\n`;
}

/** An OpenAI body whose tool calls arrive as the given `tool_calls` fragments. */
function openaiToolBody(fragments: object[][]): string {
  return chunk({ role: "assistant", content: "" }) +
    fragments.map((tool_calls) => chunk({ tool_calls })).join("") +
    chunk({}, "tool_calls") + "data: [DONE]\n\n";
}

/**
 * A response whose body sends `text` at once and then stays open until it is
 * cancelled (the HTTP request aborted).
 */
function openResponse(text: string): { response: Response; cancelled: Promise<void> } {
  const { promise, resolve } = Promise.withResolvers<void>();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
    },
    cancel() {
      resolve();
    },
  });
  return { response: new Response(body), cancelled: promise };
}

/** An OpenAI answer that has said "Hello" and stays open. */
function helloThenWait(): { response: Response; cancelled: Promise<void> } {
  return openResponse(
    chunk({ role: "assistant", content: "" }) + chunk({ content: "Hel" }) +
      chunk({ content: "lo" }),
  );
}

/** Lets pending callbacks and settled promises run. */
function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Rejects when `promise` takes longer than `ms` (the timer is always cleared). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Collects the errors `reportError` reports while `body` runs. */
async function reported(body: () => Promise<void>): Promise<unknown[]> {
  const errors: unknown[] = [];
  const listener = (e: Event) => {
    e.preventDefault();
    errors.push((e as ErrorEvent).error);
  };
  globalThis.addEventListener("error", listener);
  try {
    await body();
    await tick();
  } finally {
    globalThis.removeEventListener("error", listener);
  }
  return errors;
}

function callbacksLog() {
  const log = {
    errors: [] as unknown[],
    finishes: [] as GenerateTextResult[],
    aborts: [] as GenerateTextResult[],
  };
  const callbacks = {
    onError: (error: unknown) => void log.errors.push(error),
    onFinish: (result: GenerateTextResult) => void log.finishes.push(result),
    onAbort: (partial: GenerateTextResult) => void log.aborts.push(partial),
  };
  return { log, callbacks };
}

const finalAnswer: Answer = { text: ["Done."], finish: "stop", input: 30, output: 2 };

// --- The canned bodies -------------------------------------------------------

Deno.test("every provider's canned body reads back as the same answer", async () => {
  const answers: Answer[] = [
    { reasoning: "Think", text: ["a", "b"], finish: "stop", input: 7, output: 6 },
    {
      reasoning: "Think",
      text: ["Checking."],
      toolCalls: [
        { id: "call_1", name: "f", args: { x: 1 } },
        { id: "call_2", name: "g", args: {} },
      ],
      finish: "tool",
    },
    { text: ["Hel", "lo"], finish: "length", input: 3, output: 4 },
  ];
  for (const answer of answers) {
    for (const provider of PROVIDERS) {
      const { fetch } = fakeFetch([BODIES[provider](answer)]);
      const result = await streamText({ model: modelFor(provider, fetch), prompt: "Hi" }).result();
      const label = `${provider}: ${JSON.stringify(answer)}`;
      assert.equal(result.text, (answer.text ?? []).join(""), label);
      assert.equal(result.reasoning, answer.reasoning ?? "", label);
      assert.deepEqual(
        result.toolCalls,
        (answer.toolCalls ?? []).map(({ id, name, args }) => ({ id, name, arguments: args })),
        label,
      );
      const finish = { stop: "stop", tool: "tool-calls", length: "length" }[answer.finish];
      assert.equal(result.finishReason, finish, label);
      // The shared counts (Gemini and the Responses API add reasoning and cached counts).
      const { inputTokens, outputTokens, totalTokens } = result.usage;
      const input = answer.input ?? 10;
      const output = answer.output ?? 5;
      assert.deepEqual(
        { inputTokens, outputTokens, totalTokens },
        { inputTokens: input, outputTokens: output, totalTokens: input + output },
        label,
      );
    }
  }
});

// --- The tool loop ---------------------------------------------------------

for (const provider of ["openai", "anthropic", "openai-responses"] as const) {
  Deno.test(`${provider}: a tool call with invalid JSON arguments is not executed; an error result goes back`, async () => {
    const bad = '{"city": Par';
    const first = provider === "openai-responses"
      // The canned call's arguments, "{}", replaced by the broken text in every event.
      ? BODIES[provider]({
        toolCalls: [{ id: "call_b", name: "weather", args: {} }],
        finish: "tool",
      }).replaceAll('"{}"', JSON.stringify(bad))
      : provider === "openai"
      ? openaiToolBody([
        [{
          index: 0,
          id: "call_b",
          type: "function",
          function: { name: "weather", arguments: "" },
        }],
        [{ index: 0, function: { arguments: bad } }],
      ])
      : event({
        type: "message_start",
        message: {
          id: "msg_1",
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-6",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 10, output_tokens: 1 },
        },
      }) +
        event({
          type: "content_block_start",
          index: 0,
          content_block: { type: "tool_use", id: "call_b", name: "weather", input: {} },
        }) +
        event({
          type: "content_block_delta",
          index: 0,
          delta: { type: "input_json_delta", partial_json: bad },
        }) +
        event({ type: "content_block_stop", index: 0 }) +
        event({
          type: "message_delta",
          delta: { stop_reason: "tool_use", stop_sequence: null },
          usage: { output_tokens: 5 },
        }) +
        event({ type: "message_stop" });
    const { fetch, requests } = fakeFetch([first, BODIES[provider](finalAnswer)]);
    let executed = 0;
    const stream = streamText({
      model: modelFor(provider, fetch),
      prompt: "Weather?",
      maxSteps: 2,
      tools: {
        weather: {
          parameters: { type: "object", properties: { city: { type: "string" } } },
          execute: () => {
            executed++;
            return "sunny";
          },
        },
      },
    });
    const parts: StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    assert.equal(executed, 0);
    const call = parts.find((p) => p.type === "tool-call");
    assert.ok(call?.type === "tool-call");
    assert.equal(call.id, "call_b");
    assert.equal(call.arguments, bad);
    assert.equal(typeof call.parseError, "string");
    assert.match(call.parseError!, /Invalid JSON in the arguments of tool call 'weather'/);
    const toolResult = parts.find((p) => p.type === "tool-result");
    assert.deepEqual(toolResult, {
      type: "tool-result",
      id: "call_b",
      name: "weather",
      arguments: bad,
      result: call.parseError,
      isError: true,
    });
    const result = await stream.result();
    assert.equal(result.text, "Done.");
    assert.equal(result.steps.length, 2);
    assert.deepEqual(result.steps[0]?.toolCalls, [{
      id: "call_b",
      name: "weather",
      arguments: bad,
      parseError: call.parseError,
    }]);
    assert.deepEqual(result.steps[0]?.toolResults, [{
      id: "call_b",
      name: "weather",
      arguments: bad,
      result: call.parseError,
      isError: true,
    }]);
    // The parse error is what the model reads back.
    assert.equal(requests.length, 2);
    const messages = requests[1]!.body.messages as Record<string, unknown>[];
    if (provider === "openai-responses") {
      const input = requests[1]!.body.input as Record<string, unknown>[];
      assert.deepEqual(input.at(-1), {
        type: "function_call_output",
        call_id: "call_b",
        output: call.parseError,
      });
    } else if (provider === "openai") {
      assert.deepEqual(messages.slice(1), [
        {
          role: "assistant",
          content: null,
          tool_calls: [{
            id: "call_b",
            type: "function",
            function: { name: "weather", arguments: bad },
          }],
        },
        { role: "tool", tool_call_id: "call_b", content: call.parseError },
      ]);
    } else {
      assert.deepEqual(messages.at(-1), {
        role: "user",
        content: [{
          type: "tool_result",
          tool_use_id: "call_b",
          content: call.parseError,
          is_error: true,
        }],
      });
      // Anthropic requires a tool_use block's input to be an object (a dictionary).
      const assistant = messages.at(-2) as { content: { type: string; input?: unknown }[] };
      const use = assistant.content.find((block) => block.type === "tool_use");
      assert.ok(
        use?.input !== null && typeof use?.input === "object" && !Array.isArray(use.input),
        `tool_use.input must be an object: sent ${JSON.stringify(use?.input)}`,
      );
    }
  });
}

Deno.test("only the call with invalid JSON arguments gets an error result; the others run", async () => {
  const { fetch, requests } = fakeFetch([
    openaiToolBody([
      [{
        index: 0,
        id: "call_ok",
        type: "function",
        function: { name: "f", arguments: '{"x":1}' },
      }],
      [{ index: 1, id: "call_bad", type: "function", function: { name: "f", arguments: "{x:" } }],
    ]),
    BODIES.openai(finalAnswer),
  ]);
  const seen: unknown[] = [];
  const result = await streamText({
    model: modelFor("openai", fetch),
    prompt: "Hi",
    maxSteps: 2,
    tools: {
      f: {
        parameters: { type: "object" },
        execute: (args) => {
          seen.push(args);
          return "ran";
        },
      },
    },
  }).result();
  assert.deepEqual(seen, [{ x: 1 }]);
  const [ok, bad] = result.steps[0]!.toolResults;
  assert.deepEqual(ok, { id: "call_ok", name: "f", arguments: { x: 1 }, result: "ran" });
  assert.equal(bad?.id, "call_bad");
  assert.equal(bad?.isError, true);
  assert.match(String(bad?.result), /^Invalid JSON in the arguments of tool call 'f'/);
  const messages = requests[1]!.body.messages as Record<string, unknown>[];
  assert.deepEqual(messages.slice(-2), [
    { role: "tool", tool_call_id: "call_ok", content: "ran" },
    { role: "tool", tool_call_id: "call_bad", content: bad?.result },
  ]);
});

for (
  const [label, make] of [
    ["a BigInt", () => ({ count: 10n })],
    ["a cycle", () => {
      const value: Record<string, unknown> = { name: "loop" };
      value.self = value;
      return value;
    }],
  ] as const
) {
  Deno.test(`a tool returning ${label} gives an error result, not a TypeError`, async () => {
    const { fetch, requests } = fakeFetch([
      BODIES.openai({
        toolCalls: [{ id: "call_j", name: "count", args: {} }],
        finish: "tool",
      }),
      BODIES.openai(finalAnswer),
    ]);
    const { log, callbacks } = callbacksLog();
    const result = await streamText({
      model: modelFor("openai", fetch),
      prompt: "Count",
      maxSteps: 2,
      tools: { count: { parameters: { type: "object" }, execute: make } },
      ...callbacks,
    }).result();
    assert.equal(result.text, "Done.");
    const toolResult = result.steps[0]?.toolResults[0];
    assert.equal(toolResult?.id, "call_j");
    assert.equal(toolResult?.name, "count");
    assert.equal(toolResult?.isError, true);
    assert.equal(typeof toolResult?.result, "string");
    assert.match(
      toolResult!.result as string,
      /^The result of tool 'count' cannot be sent as JSON: /,
    );
    const messages = requests[1]!.body.messages as Record<string, unknown>[];
    assert.deepEqual(messages.at(-1), {
      role: "tool",
      tool_call_id: "call_j",
      content: toolResult!.result,
    });
    await tick();
    assert.deepEqual(log.errors, []);
    assert.equal(log.finishes.length, 1);
  });
}

Deno.test("aborting the caller's signal settles result() promptly while a tool ignores its signal", async () => {
  const { fetch } = fakeFetch([
    BODIES.ollama({ toolCalls: [{ id: "call_h", name: "hang", args: {} }], finish: "tool" }),
  ]);
  const hung = Promise.withResolvers<string>();
  const started = Promise.withResolvers<AbortSignal>();
  const controller = new AbortController();
  const reason = new Error("The user pressed stop");
  const { log, callbacks } = callbacksLog();
  const stream = streamText({
    model: modelFor("ollama", fetch),
    prompt: "Hang",
    maxSteps: 3,
    signal: controller.signal,
    tools: {
      hang: {
        parameters: { type: "object" },
        // Ignores its signal: only the test's resolve ends it.
        execute: (_args, { signal }) => {
          started.resolve(signal);
          return hung.promise;
        },
      },
    },
    ...callbacks,
  });
  const result = stream.result();
  try {
    const toolSignal = await started.promise;
    controller.abort(reason);
    await within(
      assert.rejects(result, (error) => error === reason),
      1000,
      "result() after the abort",
    );
    assert.equal(toolSignal.aborted, true);
    await tick();
    assert.equal(log.aborts.length, 1);
    assert.deepEqual(log.aborts[0]?.toolResults, []);
    assert.deepEqual(log.aborts[0]?.toolCalls.map((call) => call.id), ["call_h"]);
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.finishes, []);
  } finally {
    hung.resolve("too late");
  }
  await tick();
});

Deno.test("cancel() settles promptly while a tool ignores its signal, and a reader gets the reason", async () => {
  const { fetch } = fakeFetch([
    BODIES.openai({ toolCalls: [{ id: "call_h", name: "hang", args: {} }], finish: "tool" }),
  ]);
  const hung = Promise.withResolvers<string>();
  const started = Promise.withResolvers<void>();
  const stream = streamText({
    model: modelFor("openai", fetch),
    prompt: "Hang",
    maxSteps: 3,
    tools: {
      hang: {
        parameters: { type: "object" },
        execute: () => {
          started.resolve();
          return hung.promise;
        },
      },
    },
  });
  const reason = new Error("Enough");
  try {
    const seen: string[] = [];
    await within(
      assert.rejects(async () => {
        for await (const part of stream) {
          seen.push(part.type);
          if (part.type === "tool-call") {
            // The loop runs the tool once the step's parts are read: cancel while it hangs.
            started.promise.then(() => stream.cancel(reason));
          }
        }
      }, (error) => error === reason),
      1000,
      "the loop after cancel()",
    );
    assert.ok(seen.includes("usage"));
    assert.equal(seen.includes("tool-result"), false);
    await assert.rejects(stream.result(), (error) => error === reason);
  } finally {
    hung.resolve("too late");
  }
  await tick();
});

// --- Stops the caller asked for: onAbort and partial -------------------------

Deno.test("partial gives the answer so far at any moment", async () => {
  const { response, cancelled } = helloThenWait();
  const { fetch } = fakeFetch([response]);
  const stream = streamText({ model: modelFor("openai", fetch), prompt: "Hi" });
  const before = stream.partial;
  assert.equal(before.text, "");
  assert.equal(before.steps.length, 1);
  assert.deepEqual(before.toolCalls, []);
  let text = "";
  for await (const part of stream) {
    if (part.type === "text-delta") text += part.text;
    if (text === "Hello") {
      const partial = stream.partial;
      assert.equal(partial.text, "Hello");
      assert.equal(partial.steps.length, 1);
      assert.equal(partial.steps[0]?.text, "Hello");
      assert.equal(partial.maxStepsReached, false);
      break;
    }
  }
  await cancelled;
  assert.equal(stream.partial.text, "Hello");
});

Deno.test("break: result() rejects with an AbortError, onAbort gets the partial", async () => {
  const { response, cancelled } = helloThenWait();
  const { fetch, requests } = fakeFetch([response]);
  const { log, callbacks } = callbacksLog();
  const stream = streamText({ model: modelFor("openai", fetch), prompt: "Hi", ...callbacks });
  let text = "";
  for await (const part of stream) {
    if (part.type === "text-delta") text += part.text;
    if (text === "Hello") break;
  }
  await cancelled;
  assert.equal(requests[0]!.signal?.aborted, true);
  await assert.rejects(stream.result(), { name: "AbortError" });
  await tick();
  assert.equal(log.aborts.length, 1);
  assert.equal(log.aborts[0]?.text, "Hello");
  assert.equal(stream.partial.text, "Hello");
  assert.deepEqual(log.errors, []);
  assert.deepEqual(log.finishes, []);
});

Deno.test("cancel(reason): result() rejects with the reason, onAbort gets the partial", async () => {
  const { response, cancelled } = helloThenWait();
  const { fetch } = fakeFetch([response]);
  const { log, callbacks } = callbacksLog();
  const stream = streamText({ model: modelFor("openai", fetch), prompt: "Hi", ...callbacks });
  const text: string[] = [];
  const reader = stream.textStream.getReader();
  while (text.join("") !== "Hello") text.push((await reader.read()).value!);
  const reason = new Error("Stop here");
  await stream.cancel(reason);
  await assert.rejects(reader.read(), (error) => error === reason);
  await cancelled;
  await assert.rejects(stream.result(), (error) => error === reason);
  await tick();
  assert.equal(log.aborts.length, 1);
  assert.equal(log.aborts[0]?.text, "Hello");
  assert.deepEqual(log.errors, []);
  assert.deepEqual(log.finishes, []);
});

Deno.test("cancel() inside a for await loop throws an AbortError at the next read", async () => {
  const { response, cancelled } = helloThenWait();
  const { fetch } = fakeFetch([response]);
  const { log, callbacks } = callbacksLog();
  const stream = streamText({ model: modelFor("openai", fetch), prompt: "Hi", ...callbacks });
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const part of stream) {
      seen.push(part.type);
      if (part.type === "text-delta") await stream.cancel();
    }
  }, { name: "AbortError" });
  assert.deepEqual(seen, ["step-start", "text-delta"]);
  await cancelled;
  await assert.rejects(stream.result(), { name: "AbortError" });
  await tick();
  assert.equal(log.aborts.length, 1);
  // What had arrived by the stop: "Hel", or "Hello" when both deltas came in one read.
  assert.ok(["Hel", "Hello"].includes(log.aborts[0]!.text), log.aborts[0]!.text);
  assert.deepEqual(log.errors, []);
});

for (const option of ["signal", "abortSignal"] as const) {
  Deno.test(`the caller's ${option}: the reader and result() get its reason, onAbort the partial`, async () => {
    const { response, cancelled } = helloThenWait();
    const { fetch } = fakeFetch([response]);
    const { log, callbacks } = callbacksLog();
    const controller = new AbortController();
    const reason = new Error("Navigated away");
    const stream = streamText({
      model: modelFor("openai", fetch),
      prompt: "Hi",
      [option]: controller.signal,
      ...callbacks,
    });
    let text = "";
    await assert.rejects(async () => {
      for await (const part of stream) {
        if (part.type === "text-delta") text += part.text;
        if (text === "Hello") controller.abort(reason);
      }
    }, (error) => error === reason);
    await cancelled;
    await assert.rejects(stream.result(), (error) => error === reason);
    await tick();
    assert.equal(log.aborts.length, 1);
    assert.equal(log.aborts[0]?.text, "Hello");
    assert.equal(stream.partial.text, "Hello");
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.finishes, []);
  });
}

Deno.test("a stop in the second step: onAbort's partial has the finished first step", async () => {
  const { response, cancelled } = helloThenWait();
  const { fetch } = fakeFetch([
    BODIES.openai({ toolCalls: [{ id: "call_1", name: "t", args: { a: 1 } }], finish: "tool" }),
    response,
  ]);
  const { log, callbacks } = callbacksLog();
  const stream = streamText({
    model: modelFor("openai", fetch),
    prompt: "Hi",
    maxSteps: 3,
    tools: { t: { parameters: { type: "object" }, execute: () => "ok" } },
    ...callbacks,
  });
  let text = "";
  for await (const part of stream) {
    if (part.type === "text-delta") text += part.text;
    if (text === "Hello") break;
  }
  await cancelled;
  await assert.rejects(stream.result(), { name: "AbortError" });
  await tick();
  assert.equal(log.aborts.length, 1);
  const partial = log.aborts[0]!;
  assert.equal(partial.steps.length, 2);
  assert.deepEqual(partial.steps[0]?.toolResults, [
    { id: "call_1", name: "t", arguments: { a: 1 }, result: "ok" },
  ]);
  assert.equal(partial.steps[0]?.finishReason, "tool-calls");
  assert.equal(partial.text, "Hello");
  assert.deepEqual(partial.totalUsage, { inputTokens: 10, outputTokens: 5, totalTokens: 15 });
  assert.deepEqual(log.finishes, []);
});

Deno.test("await using: leaving the block stops the stream and calls onAbort", async () => {
  const { response, cancelled } = helloThenWait();
  const { fetch } = fakeFetch([response]);
  const { log, callbacks } = callbacksLog();
  let kept: ReturnType<typeof streamText> | undefined;
  {
    await using stream = streamText({
      model: modelFor("openai", fetch),
      prompt: "Hi",
      ...callbacks,
    });
    kept = stream;
    const reader = stream.textStream.getReader();
    assert.equal((await reader.read()).value, "Hel");
    reader.releaseLock();
  }
  await cancelled;
  await assert.rejects(kept.result(), { name: "AbortError" });
  await tick();
  assert.equal(log.aborts.length, 1);
  assert.equal(log.aborts[0]?.text.startsWith("Hel"), true);
  assert.deepEqual(log.errors, []);
});

// --- Failures: onError once, never onFinish ---------------------------------

Deno.test("onError is called once for an HTTP error, and onFinish never", async () => {
  for (const provider of PROVIDERS) {
    const { fetch } = fakeFetch([
      () => Response.json({ error: { message: "Bad model" } }, { status: 400 }),
    ]);
    const { log, callbacks } = callbacksLog();
    const stream = streamText({ model: modelFor(provider, fetch), prompt: "Hi", ...callbacks });
    const parts: StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    assert.equal(parts.at(-1)?.type, "error", provider);
    await assert.rejects(stream.result(), HttpError, provider);
    await tick();
    assert.equal(log.errors.length, 1, provider);
    assert.ok(log.errors[0] instanceof HttpError, provider);
    assert.equal(log.errors[0], (parts.at(-1) as { error: unknown }).error, provider);
    assert.deepEqual(log.finishes, [], provider);
    assert.deepEqual(log.aborts, [], provider);
  }
});

Deno.test("a mid-stream failure calls onError once and never onFinish", async () => {
  const encoder = new TextEncoder();
  let pulls = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      // The first read gets "Hel", the next one a broken connection.
      if (pulls++ === 0) controller.enqueue(encoder.encode(chunk({ content: "Hel" })));
      else controller.error(new TypeError("connection reset"));
    },
  });
  const { fetch } = fakeFetch([new Response(body)]);
  const { log, callbacks } = callbacksLog();
  const texts: string[] = [];
  const stream = streamText({
    model: modelFor("openai", fetch),
    prompt: "Hi",
    onText: (text) => texts.push(text),
    ...callbacks,
  });
  await assert.rejects(stream.result(), { name: "IncompleteStreamError" });
  await tick();
  assert.deepEqual(texts, ["Hel"]);
  assert.equal(log.errors.length, 1);
  assert.equal((log.errors[0] as Error).name, "IncompleteStreamError");
  assert.deepEqual(log.finishes, []);
  assert.deepEqual(log.aborts, []);
  assert.equal(stream.partial.text, "Hel");
});

Deno.test("a failure in the second step calls onError once and never onFinish", async () => {
  const { fetch } = fakeFetch([
    BODIES.anthropic({ toolCalls: [{ id: "call_1", name: "t", args: {} }], finish: "tool" }),
    () => Response.json({ error: { message: "Overloaded" } }, { status: 400 }),
  ]);
  const { log, callbacks } = callbacksLog();
  const stream = streamText({
    model: modelFor("anthropic", fetch),
    prompt: "Hi",
    maxSteps: 3,
    tools: { t: { parameters: { type: "object" }, execute: () => "ok" } },
    ...callbacks,
  });
  const types: string[] = [];
  for await (const part of stream.fullStream) types.push(part.type);
  assert.deepEqual(types.slice(-3), ["step-finish", "step-start", "error"]);
  await assert.rejects(stream.result(), HttpError);
  await tick();
  assert.equal(log.errors.length, 1);
  assert.ok(log.errors[0] instanceof HttpError);
  assert.deepEqual(log.finishes, []);
});

Deno.test("an exception in a callback is reported, never passed to onError", async () => {
  const { log, callbacks } = callbacksLog();
  let result: GenerateTextResult | undefined;
  const errors = await reported(async () => {
    const { fetch } = fakeFetch([BODIES.ollama({ text: ["Hel", "lo"], finish: "stop" })]);
    const stream = streamText({
      model: modelFor("ollama", fetch),
      prompt: "Hi",
      ...callbacks,
      onChunk: (part) => {
        if (part.type === "step-start") throw new Error("onChunk broke");
      },
      onText: () => {
        throw new Error("onText broke");
      },
      onFinish: (value) => {
        callbacks.onFinish(value);
        throw new Error("onFinish broke");
      },
    });
    result = await stream.result();
  });
  assert.equal(result?.text, "Hello");
  assert.deepEqual(errors.map((e) => (e as Error).message), [
    "onChunk broke",
    "onText broke",
    "onText broke",
    "onFinish broke",
  ]);
  assert.deepEqual(log.errors, []);
  assert.equal(log.finishes.length, 1);
});

Deno.test("an exception in onError is reported, and onError is not called again", async () => {
  let calls = 0;
  const errors = await reported(async () => {
    const { fetch } = fakeFetch([
      () => Response.json({ error: { message: "Bad" } }, { status: 400 }),
    ]);
    const stream = streamText({
      model: modelFor("openai", fetch),
      prompt: "Hi",
      onError: () => {
        calls++;
        throw new Error("onError broke");
      },
    });
    await assert.rejects(stream.result(), HttpError);
  });
  assert.equal(calls, 1);
  assert.deepEqual(errors.map((e) => (e as Error).message), ["onError broke"]);
});

// --- Consumers ---------------------------------------------------------------

Deno.test("taking textStream without reading it: result() resolves, the text stream still has it all", async () => {
  for (const provider of PROVIDERS) {
    const { fetch } = fakeFetch([BODIES[provider]({ text: ["Hel", "lo", "!"], finish: "stop" })]);
    const stream = streamText({ model: modelFor(provider, fetch), prompt: "Hi" });
    const text = stream.textStream;
    const result = await within(stream.result(), 1000, `${provider}: result()`);
    assert.equal(result.text, "Hello!", provider);
    const deltas: string[] = [];
    for await (const delta of text) deltas.push(delta);
    assert.deepEqual(deltas, ["Hel", "lo", "!"], provider);
  }
});

Deno.test("result() while textStream is mid-read: every delta still arrives, in order", async () => {
  // result() makes the stream read ahead into its queue. textStream skips the reasoning and usage
  // parts, so a read in flight may take several parts of the step: it must answer first.
  const answer: Answer = { reasoning: "Think", text: ["a", "b", "c", "d"], finish: "stop" };
  for (const provider of PROVIDERS) {
    for (let at = 0; at <= 4; at++) {
      for (const inFlight of [false, true]) {
        const { fetch } = fakeFetch([BODIES[provider](answer)]);
        const stream = streamText({ model: modelFor(provider, fetch), prompt: "Hi" });
        const iterator = stream.textStream[Symbol.asyncIterator]();
        const deltas: string[] = [];
        for (let i = 0; i < at; i++) {
          const read = await iterator.next();
          if (!read.done) deltas.push(read.value);
        }
        const next = inFlight ? iterator.next() : undefined;
        const result = await within(stream.result(), 1000, `${provider}: result()`);
        if (next !== undefined) {
          const read = await next;
          if (!read.done) deltas.push(read.value);
        }
        for (let read = await iterator.next(); !read.done; read = await iterator.next()) {
          deltas.push(read.value);
        }
        const label = `${provider}: result() after ${at} deltas${
          inFlight ? " + one in flight" : ""
        }`;
        assert.deepEqual(deltas, ["a", "b", "c", "d"], label);
        assert.equal(result.text, "abcd", label);
      }
    }
  }
});

Deno.test("tee() with neither branch read: result() resolves, both branches have every part", async () => {
  for (const provider of PROVIDERS) {
    const { fetch } = fakeFetch([BODIES[provider]({ text: ["Hel", "lo"], finish: "stop" })]);
    const stream = streamText({ model: modelFor(provider, fetch), prompt: "Hi" });
    const [a, b] = stream.tee();
    assert.equal((await within(stream.result(), 1000, `${provider}: result()`)).text, "Hello");
    const texts = await Promise.all([a, b].map(async (branch) => {
      let text = "";
      for await (const part of branch) if (part.type === "text-delta") text += part.text;
      return text;
    }));
    assert.deepEqual(texts, ["Hello", "Hello"], provider);
  }
});

Deno.test("parts gives only the normalized content parts", async () => {
  const { fetch } = fakeFetch([
    BODIES.anthropic({
      text: ["Hi"],
      toolCalls: [{ id: "call_1", name: "t", args: { a: 1 } }],
      finish: "tool",
    }),
    BODIES.anthropic(finalAnswer),
  ]);
  const stream = streamText({
    model: modelFor("anthropic", fetch),
    prompt: "Hi",
    maxSteps: 2,
    tools: { t: { parameters: { type: "object" }, execute: () => "ok" } },
  });
  const types = new Set<string>();
  for await (const part of stream.parts) types.add(part.type);
  for (const type of ["step-start", "step-finish", "tool-result", "error"]) {
    assert.equal(types.has(type), false, type);
  }
  assert.ok(types.has("text-delta"));
  assert.ok(types.has("tool-call"));
  assert.equal((await stream.result()).text, "Done.");
});

Deno.test("stream.response is the first step's status and headers, as soon as they arrive", async () => {
  const first = openResponse(chunk({ role: "assistant", content: "" }));
  const body = first.response.body!;
  const { fetch, requests } = fakeFetch([
    new Response(body, { status: 200, statusText: "OK", headers: { "x-step": "1" } }),
  ]);
  const stream = streamText({ model: modelFor("openai", fetch), prompt: "Hi" });
  const info = await within(stream.response, 1000, "stream.response");
  assert.deepEqual(Object.keys(info).sort(), ["headers", "status", "statusText", "url"]);
  assert.equal(info.status, 200);
  assert.equal(info.statusText, "OK");
  assert.equal(info.headers.get("x-step"), "1");
  assert.equal(typeof info.url, "string");
  await stream.cancel();
  assert.equal(requests[0]!.signal?.aborted, true);
  await assert.rejects(stream.result(), { name: "AbortError" });
  // The canned fetch ignores the signal (a real fetch ends the body on abort): release it here.
  if (!body.locked) await body.cancel();
  await first.cancelled;
});

Deno.test("stream.response stays the first step's; each step's response is in result.steps", async () => {
  const { fetch } = fakeFetch([
    new Response(
      BODIES.openai({ toolCalls: [{ id: "call_1", name: "t", args: {} }], finish: "tool" }),
      { headers: { "x-step": "1" } },
    ),
    new Response(BODIES.openai(finalAnswer), { status: 201, headers: { "x-step": "2" } }),
  ]);
  const stream = streamText({
    model: modelFor("openai", fetch),
    prompt: "Hi",
    maxSteps: 2,
    tools: { t: { parameters: { type: "object" }, execute: () => "ok" } },
  });
  const result = await stream.result();
  const info = await stream.response;
  assert.equal(info.status, 200);
  assert.equal(info.headers.get("x-step"), "1");
  assert.equal(result.steps[0]?.response.headers.get("x-step"), "1");
  assert.equal(result.steps[0]?.response.id, "chatcmpl-1");
  assert.equal(result.steps[0]?.response.model, "gpt-4o-mini");
  assert.equal(result.steps[1]?.response.status, 201);
  assert.equal(result.steps[1]?.response.headers.get("x-step"), "2");
  assert.equal(result.response.status, 201);
  assert.equal(result.response.headers.get("x-step"), "2");
});

// --- Usage -------------------------------------------------------------------

Deno.test("Anthropic usage: input counts cache reads and writes, cachedInputTokens the reads", async () => {
  const body = event({
    type: "message_start",
    message: {
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-6",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: 10,
        cache_creation_input_tokens: 5,
        cache_read_input_tokens: 20,
        output_tokens: 1,
      },
    },
  }) +
    event({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }) +
    event({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } }) +
    event({ type: "content_block_stop", index: 0 }) +
    event({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: 7 },
    }) +
    event({ type: "message_stop" });
  const { fetch } = fakeFetch([body]);
  const stream = streamText({ model: modelFor("anthropic", fetch), prompt: "Hi" });
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  const usage = { inputTokens: 35, outputTokens: 7, totalTokens: 42, cachedInputTokens: 20 };
  assert.deepEqual(parts.find((p) => p.type === "usage"), { type: "usage", usage });
  const result = await stream.result();
  assert.deepEqual(result.usage, usage);
  assert.deepEqual(result.totalUsage, usage);
  assert.deepEqual(result.steps[0]?.usage, usage);
  assert.equal(result.providerMetadata.anthropic?.cacheCreationInputTokens, 5);
  assert.equal(result.providerMetadata.anthropic?.cacheReadInputTokens, 20);
});

Deno.test("OpenAI usage: cached and reasoning tokens, only the reported fields", async () => {
  const usageChunk = `data: ${
    JSON.stringify({
      id: "chatcmpl-1",
      object: "chat.completion.chunk",
      created: 1,
      model: "gpt-4o-mini",
      choices: [],
      usage: {
        prompt_tokens: 50,
        completion_tokens: 20,
        total_tokens: 70,
        prompt_tokens_details: { cached_tokens: 30 },
        completion_tokens_details: { reasoning_tokens: 12 },
      },
    })
  }\n\n`;
  const { fetch } = fakeFetch([
    chunk({ content: "Hi" }, "stop") + usageChunk + "data: [DONE]\n\n",
    chunk({ content: "Hi" }, "stop") + "data: [DONE]\n\n",
  ]);
  const result = await streamText({ model: modelFor("openai", fetch), prompt: "Hi" }).result();
  assert.deepEqual(result.usage, {
    inputTokens: 50,
    outputTokens: 20,
    totalTokens: 70,
    cachedInputTokens: 30,
    reasoningTokens: 12,
  });
  // No usage reported: no fields at all.
  const bare = await streamText({ model: modelFor("openai", fetch), prompt: "Hi" }).result();
  assert.deepEqual(bare.usage, {});
  assert.deepEqual(bare.totalUsage, {});
});

// --- Part order --------------------------------------------------------------

Deno.test("Anthropic: each tool-call part comes at its block's stop, before the next call starts", async () => {
  const { fetch } = fakeFetch([
    BODIES.anthropic({
      toolCalls: [
        { id: "call_1", name: "a", args: { n: 1 } },
        { id: "call_2", name: "b", args: { n: 2 } },
      ],
      finish: "tool",
    }),
  ]);
  const parts: StreamPart[] = [];
  for await (const part of streamText({ model: modelFor("anthropic", fetch), prompt: "Hi" })) {
    parts.push(part);
  }
  assert.deepEqual(parts.map((p) => "id" in p ? `${p.type}:${p.id}` : p.type), [
    "step-start",
    "tool-call-start:call_1",
    "tool-call-delta:call_1",
    "tool-call:call_1",
    "tool-call-start:call_2",
    "tool-call-delta:call_2",
    "tool-call:call_2",
    "usage",
    "step-finish",
    "finish",
  ]);
});

// --- OpenAI-compatible drift -------------------------------------------------

const executeAll = (seen: unknown[]): ToolSet => ({
  f: { parameters: { type: "object" }, execute: (args, { id }) => void seen.push({ id, args }) },
  g: { parameters: { type: "object" }, execute: (args, { id }) => void seen.push({ id, args }) },
});

for (
  const [label, fragments, expected] of [
    [
      "fragments without index",
      [
        [{ id: "call_a", type: "function", function: { name: "f", arguments: "" } }],
        [{ function: { arguments: '{"x":1}' } }],
      ],
      [{ id: "call_a", name: "f", arguments: { x: 1 } }],
    ],
    [
      "the id and name repeated on every fragment",
      [
        [{ index: 0, id: "call_a", type: "function", function: { name: "f", arguments: "" } }],
        [{ index: 0, id: "call_a", type: "function", function: { name: "f", arguments: '{"x"' } }],
        [{ index: 0, id: "call_a", function: { name: "f", arguments: ":1}" } }],
      ],
      [{ id: "call_a", name: "f", arguments: { x: 1 } }],
    ],
    [
      "the id repeated on fragments without index",
      [
        [{ id: "call_a", type: "function", function: { name: "f", arguments: '{"x"' } }],
        [{ id: "call_a", function: { arguments: ":1}" } }],
      ],
      [{ id: "call_a", name: "f", arguments: { x: 1 } }],
    ],
    [
      "interleaved indices",
      [
        [{ index: 0, id: "call_a", type: "function", function: { name: "f", arguments: "" } }],
        [{ index: 1, id: "call_b", type: "function", function: { name: "g", arguments: "" } }],
        [{ index: 0, function: { arguments: '{"x":' } }],
        [{ index: 1, function: { arguments: '{"y":' } }],
        [{ index: 1, function: { arguments: "2}" } }],
        [{ index: 0, function: { arguments: "1}" } }],
      ],
      [
        { id: "call_a", name: "f", arguments: { x: 1 } },
        { id: "call_b", name: "g", arguments: { y: 2 } },
      ],
    ],
    [
      "whole calls without index in one chunk",
      [
        [
          { id: "call_a", type: "function", function: { name: "f", arguments: '{"x":1}' } },
          { id: "call_b", type: "function", function: { name: "g", arguments: '{"y":2}' } },
        ],
      ],
      [
        { id: "call_a", name: "f", arguments: { x: 1 } },
        { id: "call_b", name: "g", arguments: { y: 2 } },
      ],
    ],
  ] as const
) {
  Deno.test(`OpenAI drift: ${label} give exactly the calls sent, in parts and result`, async () => {
    const { fetch, requests } = fakeFetch([
      openaiToolBody(fragments as unknown as object[][]),
      BODIES.openai(finalAnswer),
    ]);
    const seen: unknown[] = [];
    const stream = streamText({
      model: modelFor("openai", fetch),
      prompt: "Hi",
      maxSteps: 2,
      tools: executeAll(seen),
    });
    const parts: StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    const calls = expected as unknown as { id: string; name: string; arguments: unknown }[];
    assert.deepEqual(
      parts.filter((p) => p.type === "tool-call"),
      calls.map((call) => ({ type: "tool-call", ...call })),
    );
    assert.deepEqual(
      parts.filter((p) => p.type === "tool-call-start"),
      calls.map(({ id, name }) => ({ type: "tool-call-start", id, name })),
    );
    for (const call of calls) {
      const text = parts.flatMap((p) =>
        p.type === "tool-call-delta" && p.id === call.id ? [p.argumentsDelta] : []
      ).join("");
      assert.deepEqual(JSON.parse(text), call.arguments);
    }
    assert.deepEqual(seen, calls.map((call) => ({ id: call.id, args: call.arguments })));
    const result = await stream.result();
    assert.deepEqual(result.steps[0]?.toolCalls, calls);
    assert.deepEqual(
      result.steps[0]?.toolResults.map((r) => r.id),
      calls.map((call) => call.id),
    );
    const sent = (requests[1]!.body.messages as { tool_calls?: unknown[] }[])[1]?.tool_calls;
    assert.deepEqual(
      sent,
      calls.map((call) => ({
        id: call.id,
        type: "function",
        function: { name: call.name, arguments: JSON.stringify(call.arguments) },
      })),
    );
  });
}

Deno.test("a handler object works in streamText, streamObject and fromResponse as in a client call", async () => {
  const seen: string[] = [];
  const handler = {
    prefix: "handler",
    onText(this: { prefix: string }, text: string) {
      seen.push(`${this.prefix}:${text}`);
    },
    onFinish() {
      seen.push("finish");
    },
  };
  const { fetch } = fakeFetch([
    BODIES.ollama({ text: ["Hel", "lo"], finish: "stop" }),
    BODIES.ollama({ text: ['{"a":', "1}"], finish: "stop" }),
  ]);
  const model = modelFor("ollama", fetch);
  const stream = streamText({ model, prompt: "Hi", handler });
  assert.equal((await stream.result()).text, "Hello");
  assert.deepEqual(stream.warnings, [], "handler is an option of streamText, not an unknown one");
  const object = streamObject({ model, prompt: "Hi", schema: { type: "object" }, handler });
  assert.deepEqual(await object.object(), { a: 1 });
  const back = fromResponse(
    await streamText({
      model: modelFor(
        "ollama",
        fakeFetch([
          BODIES.ollama({ text: ["Bye"], finish: "stop" }),
        ]).fetch,
      ),
      prompt: "Hi",
    }).toResponse(),
    { handler },
  );
  assert.equal(await back.text(), "Bye");
  assert.deepEqual(seen, [
    "handler:Hel",
    "handler:lo",
    "finish",
    'handler:{"a":',
    "handler:1}",
    "finish",
    "handler:Bye",
    "finish",
  ]);
});
