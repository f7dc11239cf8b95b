/**
 * The readers of Anthropic's delta events and Ollama's token lines take the
 * compact shape the APIs send apart without `JSON.parse`. Whatever they return
 * must be exactly what `JSON.parse` returns (the same values, the same key
 * order, so a chunk handed on as SSE is written the same), and every other
 * input must fall back to `JSON.parse`, whose error then stands.
 */
import assert from "node:assert/strict";
import { parseCompactDelta } from "../../src/providers/anthropic/_protocol.ts";
import { parseCompactLine } from "../../src/providers/ollama/_protocol.ts";
import { CompactChunks } from "../../src/providers/openai/_compact_chunk.ts";
import { Anthropic } from "../../src/providers/anthropic/mod.ts";
import { Ollama } from "../../src/providers/ollama/mod.ts";
import { OpenAI } from "../../src/providers/openai/mod.ts";
import { seededRandom } from "../_seeded_random.ts";
import { randomSplit } from "./anthropic/_helpers.ts";

type Reader = (text: string) => unknown;

const READERS: Record<string, Reader> = {
  "anthropic delta": parseCompactDelta,
  "ollama chat": (line) => parseCompactLine(line, "chat"),
  "ollama generate": (line) => parseCompactLine(line, "generate"),
};

/** Asserts that `read(text)` is `undefined` or exactly `JSON.parse(text)`; returns whether it read it. */
function agrees(read: Reader, text: string): boolean {
  const fast = read(text);
  let parsed: unknown;
  let error: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (caught) {
    error = caught;
  }
  if (fast === undefined) return false;
  assert.equal(error, undefined, `read what JSON.parse rejects: ${JSON.stringify(text)}`);
  assert.deepStrictEqual(fast, parsed, `differs from JSON.parse: ${JSON.stringify(text)}`);
  assert.equal(JSON.stringify(fast), JSON.stringify(parsed), "the key order differs");
  return true;
}

// Characters that matter to JSON, or to UTF-16, or to neither.
const ALPHABET = [
  "a",
  "Z",
  " ",
  "0",
  "7",
  "-",
  ".",
  "ü",
  "日本",
  "😀",
  "\uD83D",
  "\uDE00",
  "\u2028",
  '"',
  "\\",
  "/",
  "\n",
  "\t",
  "\u0000",
  "\u001f",
  "\u007f",
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  "e",
  "E",
  "+",
];

function randomString(random: () => number, max: number): string {
  let text = "";
  const length = Math.floor(random() * max);
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return text;
}

/**
 * A plain string: nothing `JSON.stringify` escapes (a lone surrogate it writes
 * as `\\u…`), so the compact reader must take the frame made with it.
 */
function plainString(random: () => number, max: number): string {
  let text = "";
  for (const char of randomString(random, max).toWellFormed()) {
    text += char === '"' || char === "\\" || char < " " ? "x" : char;
  }
  return text;
}

const DELTA_TYPES = [
  ["text_delta", "text"],
  ["thinking_delta", "thinking"],
  ["input_json_delta", "partial_json"],
] as const;

function anthropicDelta(random: () => number, value: string): string {
  const [type, field] = DELTA_TYPES[Math.floor(random() * DELTA_TYPES.length)]!;
  const index = random() < 0.8 ? Math.floor(random() * 12) : Math.floor(random() * 2 ** 40);
  return JSON.stringify({ type: "content_block_delta", index, delta: { type, [field]: value } });
}

function ollamaLine(random: () => number, kind: "chat" | "generate", value: string): string {
  const model = random() < 0.5 ? "llama3.2" : "qwen3:8b";
  const created_at = `2025-11-03T14:22:05.${Math.floor(random() * 1e9)}Z`;
  const thinking = random() < 0.3 ? { thinking: value } : {};
  const content = random() < 0.3 ? "" : value;
  const line = kind === "chat"
    ? { model, created_at, message: { role: "assistant", content, ...thinking }, done: false }
    : { model, created_at, response: content, ...thinking, done: false };
  return JSON.stringify(line);
}

