/**
 * The provider clients (`Ollama`, `OpenAI`, `Anthropic`) against the test
 * server's emulation of their endpoints (`/ollama/api/…`, `/openai/v1/…`,
 * `/anthropic/v1/…`), which answers from the recorded transcripts in random
 * pieces: each transcript reconstructed as `tests/testdata/manifest.json`
 * expects it, cancellation reaching the network, the idle timeout, HTTP and
 * mid-stream errors, a cut-off body, `textStream` and `toResponse()`.
 *
 * The server is told what to do through `x-sluice-*` request headers (see
 * `tools/runtimes/server.ts`), sent with each call's `headers` option.
 *
 * @module
 */

import {
  Anthropic,
  type AnthropicResult,
  decodeServerSentEvents,
  fromResponse,
  Ollama,
  type OllamaChatResult,
  type OllamaGenerateResult,
  type OllamaProgressResult,
  OpenAI,
  type OpenAIChatResult,
  type RequestOptions,
  type ResponseStream,
  type StreamResult,
} from "../../mod.ts";
import {
  assert,
  assertEquals,
  assertErrorLike,
  assertRejects,
  test,
  type TestContext,
} from "./harness.ts";
import {
  assertServerSawClose,
  iterate,
  observation,
  observed,
  readAll,
  type RecordedRequest,
  referenceJsonLines,
  referenceSseData,
} from "./_helpers.ts";
import { fixtureFiles } from "./fixture_cases.ts";
import { assertPartsAgree, collectParts } from "../_parts.ts";
import type {
  OpenAIResponsesResult,
  OpenAIResponsesStream,
} from "../../src/providers/openai/mod.ts";
import { openai, streamText } from "../../src/unified/mod.ts";
import { createMockServer } from "../../src/testing/mod.ts";
import {
  RESPONSES_TRANSCRIPTS,
  responsesFile,
  type ResponsesTranscript,
} from "../testdata/openai-responses/transcripts.ts";

// --- the manifest ----------------------------------------------------------------

type Kind =
  | "ollama-chat"
  | "ollama-generate"
  | "ollama-pull"
  | "openai-chat"
  | "openai-completions"
  | "anthropic-messages";

type Json = Record<string, unknown>;

/** One transcript of `tests/testdata/manifest.json`. */
interface Entry {
  file: string;
  kind: Kind;
  request: { body: Json };
  expect: Json;
}

/** The path each kind of call is sent to on the test server. */
const endpoints: Record<Kind, string> = {
  "ollama-chat": "/ollama/api/chat",
  "ollama-generate": "/ollama/api/generate",
  "ollama-pull": "/ollama/api/pull",
  "openai-chat": "/openai/v1/chat/completions",
  "openai-completions": "/openai/v1/completions",
  "anthropic-messages": "/anthropic/v1/messages",
};

let manifest: Promise<Map<string, Entry>> | undefined;
const transcripts = new Map<string, Promise<string>>();

async function entry(ctx: TestContext, file: string): Promise<Entry> {
  manifest ??= fetch(ctx.url("testdata/manifest.json?whole"))
    .then((response) => response.json() as Promise<{ fixtures: Entry[] }>)
    .then(({ fixtures }) => new Map(fixtures.map((fixture) => [fixture.file, fixture])))
    .catch((error) => {
      manifest = undefined;
      throw error;
    });
  const found = (await manifest).get(file);
  assert(found !== undefined, `${file} is in the manifest`);
  return found;
}

/** A transcript's text, fetched whole. */
function transcript(ctx: TestContext, file: string): Promise<string> {
  let text = transcripts.get(file);
  if (text === undefined) {
    // Decoded by hand: workerd warns about `.text()` on a body typed as NDJSON.
    text = fetch(ctx.url(`testdata/${file}?whole`))
      .then((response) => response.arrayBuffer())
      .then((buffer) => new TextDecoder().decode(buffer));
    transcripts.set(file, text);
  }
  return text;
}

/** The frames of a transcript as the server counts them: NDJSON lines, SSE events. */
function framesOf(file: string, text: string): string[] {
  return text.split(file.endsWith(".sse") ? /(?<=\n\n)/ : /(?<=\n)/).filter((frame) =>
    frame !== ""
  );
}

/** The answer text in (a part of) a transcript, read independently of the library. */
function textIn(file: string, text: string): string {
  if (file.endsWith(".ndjson")) {
    return (referenceJsonLines(text) as Json[])
      .map((line) => (line.message as Json | undefined)?.content ?? line.response ?? "")
      .join("");
  }
  const events = referenceSseData(text).filter((data) => data !== "[DONE]")
    .map((data) => JSON.parse(data) as Json);
  if (file.startsWith("openai/")) {
    return events.map((event) => {
      const choices = (event.choices ?? []) as Json[];
      const first = choices.find((choice) => choice.index === 0);
      return (first?.delta as Json | undefined)?.content ?? first?.text ?? "";
    }).join("");
  }
  return events.map((event) => {
    const delta = event.delta as Json | undefined;
    return event.type === "content_block_delta" && delta?.type === "text_delta" ? delta.text : "";
  }).join("");
}

