/**
 * The mock serves other clients too: ollama-js, openai-node and the Vercel AI
 * SDK stream a chat from `createMockServer()` through their `fetch` option (no
 * socket), and get the text the mock serves, in several deltas.
 *
 * The npm packages are pinned to exact versions and used by tests only; the
 * library itself depends on none of them.
 */
import assert from "node:assert/strict";
// Inline and exact, not in deno.json's imports: the published package must not depend on them.
// deno-lint-ignore no-import-prefix
import { Ollama } from "npm:ollama@0.6.4/browser";
// deno-lint-ignore no-import-prefix
import OpenAI from "npm:openai@7.55.0";
// deno-lint-ignore no-import-prefix
import { streamText } from "npm:ai@7.0.173";
// deno-lint-ignore no-import-prefix
import { createOpenAICompatible } from "npm:@ai-sdk/openai-compatible@3.0.92";
import { createMockServer } from "../../src/testing/mod.ts";

/** Several tokens, non-ASCII included, so a decoder that splits wrongly shows. */
const REPLY = "Streams arrive token by token — café, 東京 and 😀 included.";
const PROMPT = "Why stream answers?";

Deno.test("ollama-js streams a chat from the mock", async () => {
  const server = createMockServer({ reply: REPLY });
  const ollama = new Ollama({ host: "http://mock.test:11434", fetch: server.fetch });
  const stream = await ollama.chat({
    model: "llama3.2",
    messages: [{ role: "user", content: PROMPT }],
    stream: true,
  });
  const deltas: string[] = [];
  let done = false;
  for await (const part of stream) {
    if (part.message.content !== "") deltas.push(part.message.content);
    if (part.done) done = part.done_reason === "stop";
  }
  assert.equal(deltas.join(""), REPLY);
  assert.ok(deltas.length > 3, `several deltas, got ${deltas.length}`);
  assert.ok(done, "the final chunk says done_reason stop");
  const [request] = server.requests;
  assert.equal(request?.path, "/api/chat");
  assert.equal(request?.model, "llama3.2");
  assert.equal(await request?.settled, "completed");
});

Deno.test("openai-node streams a chat completion from the mock", async () => {
  const server = createMockServer({ reply: REPLY });
  const openai = new OpenAI({
    apiKey: "sk-mock",
    baseURL: "http://mock.test/v1",
    fetch: server.fetch,
    maxRetries: 0,
  });
  const stream = await openai.chat.completions.create({
    model: "gpt-4.1-mini",
    messages: [{ role: "user", content: PROMPT }],
    stream: true,
    stream_options: { include_usage: true },
  });
  const deltas: string[] = [];
  let finishReason: string | null | undefined;
  let outputTokens: number | undefined;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (choice?.delta.content) deltas.push(choice.delta.content);
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (chunk.usage) outputTokens = chunk.usage.completion_tokens;
  }
  assert.equal(deltas.join(""), REPLY);
  assert.ok(deltas.length > 3, `several deltas, got ${deltas.length}`);
  assert.equal(finishReason, "stop");
  assert.ok(outputTokens !== undefined && outputTokens > 0, "usage in the last chunk");
  const [request] = server.requests;
  assert.equal(request?.path, "/v1/chat/completions");
  assert.equal(request?.model, "gpt-4.1-mini");
  assert.equal(await request?.settled, "completed");
});

Deno.test("the AI SDK (streamText, OpenAI-compatible provider) streams from the mock", async () => {
  const server = createMockServer({ reply: REPLY });
  const provider = createOpenAICompatible({
    name: "mock",
    baseURL: "http://mock.test/v1",
    fetch: server.fetch,
    includeUsage: true,
  });
  const result = streamText({ model: provider("gpt-4.1-mini"), prompt: PROMPT, maxRetries: 0 });
  const deltas: string[] = [];
  for await (const delta of result.textStream) deltas.push(delta);
  assert.equal(deltas.join(""), REPLY);
  assert.ok(deltas.length > 3, `several deltas, got ${deltas.length}`);
  assert.equal(await result.text, REPLY);
  assert.equal(await result.finishReason, "stop");
  const [request] = server.requests;
  assert.equal(request?.path, "/v1/chat/completions");
  assert.equal((request?.body as { stream?: boolean }).stream, true);
  assert.equal(await request?.settled, "completed");
});
