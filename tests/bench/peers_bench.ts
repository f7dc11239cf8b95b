// Copyright 2025 the sluice authors. MIT license.
/**
 * The whole client path against the peers' whole client paths, in one run:
 * for each provider format, the identical transcript bytes (`_transcripts.ts`)
 * at two chunkings (one event per read, 16 KiB reads) served through the
 * `fetch` option of
 *
 * - sluice's client (`Ollama.chat`, `OpenAI.chat`, `Anthropic.messages`), read
 *   through `textStream` + `result()` and through `for await` of the chunks +
 *   `result()`;
 * - the peer SDK doing the same job (every text delta, then the usage):
 *   ollama-js `chat({ stream: true })`, openai-node
 *   `chat.completions.create({ stream: true })`, `@anthropic-ai/sdk`
 *   `messages.create({ stream: true })`;
 * - over the OpenAI format, sluice's `streamText` (`src/unified`) and the
 *   Vercel AI SDK's `streamText` (with `@ai-sdk/openai-compatible`), each
 *   read through `.textStream`, then the result;
 * - the floor: the same bytes with one body read, one `TextDecoder.decode`,
 *   a minimal frame parser (LF-only line split with carry-over, SSE `data:`
 *   fields joined and dispatched on the blank line) and one `JSON.parse` per
 *   event, the text deltas concatenated.
 *
 * Every candidate's whole output text (and, for the clients, the usage at the
 * end) is checked against the transcript before anything is timed. Then the
 * heap an open, paused stream holds: N streams opened, a few text deltas read
 * from each, left waiting; the live heap (after `gc()`) with them held, less
 * the live heap before, over N.
 *
 * The peers are dev-only: their `npm:` specifiers are pinned here and nowhere
 * else, so neither the library, its `deno.json` nor `deno task demo` needs them.
 *
 * `deno task bench` runs it after the client bench (see `main.ts`). Alone (the
 * heap check needs `gc()`):
 *
 * ```sh
 * deno run -A --v8-flags=--single-threaded-gc,--expose-gc tests/bench/peers_bench.ts
 * deno run -A --v8-flags=--single-threaded-gc,--expose-gc tests/bench/peers_bench.ts --quick
 * ```
 *
 * Times are process CPU time (user + system, all threads). Candidates run
 * interleaved; each timed run follows an untimed run of the same candidate, so
 * it pays for its own garbage, not for its neighbour's (the AI SDK leaves a
 * lot; rotating the order does not change who follows whom, and a `gc()`
 * before each run made the next run slower, not fairer). Each ratio is the
 * median over repetitions of the ratio within one repetition, with its range.
 * Nothing is asserted about time.
 *
 * @module
 */

import process from "node:process";
// The peers are dev-only and pinned here, so the library's deno.json lists no dependency.
// deno-lint-ignore no-import-prefix
import { Ollama as OllamaJs } from "npm:ollama@0.6.4/browser";
// deno-lint-ignore no-import-prefix
import OpenAINode from "npm:openai@7.55.0";
// deno-lint-ignore no-import-prefix
import AnthropicSdk from "npm:@anthropic-ai/sdk@1.16.0";
// deno-lint-ignore no-import-prefix
import { streamText as aiStreamText } from "npm:ai@7.0.173";
// deno-lint-ignore no-import-prefix
import { createOpenAICompatible } from "npm:@ai-sdk/openai-compatible@3.0.92";
import { Ollama } from "../../src/providers/ollama/mod.ts";
import type { OllamaChatChunk } from "../../src/providers/ollama/mod.ts";
import { OpenAI } from "../../src/providers/openai/mod.ts";
import type { OpenAIChatChunk } from "../../src/providers/openai/mod.ts";
import { Anthropic } from "../../src/providers/anthropic/mod.ts";
import type { AnthropicStreamEvent } from "../../src/providers/anthropic/mod.ts";
import { openai as unifiedOpenAI, streamText } from "../../src/unified/mod.ts";
import {
  anthropicMessagesTranscript,
  ollamaChatTranscript,
  openAIChatTranscript,
  type Pick,
  type Transcript,
} from "./_transcripts.ts";
import { Deltas, integer, median, parseArgs, table } from "./_common.ts";
import { expectedText, Floor } from "./_floor.ts";

