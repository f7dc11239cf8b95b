/**
 * Generated streams through both readings of a wire format. For each seed a
 * generator writes a random but valid stream of the Responses API (SSE
 * events) or of Gemini (`streamGenerateContent?alt=sse`), shaped only as
 * the providers' API references describe what their servers send, and
 * says what it must read as (the oracle: text, reasoning, tool calls, finish
 * reason, token counts), worked out from what it generated, not by the code
 * under test. Each case checks that:
 *
 * 1. `streamText` reads the body as the provider client does (`assertAgree`);
 * 2. the provider client's result is the oracle;
 * 3. both still read the oracle when the bytes arrive in seeded random pieces;
 * 4. `streamText`'s assistant message holds that answer too;
 * 5. the body cut at random bytes and between events fails (or not) the same
 *    way through both, with a partial answer that is a prefix of the whole one.
 *
 * Every label carries the seed: `responsesCase(seed)` and `geminiCase(seed)`
 * rebuild that case exactly.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Gemini } from "../../src/providers/gemini/mod.ts";
import { OpenAI } from "../../src/providers/openai/mod.ts";
import { gemini, openai, streamText } from "../../src/unified/mod.ts";
import { IncompleteStreamError } from "../../src/errors/incomplete_stream_error.ts";
import type { StreamResult, ToolCall } from "../../src/shared/types.ts";
import type { GenerateTextResult } from "../../src/unified/types.ts";
import { responsesBody } from "../testdata/openai-responses/transcripts.ts";
import { sseBody } from "../providers/gemini/_transcripts.ts";
import { seededRandom } from "../_seeded_random.ts";
import { randomInt, utf8 } from "../streams/_chunkings.ts";
import { assertAgree } from "./_agree.ts";

type Json = Record<string, unknown>;
type Random = () => number;
type GeneratedApi = "openai-responses" | "gemini";

/** How many seeds run per format. */
const SEEDS = 150;

/** What a generated stream must read as. */
interface Expected {
  text: string;
  reasoning: string;
  /** `id: undefined`: the server sent none, sluice makes up a `call_…` one. */
  toolCalls: { id: string | undefined; name: string; arguments: unknown }[];
  finishReason: string;
  usage: { inputTokens: number | undefined; outputTokens: number | undefined };
}

/** One generated stream and its oracle. */
interface Case {
  api: GeneratedApi;
  seed: number;
  body: string;
  expect: Expected;
}

// ---------------------------------------------------------------------------
// Random values

/** True with probability `p`. */
function chance(random: Random, p: number): boolean {
  return random() < p;
}

