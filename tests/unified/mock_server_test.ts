import assert from "node:assert/strict";
import {
  anthropic,
  type LanguageModel,
  ollama,
  openai,
  streamObject,
  type StreamPart,
  streamText,
} from "../../src/unified/mod.ts";
import { createMockServer } from "../../src/testing/mod.ts";
import { ProviderError } from "../../src/errors/provider_error.ts";

type Provider = "ollama" | "openai" | "anthropic";
const PROVIDERS: Provider[] = ["ollama", "openai", "anthropic"];

function modelFor(
  provider: Provider,
  fetch: typeof globalThis.fetch,
  name?: string,
): LanguageModel {
  const options = { fetch, retryDelay: 1 };
  if (provider === "ollama") return ollama(name ?? "llama3.2", { ...options, host: "http://mock" });
  if (provider === "openai") {
    return openai(name ?? "gpt-4.1-mini", { ...options, baseUrl: "http://mock/v1", apiKey: "sk" });
  }
  return anthropic(name ?? "claude-sonnet-4-6", { ...options, baseUrl: "http://mock" });
}

function shape(parts: StreamPart[]): string[] {
  const out: string[] = [];
  for (const part of parts) {
    let label: string = part.type;
    if (part.type === "finish" || part.type === "step-finish") label += `:${part.finishReason}`;
    if (part.type.endsWith("-delta") && out[out.length - 1] === label) continue;
    out.push(label);
  }
  return out;
}

/** A partial value is consistent with the final one: a prefix of it, container by container. */
function consistent(partial: unknown, final: unknown): boolean {
  if (typeof partial === "string") return typeof final === "string" && final.startsWith(partial);
  if (Array.isArray(partial)) {
    return Array.isArray(final) && partial.length <= final.length &&
      partial.every((item, i) => consistent(item, final[i]));
  }
  if (partial !== null && typeof partial === "object") {
    if (final === null || typeof final !== "object") return false;
    const record = final as Record<string, unknown>;
    return Object.entries(partial).every(([key, value]) => consistent(value, record[key]));
  }
  return partial === final;
}

Deno.test("the same request against the mock yields the same normalized parts from each provider", async () => {
  const shapes: Record<string, string[]> = {};
  for (const provider of PROVIDERS) {
    const server = createMockServer();
    const stream = streamText({ model: modelFor(provider, server.fetch), prompt: "Hello there" });
    const parts: StreamPart[] = [];
    for await (const part of stream.fullStream) parts.push(part);
    shapes[provider] = shape(parts).filter((label) => label !== "usage");
  }
  assert.deepEqual(shapes.openai, shapes.ollama);
  assert.deepEqual(shapes.anthropic, shapes.ollama);
  assert.ok(shapes.ollama?.includes("text-delta"));
  assert.equal(shapes.ollama?.at(-1), "finish:stop");
});

for (const provider of PROVIDERS) {
  Deno.test(`a two-step tool loop runs against the mock server's ${provider} API`, async () => {
    const server = createMockServer();
    const executed: unknown[] = [];
    const stream = streamText({
      model: modelFor(provider, server.fetch),
      prompt: "What is the weather in Paris?",
      maxSteps: 3,
      tools: {
        weather: {
          description: "The weather in a city",
          parameters: {
            type: "object",
            properties: { city: { type: "string" } },
            required: ["city"],
          },
          execute: (args) => {
            executed.push(args);
            return { sky: "sunny" };
          },
        },
      },
    });
    const parts: StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    const s = shape(parts);
    // The mock's first answer may or may not start with text: compare from the tool call on.
    assert.deepEqual(s.slice(s.indexOf("tool-call-start")), [
      "tool-call-start",
      "tool-call-delta",
      "tool-call",
      "usage",
      "tool-result",
      "step-finish:tool-calls",
      "step-start",
      "text-delta",
      "usage",
      "step-finish:stop",
      "finish:stop",
    ]);
    assert.equal(executed.length, 1);
    assert.equal(typeof (executed[0] as { city: unknown }).city, "string");
    const result = await stream.result();
    assert.equal(result.steps.length, 2);
    assert.ok(result.text.length > 0);
    assert.ok((result.totalUsage.outputTokens ?? 0) > 0);
    assert.equal(server.requests.length, 2);
  });

  Deno.test(`streamObject gets a schema-valid object from the mock's ${provider} API`, async () => {
    const server = createMockServer();
    const schema = {
      type: "object",
      properties: {
        title: { type: "string" },
        year: { type: "integer" },
        tags: { type: "array", items: { type: "string" } },
      },
      required: ["title", "year", "tags"],
    };
    const stream = streamObject<{ title: string; year: number; tags: string[] }>({
      model: modelFor(provider, server.fetch),
      schema,
      prompt: "A book",
    });
    const partials: unknown[] = [];
    for await (const partial of stream.partialObjectStream) partials.push(partial);
    const object = await stream.object();
    assert.equal(typeof object.title, "string");
    assert.ok(Number.isInteger(object.year));
    // At least three increasingly complete partial objects, each consistent with the final one.
    assert.ok(partials.length >= 3, `only ${partials.length} partial objects`);
    let previous = -1;
    for (const partial of partials) {
      const size = JSON.stringify(partial).length;
      assert.ok(size >= previous, "a partial object shrank");
      previous = size;
      assert.ok(consistent(partial, object), `inconsistent partial ${JSON.stringify(partial)}`);
    }
    assert.ok(new Set(partials.map((p) => JSON.stringify(p))).size >= 3);
  });

  Deno.test(`a mid-stream ${provider} error is the last part and carries the partial`, async () => {
    const server = createMockServer();
    const base = provider === "ollama"
      ? "llama3.2"
      : provider === "openai"
      ? "gpt-4.1-mini"
      : "claude-sonnet-4-6";
    const stream = streamText({
      model: modelFor(provider, server.fetch, `${base}:fault=error-after:4`),
      prompt: "Hi",
    });
    const parts: StreamPart[] = [];
    for await (const part of stream.fullStream) parts.push(part);
    const last = parts.at(-1);
    assert.equal(last?.type, "error");
    const error = (last as { error: unknown }).error;
    assert.ok(error instanceof ProviderError);
    assert.ok(error.partial !== undefined);
    await assert.rejects(stream.result(), ProviderError);
  });

  Deno.test(`breaking out of the ${provider} stream aborts the mock's request`, async () => {
    const server = createMockServer({ tokensPerSecond: 1000 });
    const stream = streamText({ model: modelFor(provider, server.fetch), prompt: "Hi" });
    for await (const _ of stream.textStream) break;
    assert.equal(await server.requests[0]!.settled, "aborted");
  });
}

Deno.test("generateText works over a real socket (Deno.serve + fetch)", async () => {
  const mock = createMockServer();
  const server = Deno.serve({ port: 0, onListen() {} }, mock.fetch);
  try {
    const model = openai("gpt-4.1-mini", { baseUrl: `http://127.0.0.1:${server.addr.port}/v1` });
    const stream = streamText({ model, system: "Be brief", prompt: "Hi", maxTokens: 50 });
    const text = await stream.text();
    assert.ok(text.length > 0);
    const response = await stream.response;
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type")?.startsWith("text/event-stream"), true);
    assert.equal(response.url, `http://127.0.0.1:${server.addr.port}/v1/chat/completions`);
    assert.equal(typeof response.statusText, "string");
    assert.equal((await stream.result()).response.model, "gpt-4.1-mini");
  } finally {
    await server.shutdown();
  }
});