/** One to three random edits: a character deleted, inserted or replaced. */
function mutate(random: () => number, text: string): string {
  const edits = 1 + Math.floor(random() * 3);
  for (let n = 0; n < edits; n++) {
    const at = Math.floor(random() * (text.length + 1));
    const char = ALPHABET[Math.floor(random() * ALPHABET.length)]!;
    const edit = random();
    if (edit < 1 / 3) text = text.slice(0, at) + text.slice(at + 1);
    else if (edit < 2 / 3) text = text.slice(0, at) + char + text.slice(at);
    else text = text.slice(0, at) + char + text.slice(at + 1);
  }
  return text;
}

function generate(name: string, random: () => number, value: string): string {
  if (name === "anthropic delta") return anthropicDelta(random, value);
  return ollamaLine(random, name === "ollama chat" ? "chat" : "generate", value);
}

for (const [name, read] of Object.entries(READERS)) {
  Deno.test(`${name}: the compact shape is read without JSON.parse, exactly as JSON.parse reads it`, () => {
    const random = seededRandom(1);
    for (let i = 0; i < 2000; i++) {
      const text = generate(name, random, plainString(random, 24));
      // A ten-digit index or more is left to JSON.parse.
      const long = name === "anthropic delta" && /"index":\d{10,}/.test(text);
      assert.equal(agrees(read, text), !long, `not read: ${text}`);
    }
  });

  Deno.test(`${name}: strings with escapes, and any edit of a frame, agree with JSON.parse`, () => {
    const random = seededRandom(2);
    let read_ = 0;
    let rejected = 0;
    for (let i = 0; i < 20_000; i++) {
      const value = random() < 0.5 ? randomString(random, 12) : plainString(random, 12);
      const valid = generate(name, random, value);
      const text = random() < 0.2 ? valid : mutate(random, valid);
      if (agrees(read, text)) read_++;
      else {
        try {
          JSON.parse(text);
        } catch {
          rejected++;
        }
      }
    }
    // Both sides were exercised: frames read fast, and broken frames left to JSON.parse.
    assert.ok(read_ > 2000, `only ${read_} read`);
    assert.ok(rejected > 2000, `only ${rejected} rejected`);
  });
}

Deno.test("compact readers: every recorded frame of the fixtures agrees with JSON.parse", async () => {
  const testdata = new URL("../testdata/", import.meta.url);
  let read = 0;
  for (
    const file of ["text", "thinking", "tool-use", "thinking-parallel-tools", "midstream-error"]
  ) {
    const body = await Deno.readTextFile(new URL(`anthropic/${file}.sse`, testdata));
    for (const line of body.split("\n")) {
      if (line.startsWith("data: ") && agrees(parseCompactDelta, line.slice(6))) read++;
    }
  }
  for (const file of ["chat-text", "chat-thinking", "chat-tools"]) {
    const body = await Deno.readTextFile(new URL(`ollama/${file}.ndjson`, testdata));
    for (const line of body.split("\n")) if (line && agrees(READERS["ollama chat"]!, line)) read++;
  }
  for (const file of ["generate-stats", "generate-midstream-error"]) {
    const body = await Deno.readTextFile(new URL(`ollama/${file}.ndjson`, testdata));
    for (const line of body.split("\n")) {
      if (line && agrees(READERS["ollama generate"]!, line)) read++;
    }
  }
  assert.ok(read > 100, `only ${read} frames read`);
});

/** Asserts that `read` takes `frame` and leaves each of `others` to JSON.parse. */
function readsOnly(read: Reader, frame: string, others: string[]): void {
  assert.ok(read(frame), frame);
  for (const other of others) assert.equal(read(other), undefined, other);
}

