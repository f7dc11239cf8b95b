/**
 * The `Gemini` client against the test server's emulation of the Gemini API
 * (`/gemini/v1beta/models/<model>:streamGenerateContent`), which answers from
 * the transcripts in `tests/testdata/gemini/` in random pieces: each
 * transcript assembled as `tests/providers/gemini/_transcripts.ts` expects,
 * the request as the client sends it, cancellation reaching the network, the
 * idle timeout, HTTP errors and a retry, a body cut before its finish reason,
 * `toResponse()`; and a two-step tool loop through `streamText` against the
 * in-process mock server.
 *
 * @module
 */

import {
  Gemini,
  type GeminiGenerateContentOptions,
  type GeminiResult,
} from "../../src/providers/gemini/mod.ts";
import { gemini, streamText } from "../../src/unified/mod.ts";
import { createMockServer } from "../../src/testing/mod.ts";
import type { RequestOptions } from "../../src/http/request_options.ts";
import {
  assert,
  assertEquals,
  assertErrorLike,
  assertRejects,
  test,
  type TestContext,
} from "./harness.ts";
import { assertServerSawClose, observation, observed } from "./_helpers.ts";
import { assertPartsAgree, collectParts } from "../_parts.ts";
import { type Transcript, transcripts } from "../providers/gemini/_transcripts.ts";

const API_KEY = "AIza-conformance-0123456789";
const MODEL = "gemini-2.5-flash";
const REQUEST = {
  model: MODEL,
  contents: [{ role: "user" as const, parts: [{ text: "Hi" }] }],
  generationConfig: { temperature: 0 },
};

const defaults: RequestOptions = {
  maxRetries: 0,
  retryDelay: 1,
  timeout: 2000,
  idleTimeout: 2000,
};

interface Scenario {
  id?: string;
  status?: number;
  failFirst?: number;
  stallAfter?: number;
  endAfter?: number;
}

function seedOf(name: string): number {
  return [...name].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) >>> 0, 13);
}

