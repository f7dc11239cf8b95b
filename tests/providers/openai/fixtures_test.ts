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
    usage: (result.rawUsage ?? null) as Record<string, unknown> | null,
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

function checkCommon(result: OpenAIChatResult | OpenAICompletionResult, fixture: Fixture): void {
  const expected = fixture.expect;
  const first = expected.choices[0] as ExpectedChoice;
  assert.equal(result.text, first.content ?? first.text ?? "");
  assert.equal(result.thinking, first.reasoning ?? "");
  assert.equal(result.finishReason, first.finish_reason ?? undefined);
  const usage = expected.usage as { prompt_tokens: number; completion_tokens: number } | null;
  assert.deepEqual(
    result.usage,
    usage ? { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens } : {},
  );
  assert.ok(result.lastChunk);
}

async function run(fixture: Fixture, client: OpenAI): Promise<void> {
  const expected = fixture.expect;
  const call = fixture.kind === "openai-chat"
    ? client.chat(fixture.request.body as never)
    : client.completions(fixture.request.body as never);
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
    return;
  }
  const result = await call.result();
  assert.deepEqual(reconstruct(result, expected), normalise(expected));
  checkCommon(result, fixture);
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
      const client = new OpenAI({ baseUrl: `${server.origin}/v1`, apiKey: "sk-fixture-key" });
      await run(fixture, client);
      assert.equal(server.requests.length, 1);
      const path = fixture.kind === "openai-chat" ? "/v1/chat/completions" : "/v1/completions";
      assert.equal(server.requests[0]?.path, path);
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
    }
  });

  Deno.test(`the ${fixture.file} assembler sees the [DONE] sentinel as the manifest says`, async () => {
    const protocol = fixture.kind === "openai-chat" ? chatProtocol : completionsProtocol;
    const assembler = protocol.createAssembler();
    const body = new Response(bodies.get(fixture.file) as Uint8Array<ArrayBuffer>)
      .body as ReadableStream<Uint8Array>;
    let error: unknown;
    for await (const frame of decodeServerSentEvents(body)) {
      try {
        assembler.push(frame);
      } catch (thrown) {
        error ??= thrown; // keep reading: a [DONE] may follow an error
      }
    }
    assert.equal(assembler.done, fixture.expect.done_sentinel);
    assert.equal(error !== undefined, fixture.expect.error !== null);
  });
}