Deno.test("compact readers: frames of other shapes are left to JSON.parse", () => {
  const delta =
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}';
  readsOnly(parseCompactDelta, delta, [
    delta.replace(":0,", ": 0,"),
    delta.replace(":0,", ":00,"),
    delta.replace(":0,", ":-1,"),
    delta.replace(":0,", ":0.0,"),
    delta.replace(":0,", ":1e0,"),
    delta.replace('"Hi"', '"H\\ni"'),
    delta.replace('"Hi"}}', '"Hi","extra":1}}'),
    delta.replace('"Hi"}}', '"Hi"}} '),
    delta.replace("text_delta", "citations_delta"),
    '{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"x"}}',
    '{"type":"ping"}',
  ]);
  const line =
    '{"model":"llama3.2","created_at":"2025-11-03T14:22:05Z","message":{"role":"assistant","content":"The"},"done":false}';
  readsOnly(READERS["ollama chat"]!, line, [
    line.replace('"done":false', '"done":true'),
    line.replace('"assistant"', '"user"'),
    line.replace('"The"}', '"The","tool_calls":[]}'),
    line.replace('"done":false}', '"done":false,"logprobs":[]}'),
    line.replace("The", 'T\\"he'),
  ]);
  assert.equal(parseCompactLine(line, "generate"), undefined);
});

/**
 * Reads OpenAI chunks in order as the chat reader does: `read` first, else
 * `JSON.parse` and `learn`; asserts that every chunk read is exactly what
 * `JSON.parse` gives. Returns how many were read without it.
 */
function readChunks(chunks: readonly string[]): number {
  const compact = new CompactChunks();
  let read = 0;
  for (const data of chunks) {
    if (agrees((text) => compact.read(text), data)) {
      read++;
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      continue;
    }
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      compact.learn(data, parsed as Record<string, unknown>);
    }
  }
  return read;
}

/** The fields before `choices` of one stream's chunks, in one of the orders servers send. */
function openAIHead(random: () => number): Record<string, unknown> {
  const head: Record<string, unknown> = {
    id: `chatcmpl-${Math.floor(random() * 1e9)}`,
    object: "chat.completion.chunk",
    created: 1762180925 + Math.floor(random() * 3),
    model: random() < 0.5 ? "gpt-4.1-mini-2025-04-14" : "llama-3.1-8b",
  };
  if (random() < 0.6) head.service_tier = "default";
  if (random() < 0.7) head.system_fingerprint = random() < 0.9 ? "fp_1c74a3c106" : null;
  if (random() < 0.2) head.usage = null;
  return head;
}

function openAIChunk(random: () => number, head: Record<string, unknown>, content: string): string {
  const chunk: Record<string, unknown> = { ...head };
  chunk.choices = [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }];
  const usage = random() < 0.4;
  const obfuscation = random() < 0.6 ? plainString(random, 16) : undefined;
  if (usage && random() < 0.5) chunk.usage = null;
  if (obfuscation !== undefined) chunk.obfuscation = obfuscation;
  if (usage) chunk.usage = null;
  return JSON.stringify(chunk);
}

Deno.test("openai chunks: token chunks after the first are read without JSON.parse, exactly as JSON.parse reads them", () => {
  const random = seededRandom(3);
  for (let stream = 0; stream < 200; stream++) {
    const head = openAIHead(random);
    // The chunks of one stream end in one form (OpenAI's do): the same seed for each.
    const chunks = [];
    for (let i = 0; i < 20; i++) {
      chunks.push(openAIChunk(seededRandom(stream), head, plainString(random, 16)));
    }
    assert.equal(readChunks(chunks), 19);
  }
});

Deno.test("openai chunks: escapes, other heads and any edit of a chunk agree with JSON.parse", () => {
  const random = seededRandom(4);
  let read = 0;
  for (let stream = 0; stream < 300; stream++) {
    let head = openAIHead(random);
    const chunks = [];
    for (let i = 0; i < 40; i++) {
      if (random() < 0.05) head = openAIHead(random);
      const content = random() < 0.5 ? randomString(random, 12) : plainString(random, 12);
      const valid = openAIChunk(random, head, content);
      chunks.push(random() < 0.7 ? valid : mutate(random, valid));
    }
    read += readChunks(chunks);
  }
  assert.ok(read > 1000, `only ${read} read`);
});

