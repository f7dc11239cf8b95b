/**
 * Decode throughput: sluice's SSE and NDJSON decoders against peer libraries and
 * the in-memory limit (the whole body decoded at once, split on "\n", one
 * `JSON.parse` per line), plus a long-line linearity check and a constant-memory
 * check.
 *
 * ```sh
 * deno task bench                # full run
 * deno task bench --quick        # smoke run: fewer events, one repetition
 * deno task bench --reps 7       # more repetitions
 * ```
 *
 * Nothing is asserted about time (the machines are noisy); every candidate must
 * decode every item, which is asserted.
 *
 * @module
 */

// The peers are dev-only and pinned here, so the library's deno.json lists no dependency.
// deno-lint-ignore no-import-prefix
import { EventSourceParserStream } from "npm:eventsource-parser@4.1.3/stream";
// deno-lint-ignore no-import-prefix
import { Ollama } from "npm:ollama@0.6.4/browser";
// deno-lint-ignore no-import-prefix
import { Stream as OpenAIStream } from "npm:openai@7.55.0/streaming";
import { decodeJsonLines } from "../../src/streams/decode_json_lines.ts";
import { decodeServerSentEvents } from "../../src/streams/decode_server_sent_events.ts";
import { bodyOf, integer, median, parseArgs, seededRandom, table, WORDS } from "./_common.ts";

// ---------------------------------------------------------------------------
// Settings

interface Settings {
  quick: boolean;
  events: number;
  reps: number;
  longLineBytes: number;
  longLineReps: number;
  memoryEvents: number;
}

function parseSettings(args: readonly string[]): Settings {
  const { quick, reps } = parseArgs(args);
  const settings: Settings = quick
    ? {
      quick,
      events: 20_000,
      reps: 1,
      longLineBytes: 256 * 1024,
      longLineReps: 1,
      memoryEvents: 200_000,
    }
    : {
      quick,
      events: 200_000,
      reps: 5,
      longLineBytes: 1024 * 1024,
      longLineReps: 3,
      memoryEvents: 2_000_000,
    };
  if (reps !== undefined) settings.reps = reps;
  return settings;
}

// ---------------------------------------------------------------------------
// Test data: seeded, so every run decodes the same bytes

/** A token of one to four words, with a leading space as tokenizers produce. */
function tokenMaker(seed: number): () => string {
  const random = seededRandom(seed);
  return () => {
    let token = "";
    const words = 1 + Math.floor(random() * 4);
    for (let i = 0; i < words; i++) {
      token += " " + WORDS[Math.floor(random() * WORDS.length)];
    }
    return token;
  };
}

interface OpenAIChunk {
  choices: { delta: { content?: string } }[];
}

interface OllamaChunk {
  message: { content: string };
  done: boolean;
}

