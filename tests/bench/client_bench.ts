// Copyright 2025 the sluice authors. MIT license.
/**
 * Client throughput: the whole client path — bytes → typed chunk → text delta
 * → `result()` — of `Ollama.chat`, `OpenAI.chat` and `Anthropic.messages`, fed
 * from memory through the `fetch` option at one event per piece, against the
 * in-memory limit of the same bytes (decoded at once, split on "\n", one
 * `JSON.parse` per data line, the text delta taken out). Then where the
 * client's time goes: the same bytes through cumulative stages of the path.
 *
 * `deno task bench` runs it after the decode bench (see `main.ts`). Alone:
 *
 * ```sh
 * deno run -A tests/bench/client_bench.ts            # full run
 * deno run -A tests/bench/client_bench.ts --quick    # smoke run: fewer events, one repetition
 * deno run -A tests/bench/client_bench.ts --reps 9   # more repetitions
 * ```
 *
 * Times are CPU time of the process (user + system, all threads: what an edge
 * host bills), so a busy machine disturbs them less than wall time. Nothing is
 * asserted about time; every candidate must deliver the whole answer text,
 * which is asserted.
 *
 * @module
 */

import process from "node:process";
import { Ollama } from "../../src/providers/ollama/mod.ts";
import type { OllamaChatChunk } from "../../src/providers/ollama/mod.ts";
import { OpenAI } from "../../src/providers/openai/mod.ts";
import type { OpenAIChatChunk } from "../../src/providers/openai/mod.ts";
import { Anthropic } from "../../src/providers/anthropic/mod.ts";
import type { AnthropicStreamEvent } from "../../src/providers/anthropic/mod.ts";
import { chatProtocol as ollamaChatProtocol } from "../../src/providers/ollama/_protocol.ts";
import { chatProtocol as openAIChatProtocol } from "../../src/providers/openai/_chat_protocol.ts";
import { messagesProtocol } from "../../src/providers/anthropic/_protocol.ts";
import type { StreamProtocol } from "../../src/response_stream/stream_protocol.ts";
import type { ContentPart, StreamResult } from "../../src/shared/types.ts";
import { PartAssembler } from "../../src/response_stream/_part_assembler.ts";
import { NdjsonParser } from "../../src/streams/_ndjson_parser.ts";
import { SseParser } from "../../src/streams/_sse_parser.ts";
import type { ServerSentEvent } from "../../src/streams/server_sent_event.ts";
import {
  anthropicMessagesTranscript,
  bodyOf,
  ndjsonLimit,
  ollamaChatTranscript,
  openAIChatTranscript,
  type Pick,
  sseLimit,
  type Transcript,
} from "./_transcripts.ts";
import { integer, median, parseArgs, table } from "./_common.ts";

/** The goal of issues 4 and 5: client CPU time ≤ 1.6 × the in-memory limit's. */
const GOAL = 1.6;

// ---------------------------------------------------------------------------
// Settings

interface Settings {
  quick: boolean;
  events: number;
  reps: number;
}

function parseSettings(args: readonly string[]): Settings {
  const { quick, reps } = parseArgs(args);
  const settings: Settings = quick
    ? { quick, events: 10_000, reps: 1 }
    : { quick, events: 100_000, reps: 7 };
  if (reps !== undefined) settings.reps = reps;
  return settings;
}

// ---------------------------------------------------------------------------
// Providers

type Fetch = typeof fetch;

/** What the bench reads of a client's `ResponseStream`. */
interface ClientStream<Chunk> extends AsyncIterable<Chunk> {
  readonly textStream: AsyncIterable<string>;
  result(): Promise<{ text: string }>;
}

interface Provider<Chunk> {
  name: string;
  title: string;
  transcript(events: number): Transcript;
  /** Starts the streaming call with a client whose `fetch` is `fetch`. */
  open(fetch: Fetch): ClientStream<Chunk>;
  /** The client's protocol, for the stage breakdown. */
  protocol: StreamProtocol<Chunk, StreamResult>;
  /** The text delta of a chunk (typed, or the parsed JSON of one line or event). */
  textOf(chunk: Chunk): string | null | undefined;
  /** The in-memory limit: the total text length in the body. */
  limit(bytes: Uint8Array): number;
}