/** The answer text of the first `frames` frames of a transcript. */
async function textOfFrames(ctx: TestContext, file: string, frames: number): Promise<string> {
  return textIn(file, framesOf(file, await transcript(ctx, file)).slice(0, frames).join(""));
}

// --- calling the clients -------------------------------------------------------------

const API_KEY = "sk-conformance-0123456789";

/** What the server is asked to do with one call (see `tools/runtimes/server.ts`). */
interface Scenario {
  /** Records the request and its connection under this id. */
  id?: string;
  /** Answer with this HTTP status and the provider's error body. */
  status?: number;
  /** The first attempt gets this status, later ones the transcript. */
  failFirst?: number;
  /** Send this many frames, then nothing until the client leaves. */
  stallAfter?: number;
  /** Send this many frames, then end the body. */
  endAfter?: number;
}

function seedOf(file: string): number {
  return [...file].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) >>> 0, 11);
}

function scenarioHeaders(file: string, scenario: Scenario): Record<string, string> {
  const headers: Record<string, string> = {
    "x-sluice-fixture": file,
    "x-sluice-seed": String(seedOf(file)),
  };
  if (scenario.id !== undefined) headers["x-sluice-id"] = scenario.id;
  if (scenario.status !== undefined) headers["x-sluice-status"] = String(scenario.status);
  if (scenario.failFirst !== undefined) {
    headers["x-sluice-fail-first"] = String(scenario.failFirst);
  }
  if (scenario.stallAfter !== undefined) {
    headers["x-sluice-stall-after"] = String(scenario.stallAfter);
  }
  if (scenario.endAfter !== undefined) headers["x-sluice-end-after"] = String(scenario.endAfter);
  return headers;
}

/** Every client here: no retries, and timeouts short enough that nothing hangs a case. */
const defaults: RequestOptions = {
  maxRetries: 0,
  retryDelay: 1,
  timeout: 2000,
  idleTimeout: 2000,
};

type AnyStream = ResponseStream<unknown, StreamResult>;

/** Makes the call a transcript records, through its client, against the test server. */
function call(
  ctx: TestContext,
  entry: Entry,
  scenario: Scenario,
  options: RequestOptions = {},
): AnyStream {
  const callOptions = {
    ...options,
    headers: scenarioHeaders(entry.file, scenario),
  };
  const body = entry.request.body as never;
  let stream: unknown;
  switch (entry.kind) {
    case "ollama-chat":
    case "ollama-generate":
    case "ollama-pull": {
      const ollama = new Ollama({ ...defaults, baseURL: ctx.url("ollama") });
      stream = entry.kind === "ollama-chat"
        ? ollama.chat(body, callOptions)
        : entry.kind === "ollama-generate"
        ? ollama.generate(body, callOptions)
        : ollama.pull(body, callOptions);
      break;
    }
    case "openai-chat":
    case "openai-completions": {
      const openai = new OpenAI({ ...defaults, baseURL: ctx.url("openai/v1"), apiKey: API_KEY });
      stream = entry.kind === "openai-chat"
        ? openai.chat(body, callOptions)
        : openai.completions(body, callOptions);
      break;
    }
    case "anthropic-messages": {
      const anthropic = new Anthropic({
        ...defaults,
        baseURL: ctx.url("anthropic"),
        apiKey: API_KEY,
      });
      stream = anthropic.messages(body, callOptions);
      break;
    }
  }
  return stream as AnyStream;
}

function clientOf(file: string): string {
  return file.startsWith("ollama/")
    ? "Ollama"
    : file.startsWith("openai/")
    ? "OpenAI"
    : "Anthropic";
}

// --- what a transcript must assemble to ---------------------------------------------

/** Each provider's own finish reason in the shared vocabulary. */
const finishReasons: Record<string, Record<string, string>> = {
  ollama: { stop: "stop", length: "length" },
  openai: {
    stop: "stop",
    length: "length",
    tool_calls: "tool-calls",
    function_call: "tool-calls",
    content_filter: "content-filter",
  },
  anthropic: {
    end_turn: "stop",
    stop_sequence: "stop",
    max_tokens: "length",
    tool_use: "tool-calls",
    refusal: "content-filter",
  },
};

/** The unified finish reason for a provider's own one: "stop" after tool calls is "tool-calls". */
function finishReasonOf(
  provider: string,
  raw: unknown,
  toolCalls: number,
): string | undefined {
  if (typeof raw !== "string") return undefined;
  const reason = finishReasons[provider]![raw] ?? "other";
  return reason === "stop" && toolCalls > 0 ? "tool-calls" : reason;
}

/** Fails unless the result's finish reasons are the provider's `raw`, and what it means. */
function checkFinish(provider: string, result: StreamResult, raw: unknown): void {
  assertEquals(result.rawFinishReason, raw ?? undefined, "raw finish reason");
  assertEquals(
    result.finishReason,
    finishReasonOf(provider, raw, result.toolCalls.length),
    "finish reason",
  );
}