function openAIEvent(content: string): string {
  const chunk = {
    id: "chatcmpl-AWm2benchX7kqT9sP4dLr0fNv1",
    object: "chat.completion.chunk",
    created: 1732180000,
    model: "gpt-4o-mini-2024-07-18",
    system_fingerprint: "fp_0ba0d124f1",
    choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

const OPENAI_DONE = "data: [DONE]\n\n";

function ollamaLine(index: number, content: string, done: boolean): string {
  const createdAt = new Date(1732180000000 + index * 21).toISOString();
  const chunk = done
    ? {
      model: "llama3.2",
      created_at: createdAt,
      message: { role: "assistant", content },
      done_reason: "stop",
      done,
      total_duration: 4883583458,
      load_duration: 1334875,
      prompt_eval_count: 26,
      prompt_eval_duration: 342546000,
      eval_count: index + 1,
      eval_duration: 4535599000,
    }
    : { model: "llama3.2", created_at: createdAt, message: { role: "assistant", content }, done };
  return `${JSON.stringify(chunk)}\n`;
}

/** What every candidate must count: items decoded and the sum of their text lengths. */
interface Tally {
  items: number;
  textLength: number;
}

interface Corpus {
  bytes: Uint8Array;
  /** End offset of each event or line in `bytes`. */
  ends: number[];
  expected: Tally;
}

function buildCorpus(texts: readonly string[], expected: Tally): Corpus {
  const encoder = new TextEncoder();
  const encoded = texts.map((text) => encoder.encode(text));
  const bytes = new Uint8Array(encoded.reduce((sum, part) => sum + part.length, 0));
  const ends: number[] = [];
  let offset = 0;
  for (const part of encoded) {
    bytes.set(part, offset);
    offset += part.length;
    ends.push(offset);
  }
  return { bytes, ends, expected };
}

function openAICorpus(events: number): Corpus {
  const nextToken = tokenMaker(1);
  const texts: string[] = [];
  let textLength = 0;
  for (let i = 0; i < events; i++) {
    const token = nextToken();
    textLength += token.length;
    texts.push(openAIEvent(token));
  }
  texts.push(OPENAI_DONE);
  return buildCorpus(texts, { items: events, textLength });
}

function ollamaCorpus(lines: number): Corpus {
  const nextToken = tokenMaker(2);
  const texts: string[] = [];
  let textLength = 0;
  for (let i = 0; i < lines; i++) {
    const done = i === lines - 1;
    const token = done ? "" : nextToken();
    textLength += token.length;
    texts.push(ollamaLine(i, token, done));
  }
  return buildCorpus(texts, { items: lines, textLength });
}

// ---------------------------------------------------------------------------
// Chunking and the byte source

interface Chunking {
  name: string;
  split(corpus: Corpus): Uint8Array[];
}

function fixedPieces(size: number): (corpus: Corpus) => Uint8Array[] {
  return ({ bytes }) => {
    const pieces: Uint8Array[] = [];
    for (let offset = 0; offset < bytes.length; offset += size) {
      pieces.push(bytes.subarray(offset, offset + size));
    }
    return pieces;
  };
}

function eventPieces({ bytes, ends }: Corpus): Uint8Array[] {
  let start = 0;
  return ends.map((end) => {
    const piece = bytes.subarray(start, end);
    start = end;
    return piece;
  });
}

const CHUNKINGS: Chunking[] = [
  { name: "16 KiB", split: fixedPieces(16 * 1024) },
  { name: "64 B", split: fixedPieces(64) },
  { name: "1 event", split: eventPieces },
];

// ---------------------------------------------------------------------------
// Candidates

interface Candidate {
  name: string;
  /** Goals for `time / limit time`, by chunking name. */
  goals?: Record<string, number>;
  /** The in-memory limit reads `bytes` whole and ignores the pieces. */
  run(pieces: readonly Uint8Array[], bytes: Uint8Array): Promise<Tally>;
}

function countOpenAI(tally: Tally, chunk: OpenAIChunk): void {
  tally.items++;
  tally.textLength += chunk.choices[0]?.delta.content?.length ?? 0;
}

function countOllama(tally: Tally, chunk: OllamaChunk): void {
  tally.items++;
  tally.textLength += chunk.message.content.length;
}

const SSE_CANDIDATES: Candidate[] = [
  {
    name: "sluice",
    goals: { "16 KiB": 1.0, "64 B": 2.5, "1 event": 1.5 },
    async run(pieces) {
      const tally = { items: 0, textLength: 0 };
      const reader = decodeServerSentEvents(bodyOf(pieces)).getReader();
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        if (value.data === "[DONE]") {
          await reader.cancel();
          break;
        }
        countOpenAI(tally, JSON.parse(value.data));
      }
      return tally;
    },
  },
  {
    name: "eventsource-parser",
    async run(pieces) {
      const tally = { items: 0, textLength: 0 };
      const reader = bodyOf(pieces)
        .pipeThrough(new TextDecoderStream())
        .pipeThrough(new EventSourceParserStream())
        .getReader();
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        if (value.data === "[DONE]") {
          await reader.cancel();
          break;
        }
        countOpenAI(tally, JSON.parse(value.data));
      }
      return tally;
    },
  },
  {
    name: "openai-node",
    async run(pieces) {
      const tally = { items: 0, textLength: 0 };
      const response = new Response(bodyOf(pieces));
      const stream = OpenAIStream.fromSSEResponse<OpenAIChunk>(response, new AbortController());
      for await (const chunk of stream) countOpenAI(tally, chunk);
      return tally;
    },
  },
  {
    name: "in-memory limit",
    run(_pieces, bytes) {
      const tally = { items: 0, textLength: 0 };
      const text = new TextDecoder().decode(bytes);
      let start = 0;
      while (start < text.length) {
        let end = text.indexOf("\n", start);
        if (end === -1) end = text.length;
        if (text.startsWith("data: ", start)) {
          const data = text.slice(start + 6, end);
          if (data === "[DONE]") break;
          countOpenAI(tally, JSON.parse(data));
        }
        start = end + 1;
      }
      return Promise.resolve(tally);
    },
  },
];

