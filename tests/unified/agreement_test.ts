/**
 * One reading of each wire format, proven: every chat fixture, and the tool
 * call shapes that once made the two readings drift, go through the provider
 * client and through `streamText`; the unified parts and result must agree
 * with the provider result (text, reasoning, tool calls, finish reason and
 * usage), also when the stream fails.
 */
import assert from "node:assert/strict";
import { anthropic, ollama, openai, streamText } from "../../src/unified/mod.ts";
import { Ollama } from "../../src/providers/ollama/mod.ts";
import { OpenAI } from "../../src/providers/openai/mod.ts";
import { Anthropic } from "../../src/providers/anthropic/mod.ts";
import type { LanguageModel, StreamPart } from "../../src/unified/mod.ts";
import type { StreamResult } from "../../src/shared/types.ts";

interface Fixture {
  file: string;
  api: string;
  kind: string;
}

const manifest = JSON.parse(
  await Deno.readTextFile(new URL("../testdata/manifest.json", import.meta.url)),
) as { fixtures: Fixture[] };

type Api = "ollama" | "openai" | "anthropic";

function fetchOf(body: string): typeof fetch {
  return () => Promise.resolve(new Response(body));
}

/** The provider client's result (or its error's partial) for a body. */
async function providerRun(api: Api, body: string) {
  const fetch = fetchOf(body);
  const stream = api === "ollama"
    ? new Ollama({ fetch }).chat({ model: "m", messages: [] })
    : api === "openai"
    ? new OpenAI({ fetch }).chat({ model: "m", messages: [] })
    : new Anthropic({ fetch }).messages({ model: "m", max_tokens: 5, messages: [] });
  try {
    return { result: await stream.result() as StreamResult, error: undefined };
  } catch (error) {
    return { result: stream.partial as StreamResult, error };
  }
}

function modelOf(api: Api, body: string): LanguageModel {
  const fetch = fetchOf(body);
  return api === "ollama"
    ? ollama("m", { fetch })
    : api === "openai"
    ? openai("m", { fetch })
    : anthropic("m", { fetch });
}

/** `streamText`'s parts and its view of the step (from the result, or partial after a failure). */
async function unifiedRun(api: Api, body: string) {
  const stream = streamText({ model: modelOf(api, body), prompt: "x" });
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  let error: unknown;
  let result;
  try {
    result = await stream.result();
  } catch (caught) {
    error = caught;
    result = stream.partial;
  }
  return { parts, result, error };
}

/** Ids sluice makes up (the provider sent none) differ per run. */
function same(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null).replace(/"call_[0-9a-z]+"/g, '"call_*"'));
}

function shared(result: StreamResult) {
  const { inputTokens, outputTokens, totalTokens, cachedInputTokens, reasoningTokens } =
    result.usage;
  return same({
    text: result.text,
    reasoning: result.reasoning,
    toolCalls: result.toolCalls,
    finishReason: result.finishReason,
    rawFinishReason: result.rawFinishReason,
    usage: { inputTokens, outputTokens, totalTokens, cachedInputTokens, reasoningTokens },
  });
}

async function assertAgree(api: Api, body: string, label: string): Promise<void> {
  const provider = await providerRun(api, body);
  const unified = await unifiedRun(api, body);
  assert.equal(String(unified.error), String(provider.error), `${label}: the same failure`);
  assert.deepEqual(shared(unified.result), shared(provider.result), `${label}: the same result`);
  const partsText = unified.parts.flatMap((part) => part.type === "text-delta" ? [part.text] : [])
    .join("");
  assert.equal(partsText, provider.result.text, `${label}: text-delta parts`);
  const reasoning = unified.parts.flatMap((part) =>
    part.type === "reasoning-delta" ? [part.text] : []
  ).join("");
  assert.equal(reasoning, provider.result.reasoning, `${label}: reasoning-delta parts`);
  if (provider.error === undefined) {
    const calls = unified.parts.filter((part) => part.type === "tool-call")
      .map(({ id, name, arguments: args }) => ({ id, name, arguments: args }));
    assert.deepEqual(same(calls), same(provider.result.toolCalls), `${label}: tool-call parts`);
    const starts = unified.parts.filter((part) => part.type === "tool-call-start");
    assert.equal(starts.length, provider.result.toolCalls.length, `${label}: one start a call`);
  } else {
    assert.equal(unified.parts.at(-1)?.type, "error", `${label}: an error part last`);
  }
}

for (const fixture of manifest.fixtures) {
  const chat = fixture.kind === "ollama-chat" || fixture.kind === "openai-chat" ||
    fixture.api === "anthropic";
  if (!chat) continue;
  Deno.test(`${fixture.file}: streamText agrees with the provider client`, async () => {
    const body = await Deno.readTextFile(new URL(`../testdata/${fixture.file}`, import.meta.url));
    await assertAgree(fixture.api as Api, body, fixture.file);
  });
}

const chunk = (delta: unknown, finish: string | null = null) =>
  `data: ${
    JSON.stringify({
      id: "c1",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta, finish_reason: finish }],
    })
  }\n\n`;
const call = (fields: Record<string, unknown>) => ({ tool_calls: [fields] });

const drift: Record<string, string[]> = {
  "fragments without index": [
    chunk(call({ id: "call_a", type: "function", function: { name: "f", arguments: "" } })),
    chunk(call({ function: { arguments: '{"x":1}' } })),
  ],
  "repeated ids and names on every fragment": [
    chunk(call({ index: 0, id: "call_a", function: { name: "f", arguments: '{"x":' } })),
    chunk(call({ index: 0, id: "call_a", function: { name: "f", arguments: "1}" } })),
  ],
  "interleaved indices": [
    chunk(call({ index: 0, id: "call_a", function: { name: "f", arguments: '{"a":' } })),
    chunk(call({ index: 1, id: "call_b", function: { name: "g", arguments: '{"b":' } })),
    chunk(call({ index: 0, function: { arguments: "1}" } })),
    chunk(call({ index: 1, function: { arguments: "2}" } })),
  ],
  "no ids at all": [
    chunk(call({ index: 0, function: { name: "f", arguments: '{"a":1}' } })),
    chunk(call({ index: 1, function: { name: "g", arguments: '{"b":2}' } })),
  ],
};

for (const [name, chunks] of Object.entries(drift)) {
  Deno.test(`OpenAI tool calls with ${name}: streamText agrees with the provider client`, async () => {
    const body = chunks.join("") + chunk({}, "tool_calls") + "data: [DONE]\n\n";
    await assertAgree("openai", body, name);
  });
}