function checkOllama(entry: Entry, result: StreamResult): void {
  const expect = entry.expect;
  if (entry.kind === "ollama-pull") {
    const final = result as OllamaProgressResult;
    assertEquals(final.status, expect.final_status, "final status");
    assertEquals(final.progress.done, true, "progress.done");
    assertEquals(final.progress.total, expect.bytes_total, "progress.total");
    assertEquals(final.progress.completed, expect.bytes_total, "progress.completed");
    assertEquals(
      Object.values(final.progress.layers).map(({ digest, total }) => ({ digest, total })),
      expect.layers,
      "layers",
    );
    return;
  }
  const ollama = result as OllamaChatResult | OllamaGenerateResult;
  const stats = expect.stats as Record<string, number>;
  assertEquals(
    ollama.text,
    entry.kind === "ollama-chat" ? expect.content : expect.response,
    "text",
  );
  assertEquals(ollama.reasoning, expect.thinking, "reasoning");
  assertEquals(
    ollama.toolCalls,
    ((expect.tool_calls ?? []) as Json[]).map(({ id, name, arguments: args }) => ({
      id,
      name,
      arguments: args,
    })),
    "tool calls",
  );
  checkFinish("ollama", ollama, expect.done_reason);
  assertEquals(ollama.lastChunk?.done, expect.done, "done");
  assertEquals(ollama.model, entry.request.body.model, "model");
  assertEquals(ollama.metrics, stats, "metrics");
  assertEquals(
    ollama.usage,
    {
      inputTokens: stats.prompt_eval_count,
      outputTokens: stats.eval_count,
      totalTokens: stats.prompt_eval_count! + stats.eval_count!,
    },
    "usage",
  );
  if (expect.context_length !== undefined) {
    assertEquals(
      (ollama as OllamaGenerateResult).context?.length,
      expect.context_length,
      "context length",
    );
  }
  if (expect.tokens_per_second !== undefined) {
    assertEquals(
      Math.round(ollama.timings.tokensPerSecond! * 100) / 100,
      expect.tokens_per_second,
      "tokens per second",
    );
  }
}

function checkOpenAI(entry: Entry, result: StreamResult): void {
  const expect = entry.expect;
  const openai = result as OpenAIChatResult;
  const choices = expect.choices as Json[];
  assertEquals(openai.id, expect.id, "id");
  assertEquals(openai.model, expect.model, "model");
  assertEquals(openai.done, expect.done_sentinel, "[DONE] seen");
  assertEquals(openai.usage.raw ?? null, expect.usage, "usage as sent");
  const usage = expect.usage as {
    prompt_tokens: number;
    completion_tokens: number;
    prompt_tokens_details?: { cached_tokens?: number };
    prompt_cache_hit_tokens?: number;
    completion_tokens_details?: { reasoning_tokens?: number };
  } | null;
  const mapped: Record<string, number> = {};
  if (usage) {
    mapped.inputTokens = usage.prompt_tokens;
    mapped.outputTokens = usage.completion_tokens;
    mapped.totalTokens = usage.prompt_tokens + usage.completion_tokens;
    const cached = usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens;
    if (cached !== undefined) mapped.cachedInputTokens = cached;
    const reasoning = usage.completion_tokens_details?.reasoning_tokens;
    if (reasoning !== undefined) mapped.reasoningTokens = reasoning;
  }
  const { raw: _sent, ...counts } = openai.usage;
  assertEquals(counts, mapped, "usage");
  assertEquals(openai.choices.length, choices.length, "number of choices");
  choices.forEach((want, i) => {
    const got = openai.choices[i] as unknown as Json;
    const label = `choice ${i}`;
    assertEquals(got.index, want.index, `${label}: index`);
    assertEquals(got.finishReason, want.finish_reason, `${label}: finish reason`);
    if ("text" in want) {
      assertEquals(got.text, want.text, `${label}: text`);
      return;
    }
    assertEquals(got.role, want.role, `${label}: role`);
    assertEquals(got.content, want.content, `${label}: content`);
    assertEquals(got.reasoning, want.reasoning ?? "", `${label}: reasoning`);
    const calls = (got.toolCalls as OpenAIChatResult["choices"][number]["toolCalls"]).map((
      call,
    ) => ({
      index: call.index,
      id: call.id,
      type: call.type,
      name: call.name,
      arguments_text: call.argumentsText,
      arguments: call.arguments,
    }));
    assertEquals(calls, want.tool_calls ?? [], `${label}: tool calls`);
  });
  const first = choices[0]!;
  assertEquals(openai.text, first.content ?? first.text ?? "", "text");
  assertEquals(openai.reasoning, first.reasoning ?? "", "reasoning");
  assertEquals(
    openai.toolCalls as unknown[],
    ((first.tool_calls ?? []) as Json[]).map(({ id, name, arguments: args }) => ({
      id,
      name,
      arguments: args,
    })),
    "shared tool calls",
  );
  checkFinish("openai", openai, first.finish_reason);
}