/** One element of `list`. */
function pick<T>(random: Random, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/** Pieces of text with multi-byte UTF-8, escapes JSON must keep, and SSE look-alikes. */
const FRAGMENTS = [
  "The",
  " sky",
  " is",
  " blue",
  ",",
  " café",
  " naïve",
  " e\u0301",
  " 東京",
  " 🌙",
  " 👩‍💻",
  " —",
  " тест",
  " 2+2=4",
  ' "quoted"',
  " back\\slash",
  " <b>",
  "\n",
  "\n\n",
  "\r\n",
  "\t",
  " data: x",
  " event: y",
];

/** Text of 1 to `max` fragments. */
function randomText(random: Random, max: number): string {
  let text = "";
  for (let i = randomInt(random, 1, max); i > 0; i--) text += pick(random, FRAGMENTS);
  return text;
}

/**
 * `text` cut at random code point boundaries into about `max` pieces (none
 * for empty text); `empties` also puts empty pieces in between.
 */
function split(random: Random, text: string, max: number, empties = false): string[] {
  const chars = Array.from(text);
  const most = Math.max(1, Math.ceil((chars.length * 2) / max));
  const pieces: string[] = [];
  let at = 0;
  while (at < chars.length) {
    const size = randomInt(random, 1, most);
    pieces.push(chars.slice(at, at + size).join(""));
    at += size;
    if (empties && chance(random, 0.15)) pieces.push("");
  }
  return pieces;
}

const KEYS = ["city", "unit", "query", "days", "tags", "options", "ünïcode", "emoji 🌈", 'a"b'];

/** A JSON value: text, numbers, booleans, null, and (less deep down) arrays and objects. */
function randomValue(random: Random, depth: number): unknown {
  switch (randomInt(random, 0, depth > 2 ? 4 : 6)) {
    case 0:
      return randomText(random, 4);
    case 1:
      return randomInt(random, -1000, 100000);
    case 2:
      return randomInt(random, 0, 100000) / 100;
    case 3:
      return chance(random, 0.5);
    case 4:
      return null;
    case 5:
      return Array.from({ length: randomInt(random, 0, 3) }, () => randomValue(random, depth + 1));
    default:
      return randomObject(random, depth + 1);
  }
}

/** A JSON object of up to four keys: a tool call's arguments. */
function randomObject(random: Random, depth = 0): Json {
  const object: Json = {};
  for (let i = randomInt(random, 0, 4); i > 0; i--) {
    object[pick(random, KEYS)] = randomValue(random, depth);
  }
  return object;
}

const TOOLS = ["get_weather", "search", "lookup_user", "run_query"];

// ---------------------------------------------------------------------------
// The Responses API

/** A generated Responses stream being written: its events, output items and oracle. */
interface ResponsesDraft {
  random: Random;
  seed: number;
  /**
   * An Open Responses server (LM Studio) rather than OpenAI: raw
   * `reasoning_text` parts, inline logprobs, no obfuscation, no built-in tools.
   */
  open: boolean;
  events: Json[];
  output: Json[];
  expect: Expected;
  /** The reasoning parts' texts, in order. */
  thoughts: string[];
  /** A web search came before: the next message cites it. */
  searched: boolean;
}

/** Pushes output item `done` (opened as `added`) with the events between. */
function pushItem(draft: ResponsesDraft, added: Json, inner: Json[], done: Json): void {
  const output_index = draft.output.length;
  draft.events.push(
    { type: "response.output_item.added", output_index, item: added },
    ...inner,
    { type: "response.output_item.done", output_index, item: done },
  );
  draft.output.push(done);
}

/** `text` as delta events of `type` at `at` (OpenAI pads them with `obfuscation`). */
function deltas(draft: ResponsesDraft, type: string, at: Json, text: string, max: number): Json[] {
  return split(draft.random, text, max, type === "response.output_text.delta").map((delta) => {
    const event: Json = { type, ...at, delta };
    if (type === "response.output_text.delta") {
      event.logprobs = draft.open && delta
        ? [{ token: delta, logprob: -0.25, top_logprobs: [] }]
        : [];
    }
    if (!draft.open) event.obfuscation = "pAd9";
    return event;
  });
}

/** One reasoning part: a summary (OpenAI) or a raw `reasoning_text` part (Open Responses). */
function reasoningPart(
  draft: ResponsesDraft,
  at: Json,
  index: number,
): { events: Json[]; part: Json } {
  const text = `**${randomText(draft.random, 3).trim() || "Thinking"}**\n\n${
    randomText(draft.random, 12)
  }`;
  draft.thoughts.push(text);
  if (!draft.open) {
    const where = { ...at, summary_index: index };
    const part = { type: "summary_text", text };
    return {
      part,
      events: [
        { type: "response.reasoning_summary_part.added", ...where, part: { ...part, text: "" } },
        ...deltas(draft, "response.reasoning_summary_text.delta", where, text, 6),
        { type: "response.reasoning_summary_text.done", ...where, text },
        { type: "response.reasoning_summary_part.done", ...where, part },
      ],
    };
  }
  const where = { ...at, content_index: index };
  const part = { type: "reasoning_text", text };
  return {
    part,
    events: [
      { type: "response.content_part.added", ...where, part: { ...part, text: "" } },
      ...deltas(draft, "response.reasoning_text.delta", where, text, 6),
      { type: "response.reasoning_text.done", ...where, text },
      { type: "response.content_part.done", ...where, part },
    ],
  };
}

/** A reasoning item of 0–3 parts; OpenAI's with `encrypted_content` sometimes. */
function responsesReasoning(draft: ResponsesDraft): void {
  const id = `rs_${draft.seed}_${draft.output.length}`;
  const at = { item_id: id, output_index: draft.output.length };
  const events: Json[] = [];
  const parts: Json[] = [];
  for (let i = 0, n = randomInt(draft.random, 0, 3); i < n; i++) {
    const made = reasoningPart(draft, at, i);
    events.push(...made.events);
    parts.push(made.part);
  }
  const done: Json = draft.open
    ? { id, type: "reasoning", summary: [], content: parts }
    : { id, type: "reasoning", summary: parts };
  if (!draft.open && chance(draft.random, 0.5)) done.encrypted_content = `gAAAAAB${id}==`;
  pushItem(draft, { id, type: "reasoning", summary: [] }, events, done);
}

/** A web search (OpenAI's built-in tool): its progress events; the next message cites it. */
function responsesWebSearch(draft: ResponsesDraft): void {
  const id = `ws_${draft.seed}_${draft.output.length}`;
  const at = { item_id: id, output_index: draft.output.length };
  const progress = ["in_progress", "searching", "completed"]
    .map((step) => ({ type: `response.web_search_call.${step}`, ...at }));
  const action = { type: "search", query: randomText(draft.random, 3) };
  const item = { id, type: "web_search_call", status: "completed", action };
  pushItem(draft, { id, type: "web_search_call", status: "in_progress" }, progress, item);
  draft.searched = true;
}

/** The citations of a text after a web search (`annotation.added` events after the deltas). */
function citations(
  draft: ResponsesDraft,
  at: Json,
  text: string,
): { events: Json[]; list: Json[] } {
  if (!draft.searched || text === "") return { events: [], list: [] };
  const list = Array.from({ length: randomInt(draft.random, 1, 2) }, (_, i) => ({
    type: "url_citation",
    start_index: 0,
    end_index: text.length,
    url: `https://example.com/${draft.seed}/${i}?utm_source=openai`,
    title: randomText(draft.random, 2),
  }));
  const events = list.map((annotation, annotation_index) => ({
    type: "response.output_text.annotation.added",
    ...at,
    annotation_index,
    annotation,
  }));
  return { events, list };
}

/**
 * A message item with one part: `output_text` in deltas (some empty), cited
 * after a web search, or (OpenAI, rarely) a refusal; `incomplete`: the item
 * cut at the token limit.
 */
function responsesMessage(draft: ResponsesDraft, incomplete: boolean): void {
  const { random } = draft;
  const id = `msg_${draft.seed}_${draft.output.length}`;
  const at = { item_id: id, output_index: draft.output.length, content_index: 0 };
  const text = chance(random, 0.05) ? "" : randomText(random, 20);
  const message = (status: string, content: Json[]) => ({
    id,
    type: "message",
    status,
    content,
    role: "assistant",
  });
  let part: Json;
  let events: Json[];
  if (!draft.open && !incomplete && chance(random, 0.08)) {
    const refusal = `I'm sorry,${randomText(random, 6)}`;
    part = { type: "refusal", refusal };
    events = [
      { type: "response.content_part.added", ...at, part: { ...part, refusal: "" } },
      ...deltas(draft, "response.refusal.delta", at, refusal, 6),
      { type: "response.refusal.done", ...at, refusal },
    ];
  } else {
    const cited = citations(draft, at, text);
    part = { type: "output_text", annotations: cited.list, logprobs: [], text };
    events = [
      { type: "response.content_part.added", ...at, part: { ...part, annotations: [], text: "" } },
      ...deltas(draft, "response.output_text.delta", at, text, 10),
      ...cited.events,
      { type: "response.output_text.done", ...at, text, logprobs: [] },
    ];
    draft.expect.text += text;
  }
  events.push({ type: "response.content_part.done", ...at, part });
  const status = incomplete ? "incomplete" : "completed";
  pushItem(draft, message("in_progress", []), events, message(status, [part]));
}

/** A function call: arguments in deltas then `.done`, or (some servers) only in `.done`. */
function responsesCall(draft: ResponsesDraft): void {
  const { random } = draft;
  const id = `fc_${draft.seed}_${draft.output.length}`;
  const call_id = `call_${draft.seed}x${draft.output.length}`;
  const name = pick(random, TOOLS);
  const args = randomObject(random);
  const text = JSON.stringify(args);
  const at = { item_id: id, output_index: draft.output.length };
  const item = { id, type: "function_call", status: "completed", arguments: text, call_id, name };
  const streamed = chance(random, draft.open ? 0.5 : 0.85);
  pushItem(draft, { ...item, status: "in_progress", arguments: "" }, [
    ...(streamed ? deltas(draft, "response.function_call_arguments.delta", at, text, 8) : []),
    { type: "response.function_call_arguments.done", ...at, arguments: text },
  ], item);
  draft.expect.toolCalls.push({ id: call_id, name, arguments: args });
}

/** The Responses API's usage on the terminal event, and the counts it reads as. */
function responsesUsage(random: Random): { usage: Json; input: number; output: number } {
  const input = randomInt(random, 1, 5000);
  const output = randomInt(random, 0, 3000);
  const usage = {
    input_tokens: input,
    input_tokens_details: { cached_tokens: randomInt(random, 0, input) },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: randomInt(random, 0, output) },
    total_tokens: input + output,
  };
  return { usage, input, output };
}

