/**
 * One reading of each chat format, under generated streams: for Ollama's
 * `/api/chat`, OpenAI's Chat Completions and Anthropic's Messages, a seeded
 * generator writes a random but valid answer as a real server would send it
 * (only shapes the protocol references describe: text with empty, multi-byte
 * and escaped fragments, reasoning, 0–4 tool calls cut at random points,
 * usage, a documented finish reason) together with what a correct reader
 * makes of it. Each stream must read the same through the provider client and
 * `streamText` (`assertAgree`), give that expected result, and give it again
 * when its bytes arrive in random pieces; cut short, it must fail the same way
 * through both, with a partial answer that is a prefix of the whole. A
 * failure names the format and the seed, and shows the body.
 */
import assert from "node:assert/strict";
import { seededRandom } from "../_seeded_random.ts";
import { source } from "../streams/_chunkings.ts";
import { assertAgree } from "./_agree.ts";
import { anthropic, ollama, openai, streamText } from "../../src/unified/mod.ts";
import { Ollama } from "../../src/providers/ollama/mod.ts";
import { OpenAI } from "../../src/providers/openai/mod.ts";
import { Anthropic } from "../../src/providers/anthropic/mod.ts";
import { IncompleteStreamError } from "../../src/errors/incomplete_stream_error.ts";
import type { FinishReason, StreamResult } from "../../src/shared/types.ts";

/** Seeds per format. */
const SEEDS = 150;

type Format = "ollama" | "openai" | "anthropic";

/** A tool call as a correct reader returns it; `id` undefined: the wire gave none. */
interface ExpectedCall {
  id: string | undefined;
  name: string;
  arguments: unknown;
  /** The arguments are not JSON (cut off by the token limit): kept as text, with a parseError. */
  invalid: boolean;
}

/** What a correct reader makes of a generated stream: the oracle. */
interface Expected {
  text: string;
  reasoning: string;
  toolCalls: ExpectedCall[];
  finishReason: FinishReason;
  rawFinishReason: string;
  usage: { inputTokens: number | undefined; outputTokens: number | undefined };
  /** Anthropic's content blocks, each with its text, thinking or input. */
  content?: unknown[];
}

/** A generated response body and its oracle. */
interface Generated {
  body: string;
  expected: Expected;
}

/** A drawn tool call: its arguments as a value and as the JSON text the model wrote. */
interface Call extends ExpectedCall {
  text: string;
}

/** Text fragments: empty and plain, other scripts, emoji (modifier, flag, ZWJ), escapes, controls. */
const FRAGMENTS = [
  ...["", " the", "Hello", " wörld", "日本語の", "文字", " ∑x²"],
  ...[" 🙂", "👍🏽", "🇵🇹", "👩‍💻"],
  ...[' "quoted"', "\n", "two\nlines\r\n", "\\n is not a newline", "\t", "<b>&amp;</b>", "\u2028"],
  ...["\u0007", "zero\u200bwidth\ufeff"],
];
/** Code point ranges for random fragments: ASCII, Latin-1 and beyond, controls, CJK, emoji. */
const RANGES: [number, number][] = [
  [0x20, 0x7e],
  [0xa0, 0x17f],
  [0x01, 0x1f],
  [0x4e00, 0x9fff],
  [0x1f300, 0x1f64f],
];
/** Argument keys: plain, non-ASCII, and ones JSON escapes. */
const KEYS = ["city", "query", "n", "nested", "días", "名前", "emoji🙂", 'say "hi"', "a\\b"];
const TOOLS = ["get_weather", "search", "file_size", "ping", "run_code"];
const ALPHANUMERIC = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"];

/** The seeded choices of one generated stream. */
class Draw {
  #next: () => number;

  constructor(seed: number) {
    this.#next = seededRandom(seed);
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.#next() < p;
  }

  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A text fragment: a listed one (empty, other scripts, emoji, escapes) or random code points. */
  text(): string {
    if (this.chance(0.6)) return this.pick(FRAGMENTS);
    let text = "";
    for (let i = this.int(1, 6); i > 0; i--) {
      const [from, to] = this.pick(RANGES);
      text += String.fromCodePoint(this.int(from, to));
    }
    return text;
  }

