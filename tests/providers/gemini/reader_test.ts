/**
 * What Gemini's reader makes of a text part with other keys, of a function
 * call whose `args` is not a JSON object, and of an event carrying both a
 * finish reason and usage: the provider client, the unified model and the
 * UI message stream must all say the same thing.
 */
import assert from "node:assert/strict";
import { Anthropic, OpenAI } from "../../../mod.ts";
import { Gemini } from "../../../src/providers/gemini/mod.ts";
import { gemini, streamText } from "../../../src/unified/mod.ts";
import type { ContentPart } from "../../../src/shared/types.ts";
import { assertPartsAgree, collectParts } from "../../_parts.ts";
import { BODIES, fakeFetch as cannedFetch } from "../../unified/_fakes.ts";
import { fakeFetch } from "../anthropic/_helpers.ts";
import { sseBody, transcripts } from "./_transcripts.ts";

type Json = Record<string, unknown>;

const MODEL = "gemini-2.5-flash";
const OPENAI_TESTDATA = new URL("../../testdata/openai-responses/", import.meta.url);
const contents = [{ role: "user" as const, parts: [{ text: "What is in the clip?" }] }];
const common = { modelVersion: MODEL, responseId: "rsp-audit-1" };
const candidate = (parts: Json[], extra: Json = {}) => ({
  candidates: [{ content: { parts, role: "model" }, index: 0, ...extra }],
});
const bytes = (events: readonly unknown[]) => new TextEncoder().encode(sseBody(events));

/** A Gemini client that answers every request with `events`. */
const client = (events: readonly unknown[]) => new Gemini({ fetch: fakeFetch([bytes(events)]) });

const META = { source: "clip-1", confidence: 0.9 };
const SIGNATURE = "CiQB0e2Kb7m3xQ4v1l2yH8ZpS0aJ9dE5fW6gT3uR1cV2bN4kYhEK";

/** Text and thought parts carrying `partMetadata` beside plain ones. */
const withMetadata = [
  {
    ...candidate([{ text: "Looking at the clip.", thought: true, partMetadata: META }]),
    usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 },
    ...common,
  },
  {
    ...candidate([{ text: "The clip shows " }]),
    usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 },
    ...common,
  },
  {
    ...candidate([{ text: "a cat", partMetadata: META }]),
    usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 },
    ...common,
  },
  {
    ...candidate([{ text: " on a sofa." }], { finishReason: "STOP" }),
    usageMetadata: {
      promptTokenCount: 7,
      candidatesTokenCount: 8,
      thoughtsTokenCount: 5,
      totalTokenCount: 20,
    },
    ...common,
  },
];

Deno.test("a Gemini text part with other keys is text, its keys kept on the assembled part", async () => {
  const stream = client(withMetadata).generateContent({ model: MODEL, contents });
  const { parts } = await collectParts(stream);
  const result = await stream.result();
  assertPartsAgree(parts, result);
  assert.equal(result.text, "The clip shows a cat on a sofa.");
  assert.equal(result.reasoning, "Looking at the clip.");
  assert.deepEqual(parts.filter((part) => part.type === "raw"), []);
  // As Gemini sent it: only the plain pieces are joined.
  assert.deepEqual(result.content, {
    role: "model",
    parts: [
      { text: "Looking at the clip.", thought: true, partMetadata: META },
      { text: "The clip shows " },
      { text: "a cat", partMetadata: META },
      { text: " on a sofa." },
    ],
  });
});

Deno.test("a Gemini text part with other keys: unified text, parts and response.messages agree", async () => {
  const provider = await client(withMetadata).generateContent({ model: MODEL, contents }).result();
  const fetch = () => Promise.resolve(new Response(sseBody(withMetadata)));
  const stream = streamText({ model: gemini(MODEL, { fetch }), prompt: "What is in the clip?" });
  let text = "";
  let reasoning = "";
  for await (const part of stream) {
    if (part.type === "text-delta") text += part.text;
    if (part.type === "reasoning-delta") reasoning += part.text;
  }
  const result = await stream.result();
  assert.equal(result.text, provider.text);
  assert.equal(text, provider.text);
  assert.equal(result.reasoning, provider.reasoning);
  assert.equal(reasoning, provider.reasoning);
  const [message] = result.response.messages;
  assert.equal(message?.role, "assistant");
  const content = message.content as { type: string; text?: string }[];
  assert.deepEqual(content.map(({ type, text }) => ({ type, text })), [
    { type: "reasoning", text: "Looking at the clip." },
    { type: "text", text: "The clip shows " },
    { type: "text", text: "a cat" },
    { type: "text", text: " on a sofa." },
  ]);
  const said = content.filter((part) => part.type === "text").map((part) => part.text).join("");
  assert.equal(said, result.text);
  const metadata = result.steps[0]!.providerMetadata.gemini as { content: unknown };
  assert.deepEqual(metadata.content, provider.content);
});

/** Calls whose `args` is present but not a JSON object, and one without `args`. */
const BAD_ARGS: [unknown, string][] = [
  ["Lisbon", "a string"],
  [["Lisbon"], "an array"],
  [3, "a number"],
  [null, "null"],
];