function checkAnthropic(entry: Entry, result: StreamResult): void {
  const expect = entry.expect;
  const anthropic = result as AnthropicResult;
  const blocks = expect.content as Json[];
  const of = (type: string) => blocks.filter((block) => block.type === type);
  assertEquals(anthropic.id, expect.id, "id");
  assertEquals(anthropic.model, expect.model, "model");
  checkFinish("anthropic", anthropic, expect.stop_reason);
  assertEquals(anthropic.stopSequence, expect.stop_sequence, "stop sequence");
  assertEquals(
    anthropic.content as unknown[],
    blocks.map(({ input_text: _, ...block }) => block),
    "content blocks",
  );
  assertEquals(anthropic.text, of("text").map((block) => block.text).join(""), "text");
  assertEquals(
    anthropic.reasoning,
    of("thinking").map((block) => block.thinking).join(""),
    "reasoning",
  );
  assertEquals(
    anthropic.toolCalls as unknown[],
    of("tool_use").map((block) => ({ id: block.id, name: block.name, arguments: block.input })),
    "tool calls",
  );
  const usage = expect.usage as Record<string, number>;
  // inputTokens counts every input token: uncached, cache writes and cache reads.
  const input = usage.input_tokens! + usage.cache_creation_input_tokens! +
    usage.cache_read_input_tokens!;
  assertEquals(
    {
      inputTokens: anthropic.usage.inputTokens,
      outputTokens: anthropic.usage.outputTokens,
      totalTokens: anthropic.usage.totalTokens,
      cachedInputTokens: anthropic.usage.cachedInputTokens,
      cacheCreationInputTokens: anthropic.usage.cacheCreationInputTokens,
      cacheReadInputTokens: anthropic.usage.cacheReadInputTokens,
    },
    {
      inputTokens: input,
      outputTokens: usage.output_tokens,
      totalTokens: input + usage.output_tokens!,
      cachedInputTokens: usage.cache_read_input_tokens,
      cacheCreationInputTokens: usage.cache_creation_input_tokens,
      cacheReadInputTokens: usage.cache_read_input_tokens,
    },
    "usage",
  );
  assertEquals(anthropic.message?.content, anthropic.content, "message content");
}

/** Fails unless `result` is what the manifest expects of `entry`. */
function checkResult(entry: Entry, result: StreamResult): void {
  if (entry.file.startsWith("ollama/")) checkOllama(entry, result);
  else if (entry.file.startsWith("openai/")) checkOpenAI(entry, result);
  else checkAnthropic(entry, result);
}

/** Fails unless `error` is the mid-stream error the manifest expects of `entry`, with the partial answer. */
function checkProviderError(entry: Entry, error: unknown): void {
  const expect = entry.expect;
  const expected = expect.error as string | Json;
  assertErrorLike(error, "ProviderError");
  const { type, body, partial } = error as Error & {
    type?: string;
    body?: unknown;
    partial?: StreamResult;
  };
  assert(partial !== undefined, "the error carries the partial result");
  if (typeof expected === "string") {
    // Ollama: a bare {"error": "…"} line.
    assertEquals(error.message, expected, "message");
    assertEquals(body, { error: expected }, "body");
    assertEquals(partial.text, expect.response, "partial text");
    assertEquals(partial.finishReason, undefined, "partial finish reason");
    assertEquals(partial.rawFinishReason, undefined, "partial raw finish reason");
    return;
  }
  assertEquals(type, expected.type, "type");
  if (entry.file.startsWith("openai/")) {
    assertEquals(error.message, expected.message, "message");
    assertEquals(body, expected, "body");
    const first = (expect.choices as Json[])[0]!;
    assertEquals(partial.text, first.content, "partial text");
  } else {
    assertEquals(
      error.message,
      `Anthropic reported ${expected.type} mid-stream: ${expected.message}`,
      "message",
    );
    const text = (expect.content as Json[]).filter((block) => block.type === "text")
      .map((block) => block.text).join("");
    assertEquals(partial.text, text, "partial text");
    assertEquals((partial as AnthropicResult).id, expect.id, "partial id");
  }
}

/** Fails unless the server got the request the transcript records, as the client sends it. */
function checkRequest(entry: Entry, request: RecordedRequest | undefined): void {
  assert(request !== undefined, "the server recorded the request");
  assertEquals(request.method, "POST", "method");
  assertEquals(request.path, endpoints[entry.kind], "path");
  const body = request.body as Json;
  assertEquals(body.stream, true, "the body asks for a stream");
  for (const [key, value] of Object.entries(entry.request.body)) {
    if (key !== "stream") assertEquals(body[key], value, `the body's ${key}`);
  }
  const headers = request.headers;
  assert(
    headers["content-type"]?.startsWith("application/json"),
    `content-type: ${headers["content-type"]}`,
  );
  assertEquals(
    headers.accept,
    entry.file.endsWith(".sse") ? "text/event-stream" : "application/x-ndjson",
    "accept",
  );
  if (entry.file.startsWith("openai/")) {
    assertEquals(headers.authorization, `Bearer ${API_KEY}`, "authorization");
  }
  if (entry.file.startsWith("anthropic/")) {
    assertEquals(headers["x-api-key"], API_KEY, "x-api-key");
    assert(headers["anthropic-version"], "an anthropic-version header");
  }
}

// --- every transcript, through its client -------------------------------------------