  /** 1–12 text fragments. */
  fragments(): string[] {
    return Array.from({ length: this.int(1, 12) }, () => this.text());
  }

  /** `text` cut at random code point boundaries into pieces of 1 to `max` code points. */
  cut(text: string, max: number): string[] {
    const points = Array.from(text);
    const pieces: string[] = [];
    for (let at = 0; at < points.length;) {
      const size = this.int(1, max);
      pieces.push(points.slice(at, at + size).join(""));
      at += size;
    }
    return pieces;
  }

  /** `length` random letters and digits after `prefix`. */
  id(prefix: string, length: number): string {
    let id = prefix;
    for (let i = 0; i < length; i++) id += this.pick(ALPHANUMERIC);
    return id;
  }

  /** A JSON value for tool arguments, nested up to `depth`. */
  value(depth: number): unknown {
    switch (this.int(0, depth > 0 ? 6 : 3)) {
      case 0:
        return this.text();
      case 1:
        // Integers and binary fractions: exact through JSON, never -0.
        return this.int(-2000, 2000) / this.pick([1, 1, 4, 1024]) || 0;
      case 2:
        return this.chance(0.5);
      case 3:
        return null;
      case 4:
        return Array.from({ length: this.int(0, 3) }, () => this.value(depth - 1));
      default:
        return this.object(depth - 1);
    }
  }

  /** A JSON object of 0–4 keys. */
  object(depth: number): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    for (let i = this.int(0, 4); i > 0; i--) object[this.pick(KEYS)] = this.value(depth);
    return object;
  }

  /** 0–4 tool calls; the arguments' text compact, spaced or (no parameters) sometimes empty. */
  calls(idOf: () => string | undefined): Call[] {
    return Array.from({ length: this.pick([0, 0, 1, 1, 2, 3, 4]) }, () => {
      const args = this.object(2);
      const empty = Object.keys(args).length === 0;
      const text = empty && this.chance(0.3)
        ? ""
        : this.chance(0.5)
        ? JSON.stringify(args)
        : JSON.stringify(args, null, this.pick([1, 2]));
      return { id: idOf(), name: this.pick(TOOLS), text, arguments: args, invalid: false };
    });
  }

  /** Cuts the last call's arguments short (the token limit hit inside them), sometimes. */
  truncateLast(calls: Call[]): void {
    const last = calls.at(-1);
    if (last === undefined || last.text.length < 2 || this.chance(0.5)) return;
    const points = Array.from(last.text);
    last.text = points.slice(0, this.int(1, points.length - 1)).join("");
    last.arguments = last.text;
    last.invalid = true;
  }
}

/** What a stream was drawn to say, in the terms of {@linkcode expectation}. */
interface Answer {
  text: string[];
  reasoning: string[];
  calls: Call[];
  /** The normalized reason the provider's own one stands for. */
  finishReason: FinishReason;
  rawFinishReason: string;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
}

/** The oracle for an answer: the fragments joined, a "stop" after tool calls a "tool-calls". */
function expectation(answer: Answer): Expected {
  const { calls, finishReason, inputTokens, outputTokens } = answer;
  return {
    text: answer.text.join(""),
    reasoning: answer.reasoning.join(""),
    toolCalls: calls.map(({ text: _text, ...call }) => call),
    // A provider that says "stop" after calling tools still wants their results.
    finishReason: finishReason === "stop" && calls.length > 0 ? "tool-calls" : finishReason,
    rawFinishReason: answer.rawFinishReason,
    usage: { inputTokens, outputTokens },
  };
}

// --- Ollama: NDJSON /api/chat (ollama.md §2.4) -------------------------------------------------

/** JSON as Go's encoding/json writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** An RFC 3339 UTC time with 0–9 fractional digits, as Go trims them. */
function createdAt(d: Draw): string {
  const digits = String(d.int(1, 999_999_999)).padStart(9, "0").slice(0, d.int(0, 9));
  return `2025-11-03T14:22:0${d.int(0, 9)}${digits ? `.${digits}` : ""}Z`;
}

