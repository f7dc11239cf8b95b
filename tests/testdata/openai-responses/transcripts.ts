/**
 * Responses API streams written from OpenAI's API reference (the streaming
 * events of `POST /v1/responses`), each with what a client must make of it.
 * Web APIs only, so the runtime conformance suite reads them too.
 *
 * @module
 */

type Json = Record<string, unknown>;

/** One transcript and its expected reading. */
export interface ResponsesTranscript {
  /** What it shows. */
  name: string;
  /** The events, in order (sequence numbers are added by {@linkcode responsesBody}). */
  events: Json[];
  /** What the result (or the error's partial result) holds. */
  expect: {
    text: string;
    reasoning: string;
    toolCalls: { id: string; name: string; arguments: unknown }[];
    finishReason: string | undefined;
    rawFinishReason: string | undefined;
    usage: Json;
    /** The output items as the result lists them. */
    output: Json[];
    refusal?: string;
    id: string | undefined;
    done: boolean;
  };
  /** The error the stream rejects with, when it does. */
  error?: { name: string; message: RegExp; type?: string };
}

const BASE = {
  id: "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
  object: "response",
  created_at: 1741476542,
  model: "gpt-5-2025-08-07",
  output: [],
  usage: null,
  incomplete_details: null,
  error: null,
};

function response(status: string, extra: Json = {}): Json {
  return { ...BASE, status, ...extra };
}

const USAGE = {
  input_tokens: 36,
  input_tokens_details: { cached_tokens: 12 },
  output_tokens: 87,
  output_tokens_details: { reasoning_tokens: 64 },
  total_tokens: 123,
};

const SHARED_USAGE = {
  inputTokens: 36,
  outputTokens: 87,
  totalTokens: 123,
  cachedInputTokens: 12,
  reasoningTokens: 64,
};

/** The transcript's file under `tests/testdata/` (its events as {@linkcode responsesBody} writes them). */
export function responsesFile(transcript: ResponsesTranscript): string {
  return `openai-responses/${transcript.name.replace(/[^a-z0-9]+/gi, "-").replace(/-+$/, "").toLowerCase()}.sse`;
}

/** The SSE body of events: `event: <type>`, the data with a `sequence_number` from `start`. */
export function responsesBody(events: readonly Json[], start = 0): string {
  return events.map((event, i) =>
    `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: start + i })}\n\n`
  ).join("");
}

const created = [
  { type: "response.created", response: response("in_progress") },
  { type: "response.in_progress", response: response("in_progress") },
];

function message(id: string, status: string, content: Json[]): Json {
  return { id, type: "message", status, role: "assistant", content };
}

function textEvents(id: string, index: number, pieces: string[], annotations: Json[] = []): Json[] {
  const text = pieces.join("");
  const at = { item_id: id, output_index: index, content_index: 0 };
  return [
    {
      type: "response.output_item.added",
      output_index: index,
      item: message(id, "in_progress", []),
    },
    {
      type: "response.content_part.added",
      ...at,
      part: { type: "output_text", text: "", annotations: [] },
    },
    ...pieces.map((delta) => ({ type: "response.output_text.delta", ...at, delta, logprobs: [] })),
    ...annotations.map((annotation, i) => ({
      type: "response.output_text.annotation.added",
      ...at,
      annotation_index: i,
      annotation,
    })),
    { type: "response.output_text.done", ...at, text, logprobs: [] },
    {
      type: "response.content_part.done",
      ...at,
      part: { type: "output_text", text, annotations },
    },
    {
      type: "response.output_item.done",
      output_index: index,
      item: message(id, "completed", [{ type: "output_text", text, annotations }]),
    },
  ];
}

function textItem(id: string, text: string, annotations: Json[] = []): Json {
  return message(id, "completed", [{ type: "output_text", text, annotations }]);
}

const plainText = textEvents("msg_67ccd2bf17f0819081ff3bb2cf6508e6", 0, [
  "Under the soft glow",
  " of the moon, Luna the unicorn",
  " danced — café lights 🌙 below.",
]);
const plainItem = textItem(
  "msg_67ccd2bf17f0819081ff3bb2cf6508e6",
  "Under the soft glow of the moon, Luna the unicorn danced — café lights 🌙 below.",
);