const messages = [{ role: "user" as const, content: "Tell me about sluices" }];

const ollamaTextOf = (chunk: OllamaChatChunk) => chunk.message.content;
const ollama: Provider<OllamaChatChunk> = {
  name: "Ollama.chat",
  title: "/api/chat NDJSON lines, then the done line",
  transcript: ollamaChatTranscript,
  open: (fetch) => new Ollama({ fetch }).chat({ model: "llama3.2", messages }),
  protocol: ollamaChatProtocol,
  textOf: ollamaTextOf,
  limit: (bytes) => ndjsonLimit(bytes, ollamaTextOf as Pick),
};

const openAITextOf = (chunk: OpenAIChatChunk) => chunk.choices[0]?.delta.content;
const openai: Provider<OpenAIChatChunk> = {
  name: "OpenAI.chat",
  title: "chat.completion.chunk SSE: role, deltas, finish, usage, [DONE]",
  transcript: openAIChatTranscript,
  open: (fetch) =>
    new OpenAI({ apiKey: "sk-bench", fetch }).chat({ model: "gpt-4.1-mini", messages }),
  protocol: openAIChatProtocol,
  textOf: openAITextOf,
  limit: (bytes) => sseLimit(bytes, openAITextOf as Pick),
};

const anthropicTextOf = (event: AnthropicStreamEvent) =>
  event.type === "content_block_delta" && event.delta.type === "text_delta"
    ? event.delta.text
    : undefined;
const anthropic: Provider<AnthropicStreamEvent> = {
  name: "Anthropic.messages",
  title: "Messages SSE: message_start, content_block_start, ping, text_delta…, stop events",
  transcript: anthropicMessagesTranscript,
  open: (fetch) =>
    new Anthropic({ apiKey: "sk-ant-bench", fetch }).messages({
      model: "claude-sonnet-4-6",
      max_tokens: 1024,
      messages,
    }),
  protocol: messagesProtocol,
  textOf: anthropicTextOf,
  limit: (bytes) => sseLimit(bytes, anthropicTextOf as Pick),
};

// ---------------------------------------------------------------------------
// Candidates: each returns the length of the text it saw

interface Candidate {
  name: string;
  goal?: number;
  run<Chunk>(provider: Provider<Chunk>, transcript: Transcript): Promise<number>;
}

/** A `fetch` that answers with the transcript, one event per read. */
function fetchOf(transcript: Transcript): Fetch {
  return () => Promise.resolve(new Response(bodyOf(transcript.pieces)));
}

async function checkResult(stream: ClientStream<unknown>, seen: number): Promise<void> {
  const result = await stream.result();
  if (result.text.length !== seen) {
    throw new Error(
      `result() has ${result.text.length} characters of text: the stream had ${seen}`,
    );
  }
}

const LIMIT: Candidate = {
  name: "in-memory limit",
  run: (provider, transcript) => Promise.resolve(provider.limit(transcript.bytes)),
};

const CLIENT_CANDIDATES: Candidate[] = [
  {
    name: "textStream + result()",
    goal: GOAL,
    async run(provider, transcript) {
      const stream = provider.open(fetchOf(transcript));
      let length = 0;
      for await (const text of stream.textStream) length += text.length;
      await checkResult(stream, length);
      return length;
    },
  },
  {
    name: "for await chunk + result()",
    async run(provider, transcript) {
      const stream = provider.open(fetchOf(transcript));
      let length = 0;
      for await (const chunk of stream) length += provider.textOf(chunk)?.length ?? 0;
      await checkResult(stream, length);
      return length;
    },
  },
  LIMIT,
];

// The breakdown: the client's work, one stage more at a time, without the
// client's output stream. Each reads the fetch body of the same bytes.