/** The `tool_calls` of one line: current servers give each an `id` and its `index` in the turn. */
function ollamaCalls(calls: Call[], first: number, legacy: boolean): object[] {
  return calls.map(({ id, name, arguments: args }, at) =>
    legacy
      ? { function: { name, arguments: args } }
      : { id, function: { index: first + at, name, arguments: args } }
  );
}

/**
 * An Ollama chat stream: thinking lines (content ""), answer lines, tool calls
 * whole (one or more a line; older servers without `id` and `index`), and the
 * `done` line with the reason and the counts that are not zero; the last text
 * may ride on it.
 */
function ollamaStream(d: Draw): Generated {
  const legacy = d.chance(0.2);
  const calls = d.calls(() => legacy ? undefined : d.id("call_", 8).toLowerCase());
  const reason = d.pick(["stop", "stop", "length"]);
  // Omitted when zero: a prompt read wholly from the cache, an answer of no tokens.
  const input = d.chance(0.2) ? 0 : d.int(1, 5000);
  const output = d.chance(0.1) ? 0 : d.int(1, 5000);
  const answer: Answer = {
    text: d.chance(0.85) ? d.fragments() : [],
    reasoning: d.chance(0.4) ? d.fragments() : [],
    calls,
    finishReason: reason as FinishReason,
    rawFinishReason: reason,
    inputTokens: input || undefined,
    outputTokens: output || undefined,
  };
  const line = (message: object, extra: object = { done: false }) =>
    goJson({
      model: "qwen3:8b",
      created_at: createdAt(d),
      message: { role: "assistant", content: "", ...message },
      ...extra,
    });
  const text = [...answer.text];
  const last = calls.length === 0 && d.chance(0.2) ? text.pop() ?? "" : "";
  // Thinking is omitted when empty; one line may carry the last thinking and the first text.
  const thinking = answer.reasoning.map((t) => t ? { thinking: t } : {});
  const both = thinking.length > 0 && text.length > 0 && d.chance(0.3)
    ? [{ content: text.shift(), ...thinking.pop() }]
    : [];
  const lines = [...thinking, ...both, ...text.map((content) => ({ content }))]
    .map((message) => line(message));
  for (let first = 0; first < calls.length;) {
    const group = calls.slice(first, first + d.int(1, calls.length - first));
    lines.push(line({ tool_calls: ollamaCalls(group, first, legacy) }));
    first += group.length;
  }
  const counts = Object.fromEntries(
    Object.entries({
      total_duration: d.int(1e6, 1e10),
      load_duration: d.pick([0, d.int(1e5, 1e9)]),
      prompt_eval_count: input,
      prompt_eval_duration: input && d.int(1e5, 1e9),
      eval_count: output,
      eval_duration: output && d.int(1e5, 1e9),
    }).filter(([, value]) => value !== 0),
  );
  lines.push(line({ content: last }, { done: true, done_reason: reason, ...counts }));
  return { body: lines.map((l) => l + "\n").join(""), expected: expectation(answer) };
}

// --- OpenAI: Chat Completions SSE (openai.md §4–8, §12) ----------------------------------------

/** An OpenAI-compatible server's habits (openai.md §12). */
interface ChatServer {
  name: string;
  /** The delta field reasoning streams in. */
  reasoning?: "reasoning_content" | "reasoning";
  /** DeepSeek writes the other of content and reasoning_content as null. */
  nulls?: boolean;
  /** Usage in a `choices: []` chunk after the finish, on the finish chunk, or under `x_groq`. */
  usage: "chunk" | "finish" | "groq";
  /** Usage only with `stream_options.include_usage` (so sometimes none). */
  optionalUsage?: boolean;
  /** `"usage": null` on every other chunk (OpenAI with include_usage). */
  usageNull?: boolean;
  /** Each tool call whole in one fragment. */
  wholeCalls?: boolean;
  /** Fragments of different calls interleave. */
  interleave?: boolean;
  /** A comment line sent while waiting. */
  comment?: string;
  /** A finish reason of its own. */
  finish?: string;
  /** Fields of the first chunk, the finish chunk and every choice. */
  first?: object;
  onFinish?: object;
  onChoice?: object;
}

