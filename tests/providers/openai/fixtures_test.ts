import assert from "node:assert/strict";
import {
  OpenAI,
  type OpenAIChatResult,
  type OpenAICompletionResult,
} from "../../../src/providers/openai/mod.ts";
import { ProviderError } from "../../../src/errors/provider_error.ts";
import { decodeServerSentEvents } from "../../../src/streams/decode_server_sent_events.ts";
import { chatProtocol } from "../../../src/providers/openai/_chat_protocol.ts";
import { completionsProtocol } from "../../../src/providers/openai/_completions_protocol.ts";
import type { ContentPart } from "../../../src/shared/types.ts";
import { assertPartsAgree, collectParts } from "../../_parts.ts";
import { cannedFetch, piecewiseBody, randomPieces, startServer } from "./_helpers.ts";

interface ExpectedToolCall {
  index: number;
  id: string;
  type: string;
  name: string;
  arguments_text: string;
  arguments: unknown;
}

interface ExpectedChoice {
  index: number;
  role?: string;
  content?: string | null;
  text?: string;
  reasoning?: string;
  tool_calls?: ExpectedToolCall[];
  finish_reason: string | null;
}

interface Fixture {
  file: string;
  api: string;
  kind: "openai-chat" | "openai-completions";
  request: { method: string; path: string; body: Record<string, unknown> };
  response: { status: number; headers: Record<string, string> };
  expect: {
    id: string;
    model: string;
    choices: ExpectedChoice[];
    usage: Record<string, unknown> | null;
    done_sentinel: boolean;
    error: Record<string, unknown> | null;
  };
}

const manifest = await (await fetch(new URL("../../testdata/manifest.json", import.meta.url)))
  .json() as { fixtures: Fixture[] };
const fixtures = manifest.fixtures.filter((fixture) => fixture.api === "openai");
const bodies = new Map<string, Uint8Array<ArrayBuffer>>();
for (const fixture of fixtures) {
  const response = await fetch(new URL(`../../testdata/${fixture.file}`, import.meta.url));
  bodies.set(fixture.file, new Uint8Array(await response.arrayBuffer()));
}

/** The result, in the manifest's terms: exactly the keys the manifest states. */
function reconstruct(
  result: OpenAIChatResult | OpenAICompletionResult,
  expected: Fixture["expect"],
): Fixture["expect"] {
  const choices = result.choices.map((choice, i): ExpectedChoice => {
    const want = expected.choices[i] ?? { index: -1, finish_reason: null };
    const got: ExpectedChoice = { index: choice.index, finish_reason: choice.finishReason };
    if ("text" in choice) {
      got.text = choice.text;
      return got;
    }
    if ("role" in want) got.role = choice.role as string;
    got.content = choice.content;
    if ("reasoning" in want) got.reasoning = choice.reasoning;
    else assert.equal(choice.reasoning, "", "no reasoning where the manifest has none");
    assert.equal(choice.refusal, null);
    got.tool_calls = choice.toolCalls.map((call) => {
      assert.equal(call.parseError, undefined);
      return {
        index: call.index,
        id: call.id as string,
        type: call.type,
        name: call.name,
        arguments_text: call.argumentsText,
        arguments: call.arguments,
      };
    });
    return got;
  });
  return {
    id: result.id,
    model: result.model,
    choices,
    usage: (result.usage.raw ?? null) as Record<string, unknown> | null,
    done_sentinel: result.done,
    error: null,
  };
}

/** The manifest's expectation, reordered like {@linkcode reconstruct}'s output. */
function normalise(expected: Fixture["expect"]): Fixture["expect"] {
  return {
    ...expected,
    choices: expected.choices.map((choice) => {
      const { index, finish_reason, ...rest } = choice;
      const out: ExpectedChoice = { index, finish_reason };
      if ("text" in rest) {
        out.text = rest.text as string;
        return out;
      }
      if ("role" in rest) out.role = rest.role as string;
      out.content = rest.content as string | null;
      if ("reasoning" in rest) out.reasoning = rest.reasoning as string;
      out.tool_calls = rest.tool_calls ?? [];
      return out;
    }),
  };
}

/** OpenAI's `finish_reason` in the shared vocabulary. */
const FINISH_REASONS: Record<string, string> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool-calls",
  function_call: "tool-calls",
  content_filter: "content-filter",
};

/** The manifest's usage object in sluice's names: only the counts it reports. */
function expectedUsage(usage: Record<string, unknown> | null): Record<string, number> {
  if (usage === null) return {};
  const raw = usage as {
    prompt_tokens: number;
    completion_tokens: number;
    prompt_tokens_details?: { cached_tokens?: number };
    prompt_cache_hit_tokens?: number;
    completion_tokens_details?: { reasoning_tokens?: number };
  };
  const mapped: Record<string, number> = {
    inputTokens: raw.prompt_tokens,
    outputTokens: raw.completion_tokens,
    totalTokens: raw.prompt_tokens + raw.completion_tokens,
  };
  const cached = raw.prompt_tokens_details?.cached_tokens ?? raw.prompt_cache_hit_tokens;
  if (cached !== undefined) mapped.cachedInputTokens = cached;
  const reasoning = raw.completion_tokens_details?.reasoning_tokens;
  if (reasoning !== undefined) mapped.reasoningTokens = reasoning;
  return mapped;
}