/** Reads the body as the client does: one-shot decode when a piece ends in ASCII. */
async function readBody(
  transcript: Transcript,
  push: ((text: string) => void) | undefined,
): Promise<void> {
  const reader = new Response(bodyOf(transcript.pieces)).body!.getReader();
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const stream = { stream: true };
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    if (push === undefined) continue;
    const last = value[value.length - 1];
    push(last !== undefined && last < 0x80 ? decoder.decode(value) : decoder.decode(value, stream));
  }
  push?.(decoder.decode());
}

/** The sluice frame parser for the provider's framing, calling `onFrame` with the JSON value. */
function framesOf<Chunk>(
  provider: Provider<Chunk>,
  onFrame: (frame: unknown) => void,
): NdjsonParser | SseParser {
  return provider.protocol.framing === "ndjson"
    ? new NdjsonParser(onFrame)
    : new SseParser(onFrame as (event: ServerSentEvent) => void);
}

const STAGES: Candidate[] = [
  {
    name: "body reads (one per event)",
    async run(_provider, transcript) {
      await readBody(transcript, undefined);
      return transcript.textLength;
    },
  },
  {
    name: "+ UTF-8 decode per piece",
    async run(_provider, transcript) {
      let decoded = 0;
      await readBody(transcript, (text) => decoded += text.length);
      if (decoded === 0) throw new Error("Nothing decoded");
      return transcript.textLength;
    },
  },
  {
    name: "+ lines/events + JSON.parse",
    async run(provider, transcript) {
      let length = 0;
      const sse = provider.protocol.framing === "sse";
      const frames = framesOf(provider, (frame) => {
        let value = frame;
        if (sse) {
          const data = (frame as ServerSentEvent).data;
          if (data === "[DONE]") return;
          value = JSON.parse(data);
        }
        length += provider.textOf(value as never)?.length ?? 0;
      });
      await readBody(transcript, (text) => frames.push(text));
      frames.end();
      return length;
    },
  },
  {
    name: "+ protocol reader and parts (push, result)",
    async run(provider, transcript) {
      let length = 0;
      const reader = provider.protocol.createReader();
      const parts = new PartAssembler();
      const sink = (part: ContentPart) => {
        part = parts.add(part);
        if (part.type === "text-delta") length += part.text.length;
      };
      const frames = framesOf(provider, (frame) => {
        if (!reader.done) reader.push(frame, sink);
      });
      await readBody(transcript, (text) => frames.push(text));
      frames.end();
      reader.finish(sink);
      if (reader.result(parts.result()).text.length !== length) {
        throw new Error("result() text differs");
      }
      return length;
    },
  },
  CLIENT_CANDIDATES[0]!,
  LIMIT,
];

// ---------------------------------------------------------------------------
// Running

interface Timing {
  cpu: number;
  wall: number;
}

/** CPU time of the process (all threads), in milliseconds. */
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e3;
}

async function timed<Chunk>(
  candidate: Candidate,
  provider: Provider<Chunk>,
  transcript: Transcript,
): Promise<Timing> {
  const cpu = cpuNow();
  const wall = performance.now();
  const length = await candidate.run(provider, transcript);
  const timing = { cpu: cpuNow() - cpu, wall: performance.now() - wall };
  if (length !== transcript.textLength) {
    throw new Error(
      `${provider.name}, ${candidate.name}: ${length} characters of text, expected ${transcript.textLength}`,
    );
  }
  return timing;
}

interface Row {
  candidate: Candidate;
  mbPerSecond: number;
  microsPerToken: number;
  ratio: number;
  wallRatio: number;
}