const citation = {
  type: "url_citation",
  start_index: 24,
  end_index: 63,
  url: "https://example.com/positive-news?utm_source=openai",
  title: "Positive News",
};
const cited = textEvents("msg_cit", 1, [
  "On March 6, 2025, ",
  "a good thing happened ",
  "([example.com](https://example.com/positive-news?utm_source=openai)).",
], [citation]);
const webSearch = {
  type: "web_search_call",
  id: "ws_67c9fa0502748190b7dd390736892e100be649c1a5ff9609",
  status: "completed",
  action: { type: "search", query: "positive news today" },
};

const reasoningId = "rs_6876cf02e0bc8192b74af0fb64b715ff06fa2fcced15a5ac";
const reasoningEvents: Json[] = [
  {
    type: "response.output_item.added",
    output_index: 0,
    item: { id: reasoningId, type: "reasoning", summary: [] },
  },
  {
    type: "response.reasoning_summary_part.added",
    item_id: reasoningId,
    output_index: 0,
    summary_index: 0,
    part: { type: "summary_text", text: "" },
  },
  ...["**Answering", " a simple question**\n\nThe user asks", " for 2+2."].map((delta) => ({
    type: "response.reasoning_summary_text.delta",
    item_id: reasoningId,
    output_index: 0,
    summary_index: 0,
    delta,
  })),
  {
    type: "response.reasoning_summary_text.done",
    item_id: reasoningId,
    output_index: 0,
    summary_index: 0,
    text: "**Answering a simple question**\n\nThe user asks for 2+2.",
  },
  {
    type: "response.reasoning_summary_part.done",
    item_id: reasoningId,
    output_index: 0,
    summary_index: 0,
    part: { type: "summary_text", text: "**Answering a simple question**\n\nThe user asks for 2+2." },
  },
  {
    type: "response.reasoning_summary_part.added",
    item_id: reasoningId,
    output_index: 0,
    summary_index: 1,
    part: { type: "summary_text", text: "" },
  },
  {
    type: "response.reasoning_summary_text.delta",
    item_id: reasoningId,
    output_index: 0,
    summary_index: 1,
    delta: "It is 4.",
  },
  {
    type: "response.reasoning_summary_text.done",
    item_id: reasoningId,
    output_index: 0,
    summary_index: 1,
    text: "It is 4.",
  },
  {
    type: "response.output_item.done",
    output_index: 0,
    item: {
      id: reasoningId,
      type: "reasoning",
      summary: [
        { type: "summary_text", text: "**Answering a simple question**\n\nThe user asks for 2+2." },
        { type: "summary_text", text: "It is 4." },
      ],
      encrypted_content: "gAAAAABodtBrkT2v0Q==",
    },
  },
];
const reasoningItem = {
  id: reasoningId,
  type: "reasoning",
  summary: [
    { type: "summary_text", text: "**Answering a simple question**\n\nThe user asks for 2+2." },
    { type: "summary_text", text: "It is 4." },
  ],
  encrypted_content: "gAAAAABodtBrkT2v0Q==",
};

/** Arguments whose deltas split an escape (`\"`, `\\`, `\u00e9`) and a surrogate pair. */
const ARGS_A = ["{\"location\":\"Paris, \\", "\"Fr", "ance\\\" caf\\u00", "e9 \ud83c", "\udf08\"}"];
const ARGS_B = ['{"loc', 'ation":"Bogot', "á, Colombia", '"}'];

function callEvents(
  index: number,
  id: string,
  callId: string,
  name: string,
  pieces: string[],
): { added: Json; deltas: Json[]; done: Json[]; item: Json } {
  const args = pieces.join("");
  const item = { type: "function_call", id, call_id: callId, name, arguments: args, status: "completed" };
  return {
    added: {
      type: "response.output_item.added",
      output_index: index,
      item: { ...item, arguments: "", status: "in_progress" },
    },
    deltas: pieces.map((delta) => ({
      type: "response.function_call_arguments.delta",
      item_id: id,
      output_index: index,
      delta,
    })),
    done: [
      {
        type: "response.function_call_arguments.done",
        item_id: id,
        output_index: index,
        arguments: args,
      },
      { type: "response.output_item.done", output_index: index, item },
    ],
    item,
  };
}

const callA = callEvents(0, "fc_12345xyz", "call_12345xyz", "get_weather", ARGS_A);
const callB = callEvents(1, "fc_67890abc", "call_67890abc", "get_weather", ARGS_B);

const refusalId = "msg_refusal";
const refusalAt = { item_id: refusalId, output_index: 0, content_index: 0 };
const REFUSAL = "I'm sorry, but I can't help with that.";

