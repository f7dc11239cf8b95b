import assert from "node:assert/strict";
import { Ollama } from "../../src/providers/ollama/mod.ts";
import { OpenAI } from "../../src/providers/openai/mod.ts";
import { Anthropic } from "../../src/providers/anthropic/mod.ts";
import { openai as unifiedOpenAI, streamText } from "../../src/unified/mod.ts";

// A finished stream must let go of its answer: nothing the stream machinery
// leaves behind may keep it alive. In Deno a `ReadableStream` keeps what it
// references alive through the young generation's collections (until the
// next full one), and so does a getter made per stream that the engine's
// caches remember; either one used to carry every answer (text, chunks, the
// client's state) into the old generation, which cost the Ollama client a
// fifth of its CPU per token (`deno task bench:instructions --cpu`). Runs
// when the test command exposes the collector (`--v8-flags=--expose-gc`).

const gc = (globalThis as { gc?: (options?: { type: "minor" | "major" }) => void }).gc;

const PIECES = 1_000;
const PIECE = " token";

/**
 * A response serving `lines` one read each. The bytes are made once, before
 * any measurement: a body stream keeps its source alive like any other.
 */
function fetchOf(lines: string[], type: string): () => Promise<Response> {
  const encoder = new TextEncoder();
  const pieces = lines.map((line) => encoder.encode(line));
  return () => {
    let index = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const piece = pieces[index++];
        if (piece === undefined) controller.close();
        else controller.enqueue(piece);
      },
    });
    return Promise.resolve(new Response(body, { headers: { "content-type": type } }));
  };
}

const ollamaLines = () => [
  ...Array.from(
    { length: PIECES },
    (_, i) =>
      JSON.stringify({ model: "m", message: { role: "assistant", content: PIECE + i } }) + "\n",
  ),
  JSON.stringify({ model: "m", message: { role: "assistant", content: "" }, done: true }) + "\n",
];

const openaiLines = () => [
  ...Array.from({ length: PIECES }, (_, i) =>
    `data: ${
      JSON.stringify({
        id: "c",
        object: "chat.completion.chunk",
        choices: [{ index: 0, delta: { content: PIECE + i }, finish_reason: null }],
      })
    }\n\n`),
  `data: ${
    JSON.stringify({
      id: "c",
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
    })
  }\n\n`,
  "data: [DONE]\n\n",
];

const anthropicLines = () => [
  `event: message_start\ndata: ${
    JSON.stringify({
      type: "message_start",
      message: { id: "m", type: "message", role: "assistant", content: [], model: "c" },
    })
  }\n\n`,
  `event: content_block_start\ndata: ${
    JSON.stringify({
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    })
  }\n\n`,
  ...Array.from({ length: PIECES }, (_, i) =>
    `event: content_block_delta\ndata: ${
      JSON.stringify({
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text: PIECE + i },
      })
    }\n\n`),
  `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n`,
  `event: message_delta\ndata: ${
    JSON.stringify({
      type: "message_delta",
      delta: { stop_reason: "end_turn" },
      usage: { output_tokens: 1 },
    })
  }\n\n`,
  `event: message_stop\ndata: {"type":"message_stop"}\n\n`,
];

/** A stream read to its end, as a caller would: the text streamed, then the result. */
async function readOnce(
  stream: { textStream: AsyncIterable<string>; result(): Promise<{ text: string }> },
): Promise<void> {
  let length = 0;
  for await (const text of stream.textStream) length += text.length;
  assert.equal((await stream.result()).text.length, length);
  assert.ok(length >= PIECES * PIECE.length);
}

/** Streams read in a row per measurement. */
const RUNS = 8;

/**
 * The heap that young-generation collections keep after `RUNS` streams but
 * a full collection frees, per stream: what something left behind reaches.
 */
