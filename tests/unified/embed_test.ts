import assert from "node:assert/strict";
import {
  cosineSimilarity,
  DEFAULT_MAX_PARALLEL_CALLS,
  embed,
  type EmbeddingModel,
  embedMany,
  ollama,
  OLLAMA_MAX_EMBEDDINGS_PER_CALL,
  ollamaEmbedding,
  openai,
  OPENAI_MAX_EMBEDDINGS_PER_CALL,
  openaiEmbedding,
} from "../../src/unified/mod.ts";
import { createMockServer, type MockServer } from "../../src/testing/mod.ts";
import { Ollama } from "../../src/providers/ollama/mod.ts";
import { HttpError } from "../../src/errors/http_error.ts";
import { TimeoutError } from "../../src/errors/timeout_error.ts";
import { ParseError } from "../../src/errors/parse_error.ts";

type Kind = "ollama" | "openai" | "ollama-v1";
const KINDS: Kind[] = ["ollama", "openai", "ollama-v1"];

function modelFor(
  kind: Kind,
  fetch: typeof globalThis.fetch,
  extra: { maxEmbeddingsPerCall?: number; dimensions?: number } = {},
  name = "embedder",
): EmbeddingModel {
  const options = { fetch, retryDelay: 1, ...extra };
  if (kind === "ollama") return ollama.embedding(name, { ...options, host: "http://mock" });
  if (kind === "openai") {
    return openai.embedding(name, { ...options, baseURL: "http://mock/v1", apiKey: "sk" });
  }
  // Ollama's OpenAI-compatible API.
  return openai.embedding(name, { ...options, baseURL: "http://mock:11434/v1" });
}

/** A fetch that counts the requests in flight, each held for a timer tick. */
function counting(mock: MockServer): { fetch: typeof globalThis.fetch; peak: () => number } {
  let inFlight = 0;
  let peak = 0;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 0));
      return await mock.fetch(input, init);
    } finally {
      inFlight--;
    }
  };
  return { fetch, peak: () => peak };
}

function inputsOf(mock: MockServer): unknown[] {
  return mock.requests.map((request) => (request.body as { input: unknown }).input);
}

for (const kind of KINDS) {
  Deno.test(`embed (${kind}) returns the vector, the token count and the response`, async () => {
    const mock = createMockServer();
    const model = modelFor(kind, mock.fetch);
    const result = await embed({ model, value: "sunny day at the beach" });
    assert.equal(result.value, "sunny day at the beach");
    assert.equal(result.embedding.length, 16);
    assert.ok(Math.abs(Math.hypot(...result.embedding) - 1) < 1e-6);
    assert.deepEqual(result.usage, { inputTokens: 7 });
    assert.equal(result.response.status, 200);
    assert.equal(result.response.model, "embedder");
    assert.ok(result.response.headers.get("content-type")?.startsWith("application/json"));
    assert.equal(mock.requests.length, 1);
    assert.equal(
      mock.requests[0]!.path,
      kind === "ollama" ? "/api/embed" : "/v1/embeddings",
    );
    // The same input, the same vector; whichever API asked.
    const again = await embed({ model: modelFor("ollama", mock.fetch), value: result.value });
    assert.deepEqual(again.embedding, result.embedding);
    assert.equal(cosineSimilarity(again.embedding, result.embedding), 1);
  });

  Deno.test(`embedMany (${kind}) splits the values into batches under the concurrency bound`, async () => {
    const mock = createMockServer();
    const { fetch, peak } = counting(mock);
    const model = modelFor(kind, fetch, { maxEmbeddingsPerCall: 3 });
    const values = Array.from({ length: 11 }, (_, i) => `value ${i}`);
    const result = await embedMany({ model, values });
    assert.equal(mock.requests.length, 4);
    const batches = inputsOf(mock) as string[][];
    assert.deepEqual(batches.map((batch) => batch.length).sort(), [2, 3, 3, 3]);
    assert.deepEqual(batches.flat().sort(), [...values].sort());
    assert.equal(peak(), DEFAULT_MAX_PARALLEL_CALLS);
    // In the order of the values, whatever order the batches finished in.
    assert.equal(result.embeddings.length, 11);
    for (const [i, value] of values.entries()) {
      const single = await embed({ model, value });
      assert.deepEqual(result.embeddings[i], single.embedding);
    }
    assert.deepEqual(result.values, values);
    assert.deepEqual(result.usage, { inputTokens: 11 * 3 });
    assert.equal(result.responses.length, 4);
    assert.ok(result.responses.every((response) => response.status === 200));
  });
}