for (const file of fixtureFiles) {
  test(`${clientOf(file)} client reconstructs ${file} served as the provider's endpoint`, async (ctx) => {
    const fixture = await entry(ctx, file);
    const id = ctx.id("provider");
    const stream = call(ctx, fixture, { id });
    let chunks = 0;
    if (fixture.expect.error === null) {
      for await (const _chunk of stream) chunks++;
      const result = await stream.result();
      checkResult(fixture, result);
      assertEquals(stream.stats.chunks, chunks, "stats.chunks");
      if (file.endsWith(".ndjson")) {
        const lines = referenceJsonLines(await transcript(ctx, file));
        assertEquals(chunks, lines.length, "one chunk per line");
      }
      assertEquals(await observed(ctx.baseUrl, id), "completed", "server's view of the request");
    } else {
      const error = await assertRejects(
        (async () => {
          for await (const _chunk of stream) chunks++;
        })(),
        "iterating a stream with an error in it",
      );
      checkProviderError(fixture, error);
      assert(chunks > 0, "chunks arrived before the error");
      const again = await assertRejects(stream.result(), "result()");
      assertErrorLike(again, "ProviderError", (error as Error).message);
      // The error may come before the server has sent its last byte: closed or completed, not open.
      const state = await observed(ctx.baseUrl, id);
      assert(state === "closed" || state === "completed", `server's view: ${state}`);
    }
    checkRequest(fixture, (await observation(ctx.baseUrl, id, 0)).request);

    // Once more, read as the normalized parts: they agree with the result (or the partial).
    const replay = call(ctx, fixture, {});
    const { parts, error } = await collectParts(replay);
    if (fixture.expect.error === null) {
      assertEquals(error, undefined, "the parts' error");
      assertPartsAgree(parts, await replay.result(), file);
    } else {
      assertErrorLike(error, "ProviderError");
      const partial = (error as { partial?: StreamResult }).partial;
      assert(partial !== undefined, "the error carries the partial result");
      assertPartsAgree(parts, partial, file, { partial: true });
    }
  });
}

// --- cancellation through a client ----------------------------------------------------

/** A short answer per client, and how many frames the server sends before it stalls or ends. */
const shortAnswers = [
  ["Ollama", "ollama/chat-text.ndjson"],
  ["OpenAI", "openai/chat-text.sse"],
  ["Anthropic", "anthropic/text.sse"],
] as const;
const FRAMES = 5;

for (const [client, file] of shortAnswers) {
  test(`a break out of for await over an ${client} stream closes the HTTP request`, async (ctx) => {
    const id = ctx.id("client-break");
    const stream = call(ctx, await entry(ctx, file), { id, stallAfter: FRAMES });
    let seen = 0;
    for await (const _chunk of stream) {
      if (++seen === 2) break;
    }
    assertEquals(seen, 2, "chunks read before the break");
    await assertServerSawClose(ctx.baseUrl, id);
    assertErrorLike(await assertRejects(stream.result(), "result() after the break"), "AbortError");
    // stream.partial keeps the answer up to the stop.
    const sent = await textOfFrames(ctx, file, FRAMES);
    assert(sent.startsWith(stream.partial.text), `partial text: ${stream.partial.text}`);
  });

  test(`stream.cancel() on an ${client} stream closes the HTTP request`, async (ctx) => {
    const id = ctx.id("client-cancel");
    const stream = call(ctx, await entry(ctx, file), { id, stallAfter: FRAMES });
    const reader = stream.readable.getReader();
    assert(!(await reader.read()).done, "a first chunk");
    await stream.cancel();
    await assertServerSawClose(ctx.baseUrl, id);
    // Stopped means stopped: no chunk parsed before the cancel trickles out after it.
    assertErrorLike(await assertRejects(reader.read(), "a read after cancel()"), "AbortError");
    assertErrorLike(await assertRejects(stream.result(), "result() after cancel()"), "AbortError");
    const sent = await textOfFrames(ctx, file, FRAMES);
    assert(sent.startsWith(stream.partial.text), `partial text: ${stream.partial.text}`);
  });

  test(`a caller's abort of an ${client} stream rejects with its reason and closes the HTTP request`, async (ctx) => {
    const id = ctx.id("client-abort");
    const controller = new AbortController();
    const stream = call(ctx, await entry(ctx, file), { id, stallAfter: FRAMES }, {
      signal: controller.signal,
    });
    let seen = 0;
    let afterAbort = 0;
    const error = await assertRejects(
      (async () => {
        for await (const _chunk of stream) {
          seen++;
          if (controller.signal.aborted) afterAbort++;
          else controller.abort(new RangeError("user stopped"));
        }
      })(),
      "iterating after the abort",
    );
    assert(seen > 0, "a chunk arrived before the abort");
    // As with fetch's own body: once aborted, the next read rejects; nothing already parsed trickles out.
    assertEquals(afterAbort, 0, "chunks delivered after the abort");
    assertErrorLike(error, "RangeError", "user stopped");
    assertErrorLike(
      await assertRejects(stream.result(), "result() after the abort"),
      "RangeError",
      "user stopped",
    );
    await assertServerSawClose(ctx.baseUrl, id);
  });

  test(`an ${client} stream cut off before its end marker rejects with IncompleteStreamError and the partial answer`, async (ctx) => {
    const id = ctx.id("client-cut");
    const stream = call(ctx, await entry(ctx, file), { id, endAfter: FRAMES });
    const error = await assertRejects(stream.result(), "result() of a cut-off stream");
    assertErrorLike(error, "IncompleteStreamError");
    const partial = (error as { partial?: StreamResult }).partial;
    const text = await textOfFrames(ctx, file, FRAMES);
    assert(text !== "", "the frames sent hold some text");
    assertEquals(partial?.text, text, "partial text");
    assertEquals(await observed(ctx.baseUrl, id), "completed", "server's view of the request");
  });
}

