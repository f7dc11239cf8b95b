import assert from "node:assert/strict";
import {
  Gemini,
  type GeminiGenerateContentResponse,
  type GeminiResult,
} from "../../../src/providers/gemini/mod.ts";
import { HttpError } from "../../../src/errors/http_error.ts";
import { IncompleteStreamError } from "../../../src/errors/incomplete_stream_error.ts";
import { ProviderError } from "../../../src/errors/provider_error.ts";
import { assertPartsAgree, collectParts } from "../../_parts.ts";
import { chunkings, fakeFetch } from "../anthropic/_helpers.ts";
import {
  type Expected,
  RATE_LIMIT_BODY,
  sseBody,
  type Transcript,
  transcripts,
} from "./_transcripts.ts";

const API_KEY = "AIzaSyTest-0123456789abcdef";
const REQUEST = {
  model: "gemini-2.5-flash",
  contents: [{ role: "user" as const, parts: [{ text: "Hi" }] }],
};
const testdata = new URL("../../testdata/gemini/", import.meta.url);

/** Ids sluice made up (the server sent none) differ per stream: compared loosely. */
const loose = (value: unknown) =>
  JSON.parse(JSON.stringify(value ?? null).replace(/"call_[0-9a-z]+"/g, '"call_*"'));

/** Fails unless `result` is what the transcript expects, field by field. */
function assertExpected(result: GeminiResult, expect: Expected, label: string): void {
  assert.equal(result.text, expect.text, `${label}: text`);
  assert.equal(result.reasoning, expect.reasoning, `${label}: reasoning`);
  assert.equal(result.toolCalls.length, expect.toolCalls.length, `${label}: tool calls`);
  result.toolCalls.forEach((call, i) => {
    const want = expect.toolCalls[i]!;
    if (want.id === undefined) assert.match(call.id, /^call_[0-9a-z]+$/, `${label}: made-up id`);
    else assert.equal(call.id, want.id, `${label}: id`);
    assert.deepEqual(
      { name: call.name, arguments: call.arguments },
      { name: want.name, arguments: want.arguments },
      `${label}: call ${i}`,
    );
  });
  assert.equal(new Set(result.toolCalls.map((c) => c.id)).size, result.toolCalls.length);
  assert.equal(result.finishReason, expect.finishReason, `${label}: finishReason`);
  assert.equal(result.rawFinishReason, expect.rawFinishReason, `${label}: rawFinishReason`);
  const { raw, ...shared } = result.usage;
  assert.deepEqual(shared, expect.usage, `${label}: usage`);
  assert.deepEqual(result.content, { role: "model", parts: expect.parts }, `${label}: content`);
  assert.equal(result.id, expect.id, `${label}: id`);
  assert.equal(result.model, expect.model, `${label}: model`);
  if (raw !== undefined) assert.equal(raw.promptTokenCount, expect.usage.inputTokens);
}

interface Outcome {
  chunks: GeminiGenerateContentResponse[];
  result?: GeminiResult;
  error?: unknown;
}

/** Streams the transcript under every chunking; each must give the same outcome. */
async function run(transcript: Transcript): Promise<Outcome> {
  const body = sseBody(transcript.events);
  let first: Outcome | undefined;
  for (const { label, pieces } of chunkings(body)) {
    const fetch = fakeFetch(pieces);
    const gemini = new Gemini({ apiKey: API_KEY, fetch, maxRetries: 0 });
    const stream = gemini.generateContent(REQUEST);
    const outcome: Outcome = { chunks: [] };
    try {
      for await (const chunk of stream) outcome.chunks.push(chunk);
      outcome.result = await stream.result();
    } catch (error) {
      outcome.error = error;
    }
    const what = `${transcript.name}, ${label}`;
    // The chunks are the events as sent (an error event is not a chunk).
    assert.deepEqual(
      outcome.chunks,
      transcript.events.filter((event) => !("error" in event)),
      `${what}: chunks`,
    );
    if (first === undefined) first = outcome;
    else {
      assert.deepEqual(loose(outcome.result), loose(first.result), `${what}: result`);
      assert.equal(String(outcome.error), String(first.error), `${what}: error`);
      assert.deepEqual(
        loose((outcome.error as { partial?: unknown } | undefined)?.partial),
        loose((first.error as { partial?: unknown } | undefined)?.partial),
        `${what}: partial`,
      );
    }
    const request = fetch.calls[0]!;
    assert.equal(
      request.url,
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    );
    assert.equal(request.headers.get("x-goog-api-key"), API_KEY);
    assert.ok(!request.url.includes(API_KEY));
  }
  return first!;
}

