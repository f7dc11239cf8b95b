/**
 * Hostile bodies through every streaming reader, each behind its client (and
 * `streamText`) with a `fetch` that answers a canned 200 of the right
 * content type. The rule checked: bad input gets a clear, typed error
 * (`instanceof SluiceError`) from `result()` and from iterating `parts`,
 * within a time bound; nothing hangs and no rejection goes unhandled. A
 * body cut short that still resolves must not have lost any of the answer.
 *
 * The bodies come from the recorded transcripts in tests/testdata/:
 * 1. cut at every byte offset (a seeded sample of 200 offsets for long ones);
 * 2. 200 seeded single-byte mutations per transcript;
 * 3. valid JSON of the wrong type in every field position of every frame
 *    (null, a number, an array, an object, a string);
 * 4. garbage bytes, invalid UTF-8, a BOM, CRLF and CR line endings, an empty body;
 * 5. one enormous line without a newline (20 MB), over the default `maxLineLength` (one
 *    client of each framing: the limit is the line decoder's);
 * 6. a huge number (1e8) in every integer field (indexes a reader may fill an array up to).
 *
 * `streamText` must also reject as the provider client does, with the same
 * error unwrapped. The defects this found are kept at the end, each as its
 * minimal input.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Anthropic, Gemini, Ollama, OpenAI, ParseError, SluiceError } from "../../mod.ts";
import {
  anthropic,
  gemini,
  type LanguageModel,
  ollama,
  openai,
  streamText,
} from "../../src/unified/mod.ts";
import { concat } from "../streams/_chunkings.ts";
import { seededRandom } from "../_seeded_random.ts";

// ---------------------------------------------------------------------------
// The readers under test

type Framing = "sse" | "ndjson";

/** What every stream under test offers. */
interface AnyStream {
  result(): Promise<unknown>;
  readonly parts: AsyncIterable<unknown>;
  cancel(reason?: unknown): Promise<void>;
}

interface Target {
  name: string;
  framing: Framing;
  /** The transcripts (paths under tests/testdata/) this reader reads. */
  fixtures: readonly string[];
  open(fetch: typeof globalThis.fetch): AnyStream;
  /** For `streamText`: the name of the client target whose reader it uses. */
  client?: string;
}

const NDJSON = "application/x-ndjson";
const SSE = "text/event-stream; charset=utf-8";

const OLLAMA_CHAT = [
  "ollama/chat-text.ndjson",
  "ollama/chat-tools.ndjson",
  "ollama/chat-thinking.ndjson",
];
const OLLAMA_GENERATE = ["ollama/generate-stats.ndjson", "ollama/generate-midstream-error.ndjson"];
const OLLAMA_PULL = ["ollama/pull-progress.ndjson"];
const OPENAI_CHAT = [
  "openai/chat-text.sse",
  "openai/chat-parallel-tools-usage.sse",
  "openai/chat-midstream-error.sse",
  "openai/chat-n2-usage.sse",
  "openai/compat-deepseek-reasoning.sse",
];
const OPENAI_COMPLETIONS = ["openai/completions-legacy.sse"];
const OPENAI_RESPONSES = [
  "a-body-cut-before-the-terminal-event",
  "a-reasoning-summary-then-text",
  "a-refusal",
  "a-web-search-then-text-with-a-citation",
  "an-error-event",
  "an-unknown-event-type",
  "parallel-function-calls-with-arguments-split-inside-escapes-and-characters",
  "plain-text",
  "response-failed",
  "response-incomplete-at-the-token-limit",
].map((name) => `openai-responses/${name}.sse`);
const ANTHROPIC = [
  "anthropic/text.sse",
  "anthropic/tool-use.sse",
  "anthropic/thinking.sse",
  "anthropic/thinking-parallel-tools.sse",
  "anthropic/midstream-error.sse",
];
const GEMINI = [
  "blocked-prompt",
  "code-execution",
  "cut-before-finish",
  "max-tokens",
  "midstream-error",
  "parallel-function-calls",
  "safety",
  "text",
  "thoughts-then-text",
].map((name) => `gemini/${name}.sse`);

const R = { maxRetries: 0 } as const;
const MESSAGES = [{ role: "user" as const, content: "Hi" }];