// --- the idle timeout --------------------------------------------------------------------

for (const [client, file] of shortAnswers.slice(0, 2)) {
  test(`an idle stall of an ${client} stream rejects with TimeoutError (phase "idle") and the partial answer`, async (ctx) => {
    const id = ctx.id("client-idle");
    const stream = call(ctx, await entry(ctx, file), { id, stallAfter: FRAMES }, {
      idleTimeout: 150,
    });
    const started = Date.now();
    const error = await assertRejects(stream.result(), "result() during the stall");
    const elapsed = Date.now() - started;
    assertErrorLike(error, "TimeoutError");
    const { phase, ms, partial } = error as Error & {
      phase?: string;
      ms?: number;
      partial?: StreamResult;
    };
    assertEquals(phase, "idle", "phase");
    assertEquals(ms, 150, "ms");
    assertEquals(partial?.text, await textOfFrames(ctx, file, FRAMES), "partial text");
    assert(elapsed >= 100 && elapsed < 1000, `the idle timeout fired after ${elapsed} ms`);
    await assertServerSawClose(ctx.baseUrl, id);
  });
}

// --- HTTP errors and retries ---------------------------------------------------------------

const httpErrors = [
  {
    client: "Ollama",
    file: "ollama/chat-text.ndjson",
    status: 404,
    model: "llama9",
    providerMessage: "model 'llama9' not found",
    type: undefined,
    hint: " (pull it first: ollama pull llama9)",
  },
  {
    client: "OpenAI",
    file: "openai/chat-text.sse",
    status: 404,
    model: "gpt-9",
    providerMessage: "The model 'gpt-9' does not exist or you do not have access to it.",
    type: "invalid_request_error",
    hint: "",
  },
  {
    client: "Anthropic",
    file: "anthropic/text.sse",
    status: 529,
    model: "claude-sonnet-4-6",
    providerMessage: "Overloaded",
    type: "overloaded_error",
    hint: "",
  },
] as const;

for (const expected of httpErrors) {
  test(`an HTTP ${expected.status} from ${expected.client} reaches the caller as an HttpError with the provider's message`, async (ctx) => {
    const fixture = await entry(ctx, expected.file);
    const id = ctx.id("client-http-error");
    const stream = call(
      ctx,
      { ...fixture, request: { body: { ...fixture.request.body, model: expected.model } } },
      { id, status: expected.status },
    );
    const error = await assertRejects(stream.result(), "result()");
    assertErrorLike(error, "HttpError");
    const { status, providerMessage, type, partial } = error as Error & {
      status?: number;
      providerMessage?: string;
      type?: string;
      partial?: StreamResult;
    };
    assertEquals(status, expected.status, "status");
    assertEquals(providerMessage, expected.providerMessage, "provider message");
    assertEquals(type, expected.type, "type");
    // Every stream error carries partial: the empty result, as nothing arrived.
    assert(partial !== undefined, "the error carries partial");
    assertEquals(
      [partial.text, partial.reasoning, partial.toolCalls, partial.usage, partial.finishReason],
      ["", "", [], {}, undefined],
      "partial",
    );
    assert(
      error.message.startsWith(`HTTP ${expected.status}`) &&
        error.message.endsWith(`: ${expected.providerMessage}${expected.hint}`),
      `message: ${error.message}`,
    );
    assert(!error.message.includes(API_KEY), "no API key in the message");
    assertErrorLike(await assertRejects(stream.response, "stream.response"), "HttpError");
    const seen = await observation(ctx.baseUrl, id, 0);
    assertEquals(seen.attempts, 1, "attempts with maxRetries: 0");
    assertEquals((seen.request?.body as Json | undefined)?.model, expected.model, "model sent");
  });
}

test("a 429 with Retry-After: 0 from OpenAI is retried, and the stream then succeeds", async (ctx) => {
  const fixture = await entry(ctx, "openai/chat-text.sse");
  const id = ctx.id("client-retry");
  const stream = call(ctx, fixture, { id, failFirst: 429 }, { maxRetries: 1 });
  checkResult(fixture, await stream.result());
  assertEquals((await observation(ctx.baseUrl, id)).attempts, 2, "attempts");
});

// --- textStream and toResponse -------------------------------------------------------------

for (const file of ["ollama/chat-thinking.ndjson", "anthropic/thinking.sse"] as const) {
  test(`textStream of an ${clientOf(file)} stream yields the answer's text deltas, without the reasoning`, async (ctx) => {
    const fixture = await entry(ctx, file);
    const stream = call(ctx, fixture, {});
    const pieces: string[] = [];
    for await (const text of stream.textStream) pieces.push(text);
    assert(pieces.length > 1, `several deltas: ${pieces.length}`);
    assert(pieces.every((piece) => typeof piece === "string" && piece !== ""), "no empty deltas");
    const result = await stream.result();
    checkResult(fixture, result);
    assertEquals(pieces.join(""), result.text, "the deltas join to the text");
    assert(result.reasoning !== "", "the answer has reasoning, kept out of textStream");
  });
}