/** A call of the client against the server, serving `gemini/<name>.sse` as the scenario says. */
function call(
  ctx: TestContext,
  name: string,
  scenario: Scenario,
  options: GeminiGenerateContentOptions = {},
) {
  const headers: Record<string, string> = {
    "x-sluice-fixture": `gemini/${name}.sse`,
    "x-sluice-seed": String(seedOf(name)),
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
  const client = new Gemini({ ...defaults, baseURL: ctx.url("gemini/v1beta"), apiKey: API_KEY });
  return client.generateContent(REQUEST, { ...options, headers });
}

/** The answer text of a transcript's first `frames` events, read without the library. */
function textOfEvents(transcript: Transcript, frames: number): string {
  let text = "";
  for (const event of transcript.events.slice(0, frames)) {
    const candidates = (event.candidates ?? []) as {
      content?: { parts?: { text?: string; thought?: boolean }[] };
    }[];
    for (const part of candidates[0]?.content?.parts ?? []) {
      if (typeof part.text === "string" && part.thought !== true) text += part.text;
    }
  }
  return text;
}

/** Fails unless a result is what the transcript expects (made-up ids compared loosely). */
function checkResult(transcript: Transcript, result: GeminiResult): void {
  const expect = transcript.expect;
  assertEquals(result.text, expect.text, "text");
  assertEquals(result.reasoning, expect.reasoning, "reasoning");
  assertEquals(
    result.toolCalls.map(({ id, name, arguments: args }) => ({
      id: /^call_[0-9a-z]+$/.test(id) ? undefined : id,
      name,
      arguments: args,
    })),
    expect.toolCalls,
    "tool calls",
  );
  assertEquals(result.finishReason, expect.finishReason, "finish reason");
  assertEquals(result.rawFinishReason, expect.rawFinishReason, "raw finish reason");
  const { raw: _, ...usage } = result.usage;
  assertEquals(usage, expect.usage, "usage");
  assertEquals(result.content as unknown, { role: "model", parts: expect.parts }, "content");
  assertEquals(result.id, expect.id, "id");
  assertEquals(result.model, expect.model, "model");
}

const byName = (name: string) => transcripts.find((t) => t.name === name)!;

// --- every transcript, through the client -----------------------------------------------

for (const transcript of transcripts) {
  test(`Gemini client reconstructs gemini/${transcript.name}.sse served as the provider's endpoint`, async (ctx) => {
    const id = ctx.id("gemini");
    const stream = call(ctx, transcript.name, { id });
    let chunks = 0;
    const error = await (async () => {
      for await (const _chunk of stream) chunks++;
    })().then(() => undefined, (e) => e);
    const expected = transcript.expect.error;
    let result: GeminiResult;
    if (expected === undefined) {
      assertEquals(error, undefined, "no error");
      result = await stream.result();
      assertEquals(chunks, transcript.events.length, "one chunk per event");
      assertEquals(await observed(ctx.baseUrl, id), "completed", "server's view of the request");
    } else {
      assertErrorLike(error, expected);
      const partial = (error as { partial?: GeminiResult }).partial;
      assert(partial !== undefined, "the error carries the partial result");
      result = partial;
    }
    checkResult(transcript, result);

    const seen = (await observation(ctx.baseUrl, id, 0)).request;
    assert(seen !== undefined, "the server recorded the request");
    assertEquals(seen.path, `/gemini/v1beta/models/${MODEL}:streamGenerateContent`, "path");
    assertEquals(seen.headers["x-goog-api-key"], API_KEY, "x-goog-api-key");
    assertEquals(seen.headers.accept, "text/event-stream", "accept");
    const { model: _, ...body } = REQUEST;
    assertEquals(seen.body, body, "the body, without the model (it is in the URL)");

    // Once more, read as the normalized parts: they agree with the result (or the partial).
    const replay = call(ctx, transcript.name, {});
    const parts = await collectParts(replay);
    if (expected === undefined) {
      assertEquals(parts.error, undefined, "the parts' error");
      assertPartsAgree(parts.parts, await replay.result(), transcript.name);
    } else {
      assertErrorLike(parts.error, expected);
      const partial = (parts.error as { partial?: GeminiResult }).partial!;
      assertPartsAgree(parts.parts, partial, transcript.name, { partial: true });
    }
  });
}

// --- cancellation, timeouts, a cut-off body ----------------------------------------------

test("a break out of for await over a Gemini stream closes the HTTP request", async (ctx) => {
  const id = ctx.id("gemini-break");
  const stream = call(ctx, "thoughts-then-text", { id, stallAfter: 3 });
  let seen = 0;
  for await (const _chunk of stream) {
    if (++seen === 2) break;
  }
  assertEquals(seen, 2, "chunks read before the break");
  await assertServerSawClose(ctx.baseUrl, id);
  assertErrorLike(await assertRejects(stream.result(), "result() after the break"), "AbortError");
  assertEquals(stream.partial.reasoning, byName("thoughts-then-text").expect.reasoning, "partial");
});

test("stream.cancel() and a caller's abort of a Gemini stream close the HTTP request", async (ctx) => {
  const cancelId = ctx.id("gemini-cancel");
  const stream = call(ctx, "text", { id: cancelId, stallAfter: 2 });
  const reader = stream.readable.getReader();
  assert(!(await reader.read()).done, "a first chunk");
  await stream.cancel();
  await assertServerSawClose(ctx.baseUrl, cancelId);
  assertErrorLike(await assertRejects(reader.read(), "a read after cancel()"), "AbortError");

  const abortId = ctx.id("gemini-abort");
  const controller = new AbortController();
  const aborted = call(ctx, "text", { id: abortId, stallAfter: 2 }, { signal: controller.signal });
  const error = await assertRejects(
    (async () => {
      for await (const _chunk of aborted) controller.abort(new RangeError("user stopped"));
    })(),
    "iterating after the abort",
  );
  assertErrorLike(error, "RangeError", "user stopped");
  await assertServerSawClose(ctx.baseUrl, abortId);
});

test("a Gemini stream cut off before its finish reason rejects with IncompleteStreamError and the partial answer", async (ctx) => {
  const id = ctx.id("gemini-cut");
  const stream = call(ctx, "text", { id, endAfter: 2 });
  const error = await assertRejects(stream.result(), "result() of a cut-off stream");
  assertErrorLike(error, "IncompleteStreamError");
  const partial = (error as { partial?: GeminiResult }).partial;
  assertEquals(partial?.text, textOfEvents(byName("text"), 2), "partial text");
  assertEquals(partial?.finishReason, undefined, "no finish reason");
  assertEquals(await observed(ctx.baseUrl, id), "completed", "server's view of the request");
});

test('an idle stall of a Gemini stream rejects with TimeoutError (phase "idle") and the partial answer', async (ctx) => {
  const id = ctx.id("gemini-idle");
  const stream = call(ctx, "text", { id, stallAfter: 1 }, { idleTimeout: 150 });
  const error = await assertRejects(stream.result(), "result() during the stall");
  assertErrorLike(error, "TimeoutError");
  const { phase, partial } = error as Error & { phase?: string; partial?: GeminiResult };
  assertEquals(phase, "idle", "phase");
  assertEquals(partial?.text, textOfEvents(byName("text"), 1), "partial text");
  await assertServerSawClose(ctx.baseUrl, id);
});

// --- HTTP errors and retries -----------------------------------------------------------

test("an HTTP 404 from Gemini reaches the caller as an HttpError with Google's message", async (ctx) => {
  const id = ctx.id("gemini-http-error");
  const stream = call(ctx, "text", { id, status: 404 });
  const error = await assertRejects(stream.result(), "result()");
  assertErrorLike(error, "HttpError");
  const { status, providerMessage } = error as Error & {
    status?: number;
    providerMessage?: string;
  };
  assertEquals(status, 404, "status");
  assert(
    providerMessage?.startsWith(`models/${MODEL} is not found for API version v1beta`),
    `provider message: ${providerMessage}`,
  );
  assert(error.message.startsWith("HTTP 404"), `message: ${error.message}`);
  assert(!error.message.includes(API_KEY), "no API key in the message");
  assertEquals((await observation(ctx.baseUrl, id, 0)).attempts, 1, "attempts");
});

test("a 503 from Gemini is retried, and the stream then succeeds", async (ctx) => {
  const id = ctx.id("gemini-retry");
  const stream = call(ctx, "text", { id, failFirst: 503 }, { maxRetries: 1 });
  checkResult(byName("text"), await stream.result());
  assertEquals((await observation(ctx.baseUrl, id)).attempts, 2, "attempts");
});

// --- toResponse and the unified tool loop -------------------------------------------------

test('toResponse({ format: "sse" }) of a Gemini stream reads back through a Gemini client as the same answer', async (ctx) => {
  const transcript = byName("parallel-function-calls");
  const stream = call(ctx, transcript.name, {});
  const response = await stream.toResponse({ format: "sse" });
  const again = new Gemini({ ...defaults, fetch: () => Promise.resolve(response) })
    .generateContent(REQUEST);
  checkResult(transcript, await again.result());
  checkResult(transcript, await stream.result());
});

test("a two-step tool loop through streamText against the mock's Gemini sends the signed turn back", async () => {
  const mock = createMockServer();
  const result = await streamText({
    model: gemini(MODEL, { fetch: mock.fetch, thinkingConfig: { includeThoughts: true } }),
    prompt: "Weather in Lisbon?",
    tools: {
      get_weather: {
        parameters: {
          type: "object",
          properties: { city: { type: "string" } },
          required: ["city"],
        },
        execute: (args) => ({ ...(args as { city: string }), celsius: 21 }),
      },
    },
    maxSteps: 2,
  }).result();
  assertEquals(result.steps.map((step) => step.finishReason), ["tool-calls", "stop"], "steps");
  const contents = (mock.requests[1]?.body as { contents: { parts: Record<string, unknown>[] }[] })
    .contents;
  const signed = contents[1]?.parts.find((part) => part.functionCall !== undefined);
  assert(typeof signed?.thoughtSignature === "string", "the function call's signature went back");
  assert(contents[2]?.parts[0]?.functionResponse !== undefined, "then the function response");
});