for (const transcript of transcripts) {
  Deno.test(`Gemini assembles the ${transcript.name} transcript under every chunking`, async () => {
    const stored = await (await fetch(new URL(`${transcript.name}.sse`, testdata))).text();
    assert.equal(stored, sseBody(transcript.events), "the stored transcript is this one");

    const outcome = await run(transcript);
    const expect = transcript.expect;
    let result: GeminiResult;
    if (expect.error === undefined) {
      assert.equal(outcome.error, undefined);
      result = outcome.result!;
      assert.deepEqual(result.lastChunk, transcript.events.at(-1));
    } else {
      const error = outcome.error as { partial?: GeminiResult };
      assert.ok(
        expect.error === "IncompleteStreamError"
          ? error instanceof IncompleteStreamError
          : error instanceof ProviderError,
        String(error),
      );
      assert.ok(error.partial, "the error carries the partial result");
      result = error.partial;
    }
    assertExpected(result, expect, transcript.name);

    // A replay read as the normalized parts: they agree with the result (or the partial).
    const gemini = new Gemini({
      fetch: fakeFetch(chunkings(sseBody(transcript.events))[0]!.pieces),
    });
    const replay = gemini.generateContent(REQUEST);
    const { parts, error } = await collectParts(replay);
    assert.equal(String(error), String(outcome.error));
    const final = error === undefined
      ? await replay.result()
      : (error as { partial: GeminiResult }).partial;
    assertPartsAgree(parts, final, transcript.name, { partial: error !== undefined });
    assert.deepEqual(
      parts.filter((part) => part.type === "raw").map((part) => part.type === "raw" && part.value),
      expect.raw,
    );
  });
}

Deno.test("Gemini keeps a blocked prompt's feedback and ends with a content-filter finish", async () => {
  const transcript = transcripts.find((t) => t.name === "blocked-prompt")!;
  const { result } = await run(transcript);
  assert.ok(result);
  assert.deepEqual(result.promptFeedback, transcript.events[0]!.promptFeedback);
  assert.deepEqual(result.candidates, []);
  assert.deepEqual(result.response?.promptFeedback, transcript.events[0]!.promptFeedback);
});

Deno.test("Gemini keeps safety ratings and citations on the assembled candidate", async () => {
  const safety = (await run(transcripts.find((t) => t.name === "safety")!)).result!;
  assert.deepEqual(safety.candidates[0]?.safetyRatings, [
    { category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true },
    { category: "HARM_CATEGORY_HARASSMENT", probability: "NEGLIGIBLE" },
  ]);
  const text = (await run(transcripts.find((t) => t.name === "text")!)).result!;
  assert.equal(
    text.candidates[0]?.citationMetadata?.citationSources?.[0]?.uri,
    "https://en.wikipedia.org/wiki/Rayleigh_scattering",
  );
  assert.deepEqual(text.response?.candidates, text.candidates);
  assert.equal(text.response?.responseId, "rsp-text-1");
  assert.equal(text.usage.raw?.totalTokenCount, 30);
});

Deno.test("Gemini reports a mid-stream error event as a ProviderError with Gemini's status", async () => {
  const { error } = await run(transcripts.find((t) => t.name === "midstream-error")!);
  assert.ok(error instanceof ProviderError);
  assert.equal(error.type, "UNAVAILABLE");
  assert.equal(
    error.message,
    "Gemini reported UNAVAILABLE mid-stream: The model is overloaded. Please try again later.",
  );
});

