import assert from "node:assert/strict";
import {
  anthropic,
  type AssistantContentPart,
  gemini,
  generateText,
  hasToolCall,
  type LanguageModel,
  type Message,
  ollama,
  openai,
  type ProviderOptions,
  type ReasoningPart,
  type ResponseMessage,
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

const weatherTool = {
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  execute: () => ({ sky: "sunny" }),
};

/**
 * The first turn of a conversation the app keeps itself: one step whose tool
 * runs, its messages stored as JSON (as an app would) and read back.
 */
async function firstTurn(model: LanguageModel, providerOptions: ProviderOptions = {}) {
  const history: Message[] = [{ role: "user", content: "What is the weather in Paris?" }];
  const first = await generateText({
    model,
    messages: history,
    tools: { weather: weatherTool },
    stopWhen: hasToolCall("weather"),
    providerOptions,
  });
  assert.equal(first.steps.length, 1);
  assert.deepEqual(first.steps[0]!.response.messages, first.response.messages);
  const assistant = first.response.messages[0]!;
  assert.equal(assistant.role, "assistant");
  const parts = (assistant as { content: AssistantContentPart[] }).content;
  const kept = JSON.parse(JSON.stringify([...history, ...first.response.messages])) as Message[];
  return { first, parts, kept };
}

Deno.test("an app that keeps the history sends Anthropic's thinking back with its signature", async () => {
  const server = createMockServer();
  const thinking: ProviderOptions = {
    anthropic: { thinking: { type: "enabled", budget_tokens: 1024 } },
  };
  const { first, parts, kept } = await firstTurn(modelFor("anthropic", server.fetch), thinking);
  // The response messages: the assistant's turn in order (signed thinking, tool call), the result.
  assert.equal(first.response.messages.length, 2);
  const toolMessage: ResponseMessage = first.response.messages[1]!;
  const reasoning = parts[0] as ReasoningPart;
  assert.equal(reasoning.type, "reasoning");
  assert.equal(reasoning.text, first.steps[0]!.reasoning);
  assert.match(reasoning.signature!, /^Eq[A-Za-z0-9+/]{254}==$/);
  const call = first.toolCalls[0]!;
  assert.deepEqual(parts.at(-1), {
    type: "tool-call",
    id: call.id,
    name: "weather",
    arguments: call.arguments,
  });
  assert.deepEqual(toolMessage, {
    role: "tool",
    id: call.id,
    name: "weather",
    result: { sky: "sunny" },
  });

  // The second turn, from the kept history, with a new model object (nothing remembered).
  const second = await generateText({
    model: modelFor("anthropic", server.fetch),
    messages: kept,
    providerOptions: thinking,
  });
  assert.deepEqual(second.warnings, []);
  const body = server.requests[1]!.body as Body;
  const messages = body.messages as Body[];
  assert.equal(messages.length, 3);
  assert.deepEqual(messages[1], {
    role: "assistant",
    content: [
      { type: "thinking", thinking: reasoning.text, signature: reasoning.signature },
      ...(parts.length === 3 ? [{ type: "text", text: (parts[1] as { text: string }).text }] : []),
      { type: "tool_use", id: call.id, name: "weather", input: call.arguments },
    ],
  });
  assert.deepEqual(messages[2], {
    role: "user",
    content: [{ type: "tool_result", tool_use_id: call.id, content: '{"sky":"sunny"}' }],
  });
});

Deno.test("an app that keeps the history sends Gemini's thought signature back", async () => {
  const server = createMockServer();
  const { parts, kept } = await firstTurn(modelFor("gemini", server.fetch));
  const signed = parts.at(-1)!.providerMetadata as { gemini: { thoughtSignature: string } };
  assert.match(signed.gemini.thoughtSignature, /^Ci/);
  await generateText({ model: modelFor("gemini", server.fetch), messages: kept });
  const contents = (server.requests[1]!.body as Body).contents as Body[];
  const model = contents[1]!;
  assert.equal(model.role, "model");
  const call = (model.parts as Body[]).at(-1)!;
  assert.equal((call.functionCall as Body).name, "weather");
  assert.equal(call.thoughtSignature, signed.gemini.thoughtSignature);
  // The parts give back the turn exactly as the model that made it remembers it.
  const same = modelFor("gemini", server.fetch);
  const again = await firstTurn(same);
  await generateText({ model: same, messages: again.kept });
  assert.deepEqual(
    ((server.requests[3]!.body as Body).contents as Body[])[1],
    model,
  );
});

Deno.test("an app that keeps the history sends the Responses API's reasoning item back", async () => {
  const server = createMockServer();
  const options = {
    fetch: server.fetch,
    baseURL: "http://mock/v1",
    apiKey: "sk",
    api: "responses" as const,
    responses: { store: false, reasoning: { effort: "low" as const, summary: "auto" as const } },
  };
  const { parts, kept } = await firstTurn(openai("gpt-5-mini", options));
  const reasoning = parts.find((part) => part.type === "reasoning")!;
  const metadata = reasoning.providerMetadata!.openai as Record<string, string>;
  assert.match(metadata.itemId!, /^rs_/);
  assert.match(metadata.encryptedContent!, /^gAAAAAB/);
  const second = await generateText({ model: openai("gpt-5-mini", options), messages: kept });
  assert.deepEqual(second.warnings, []);
  const input = (server.requests[1]!.body as Body).input as Body[];
  const item = input.find((entry) => entry.type === "reasoning")!;
  assert.equal(item.id, metadata.itemId);
  assert.equal(item.encrypted_content, metadata.encryptedContent);
  assert.deepEqual(
    input.slice(input.indexOf(item)).map((entry) => entry.type ?? entry.role),
    ["reasoning", "function_call", "function_call_output"],
  );
});

Deno.test("reasoning a provider cannot take back is dropped with a warning, never silently", async () => {
  const history: Message[] = [
    { role: "user", content: "Hi" },
    {
      role: "assistant",
      content: [{ type: "reasoning", text: "The user greets me." }, {
        type: "text",
        text: "Hello!",
      }],
    },
    { role: "user", content: "How are you?" },
  ];
  const server = createMockServer();
  for (const provider of ["openai", "openai-responses", "anthropic"] as const) {
    const result = await generateText({
      model: modelFor(provider, server.fetch),
      messages: history,
    });
    assert.deepEqual(result.warnings.map((w) => w.setting), ["reasoning"], provider);
    assert.match(result.warnings[0]!.details!, /1 reasoning part\(s\)/);
    const sent = JSON.stringify(server.requests.at(-1)!.body);
    assert.ok(!sent.includes("The user greets me."), sent);
    assert.ok(sent.includes("Hello!"), sent);
  }
  // Ollama and Gemini take the text back: Ollama as the message's thinking, Gemini as a thought.
  await generateText({ model: modelFor("ollama", server.fetch), messages: history });
  const ollamaMessages = (server.requests.at(-1)!.body as Body).messages as Body[];
  assert.deepEqual(ollamaMessages[1], {
    role: "assistant",
    content: "Hello!",
    thinking: "The user greets me.",
  });
  await generateText({ model: modelFor("gemini", server.fetch), messages: history });
  const contents = (server.requests.at(-1)!.body as Body).contents as Body[];
  assert.deepEqual(contents[1], {
    role: "model",
    parts: [{ text: "The user greets me.", thought: true }, { text: "Hello!" }],
  });
});

Deno.test("a Gemini answer's signature (sent on an empty last part) goes back with the kept history", async () => {
  const chunks = [
    { candidates: [{ content: { role: "model", parts: [{ text: "Hello" }] } }] },
    {
      candidates: [{
        content: { role: "model", parts: [{ text: "", thoughtSignature: "c2lnbmF0dXJl" }] },
        finishReason: "STOP",
      }],
    },
  ];
  const bodies: Body[] = [];
  const fetch = (_input: RequestInfo | URL, init?: RequestInit) => {
    bodies.push(JSON.parse(String(init?.body)));
    const sse = chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join("");
    return Promise.resolve(new Response(sse));
  };
  const model = gemini("gemini-2.5-flash", { apiKey: "k", fetch });
  const history: Message[] = [{ role: "user", content: "Hi" }];
  const first = await generateText({ model, messages: history });
  const kept = JSON.parse(JSON.stringify([...history, ...first.response.messages])) as Message[];
  await generateText({ model, messages: [...kept, { role: "user", content: "And?" }] });
  // The reader joins the text into one signed part; the turn goes back as Gemini's result holds it.
  const received = (first.providerMetadata.gemini!.content as { parts: Body[] }).parts;
  assert.deepEqual(received, [{ text: "Hello", thoughtSignature: "c2lnbmF0dXJl" }]);
  const contents = bodies[1]!.contents as Body[];
  assert.deepEqual(contents[1], { role: "model", parts: received });
});