async function heldPerRun(run: () => Promise<void>): Promise<number> {
  await run(); // Warm: code compiled, caches filled.
  gc!();
  for (let i = 0; i < RUNS; i++) await run();
  await new Promise((resolve) => setTimeout(resolve, 20));
  for (let i = 0; i < 3; i++) gc!({ type: "minor" });
  const afterMinor = Deno.memoryUsage().heapUsed;
  gc!();
  return (afterMinor - Deno.memoryUsage().heapUsed) / RUNS;
}

const ollamaFetch = fetchOf(ollamaLines(), "application/x-ndjson");
const openaiFetch = fetchOf(openaiLines(), "text/event-stream");
const anthropicFetch = fetchOf(anthropicLines(), "text/event-stream");

const cases: [string, () => Promise<void>][] = [
  [
    "Ollama.chat",
    () => readOnce(new Ollama({ fetch: ollamaFetch }).chat({ model: "m", messages: [] })),
  ],
  [
    "OpenAI.chat",
    () =>
      readOnce(new OpenAI({ apiKey: "k", fetch: openaiFetch }).chat({ model: "m", messages: [] })),
  ],
  ["Anthropic.messages", () =>
    readOnce(
      new Anthropic({ apiKey: "k", fetch: anthropicFetch })
        .messages({ model: "c", max_tokens: 1, messages: [] }),
    )],
  [
    "streamText",
    () =>
      readOnce(
        streamText({ model: unifiedOpenAI("m", { apiKey: "k", fetch: openaiFetch }), prompt: "x" }),
      ),
  ],
];

for (const [name, run] of cases) {
  Deno.test({
    name:
      `${name}: a finished stream keeps nothing of its answer alive past young-generation collections`,
    ignore: gc === undefined,
    async fn() {
      const held = await heldPerRun(run);
      // About 60 KB a stream before (its whole answer and state), about 25 now.
      assert.ok(
        held < 45_000,
        `${Math.round(held)} bytes a finished ${name} stream outlived young-generation collections`,
      );
    },
  });
}

/** `lines` joined and cut into reads of 16 KiB, as a fast server's body arrives; and its length. */
function bigReadsOf(lines: string[], type: string): [() => Promise<Response>, number] {
  const body = lines.join("");
  const reads: string[] = [];
  for (let at = 0; at < body.length; at += 16_384) reads.push(body.slice(at, at + 16_384));
  return [fetchOf(reads, type), body.length];
}

// Tokens of 14 characters: V8 keeps a slice that long as a view into the string it was cut from.
const token = (i: number) => JSON.stringify(` token ${String(i).padStart(7, "0")}`);
const tokens = Array.from({ length: PIECES }, (_, i) => token(i));

// Frames in the compact shapes the APIs send, which the readers take apart without JSON.parse.
const compactOllama = [
  ...tokens.map((text) =>
    `{"model":"llama3.2","created_at":"2025-11-03T14:22:05.307044592Z",` +
    `"message":{"role":"assistant","content":${text}},"done":false}\n`
  ),
  `{"model":"llama3.2","created_at":"2025-11-03T14:22:06Z",` +
  `"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}\n`,
];
const compactOpenAI = [
  ...tokens.map((text) =>
    `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1762180925,` +
    `"model":"gpt-4.1-mini","system_fingerprint":"fp_1","choices":[{"index":0,` +
    `"delta":{"content":${text}},"logprobs":null,"finish_reason":null}],"obfuscation":"x1"}\n\n`
  ),
  `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1762180925,` +
  `"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}\n\n`,
  "data: [DONE]\n\n",
];
const compactAnthropic = [
  ...anthropicLines().slice(0, 2),
  ...tokens.map((text) =>
    `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,` +
    `"delta":{"type":"text_delta","text":${text}}}\n\n`
  ),
  ...anthropicLines().slice(-3),
];

/** The same frames with a space before each nested object: read with JSON.parse, which makes strings of its own. */
const spaced = (lines: string[]) => lines.map((line) => line.replaceAll('":{"', '": {"'));

