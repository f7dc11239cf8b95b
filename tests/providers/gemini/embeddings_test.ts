import assert from "node:assert/strict";
import { Gemini } from "../../../src/providers/gemini/mod.ts";
import { createMockServer } from "../../../src/testing/mod.ts";
import { HttpError } from "../../../src/errors/http_error.ts";
import { TimeoutError } from "../../../src/errors/timeout_error.ts";

function client(fetch: typeof globalThis.fetch): Gemini {
  return new Gemini({ apiKey: "key", fetch, retryDelay: 1 });
}

Deno.test("Gemini.embedContent posts to :embedContent and returns the vector", async () => {
  const mock = createMockServer();
  const answer = await client(mock.fetch).embedContent({
    model: "gemini-embedding-001",
    content: { parts: [{ text: "sky" }] },
    taskType: "RETRIEVAL_QUERY",
    outputDimensionality: 8,
  });
  assert.equal(answer.embedding.values.length, 8);
  const request = mock.requests[0]!;
  assert.equal(request.path, "/v1beta/models/gemini-embedding-001:embedContent");
  assert.equal(request.headers.get("x-goog-api-key"), "[redacted]");
  assert.deepEqual(request.body, {
    content: { parts: [{ text: "sky" }] },
    taskType: "RETRIEVAL_QUERY",
    outputDimensionality: 8,
  });
});

Deno.test("Gemini.batchEmbedContents names the model in each request and keeps the order", async () => {
  const mock = createMockServer();
  const gemini = client(mock.fetch);
  const batch = await gemini.batchEmbedContents({
    model: "gemini-embedding-001",
    requests: [
      { content: { parts: [{ text: "sky" }] } },
      { content: { parts: [{ text: "sea" }] }, model: "models/gemini-embedding-001" },
    ],
  });
  const single = await gemini.embedContent({
    model: "gemini-embedding-001",
    content: { parts: [{ text: "sea" }] },
  });
  assert.equal(batch.embeddings.length, 2);
  assert.deepEqual(batch.embeddings[1], single.embedding);
  assert.deepEqual(
    (mock.requests[0]!.body as { requests: { model: string }[] }).requests.map((r) => r.model),
    ["models/gemini-embedding-001", "models/gemini-embedding-001"],
  );
});

Deno.test("Gemini embeddings take the faults, the signal and the timeout", async () => {
  const mock = createMockServer();
  const gemini = client(mock.fetch);
  const content = { parts: [{ text: "a" }] };
  const retried = await gemini.embedContent({ model: "e:fault=429:0x1", content });
  assert.equal(retried.embedding.values.length, 16);
  assert.deepEqual(mock.requests.map((request) => request.status), [429, 200]);
  await assert.rejects(
    gemini.batchEmbedContents({ model: "e", requests: [] }),
    (error: unknown) => error instanceof HttpError && error.status === 400,
  );
  const reason = new Error("stop");
  await assert.rejects(
    gemini.embedContent({ model: "e", content }, { signal: AbortSignal.abort(reason) }),
    (error: unknown) => error === reason,
  );
  await assert.rejects(
    gemini.embedContent({ model: "e:fault=slow-headers:2000", content }, { timeout: 20 }),
    TimeoutError,
  );
  await assert.rejects(gemini.batchEmbedContents({ model: "e" } as never), TypeError);
});