const NDJSON_CANDIDATES: Candidate[] = [
  {
    name: "sluice",
    goals: { "16 KiB": 1.0, "64 B": 2.5, "1 event": 1.6 },
    async run(pieces) {
      const tally = { items: 0, textLength: 0 };
      const reader = decodeJsonLines(bodyOf(pieces)).getReader();
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        countOllama(tally, value as OllamaChunk);
      }
      return tally;
    },
  },
  {
    name: "ollama-js",
    async run(pieces) {
      const tally = { items: 0, textLength: 0 };
      const ollama = new Ollama({
        fetch: () => Promise.resolve(new Response(bodyOf(pieces))),
      });
      const stream = await ollama.chat({ model: "llama3.2", messages: [], stream: true });
      for await (const chunk of stream) countOllama(tally, chunk);
      return tally;
    },
  },
  {
    name: "in-memory limit",
    run(_pieces, bytes) {
      const tally = { items: 0, textLength: 0 };
      const text = new TextDecoder().decode(bytes);
      let start = 0;
      while (start < text.length) {
        let end = text.indexOf("\n", start);
        if (end === -1) end = text.length;
        if (end > start) countOllama(tally, JSON.parse(text.slice(start, end)));
        start = end + 1;
      }
      return Promise.resolve(tally);
    },
  },
];

interface Format {
  name: string;
  title: string;
  corpus(events: number): Corpus;
  candidates: Candidate[];
}

const FORMATS: Format[] = [
  {
    name: "SSE",
    title: "OpenAI chat.completion.chunk events, then [DONE]",
    corpus: openAICorpus,
    candidates: SSE_CANDIDATES,
  },
  {
    name: "NDJSON",
    title: "Ollama /api/chat lines, the last one done",
    corpus: ollamaCorpus,
    candidates: NDJSON_CANDIDATES,
  },
];

// ---------------------------------------------------------------------------
// Running

function assertTally(name: string, got: Tally, expected: Tally): void {
  if (got.items !== expected.items || got.textLength !== expected.textLength) {
    throw new Error(
      `${name} decoded ${got.items} items with ${got.textLength} characters of text: expected ${expected.items} items with ${expected.textLength}`,
    );
  }
}

async function timed(
  candidate: Candidate,
  pieces: readonly Uint8Array[],
  corpus: Corpus,
): Promise<number> {
  const start = performance.now();
  const tally = await candidate.run(pieces, corpus.bytes);
  const elapsed = performance.now() - start;
  assertTally(candidate.name, tally, corpus.expected);
  return elapsed;
}

interface Row {
  chunking: string;
  pieces: number;
  candidate: Candidate;
  mbPerSecond: number;
  ratio: number;
}

/** Runs every candidate once on a small corpus in every chunking, so the JIT has seen them all. */
async function warmUp(format: Format): Promise<void> {
  const corpus = format.corpus(5_000);
  for (const chunking of CHUNKINGS) {
    const pieces = chunking.split(corpus);
    for (const candidate of format.candidates) await timed(candidate, pieces, corpus);
  }
}

