/** The mock's model list: which models it accepts, and the 404 each provider sends for another. */
import assert from "node:assert/strict";
import { createMockServer, type MockServer } from "../../src/testing/mod.ts";
import { ANTHROPIC, ask, post } from "./_helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

interface Endpoint {
  path: string;
  body(model: string): Json;
  headers?: Record<string, string>;
}

const OLLAMA: Endpoint[] = [
  { path: "/api/chat", body: (model) => ({ model, messages: ask("Hi") }) },
  { path: "/api/generate", body: (model) => ({ model, prompt: "Hi" }) },
  { path: "/api/embed", body: (model) => ({ model, input: "Hi" }) },
  { path: "/api/show", body: (model) => ({ model }) },
];
const OPENAI: Endpoint[] = [
  { path: "/v1/chat/completions", body: (model) => ({ model, messages: ask("Hi"), stream: true }) },
  { path: "/v1/completions", body: (model) => ({ model, prompt: "Hi", stream: true }) },
];
const ANTHROPIC_MESSAGES: Endpoint = {
  path: "/v1/messages",
  body: (model) => ({ model, max_tokens: 64, messages: ask("Hi"), stream: true }),
  headers: ANTHROPIC,
};

function send(server: MockServer, endpoint: Endpoint, model: string, fault?: string) {
  const headers = { ...endpoint.headers, ...(fault ? { "x-mock-fault": fault } : {}) };
  return post(server, endpoint.path, endpoint.body(model), { headers });
}

/** The status and body of a response that must be an error (read whole). */
async function errorOf(response: Response): Promise<{ status: number; body: Json }> {
  return { status: response.status, body: await response.json() };
}

Deno.test("mock with a model list answers Ollama's own 404 for another model", async () => {
  const server = createMockServer({ models: ["llama3.2:latest", "qwen3:8b"] });
  for (const endpoint of OLLAMA) {
    const { status, body } = await errorOf(await send(server, endpoint, "mistral"));
    assert.equal(status, 404, endpoint.path);
    assert.deepEqual(body, { error: "model 'mistral' not found" }, endpoint.path);
  }
  const other = await errorOf(await send(server, OLLAMA[0]!, "qwen3:14b"));
  assert.deepEqual(other, { status: 404, body: { error: "model 'qwen3:14b' not found" } });
  // The body is the one the 404 fault sends.
  const fault = await errorOf(
    await send(createMockServer(), OLLAMA[0]!, "mistral", "404"),
  );
  assert.deepEqual(fault, { status: 404, body: { error: "model 'mistral' not found" } });
});

Deno.test("mock with a model list answers OpenAI's model_not_found for another model", async () => {
  const server = createMockServer({ models: ["gpt-4.1-mini"] });
  for (const endpoint of OPENAI) {
    const response = await send(server, endpoint, "gpt-5-imaginary");
    assert.equal(response.status, 404, endpoint.path);
    assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
    assert.deepEqual((await response.json()).error, {
      message: "The model `gpt-5-imaginary` does not exist or you do not have access to it.",
      type: "invalid_request_error",
      param: null,
      code: "model_not_found",
    }, endpoint.path);
  }
  const fault = await errorOf(
    await send(createMockServer(), OPENAI[0]!, "gpt-5-imaginary", "404"),
  );
  assert.equal(fault.body.error.code, "model_not_found");
});

Deno.test("mock with a model list answers Anthropic's not_found_error for another model", async () => {
  const server = createMockServer({ models: ["claude-sonnet-4-6"] });
  const response = await send(server, ANTHROPIC_MESSAGES, "claude-imaginary");
  assert.equal(response.status, 404);
  const body = await response.json();
  assert.equal(body.type, "error");
  assert.deepEqual(body.error, { type: "not_found_error", message: "model: claude-imaginary" });
  const fault = await (await send(createMockServer(), ANTHROPIC_MESSAGES, "x", "404")).json();
  assert.equal(fault.error.type, "not_found_error");
});

Deno.test("mock with a model list serves the listed models, with or without Ollama's :latest", async () => {
  const server = createMockServer({
    models: ["llama3.2:latest", "nomic-embed-text", "gpt-4.1-mini", "claude-sonnet-4-6"],
  });
  const cases: [Endpoint, string][] = [
    [OLLAMA[0]!, "llama3.2"],
    [OLLAMA[0]!, "llama3.2:latest"],
    [OLLAMA[2]!, "nomic-embed-text:latest"],
    [OLLAMA[3]!, "nomic-embed-text"],
    [OPENAI[0]!, "gpt-4.1-mini"],
    [ANTHROPIC_MESSAGES, "claude-sonnet-4-6"],
  ];
  for (const [endpoint, model] of cases) {
    const response = await send(server, endpoint, model);
    assert.equal(response.status, 200, `${endpoint.path} ${model}`);
    await response.body?.cancel();
  }
  // Faults still apply to a listed model, in the model name as in the header.
  const faulty = await send(server, OLLAMA[0]!, "llama3.2:fault=503");
  assert.equal(faulty.status, 503);
  await faulty.body?.cancel();
});

Deno.test("mock without a model list accepts any model, and lists its default models", async () => {
  const server = createMockServer();
  for (const endpoint of [...OLLAMA, ...OPENAI, ANTHROPIC_MESSAGES]) {
    const response = await send(server, endpoint, "any-model-at-all");
    assert.equal(response.status, 200, endpoint.path);
    await response.body?.cancel();
  }
  const tags = await (await server.fetch("http://mock/api/tags")).json();
  assert.deepEqual(tags.models.map((m: { name: string }) => m.name), [
    "llama3.2:latest",
    "qwen3:8b",
    "gpt-4.1-mini:latest",
    "claude-sonnet-4-6:latest",
  ]);
});

Deno.test("mock records a refused model's request with its 404 status", async () => {
  const server = createMockServer({ models: ["llama3.2"] });
  await (await send(server, OLLAMA[0]!, "mistral")).body?.cancel();
  assert.equal(server.requests.length, 1);
  assert.equal(server.requests[0]?.model, "mistral");
  assert.equal(server.requests[0]?.status, 404);
  assert.equal(await server.requests[0]?.settled, "completed");
});