Deno.test("embedMany's per-call options win over the model's batch size", async () => {
  const mock = createMockServer();
  const { fetch, peak } = counting(mock);
  const model = modelFor("openai", fetch, { maxEmbeddingsPerCall: 3 });
  await embedMany({
    model,
    values: ["a", "b", "c", "d", "e"],
    maxEmbeddingsPerCall: 1,
    maxParallelCalls: 4,
  });
  assert.deepEqual(inputsOf(mock), [["a"], ["b"], ["c"], ["d"], ["e"]]);
  assert.equal(peak(), 4);
  mock.reset();
  const serial = counting(mock);
  await embedMany({
    model: modelFor("ollama", serial.fetch),
    values: ["a", "b", "c"],
    maxEmbeddingsPerCall: 2,
    maxParallelCalls: 1,
  });
  assert.deepEqual(inputsOf(mock), [["a", "b"], ["c"]]);
  assert.equal(serial.peak(), 1);
});

Deno.test("embedMany sends one request when the values fit, and none for an empty list", async () => {
  const mock = createMockServer();
  const model = modelFor("ollama", mock.fetch);
  const result = await embedMany({ model, values: ["a", "b"] });
  assert.deepEqual(inputsOf(mock), [["a", "b"]]);
  assert.equal(result.embeddings.length, 2);
  const empty = await embedMany({ model, values: [] });
  assert.deepEqual(empty, { values: [], embeddings: [], usage: {}, responses: [] });
  assert.equal(mock.requests.length, 1);
});

Deno.test("the embedding models document their default batch sizes", () => {
  const fetch = createMockServer().fetch;
  assert.equal(modelFor("ollama", fetch).maxEmbeddingsPerCall, OLLAMA_MAX_EMBEDDINGS_PER_CALL);
  assert.equal(modelFor("openai", fetch).maxEmbeddingsPerCall, OPENAI_MAX_EMBEDDINGS_PER_CALL);
  assert.equal(OLLAMA_MAX_EMBEDDINGS_PER_CALL, 512);
  assert.equal(OPENAI_MAX_EMBEDDINGS_PER_CALL, 2048);
  assert.equal(ollama.embedding, ollamaEmbedding);
  assert.equal(openai.embedding, openaiEmbedding);
  const model = ollama.embedding("nomic-embed-text", { fetch });
  assert.deepEqual({ ...model }, {
    provider: "ollama",
    modelId: "nomic-embed-text",
    maxEmbeddingsPerCall: 512,
  });
  assert.ok(Object.isFrozen(model));
});

Deno.test("embedMany stops at the first failure and aborts the requests in flight", async () => {
  const mock = createMockServer();
  const seen: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const body = JSON.parse(String(init?.body)) as { input: string[] };
    seen.push(body.input[0]!);
    if (body.input[0] === "b") return Response.json({ error: "boom" }, { status: 400 });
    // Held until aborted.
    await new Promise((_, reject) => {
      init?.signal?.addEventListener("abort", () => reject(init.signal!.reason), { once: true });
    });
    return mock.fetch(input, init);
  };
  const model = ollama.embedding("e", { fetch, host: "http://mock", maxRetries: 0 });
  await assert.rejects(
    embedMany({ model, values: ["a", "b", "c", "d"], maxEmbeddingsPerCall: 1 }),
    (error: unknown) => error instanceof HttpError && error.status === 400,
  );
  // "a" was in flight and aborted; "c" and "d" were never sent.
  assert.deepEqual(seen, ["a", "b"]);
});

