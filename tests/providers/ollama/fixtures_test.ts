import assert from "node:assert/strict";
import {
  Ollama,
  type OllamaChatRequest,
  type OllamaChatResult,
  type OllamaGenerateRequest,
  type OllamaGenerateResult,
  type OllamaMetrics,
  type OllamaPullRequest,
} from "../../../src/providers/ollama/mod.ts";
import { ProviderError } from "../../../src/errors/provider_error.ts";
import type { ResponseStream } from "../../../src/response_stream/response_stream.ts";
import type { StreamResult } from "../../../src/response_stream/types.ts";
import { assertPartsAgree, collectParts } from "../../_parts.ts";
import {
  type Fixture,
  fixtureBytes,
  linesOf,
  ndjsonResponse,
  ollamaFixtures,
  piecewise,
  withServer,
} from "./_helpers.ts";

const fixtures = await ollamaFixtures();
const SEEDS = [1, 2, 3];

/** Serves one fixture in seeded random pieces and hands the client to `run`. */
async function replay(
  fixture: Fixture,
  seed: number,
  run: (ollama: Ollama) => Promise<void>,
): Promise<void> {
  const bytes = await fixtureBytes(fixture.file);
  const headers = { ...fixture.response.headers };
  delete headers["Transfer-Encoding"];
  await withServer(
    () => ndjsonResponse(piecewise(bytes, seed), { status: fixture.response.status, headers }),
    async (base, requests) => {
      await run(new Ollama({ baseURL: base, retryDelay: 1 }));
      assert.equal(requests.length, 1);
      assert.equal(requests[0]!.method, fixture.request.method);
      assert.equal(requests[0]!.path, fixture.request.path);
      assert.deepEqual(requests[0]!.body, { ...fixture.request.body, stream: true });
    },
  );
}

