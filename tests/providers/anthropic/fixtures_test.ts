import assert from "node:assert/strict";
import {
  Anthropic,
  type AnthropicResult,
  type AnthropicStreamEvent,
} from "../../../src/providers/anthropic/mod.ts";
import { ProviderError } from "../../../src/errors/provider_error.ts";
import { assertPartsAgree, collectParts } from "../../_parts.ts";
import { pieceStream, randomSplit, serve } from "./_helpers.ts";

interface ExpectedBlock {
  type: string;
  input_text?: string;
  [field: string]: unknown;
}

interface Fixture {
  file: string;
  api: string;
  request: { method: string; path: string; headers: Record<string, string>; body: unknown };
  response: { status: number; headers: Record<string, string> };
  expect: {
    id: string;
    model: string;
    stop_reason: string | null;
    stop_sequence: string | null;
    content: ExpectedBlock[];
    usage: {
      input_tokens: number;
      output_tokens: number;
      cache_creation_input_tokens: number;
      cache_read_input_tokens: number;
    };
    message_stop: boolean;
    error: { type: string; message: string } | null;
  };
}

const testdata = new URL("../../testdata/", import.meta.url);
const manifest = await (await fetch(new URL("manifest.json", testdata))).json() as {
  fixtures: Fixture[];
};
const fixtures = manifest.fixtures.filter((fixture) => fixture.api === "anthropic");
const API_KEY = "sk-ant-test-0123456789";

/** Anthropic's `stop_reason` in the shared vocabulary. */
const FINISH_REASONS: Record<string, string> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  tool_use: "tool-calls",
  refusal: "content-filter",
};

/** Asserts an assembled result against a manifest entry's `expect`, field by field. */
function assertExpected(result: AnthropicResult, fixture: Fixture, label: string): void {
  const expect = fixture.expect;
  assert.equal(result.id, expect.id, label);
  assert.equal(result.model, expect.model, label);
  assert.equal(result.rawFinishReason, expect.stop_reason ?? undefined, label);
  assert.equal(
    result.finishReason,
    expect.stop_reason === null ? undefined : FINISH_REASONS[expect.stop_reason],
    label,
  );
  assert.equal(result.stopSequence, expect.stop_sequence, label);
  const content = expect.content.map(({ input_text: _, ...block }) => block);
  assert.deepEqual(result.content as unknown[], content, label);
  assert.equal(
    result.text,
    expect.content.filter((b) => b.type === "text").map((b) => b.text).join(""),
    label,
  );
  assert.equal(
    result.reasoning,
    expect.content.filter((b) => b.type === "thinking").map((b) => b.thinking).join(""),
    label,
  );
  assert.deepEqual(
    result.toolCalls,
    expect.content.filter((b) => b.type === "tool_use").map((b) => ({
      id: b.id,
      name: b.name,
      arguments: b.input,
    })),
    label,
  );
  const { usage } = expect;
  const raw = result.usage.raw;
  assert.ok(raw, label);
  assert.deepEqual(
    {
      input_tokens: raw.input_tokens,
      output_tokens: raw.output_tokens,
      cache_creation_input_tokens: raw.cache_creation_input_tokens,
      cache_read_input_tokens: raw.cache_read_input_tokens,
    },
    usage,
    label,
  );
  // Input counts every input token: uncached, cache writes and cache reads.
  const input = usage.input_tokens + usage.cache_creation_input_tokens +
    usage.cache_read_input_tokens;
  assert.deepEqual(
    { ...result.usage, raw: undefined },
    {
      inputTokens: input,
      outputTokens: usage.output_tokens,
      totalTokens: input + usage.output_tokens,
      cachedInputTokens: usage.cache_read_input_tokens,
      cacheCreationInputTokens: usage.cache_creation_input_tokens,
      cacheReadInputTokens: usage.cache_read_input_tokens,
      raw: undefined,
    },
    label,
  );
  assert.equal(result.message?.id, expect.id, label);
  assert.equal(result.message?.stop_reason, expect.stop_reason, label);
  assert.deepEqual(result.message?.content, result.content, label);
}