/** At one event per read: sluice's clients' CPU per token ≤ 1.2 × the floor's. */
const CLIENT_GOAL = 1.2;
/** At one event per read: sluice's `streamText` ≤ 1.3 × the floor. */
const STREAM_TEXT_GOAL = 1.3;
/** At 16 KiB reads: sluice no slower than ollama-js and `@anthropic-ai/sdk`. */
const PEER_GOAL = 1.0;
/** The heap an open, paused stream may hold, in bytes. */
const HEAP_GOAL = 16 * 1024;

// ---------------------------------------------------------------------------
// Settings

interface Settings {
  quick: boolean;
  events: number;
  reps: number;
  /** Streams held open at once for the heap check. */
  heapStreams: number;
}

function parseSettings(args: readonly string[]): Settings {
  const { quick, reps } = parseArgs(args);
  const settings: Settings = quick
    ? { quick, events: 2_000, reps: 3, heapStreams: 50 }
    : { quick, events: 10_000, reps: 25, heapStreams: 200 };
  if (reps !== undefined) settings.reps = reps;
  return settings;
}

// ---------------------------------------------------------------------------
// Bodies

type Fetch = typeof fetch;

/** How the body is cut into reads. */
interface Chunking {
  name: string;
  short: string;
  pieces(transcript: Transcript): Uint8Array[];
}

const READ_SIZE = 16 * 1024;

const CHUNKINGS: Chunking[] = [
  { name: "one event per read", short: "1 event/read", pieces: (t) => t.pieces },
  {
    name: "16 KiB reads",
    short: "16 KiB reads",
    pieces(t) {
      const pieces: Uint8Array[] = [];
      for (let i = 0; i < t.bytes.length; i += READ_SIZE) {
        pieces.push(t.bytes.subarray(i, i + READ_SIZE));
      }
      return pieces;
    },
  },
];

/** Reads pulled from every body so far (the heap check reports how far a paused client read). */
let pulled = 0;

/** A body that hands out one pre-split piece per pull, as a network read would. */
function bodyOf(pieces: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces[index++];
      pulled++;
      if (piece === undefined) controller.close();
      else controller.enqueue(piece);
    },
  });
}

/** A `fetch` answering 200 with the pieces, one per read of a pull-based body. */
function fetchOf(pieces: readonly Uint8Array[], contentType: string): Fetch {
  return () =>
    Promise.resolve(
      new Response(bodyOf(pieces), { headers: { "content-type": contentType } }),
    );
}

// ---------------------------------------------------------------------------
// Provider formats and candidates

/**
 * What a candidate delivered: the texts to compare whole with the
 * transcript's (the result's text; the text streamed when the caller kept
 * it), the length of the text streamed, the output tokens.
 */
interface Output {
  texts: string[];
  streamedLength: number;
  outputTokens: number | undefined;
}

/** The output of a run: what the caller streamed, then the results' texts. */
function outputOf(
  deltas: Deltas,
  results: string[],
  outputTokens: number | undefined,
): Output {
  return {
    texts: deltas.keep ? [deltas.text, ...results] : results,
    streamedLength: deltas.streamedLength,
    outputTokens,
  };
}

type Role = "floor" | "sluice" | "unified" | "peer" | "peer unified";

interface Candidate {
  name: string;
  role: Role;
  /** One run; `keep`: the consumer keeps the text streamed (a checked run). */
  run(pieces: readonly Uint8Array[], keep: boolean): Promise<Output>;
  /** Opens a stream, reads `deltas` text deltas and leaves it paused; resolves to its closer. */
  hold?(pieces: readonly Uint8Array[], deltas: number): Promise<() => Promise<void>>;
}

interface Wire {
  name: string;
  title: string;
  framing: "ndjson" | "sse";
  contentType: string;
  transcript(events: number): Transcript;
  pick: Pick;
  /** The candidates besides the floor. */
  candidates: Candidate[];
  /** Which candidates are compared with which peer (sluice ÷ peer). */
  versus: [sluice: string, peer: string, goal?: number][];
  /**
   * The rounds of candidates timed together (each with the floor), by name; by
   * default one round of all. A candidate's figures come from the first round
   * that has it; a ratio of two, from a round that has both.
   */
  rounds?: string[][];
}

