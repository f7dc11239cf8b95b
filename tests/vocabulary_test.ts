/**
 * The option types follow one naming pattern (README, "One vocabulary"):
 * `<Provider>Options` for a client, `<Provider><Call>Options` for a streaming
 * call (the call being a method of the client), `<Provider>RequestOptions`
 * for a call that does not stream, and in the unified API
 * `<Provider>ProviderOptions` (a model factory's) and
 * `<Provider>EmbeddingOptions` (an embedding model's). Every client accepts
 * `baseURL`.
 */
import assert from "node:assert/strict";
import { Anthropic, Gemini, Ollama, OpenAI } from "../mod.ts";

const CLIENTS = { Ollama, OpenAI, Anthropic, Gemini };

/** Names that follow no pattern for a reason: a request body's own field types. */
const WIRE_TYPES = new Set([
  // The `options` field of an Ollama request (the model's settings), as Ollama names it.
  "OllamaModelOptions",
  // The `stream_options` field of an OpenAI request.
  "OpenAIStreamOptions",
  // The type `pull()`, `push()` and `create()` share; each has its own name too.
  "OllamaProgressOptions",
  // Deprecated alias of OpenAICompletionsOptions (kept for 0.1 users).
  "OpenAICompletionOptions",
]);

const capitalized = (name: string) => name[0]!.toUpperCase() + name.slice(1);

Deno.test("every exported option type is named by the pattern", async () => {
  const sources = await Promise.all(
    ["../mod.ts", "../src/unified/mod.ts"].map((path) =>
      Deno.readTextFile(new URL(path, import.meta.url))
    ),
  );
  const names = new Set(
    sources.flatMap((
      source,
    ) => [...source.matchAll(/\b(Ollama|OpenAI|Anthropic|Gemini)(\w*)Options\b/g)]),
  );
  const wrong: string[] = [];
  let count = 0;
  for (const [name, provider, middle] of names) {
    count++;
    if (WIRE_TYPES.has(name!)) continue;
    const methods = Object.getOwnPropertyNames(CLIENTS[provider as keyof typeof CLIENTS].prototype)
      .filter((method) => method !== "constructor").map(capitalized);
    const allowed = ["", "Request", "Provider", "Embedding", ...methods];
    if (!allowed.includes(middle!)) wrong.push(name!);
  }
  assert.ok(count > 20, `the option types were found (${count})`);
  assert.deepEqual(wrong, []);
});

Deno.test("every client accepts baseURL", async () => {
  for (const [name, Client] of Object.entries(CLIENTS)) {
    const urls: string[] = [];
    const fetch = (input: RequestInfo | URL) => {
      urls.push(String(input instanceof Request ? input.url : input));
      return Promise.resolve(new Response("{}", { status: 500 }));
    };
    const client = new Client({ baseURL: "https://proxy.example/base/", fetch, maxRetries: 0 });
    const call = name === "Ollama"
      ? (client as Ollama).version()
      : name === "OpenAI"
      ? (client as OpenAI).chat({ model: "m", messages: [], stream: false })
      : name === "Anthropic"
      ? (client as Anthropic).messages({ model: "m", max_tokens: 1, messages: [], stream: false })
      : (client as Gemini).generateContent({ model: "m", contents: [], stream: false });
    await call.catch(() => {});
    assert.equal(urls.length, 1, name);
    assert.ok(urls[0]!.startsWith("https://proxy.example/base/"), `${name}: ${urls[0]}`);
  }
});