test('toResponse({ format: "sse" }) of an OpenAI stream reads back through an OpenAI client as the same answer', async (ctx) => {
  const fixture = await entry(ctx, "openai/chat-parallel-tools-usage.sse");
  const stream = call(ctx, fixture, {});
  const response = await stream.toResponse({ format: "sse" });
  assert(
    response.headers.get("content-type")?.startsWith("text/event-stream"),
    `content-type: ${response.headers.get("content-type")}`,
  );
  const again = new OpenAI({ ...defaults, fetch: () => Promise.resolve(response) })
    .chat(fixture.request.body as never);
  checkResult(fixture, await again.result());
  checkResult(fixture, await stream.result());
});

test("result() resolves while a reader holds the stream unread (getReader(), tee()), and the reader still gets every chunk", async (ctx) => {
  const fixture = await entry(ctx, "openai/chat-parallel-tools-usage.sse");
  const held = call(ctx, fixture, {});
  const reader = held.readable.getReader();
  checkResult(fixture, await held.result());
  let chunks = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) chunks++;
  assert(chunks > 0, "the reader got the chunks result() read ahead");
  const teed = call(ctx, fixture, {});
  const [a, b] = teed.tee();
  checkResult(fixture, await teed.result());
  let first = 0;
  let second = 0;
  for await (const _ of iterate(a)) first++;
  for await (const _ of iterate(b)) second++;
  assertEquals([first, second], [chunks, chunks], "both branches have every chunk");
});

test('toResponse({ format: "sse" }) of an Anthropic stream reads back through an Anthropic client as the same answer', async (ctx) => {
  const fixture = await entry(ctx, "anthropic/thinking-parallel-tools.sse");
  const stream = call(ctx, fixture, {});
  const response = await stream.toResponse({ format: "sse" });
  const again = new Anthropic({ ...defaults, fetch: () => Promise.resolve(response) })
    .messages(fixture.request.body as never);
  checkResult(fixture, await again.result());
  checkResult(fixture, await stream.result());
});

test('toResponse({ format: "sse" }) of an Ollama stream decodes to the lines the server sent', async (ctx) => {
  const file = "ollama/chat-tools.ndjson";
  const fixture = await entry(ctx, file);
  const stream = call(ctx, fixture, {});
  const response = await stream.toResponse({ format: "sse" });
  assert(response.body !== null, "a body");
  const events = await readAll(decodeServerSentEvents(response.body));
  assertEquals(
    events.map((event) => JSON.parse(event.data)),
    referenceJsonLines(await transcript(ctx, file)),
    "the chunks, as sent",
  );
  checkResult(fixture, await stream.result());
});

for (
  const file of [
    "ollama/chat-tools.ndjson",
    "openai/chat-parallel-tools-usage.sse",
    "anthropic/thinking-parallel-tools.sse",
  ] as const
) {
  for (const format of ["sse", "ndjson"] as const) {
    test(`fromResponse reads an ${clientOf(file)} stream's toResponse({ format: "${format}" }) back as the same answer`, async (ctx) => {
      const fixture = await entry(ctx, file);
      const stream = call(ctx, fixture, {});
      const response = await stream.toResponse({ format });
      // The provider's own reader, named by the header, assembles the same result.
      const again = fromResponse(response);
      const texts: string[] = [];
      for await (const text of again.textStream) texts.push(text);
      const result = await again.result();
      checkResult(fixture, result);
      assertEquals(texts.join(""), result.text, "the deltas join to the text");
      checkResult(fixture, await stream.result());
    });
  }
}

// --- the Responses API (issue 16) ------------------------------------------------------------

/** A Responses API call of a transcript under `tests/testdata/openai-responses/`. */
function responsesCall(
  ctx: TestContext,
  file: string,
  scenario: Scenario,
  options: RequestOptions = {},
): OpenAIResponsesStream {
  const client = new OpenAI({ ...defaults, baseURL: ctx.url("openai/v1"), apiKey: API_KEY });
  return client.responses(
    { model: "gpt-5", input: "Tell me a story" },
    { ...options, headers: scenarioHeaders(file, scenario) },
  );
}

/** Fails unless a Responses result is what the transcript says. */
function checkResponsesResult(
  result: OpenAIResponsesResult,
  transcript: ResponsesTranscript,
): void {
  const expect = transcript.expect;
  assertEquals(result.text, expect.text, "text");
  assertEquals(result.reasoning, expect.reasoning, "reasoning");
  assertEquals(
    result.toolCalls.map(({ id, name, arguments: args }) => ({ id, name, arguments: args })),
    expect.toolCalls,
    "toolCalls",
  );
  assertEquals(result.finishReason, expect.finishReason, "finishReason");
  assertEquals(result.rawFinishReason, expect.rawFinishReason, "rawFinishReason");
  const { raw: _sent, ...usage } = result.usage;
  assertEquals(usage as unknown, expect.usage, "usage");
  assertEquals(result.output as unknown, expect.output, "output");
  assertEquals(result.refusal, expect.refusal ?? "", "refusal");
  assertEquals(result.id, expect.id, "id");
  assertEquals(result.done, expect.done, "done");
}