const SAFE = { filtered: false, severity: "safe" };
const FILTERS = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
const SERVERS: ChatServer[] = [
  { name: "openai", usage: "chunk", optionalUsage: true, usageNull: true },
  {
    name: "azure",
    usage: "chunk",
    optionalUsage: true,
    usageNull: true,
    first: { prompt_filter_results: [{ prompt_index: 0, content_filter_results: FILTERS }] },
    onChoice: { content_filter_results: FILTERS },
  },
  {
    name: "deepseek",
    reasoning: "reasoning_content",
    nulls: true,
    usage: "finish",
    comment: ": keep-alive",
    finish: "insufficient_system_resource",
  },
  { name: "ollama", reasoning: "reasoning", usage: "chunk", optionalUsage: true, wholeCalls: true },
  { name: "vllm", reasoning: "reasoning", usage: "chunk", optionalUsage: true, interleave: true },
  {
    name: "llama.cpp",
    reasoning: "reasoning_content",
    usage: "finish",
    onFinish: { timings: { prompt_n: 12, prompt_ms: 30.5, predicted_n: 40, predicted_ms: 800 } },
  },
  {
    name: "openrouter",
    reasoning: "reasoning",
    usage: "finish",
    comment: ": OPENROUTER PROCESSING",
  },
  { name: "groq", reasoning: "reasoning", usage: "groq", wholeCalls: true },
];

const FINISH_REASONS: Record<string, FinishReason> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool-calls",
  content_filter: "content-filter",
};

/** The `tool_calls` fragments of one call: whole, or the name first and the arguments in pieces. */
function fragmentsOf(d: Draw, call: Call, index: number, whole: boolean): object[] {
  const head = { index, id: call.id, type: "function" };
  if (whole) return [{ ...head, function: { name: call.name, arguments: call.text } }];
  const pieces = d.cut(call.text, d.pick([1, 3, 8, 40]));
  // The first fragment usually carries "" (older models: the first piece).
  const first = d.chance(0.8) ? "" : pieces.shift() ?? "";
  return [
    { ...head, function: { name: call.name, arguments: first } },
    ...pieces.map((piece) => ({ index, function: { arguments: piece } })),
  ];
}

/**
 * Merges the calls' fragments into one order: each call starts after the one
 * before it started; later fragments follow in order or, `interleave`, mixed.
 */
function schedule(d: Draw, queues: object[][], interleave: boolean): object[] {
  const pending = queues.map((queue) => [...queue]);
  const out: object[] = [];
  let started = 0;
  for (let left = pending.flat().length; left > 0; left--) {
    const ready = pending.flatMap((queue, i) => queue.length > 0 && i <= started ? [i] : []);
    const i = interleave ? d.pick(ready) : ready[0]!;
    if (i === started) started++;
    out.push(pending[i]!.shift()!);
  }
  return out;
}

/** The deltas of choice 0: the role, reasoning, text, then the tool-call fragments. */
function openaiDeltas(d: Draw, server: ChatServer, answer: Answer): Record<string, unknown>[] {
  const { text, reasoning, calls } = answer;
  const key = server.reasoning!;
  const whole = server.wholeCalls === true;
  const fragments = schedule(
    d,
    calls.map((call, index) => fragmentsOf(d, call, index, whole)),
    server.interleave === true,
  );
  // One fragment a chunk; whole calls that came on one native line share a chunk.
  const toolDeltas: Record<string, unknown>[] = [];
  for (let i = 0; i < fragments.length;) {
    toolDeltas.push({ tool_calls: fragments.slice(i, i += whole ? d.int(1, 2) : 1) });
  }
  const deltas: Record<string, unknown>[] = [
    { role: "assistant", content: text.length || reasoning.length ? "" : null },
    ...reasoning.map((t) => server.nulls ? { content: null, [key]: t } : { [key]: t }),
    ...text.map((content) => server.nulls ? { content, [key]: null } : { content }),
    ...toolDeltas,
  ];
  // Older models put the first tool-call fragment in the role chunk.
  if (deltas[1]?.tool_calls && d.chance(0.3)) deltas.splice(0, 2, { ...deltas[0], ...deltas[1] });
  return deltas;
}