type Read = () => Promise<{ text: string }>;

function resultCase(
  name: string,
  lines: string[],
  type: string,
  open: (fetch: () => Promise<Response>) => { result(): Promise<{ text: string }> },
): [string, Read, Read, number] {
  const [fetch, length] = bigReadsOf(lines, type);
  const [parsedFetch] = bigReadsOf(spaced(lines), type);
  return [name, () => open(fetch).result(), () => open(parsedFetch).result(), length];
}

const resultCases = [
  resultCase(
    "Ollama.chat",
    compactOllama,
    "application/x-ndjson",
    (fetch) => new Ollama({ fetch }).chat({ model: "m", messages: [] }),
  ),
  resultCase(
    "OpenAI.chat",
    compactOpenAI,
    "text/event-stream",
    (fetch) => new OpenAI({ apiKey: "k", fetch }).chat({ model: "m", messages: [] }),
  ),
  resultCase(
    "Anthropic.messages",
    compactAnthropic,
    "text/event-stream",
    (fetch) =>
      new Anthropic({ apiKey: "k", fetch }).messages({ model: "c", max_tokens: 1, messages: [] }),
  ),
];

/** The heap `RUNS` results of `read` hold, per result. */
async function heldByResults(read: Read): Promise<number> {
  assert.equal((await read()).text.length, PIECES * 14); // Warm, and every token was read.
  const kept: { text: string }[] = [];
  gc!();
  const before = Deno.memoryUsage().heapUsed;
  for (let i = 0; i < RUNS; i++) kept.push(await read());
  gc!();
  return (Deno.memoryUsage().heapUsed - before) / RUNS;
}

for (const [name, read, readParsed, bodyLength] of resultCases) {
  Deno.test({
    name: `${name}: a result read without JSON.parse keeps its text, not the body it came from`,
    ignore: gc === undefined,
    async fn() {
      const parsed = await heldByResults(readParsed);
      const held = await heldByResults(read);
      // A token that kept its read alive would keep the whole body (a byte a character here):
      // without the copies, 0.55 to 0.85 of it more than with JSON.parse; with them, at most 0.25.
      assert.ok(
        held < parsed + 0.4 * bodyLength,
        `a result of a ${bodyLength}-byte body holds ${Math.round(held)} bytes, ` +
          `${Math.round(parsed)} when read with JSON.parse`,
      );
    },
  });
}

Deno.test({
  name: "a stream being read lets go of its request: the body, the headers and the options",
  ignore: gc === undefined,
  async fn() {
    // What a retry of the first read needs goes once the body is found: a paused stream (a chat
    // window left open) held about 3 KB of request per stream (`peers_bench.ts`, paused heap).
    const runs: [string, (request: object, options: object) => AsyncIterator<string>][] = [
      [
        "Ollama",
        (request, options) =>
          new Ollama({ fetch: fetchOf(ollamaLines(), "application/x-ndjson") })
            .chat(request as never, options).textStream[Symbol.asyncIterator](),
      ],
      [
        "OpenAI",
        (request, options) =>
          new OpenAI({ apiKey: "k", fetch: fetchOf(openaiLines(), "text/event-stream") })
            .chat(request as never, options).textStream[Symbol.asyncIterator](),
      ],
    ];
    for (const [name, open] of runs) {
      const refs: WeakRef<object>[] = [];
      const iterator = await (async () => {
        const request = { model: "m", messages: [{ role: "user", content: "Hi" }] };
        const options = { headers: { "x-trace": "1" } };
        refs.push(new WeakRef(request), new WeakRef(request.messages), new WeakRef(options));
        const iterator = open(request, options);
        await iterator.next();
        return iterator;
      })();
      await new Promise((resolve) => setTimeout(resolve, 0));
      gc!();
      assert.deepEqual(refs.map((ref) => ref.deref() === undefined), [true, true, true], name);
      await iterator.return?.();
    }
  },
});