Deno.test("embed and embedMany take the request options: signal, abortSignal, timeout, retries", async () => {
  const mock = createMockServer();
  const model = modelFor("openai", mock.fetch);
  const reason = new Error("stop");
  await assert.rejects(
    embed({ model, value: "a", abortSignal: AbortSignal.abort(reason) }),
    (error: unknown) => error === reason,
  );
  await assert.rejects(
    embedMany({ model, values: ["a", "b"], signal: AbortSignal.abort(reason) }),
    (error: unknown) => error === reason,
  );
  await assert.rejects(
    embed({
      model: modelFor("ollama", mock.fetch, {}, "e:fault=slow-headers:2000"),
      value: "a",
      timeout: 20,
    }),
    TimeoutError,
  );
  mock.reset();
  const retried = await embedMany({
    model: modelFor("openai", mock.fetch, {}, "e:fault=503x1"),
    values: ["a"],
    maxRetries: 1,
  });
  assert.equal(retried.embeddings.length, 1);
  assert.deepEqual(mock.requests.map((request) => request.status), [503, 200]);
  await assert.rejects(
    embed({ model: modelFor("openai", mock.fetch, {}, "e:fault=503"), value: "a", maxRetries: 0 }),
    (error: unknown) => error instanceof HttpError && error.status === 503,
  );
});

Deno.test("the embedding model's own settings reach the request", async () => {
  const mock = createMockServer();
  await embed({ model: modelFor("ollama", mock.fetch, { dimensions: 4 }, "e"), value: "a" });
  const base64 = openai.embedding("e", {
    fetch: mock.fetch,
    baseURL: "http://mock/v1",
    dimensions: 4,
    encodingFormat: "base64",
    user: "u1",
  });
  const decoded = await embed({ model: base64, value: "a" });
  assert.deepEqual(mock.requests.map((request) => request.body), [
    { model: "e", input: ["a"], dimensions: 4 },
    { model: "e", input: ["a"], dimensions: 4, encoding_format: "base64", user: "u1" },
  ]);
  assert.equal(decoded.embedding.length, 4);
  const client = new Ollama({ host: "http://mock", fetch: mock.fetch });
  const reused = await embed({ model: ollama.embedding("e", { client }), value: "a" });
  assert.equal(reused.embedding.length, 16);
});

Deno.test("embed and embedMany reject a wrong model, value or count", async () => {
  const fetch = createMockServer().fetch;
  const model = modelFor("ollama", fetch);
  await assert.rejects(embed({ model: ollama("llama3.2") as never, value: "a" }), TypeError);
  await assert.rejects(embed({ model, value: 1 as never }), TypeError);
  await assert.rejects(embedMany({ model, values: "a" as never }), TypeError);
  await assert.rejects(embedMany({ model, values: ["a", 2 as never] }), TypeError);
  await assert.rejects(embedMany({ model, values: ["a"], maxParallelCalls: 0 }), RangeError);
  await assert.rejects(embedMany({ model, values: ["a"], maxEmbeddingsPerCall: 1.5 }), RangeError);
  assert.throws(() => ollama.embedding(""), TypeError);
  assert.throws(() => openai.embedding("e", { maxEmbeddingsPerCall: 0 }), RangeError);
});

Deno.test("embedMany reports a provider that sends the wrong number of vectors", async () => {
  const fetch = () => Promise.resolve(Response.json({ model: "e", embeddings: [[1, 0]] }));
  const model = ollama.embedding("e", { fetch });
  await assert.rejects(
    embedMany({ model, values: ["a", "b"] }),
    (error: unknown) => error instanceof ParseError && /Expected 2 embeddings/.test(error.message),
  );
});