/**
 * An OpenAI-style chat stream as one of the servers of openai.md §12 sends it:
 * comments while waiting, the role chunk, reasoning and text deltas, tool-call
 * fragments, the finish (on its own chunk, or on the last delta), usage where
 * that server puts it, `[DONE]`.
 */
function openaiStream(d: Draw): Generated {
  const server = d.pick(SERVERS);
  const withUsage = !server.optionalUsage || d.chance(0.7);
  const calls = d.calls(() =>
    server.name === "vllm" ? d.id("chatcmpl-tool-", 16) : d.id("call_", 24)
  );
  const finish = calls.length > 0
    ? d.pick(["tool_calls", "tool_calls", "tool_calls", "stop", "length"])
    : server.finish && d.chance(0.3)
    ? server.finish
    : d.pick(["stop", "stop", "length", "content_filter"]);
  if (finish === "length") d.truncateLast(calls);
  const [input, output] = [d.int(1, 9000), d.int(1, 4000)];
  const answer: Answer = {
    text: d.chance(0.8) ? d.fragments() : [],
    reasoning: server.reasoning && d.chance(0.5) ? d.fragments() : [],
    calls,
    finishReason: FINISH_REASONS[finish] ?? "other",
    rawFinishReason: finish,
    inputTokens: withUsage ? input : undefined,
    outputTokens: withUsage ? output : undefined,
  };
  const usage = {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    ...(server.usageNull
      ? {
        prompt_tokens_details: { cached_tokens: d.int(0, 100), audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: d.int(0, 100), audio_tokens: 0 },
      }
      : {}),
  };
  const id = d.id("chatcmpl-", 29);
  const chunk = (choices: object[], extra: object = {}) => ({
    id,
    object: "chat.completion.chunk",
    created: 1762180925,
    model: "m",
    system_fingerprint: `fp_${server.name}`,
    choices,
    ...(server.usageNull && withUsage ? { usage: null } : {}),
    ...(server.name === "openai" ? { obfuscation: d.id("", d.int(1, 12)) } : {}),
    ...extra,
  });
  const choice = (delta: object, finish_reason: string | null = null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason,
    ...server.onChoice,
  });
  const deltas = openaiDeltas(d, server, answer);
  const chunks = deltas.map((delta) => chunk([choice(delta)]));
  if (server.first) chunks.unshift({ ...chunk([]), ...server.first });
  const onFinish = {
    ...server.onFinish,
    ...(!withUsage || server.usage === "chunk"
      ? {}
      : server.usage === "finish"
      ? { usage }
      : { x_groq: { id: "req_1", usage } }),
  };
  // Compatible servers may put the finish reason on the last delta.
  const onLast = server.name !== "openai" && deltas.length > 1 && d.chance(0.25);
  if (onLast) chunks[chunks.length - 1] = chunk([choice(deltas.at(-1)!, finish)], onFinish);
  else chunks.push(chunk([choice({}, finish)], onFinish));
  if (withUsage && server.usage === "chunk") chunks.push(chunk([], { usage }));
  const comments = server.comment ? Array(d.int(0, 3)).fill(`${server.comment}\n\n`) : [];
  const events = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`);
  return {
    body: [...comments, ...events, "data: [DONE]\n\n"].join(""),
    expected: expectation(answer),
  };
}

// --- Anthropic: Messages SSE (anthropic.md §3–7) -----------------------------------------------

const STOP_REASONS: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool-calls",
  refusal: "content-filter",
};

/** One content block: how it starts, its deltas, and the block a reader ends up with. */
interface Block {
  start: object;
  deltas: object[];
  block: object;
}

/**
 * A thinking block: its thinking_deltas (none with display "omitted") and one
 * signature_delta; sometimes redacted (whole in its start).
 */
function thinkingBlock(d: Draw, reasoning: string[]): Block {
  if (d.chance(0.15)) {
    const block = { type: "redacted_thinking", data: d.id("EmwK", 40) };
    return { start: block, deltas: [], block };
  }
  const pieces = d.chance(0.1) ? [] : d.fragments().filter(Boolean);
  reasoning.push(...pieces);
  const signature = d.id("Eq", 60) + "==";
  return {
    start: { type: "thinking", thinking: "", signature: "" },
    deltas: [
      ...pieces.map((thinking) => ({ type: "thinking_delta", thinking })),
      { type: "signature_delta", signature },
    ],
    block: { type: "thinking", thinking: pieces.join(""), signature },
  };
}

/** A text block of non-empty text_deltas. */
function textBlock(d: Draw, text: string[]): Block {
  const pieces = d.fragments().filter(Boolean);
  text.push(...pieces);
  return {
    start: { type: "text", text: "" },
    deltas: pieces.map((t) => ({ type: "text_delta", text: t })),
    block: { type: "text", text: pieces.join("") },
  };
}

/** A tool_use block: its input as input_json_delta pieces cut anywhere, the first often "". */
function toolBlock(d: Draw, call: Call): Block {
  const pieces = d.cut(call.text, d.pick([1, 4, 12, 60]));
  if (d.chance(0.7)) pieces.unshift("");
  const head = { type: "tool_use", id: call.id, name: call.name };
  return {
    start: { ...head, input: {} },
    deltas: pieces.map((partial_json) => ({ type: "input_json_delta", partial_json })),
    block: { ...head, input: call.arguments },
  };
}

/** An event as SSE: compact data, sometimes padded before the last brace; sometimes a ping after. */
function anthropicEvent(d: Draw, event: { type: string }, last: boolean): string {
  const json = JSON.stringify(event);
  const data = d.chance(0.15) ? `${json.slice(0, -1)}${" ".repeat(d.int(1, 13))}}` : json;
  const ping = !last && d.chance(0.1) ? 'event: ping\ndata: {"type": "ping"}\n\n' : "";
  return `event: ${event.type}\ndata: ${data}\n\n${ping}`;
}

/**
 * An Anthropic Messages stream: message_start with the input counts, a
 * thinking block, a text block, tool_use blocks (thinking between them, as
 * interleaved thinking has it), pings anywhere, message_delta with the stop
 * reason and cumulative usage, message_stop.
 */
function anthropicStream(d: Draw): Generated {
  const calls = d.calls(() => d.id("toolu_01", 22));
  const reason = calls.length > 0
    ? d.pick(["tool_use", "tool_use", "tool_use", "max_tokens"])
    : d.pick([...Object.keys(STOP_REASONS).filter((r) => r !== "tool_use"), "end_turn"]);
  if (reason === "max_tokens") d.truncateLast(calls);
  const input = {
    input_tokens: d.int(1, 9000),
    ...(d.chance(0.5)
      ? { cache_creation_input_tokens: d.int(0, 3000), cache_read_input_tokens: d.int(0, 3000) }
      : {}),
  };
  const output = d.int(1, 4000);
  const answer: Answer = {
    text: [],
    reasoning: [],
    calls,
    finishReason: STOP_REASONS[reason]!,
    rawFinishReason: reason,
    inputTokens: Object.values(input).reduce((sum, n) => sum + n, 0),
    outputTokens: output,
  };
  const blocks: Block[] = [];
  if (d.chance(0.4)) blocks.push(thinkingBlock(d, answer.reasoning));
  if (calls.length === 0 || d.chance(0.6)) blocks.push(textBlock(d, answer.text));
  calls.forEach((call, i) => {
    if (i > 0 && d.chance(0.2)) blocks.push(thinkingBlock(d, answer.reasoning));
    blocks.push(toolBlock(d, call));
  });
  const message = {
    model: "claude-sonnet-4-6",
    id: d.id("msg_01", 22),
    type: "message",
    role: "assistant",
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { ...input, output_tokens: d.int(1, 5) },
  };
  const events = [
    { type: "message_start", message },
    ...blocks.flatMap(({ start, deltas }, index) => [
      { type: "content_block_start", index, content_block: start },
      ...deltas.map((delta) => ({ type: "content_block_delta", index, delta })),
      { type: "content_block_stop", index },
    ]),
    {
      type: "message_delta",
      delta: { stop_reason: reason, stop_sequence: reason === "stop_sequence" ? "END" : null },
      // Cumulative counts; older responses had only output_tokens.
      usage: d.chance(0.5) ? { ...input, output_tokens: output } : { output_tokens: output },
    },
    { type: "message_stop" },
  ];
  return {
    body: events.map((event, i) => anthropicEvent(d, event, i === events.length - 1)).join(""),
    expected: { ...expectation(answer), content: blocks.map(({ block }) => block) },
  };
}

// --- Reading and checking ----------------------------------------------------------------------

const GENERATORS: Record<Format, (d: Draw) => Generated> = {
  ollama: ollamaStream,
  openai: openaiStream,
  anthropic: anthropicStream,
};

/** A `fetch` answering with `pieces`, one per read. */
function piecesFetch(pieces: Uint8Array[]): typeof fetch {
  return () => Promise.resolve(new Response(source(pieces).body));
}

/** The body's bytes in random pieces: sometimes byte-sized, sometimes hundreds of bytes. */
function randomPieces(d: Draw, body: string): Uint8Array[] {
  const bytes = new TextEncoder().encode(body);
  const max = d.pick([1, 3, 16, 100, 700]);
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = d.int(1, max);
    pieces.push(bytes.subarray(at, at += size));
  }
  return pieces;
}

/**
 * The provider client's result for a body in pieces (its partial one and the
 * error when the body fails), once each call's `tool-call-delta` parts are
 * found to join to the arguments it ends with.
 */
async function providerRead(
  format: Format,
  pieces: Uint8Array[],
): Promise<{ result: StreamResult; error: unknown }> {
  const fetch = piecesFetch(pieces);
  const stream = format === "ollama"
    ? new Ollama({ fetch }).chat({ model: "m", messages: [] })
    : format === "openai"
    ? new OpenAI({ fetch }).chat({ model: "m", messages: [] })
    : new Anthropic({ fetch }).messages({ model: "m", max_tokens: 5, messages: [] });
  const deltas = new Map<string, string>();
  let error: unknown;
  try {
    for await (const part of stream.parts) {
      if (part.type === "tool-call-delta") {
        deltas.set(part.id, (deltas.get(part.id) ?? "") + part.argumentsDelta);
      }
    }
    await stream.result();
  } catch (caught) {
    error = caught;
  }
  const result = (error === undefined ? await stream.result() : stream.partial) as StreamResult;
  for (const call of result.toolCalls) {
    const text = deltas.get(call.id) ?? "";
    const streamed = call.parseError !== undefined ? text : text === "" ? {} : JSON.parse(text);
    assert.deepEqual(streamed, call.arguments, `the argument deltas of ${call.name}`);
  }
  return { result, error };
}

/** The provider client's result for a body in pieces that must not fail. */
async function providerResult(format: Format, pieces: Uint8Array[]): Promise<StreamResult> {
  const { result, error } = await providerRead(format, pieces);
  if (error !== undefined) throw error;
  return result;
}

/** `streamText`'s result for a body in pieces. */
function unifiedResult(format: Format, pieces: Uint8Array[]): Promise<StreamResult> {
  const fetch = piecesFetch(pieces);
  const model = format === "ollama"
    ? ollama("m", { fetch })
    : format === "openai"
    ? openai("m", { fetch })
    : anthropic("m", { fetch });
  return streamText({ model, prompt: "x" }).result();
}

/** A result in the oracle's shape; an id the wire did not give must be one sluice made up. */
function observed(result: StreamResult, expected: Expected): Omit<Expected, "content"> {
  const { inputTokens, outputTokens } = result.usage;
  return {
    text: result.text,
    reasoning: result.reasoning,
    toolCalls: result.toolCalls.map((call, i) => ({
      id: expected.toolCalls[i]?.id === undefined && /^call_[0-9a-z]+$/.test(call.id)
        ? undefined
        : call.id,
      name: call.name,
      arguments: call.arguments,
      invalid: call.parseError !== undefined,
    })),
    finishReason: result.finishReason as FinishReason,
    rawFinishReason: result.rawFinishReason as string,
    usage: { inputTokens, outputTokens },
  };
}

/**
 * The body cut at a random byte or after a random line or event: both
 * readings agree (the same error, the same partial), which is a prefix of the
 * whole answer; a cut stream fails with an `IncompleteStreamError`, unless all
 * it lost comes after the finish (line ends, OpenAI's usage chunk and `[DONE]`).
 */
async function checkCut(format: Format, body: string, expected: Expected, d: Draw, label: string) {
  const bytes = new TextEncoder().encode(body);
  const ends = [...body.matchAll(format === "ollama" ? /\n/g : /\n\n/g)]
    .map((end) => new TextEncoder().encode(body.slice(0, end.index + end[0].length)).length);
  const at = d.chance(0.5) ? d.pick(ends.slice(0, -1)) ?? 0 : d.int(0, bytes.length - 1);
  // A cut inside a character is inside a line that never completes.
  const cut = new TextDecoder().decode(bytes.subarray(0, at));
  label = `${label}, cut at byte ${at} of ${bytes.length}`;
  await assertAgree(format, cut, label);
  const { result, error } = await providerRead(format, [bytes.subarray(0, at)]);
  if (error === undefined) {
    const lost = new TextDecoder().decode(bytes.subarray(at));
    const usageLost = result.usage.inputTokens === undefined && lost.includes("prompt_tokens");
    const { content: _, ...whole } = expected;
    if (usageLost) whole.usage = { inputTokens: undefined, outputTokens: undefined };
    assert.deepEqual(observed(result, expected), whole, `${label}: whole after all`);
    return;
  }
  assert.ok(error instanceof IncompleteStreamError, `${label}: ${error}`);
  assert.ok(expected.text.startsWith(result.text), `${label}: text a prefix`);
  assert.ok(expected.reasoning.startsWith(result.reasoning), `${label}: reasoning a prefix`);
}

/**
 * Checks one seed: the two readings agree, the client gives the oracle, also
 * in pieces, and a cut body fails the same way through both.
 */
async function checkSeed(format: Format, seed: number): Promise<void> {
  const d = new Draw(seed);
  const { body, expected } = GENERATORS[format](d);
  const label = `${format} seed ${seed}`;
  try {
    await assertAgree(format, body, label);
    const whole = [new TextEncoder().encode(body)];
    const pieces = randomPieces(d, body);
    const runs: [string, () => Promise<StreamResult>][] = [
      ["client, whole", () => providerResult(format, whole)],
      [`client, ${pieces.length} pieces`, () => providerResult(format, pieces)],
      [`streamText, ${pieces.length} pieces`, () => unifiedResult(format, pieces)],
    ];
    const { content, ...shared } = expected;
    for (const [how, run] of runs) {
      const result = await run();
      assert.deepEqual(observed(result, expected), shared, `${label}, ${how}`);
      if (content && "content" in result) {
        assert.deepEqual(result.content, content, `${label}, ${how}`);
      }
    }
    await checkCut(format, body, expected, d, label);
  } catch (error) {
    throw new Error(`${label} failed on this body:\n${body}`, { cause: error });
  }
}

for (const format of ["ollama", "openai", "anthropic"] as const) {
  Deno.test(`generated ${format} chat streams read the same through the client and streamText, whole and in pieces (${SEEDS} seeds)`, async () => {
    for (let seed = 1; seed <= SEEDS; seed++) await checkSeed(format, seed);
  });
}