/** What the bench reads of a sluice `ResponseStream` or `UnifiedStream`. */
interface SluiceStream<Chunk> extends AsyncIterable<Chunk> {
  readonly textStream: AsyncIterable<string>;
  result(): Promise<{ text: string; usage: { outputTokens?: number | undefined } }>;
  cancel(): Promise<void>;
}

const prompt = "Tell me about sluices";
const messages = [{ role: "user" as const, content: prompt }];

/** `textStream` + `result()` and `for await` chunks + `result()` of a sluice client. */
function sluiceCandidates<Chunk>(
  name: string,
  open: (fetch: Fetch) => SluiceStream<Chunk>,
  textOf: (chunk: Chunk) => string | null | undefined,
  contentType: string,
): Candidate[] {
  return [
    {
      name: `sluice ${name} textStream + result()`,
      role: "sluice",
      async run(pieces, keep) {
        const stream = open(fetchOf(pieces, contentType));
        const deltas = new Deltas(keep);
        for await (const delta of stream.textStream) deltas.add(delta);
        const result = await stream.result();
        return outputOf(deltas, [result.text], result.usage.outputTokens);
      },
      hold: (pieces, deltas) => holdSluice(open(fetchOf(pieces, contentType)), deltas),
    },
    {
      name: `sluice ${name} for await + result()`,
      role: "sluice",
      async run(pieces, keep) {
        const stream = open(fetchOf(pieces, contentType));
        const deltas = new Deltas(keep);
        for await (const chunk of stream) {
          const delta = textOf(chunk);
          if (delta) deltas.add(delta);
        }
        const result = await stream.result();
        return outputOf(deltas, [result.text], result.usage.outputTokens);
      },
    },
  ];
}

async function holdSluice(
  stream: SluiceStream<unknown>,
  deltas: number,
): Promise<() => Promise<void>> {
  const iterator = stream.textStream[Symbol.asyncIterator]();
  for (let i = 0; i < deltas; i++) await iterator.next();
  return async () => {
    await iterator.return?.();
  };
}

/** Holds any async iterator paused after `deltas` items that carry text. */
async function holdIterator<T>(
  iterable: AsyncIterable<T>,
  hasText: (item: T) => boolean,
  deltas: number,
): Promise<() => Promise<void>> {
  const iterator = iterable[Symbol.asyncIterator]();
  for (let seen = 0; seen < deltas;) {
    const { done, value } = await iterator.next();
    if (done) throw new Error("The stream ended before the deltas to hold");
    if (hasText(value)) seen++;
  }
  return async () => {
    await iterator.return?.();
  };
}

// Ollama ---------------------------------------------------------------------

const NDJSON = "application/x-ndjson";
const SSE = "text/event-stream; charset=utf-8";

interface OllamaJsPart {
  message: { content: string };
  done: boolean;
  eval_count?: number;
}

function openOllamaJs(pieces: readonly Uint8Array[]) {
  return new OllamaJs({ fetch: fetchOf(pieces, NDJSON) }).chat({
    model: "llama3.2",
    messages,
    stream: true,
  });
}

const ollamaTextOf = (chunk: OllamaChatChunk) => chunk.message?.content;
const ollamaWire: Wire = {
  name: "Ollama",
  title: "/api/chat NDJSON lines, then the done line",
  framing: "ndjson",
  contentType: NDJSON,
  transcript: ollamaChatTranscript,
  pick: ollamaTextOf as Pick,
  candidates: [
    ...sluiceCandidates(
      "Ollama.chat",
      (fetch) => new Ollama({ fetch }).chat({ model: "llama3.2", messages }),
      ollamaTextOf,
      NDJSON,
    ),
    {
      name: "ollama-js chat({ stream: true })",
      role: "peer",
      async run(pieces) {
        const stream = await openOllamaJs(pieces);
        // Without a result of its own, the caller keeps the text: it is the answer.
        const deltas = new Deltas(true);
        let outputTokens: number | undefined;
        for await (const part of stream as AsyncIterable<OllamaJsPart>) {
          const delta = part.message.content;
          if (delta) deltas.add(delta);
          if (part.done) outputTokens = part.eval_count;
        }
        return outputOf(deltas, [], outputTokens);
      },
      hold: async (pieces, deltas) =>
        holdIterator(
          await openOllamaJs(pieces) as AsyncIterable<OllamaJsPart>,
          (part) => part.message.content !== "",
          deltas,
        ),
    },
  ],
  versus: [
    ["sluice Ollama.chat textStream + result()", "ollama-js chat({ stream: true })", PEER_GOAL],
    ["sluice Ollama.chat for await + result()", "ollama-js chat({ stream: true })", PEER_GOAL],
  ],
};