async function measure(format: Format, corpus: Corpus, settings: Settings): Promise<Row[]> {
  const limit = format.candidates.at(-1)!; // Each format lists its in-memory limit last.
  const rows: Row[] = [];
  for (const chunking of CHUNKINGS) {
    const pieces = chunking.split(corpus);
    const times = new Map<Candidate, number[]>(format.candidates.map((c) => [c, []]));
    const ratios = new Map<Candidate, number[]>(format.candidates.map((c) => [c, []]));
    for (let rep = 0; rep < settings.reps; rep++) {
      // Each repetition starts one candidate later, so none always runs right after
      // the same neighbour (and pays for its garbage).
      const repTimes = new Map<Candidate, number>();
      const count = format.candidates.length;
      for (let i = 0; i < count; i++) {
        const candidate = format.candidates[(rep + i) % count]!;
        repTimes.set(candidate, await timed(candidate, pieces, corpus));
      }
      for (const candidate of format.candidates) {
        const time = repTimes.get(candidate)!;
        times.get(candidate)!.push(time);
        ratios.get(candidate)!.push(time / repTimes.get(limit)!);
      }
    }
    for (const candidate of format.candidates) {
      rows.push({
        chunking: chunking.name,
        pieces: pieces.length,
        candidate,
        mbPerSecond: corpus.bytes.length / 1e3 / median(times.get(candidate)!),
        ratio: median(ratios.get(candidate)!),
      });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------
// Long lines: time should grow linearly with the line's length

async function drainCount<T>(
  stream: ReadableStream<T>,
  size: (item: T) => number,
): Promise<number> {
  let total = 0;
  for await (const item of stream) total += size(item);
  return total;
}

function longLineText(bytes: number): string {
  const unit = "a long line of text, é ü — 日本 🚀, ";
  const unitBytes = new TextEncoder().encode(unit).length;
  return unit.repeat(Math.ceil(bytes / unitBytes));
}

interface LongLineCase {
  name: string;
  body(text: string): string;
  decode(body: ReadableStream<Uint8Array>, maxLineLength: number): Promise<number>;
}

const LONG_LINE_CASES: LongLineCase[] = [
  {
    name: "decodeJsonLines",
    body: (text) => `${JSON.stringify(text)}\n`,
    decode: (body, maxLineLength) =>
      drainCount(decodeJsonLines(body, { maxLineLength }), (value) => (value as string).length),
  },
  {
    name: "decodeServerSentEvents",
    body: (text) => `data: ${text}\n\n`,
    decode: (body, maxLineLength) =>
      drainCount(decodeServerSentEvents(body, { maxLineLength }), (event) => event.data.length),
  },
];

async function timeLongLine(
  testCase: LongLineCase,
  lineBytes: number,
  reps: number,
): Promise<number> {
  const text = longLineText(lineBytes);
  const corpus = buildCorpus([testCase.body(text)], { items: 1, textLength: text.length });
  const pieces = fixedPieces(16)(corpus);
  const times: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const start = performance.now();
    const length = await testCase.decode(bodyOf(pieces), 4 * lineBytes + 1024);
    times.push(performance.now() - start);
    assertTally(testCase.name, { items: 1, textLength: length }, corpus.expected);
  }
  return median(times);
}

// ---------------------------------------------------------------------------
// Memory: stream many events generated on the fly; the heap should stay flat

interface HeapSample {
  label: string;
  events: number;
  heapUsed: number;
  /** The lowest heap seen since the previous sample: the live heap, without short-lived garbage. */
  floor: number;
}

function generatedBody(events: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const nextToken = tokenMaker(3);
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === events) {
        controller.enqueue(encoder.encode(OPENAI_DONE));
        controller.close();
        return;
      }
      sent++;
      controller.enqueue(encoder.encode(openAIEvent(nextToken())));
    },
  });
}

async function measureMemory(events: number): Promise<HeapSample[]> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const heapUsed = () => {
    gc?.();
    return Deno.memoryUsage().heapUsed;
  };
  const checkpoints = [0, 0.25, 0.5, 0.75, 1].map((fraction) => Math.round(events * fraction));
  const samples: HeapSample[] = [];
  let floor = Infinity;
  const sample = (count: number) => {
    const used = heapUsed();
    floor = Math.min(floor, used);
    samples.push({ label: `${(count / events) * 100}%`, events: count, heapUsed: used, floor });
    floor = Infinity;
  };
  const tally = { items: 0, textLength: 0 };
  sample(0);
  const reader = decodeServerSentEvents(generatedBody(events)).getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value.data === "[DONE]") {
      await reader.cancel();
      break;
    }
    countOpenAI(tally, JSON.parse(value.data));
    if (tally.items % 4096 === 0) floor = Math.min(floor, Deno.memoryUsage().heapUsed);
    if (checkpoints.includes(tally.items) && tally.items !== 0) sample(tally.items);
  }
  if (tally.items !== events) {
    throw new Error(`decodeServerSentEvents decoded ${tally.items} events: expected ${events}`);
  }
  return samples;
}