function unified(
  name: string,
  client: string,
  fixtures: readonly string[],
  framing: Framing,
  model: (fetch: typeof globalThis.fetch) => LanguageModel,
): Target {
  return {
    name: `streamText(${name})`,
    client,
    framing,
    fixtures,
    open: (fetch) => streamText({ model: model(fetch), prompt: "Hi", maxRetries: 0 }),
  };
}

const TARGETS: readonly Target[] = [
  {
    name: "Ollama.chat",
    framing: "ndjson",
    fixtures: OLLAMA_CHAT,
    open: (fetch) => new Ollama({ fetch, ...R }).chat({ model: "m", messages: MESSAGES }),
  },
  {
    name: "Ollama.generate",
    framing: "ndjson",
    fixtures: OLLAMA_GENERATE,
    open: (fetch) => new Ollama({ fetch, ...R }).generate({ model: "m", prompt: "Hi" }),
  },
  {
    name: "Ollama.pull",
    framing: "ndjson",
    fixtures: OLLAMA_PULL,
    open: (fetch) => new Ollama({ fetch, ...R }).pull({ model: "m", stream: true }),
  },
  {
    name: "OpenAI.chat",
    framing: "sse",
    fixtures: OPENAI_CHAT,
    open: (fetch) =>
      new OpenAI({ fetch, apiKey: "k", ...R }).chat({ model: "m", messages: MESSAGES }),
  },
  {
    name: "OpenAI.completions",
    framing: "sse",
    fixtures: OPENAI_COMPLETIONS,
    open: (fetch) =>
      new OpenAI({ fetch, apiKey: "k", ...R }).completions({ model: "m", prompt: "Hi" }),
  },
  {
    name: "OpenAI.responses",
    framing: "sse",
    fixtures: OPENAI_RESPONSES,
    open: (fetch) =>
      new OpenAI({ fetch, apiKey: "k", ...R }).responses({ model: "m", input: "Hi" }),
  },
  {
    name: "Anthropic.messages",
    framing: "sse",
    fixtures: ANTHROPIC,
    open: (fetch) =>
      new Anthropic({ fetch, apiKey: "k", ...R }).messages({
        model: "m",
        max_tokens: 10,
        messages: MESSAGES,
      }),
  },
  {
    name: "Gemini.generateContent",
    framing: "sse",
    fixtures: GEMINI,
    open: (fetch) =>
      new Gemini({ fetch, apiKey: "k", ...R }).generateContent({
        model: "gemini-2.5-flash",
        contents: [{ role: "user", parts: [{ text: "Hi" }] }],
      }),
  },
  unified("ollama", "Ollama.chat", OLLAMA_CHAT, "ndjson", (fetch) => ollama("m", { fetch, ...R })),
  unified(
    "openai",
    "OpenAI.chat",
    OPENAI_CHAT,
    "sse",
    (fetch) => openai("m", { fetch, apiKey: "k", ...R }),
  ),
  unified(
    "openai responses",
    "OpenAI.responses",
    OPENAI_RESPONSES,
    "sse",
    (fetch) => openai("m", { fetch, apiKey: "k", api: "responses", ...R }),
  ),
  unified(
    "anthropic",
    "Anthropic.messages",
    ANTHROPIC,
    "sse",
    (fetch) => anthropic("m", { fetch, apiKey: "k", ...R }),
  ),
  unified(
    "gemini",
    "Gemini.generateContent",
    GEMINI,
    "sse",
    (fetch) => gemini("gemini-2.5-flash", { fetch, apiKey: "k", ...R }),
  ),
];

// ---------------------------------------------------------------------------
// Running one body

const TIME_BOUND = 2_000;
const POOL = 16;

type Bytes = Uint8Array<ArrayBuffer>;
type Body = Bytes | (() => ReadableStream<Uint8Array>);

type Outcome =
  | { kind: "resolved"; text: string | undefined }
  | { kind: "typed"; error: SluiceError }
  | { kind: "untyped"; error: unknown }
  | { kind: "hang"; ms?: number; limit?: number };

function fetchOf(body: Body, framing: Framing): typeof globalThis.fetch {
  return () =>
    Promise.resolve(
      new Response(typeof body === "function" ? body() : body, {
        status: 200,
        headers: { "content-type": framing === "sse" ? SSE : NDJSON },
      }),
    );
}