const incompleteText = textEvents("msg_inc", 0, ["The first", " part of a long"]);
incompleteText[incompleteText.length - 1] = {
  type: "response.output_item.done",
  output_index: 0,
  item: message("msg_inc", "incomplete", [{
    type: "output_text",
    text: "The first part of a long",
    annotations: [],
  }]),
};

/** The transcripts. */
export const RESPONSES_TRANSCRIPTS: ResponsesTranscript[] = [
  {
    name: "plain text",
    events: [
      ...created,
      ...plainText,
      { type: "response.completed", response: response("completed", { output: [plainItem], usage: USAGE }) },
    ],
    expect: {
      text: "Under the soft glow of the moon, Luna the unicorn danced — café lights 🌙 below.",
      reasoning: "",
      toolCalls: [],
      finishReason: "stop",
      rawFinishReason: "completed",
      usage: SHARED_USAGE,
      output: [plainItem],
      id: BASE.id,
      done: true,
    },
  },
  {
    name: "a web search, then text with a citation",
    events: [
      ...created,
      {
        type: "response.output_item.added",
        output_index: 0,
        item: { ...webSearch, status: "in_progress", action: undefined },
      },
      { type: "response.web_search_call.in_progress", item_id: webSearch.id, output_index: 0 },
      { type: "response.web_search_call.searching", item_id: webSearch.id, output_index: 0 },
      { type: "response.web_search_call.completed", item_id: webSearch.id, output_index: 0 },
      { type: "response.output_item.done", output_index: 0, item: webSearch },
      ...cited,
      { type: "response.completed", response: response("completed", { usage: USAGE }) },
    ],
    expect: {
      text:
        "On March 6, 2025, a good thing happened ([example.com](https://example.com/positive-news?utm_source=openai)).",
      reasoning: "",
      toolCalls: [],
      finishReason: "stop",
      rawFinishReason: "completed",
      usage: SHARED_USAGE,
      output: [
        webSearch,
        textItem(
          "msg_cit",
          "On March 6, 2025, a good thing happened ([example.com](https://example.com/positive-news?utm_source=openai)).",
          [citation],
        ),
      ],
      id: BASE.id,
      done: true,
    },
  },
  {
    name: "a reasoning summary, then text",
    events: [
      ...created,
      ...reasoningEvents,
      ...textEvents("msg_2", 1, ["2 + 2", " = 4"]),
      { type: "response.completed", response: response("completed", { usage: USAGE }) },
    ],
    expect: {
      text: "2 + 2 = 4",
      reasoning: "**Answering a simple question**\n\nThe user asks for 2+2.\n\nIt is 4.",
      toolCalls: [],
      finishReason: "stop",
      rawFinishReason: "completed",
      usage: SHARED_USAGE,
      output: [reasoningItem, textItem("msg_2", "2 + 2 = 4")],
      id: BASE.id,
      done: true,
    },
  },
  {
    name: "parallel function calls with arguments split inside escapes and characters",
    events: [
      ...created,
      callA.added,
      callA.deltas[0]!,
      callB.added,
      callA.deltas[1]!,
      callB.deltas[0]!,
      ...callA.deltas.slice(2),
      ...callB.deltas.slice(1),
      ...callA.done,
      ...callB.done,
      { type: "response.completed", response: response("completed", { usage: USAGE }) },
    ],
    expect: {
      text: "",
      reasoning: "",
      toolCalls: [
        {
          id: "call_12345xyz",
          name: "get_weather",
          arguments: { location: 'Paris, "France" café 🌈' },
        },
        { id: "call_67890abc", name: "get_weather", arguments: { location: "Bogotá, Colombia" } },
      ],
      finishReason: "tool-calls",
      rawFinishReason: "completed",
      usage: SHARED_USAGE,
      output: [callA.item, callB.item],
      id: BASE.id,
      done: true,
    },
  },
  {
    name: "a refusal",
    events: [
      ...created,
      { type: "response.output_item.added", output_index: 0, item: message(refusalId, "in_progress", []) },
      { type: "response.content_part.added", ...refusalAt, part: { type: "refusal", refusal: "" } },
      { type: "response.refusal.delta", ...refusalAt, delta: "I'm sorry, but " },
      { type: "response.refusal.delta", ...refusalAt, delta: "I can't help with that." },
      { type: "response.refusal.done", ...refusalAt, refusal: REFUSAL },
      { type: "response.content_part.done", ...refusalAt, part: { type: "refusal", refusal: REFUSAL } },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: message(refusalId, "completed", [{ type: "refusal", refusal: REFUSAL }]),
      },
      { type: "response.completed", response: response("completed", { usage: USAGE }) },
    ],
    expect: {
      text: "",
      reasoning: "",
      toolCalls: [],
      finishReason: "stop",
      rawFinishReason: "completed",
      usage: SHARED_USAGE,
      output: [message(refusalId, "completed", [{ type: "refusal", refusal: REFUSAL }])],
      refusal: REFUSAL,
      id: BASE.id,
      done: true,
    },
  },
  {
    name: "response.incomplete at the token limit",
    events: [
      ...created,
      ...incompleteText,
      {
        type: "response.incomplete",
        response: response("incomplete", {
          incomplete_details: { reason: "max_output_tokens" },
          usage: USAGE,
        }),
      },
    ],
    expect: {
      text: "The first part of a long",
      reasoning: "",
      toolCalls: [],
      finishReason: "length",
      rawFinishReason: "max_output_tokens",
      usage: SHARED_USAGE,
      output: [
        message("msg_inc", "incomplete", [{
          type: "output_text",
          text: "The first part of a long",
          annotations: [],
        }]),
      ],
      id: BASE.id,
      done: true,
    },
  },
  {
    name: "response.failed",
    events: [
      ...created,
      ...plainText.slice(0, 3),
      {
        type: "response.failed",
        response: response("failed", {
          error: { code: "server_error", message: "The model failed to generate a response." },
        }),
      },
    ],
    expect: {
      text: "Under the soft glow",
      reasoning: "",
      toolCalls: [],
      finishReason: undefined,
      rawFinishReason: undefined,
      usage: {},
      output: [message("msg_67ccd2bf17f0819081ff3bb2cf6508e6", "in_progress", [{
        type: "output_text",
        text: "Under the soft glow",
        annotations: [],
      }])],
      id: BASE.id,
      done: false,
    },
    error: {
      name: "ProviderError",
      message: /^The response failed \(server_error\): The model failed to generate a response\.$/,
      type: "server_error",
    },
  },
  {
    name: "an error event",
    events: [
      ...created,
      ...plainText.slice(0, 3),
      {
        type: "error",
        code: "ERR_SOMETHING",
        message: "Something went wrong",
        param: null,
      },
    ],
    expect: {
      text: "Under the soft glow",
      reasoning: "",
      toolCalls: [],
      finishReason: undefined,
      rawFinishReason: undefined,
      usage: {},
      output: [message("msg_67ccd2bf17f0819081ff3bb2cf6508e6", "in_progress", [{
        type: "output_text",
        text: "Under the soft glow",
        annotations: [],
      }])],
      id: BASE.id,
      done: false,
    },
    error: {
      name: "ProviderError",
      message: /^The server reported ERR_SOMETHING mid-stream: Something went wrong$/,
      type: "ERR_SOMETHING",
    },
  },
  {
    name: "a body cut before the terminal event",
    events: [...created, callA.added, ...callA.deltas.slice(0, 2)],
    expect: {
      text: "",
      reasoning: "",
      toolCalls: [{
        id: "call_12345xyz",
        name: "get_weather",
        arguments: ARGS_A.slice(0, 2).join(""),
      }],
      finishReason: undefined,
      rawFinishReason: undefined,
      usage: {},
      output: [{ ...callA.item, arguments: ARGS_A.slice(0, 2).join(""), status: "in_progress" }],
      id: BASE.id,
      done: false,
    },
    error: {
      name: "IncompleteStreamError",
      message: /^The stream ended before its terminal event/,
    },
  },
  {
    name: "an unknown event type",
    events: [
      ...created,
      {
        type: "response.future_thing.updated",
        item_id: "x_1",
        output_index: 7,
        payload: { kind: "new" },
      },
      ...plainText,
      { type: "response.completed", response: response("completed", { usage: USAGE }) },
    ],
    expect: {
      text: "Under the soft glow of the moon, Luna the unicorn danced — café lights 🌙 below.",
      reasoning: "",
      toolCalls: [],
      finishReason: "stop",
      rawFinishReason: "completed",
      usage: SHARED_USAGE,
      output: [plainItem],
      id: BASE.id,
      done: true,
    },
  },
];
