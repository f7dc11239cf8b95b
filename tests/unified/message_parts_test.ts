import assert from "node:assert/strict";
import {
  anthropic,
  gemini,
  generateText,
  type LanguageModel,
  ollama,
  openai,
  streamText,
  type UserContentPart,
} from "../../src/unified/mod.ts";
import { createMockServer } from "../../src/testing/mod.ts";

type Provider = "ollama" | "openai" | "openai-responses" | "anthropic" | "gemini";
type Body = Record<string, unknown>;

function modelFor(provider: Provider, fetch: typeof globalThis.fetch): LanguageModel {
  const options = { fetch, retryDelay: 1 };
  if (provider === "ollama") return ollama("llama3.2", { ...options, host: "http://mock" });
  if (provider === "openai" || provider === "openai-responses") {
    return openai("gpt-4.1-mini", {
      ...options,
      baseURL: "http://mock/v1",
      apiKey: "sk",
      api: provider === "openai" ? "chat" : "responses",
    });
  }
  if (provider === "gemini") return gemini("gemini-2.5-flash", { ...options, apiKey: "k" });
  return anthropic("claude-sonnet-4-6", { ...options, baseURL: "http://mock" });
}

/** A 1×1 PNG's first bytes (the signature is what matters). */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const PNG_BASE64 = "iVBORw0KGgoAAAAN";
const PDF = new TextEncoder().encode("%PDF-1.7\n");
const PDF_BASE64 = "JVBERi0xLjcK";

/** The last user message's content as each provider's request carries it. */
function userContent(provider: Provider, body: Body): unknown {
  if (provider === "anthropic" || provider === "openai" || provider === "ollama") {
    const messages = body.messages as Body[];
    return provider === "ollama" ? messages.at(-1) : messages.at(-1)!.content;
  }
  if (provider === "gemini") return (body.contents as Body[]).at(-1)!.parts;
  return (body.input as Body[]).at(-1)!.content;
}

const image: UserContentPart[] = [
  { type: "text", text: "What is in the picture?" },
  { type: "image", image: PNG },
];
const imageExpected: Record<Provider, unknown> = {
  ollama: { role: "user", content: "What is in the picture?", images: [PNG_BASE64] },
  openai: [
    { type: "text", text: "What is in the picture?" },
    { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
  ],
  "openai-responses": [
    { type: "input_text", text: "What is in the picture?" },
    { type: "input_image", image_url: `data:image/png;base64,${PNG_BASE64}` },
  ],
  anthropic: [
    { type: "text", text: "What is in the picture?" },
    { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_BASE64 } },
  ],
  gemini: [
    { text: "What is in the picture?" },
    { inlineData: { mimeType: "image/png", data: PNG_BASE64 } },
  ],
};

const pdf: UserContentPart[] = [
  { type: "text", text: "Summarize" },
  { type: "file", data: PDF, mediaType: "application/pdf", filename: "report.pdf" },
];
const pdfExpected: Record<Exclude<Provider, "ollama">, unknown> = {
  openai: [
    { type: "text", text: "Summarize" },
    {
      type: "file",
      file: { file_data: `data:application/pdf;base64,${PDF_BASE64}`, filename: "report.pdf" },
    },
  ],
  "openai-responses": [
    { type: "input_text", text: "Summarize" },
    {
      type: "input_file",
      file_data: `data:application/pdf;base64,${PDF_BASE64}`,
      filename: "report.pdf",
    },
  ],
  anthropic: [
    { type: "text", text: "Summarize" },
    {
      type: "document",
      source: { type: "base64", media_type: "application/pdf", data: PDF_BASE64 },
      title: "report.pdf",
    },
  ],
  gemini: [
    { text: "Summarize" },
    { inlineData: { mimeType: "application/pdf", data: PDF_BASE64 } },
  ],
};

for (const provider of Object.keys(imageExpected) as Provider[]) {
  Deno.test(`an image reaches the mock's ${provider} API in its own format`, async () => {
    const server = createMockServer();
    const result = await generateText({
      model: modelFor(provider, server.fetch),
      messages: [{ role: "user", content: image }],
    });
    assert.equal(result.finishReason, "stop");
    assert.deepEqual(
      userContent(provider, server.requests[0]!.body as Body),
      imageExpected[provider],
    );
  });
}

for (const provider of Object.keys(pdfExpected) as Exclude<Provider, "ollama">[]) {
  Deno.test(`a PDF reaches the mock's ${provider} API in its own format`, async () => {
    const server = createMockServer();
    const result = await generateText({
      model: modelFor(provider, server.fetch),
      messages: [{ role: "user", content: pdf }],
    });
    assert.equal(result.finishReason, "stop");
    assert.deepEqual(
      userContent(provider, server.requests[0]!.body as Body),
      pdfExpected[provider],
    );
  });
}