Deno.test("openai chunks: fields repeated, objects and __proto__ in a head agree with JSON.parse", () => {
  const choice = (content: string) =>
    `"choices":[{"index":0,"delta":{"content":"${content}"},"logprobs":null,"finish_reason":null}]`;
  // Each: a chunk to learn from, then chunks with the same head; JSON.parse keeps a repeated
  // field at its first place with its last value.
  const streams = [
    [
      `{"id":"a","usage":null,${choice("Hi")}}`,
      `{"id":"a","usage":null,${choice("Ho")},"usage":null}`,
    ],
    [`{"id":"a","usage":5,${choice("Hi")}}`, `{"id":"a","usage":5,${choice("Ho")},"usage":null}`],
    [`{"id":"a","usage":5,${choice("Hi")},"usage":null}`, `{"id":"a","usage":5,${choice("Ho")}}`],
    [
      `{"id":"a","obfuscation":"z",${choice("Hi")},"obfuscation":"x"}`,
      `{"id":"a","obfuscation":"z",${choice("Ho")}}`,
    ],
    [`{"id":"a","id":"b",${choice("Hi")}}`, `{"id":"a","id":"b",${choice("Ho")}}`],
    [`{"id":"a","choices":null,${choice("Hi")}}`, `{"id":"a","choices":null,${choice("Ho")}}`],
    [
      `{"id":"a","choices":null,"usage":1,${choice("Hi")},"usage":null}`,
      `{"id":"a","choices":null,"usage":1,${choice("Ho")}}`,
    ],
    [
      `{"id":"a","x_groq":{"id":"r"},${choice("Hi")}}`,
      `{"id":"a","x_groq":{"id":"r"},${choice("Ho")}}`,
    ],
    [`{"__proto__":null,"id":"a",${choice("Hi")}}`, `{"__proto__":null,"id":"a",${choice("Ho")}}`],
    [`{"id":"a",${choice("Hi")},"usage":null,"obfuscation":"x","usage":null}`],
    [`{"id":"a",${choice("Hi")},"obfuscation":"x","obfuscation":"y"}`],
  ];
  for (const chunks of streams) readChunks([...chunks, ...chunks]);
  // The plain ones are read.
  assert.equal(readChunks(streams[0]!), 1);
});

Deno.test("openai chunks: every recorded chunk of the fixtures agrees with JSON.parse", async () => {
  const testdata = new URL("../testdata/openai/", import.meta.url);
  let read = 0;
  for (const entry of Deno.readDirSync(testdata)) {
    const body = await Deno.readTextFile(new URL(entry.name, testdata));
    const chunks = body.split("\n").filter((line) => line.startsWith("data: {"))
      .map((line) => line.slice(6));
    read += readChunks(chunks);
  }
  assert.ok(read > 20, `only ${read} read`);
});

/** The fixture's frames as JSON.parse reads them: NDJSON lines, or SSE data (OpenAI's `[DONE]` left out). */
function parsedFrames(body: string, ndjson: boolean): unknown[] {
  const lines = body.split("\n");
  return ndjson
    ? lines.filter((line) => line.trim() !== "").map((line) => JSON.parse(line))
    : lines.filter((line) => line.startsWith("data: {")).map((line) => JSON.parse(line.slice(6)));
}

const CLIENT_FIXTURES = [
  ["anthropic/text.sse", "anthropic"],
  ["anthropic/thinking.sse", "anthropic"],
  ["anthropic/tool-use.sse", "anthropic"],
  ["anthropic/thinking-parallel-tools.sse", "anthropic"],
  ["ollama/chat-text.ndjson", "ollama chat"],
  ["ollama/chat-thinking.ndjson", "ollama chat"],
  ["ollama/chat-tools.ndjson", "ollama chat"],
  ["ollama/generate-stats.ndjson", "ollama generate"],
  ["openai/chat-text.sse", "openai"],
  ["openai/chat-n2-usage.sse", "openai"],
  ["openai/chat-parallel-tools-usage.sse", "openai"],
  ["openai/compat-deepseek-reasoning.sse", "openai"],
] as const;