/**
 * A Responses API stream for `seed`, from OpenAI or an Open Responses
 * server: `response.created` and `.in_progress`, then (each optional) a
 * search loop (reasoning, web search), reasoning, a message, function calls,
 * in that order, and `response.completed`, or `response.incomplete` (at
 * `max_output_tokens`, or `content_filter`) with the last item cut short
 * and no calls.
 */
export function responsesCase(seed: number): Case {
  const random = seededRandom(seed);
  const expect: Expected = {
    text: "",
    reasoning: "",
    toolCalls: [],
    finishReason: "stop",
    usage: { inputTokens: undefined, outputTokens: undefined },
  };
  const open = chance(random, 0.25);
  const draft: ResponsesDraft = {
    random,
    seed,
    open,
    events: [],
    output: [],
    expect,
    thoughts: [],
    searched: false,
  };
  const response = {
    id: `resp_${seed}`,
    object: "response",
    created_at: 1741476542 + seed,
    status: "in_progress",
    model: open ? "openai/gpt-oss-20b" : "gpt-5-2025-08-07",
    output: [],
    usage: null,
    incomplete_details: null,
    error: null,
  };
  draft.events.push(
    { type: "response.created", response },
    { type: "response.in_progress", response },
  );
  const incomplete = chance(random, 0.2);
  if (!open && !incomplete && chance(random, 0.2)) {
    // OpenAI's hosted search loop: reasoning and a search, once or twice.
    for (let i = randomInt(random, 1, 2); i > 0; i--) {
      if (chance(random, 0.7)) responsesReasoning(draft);
      responsesWebSearch(draft);
    }
  }
  if (chance(random, 0.6)) responsesReasoning(draft);
  if (chance(random, 0.7)) responsesMessage(draft, incomplete);
  if (!incomplete && chance(random, 0.5)) {
    for (let i = randomInt(random, 1, 3); i > 0; i--) responsesCall(draft);
  }
  const { usage, input, output } = responsesUsage(random);
  expect.usage = { inputTokens: input, outputTokens: output };
  expect.reasoning = draft.thoughts.join("\n\n");
  const end = { ...response, output: draft.output, usage };
  if (incomplete) {
    const filtered = chance(random, 0.2);
    expect.finishReason = filtered ? "content-filter" : "length";
    draft.events.push({
      type: "response.incomplete",
      response: {
        ...end,
        status: "incomplete",
        incomplete_details: { reason: filtered ? "content_filter" : "max_output_tokens" },
      },
    });
  } else {
    if (expect.toolCalls.length > 0) expect.finishReason = "tool-calls";
    draft.events.push({ type: "response.completed", response: { ...end, status: "completed" } });
  }
  return { api: "openai-responses", seed, body: responsesBody(draft.events), expect };
}