Deno.test("an image given as base64, a data URL or a URL reaches each provider alike", async () => {
  const forms: [UserContentPart, unknown, unknown][] = [
    [
      { type: "image", image: PNG_BASE64 },
      { type: "base64", media_type: "image/png", data: PNG_BASE64 },
      { inlineData: { mimeType: "image/png", data: PNG_BASE64 } },
    ],
    [
      { type: "image", image: `data:image/png;base64,${PNG_BASE64}` },
      { type: "base64", media_type: "image/png", data: PNG_BASE64 },
      { inlineData: { mimeType: "image/png", data: PNG_BASE64 } },
    ],
    [
      { type: "image", image: new URL("https://example.com/cat.png"), mediaType: "image/png" },
      { type: "url", url: "https://example.com/cat.png" },
      { fileData: { mimeType: "image/png", fileUri: "https://example.com/cat.png" } },
    ],
  ];
  for (const [part, anthropicSource, geminiPart] of forms) {
    const server = createMockServer();
    await generateText({
      model: modelFor("anthropic", server.fetch),
      messages: [{ role: "user", content: [part] }],
    });
    await generateText({
      model: modelFor("gemini", server.fetch),
      messages: [{ role: "user", content: [part] }],
    });
    const [a, g] = server.requests.map((record) => record.body as Body);
    assert.deepEqual(
      (userContent("anthropic", a!) as Body[])[0],
      { type: "image", source: anthropicSource },
    );
    assert.deepEqual((userContent("gemini", g!) as Body[])[0], geminiPart);
  }
});

Deno.test("a part a provider cannot take is a clear error, before any request", () => {
  const server = createMockServer();
  const cases: [Provider, UserContentPart, string][] = [
    [
      "ollama",
      { type: "file", data: PDF, mediaType: "application/pdf" },
      "Ollama cannot take a file ('application/pdf'): its chat API takes text and images only",
    ],
    [
      "ollama",
      { type: "image", image: "https://example.com/cat.png" },
      "Ollama cannot take an image URL: pass the image's bytes or base64",
    ],
    [
      "anthropic",
      { type: "file", data: PDF, mediaType: "application/zip" },
      "Anthropic cannot take a file of type 'application/zip': its documents are PDF or plain text",
    ],
    [
      "gemini",
      { type: "image", image: "https://example.com/cat" },
      "Gemini needs the image's media type and the data does not tell it: pass mediaType",
    ],
  ];
  for (const [provider, part, message] of cases) {
    assert.throws(
      () =>
        streamText({
          model: modelFor(provider, server.fetch),
          messages: [{ role: "user", content: [part] }],
        }),
      { name: "TypeError", message },
    );
  }
  assert.equal(server.requests.length, 0);
});

Deno.test("a plain-text file is an Anthropic text document", async () => {
  const server = createMockServer();
  await generateText({
    model: modelFor("anthropic", server.fetch),
    messages: [{
      role: "user",
      content: [{ type: "file", data: new TextEncoder().encode("héllo"), mediaType: "text/plain" }],
    }],
  });
  const content = userContent("anthropic", server.requests[0]!.body as Body) as Body[];
  assert.deepEqual(content[0]!.source, { type: "text", media_type: "text/plain", data: "héllo" });
});

Deno.test("a two-step Anthropic tool loop with thinking sends the thinking block back with its signature", async () => {
  const server = createMockServer();
  const stream = streamText({
    model: modelFor("anthropic", server.fetch),
    prompt: "What is the weather in Paris?",
    maxSteps: 3,
    providerOptions: { anthropic: { thinking: { type: "enabled", budget_tokens: 1024 } } },
    tools: {
      weather: {
        parameters: { type: "object", properties: { city: { type: "string" } } },
        execute: () => ({ sky: "sunny" }),
      },
    },
  });
  const result = await stream.result();
  assert.equal(result.steps.length, 2);
  assert.ok(result.steps[0]!.reasoning.length > 0);
  assert.equal(server.requests.length, 2);
  const first = server.requests[0]!.body as Body;
  const second = server.requests[1]!.body as Body;
  assert.deepEqual(first.thinking, { type: "enabled", budget_tokens: 1024 });
  const assistant = (second.messages as Body[])[1]!;
  assert.equal(assistant.role, "assistant");
  const blocks = assistant.content as Body[];
  assert.equal(blocks[0]!.type, "thinking");
  assert.equal(blocks[0]!.thinking, result.steps[0]!.reasoning);
  assert.match(blocks[0]!.signature as string, /^Eq[A-Za-z0-9+/]{254}==$/);
  assert.equal(blocks.at(-1)!.type, "tool_use");
});