/** The SluiceError an error is, or is wrapped in (`cause`, an `error` part). */
function classify(error: unknown): Outcome {
  if (error instanceof SluiceError) return { kind: "typed", error };
  return { kind: "untyped", error };
}

function textOf(value: unknown): string | undefined {
  const text = (value as { text?: unknown } | undefined)?.text;
  return typeof text === "string" ? text : undefined;
}

/** Races `work` against the time bound; on a hang the stream is cancelled. */
async function bounded(
  stream: AnyStream,
  work: Promise<Outcome>,
  limit = TIME_BOUND,
): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "hang", limit }), limit);
  });
  const started = performance.now();
  try {
    const outcome = await Promise.race([work, hang]);
    if (outcome.kind === "hang") await stream.cancel(new Error("hung")).catch(() => {});
    // Work that blocks the event loop keeps the timer from firing: the clock tells.
    const ms = performance.now() - started;
    if (ms > limit) return { kind: "hang", ms, limit };
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}

/** `result()` of a fresh stream over `body`. */
function viaResult(target: Target, body: Body, limit = TIME_BOUND): Promise<Outcome> {
  const stream = target.open(fetchOf(body, target.framing));
  return bounded(
    stream,
    stream.result().then(
      (value): Outcome => ({ kind: "resolved", text: textOf(value) }),
      classify,
    ),
    limit,
  );
}

/**
 * Iterating `parts` of a fresh stream over `body`, then its `result()`. An
 * `error` part (the unified stream's way of reporting a failure in its parts)
 * counts as the error.
 */
function viaParts(target: Target, body: Body, limit = TIME_BOUND): Promise<Outcome> {
  const stream = target.open(fetchOf(body, target.framing));
  const work = (async (): Promise<Outcome> => {
    try {
      for await (const part of stream.parts) {
        const { type, error } = part as { type?: unknown; error?: unknown };
        if (type === "error") {
          // The result must reject too; what matters is the error part's class.
          await stream.result().catch(() => {});
          return classify(error);
        }
      }
    } catch (error) {
      return classify(error);
    }
    try {
      return { kind: "resolved", text: textOf(await stream.result()) };
    } catch (error) {
      // Parts ended without an error, yet the result failed: report that as untyped.
      return { kind: "untyped", error: new Error(`parts ended but result() rejected: ${error}`) };
    }
  })();
  return bounded(stream, work, limit);
}

interface Failure {
  target: string;
  input: string;
  via: "result()" | "parts";
  what: string;
  body: Bytes | undefined;
}

function describe(outcome: Outcome): string {
  if (outcome.kind === "hang") {
    return outcome.ms === undefined
      ? `hang (no settlement within ${outcome.limit} ms)`
      : `settled only after ${Math.round(outcome.ms)} ms (over ${outcome.limit} ms)`;
  }
  if (outcome.kind === "untyped") {
    const error = outcome.error;
    return error instanceof Error
      ? `${error.constructor.name}: ${error.message}`
      : `non-error ${typeof error}: ${String(error)}`;
  }
  return outcome.kind;
}

/** One hostile input for one target. */
interface Case {
  input: string;
  body: Body;
  /** Checks a resolved outcome (e.g. a cut body must not lose text); a message if it fails. */
  onResolved?: (text: string | undefined) => string | undefined;
  /** The time bound, when not {@linkcode TIME_BOUND}. */
  limit?: number;
  /** Checks a typed error (e.g. which class); a message if it fails. */
  onError?: (error: SluiceError) => string | undefined;
}

/** Runs every case through `result()` and `parts`, a few at a time; returns the failures. */
async function runCases(
  target: Target,
  cases: readonly Case[],
  pool = POOL,
): Promise<Failure[]> {
  const failures: Failure[] = [];
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const item = cases[next++]!;
      for (const via of ["result()", "parts"] as const) {
        const outcome = await (via === "result()" ? viaResult : viaParts)(
          target,
          item.body,
          item.limit,
        );
        let what: string | undefined;
        if (outcome.kind === "hang" || outcome.kind === "untyped") what = describe(outcome);
        else if (outcome.kind === "resolved" && item.onResolved) {
          what = item.onResolved(outcome.text);
        } else if (outcome.kind === "typed" && item.onError) what = item.onError(outcome.error);
        if (what !== undefined) {
          failures.push({
            target: target.name,
            input: item.input,
            via,
            what,
            body: typeof item.body === "function" ? undefined : item.body,
          });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: pool }, worker));
  return failures;
}

