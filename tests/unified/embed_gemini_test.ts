import assert from "node:assert/strict";
import {
  embed,
  embedMany,
  gemini,
  GEMINI_MAX_EMBEDDINGS_PER_CALL,
  geminiEmbedding,
  ollama,
} from "../../src/unified/mod.ts";
import { createMockServer } from "../../src/testing/mod.ts";
import { Gemini } from "../../src/providers/gemini/mod.ts";

Deno.test("embed (gemini) sends :embedContent and gives the mock's vector", async () => {
  const mock = createMockServer();
  const model = gemini.embedding("embedder", { apiKey: "key", fetch: mock.fetch });
  const result = await embed({ model, value: "sunny day at the beach" });
  assert.equal(mock.requests[0]!.path, "/v1beta/models/embedder:embedContent");
  assert.deepEqual(result.usage, {});
  assert.equal(result.response.status, 200);
  const same = await embed({
    model: ollama.embedding("embedder", { fetch: mock.fetch }),
    value: "sunny day at the beach",
  });
  assert.deepEqual(result.embedding, same.embedding);
});

Deno.test("embedMany (gemini) splits into :batchEmbedContents of at most 100 by default", async () => {
  const mock = createMockServer();
  let inFlight = 0;
  let peak = 0;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    peak = Math.max(peak, ++inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 0));
      return await mock.fetch(input, init);
    } finally {
      inFlight--;
    }
  };
  const model = gemini.embedding("embedder", {
    apiKey: "key",
    fetch,
    dimensions: 4,
    taskType: "RETRIEVAL_DOCUMENT",
  });
  assert.equal(model.maxEmbeddingsPerCall, GEMINI_MAX_EMBEDDINGS_PER_CALL);
  assert.equal(gemini.embedding, geminiEmbedding);
  const values = Array.from({ length: 250 }, (_, i) => `doc ${i}`);
  const result = await embedMany({ model, values, maxParallelCalls: 3 });
  const batches = mock.requests.map((request) =>
    (request.body as { requests: { taskType: string; outputDimensionality: number }[] }).requests
  );
  assert.deepEqual(batches.map((batch) => batch.length).sort(), [100, 100, 50]);
  assert.ok(batches.flat().every((r) => r.taskType === "RETRIEVAL_DOCUMENT"));
  assert.ok(batches.flat().every((r) => r.outputDimensionality === 4));
  assert.equal(peak, 3);
  assert.equal(result.embeddings.length, 250);
  const last = await embed({
    model: geminiEmbedding("embedder", {
      client: new Gemini({ apiKey: "key", fetch: mock.fetch }),
      dimensions: 4,
    }),
    value: "doc 249",
  });
  assert.deepEqual(result.embeddings[249], last.embedding);
  assert.deepEqual(result.usage, {});
});