/** Runs the candidates interleaved; the last one is the limit the ratios divide by. */
async function measure<Chunk>(
  candidates: readonly Candidate[],
  provider: Provider<Chunk>,
  transcript: Transcript,
  reps: number,
): Promise<Row[]> {
  const limit = candidates.at(-1)!;
  const timings = new Map<Candidate, Timing[]>(candidates.map((c) => [c, []]));
  for (let rep = 0; rep < reps; rep++) {
    // Each repetition starts one candidate later, so none always runs right after
    // the same neighbour (and pays for its garbage).
    for (let i = 0; i < candidates.length; i++) {
      const candidate = candidates[(rep + i) % candidates.length]!;
      timings.get(candidate)!.push(await timed(candidate, provider, transcript));
    }
  }
  const limits = timings.get(limit)!;
  return candidates.map((candidate) => {
    const own = timings.get(candidate)!;
    return {
      candidate,
      mbPerSecond: transcript.bytes.length / 1e3 / median(own.map((t) => t.wall)),
      microsPerToken: (median(own.map((t) => t.cpu)) * 1e3) / transcript.tokenEvents,
      ratio: median(own.map((t, rep) => t.cpu / limits[rep]!.cpu)),
      wallRatio: median(own.map((t, rep) => t.wall / limits[rep]!.wall)),
    };
  });
}

// ---------------------------------------------------------------------------
// Output

function printRows(rows: Row[]): void {
  const cells = rows.map((row) => {
    const goal = row.candidate.goal;
    return [
      row.candidate.name,
      row.mbPerSecond.toFixed(0),
      row.microsPerToken.toFixed(2),
      `${row.ratio.toFixed(2)}×`,
      `${row.wallRatio.toFixed(2)}×`,
      goal === undefined ? "" : `≤ ${goal.toFixed(1)}×`,
      goal === undefined ? "" : row.ratio <= goal ? "met" : "missed",
    ];
  });
  console.log(
    table(
      ["candidate", "MB/s", "CPU µs/token", "CPU ÷ limit", "wall ÷ limit", "goal", ""],
      cells,
      [false, true, true, true, true, true, false],
    ),
  );
}

// deno-lint-ignore no-explicit-any
const PROVIDERS: Provider<any>[] = [ollama, openai, anthropic];

async function main(): Promise<void> {
  const settings = parseSettings(Deno.args);
  const started = performance.now();
  console.log(
    `sluice client bench${settings.quick ? " (quick)" : ""}: Deno ${Deno.version.deno}, ` +
      `V8 ${Deno.version.v8}, ${Deno.build.os}/${Deno.build.arch}`,
  );
  console.log(
    "Each client's fetch option answers from memory, one event per read of a pull-based " +
      "body; the client path is the call → every delta → result(). Candidates run " +
      "interleaved, in an order rotated each repetition. MB/s is 10^6 bytes per second of " +
      "wall time; CPU µs/token is process CPU time (user + system, all threads) per token " +
      "event; ÷ limit is the median over repetitions of the time over the in-memory " +
      "limit's in the same repetition. The goal applies to the CPU ratio.",
  );
  const median = settings.reps === 1 ? "" : `, median of ${settings.reps}`;
  const measured: [Provider<unknown>, Transcript][] = [];
  for (const provider of PROVIDERS) {
    // Warm-up: every candidate and stage on a small transcript, so the JIT has seen them all.
    const small = provider.transcript(5_000);
    for (let i = 0; i < 3; i++) {
      for (const candidate of new Set([...CLIENT_CANDIDATES, ...STAGES])) {
        await timed(candidate, provider, small);
      }
    }
    const transcript = provider.transcript(settings.events);
    measured.push([provider, transcript]);
    console.log(
      `\n${provider.name}: ${integer.format(settings.events)} tokens, ${provider.title} ` +
        `(${(transcript.bytes.length / 1e6).toFixed(1)} MB, ` +
        `${integer.format(transcript.pieces.length)} pieces${median})`,
    );
    printRows(await measure(CLIENT_CANDIDATES, provider, transcript, settings.reps));
  }

  console.log(
    "\nWhere the time goes: the same bytes through the client's stages, cumulatively " +
      "(the stages share the client's frame parsers and assemblers but not its output " +
      "stream; the last step adds that stream, the watchdog and the callbacks: the client).",
  );
  for (const [provider, transcript] of measured) {
    console.log(`\n${provider.name}${median}`);
    printRows(await measure(STAGES, provider, transcript, settings.reps));
  }
  console.log(`\nTotal: ${((performance.now() - started) / 1e3).toFixed(1)} s`);
}

if (import.meta.main) await main();