const decoder = new TextDecoder();

/** The failures grouped by what escaped, each group with its shortest input. */
function report(failures: readonly Failure[]): string {
  const groups = new Map<string, Failure[]>();
  for (const failure of failures) {
    const key = `${failure.target} via ${failure.via}: ${
      failure.what.replace(/"[^"]*"/g, "…").replace(/\d+/g, "N")
    }`;
    const group = groups.get(key) ?? [];
    group.push(failure);
    groups.set(key, group);
  }
  const lines = [...groups].map(([key, group]) => {
    const shortest = group.reduce((a, b) =>
      (b.body?.length ?? Infinity) < (a.body?.length ?? Infinity) ? b : a
    );
    const body = shortest.body === undefined || shortest.body.length > 600
      ? ""
      : `\n    body: ${JSON.stringify(decoder.decode(shortest.body))}`;
    return `  ${key}\n    ${group.length}× e.g. [${shortest.input}]: ${shortest.what}${body}`;
  });
  return `${failures.length} failure(s), ${groups.size} kind(s):\n${lines.join("\n")}`;
}

// ---------------------------------------------------------------------------
// Unhandled rejections: recorded, not fatal, and checked after each test

const unhandled: unknown[] = [];
globalThis.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  unhandled.push(event.reason);
});

async function assertNoFailures(failures: readonly Failure[]): Promise<void> {
  // Let any rejection nobody handled surface.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const stray = unhandled.splice(0);
  assert.deepEqual(
    stray.map((reason) => reason instanceof Error ? `${reason.name}: ${reason.message}` : reason),
    [],
    "unhandled rejections",
  );
  assert.equal(failures.length, 0, report(failures));
}

// ---------------------------------------------------------------------------
// The transcripts and what their whole bodies give

const encoder = new TextEncoder();
const bytesOf = new Map<string, Bytes>();
for (const file of new Set(TARGETS.flatMap((target) => target.fixtures))) {
  bytesOf.set(file, await Deno.readFile(new URL(`../testdata/${file}`, import.meta.url)));
}

function fixture(file: string): Bytes {
  return bytesOf.get(file)!;
}

/** How the whole transcript reads through the target. */
async function wholeText(target: Target, file: string): Promise<Outcome> {
  return await viaResult(target, fixture(file));
}

/** The transcript's frames: the JSON value of each NDJSON line or SSE `data:` field, in place. */
interface Frame {
  /** Where the JSON text starts and ends in the transcript. */
  start: number;
  end: number;
  value: unknown;
}

function framesOf(text: string, framing: Framing): Frame[] {
  const frames: Frame[] = [];
  let offset = 0;
  for (const line of text.split("\n")) {
    const prefix = framing === "sse" ? "data: " : "";
    // The Gemini transcripts end their lines with CRLF: the CR stays.
    const end = line.endsWith("\r") ? line.length - 1 : line.length;
    if (line.startsWith(prefix) && end > prefix.length) {
      const json = line.slice(prefix.length, end);
      try {
        frames.push({ start: offset + prefix.length, end: offset + end, value: JSON.parse(json) });
      } catch {
        // `[DONE]` and the like.
      }
    }
    offset += line.length + 1;
  }
  return frames;
}

type Path = (string | number)[];

/** Every position in a JSON value: the root and each key and index, depth first. */
function* positions(value: unknown, path: Path = []): Generator<Path> {
  yield path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* positions(value[i], [...path, i]);
  } else if (typeof value === "object" && value !== null) {
    for (const key of Object.keys(value)) {
      yield* positions((value as Record<string, unknown>)[key], [...path, key]);
    }
  }
}

function replaced(value: unknown, path: Path, by: unknown): unknown {
  if (path.length === 0) return by;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = value.slice();
    copy[head as number] = replaced(copy[head as number], rest, by);
    return copy;
  }
  const record = value as Record<string, unknown>;
  return { ...record, [head!]: replaced(record[head!], rest, by) };
}

const WRONG: readonly [string, unknown][] = [
  ["null", null],
  ["a number", -1.5],
  ["an array", [1, "x"]],
  ["an object", { x: 1 }],
  ["a string", "x"],
];