// ---------------------------------------------------------------------------
// Gemini

/** Gemini's finish reasons in the shared vocabulary (`STOP` after calls: `tool-calls`). */
const GEMINI_FINISH: Record<string, string> = {
  STOP: "stop",
  MAX_TOKENS: "length",
  SAFETY: "content-filter",
  RECITATION: "content-filter",
  MALFORMED_FUNCTION_CALL: "error",
  LANGUAGE: "other",
  OTHER: "other",
};

/** A thought signature (opaque base64 a turn must send back). */
function signature(random: Random): string {
  return `CiQB${randomInt(random, 0, 1e9).toString(36)}0e2Kb7m3xQ==`;
}

/** A part and the tokens it counts for. */
interface GeminiPiece {
  part: Json;
  tokens: number;
  thought: boolean;
}

/**
 * The parts a candidate produces, in order: thought summaries, then answer
 * text (code execution among it, sometimes) and (when it stops normally)
 * whole function calls; signatures on the first answer part and the first
 * call, sometimes on any part or on a last empty text part.
 */
function geminiParts(random: Random, reason: string, expect: Expected): GeminiPiece[] {
  const pieces: GeminiPiece[] = [];
  const thinks = chance(random, 0.5);
  if (thinks) {
    const thought = `**${randomText(random, 3).trim() || "Thinking"}**\n\n${
      randomText(random, 15)
    }`;
    for (const text of split(random, thought, 5)) {
      pieces.push({
        part: { text, thought: true },
        tokens: randomInt(random, 1, 40),
        thought: true,
      });
    }
    expect.reasoning = thought;
  }
  const thinking = pieces.length;
  const answer = chance(random, 0.8) ? randomText(random, 20) : "";
  for (const text of split(random, answer, 8)) {
    pieces.push({ part: { text }, tokens: randomInt(random, 1, 20), thought: false });
  }
  expect.text = answer;
  if (chance(random, 0.12)) {
    // Code execution (a built-in tool): the code and its result among the text parts.
    const code = `print(${randomInt(random, 0, 99)} * 2)`;
    pieces.splice(
      randomInt(random, thinking, pieces.length),
      0,
      ...[
        { executableCode: { language: "PYTHON", code } },
        { codeExecutionResult: { outcome: "OUTCOME_OK", output: `${randomText(random, 2)}\n` } },
      ].map((part) => ({ part, tokens: randomInt(random, 5, 20), thought: false })),
    );
  }
  if (reason === "STOP" && chance(random, 0.4)) {
    for (let i = randomInt(random, 1, 3); i > 0; i--) {
      const name = pick(random, TOOLS);
      const args = randomObject(random);
      const id = chance(random, 0.3) ? `fc-${i}-${randomInt(random, 0, 999)}` : undefined;
      const call: Json = id === undefined ? { name, args } : { id, name, args };
      pieces.push({
        part: { functionCall: call },
        tokens: randomInt(random, 5, 30),
        thought: false,
      });
      expect.toolCalls.push({ id, name, arguments: args });
    }
  }
  if (thinks && chance(random, 0.2)) pick(random, pieces).part.thoughtSignature = signature(random);
  const first = pieces.find((piece) => !piece.thought);
  if (thinks && first && chance(random, 0.5)) first.part.thoughtSignature = signature(random);
  const call = pieces.find((piece) => piece.part.functionCall !== undefined);
  if (call && chance(random, 0.7)) call.part.thoughtSignature = signature(random);
  if (thinks && chance(random, 0.3)) {
    pieces.push({
      part: { text: "", thoughtSignature: signature(random) },
      tokens: 0,
      thought: false,
    });
  }
  return pieces;
}