/** Asserts that each tool block's `partial_json` fragments join to the manifest's `input_text`. */
function assertInputText(events: AnthropicStreamEvent[], fixture: Fixture, label: string): void {
  fixture.expect.content.forEach((block, index) => {
    if (block.input_text === undefined) return;
    const joined = events
      .map((event) =>
        event.type === "content_block_delta" && event.index === index &&
          event.delta.type === "input_json_delta"
          ? event.delta.partial_json
          : ""
      )
      .join("");
    assert.equal(joined, block.input_text, label);
  });
}

for (const fixture of fixtures) {
  Deno.test(`Anthropic reproduces ${fixture.file} from a local server in random pieces`, async () => {
    const bytes = new Uint8Array(
      await (await fetch(new URL(fixture.file, testdata))).arrayBuffer(),
    );
    const text = new TextDecoder().decode(bytes);
    const pings = text.split("event: ping\n").length - 1;
    for (const seed of [1, 2, 3]) {
      const label = `${fixture.file}, seed ${seed}`;
      const server = serve(() =>
        new Response(pieceStream(randomSplit(bytes, seed, seed === 1 ? 8 : 64), { gapEvery: 8 }), {
          status: fixture.response.status,
          headers: fixture.response.headers,
        })
      );
      try {
        const anthropic = new Anthropic({ baseURL: server.baseUrl, apiKey: API_KEY });
        const stream = anthropic.messages(
          fixture.request.body as Parameters<typeof anthropic.messages>[0] & { stream: true },
        );
        const events: AnthropicStreamEvent[] = [];
        let failure: unknown;
        try {
          for await (const event of stream) events.push(event);
        } catch (error) {
          failure = error;
        }

        // The request, as the manifest describes it.
        const [request] = server.received;
        assert.ok(request);
        assert.equal(server.received.length, 1);
        assert.equal(request.method, fixture.request.method);
        assert.equal(request.path, fixture.request.path);
        assert.equal(request.headers.get("x-api-key"), API_KEY);
        assert.equal(request.headers.get("anthropic-version"), "2023-06-01");
        assert.equal(request.headers.get("content-type"), "application/json");
        assert.deepEqual(request.body, fixture.request.body);

        assert.equal(events.filter((event) => event.type === "ping").length, pings, label);
        assertInputText(events, fixture, label);
        if (fixture.expect.error === null) {
          assert.equal(failure, undefined, label);
          assert.equal(events.at(-1)?.type, "message_stop", label);
          const result = await stream.result();
          assertExpected(result, fixture, label);
          assert.equal(result.lastChunk?.type, "message_stop", label);
          assert.ok(stream.stats.timeToFirstToken !== undefined, label);
          assert.equal(stream.stats.outputTokens, fixture.expect.usage.output_tokens, label);
        } else {
          assert.ok(failure instanceof ProviderError, label);
          assert.equal(failure.type, fixture.expect.error.type, label);
          assert.ok(failure.message.includes(fixture.expect.error.message), label);
          assert.deepEqual(failure.body, { type: "error", error: fixture.expect.error }, label);
          assert.ok(failure.partial, label);
          assertExpected(failure.partial as AnthropicResult, fixture, label);
          await assert.rejects(stream.result(), (error) => error === failure);
        }

        // A second replay, read as the normalized parts: they agree with the result.
        const again = anthropic.messages(
          fixture.request.body as Parameters<typeof anthropic.messages>[0] & { stream: true },
        );
        const { parts, error } = await collectParts(again);
        if (fixture.expect.error === null) {
          assert.equal(error, undefined, label);
          assertPartsAgree(parts, await again.result(), label);
        } else {
          assert.ok(error instanceof ProviderError, label);
          assert.ok(error.partial, label);
          assertPartsAgree(parts, error.partial, label, { partial: true });
          await assert.rejects(again.result(), (thrown) => thrown === error);
        }
      } finally {
        await server.shutdown();
      }
    }
  });
}

Deno.test("Anthropic fixtures cover every stream kind of the manifest", () => {
  assert.deepEqual(fixtures.map((fixture) => fixture.file).sort(), [
    "anthropic/midstream-error.sse",
    "anthropic/text.sse",
    "anthropic/thinking-parallel-tools.sse",
    "anthropic/thinking.sse",
    "anthropic/tool-use.sse",
  ]);
});