/** Reads every chunk, then the result; returns both, or the error of either. */
async function drain<Chunk, Result extends StreamResult>(
  stream: ResponseStream<Chunk, Result>,
): Promise<{ chunks: Chunk[]; result?: Result; error?: unknown }> {
  const chunks: Chunk[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (error) {
    await assert.rejects(stream.result(), (e) => e === error);
    return { chunks, error };
  }
  return { chunks, result: await stream.result() };
}

/**
 * Replays the fixture once more, read as the normalized parts: they must
 * agree with the result (or with the error's partial result).
 */
async function assertParts(
  fixture: Fixture,
  call: (ollama: Ollama) => Pick<ResponseStream<unknown, StreamResult>, "parts" | "result">,
): Promise<void> {
  await replay(fixture, 4, async (ollama) => {
    const stream = call(ollama);
    const { parts, error } = await collectParts(stream);
    if (fixture.expect.error === null) {
      assert.equal(error, undefined);
      assertPartsAgree(parts, await stream.result(), fixture.file);
      assert.ok(parts.some((part) => part.type === "finish"), "a finish part");
    } else {
      assert.ok(error instanceof ProviderError, String(error));
      assert.ok(error.partial);
      assertPartsAgree(parts, error.partial, fixture.file, { partial: true });
      await assert.rejects(stream.result(), (e) => e === error);
    }
  });
}

/** The unified finish reason of an Ollama answer: "stop" after tool calls means "tool-calls". */
function finishReasonOf(doneReason: unknown, toolCalls: number): string | undefined {
  if (doneReason === null || doneReason === undefined) return undefined;
  if (toolCalls > 0 && doneReason === "stop") return "tool-calls";
  return doneReason === "stop" ? "stop" : doneReason === "length" ? "length" : "other";
}

function assertTimings(result: OllamaChatResult | OllamaGenerateResult, stats: OllamaMetrics) {
  assert.deepEqual(result.metrics, stats);
  assert.deepEqual(result.usage, {
    inputTokens: stats.prompt_eval_count,
    outputTokens: stats.eval_count,
    totalTokens: stats.prompt_eval_count! + stats.eval_count!,
  });
  assert.deepEqual(result.timings, {
    totalMs: stats.total_duration! / 1e6,
    loadMs: stats.load_duration! / 1e6,
    promptEvalMs: stats.prompt_eval_duration! / 1e6,
    evalMs: stats.eval_duration! / 1e6,
    tokensPerSecond: stats.eval_count! / stats.eval_duration! * 1e9,
    promptTokensPerSecond: stats.prompt_eval_count! / stats.prompt_eval_duration! * 1e9,
  });
}

for (const fixture of fixtures.filter((f) => f.kind === "ollama-chat")) {
  Deno.test(`Ollama chat reproduces ${fixture.file} in random pieces`, async () => {
    const expect = fixture.expect;
    const lines = linesOf(await fixtureBytes(fixture.file));
    for (const seed of SEEDS) {
      await replay(fixture, seed, async (ollama) => {
        const stream = ollama.chat(
          fixture.request.body as unknown as OllamaChatRequest & { stream?: true },
        );
        const { chunks, result, error } = await drain(stream);
        assert.equal(error, undefined, `seed ${seed}`);
        assert.deepEqual(chunks, lines, `seed ${seed}: every line, as sent`);
        assert.ok(result);
        assert.equal(result.text, expect.content);
        assert.equal(result.reasoning, expect.thinking);
        // The shared shape: the server's id, no per-call index.
        const calls = (expect.tool_calls as { id: string; name: string; arguments: unknown }[])
          .map(({ id, name, arguments: args }) => ({ id, name, arguments: args }));
        assert.deepEqual(result.toolCalls, calls);
        assert.equal(result.rawFinishReason, expect.done_reason);
        assert.equal(result.finishReason, finishReasonOf(expect.done_reason, calls.length));
        assert.equal(result.lastChunk?.done, expect.done);
        assert.equal(result.model, fixture.request.body.model);
        assertTimings(result, expect.stats as OllamaMetrics);
        assert.equal(stream.stats.tokensPerSecond, result.timings.tokensPerSecond);
        assert.equal(stream.stats.outputTokens, (expect.stats as OllamaMetrics).eval_count);
        assert.equal(stream.stats.chunks, lines.length);
      });
    }
    await assertParts(
      fixture,
      (ollama) =>
        ollama.chat(fixture.request.body as unknown as OllamaChatRequest & { stream?: true }),
    );
  });
}

for (const fixture of fixtures.filter((f) => f.kind === "ollama-generate")) {
  Deno.test(`Ollama generate reproduces ${fixture.file} in random pieces`, async () => {
    const expect = fixture.expect;
    const lines = linesOf(await fixtureBytes(fixture.file));
    for (const seed of SEEDS) {
      await replay(fixture, seed, async (ollama) => {
        const stream = ollama.generate(
          fixture.request.body as unknown as OllamaGenerateRequest & { stream?: true },
        );
        let text = "";
        const { chunks, result, error } = await drain(stream);
        for (const chunk of chunks) text += chunk.response;
        if (expect.error === null) {
          assert.equal(error, undefined, `seed ${seed}`);
          assert.deepEqual(chunks, lines);
          assert.ok(result);
          assert.equal(result.text, expect.response);
          assert.equal(text, expect.response);
          assert.equal(result.reasoning, expect.thinking);
          assert.equal(result.rawFinishReason, expect.done_reason);
          assert.equal(result.finishReason, finishReasonOf(expect.done_reason, 0));
          assert.equal(result.lastChunk?.done, expect.done);
          assert.equal(result.context?.length, expect.context_length);
          assert.deepEqual(result.toolCalls, []);
          assertTimings(result, expect.stats as OllamaMetrics);
          assert.equal(Math.round(result.timings.tokensPerSecond! * 100) / 100, 79.34);
          assert.equal(stream.stats.tokensPerSecond, result.timings.tokensPerSecond);
        } else {
          assert.ok(error instanceof ProviderError, `seed ${seed}: ${error}`);
          assert.equal(error.message, expect.error);
          assert.deepEqual(error.body, { error: expect.error });
          assert.deepEqual(chunks, lines.slice(0, -1), "every line before the error");
          const partial = error.partial as OllamaGenerateResult;
          assert.equal(partial.text, expect.response);
          assert.equal(text, expect.response);
          assert.equal(partial.rawFinishReason ?? null, expect.done_reason);
          assert.equal(partial.finishReason, undefined);
          assert.equal(partial.reasoning, "");
          assert.equal(partial.lastChunk?.done, expect.done);
          assert.deepEqual(partial.metrics, {});
          assert.deepEqual(partial.usage, {});
        }
      });
    }
    await assertParts(
      fixture,
      (ollama) =>
        ollama.generate(
          fixture.request.body as unknown as OllamaGenerateRequest & { stream?: true },
        ),
    );
  });
}

for (const fixture of fixtures.filter((f) => f.kind === "ollama-pull")) {
  Deno.test(`Ollama pull reproduces ${fixture.file} in random pieces`, async () => {
    const expect = fixture.expect;
    const lines = linesOf(await fixtureBytes(fixture.file));
    for (const seed of SEEDS) {
      await replay(fixture, seed, async (ollama) => {
        const stream = ollama.pull(
          fixture.request.body as unknown as OllamaPullRequest & { stream?: true },
        );
        const { chunks, result: final, error } = await drain(stream);
        assert.equal(error, undefined, `seed ${seed}`);
        assert.deepEqual(chunks.map(({ progress: _, ...line }) => line), lines);
        // The aggregated view is there for every line, and never goes backwards within a layer.
        let previous = 0;
        for (const chunk of chunks) {
          assert.equal(chunk.progress.status, chunk.status);
          assert.ok(chunk.progress.completed >= previous);
          previous = chunk.progress.completed;
        }
        assert.ok(final);
        assert.equal(final.status, expect.final_status);
        assert.equal(final.progress.done, true);
        assert.equal(final.progress.percent, 100);
        assert.equal(final.progress.etaSeconds, 0);
        assert.equal(final.progress.total, expect.bytes_total);
        assert.equal(final.progress.completed, expect.bytes_total);
        assert.deepEqual(
          Object.values(final.progress.layers).map(({ digest, total }) => ({ digest, total })),
          expect.layers,
        );
        assert.ok(Object.values(final.progress.layers).every((layer) => layer.done));
      });
    }
  });
}

Deno.test("every Ollama fixture of the manifest has a replay test", () => {
  const kinds = new Set(fixtures.map((fixture) => fixture.kind));
  assert.deepEqual([...kinds].sort(), ["ollama-chat", "ollama-generate", "ollama-pull"]);
  assert.equal(fixtures.length, 6);
});