/** A frame's structure: its value with every leaf replaced by its type. */
function shapeOf(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, leaf) =>
      typeof leaf === "object" && leaf !== null ? leaf : leaf === null ? "null" : typeof leaf,
  );
}

// ---------------------------------------------------------------------------
// The hostile bodies

function cutCases(file: string, whole: Outcome): Case[] {
  const bytes = fixture(file);
  const random = seededRandom(bytes.length);
  const offsets = bytes.length <= 200
    ? Array.from({ length: bytes.length }, (_, i) => i)
    : [...new Set(Array.from({ length: 200 }, () => Math.floor(random() * bytes.length)))];
  const fullText = whole.kind === "resolved" ? whole.text : undefined;
  return offsets.map((offset) => ({
    input: `${file} cut at byte ${offset} of ${bytes.length}`,
    body: bytes.slice(0, offset),
    onResolved: (text) =>
      whole.kind === "resolved" && text !== fullText
        ? `resolved with text ${JSON.stringify(text)} from a body cut short (the whole body reads ${
          JSON.stringify(fullText)
        })`
        : undefined,
  }));
}

function mutationCases(file: string): Case[] {
  const bytes = fixture(file);
  const random = seededRandom(0x5eed ^ bytes.length);
  return Array.from({ length: 200 }, () => {
    const offset = Math.floor(random() * bytes.length);
    const value = Math.floor(random() * 256);
    const body = bytes.slice();
    body[offset] = value;
    return { input: `${file} byte ${offset} set to 0x${value.toString(16)}`, body };
  });
}

/**
 * Each field of each frame of a distinct structure (of the many text deltas,
 * the first), with the body that has another value in its place.
 */
function* fieldEdits(
  target: Target,
  file: string,
): Generator<{ path: Path; value: unknown; body: (by: unknown) => Bytes }> {
  const text = decoder.decode(fixture(file));
  const seen = new Set<string>();
  for (const frame of framesOf(text, target.framing)) {
    const shape = shapeOf(frame.value);
    if (seen.has(shape)) continue;
    seen.add(shape);
    for (const path of positions(frame.value)) {
      yield {
        path,
        value: valueAt(frame.value, path),
        body: (by) =>
          encoder.encode(
            text.slice(0, frame.start) + JSON.stringify(replaced(frame.value, path, by)) +
              text.slice(frame.end),
          ),
      };
    }
  }
}

function wrongTypeCases(target: Target, file: string): Case[] {
  const cases: Case[] = [];
  for (const { path, body } of fieldEdits(target, file)) {
    for (const [label, by] of WRONG) {
      cases.push({
        input: `${file} ${path.length === 0 ? "(the frame)" : path.join(".")} = ${label}`,
        body: body(by),
      });
    }
  }
  return cases;
}

/** A huge array index: cheap for a reader that keys by index, not for one that fills an array. */
const HUGE = 1e8;

function hugeIntegerCases(target: Target, file: string): Case[] {
  const cases: Case[] = [];
  for (const { path, value, body } of fieldEdits(target, file)) {
    if (Number.isInteger(value)) {
      cases.push({ input: `${file} ${path.join(".")} = ${HUGE}`, body: body(HUGE) });
    }
  }
  return cases;
}

function valueAt(value: unknown, path: Path): unknown {
  for (const step of path) value = (value as Record<string | number, unknown>)[step];
  return value;
}

const INVALID_UTF8: readonly [string, number[]][] = [
  ["0xff", [0xff]],
  ["a lone continuation byte", [0x80]],
  ["an overlong slash", [0xc0, 0xaf]],
  ["an encoded surrogate", [0xed, 0xa0, 0x80]],
  ["a cut 4-byte sequence", [0xf0, 0x9f, 0x8c]],
];

