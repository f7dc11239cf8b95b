/**
 * Generated chat streams: for Ollama's `/api/chat`, OpenAI's Chat Completions
 * and Anthropic's Messages, a seeded generator writes a random but valid
 * answer as a real server would send it (only shapes the protocol references
 * describe: text with empty, multi-byte and escaped fragments, reasoning, 0–4
 * tool calls cut at random points, usage, a documented finish reason)
 * together with what a correct reader makes of it. The checks (both readings
 * agree and give that, whole and in random pieces; cut short, they fail the
 * same way) are _generated.ts's.
 *
 * @module
 */
import {
  type Call,
  checkGenerated,
  type Draw,
  type Expected,
  type Generated,
  SEEDS,
} from "./_generated.ts";
import type { FinishReason } from "../../src/shared/types.ts";

/** 0–4 tool calls. */
function drawCalls(d: Draw, idOf: () => string | undefined): Call[] {
  return Array.from({ length: d.pick([0, 0, 1, 1, 2, 3, 4]) }, () => d.call(idOf()));
}

/** Cuts the last call's arguments short (the token limit hit inside them), sometimes. */
function truncateLast(d: Draw, calls: Call[]): void {
  const last = calls.at(-1);
  if (last === undefined || last.text.length < 2 || d.chance(0.5)) return;
  const points = Array.from(last.text);
  last.text = points.slice(0, d.int(1, points.length - 1)).join("");
  last.arguments = last.text;
  last.invalid = true;
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
  const calls = drawCalls(d, () => legacy ? undefined : d.id("call_", 8).toLowerCase());
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
  const calls = drawCalls(
    d,
    () => server.name === "vllm" ? d.id("chatcmpl-tool-", 16) : d.id("call_", 24),
  );
  const finish = calls.length > 0
    ? d.pick(["tool_calls", "tool_calls", "tool_calls", "stop", "length"])
    : server.finish && d.chance(0.3)
    ? server.finish
    : d.pick(["stop", "stop", "length", "content_filter"]);
  if (finish === "length") truncateLast(d, calls);
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
  const calls = drawCalls(d, () => d.id("toolu_01", 22));
  const reason = calls.length > 0
    ? d.pick(["tool_use", "tool_use", "tool_use", "max_tokens"])
    : d.pick([...Object.keys(STOP_REASONS).filter((r) => r !== "tool_use"), "end_turn"]);
  if (reason === "max_tokens") truncateLast(d, calls);
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

const GENERATORS = { ollama: ollamaStream, openai: openaiStream, anthropic: anthropicStream };

/** How many cuts of each body are read (between two events for odd seeds). */
const CUTS = 1;

for (const format of ["ollama", "openai", "anthropic"] as const) {
  Deno.test(`generated ${format} chat streams read the same through the client and streamText, whole and in pieces (${SEEDS} seeds)`, () =>
    checkGenerated(format, GENERATORS[format], CUTS));
}