/** Gemini's cumulative `usageMetadata` after the pieces so far (zero counts left out). */
function geminiUsage(prompt: number, answer: number, thoughts: number): Json {
  const usage: Json = { promptTokenCount: prompt };
  if (answer > 0) usage.candidatesTokenCount = answer;
  usage.totalTokenCount = prompt + answer + thoughts;
  usage.promptTokensDetails = [{ modality: "TEXT", tokenCount: prompt }];
  if (thoughts > 0) usage.thoughtsTokenCount = thoughts;
  return usage;
}

/** The fields of the candidate that finishes: the reason, ratings, sometimes a citation. */
function finishFields(random: Random, reason: string): Json {
  const fields: Json = { finishReason: reason };
  if (reason === "SAFETY" || chance(random, 0.2)) {
    fields.safetyRatings = [{
      category: "HARM_CATEGORY_DANGEROUS_CONTENT",
      probability: reason === "SAFETY" ? "HIGH" : "NEGLIGIBLE",
      ...(reason === "SAFETY" ? { blocked: true } : {}),
    }];
  }
  if (reason === "MALFORMED_FUNCTION_CALL") {
    fields.finishMessage = "Malformed function call: print(default_api.get_weather(city=))";
  }
  if (reason === "STOP" && chance(random, 0.2)) {
    fields.citationMetadata = {
      citationSources: [{ startIndex: 0, endIndex: 12, uri: "https://example.com/source" }],
    };
  }
  return fields;
}