function garbageCases(target: Target, file: string): Case[] {
  const bytes = fixture(file);
  const text = decoder.decode(bytes);
  const random = seededRandom(0x6a7b);
  const cases: Case[] = [
    { input: "an empty body", body: new Uint8Array() },
    { input: "only newlines", body: encoder.encode("\n\n\n\n") },
    { input: "only CRs", body: encoder.encode("\r\r\r") },
    { input: "a BOM alone", body: encoder.encode("\uFEFF") },
    { input: "a NUL", body: Uint8Array.of(0) },
    {
      input: "a JSON null line",
      body: encoder.encode(target.framing === "sse" ? "data: null\n\n" : "null\n"),
    },
    { input: "[DONE] alone", body: encoder.encode("data: [DONE]\n\n") },
    { input: "HTML", body: encoder.encode("<html><body>502 Bad Gateway</body></html>") },
    { input: "a JSON error body", body: encoder.encode('{"error":{"message":"nope","type":"x"}}') },
    { input: "an SSE comment only", body: encoder.encode(": keep-alive\n\n") },
    { input: "an event without data", body: encoder.encode("event: message_stop\n\n") },
  ];
  for (let i = 0; i < 20; i++) {
    const length = 1 + Math.floor(random() * 512);
    const garbage = Uint8Array.from({ length }, () => Math.floor(random() * 256));
    cases.push({ input: `${length} garbage bytes (#${i})`, body: garbage });
    cases.push({
      input: `${length} garbage bytes after the transcript (#${i})`,
      body: concat([bytes, garbage]),
    });
  }
  for (const [label, sequence] of INVALID_UTF8) {
    const raw = Uint8Array.from(sequence);
    cases.push({ input: `${label} alone`, body: raw });
    // Inside the first string value of the first frame.
    const quote = text.indexOf('":"') + 3;
    cases.push({
      input: `${label} inside the first string`,
      body: concat([bytes.slice(0, quote), raw, bytes.slice(quote)]),
    });
    cases.push({ input: `${label} between frames`, body: concat([raw, bytes]) });
  }
  return cases;
}

/** Line-ending variants of a valid transcript: must read as the original does. */
function lineEndingCases(file: string, whole: Outcome): Case[] {
  const text = decoder.decode(fixture(file));
  const same = (text2: string | undefined) =>
    whole.kind === "resolved" && text2 !== whole.text
      ? `text ${JSON.stringify(text2)} differs from the LF body's ${JSON.stringify(whole.text)}`
      : undefined;
  const variants: [string, string][] = [
    ["a BOM before", "\uFEFF" + text],
    ["CRLF line endings", text.replaceAll("\n", "\r\n")],
    ["CR line endings", text.replaceAll("\n", "\r")],
  ];
  return variants.map(([label, body]) => ({
    input: `${file} with ${label}`,
    body: encoder.encode(body),
    onResolved: same,
  }));
}

/** The default `maxLineLength` of every client: 8 Mi characters. */
const DEFAULT_MAX_LINE_LENGTH = 8 * 1024 * 1024;
const ENORMOUS = 20 * 1024 * 1024;

/** A body handed out in 64 KiB pieces. */
function inPieces(bytes: Bytes): () => ReadableStream<Uint8Array> {
  return () => {
    let offset = 0;
    return new ReadableStream({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(offset, offset += 65_536));
      },
    });
  };
}

function overTheLimit(what: RegExp): (error: SluiceError) => string | undefined {
  return (error) =>
    error instanceof ParseError && what.test(error.message) &&
      error.message.includes(String(DEFAULT_MAX_LINE_LENGTH))
      ? undefined
      : `expected a ParseError naming the limit of ${DEFAULT_MAX_LINE_LENGTH}, got ${error.name}: ${
        error.message.slice(0, 200)
      }`;
}

function enormousCases(target: Target): Case[] {
  const head = target.framing === "sse" ? 'data: {"x":"' : '{"model":"';
  const line = new Uint8Array(head.length + ENORMOUS).fill(0x61);
  line.set(encoder.encode(head));
  const onResolved = () => "resolved from a body that is one 20 MB line";
  const cases: Case[] = [
    {
      input: "one 20 MB line without a newline, in one piece",
      body: line,
      onResolved,
      onError: overTheLimit(/^Line 1 is longer than the limit/),
    },
    {
      input: "one 20 MB line without a newline, in 64 KiB pieces",
      body: inPieces(line),
      onResolved,
      onError: overTheLimit(/^Line 1 is longer than the limit/),
    },
    {
      input: "20 MB of blank lines",
      body: new Uint8Array(ENORMOUS).fill(0x0a),
      onResolved: () => "resolved from a body of blank lines",
    },
  ];
  if (target.framing === "sse") {
    // Short lines, but one event: its data is bounded like a line.
    const data = `data: ${"a".repeat(4090)}\n`.repeat(Math.ceil(ENORMOUS / 4096));
    cases.push({
      input: "one event of 20 MB of 4 KiB data lines",
      body: encoder.encode(data),
      onResolved: () => "resolved from one 20 MB event",
      onError: overTheLimit(/^Event data ending at line \d+ is larger than the limit/),
    });
  }
  return cases;
}