// OpenAI ---------------------------------------------------------------------

function openOpenAINode(pieces: readonly Uint8Array[]) {
  return new OpenAINode({ apiKey: "sk-bench", fetch: fetchOf(pieces, SSE), maxRetries: 0 })
    .chat.completions.create({
      model: "gpt-4.1-mini",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
}

function openAISdk(pieces: readonly Uint8Array[]) {
  const provider = createOpenAICompatible({
    name: "openai",
    baseURL: "https://api.openai.com/v1",
    apiKey: "sk-bench",
    fetch: fetchOf(pieces, SSE),
    includeUsage: true,
  });
  return aiStreamText({ model: provider.chatModel("gpt-4.1-mini"), prompt, maxRetries: 0 });
}

function openSluiceStreamText(pieces: readonly Uint8Array[]) {
  return streamText({
    model: unifiedOpenAI("gpt-4.1-mini", { fetch: fetchOf(pieces, SSE), apiKey: "sk-bench" }),
    prompt,
  });
}

const openAITextOf = (chunk: OpenAIChatChunk) => chunk.choices[0]?.delta.content;
const openAIWire: Wire = {
  name: "OpenAI",
  title: "chat.completion.chunk SSE: role, deltas, finish, usage, [DONE]",
  framing: "sse",
  contentType: SSE,
  transcript: openAIChatTranscript,
  pick: openAITextOf as Pick,
  candidates: [
    ...sluiceCandidates(
      "OpenAI.chat",
      (fetch) =>
        new OpenAI({ apiKey: "sk-bench", fetch }).chat({ model: "gpt-4.1-mini", messages }),
      openAITextOf,
      SSE,
    ),
    {
      name: "openai-node chat.completions.create({ stream: true })",
      role: "peer",
      async run(pieces) {
        const stream = await openOpenAINode(pieces);
        // Without a result of its own, the caller keeps the text: it is the answer.
        const deltas = new Deltas(true);
        let outputTokens: number | undefined;
        for await (const chunk of stream) {
          const delta = chunk.choices[0]?.delta?.content;
          if (delta) deltas.add(delta);
          if (chunk.usage) outputTokens = chunk.usage.completion_tokens;
        }
        return outputOf(deltas, [], outputTokens);
      },
      hold: async (pieces, deltas) =>
        holdIterator(await openOpenAINode(pieces), (c) => !!c.choices[0]?.delta?.content, deltas),
    },
    {
      name: "sluice streamText (unified openai()) textStream + result()",
      role: "unified",
      async run(pieces, keep) {
        const stream = openSluiceStreamText(pieces);
        const deltas = new Deltas(keep);
        for await (const delta of stream.textStream) deltas.add(delta);
        const result = await stream.result();
        return outputOf(deltas, [result.text], result.usage.outputTokens);
      },
      hold: (pieces, deltas) => holdSluice(openSluiceStreamText(pieces), deltas),
    },
    {
      name: "AI SDK streamText (openai-compatible) textStream + text",
      role: "peer unified",
      async run(pieces, keep) {
        const stream = openAISdk(pieces);
        const deltas = new Deltas(keep);
        for await (const delta of stream.textStream) deltas.add(delta);
        const [full, usage] = await Promise.all([stream.text, stream.usage]);
        return outputOf(deltas, [full], usage.outputTokens);
      },
      hold: (pieces, deltas) => holdIterator(openAISdk(pieces).textStream, () => true, deltas),
    },
  ],
  versus: [
    [
      "sluice OpenAI.chat textStream + result()",
      "openai-node chat.completions.create({ stream: true })",
    ],
    [
      "sluice OpenAI.chat for await + result()",
      "openai-node chat.completions.create({ stream: true })",
    ],
    [
      "sluice streamText (unified openai()) textStream + result()",
      "AI SDK streamText (openai-compatible) textStream + text",
    ],
  ],
  // The AI SDK leaves so much garbage that whatever runs after it, even after an untimed
  // run of its own, is slowed: it is timed in a round of its own.
  rounds: [
    [
      "sluice OpenAI.chat textStream + result()",
      "sluice OpenAI.chat for await + result()",
      "openai-node chat.completions.create({ stream: true })",
      "sluice streamText (unified openai()) textStream + result()",
    ],
    [
      "sluice streamText (unified openai()) textStream + result()",
      "AI SDK streamText (openai-compatible) textStream + text",
    ],
  ],
};

// Anthropic ------------------------------------------------------------------

function openAnthropicSdk(pieces: readonly Uint8Array[]) {
  return new AnthropicSdk({ apiKey: "sk-ant-bench", fetch: fetchOf(pieces, SSE), maxRetries: 0 })
    .messages.create({ model: "claude-sonnet-4-6", max_tokens: 1024, messages, stream: true });
}

const anthropicTextOf = (event: AnthropicStreamEvent) =>
  event.type === "content_block_delta" && event.delta.type === "text_delta"
    ? event.delta.text
    : undefined;
const anthropicWire: Wire = {
  name: "Anthropic",
  title: "Messages SSE: message_start, content_block_start, ping, text_delta…, stop events",
  framing: "sse",
  contentType: SSE,
  transcript: anthropicMessagesTranscript,
  pick: anthropicTextOf as Pick,
  candidates: [
    ...sluiceCandidates(
      "Anthropic.messages",
      (fetch) =>
        new Anthropic({ apiKey: "sk-ant-bench", fetch }).messages({
          model: "claude-sonnet-4-6",
          max_tokens: 1024,
          messages,
        }),
      anthropicTextOf,
      SSE,
    ),
    {
      name: "@anthropic-ai/sdk messages.create({ stream: true })",
      role: "peer",
      async run(pieces) {
        const stream = await openAnthropicSdk(pieces);
        // Without a result of its own, the caller keeps the text: it is the answer.
        const deltas = new Deltas(true);
        let outputTokens: number | undefined;
        for await (const event of stream) {
          if (event.type === "content_block_delta") {
            if (event.delta.type === "text_delta") deltas.add(event.delta.text);
          } else if (event.type === "message_delta") {
            outputTokens = event.usage.output_tokens;
          }
        }
        return outputOf(deltas, [], outputTokens);
      },
      hold: async (pieces, deltas) =>
        holdIterator(
          await openAnthropicSdk(pieces),
          (event) => event.type === "content_block_delta",
          deltas,
        ),
    },
  ],
  versus: [
    [
      "sluice Anthropic.messages textStream + result()",
      "@anthropic-ai/sdk messages.create({ stream: true })",
      PEER_GOAL,
    ],
    [
      "sluice Anthropic.messages for await + result()",
      "@anthropic-ai/sdk messages.create({ stream: true })",
      PEER_GOAL,
    ],
  ],
};

const WIRES: Wire[] = [ollamaWire, openAIWire, anthropicWire];

function floorOf(wire: Wire): Candidate {
  return {
    name: "floor: reads + decode + frames + JSON.parse",
    role: "floor",
    async run(pieces) {
      const floor = new Floor(wire.framing, wire.pick, bodyOf(pieces));
      while (await floor.read());
      // The floor's text is its result, kept by every run, like sluice's result().
      const { text } = floor.frames;
      return { texts: [text], streamedLength: text.length, outputTokens: undefined };
    },
    async hold(pieces, deltas) {
      const floor = new Floor(wire.framing, wire.pick, bodyOf(pieces));
      while (floor.frames.deltas < deltas) await floor.read();
      return () => floor.reader.cancel();
    },
  };
}

// ---------------------------------------------------------------------------
// Checking and timing

/** Throws unless every text the candidate delivered is the expected one. */
function verify(wire: Wire, candidate: Candidate, output: Output, expected: string, count: number) {
  for (const [i, text] of output.texts.entries()) {
    if (text !== expected) {
      const at = [...text].findIndex((c, j) => c !== [...expected][j]);
      throw new Error(
        `${wire.name}, ${candidate.name}: output ${i + 1} has ${text.length} characters, ` +
          `expected ${expected.length}, first difference at ${at}`,
      );
    }
  }
  if (candidate.role !== "floor" && output.outputTokens !== count) {
    throw new Error(
      `${wire.name}, ${candidate.name}: ${output.outputTokens} output tokens, expected ${count}`,
    );
  }
}

/** V8's collector, when exposed (`--v8-flags=--expose-gc`, as `deno task bench` runs it). */
const gc = (globalThis as { gc?: () => void }).gc;

/** CPU time of the process (all threads), in milliseconds. */
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e3;
}

async function timed(
  wire: Wire,
  candidate: Candidate,
  pieces: readonly Uint8Array[],
  expected: string,
): Promise<number> {
  const cpu = cpuNow();
  const output = await candidate.run(pieces, false);
  // The answer is read whole, as a caller would use it: timed, since it also flattens the
  // string built a delta at a time (left unread, that chain of 10,000 pieces doubled the
  // collector's time per token in the runs after it).
  const right = output.streamedLength === expected.length &&
    output.texts.every((text) => text === expected);
  const elapsed = cpuNow() - cpu;
  if (!right) throw new Error(`${wire.name}, ${candidate.name}: the text differs`);
  return elapsed;
}

/** Per candidate: CPU ms of each repetition. */
type Timings = Map<Candidate, number[]>;

async function measure(
  wire: Wire,
  candidates: readonly Candidate[],
  pieces: readonly Uint8Array[],
  expected: string,
  reps: number,
): Promise<Timings> {
  const timings: Timings = new Map(candidates.map((c) => [c, []]));
  for (let rep = 0; rep < reps; rep++) {
    // Each repetition starts one candidate later. Each timed run follows an untimed run of
    // the same candidate, which pays for the garbage the previous candidate left (the AI
    // SDK leaves a lot): a candidate is timed in its own steady state. (A gc() between runs
    // does not do it: with the collector on the main thread, the next run sweeps after it.)
    for (let i = 0; i < candidates.length; i++) {
      const candidate = candidates[(rep + i) % candidates.length]!;
      await candidate.run(pieces, false);
      timings.get(candidate)!.push(await timed(wire, candidate, pieces, expected));
    }
  }
  return timings;
}

const times = (value: number) => `${value.toFixed(2)}×`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** a's time over b's in each repetition. */
function ratios(timings: Timings, a: Candidate, b: Candidate): number[] {
  const bs = timings.get(b)!;
  return timings.get(a)!.map((t, rep) => t / bs[rep]!);
}

/** The median over repetitions of a's time over b's in the same repetition. */
function ratio(timings: Timings, a: Candidate, b: Candidate): number {
  return median(ratios(timings, a, b));
}

/** The median ratio, with its range over the repetitions when there are several. */
function ratioCell(timings: Timings, a: Candidate, b: Candidate): string {
  const all = ratios(timings, a, b);
  if (all.length < 2 || a === b) return times(median(all));
  return `${times(median(all))} (${Math.min(...all).toFixed(2)}–${Math.max(...all).toFixed(2)})`;
}

// ---------------------------------------------------------------------------
// Heap held by open, paused streams

/** Text deltas read from each held stream before it is left waiting. */
const HELD_DELTAS = 3;

function liveHeap(): number {
  gc!();
  gc!();
  return Deno.memoryUsage().heapUsed;
}

/** Per stream held open and paused after a few deltas: bytes of live heap, reads pulled. */
async function heldPerStream(
  candidate: Candidate,
  pieces: readonly Uint8Array[],
  streams: number,
): Promise<{ bytes: number; reads: number }> {
  const hold = candidate.hold!;
  // Once before measuring, so code and caches that every stream shares are in place.
  await (await hold(pieces, HELD_DELTAS))();
  const before = liveHeap();
  const pulledBefore = pulled;
  const closers: (() => Promise<void>)[] = [];
  for (let i = 0; i < streams; i++) closers.push(await hold(pieces, HELD_DELTAS));
  // Let a client that reads ahead by itself do so.
  await new Promise((resolve) => setTimeout(resolve, 10));
  const reads = (pulled - pulledBefore) / streams;
  const after = liveHeap();
  for (const close of closers) await close();
  return { bytes: (after - before) / streams, reads };
}

// ---------------------------------------------------------------------------
// Output

interface GoalLine {
  what: string;
  value: number;
  goal: number;
}

async function main(): Promise<void> {
  const settings = parseSettings(Deno.args);
  const started = performance.now();
  // The AI SDK logs its warnings to the console by default.
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  console.log(
    `sluice peers bench${settings.quick ? " (quick)" : ""}: Deno ${Deno.version.deno}, ` +
      `V8 ${Deno.version.v8}, ${Deno.build.os}/${Deno.build.arch}`,
  );
  console.log(
    "Each client's fetch option answers from memory with the same transcript bytes, one event " +
      "per read or 16 KiB per read of a pull-based body; the job is every text delta, then the " +
      "result (sluice's result(), the AI SDK's text and usage, the other peers' last usage " +
      "chunk). Every output was checked against the transcript before timing. In a timed run " +
      "the answer is compared whole, within the time; a caller of sluice or the AI SDK, which " +
      "have it in their result, counts each delta's characters instead of keeping its own copy " +
      "(the floor and the other peers' callers keep the text). Candidates run " +
      "interleaved, in an order rotated each repetition, each timed run right after an untimed " +
      "run of the same candidate. CPU µs/token is process CPU time per token event (median); " +
      "× floor and sluice ÷ peer are medians over repetitions of the ratio within one " +
      "repetition (its range in brackets). The floor: one body read, one TextDecoder.decode, a " +
      "minimal LF-only frame parser and one JSON.parse per event.",
  );
  const medianOf = settings.reps === 1 ? "one repetition" : `median of ${settings.reps}`;
  const goals: GoalLine[] = [];

  for (const wire of WIRES) {
    const floor = floorOf(wire);
    const candidates = [floor, ...wire.candidates];
    const byName = new Map(candidates.map((c) => [c.name, c]));
    const transcript = wire.transcript(settings.events);
    const expected = expectedText(wire.framing, wire.pick, transcript.bytes);
    if (expected.length !== transcript.textLength) throw new Error("The expected text is wrong");

    // Warm-up on a small transcript, then one checked run of every candidate at every chunking.
    const small = wire.transcript(2_000);
    const smallExpected = expectedText(wire.framing, wire.pick, small.bytes);
    for (let i = 0; i < 3; i++) {
      for (const chunking of CHUNKINGS) {
        for (const candidate of candidates) {
          const output = await candidate.run(chunking.pieces(small), true);
          verify(wire, candidate, output, smallExpected, 2_000);
        }
      }
    }
    const cut = CHUNKINGS.map((chunking) => chunking.pieces(transcript));
    for (const pieces of cut) {
      for (const candidate of candidates) {
        verify(wire, candidate, await candidate.run(pieces, true), expected, settings.events);
      }
    }
    const rounds = (wire.rounds ?? [wire.candidates.map((c) => c.name)]).map((names) => [
      floor,
      ...names.map((name) => byName.get(name)!),
    ]);
    // Per round, per chunking.
    const results: Timings[][] = [];
    for (const members of rounds) {
      const perChunking: Timings[] = [];
      for (const pieces of cut) {
        perChunking.push(await measure(wire, members, pieces, expected, settings.reps));
      }
      results.push(perChunking);
    }
    /** The timings of the first round with all these candidates, per chunking. */
    const of = (...members: Candidate[]): Timings[] =>
      results[rounds.findIndex((round) => members.every((c) => round.includes(c)))]!;

    console.log(
      `\n${wire.name}: ${integer.format(settings.events)} tokens, ${wire.title} ` +
        `(${(transcript.bytes.length / 1e6).toFixed(2)} MB; ` +
        CHUNKINGS.map((ch, c) => `${ch.short}: ${integer.format(cut[c]!.length)} reads`).join(
          ", ",
        ) + `; ${medianOf})`,
    );
    const head = ["candidate"];
    for (const chunking of CHUNKINGS) head.push(`${chunking.short} µs/token`, "× floor");
    const rows = candidates.map((candidate) => {
      const row = [candidate.name];
      for (const timings of of(candidate)) {
        row.push(
          ((median(timings.get(candidate)!) * 1e3) / settings.events).toFixed(2),
          ratioCell(timings, candidate, floor),
        );
      }
      return row;
    });
    for (const [sluiceName, peerName] of wire.versus) {
      const [a, b] = [byName.get(sluiceName)!, byName.get(peerName)!];
      const row = [`${sluiceName.replace(/^sluice /, "")} ÷ ${peerName.split(" ")[0]}`];
      for (const timings of of(a, b)) row.push("", ratioCell(timings, a, b));
      rows.push(row);
    }
    console.log(table(head, rows, head.map((_, i) => i > 0)));
    for (const round of rounds.slice(1)) {
      const own = round.filter((c) => of(c) === of(...round));
      const shared = round.filter((c) => c !== floor && !own.includes(c));
      console.log(
        `(${own.map((c) => c.name).join(", ")}: timed in a round of its own, with the floor` +
          `${shared.map((c) => ` and ${c.name}`).join("")}, so its garbage lands on no one else)`,
      );
    }

    // The goals of issue 12.
    for (const candidate of candidates) {
      const goal = candidate.role === "sluice"
        ? CLIENT_GOAL
        : candidate.role === "unified"
        ? STREAM_TEXT_GOAL
        : undefined;
      if (goal === undefined) continue;
      goals.push({
        what: `${candidate.name}, 1 event/read, × floor`,
        value: ratio(of(candidate)[0]!, candidate, floor),
        goal,
      });
    }
    for (const [sluiceName, peerName, goal] of wire.versus) {
      if (goal === undefined) continue;
      const [a, b] = [byName.get(sluiceName)!, byName.get(peerName)!];
      goals.push({
        what: `${sluiceName.replace(/^sluice /, "")} ÷ ${peerName.split(" ")[0]}, 16 KiB reads`,
        value: ratio(of(a, b)[1]!, a, b),
        goal,
      });
    }
  }

  console.log("\nGoals (issue 12)");
  console.log(
    table(
      ["measure", "value", "goal", ""],
      goals.map((g) => [
        g.what,
        times(g.value),
        `≤ ${g.goal.toFixed(1)}×`,
        g.value <= g.goal ? "met" : "missed",
      ]),
      [false, true, true, false],
    ),
  );

  // Heap held by open, paused streams.
  if (gc === undefined) {
    console.log("\nHeap of a paused stream: skipped (run with --v8-flags=--expose-gc)");
  } else {
    const streams = settings.heapStreams;
    console.log(
      `\nHeap held by an open, paused stream: ${streams} streams of a 2,000-token transcript ` +
        `opened, ${HELD_DELTAS} text deltas read from each, then left waiting; the live heap ` +
        "after gc() with them all held, less the live heap before, per stream; reads: body " +
        "reads pulled per stream by then. At 16 KiB reads a paused stream holds what is left " +
        "of one read by construction (the decoded text of 16 KiB is 16 or 32 KiB).",
    );
    const head = ["format", "candidate"];
    for (const chunking of CHUNKINGS) head.push(`${chunking.short}: heap`, "reads");
    head.push("goal (1 event/read)", "");
    const rows: string[][] = [];
    for (const wire of WIRES) {
      const small = wire.transcript(2_000);
      for (const candidate of [floorOf(wire), ...wire.candidates]) {
        if (candidate.hold === undefined) continue;
        const row = [wire.name, candidate.name];
        let first: number | undefined;
        for (const chunking of CHUNKINGS) {
          const { bytes, reads } = await heldPerStream(candidate, chunking.pieces(small), streams);
          first ??= bytes;
          row.push(kib(bytes), reads.toFixed(0));
        }
        const ours = candidate.role === "sluice" || candidate.role === "unified";
        row.push(
          ours ? `≤ ${kib(HEAP_GOAL)}` : "",
          ours ? (first! <= HEAP_GOAL ? "met" : "missed") : "",
        );
        rows.push(row);
      }
    }
    console.log(table(head, rows, head.map((_, i) => i > 1)));
  }
  console.log(`\nTotal: ${((performance.now() - started) / 1e3).toFixed(1)} s`);
}

if (import.meta.main) await main();