function checkCommon(result: OpenAIChatResult | OpenAICompletionResult, fixture: Fixture): void {
  const expected = fixture.expect;
  const first = expected.choices[0] as ExpectedChoice;
  assert.equal(result.text, first.content ?? first.text ?? "");
  assert.equal(result.reasoning, first.reasoning ?? "");
  const raw = first.finish_reason ?? undefined;
  assert.equal(result.rawFinishReason, raw);
  assert.equal(result.finishReason, raw === undefined ? undefined : FINISH_REASONS[raw]);
  const { raw: sent, ...counts } = result.usage;
  assert.deepEqual(counts, expectedUsage(expected.usage));
  // The usage object as sent, and its deprecated name.
  assert.deepEqual(sent ?? null, expected.usage);
  assert.deepEqual(result.rawUsage, sent);
  // The shared tool calls are choice 0's, without OpenAI's index, type and text.
  assert.deepEqual(
    result.toolCalls,
    (first.tool_calls ?? []).map((call) => ({
      id: call.id,
      name: call.name,
      arguments: call.arguments,
    })),
  );
  assert.ok(result.lastChunk);
}

function callOf(fixture: Fixture, client: OpenAI) {
  return fixture.kind === "openai-chat"
    ? client.chat(fixture.request.body as never)
    : client.completions(fixture.request.body as never);
}

async function run(fixture: Fixture, client: OpenAI): Promise<void> {
  const expected = fixture.expect;
  const call = callOf(fixture, client);
  if (expected.error) {
    const error = await call.result().then(
      () => assert.fail("expected a ProviderError"),
      (error: unknown) => error,
    );
    assert.ok(error instanceof ProviderError, String(error));
    assert.equal(error.message, expected.error.message);
    assert.equal(error.type, expected.error.type);
    assert.deepEqual(error.body, expected.error);
    const partial = error.partial as OpenAIChatResult;
    assert.ok(partial, "the error carries the partial result");
    // Only the error itself stops the stream: the partial is everything before it.
    assert.deepEqual(
      reconstruct(partial, expected),
      { ...normalise(expected), done_sentinel: false, error: null },
    );
    assert.equal(partial.reasoning, "");
    assert.equal(partial.finishReason, undefined);
    assert.equal(partial.rawFinishReason, undefined);
    return;
  }
  const result = await call.result();
  assert.deepEqual(reconstruct(result, expected), normalise(expected));
  checkCommon(result, fixture);
}

/** Replays the fixture through `stream.parts`: they must agree with the result. */
async function checkParts(fixture: Fixture, client: OpenAI): Promise<void> {
  const stream = callOf(fixture, client);
  const { parts, error } = await collectParts(stream);
  if (fixture.expect.error) {
    assert.ok(error instanceof ProviderError, String(error));
    assert.ok(error.partial);
    assertPartsAgree(parts, error.partial, fixture.file, { partial: true });
    await assert.rejects(stream.result(), ProviderError);
    return;
  }
  assert.equal(error, undefined);
  const result = await stream.result();
  assertPartsAgree(parts, result, fixture.file);
  assert.ok(parts.some((part) => part.type === "finish"), "a finish part");
}

for (const fixture of fixtures) {
  Deno.test(`OpenAI reproduces ${fixture.file} served by a local server in random pieces`, async () => {
    const data = bodies.get(fixture.file) as Uint8Array<ArrayBuffer>;
    for (const seed of [1, 2, 3]) {
      await using server = startServer(() =>
        new Response(piecewiseBody(randomPieces(data, seed, 97), { gapEvery: 8 }), {
          status: fixture.response.status,
          headers: fixture.response.headers,
        })
      );
      const client = new OpenAI({ baseURL: `${server.origin}/v1`, apiKey: "sk-fixture-key" });
      await run(fixture, client);
      assert.equal(server.requests.length, 1);
      const path = fixture.kind === "openai-chat" ? "/v1/chat/completions" : "/v1/completions";
      assert.equal(server.requests[0]?.path, path);
      await checkParts(fixture, client);
    }
  });

  Deno.test(`OpenAI reproduces ${fixture.file} read byte by byte and in seeded pieces`, async () => {
    const data = bodies.get(fixture.file) as Uint8Array<ArrayBuffer>;
    const cuttings = [
      [...data].map((byte) => Uint8Array.of(byte)),
      ...[11, 12, 13, 14, 15].map((seed) => randomPieces(data, seed, 9)),
      [data],
    ];
    for (const pieces of cuttings) {
      const client = new OpenAI({
        fetch: cannedFetch(() =>
          new Response(piecewiseBody(pieces, { gapEvery: Infinity }), {
            headers: fixture.response.headers,
          })
        ),
      });
      await run(fixture, client);
      await checkParts(fixture, client);
    }
  });

  Deno.test(`the ${fixture.file} reader sees the [DONE] sentinel as the manifest says`, async () => {
    const protocol = fixture.kind === "openai-chat" ? chatProtocol : completionsProtocol;
    const reader = protocol.createReader();
    const body = new Response(bodies.get(fixture.file) as Uint8Array<ArrayBuffer>)
      .body as ReadableStream<Uint8Array>;
    const parts: ContentPart[] = [];
    let error: unknown;
    for await (const frame of decodeServerSentEvents(body)) {
      try {
        reader.push(frame, (part) => parts.push(part));
      } catch (thrown) {
        error ??= thrown; // keep reading: a [DONE] may follow an error
      }
    }
    assert.equal(reader.done, fixture.expect.done_sentinel);
    assert.equal(error !== undefined, fixture.expect.error !== null);
    // The reader's parts carry choice 0's text, as the manifest has it.
    const first = fixture.expect.choices[0] as ExpectedChoice;
    assert.equal(
      parts.map((part) => part.type === "text-delta" ? part.text : "").join(""),
      first.content ?? first.text ?? "",
    );
  });
}
