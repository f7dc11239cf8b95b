import assert from "node:assert/strict";
import { OpenAI } from "../../../src/providers/openai/mod.ts";
import { createMockServer } from "../../../src/testing/mod.ts";
import { ParseError } from "../../../src/errors/parse_error.ts";
import { HttpError } from "../../../src/errors/http_error.ts";
import { TimeoutError } from "../../../src/errors/timeout_error.ts";

function client(fetch: typeof globalThis.fetch): OpenAI {
  return new OpenAI({ baseURL: "http://mock/v1", apiKey: "sk-test", fetch, retryDelay: 1 });
}

/** Little-endian float32 bytes of a vector, as base64. */
function base64Of(vector: number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return btoa(String.fromCharCode(...new Uint8Array(view.buffer)));
}

function answer(data: unknown[]): () => Promise<Response> {
  return () =>
    Promise.resolve(Response.json({
      object: "list",
      data,
      model: "text-embedding-3-small",
      usage: { prompt_tokens: 3, total_tokens: 3 },
    }));
}

Deno.test("OpenAI.embeddings posts to /embeddings and returns the typed answer", async () => {
  const mock = createMockServer();
  const response = await client(mock.fetch).embeddings({
    model: "text-embedding-3-small",
    input: ["sky", "sea"],
    dimensions: 8,
  });
  assert.equal(mock.requests.length, 1);
  assert.equal(mock.requests[0]!.path, "/v1/embeddings");
  assert.deepEqual(mock.requests[0]!.body, {
    model: "text-embedding-3-small",
    input: ["sky", "sea"],
    dimensions: 8,
  });
  assert.equal(response.object, "list");
  assert.equal(response.model, "text-embedding-3-small");
  assert.deepEqual(response.data.map((item) => [item.object, item.index]), [
    ["embedding", 0],
    ["embedding", 1],
  ]);
  for (const item of response.data) assert.equal(item.embedding.length, 8);
  assert.deepEqual(response.usage, { prompt_tokens: 4, total_tokens: 4 });
});

Deno.test("OpenAI.embeddings decodes base64 vectors as little-endian float32", async () => {
  const vector = [1, -2.5, 0.1, 3.4028234663852886e38, 0];
  const openai = client(answer([{ object: "embedding", index: 0, embedding: base64Of(vector) }]));
  const response = await openai.embeddings({
    model: "text-embedding-3-small",
    input: "x",
    encoding_format: "base64",
  });
  assert.deepEqual(response.data[0]!.embedding, vector.map(Math.fround));
});

Deno.test("OpenAI.embeddings gives the same numbers for base64 and float from the mock", async () => {
  const openai = client(createMockServer().fetch);
  const request = { model: "text-embedding-3-small", input: ["sky", "sea", "sand"] };
  const floats = await openai.embeddings(request);
  const decoded = await openai.embeddings({ ...request, encoding_format: "base64" });
  assert.deepEqual(
    decoded.data.map((item) => item.embedding),
    floats.data.map((item) => item.embedding.map(Math.fround)),
  );
});

Deno.test("OpenAI.embeddings sorts the vectors by index", async () => {
  const openai = client(answer([
    { object: "embedding", index: 1, embedding: [2] },
    { object: "embedding", index: 0, embedding: [1] },
  ]));
  const response = await openai.embeddings({ model: "m", input: ["a", "b"] });
  assert.deepEqual(response.data.map((item) => item.embedding), [[1], [2]]);
});

Deno.test("OpenAI.embeddings reports a vector that is neither numbers nor base64", async () => {
  for (const embedding of ["not base64!", "AAAAAAA=", 7]) {
    const openai = client(answer([{ object: "embedding", index: 0, embedding }]));
    await assert.rejects(
      openai.embeddings({ model: "m", input: "a" }),
      (error: unknown) =>
        error instanceof ParseError && /embedding.* at data\[0\]/.test(error.message),
    );
  }
  const openai = client(() => Promise.resolve(Response.json({ object: "list" })));
  await assert.rejects(openai.embeddings({ model: "m", input: "a" }), ParseError);
});

Deno.test("OpenAI.embeddings needs a model and an input", async () => {
  const openai = client(createMockServer().fetch);
  await assert.rejects(
    openai.embeddings({ model: "m" } as never),
    TypeError,
  );
});

Deno.test("OpenAI.embeddings retries a 429 and reports a 404 as the mock sends them", async () => {
  const mock = createMockServer();
  const openai = client(mock.fetch);
  const response = await openai.embeddings({ model: "m:fault=429:0x1", input: "a" });
  assert.equal(response.data.length, 1);
  assert.deepEqual(mock.requests.map((request) => request.status), [429, 200]);
  await assert.rejects(
    openai.embeddings({ model: "m:fault=404", input: "a" }),
    (error: unknown) => error instanceof HttpError && error.status === 404,
  );
});

Deno.test("OpenAI.embeddings honours the caller's signal and the timeout", async () => {
  const mock = createMockServer();
  const openai = client(mock.fetch);
  const controller = new AbortController();
  const reason = new Error("stop");
  controller.abort(reason);
  await assert.rejects(
    openai.embeddings({ model: "m", input: "a" }, { signal: controller.signal }),
    (error: unknown) => error === reason,
  );
  await assert.rejects(
    openai.embeddings({ model: "m:fault=slow-headers:2000", input: "a" }, { timeout: 20 }),
    TimeoutError,
  );
});