/** A prompt Gemini blocked: one event with `promptFeedback.blockReason` and no candidates. */
function geminiBlocked(seed: number, random: Random): Case {
  const prompt = randomInt(random, 1, 4000);
  const blockReason = pick(random, ["SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "OTHER"]);
  const event = {
    promptFeedback: {
      blockReason,
      safetyRatings: [{ category: "HARM_CATEGORY_HARASSMENT", probability: "HIGH", blocked: true }],
    },
    usageMetadata: { promptTokenCount: prompt, totalTokenCount: prompt },
    modelVersion: "gemini-2.5-flash",
    responseId: `rsp-${seed}`,
  };
  return {
    api: "gemini",
    seed,
    body: sseBody([event]),
    expect: {
      text: "",
      reasoning: "",
      toolCalls: [],
      finishReason: "content-filter",
      usage: { inputTokens: prompt, outputTokens: undefined },
    },
  };
}

/**
 * A Gemini stream for `seed`: every event a whole `GenerateContentResponse`
 * with the candidate's next 1–3 parts, cumulative `usageMetadata` on some
 * events and always on the last, which carries the `finishReason` (with or
 * without parts of its own), `modelVersion` and `responseId` on each.
 */
export function geminiCase(seed: number): Case {
  const random = seededRandom(seed);
  if (chance(random, 0.05)) return geminiBlocked(seed, random);
  const reason = chance(random, 0.6) ? "STOP" : pick(random, Object.keys(GEMINI_FINISH));
  const expect: Expected = {
    text: "",
    reasoning: "",
    toolCalls: [],
    finishReason: GEMINI_FINISH[reason]!,
    usage: { inputTokens: undefined, outputTokens: undefined },
  };
  const pieces = geminiParts(random, reason, expect);
  if (reason === "STOP" && expect.toolCalls.length > 0) expect.finishReason = "tool-calls";
  const common = { modelVersion: "gemini-2.5-flash", responseId: `rsp-${seed}` };
  const prompt = randomInt(random, 1, 4000);
  let answer = 0;
  let thoughts = 0;
  const everyEvent = chance(random, 0.5);
  // Proto3 JSON leaves out a zero: Gemini may send candidate 0 without its index.
  const index = chance(random, 0.5) ? { index: 0 } : {};
  const events: Json[] = [];
  const bare = pieces.length === 0 || chance(random, 0.3);
  for (let at = 0; at < pieces.length;) {
    const next = pieces.slice(at, at += randomInt(random, 1, 3));
    for (const piece of next) {
      if (piece.thought) thoughts += piece.tokens;
      else answer += piece.tokens;
    }
    const candidate: Json = {
      content: { parts: next.map((piece) => piece.part), role: "model" },
      ...index,
    };
    const last = at >= pieces.length && !bare;
    if (last) Object.assign(candidate, finishFields(random, reason));
    const event: Json = { candidates: [candidate] };
    if (last || everyEvent || chance(random, 0.3)) {
      event.usageMetadata = geminiUsage(prompt, answer, thoughts);
    }
    events.push({ ...event, ...common });
  }
  if (bare) {
    // The finish in an event of its own, without content (a filter's ratings with it).
    const candidate: Json = { ...finishFields(random, reason), ...index };
    events.push({
      candidates: [candidate],
      usageMetadata: geminiUsage(prompt, answer, thoughts),
      ...common,
    });
  }
  expect.usage = {
    inputTokens: prompt,
    outputTokens: answer + thoughts > 0 ? answer + thoughts : undefined,
  };
  return { api: "gemini", seed, body: sseBody(events), expect };
}

// ---------------------------------------------------------------------------
// The checks

/** How many cuts of each case's body are read (half of them between two events). */
const CUTS = 6;

/** A fetch answering `bytes` as a stream of seeded random pieces (1 byte to a tenth of them). */
function chunkedFetch(bytes: Uint8Array, random: Random): typeof fetch {
  return () => {
    const max = Math.max(1, Math.ceil(bytes.length / 10));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length;) {
          const size = randomInt(random, 1, chance(random, 0.5) ? 8 : max);
          controller.enqueue(bytes.slice(at, at += size));
        }
        controller.close();
      },
    });
    return Promise.resolve(new Response(body));
  };
}

