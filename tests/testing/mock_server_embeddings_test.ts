import assert from "node:assert/strict";
import { createMockServer } from "../../src/testing/mod.ts";
import { post } from "./_helpers.ts";

interface OpenAIAnswer {
  object: string;
  model: string;
  data: { object: string; index: number; embedding: number[] | string }[];
  usage: { prompt_tokens: number; total_tokens: number };
}

async function openaiEmbed(body: unknown, headers?: Record<string, string>) {
  const server = createMockServer();
  const init = headers ? { headers } : {};
  const response = await post(server, "/v1/embeddings", body, init);
  return { server, response };
}

Deno.test("mock /v1/embeddings answers deterministically: the same input, the same vector", async () => {
  const a = await (await openaiEmbed({ model: "e", input: ["sky", "sea"] })).response
    .json() as OpenAIAnswer;
  const b = await (await openaiEmbed({ model: "e", input: ["sea"] })).response
    .json() as OpenAIAnswer;
  const other = await (await openaiEmbed({ model: "f", input: "sea" })).response
    .json() as OpenAIAnswer;
  assert.equal(a.object, "list");
  assert.equal(a.model, "e");
  assert.deepEqual(a.data.map((item) => [item.object, item.index]), [
    ["embedding", 0],
    ["embedding", 1],
  ]);
  assert.deepEqual(a.data[1]!.embedding, b.data[0]!.embedding);
  assert.notDeepEqual(a.data[1]!.embedding, other.data[0]!.embedding);
  const vector = a.data[0]!.embedding as number[];
  assert.equal(vector.length, 16);
  assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-6);
  // About four characters a token, plus one per input.
  assert.deepEqual(a.usage, { prompt_tokens: 4, total_tokens: 4 });
});

Deno.test("mock /v1/embeddings honours dimensions and encoding_format", async () => {
  const { response } = await openaiEmbed({
    model: "e",
    input: "sky",
    dimensions: 4,
    encoding_format: "base64",
  });
  const answer = await response.json() as OpenAIAnswer;
  const encoded = answer.data[0]!.embedding as string;
  assert.equal(typeof encoded, "string");
  assert.equal(atob(encoded).length, 16);
});

Deno.test("mock /v1/embeddings sends OpenAI's 400 for a bad request", async () => {
  for (
    const body of [
      { input: "a" },
      { model: "e" },
      { model: "e", input: [] },
      { model: "e", input: [{}] },
      { model: "e", input: "a", encoding_format: "hex" },
      { model: "e", input: Array.from({ length: 2049 }, () => "a") },
    ]
  ) {
    const { response } = await openaiEmbed(body);
    assert.equal(response.status, 400, JSON.stringify(body).slice(0, 60));
    const error = (await response.json() as { error: { type: string } }).error;
    assert.equal(error.type, "invalid_request_error");
  }
});

Deno.test("mock /v1/embeddings takes the status and body faults", async () => {
  const rate = await openaiEmbed({ model: "e:fault=429", input: "a" });
  assert.equal(rate.response.status, 429);
  assert.equal(rate.response.headers.get("x-ratelimit-remaining-requests"), "0");
  await rate.response.body?.cancel();
  const header = await openaiEmbed({ model: "e", input: "a" }, { "x-mock-fault": "503" });
  assert.equal(header.response.status, 503);
  await header.response.body?.cancel();
  const cut = await openaiEmbed({ model: "e:fault=disconnect-after:1", input: "a" });
  assert.equal(cut.response.status, 200);
  await assert.rejects(cut.response.json(), SyntaxError);
});

Deno.test("mock /v1/embeddings refuses a model the server does not have", async () => {
  const server = createMockServer({ models: ["nomic-embed-text"] });
  const missing = await post(server, "/v1/embeddings", { model: "other", input: "a" });
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
  const known = await post(server, "/v1/embeddings", { model: "nomic-embed-text", input: "a" });
  assert.equal(known.status, 200);
  await known.body?.cancel();
});

Deno.test("mock /api/embed and /v1/embeddings give one model the same vector", async () => {
  const server = createMockServer();
  const native = await (await post(server, "/api/embed", { model: "e", input: "sky" })).json() as {
    embeddings: number[][];
  };
  const compatible = await (await post(server, "/v1/embeddings", { model: "e", input: "sky" }))
    .json() as OpenAIAnswer;
  assert.deepEqual(native.embeddings[0], compatible.data[0]!.embedding);
});

Deno.test("mock Gemini :embedContent and :batchEmbedContents answer deterministically", async () => {
  const server = createMockServer();
  const content = { parts: [{ text: "sky" }] };
  const single = await (await post(server, "/v1beta/models/e:embedContent", { content }))
    .json() as { embedding: { values: number[] } };
  const batch = await (await post(server, "/v1beta/models/e:batchEmbedContents", {
    requests: [{ model: "models/e", content }, {
      model: "models/e",
      content: { parts: [{ text: "sea" }] },
      outputDimensionality: 3,
    }],
  })).json() as { embeddings: { values: number[] }[] };
  assert.equal(single.embedding.values.length, 16);
  assert.deepEqual(batch.embeddings[0], single.embedding);
  assert.equal(batch.embeddings[1]!.values.length, 3);
  const empty = await post(server, "/v1beta/models/e:embedContent", { content: { parts: [] } });
  assert.equal(empty.status, 400);
  assert.equal(
    (await empty.json() as { error: { status: string } }).error.status,
    "INVALID_ARGUMENT",
  );
  const tooMany = await post(server, "/v1beta/models/e:batchEmbedContents", {
    requests: Array.from({ length: 101 }, () => ({ content })),
  });
  assert.equal(tooMany.status, 400);
  await tooMany.body?.cancel();
  const fault = await post(server, "/v1beta/models/e:fault=503:embedContent", { content });
  assert.equal(fault.status, 503);
  await fault.body?.cancel();
});