// ---------------------------------------------------------------------------
// The tests

/** Registers a fuzz test. */
function fuzz(target: Target, what: string, fn: () => Promise<void>): void {
  const name = `${target.name}: ${what}`;
  Deno.test({ name: `hostile input: ${name}`, fn });
}

for (const target of TARGETS) {
  fuzz(target, "the whole transcripts settle", async () => {
    const failures: Failure[] = [];
    for (const file of target.fixtures) {
      failures.push(...await runCases(target, [{ input: `${file} whole`, body: fixture(file) }]));
    }
    await assertNoFailures(failures);
  });

  fuzz(target, "cut at byte offsets", async () => {
    const failures: Failure[] = [];
    for (const file of target.fixtures) {
      failures.push(
        ...await runCases(target, cutCases(file, await wholeText(target, file))),
      );
    }
    await assertNoFailures(failures);
  });

  fuzz(target, "single-byte mutations", async () => {
    const failures: Failure[] = [];
    for (const file of target.fixtures) {
      failures.push(...await runCases(target, mutationCases(file)));
    }
    await assertNoFailures(failures);
  });

  fuzz(target, "wrong JSON types in every field", async () => {
    const failures: Failure[] = [];
    for (const file of target.fixtures) {
      failures.push(...await runCases(target, wrongTypeCases(target, file)));
    }
    await assertNoFailures(failures);
  });

  fuzz(target, "a huge number in every integer field", async () => {
    const failures: Failure[] = [];
    for (const file of target.fixtures) {
      // One at a time: a case that blocks the event loop must not make the others look slow.
      failures.push(...await runCases(target, hugeIntegerCases(target, file), 1));
    }
    await assertNoFailures(failures);
  });

  fuzz(target, "garbage, invalid UTF-8, BOM, CRLF, empty", async () => {
    const failures: Failure[] = [];
    const file = target.fixtures[0]!;
    failures.push(...await runCases(target, garbageCases(target, file)));
    for (const each of target.fixtures) {
      failures.push(
        ...await runCases(target, lineEndingCases(each, await wholeText(target, each))),
      );
    }
    await assertNoFailures(failures);
  });

  // The limit is the line decoder's, which every reader of a framing shares: one client of each
  // framing carries it (a 20 MB line takes seconds to make and read).
  if (TARGETS.find((each) => each.framing === target.framing) === target) {
    fuzz(target, "a 20 MB line meets the default maxLineLength", async () => {
      await assertNoFailures(await runCases(target, enormousCases(target), 1));
    });
  }
}

// ---------------------------------------------------------------------------
// streamText rejects with the client's own error, unwrapped

for (const target of TARGETS) {
  const client = TARGETS.find((each) => each.name === target.client);
  if (client === undefined) continue;
  Deno.test(`hostile input: ${target.name} rejects as ${client.name} does, unwrapped`, async () => {
    const differences: string[] = [];
    for (const file of target.fixtures) {
      const whole = await wholeText(client, file);
      // Every fifth cut and every fifth mutation: bodies that end in each kind of error.
      const cases = [...cutCases(file, whole), ...mutationCases(file)]
        .filter((_, i) => i % 5 === 0);
      for (const { input, body } of cases) {
        const [mine, theirs] = await Promise.all([
          viaResult(target, body),
          viaResult(client, body),
        ]);
        const what = (outcome: Outcome) =>
          outcome.kind === "typed"
            ? `${outcome.error.constructor.name}: ${outcome.error.message}`
            : outcome.kind === "resolved"
            ? "resolved"
            : describe(outcome);
        if (what(mine) !== what(theirs)) {
          differences.push(`[${input}] streamText: ${what(mine)}; client: ${what(theirs)}`);
        }
      }
    }
    assert.deepEqual(differences.slice(0, 10), []);
  });
}

// ---------------------------------------------------------------------------
// The defects this file found, each as its minimal input