/** The provider client's stream of the case's API over `fetch`. */
function providerStream(api: GeneratedApi, fetch: typeof globalThis.fetch) {
  return api === "gemini"
    ? new Gemini({ fetch }).generateContent({
      model: "gemini-2.5-flash",
      contents: [{ role: "user", parts: [{ text: "x" }] }],
    })
    : new OpenAI({ fetch }).responses({ model: "m", input: "x" });
}

/** `streamText`'s result over `fetch`. */
function unifiedResult(api: GeneratedApi, fetch: typeof globalThis.fetch) {
  const model = api === "gemini"
    ? gemini("gemini-2.5-flash", { fetch })
    : openai("m", { fetch, api: "responses" });
  return streamText({ model, prompt: "x" }).result();
}

/** Tool calls as the oracle lists them: an id sluice made up (`call_…`) where none was sent. */
function callsOf(calls: readonly ToolCall[], expect: Expected): Expected["toolCalls"] {
  return calls.map((call, i) => ({
    id: expect.toolCalls[i]?.id === undefined && /^call_[0-9a-z]+$/.test(call.id)
      ? undefined
      : call.id,
    name: call.name,
    arguments: call.arguments,
  }));
}

/** Asserts that a result (a provider's, or `streamText`'s) is what the case expects. */
function assertExpected(result: StreamResult, expect: Expected, label: string): void {
  const actual = {
    text: result.text,
    reasoning: result.reasoning,
    toolCalls: callsOf(result.toolCalls, expect),
    finishReason: result.finishReason,
    usage: { inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens },
  };
  assert.deepEqual(actual, expect, label);
  assert.ok(result.toolCalls.every((call) => call.parseError === undefined), `${label}: parsed`);
}

/**
 * Asserts that `streamText`'s assistant message (the turn an app sends back)
 * holds the expected text, reasoning (the Responses API's parts apart by a
 * blank line, Gemini's pieces joined) and tool calls.
 */