Deno.test("an HTTP error from Gemini is an HttpError with the provider's message and status, key redacted", async () => {
  // A server that echoes the key must not leak it.
  const body = JSON.stringify({
    error: { ...RATE_LIMIT_BODY.error, message: `${RATE_LIMIT_BODY.error.message} ${API_KEY}` },
  });
  for (const { label, pieces } of chunkings(body)) {
    const fetch = fakeFetch(pieces, {
      status: 429,
      statusText: "Too Many Requests",
      headers: { "content-type": "application/json" },
    });
    const gemini = new Gemini({ apiKey: API_KEY, fetch, maxRetries: 0 });
    const stream = gemini.generateContent(REQUEST);
    const error = await stream.result().then(() => undefined, (e) => e);
    assert.ok(error instanceof HttpError, label);
    assert.equal(error.status, 429, label);
    assert.ok(error.providerMessage?.startsWith("You exceeded your current quota"), label);
    assert.ok(error.message.startsWith("HTTP 429 Too Many Requests: You exceeded"), label);
    assert.ok(!error.message.includes(API_KEY), label);
    assert.ok(!String(error.body).includes(API_KEY), label);
    assert.equal(error.type, "RESOURCE_EXHAUSTED", label);
    // Gemini says how long to wait in the body (RetryInfo), not in a Retry-After header.
    assert.equal(error.retryAfter, 20_000, label);
    assert.deepEqual(
      [error.partial?.text, error.partial?.toolCalls, error.partial?.finishReason],
      ["", [], undefined],
    );
    // stream: false fails the same way.
    const complete = await gemini.generateContent({ ...REQUEST, stream: false }).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(complete instanceof HttpError, label);
    assert.equal(complete.status, 429, label);
  }
});

Deno.test("a Gemini 429 is retried after the RetryInfo delay its body asks for", async () => {
  const text = sseBody(transcripts.find((t) => t.name === "text")!.events);
  const limited = JSON.stringify({
    error: {
      ...RATE_LIMIT_BODY.error,
      details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "0.05s" }],
    },
  });
  const times: number[] = [];
  const fetch = () => {
    times.push(performance.now());
    return Promise.resolve(
      times.length === 1
        ? new Response(limited, { status: 429, headers: { "content-type": "application/json" } })
        : new Response(text),
    );
  };
  const gemini = new Gemini({ fetch, maxRetries: 1, retryDelay: 1 });
  const result = await gemini.generateContent(REQUEST).result();
  assert.equal(result.finishReason, "stop");
  assert.equal(times.length, 2);
  assert.ok(times[1]! - times[0]! >= 45, `waited ${times[1]! - times[0]!} ms`);

  // A delay above the longest wait sluice accepts is not waited for: the 429 comes back at once.
  const long = JSON.stringify({
    error: {
      ...RATE_LIMIT_BODY.error,
      details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "120s" }],
    },
  });
  const once = () =>
    Promise.resolve(
      new Response(long, { status: 429, headers: { "content-type": "application/json" } }),
    );
  const error = await new Gemini({ fetch: once, maxRetries: 2 }).generateContent(REQUEST).result()
    .then(() => undefined, (e) => e);
  assert.ok(error instanceof HttpError);
  assert.equal(error.retryAfter, 120_000);
});

Deno.test("a 200 whose first Gemini event is UNAVAILABLE is retried like a 503, before any output", async () => {
  const overloaded = sseBody([{
    error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" },
  }]);
  const text = sseBody(transcripts.find((t) => t.name === "text")!.events);
  let calls = 0;
  const fetch = () => Promise.resolve(new Response(++calls === 1 ? overloaded : text));
  const result = await new Gemini({ fetch, maxRetries: 1, retryDelay: 1 })
    .generateContent(REQUEST).result();
  assert.equal(calls, 2);
  assert.equal(result.finishReason, "stop");
  // Without retries left, the error is the stream's.
  calls = 0;
  const error = await new Gemini({ fetch: () => Promise.resolve(new Response(overloaded)) })
    .generateContent(REQUEST, { maxRetries: 0 }).result().then(() => undefined, (e) => e);
  assert.ok(error instanceof ProviderError);
  assert.equal(error.type, "UNAVAILABLE");
});