for (const transcript of RESPONSES_TRANSCRIPTS) {
  const file = responsesFile(transcript);
  test(`OpenAI client responses() reconstructs ${file} served as the Responses endpoint`, async (ctx) => {
    const id = ctx.id("responses");
    const stream = responsesCall(ctx, file, { id });
    let chunks = 0;
    let result: OpenAIResponsesResult;
    if (transcript.error === undefined) {
      for await (const _chunk of stream) chunks++;
      assertEquals(chunks, transcript.events.length, "one chunk per event");
      result = await stream.result();
      assertEquals(await observed(ctx.baseUrl, id), "completed", "server's view of the request");
    } else {
      const error = await assertRejects(
        (async () => {
          for await (const _chunk of stream) chunks++;
        })(),
        "iterating a stream that fails",
      );
      assertErrorLike(error, transcript.error.name);
      assert(transcript.error.message.test(error.message), `message: ${error.message}`);
      if (transcript.error.type !== undefined) {
        assertEquals((error as { type?: string }).type, transcript.error.type, "type");
      }
      const partial = (error as { partial?: OpenAIResponsesResult }).partial;
      assert(partial !== undefined, "the error carries the partial result");
      result = partial;
    }
    checkResponsesResult(result, transcript);
    const request = (await observation(ctx.baseUrl, id, 0)).request;
    assertEquals(request?.path, "/openai/v1/responses", "path");
    assertEquals((request?.body as Json).stream, true, "the body asks for a stream");
    assertEquals(request?.headers.authorization, `Bearer ${API_KEY}`, "authorization");
    assertEquals(request?.headers.accept, "text/event-stream", "accept");

    // Once more, read as the normalized parts: they agree with the result (or the partial).
    const replay = responsesCall(ctx, file, {});
    const { parts, error } = await collectParts(replay);
    if (transcript.error === undefined) {
      assertEquals(error, undefined, "the parts' error");
      assertPartsAgree(parts, await replay.result(), file);
    } else {
      assertErrorLike(error, transcript.error.name);
      const partial = (error as { partial?: StreamResult }).partial;
      assert(partial !== undefined, "the error carries the partial result");
      assertPartsAgree(parts, partial, file, { partial: true });
    }
  });
}

const RESPONSES_TEXT = RESPONSES_TRANSCRIPTS[0]!;

test("a break out of for await over an OpenAI responses() stream closes the HTTP request", async (ctx) => {
  const id = ctx.id("responses-break");
  const stream = responsesCall(ctx, responsesFile(RESPONSES_TEXT), { id, stallAfter: 6 });
  let seen = 0;
  for await (const _chunk of stream) {
    if (++seen === 2) break;
  }
  await assertServerSawClose(ctx.baseUrl, id);
  assertErrorLike(await assertRejects(stream.result(), "result() after the break"), "AbortError");
});

test("an OpenAI responses() stream cut off before its terminal event rejects with IncompleteStreamError and the partial answer", async (ctx) => {
  const stream = responsesCall(ctx, responsesFile(RESPONSES_TEXT), { endAfter: 5 });
  const error = await assertRejects(stream.result(), "result() of a cut-off stream");
  assertErrorLike(error, "IncompleteStreamError");
  const partial = (error as { partial?: OpenAIResponsesResult }).partial;
  assertEquals(partial?.text, "Under the soft glow", "partial text");
  assertEquals(partial?.id, RESPONSES_TEXT.expect.id, "partial id");
});

test('toResponse({ format: "sse" }) of an OpenAI responses() stream re-emits the Responses framing', async (ctx) => {
  const transcript = RESPONSES_TRANSCRIPTS[2]!;
  const stream = responsesCall(ctx, responsesFile(transcript), {});
  const response = await stream.toResponse({ format: "sse" });
  assert(response.body !== null, "a body");
  const [mine, theirs] = response.body.tee();
  const events = await readAll(decodeServerSentEvents(mine));
  assertEquals(
    events.map((event) => event.event),
    transcript.events.map((event) => event.type as string),
    "event names",
  );
  const again = new OpenAI({ ...defaults, fetch: () => Promise.resolve(new Response(theirs)) })
    .responses({ model: "gpt-5", input: "x" });
  checkResponsesResult(await again.result(), transcript);
});

test("streamText runs a two-step tool loop through the Responses API of the mock server", async () => {
  const server = createMockServer();
  const model = openai("gpt-4.1-mini", {
    fetch: server.fetch,
    baseURL: "http://mock/v1",
    api: "responses",
    responses: { store: false, reasoning: { effort: "low", summary: "auto" } },
  });
  const result = await streamText({
    model,
    prompt: "Weather in Paris?",
    maxSteps: 3,
    tools: {
      weather: {
        parameters: { type: "object", properties: { city: { type: "string" } } },
        execute: (args: unknown) => ({ ...(args as Json), sky: "sunny" }),
      },
    },
  }).result();
  assertEquals(result.steps.length, 2, "steps");
  assertEquals(result.steps[0]!.finishReason, "tool-calls", "the first step's finish");
  assertEquals(result.finishReason, "stop", "finish");
  const input = (server.requests[1]!.body as Json).input as Json[];
  assertEquals(
    input.map((item) => item.type ?? item.role),
    ["user", "reasoning", "function_call", "function_call_output"],
    "the second request's input",
  );
  assert(typeof input[1]!.encrypted_content === "string", "the reasoning's encrypted content");
});
