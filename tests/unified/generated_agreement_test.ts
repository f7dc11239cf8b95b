/**
 * Generated streams of the Responses API (SSE events) and of Gemini
 * (`streamGenerateContent?alt=sse`), shaped only as the providers' API
 * references describe what their servers send, each with what it must read
 * as (the oracle: text, reasoning, tool calls, finish reason, token counts),
 * worked out from what was generated, not by the code under test. The checks
 * (both readings agree and give the oracle, whole, in random pieces and in
 * `streamText`'s message; cuts at random bytes and between events) are
 * _generated.ts's. Every label carries the seed:
 * `responsesStream(new Draw(seed))` and `geminiStream(new Draw(seed))`
 * rebuild that stream exactly.
 *
 * @module
 */
import type { FinishReason } from "../../src/shared/types.ts";
import { responsesBody } from "../testdata/openai-responses/transcripts.ts";
import { sseBody } from "../providers/gemini/_transcripts.ts";
import { checkGenerated, type Draw, type Expected, type Generated, SEEDS } from "./_generated.ts";

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------
// The Responses API

/** A generated Responses stream being written: its events, output items and oracle. */
interface ResponsesDraft {
  d: Draw;
  /**
   * An Open Responses server (LM Studio) rather than OpenAI: raw
   * `reasoning_text` parts, inline logprobs, no obfuscation, no built-in tools.
   */
  open: boolean;
  events: Json[];
  output: Json[];
  expected: Expected;
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

/**
 * `text` as delta events of `type` at `at`, some of them empty for the
 * message text (OpenAI pads them with `obfuscation`).
 */
function deltas(draft: ResponsesDraft, type: string, at: Json, text: string): Json[] {
  const { d } = draft;
  const message = type === "response.output_text.delta";
  const pieces = d.cut(text, d.pick([1, 4, 12, 60]))
    .flatMap((piece) => message && d.chance(0.15) ? [piece, ""] : [piece]);
  return pieces.map((delta) => {
    const event: Json = { type, ...at, delta };
    if (message) {
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
  const text = `**${draft.d.text(3).trim() || "Thinking"}**\n\n${draft.d.text(12)}`;
  draft.thoughts.push(text);
  if (!draft.open) {
    const where = { ...at, summary_index: index };
    const part = { type: "summary_text", text };
    return {
      part,
      events: [
        { type: "response.reasoning_summary_part.added", ...where, part: { ...part, text: "" } },
        ...deltas(draft, "response.reasoning_summary_text.delta", where, text),
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
      ...deltas(draft, "response.reasoning_text.delta", where, text),
      { type: "response.reasoning_text.done", ...where, text },
      { type: "response.content_part.done", ...where, part },
    ],
  };
}

/** A reasoning item of 0–3 parts; OpenAI's with `encrypted_content` sometimes. */
function responsesReasoning(draft: ResponsesDraft): void {
  const id = `rs_${draft.d.seed}_${draft.output.length}`;
  const at = { item_id: id, output_index: draft.output.length };
  const events: Json[] = [];
  const parts: Json[] = [];
  for (let i = 0, n = draft.d.int(0, 3); i < n; i++) {
    const made = reasoningPart(draft, at, i);
    events.push(...made.events);
    parts.push(made.part);
  }
  const done: Json = draft.open
    ? { id, type: "reasoning", summary: [], content: parts }
    : { id, type: "reasoning", summary: parts };
  if (!draft.open && draft.d.chance(0.5)) done.encrypted_content = `gAAAAAB${id}==`;
  pushItem(draft, { id, type: "reasoning", summary: [] }, events, done);
}

/** A web search (OpenAI's built-in tool): its progress events; the next message cites it. */
function responsesWebSearch(draft: ResponsesDraft): void {
  const id = `ws_${draft.d.seed}_${draft.output.length}`;
  const at = { item_id: id, output_index: draft.output.length };
  const progress = ["in_progress", "searching", "completed"]
    .map((step) => ({ type: `response.web_search_call.${step}`, ...at }));
  const action = { type: "search", query: draft.d.text(3) };
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
  const list = Array.from({ length: draft.d.int(1, 2) }, (_, i) => ({
    type: "url_citation",
    start_index: 0,
    end_index: text.length,
    url: `https://example.com/${draft.d.seed}/${i}?utm_source=openai`,
    title: draft.d.text(2),
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
  const { d } = draft;
  const id = `msg_${d.seed}_${draft.output.length}`;
  const at = { item_id: id, output_index: draft.output.length, content_index: 0 };
  const text = d.chance(0.05) ? "" : d.text(20);
  const message = (status: string, content: Json[]) => ({
    id,
    type: "message",
    status,
    content,
    role: "assistant",
  });
  let part: Json;
  let events: Json[];
  if (!draft.open && !incomplete && d.chance(0.08)) {
    const refusal = `I'm sorry,${d.text(6)}`;
    part = { type: "refusal", refusal };
    events = [
      { type: "response.content_part.added", ...at, part: { ...part, refusal: "" } },
      ...deltas(draft, "response.refusal.delta", at, refusal),
      { type: "response.refusal.done", ...at, refusal },
    ];
  } else {
    const cited = citations(draft, at, text);
    part = { type: "output_text", annotations: cited.list, logprobs: [], text };
    events = [
      { type: "response.content_part.added", ...at, part: { ...part, annotations: [], text: "" } },
      ...deltas(draft, "response.output_text.delta", at, text),
      ...cited.events,
      { type: "response.output_text.done", ...at, text, logprobs: [] },
    ];
    draft.expected.text += text;
  }
  events.push({ type: "response.content_part.done", ...at, part });
  const status = incomplete ? "incomplete" : "completed";
  pushItem(draft, message("in_progress", []), events, message(status, [part]));
}

/** A function call: arguments in deltas then `.done`, or (some servers) only in `.done`. */
function responsesCall(draft: ResponsesDraft): void {
  const { d } = draft;
  const id = `fc_${d.seed}_${draft.output.length}`;
  const { text, ...call } = d.call(`call_${d.seed}x${draft.output.length}`);
  const at = { item_id: id, output_index: draft.output.length };
  const { id: call_id, name } = call;
  const item = { id, type: "function_call", status: "completed", arguments: text, call_id, name };
  const streamed = d.chance(draft.open ? 0.5 : 0.85);
  pushItem(draft, { ...item, status: "in_progress", arguments: "" }, [
    ...(streamed ? deltas(draft, "response.function_call_arguments.delta", at, text) : []),
    { type: "response.function_call_arguments.done", ...at, arguments: text },
  ], item);
  draft.expected.toolCalls.push(call);
}

/** The Responses API's usage on the terminal event, and the counts it reads as. */
function responsesUsage(d: Draw): { usage: Json; input: number; output: number } {
  const input = d.int(1, 5000);
  const output = d.int(0, 3000);
  const usage = {
    input_tokens: input,
    input_tokens_details: { cached_tokens: d.int(0, input) },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: d.int(0, output) },
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
function responsesStream(d: Draw): Generated {
  const { seed } = d;
  const expected: Expected = {
    text: "",
    reasoning: "",
    toolCalls: [],
    finishReason: "stop",
    rawFinishReason: "completed",
    usage: { inputTokens: undefined, outputTokens: undefined },
  };
  const open = d.chance(0.25);
  const draft: ResponsesDraft = {
    d,
    open,
    events: [],
    output: [],
    expected,
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
  const incomplete = d.chance(0.2);
  if (!open && !incomplete && d.chance(0.2)) {
    // OpenAI's hosted search loop: reasoning and a search, once or twice.
    for (let i = d.int(1, 2); i > 0; i--) {
      if (d.chance(0.7)) responsesReasoning(draft);
      responsesWebSearch(draft);
    }
  }
  if (d.chance(0.6)) responsesReasoning(draft);
  if (d.chance(0.7)) responsesMessage(draft, incomplete);
  if (!incomplete && d.chance(0.5)) {
    for (let i = d.int(1, 3); i > 0; i--) responsesCall(draft);
  }
  const { usage, input, output } = responsesUsage(d);
  expected.usage = { inputTokens: input, outputTokens: output };
  expected.reasoning = draft.thoughts.join("\n\n");
  const end = { ...response, output: draft.output, usage };
  if (incomplete) {
    const filtered = d.chance(0.2);
    const reason = filtered ? "content_filter" : "max_output_tokens";
    expected.finishReason = filtered ? "content-filter" : "length";
    expected.rawFinishReason = reason;
    draft.events.push({
      type: "response.incomplete",
      response: { ...end, status: "incomplete", incomplete_details: { reason } },
    });
  } else {
    if (expected.toolCalls.length > 0) expected.finishReason = "tool-calls";
    draft.events.push({ type: "response.completed", response: { ...end, status: "completed" } });
  }
  return { body: responsesBody(draft.events), expected };
}

// ---------------------------------------------------------------------------
// Gemini

/** Gemini's finish reasons in the shared vocabulary (`STOP` after calls: `tool-calls`). */
const GEMINI_FINISH: Record<string, FinishReason> = {
  STOP: "stop",
  MAX_TOKENS: "length",
  SAFETY: "content-filter",
  RECITATION: "content-filter",
  MALFORMED_FUNCTION_CALL: "error",
  LANGUAGE: "other",
  OTHER: "other",
};

/** A thought signature (opaque base64 a turn must send back). */
function signature(d: Draw): string {
  return `CiQB${d.int(0, 1e9).toString(36)}0e2Kb7m3xQ==`;
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
function geminiParts(d: Draw, reason: string, expected: Expected): GeminiPiece[] {
  const pieces: GeminiPiece[] = [];
  const thinks = d.chance(0.5);
  if (thinks) {
    const thought = `**${d.text(3).trim() || "Thinking"}**\n\n${d.text(15)}`;
    for (const text of d.cut(thought, d.pick([1, 4, 12, 60]))) {
      pieces.push({
        part: { text, thought: true },
        tokens: d.int(1, 40),
        thought: true,
      });
    }
    expected.reasoning = thought;
  }
  const thinking = pieces.length;
  const answer = d.chance(0.8) ? d.text(20) : "";
  for (const text of d.cut(answer, d.pick([1, 4, 12, 60]))) {
    pieces.push({ part: { text }, tokens: d.int(1, 20), thought: false });
  }
  expected.text = answer;
  if (d.chance(0.12)) {
    // Code execution (a built-in tool): the code and its result among the text parts.
    const code = `print(${d.int(0, 99)} * 2)`;
    pieces.splice(
      d.int(thinking, pieces.length),
      0,
      ...[
        { executableCode: { language: "PYTHON", code } },
        { codeExecutionResult: { outcome: "OUTCOME_OK", output: `${d.text(2)}\n` } },
      ].map((part) => ({ part, tokens: d.int(5, 20), thought: false })),
    );
  }
  if (reason === "STOP" && d.chance(0.4)) {
    for (let i = d.int(1, 3); i > 0; i--) {
      const { text: _, ...call } = d.call(d.chance(0.3) ? `fc-${i}-${d.int(0, 999)}` : undefined);
      const { id, name, arguments: args } = call;
      const functionCall = id === undefined ? { name, args } : { id, name, args };
      pieces.push({ part: { functionCall }, tokens: d.int(5, 30), thought: false });
      expected.toolCalls.push(call);
    }
  }
  if (thinks && d.chance(0.2)) d.pick(pieces).part.thoughtSignature = signature(d);
  const first = pieces.find((piece) => !piece.thought);
  if (thinks && first && d.chance(0.5)) first.part.thoughtSignature = signature(d);
  const call = pieces.find((piece) => piece.part.functionCall !== undefined);
  if (call && d.chance(0.7)) call.part.thoughtSignature = signature(d);
  if (thinks && d.chance(0.3)) {
    pieces.push({
      part: { text: "", thoughtSignature: signature(d) },
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
function finishFields(d: Draw, reason: string): Json {
  const fields: Json = { finishReason: reason };
  if (reason === "SAFETY" || d.chance(0.2)) {
    fields.safetyRatings = [{
      category: "HARM_CATEGORY_DANGEROUS_CONTENT",
      probability: reason === "SAFETY" ? "HIGH" : "NEGLIGIBLE",
      ...(reason === "SAFETY" ? { blocked: true } : {}),
    }];
  }
  if (reason === "MALFORMED_FUNCTION_CALL") {
    fields.finishMessage = "Malformed function call: print(default_api.get_weather(city=))";
  }
  if (reason === "STOP" && d.chance(0.2)) {
    fields.citationMetadata = {
      citationSources: [{ startIndex: 0, endIndex: 12, uri: "https://example.com/source" }],
    };
  }
  return fields;
}

/** A prompt Gemini blocked: one event with `promptFeedback.blockReason` and no candidates. */
function geminiBlocked(d: Draw): Generated {
  const prompt = d.int(1, 4000);
  const blockReason = d.pick(["SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "OTHER"]);
  const event = {
    promptFeedback: {
      blockReason,
      safetyRatings: [{ category: "HARM_CATEGORY_HARASSMENT", probability: "HIGH", blocked: true }],
    },
    usageMetadata: { promptTokenCount: prompt, totalTokenCount: prompt },
    modelVersion: "gemini-2.5-flash",
    responseId: `rsp-${d.seed}`,
  };
  return {
    body: sseBody([event]),
    expected: {
      text: "",
      reasoning: "",
      toolCalls: [],
      finishReason: "content-filter",
      rawFinishReason: blockReason,
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
function geminiStream(d: Draw): Generated {
  if (d.chance(0.05)) return geminiBlocked(d);
  const reason = d.chance(0.6) ? "STOP" : d.pick(Object.keys(GEMINI_FINISH));
  const expected: Expected = {
    text: "",
    reasoning: "",
    toolCalls: [],
    finishReason: GEMINI_FINISH[reason]!,
    rawFinishReason: reason,
    usage: { inputTokens: undefined, outputTokens: undefined },
  };
  const pieces = geminiParts(d, reason, expected);
  if (reason === "STOP" && expected.toolCalls.length > 0) expected.finishReason = "tool-calls";
  const common = { modelVersion: "gemini-2.5-flash", responseId: `rsp-${d.seed}` };
  const prompt = d.int(1, 4000);
  let answer = 0;
  let thoughts = 0;
  const everyEvent = d.chance(0.5);
  // Proto3 JSON leaves out a zero: Gemini may send candidate 0 without its index.
  const index = d.chance(0.5) ? { index: 0 } : {};
  const events: Json[] = [];
  const bare = pieces.length === 0 || d.chance(0.3);
  for (let at = 0; at < pieces.length;) {
    const next = pieces.slice(at, at += d.int(1, 3));
    for (const piece of next) {
      if (piece.thought) thoughts += piece.tokens;
      else answer += piece.tokens;
    }
    const candidate: Json = {
      content: { parts: next.map((piece) => piece.part), role: "model" },
      ...index,
    };
    const last = at >= pieces.length && !bare;
    if (last) Object.assign(candidate, finishFields(d, reason));
    const event: Json = { candidates: [candidate] };
    if (last || everyEvent || d.chance(0.3)) {
      event.usageMetadata = geminiUsage(prompt, answer, thoughts);
    }
    events.push({ ...event, ...common });
  }
  if (bare) {
    // The finish in an event of its own, without content (a filter's ratings with it).
    const candidate: Json = { ...finishFields(d, reason), ...index };
    events.push({
      candidates: [candidate],
      usageMetadata: geminiUsage(prompt, answer, thoughts),
      ...common,
    });
  }
  expected.usage = {
    inputTokens: prompt,
    outputTokens: answer + thoughts > 0 ? answer + thoughts : undefined,
  };
  return { body: sseBody(events), expected };
}

/** How many cuts of each body are read (half of them between two events). */
const CUTS = 6;

Deno.test(`generated Responses API streams (${SEEDS} seeds) read the same through the client and streamText`, () =>
  checkGenerated("openai-responses", responsesStream, CUTS));

Deno.test(`generated Gemini streams (${SEEDS} seeds) read the same through the client and streamText`, () =>
  checkGenerated("gemini", geminiStream, CUTS));