// ---------------------------------------------------------------------------
// Output

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function printFormat(format: Format, corpus: Corpus, rows: Row[], settings: Settings): void {
  const median = settings.reps === 1 ? "" : `, median of ${settings.reps}`;
  console.log(
    `\n${format.name}: ${integer.format(settings.events)} ${format.title} ` +
      `(${(corpus.bytes.length / 1e6).toFixed(1)} MB${median})`,
  );
  let previous = "";
  const cells = rows.map((row) => {
    const goal = row.candidate.goals?.[row.chunking];
    const first = row.chunking !== previous;
    previous = row.chunking;
    return [
      first ? `${row.chunking} (${integer.format(row.pieces)})` : "",
      row.candidate.name,
      row.mbPerSecond.toFixed(0),
      `${row.ratio.toFixed(2)}×`,
      goal === undefined ? "" : `≤ ${goal.toFixed(1)}×`,
      goal === undefined ? "" : row.ratio <= goal ? "met" : "missed",
    ];
  });
  console.log(
    table(
      ["pieces (count)", "candidate", "MB/s", "÷ limit", "goal", ""],
      cells,
      [false, false, true, true, true, false],
    ),
  );
}

// ---------------------------------------------------------------------------

async function main(): Promise<void> {
  const settings = parseSettings(Deno.args);
  const started = performance.now();
  console.log(
    `sluice decode bench${settings.quick ? " (quick)" : ""}: Deno ${Deno.version.deno}, ` +
      `V8 ${Deno.version.v8}, ${Deno.build.os}/${Deno.build.arch}`,
  );
  console.log(
    "Bodies are pull-based ReadableStreams of pre-split pieces held in memory; candidates " +
      "run interleaved, in an order rotated each repetition. MB/s is 10^6 bytes per second " +
      "(median); ÷ limit is the median of each run's time over the in-memory limit's in " +
      "the same repetition.",
  );

  for (const format of FORMATS) {
    await warmUp(format);
    const corpus = format.corpus(settings.events);
    printFormat(format, corpus, await measure(format, corpus, settings), settings);
  }

  const small = settings.longLineBytes;
  console.log(
    `\nOne long line in 16-byte pieces (linear time means 2× the bytes takes ~2× as long):`,
  );
  const longRows: string[][] = [];
  for (const testCase of LONG_LINE_CASES) {
    await timeLongLine(testCase, 16 * 1024, 1);
    const once = await timeLongLine(testCase, small, settings.longLineReps);
    const twice = await timeLongLine(testCase, 2 * small, settings.longLineReps);
    longRows.push([
      testCase.name,
      `${once.toFixed(1)} ms`,
      `${twice.toFixed(1)} ms`,
      `${(twice / once).toFixed(2)}×`,
    ]);
  }
  console.log(
    table(["decoder", mib(small), mib(2 * small), "ratio"], longRows, [false, true, true, true]),
  );

  console.log(
    `\nMemory: ${integer.format(settings.memoryEvents)} SSE events generated on the fly, ` +
      `one per piece, through decodeServerSentEvents + JSON.parse:`,
  );
  const memoryStart = performance.now();
  const samples = await measureMemory(settings.memoryEvents);
  const memorySeconds = (performance.now() - memoryStart) / 1e3;
  console.log(
    table(
      ["progress", "events", "heapUsed", "lowest since last"],
      samples.map((s) => [s.label, integer.format(s.events), mib(s.heapUsed), mib(s.floor)]),
      [true, true, true, true],
    ),
  );
  const floors = samples.slice(1).map((s) => s.floor);
  const growth = Math.max(...floors) - Math.min(...floors);
  const flat = growth < 8 * 1024 * 1024;
  console.log(
    `${flat ? "Flat" : "NOT flat"}: the lowest heap from 25% to 100% varies by ${mib(growth)} ` +
      `(threshold 8 MiB) over ${memorySeconds.toFixed(1)} s.`,
  );

  console.log(`\nTotal: ${((performance.now() - started) / 1e3).toFixed(1)} s`);
}

if (import.meta.main) await main();