Deno.test("the clients deliver every chunk of the fixtures exactly as JSON.parse reads it, however the body is cut", async () => {
  const testdata = new URL("../testdata/", import.meta.url);
  for (const [file, kind] of CLIENT_FIXTURES) {
    const body = await Deno.readTextFile(new URL(file, testdata));
    const expected = parsedFrames(body, kind.startsWith("ollama"));
    const bytes = new TextEncoder().encode(body);
    for (const pieces of [[bytes], randomSplit(bytes, 1, 5), randomSplit(bytes, 2, 300)]) {
      const fetch = () =>
        Promise.resolve(
          new Response(ReadableStream.from(pieces), {
            headers: {
              "content-type": kind.startsWith("ollama")
                ? "application/x-ndjson"
                : "text/event-stream",
            },
          }),
        );
      const request = { model: "m", messages: [] };
      const stream = kind === "anthropic"
        ? new Anthropic({ apiKey: "k", fetch }).messages({ ...request, max_tokens: 1 })
        : kind === "openai"
        ? new OpenAI({ apiKey: "k", fetch }).chat(request)
        : kind === "ollama chat"
        ? new Ollama({ fetch }).chat(request)
        : new Ollama({ fetch }).generate({ model: "m", prompt: "x" });
      const chunks: unknown[] = [];
      for await (const chunk of stream as AsyncIterable<unknown>) chunks.push(chunk);
      assert.deepStrictEqual(chunks, expected, file);
      assert.equal(JSON.stringify(chunks), JSON.stringify(expected), `${file}: the key order`);
    }
  }
});

Deno.test("the clients read token frames of the compact shape without calling JSON.parse", async () => {
  const random = seededRandom(5);
  const tokens = Array.from({ length: 40 }, () => plainString(random, 12) || "x");
  const head = openAIHead(seededRandom(6));
  const bodies = {
    anthropic: [
      `event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"model":"c"}}\n\n`,
      `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n`,
      ...tokens.map((text) =>
        `event: content_block_delta\ndata: ${
          JSON.stringify({
            type: "content_block_delta",
            index: 0,
            delta: { type: "text_delta", text },
          })
        }\n\n`
      ),
      `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n`,
      `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":40}}\n\n`,
      `event: message_stop\ndata: {"type":"message_stop"}\n\n`,
    ],
    ollama: [
      ...tokens.map((content) =>
        JSON.stringify({
          model: "llama3.2",
          created_at: "2025-11-03T14:22:05.307044592Z",
          message: { role: "assistant", content },
          done: false,
        }) + "\n"
      ),
      `{"model":"llama3.2","created_at":"2025-11-03T14:22:06Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}\n`,
    ],
    openai: [
      ...tokens.map((content) =>
        `data: ${
          JSON.stringify({
            ...head,
            choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
          })
        }\n\n`
      ),
      `data: ${
        JSON.stringify({
          ...head,
          choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }],
        })
      }\n\ndata: [DONE]\n\n`,
    ],
  };
  for (const [kind, lines] of Object.entries(bodies)) {
    const fetch = () => Promise.resolve(new Response(lines.join("")));
    const request = { model: "m", messages: [] };
    const stream = kind === "anthropic"
      ? new Anthropic({ apiKey: "k", fetch }).messages({ ...request, max_tokens: 1 })
      : kind === "openai"
      ? new OpenAI({ apiKey: "k", fetch }).chat(request)
      : new Ollama({ fetch }).chat(request);
    const parse = JSON.parse;
    let calls = 0;
    JSON.parse = (...args: Parameters<typeof parse>) => {
      calls++;
      return parse(...args);
    };
    try {
      assert.equal(await stream.text(), tokens.join(""));
    } finally {
      JSON.parse = parse;
    }
    // Only the frames around the tokens (at most five), the first frame once more (the
    // retry probe reads it) and OpenAI's first token chunk (its head is learnt from it).
    assert.ok(calls <= 7, `${kind}: JSON.parse called ${calls} times for 40 token frames`);
  }
});