function assertMessage(result: GenerateTextResult, testCase: Case, label: string): void {
  const message = result.response.messages[0];
  assert.ok(message?.role === "assistant", `${label}: an assistant message`);
  const parts = typeof message.content === "string"
    ? [{ type: "text" as const, text: message.content }]
    : message.content;
  const texts = (type: string) =>
    parts.flatMap((part) => part.type !== "tool-call" && part.type === type ? [part.text] : []);
  const { expect } = testCase;
  assert.deepEqual(
    {
      text: texts("text").join(""),
      reasoning: texts("reasoning").filter(Boolean).join(testCase.api === "gemini" ? "" : "\n\n"),
      toolCalls: callsOf(parts.filter((part) => part.type === "tool-call"), expect),
    },
    { text: expect.text, reasoning: expect.reasoning, toolCalls: expect.toolCalls },
    label,
  );
}

/** Where to cut a body: at a random byte, or (`between`) right after a random event but the last. */
function cutPoint(testCase: Case, bytes: Uint8Array, random: Random, between: boolean): number {
  if (!between) return randomInt(random, 0, bytes.length - 1);
  const blank = testCase.api === "gemini" ? "\r\n\r\n" : "\n\n";
  const ends: number[] = [];
  for (
    let at = testCase.body.indexOf(blank);
    at !== -1;
    at = testCase.body.indexOf(blank, at + 1)
  ) {
    ends.push(utf8(testCase.body.slice(0, at + blank.length)).length);
  }
  ends.pop();
  return ends.length === 0 ? 0 : pick(random, ends);
}

/**
 * The body cut at `at`: both readings agree (the same error, the same
 * partial), which is a prefix of the whole answer; a cut stream fails with
 * an `IncompleteStreamError`, unless all it lost is line ends after the last
 * event's data (a complete last event is taken without its blank line, as
 * some gateways send it).
 */
async function checkCut(testCase: Case, bytes: Uint8Array, at: number, label: string) {
  // A cut inside a character is inside an event's data line, which never dispatches.
  const cut = new TextDecoder().decode(bytes.subarray(0, at));
  label = `${label}, cut at byte ${at} of ${bytes.length}`;
  await assertAgree(testCase.api, cut, label);
  const stream = providerStream(testCase.api, () => Promise.resolve(new Response(cut)));
  try {
    assertExpected(await stream.result(), testCase.expect, `${label}: whole after all`);
    const lost = new TextDecoder().decode(bytes.subarray(at));
    assert.match(lost, /^[\r\n]+$/, `${label}: only the last line end lost`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    assert.ok(error instanceof IncompleteStreamError, `${label}: ${error}`);
    const partial = stream.partial as StreamResult;
    assert.ok(testCase.expect.text.startsWith(partial.text), `${label}: text a prefix`);
    assert.ok(
      testCase.expect.reasoning.startsWith(partial.reasoning),
      `${label}: reasoning a prefix`,
    );
  }
}

/** Every check of one generated case. */
async function check(testCase: Case): Promise<void> {
  const label = `${testCase.api} seed ${testCase.seed}`;
  const { api, body, expect } = testCase;
  await assertAgree(api, body, label);
  const whole = () => Promise.resolve(new Response(body));
  assertExpected(await providerStream(api, whole).result(), expect, `${label}: provider`);
  const random = seededRandom(testCase.seed ^ 0x5eed);
  const bytes = utf8(body);
  assertExpected(
    await providerStream(api, chunkedFetch(bytes, random)).result(),
    expect,
    `${label}: provider, random pieces`,
  );
  const unified = await unifiedResult(api, chunkedFetch(bytes, random));
  assertExpected(unified, expect, `${label}: streamText, random pieces`);
  assertMessage(unified, testCase, `${label}: streamText's message`);
  for (let i = 0; i < CUTS; i++) {
    await checkCut(testCase, bytes, cutPoint(testCase, bytes, random, i % 2 === 1), label);
  }
}

Deno.test(`generated Responses API streams (${SEEDS} seeds) read the same through the client and streamText`, async () => {
  for (let seed = 1; seed <= SEEDS; seed++) await check(responsesCase(seed));
});

Deno.test(`generated Gemini streams (${SEEDS} seeds) read the same through the client and streamText`, async () => {
  for (let seed = 1; seed <= SEEDS; seed++) await check(geminiCase(seed));
});
