/**
 * One reading of each wire format, the check: a body goes through the
 * provider client and through `streamText`; the unified parts and result must
 * agree with the provider result (text, reasoning, tool calls, finish reason
 * and usage, and the raw parts of what no part models), also when the stream
 * fails. Used by the fixture and drift tests (agreement_test.ts), the
 * recorded-stream shapes (real_streams_test.ts), the Gemini and Responses
 * API transcripts, and the generated streams (_generated.ts, which also reads
 * through `providerRun` and `unifiedRun` over a `fetch` of its own).
 *
 * @module
 */
import assert from "node:assert/strict";
import { anthropic, gemini, ollama, openai, streamText } from "../../src/unified/mod.ts";
import { Ollama } from "../../src/providers/ollama/mod.ts";
import { OpenAI } from "../../src/providers/openai/mod.ts";
import { Anthropic } from "../../src/providers/anthropic/mod.ts";
import { Gemini } from "../../src/providers/gemini/mod.ts";
import type { LanguageModel, StreamPart } from "../../src/unified/mod.ts";
import type { ContentPart, StreamResult } from "../../src/shared/types.ts";

/** A wire format both a client and `streamText` read. */
export type Api = "ollama" | "openai" | "openai-responses" | "anthropic" | "gemini";

function fetchOf(body: string | Uint8Array<ArrayBuffer>): typeof fetch {
  return () => Promise.resolve(new Response(body));
}

/** The provider client's parts and result (or its error's partial) over `fetch`. */
export async function providerRun(api: Api, fetch: typeof globalThis.fetch) {
  const stream = api === "ollama"
    ? new Ollama({ fetch }).chat({ model: "m", messages: [] })
    : api === "openai"
    ? new OpenAI({ fetch }).chat({ model: "m", messages: [] })
    : api === "openai-responses"
    ? new OpenAI({ fetch }).responses({ model: "m", input: "x" })
    : api === "anthropic"
    ? new Anthropic({ fetch }).messages({ model: "m", max_tokens: 5, messages: [] })
    : new Gemini({ fetch }).generateContent({
      model: "gemini-2.5-flash",
      contents: [{ role: "user", parts: [{ text: "x" }] }],
    });
  const parts: ContentPart[] = [];
  try {
    for await (const part of stream.parts) parts.push(part);
    return { parts, result: await stream.result() as StreamResult, error: undefined };
  } catch (error) {
    return { parts, result: stream.partial as StreamResult, error };
  }
}

function modelOf(api: Api, fetch: typeof globalThis.fetch): LanguageModel {
  return api === "ollama"
    ? ollama("m", { fetch })
    : api === "openai"
    ? openai("m", { fetch })
    : api === "openai-responses"
    ? openai("m", { fetch, api: "responses" })
    : api === "anthropic"
    ? anthropic("m", { fetch })
    : gemini("gemini-2.5-flash", { fetch });
}

/** `streamText`'s parts and its view of the step (from the result, or partial after a failure). */
export async function unifiedRun(api: Api, fetch: typeof globalThis.fetch) {
  const stream = streamText({ model: modelOf(api, fetch), prompt: "x" });
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

/** Asserts that `streamText` reads `body` as the provider client does. */
export async function assertAgree(
  api: Api,
  body: string | Uint8Array<ArrayBuffer>,
  label: string,
): Promise<void> {
  const provider = await providerRun(api, fetchOf(body));
  const unified = await unifiedRun(api, fetchOf(body));
  assert.equal(String(unified.error), String(provider.error), `${label}: the same failure`);
  assert.deepEqual(shared(unified.result), shared(provider.result), `${label}: the same result`);
  const partsText = unified.parts.flatMap((part) => part.type === "text-delta" ? [part.text] : [])
    .join("");
  assert.equal(partsText, provider.result.text, `${label}: text-delta parts`);
  const reasoning = unified.parts.flatMap((part) =>
    part.type === "reasoning-delta" ? [part.text] : []
  ).join("");
  assert.equal(reasoning, provider.result.reasoning, `${label}: reasoning-delta parts`);
  // What the parts do not model (built-in items, citations, new event types) is handed on.
  assert.deepEqual(
    unified.parts.filter((part) => part.type === "raw"),
    provider.parts.filter((part) => part.type === "raw"),
    `${label}: raw parts`,
  );
  if (provider.error === undefined) {
    const calls = unified.parts.filter((part) => part.type === "tool-call")
      .map(({ id, name, arguments: args, parseError }) => ({
        id,
        name,
        arguments: args,
        parseError,
      }));
    assert.deepEqual(same(calls), same(provider.result.toolCalls), `${label}: tool-call parts`);
    const starts = unified.parts.filter((part) => part.type === "tool-call-start");
    assert.equal(starts.length, provider.result.toolCalls.length, `${label}: one start a call`);
  } else {
    assert.equal(unified.parts.at(-1)?.type, "error", `${label}: an error part last`);
  }
}