Deno.test("a Gemini function call whose args is not a JSON object is marked with a parseError", async () => {
  const calls = [
    ...BAD_ARGS.map(([args], i) => ({
      functionCall: { id: `fc-${i}`, name: "get_weather", args },
    })),
    { functionCall: { id: "fc-none", name: "now" } },
  ];
  const stream = client([{
    ...candidate(calls, { finishReason: "STOP" }),
    usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 30, totalTokenCount: 39 },
    ...common,
  }]).generateContent({ model: MODEL, contents });
  const { parts } = await collectParts(stream);
  const result = await stream.result();
  assertPartsAgree(parts, result);
  const toolCalls = parts.filter((part) => part.type === "tool-call");
  assert.deepEqual(toolCalls, [
    ...BAD_ARGS.map(([args, kind], i) => ({
      type: "tool-call",
      id: `fc-${i}`,
      name: "get_weather",
      arguments: args,
      parseError:
        `The arguments of tool call 'get_weather' are not a JSON object: Gemini sent ${kind}`,
    })),
    { type: "tool-call", id: "fc-none", name: "now", arguments: {} },
  ]);
  assert.equal(result.toolCalls[4]!.parseError, undefined);
  assert.equal(result.finishReason, "tool-calls");
  // The turn as received.
  assert.deepEqual(result.content.parts, calls);
});

Deno.test("streamText does not run a tool whose Gemini args is not an object, and answers with an error", async () => {
  const executed: unknown[] = [];
  const { fetch, requests } = cannedFetch([
    sseBody([{
      ...candidate([{
        functionCall: { id: "fc-1", name: "get_weather", args: "Lisbon" },
        thoughtSignature: SIGNATURE,
      }], { finishReason: "STOP" }),
      usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 5, totalTokenCount: 14 },
      ...common,
    }]),
    sseBody(transcripts.find((t) => t.name === "text")!.events),
  ]);
  const result = await streamText({
    model: gemini(MODEL, { fetch }),
    prompt: "Weather in Lisbon?",
    tools: {
      get_weather: {
        parameters: { type: "object", properties: { city: { type: "string" } } },
        execute: (args) => {
          executed.push(args);
          return { celsius: 21 };
        },
      },
    },
    maxSteps: 2,
  }).result();
  assert.deepEqual(executed, []);
  const message =
    "The arguments of tool call 'get_weather' are not a JSON object: Gemini sent a string";
  const [first] = result.steps;
  assert.equal(first?.toolCalls[0]?.parseError, message);
  assert.deepEqual(
    first?.toolResults.map(({ id, result, isError }) => ({ id, result, isError })),
    [{ id: "fc-1", result: message, isError: true }],
  );
  assert.equal(requests.length, 2);
  const sent = requests[1]!.body.contents as Json[];
  // The turn goes back with its signature, the unusable arguments as the object Gemini takes.
  assert.deepEqual(sent[1], {
    role: "model",
    parts: [{
      functionCall: { id: "fc-1", name: "get_weather", args: {} },
      thoughtSignature: SIGNATURE,
    }],
  });
  assert.deepEqual(sent[2], {
    role: "user",
    parts: [{
      functionResponse: { id: "fc-1", name: "get_weather", response: { error: message } },
    }],
  });
  assert.equal(result.finishReason, "stop");
});

/** The indexes of an event's usage and finish parts: usage first, the finish last. */
function assertUsageBeforeFinish(parts: ContentPart[], label: string): void {
  const finish = parts.findIndex((part) => part.type === "finish");
  const usage = parts.findLastIndex((part) => part.type === "usage");
  assert.ok(finish >= 0 && usage >= 0, `${label}: a usage and a finish`);
  assert.ok(usage < finish, `${label}: the usage comes before the finish`);
  assert.equal(finish, parts.length - 1, `${label}: the finish is the last part`);
}

Deno.test("Gemini emits an event's usage before its finish, a blocked prompt's too", async () => {
  for (const name of ["text", "thoughts-then-text", "max-tokens", "blocked-prompt"]) {
    const transcript = transcripts.find((t) => t.name === name)!;
    const stream = client(transcript.events).generateContent({ model: MODEL, contents });
    const { parts } = await collectParts(stream);
    assertPartsAgree(parts, await stream.result(), name);
    assertUsageBeforeFinish(parts, name);
  }
});

/** The UI message stream's `finish` chunk of a response. */
async function finishChunk(response: Response): Promise<Json> {
  const events = (await response.text()).trim().split("\n\n");
  assert.equal(events.at(-1), "data: [DONE]");
  const chunks = events.slice(0, -1).map((event) => JSON.parse(event.replace(/^data: /, "")));
  const finish = chunks.at(-1) as Json;
  assert.equal(finish.type, "finish");
  return finish;
}

Deno.test("ui-message: a Gemini provider stream's finish carries its usage, as OpenAI's and Anthropic's do", async () => {
  const text = transcripts.find((t) => t.name === "text")!;
  const geminiFinish = await finishChunk(
    await client(text.events).generateContent({ model: MODEL, contents })
      .toResponse({ format: "ui-message" }),
  );
  assert.deepEqual(geminiFinish, {
    type: "finish",
    finishReason: "stop",
    messageMetadata: { usage: text.expect.usage },
  });
  // OpenAI (Responses) and Anthropic streams send their usage before they finish too.
  const openai = new OpenAI({
    fetch: cannedFetch([await Deno.readTextFile(new URL("plain-text.sse", OPENAI_TESTDATA))]).fetch,
  }).responses({ model: "gpt-5", input: "Hi" });
  const answer = { text: ["Hi."], finish: "stop" as const, input: 9, output: 21 };
  const anthropic = new Anthropic({ fetch: cannedFetch([BODIES.anthropic(answer)]).fetch })
    .messages({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      messages: [{ role: "user", content: "Hi" }],
    });
  for (const [label, stream] of [["openai", openai], ["anthropic", anthropic]] as const) {
    const finish = await finishChunk(await stream.toResponse({ format: "ui-message" }));
    assert.deepEqual(Object.keys(finish), Object.keys(geminiFinish), label);
    const usage = (finish.messageMetadata as { usage: Json }).usage;
    assert.equal(typeof usage.inputTokens, "number", label);
    assert.equal(typeof usage.outputTokens, "number", label);
  }
});