const sseBody = (...events: unknown[]): Bytes =>
  encoder.encode(events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join(""));

function targetNamed(name: string): Target {
  return TARGETS.find((each) => each.name === name)!;
}

/** Asserts that the client resolves the body (the reader itself copes with it). */
async function assertClientResolves(name: string, body: Bytes): Promise<void> {
  assert.equal((await viaResult(targetNamed(name), body)).kind, "resolved");
}

// D1 (fixed): src/unified/_openai_responses.ts, contentOf() trusted the shapes of the output
// items: an item without an array `content`/`summary`, or with a null entry in it, made
// streamText reject with a TypeError (from the step's `end()`), while OpenAI.responses resolved.
Deno.test({
  name: "hostile input: D1: streamText(openai responses) and an output item of the wrong shape",
  fn: async () => {
    const items = [
      { type: "message" },
      { type: "message", content: "Hi" },
      { type: "message", content: [null] },
      { type: "reasoning" },
      { type: "reasoning", summary: [null] },
    ];
    const failures: Failure[] = [];
    for (const item of items) {
      const body = sseBody({
        type: "response.completed",
        response: { id: "r", status: "completed", output: [item] },
      });
      await assertClientResolves("OpenAI.responses", body);
      failures.push(
        ...await runCases(targetNamed("streamText(openai responses)"), [{
          input: `output: [${JSON.stringify(item)}]`,
          body,
        }]),
      );
    }
    await assertNoFailures(failures);
  },
});

// D2 (fixed): src/unified/gemini.ts, contentOf() took a part with `functionCall: null` for a
// call, and threw a TypeError when a real call followed it (the null part also took that call's
// place in `result.toolCalls`). Gemini.generateContent resolved. It now counts the calls the
// reader read (`wholeCall`).
Deno.test({
  name: "hostile input: D2: streamText(gemini) and a part whose functionCall is null",
  fn: async () => {
    const body = sseBody({
      candidates: [{
        index: 0,
        content: {
          role: "model",
          parts: [{ functionCall: null }, { functionCall: { name: "f", args: {} } }],
        },
        finishReason: "STOP",
      }],
    });
    await assertClientResolves("Gemini.generateContent", body);
    await assertNoFailures(
      await runCases(targetNamed("streamText(gemini)"), [{ input: "functionCall: null", body }]),
    );
  },
});

// D3 (fixed): src/providers/openai/_responses_protocol.ts wrote `list[index]` for any integer
// index the server sent, making an array that long, walked whole on every result: a 150-byte
// event with content_index 1e8 blocked the event loop for seconds (1e9: over 30 s), and
// annotation_index 1e9 killed the process ("invalid array length"). An index far past the parts
// received is now a ParseError.
Deno.test({
  name: "hostile input: D3: OpenAI.responses and a huge content, summary or annotation index",
  fn: async () => {
    const message = { type: "message", id: "m", role: "assistant", content: [] };
    const completed = { type: "response.completed", response: { id: "r", status: "completed" } };
    const cases: Case[] = [
      {
        input: `output_text.delta with content_index ${HUGE}`,
        body: sseBody(
          { type: "response.output_item.added", output_index: 0, item: message },
          { type: "response.output_text.delta", output_index: 0, content_index: HUGE, delta: "x" },
          completed,
        ),
      },
      {
        input: `reasoning_summary_text.delta with summary_index ${HUGE}`,
        body: sseBody(
          {
            type: "response.output_item.added",
            output_index: 0,
            item: { type: "reasoning", id: "rs", summary: [] },
          },
          {
            type: "response.reasoning_summary_text.delta",
            output_index: 0,
            summary_index: HUGE,
            delta: "x",
          },
          completed,
        ),
      },
      {
        input: `output_text.annotation.added with annotation_index ${HUGE}`,
        body: sseBody(
          { type: "response.output_item.added", output_index: 0, item: message },
          {
            type: "response.output_text.annotation.added",
            output_index: 0,
            content_index: 0,
            annotation_index: HUGE,
            annotation: { type: "url_citation" },
          },
          completed,
        ),
      },
    ];
    // Reading three events takes milliseconds; the bound leaves room for a slow machine.
    const tight = cases.map((each) => ({ ...each, limit: 250 }));
    await assertNoFailures(await runCases(targetNamed("OpenAI.responses"), tight, 1));
  },
});
