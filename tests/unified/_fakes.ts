/** Canned wire transcripts of equivalent answers, one builder per provider. */

/**
 * The first three model kinds: Ollama, OpenAI Chat Completions, Anthropic
 * (stream_text_test.ts keys records by them).
 */
export type Provider = "ollama" | "openai" | "anthropic";

/**
 * Every model kind with canned bodies: also `"gemini"`
 * (`streamGenerateContent?alt=sse`) and `"openai-responses"`
 * (`openai(…, { api: "responses" })`).
 */
export type AnyProvider = Provider | "gemini" | "openai-responses";

export interface Answer {
  reasoning?: string;
  text?: string[];
  toolCalls?: { id: string; name: string; args: Record<string, unknown> }[];
  finish: "stop" | "tool" | "length";
  input?: number;
  output?: number;
}

function ndjson(lines: object[]): string {
  return lines.map((line) => JSON.stringify(line) + "\n").join("");
}

function sse(events: { type: string }[]): string {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

export function ollamaBody(answer: Answer): string {
  const base = { model: "llama3.2", created_at: "2025-01-01T00:00:00Z", done: false };
  const lines: object[] = [];
  if (answer.reasoning) {
    lines.push({
      ...base,
      message: { role: "assistant", content: "", thinking: answer.reasoning },
    });
  }
  for (const text of answer.text ?? []) {
    lines.push({ ...base, message: { role: "assistant", content: text } });
  }
  if (answer.toolCalls) {
    lines.push({
      ...base,
      message: {
        role: "assistant",
        content: "",
        tool_calls: answer.toolCalls.map((call) => ({
          id: call.id,
          function: { name: call.name, arguments: call.args },
        })),
      },
    });
  }
  lines.push({
    ...base,
    message: { role: "assistant", content: "" },
    done: true,
    done_reason: answer.finish === "length" ? "length" : "stop",
    prompt_eval_count: answer.input ?? 10,
    eval_count: answer.output ?? 5,
  });
  return ndjson(lines);
}

export function openaiBody(answer: Answer): string {
  const chunk = (delta: object, finish: string | null = null, usage?: object) =>
    `data: ${
      JSON.stringify({
        id: "chatcmpl-1",
        object: "chat.completion.chunk",
        created: 1,
        model: "gpt-4o-mini",
        choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }],
        ...(usage ? { usage } : {}),
      })
    }\n\n`;
  let body = chunk({ role: "assistant", content: "" });
  if (answer.reasoning) body += chunk({ reasoning_content: answer.reasoning });
  for (const text of answer.text ?? []) body += chunk({ content: text });
  (answer.toolCalls ?? []).forEach((call, index) => {
    body += chunk({
      tool_calls: [{
        index,
        id: call.id,
        type: "function",
        function: { name: call.name, arguments: "" },
      }],
    });
    body += chunk({ tool_calls: [{ index, function: { arguments: JSON.stringify(call.args) } }] });
  });
  body += chunk(
    {},
    answer.finish === "tool" ? "tool_calls" : answer.finish === "length" ? "length" : "stop",
  );
  const input = answer.input ?? 10;
  const output = answer.output ?? 5;
  body += chunk({}, null, {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
  });
  return body + "data: [DONE]\n\n";
}

export function anthropicBody(answer: Answer): string {
  const events: { type: string; [key: string]: unknown }[] = [{
    type: "message_start",
    message: {
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-6",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: answer.input ?? 10, output_tokens: 1 },
    },
  }];
  let index = 0;
  if (answer.reasoning) {
    events.push(
      { type: "content_block_start", index, content_block: { type: "thinking", thinking: "" } },
      {
        type: "content_block_delta",
        index,
        delta: { type: "thinking_delta", thinking: answer.reasoning },
      },
      { type: "content_block_delta", index, delta: { type: "signature_delta", signature: "sig" } },
      { type: "content_block_stop", index },
    );
    index++;
  }
  if (answer.text) {
    events.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
    for (const text of answer.text) {
      events.push({ type: "content_block_delta", index, delta: { type: "text_delta", text } });
    }
    events.push({ type: "content_block_stop", index });
    index++;
  }
  for (const call of answer.toolCalls ?? []) {
    events.push(
      {
        type: "content_block_start",
        index,
        content_block: { type: "tool_use", id: call.id, name: call.name, input: {} },
      },
      {
        type: "content_block_delta",
        index,
        delta: { type: "input_json_delta", partial_json: JSON.stringify(call.args) },
      },
      { type: "content_block_stop", index },
    );
    index++;
  }
  events.push(
    {
      type: "message_delta",
      delta: {
        stop_reason: answer.finish === "tool"
          ? "tool_use"
          : answer.finish === "length"
          ? "max_tokens"
          : "end_turn",
        stop_sequence: null,
      },
      usage: { output_tokens: answer.output ?? 5 },
    },
    { type: "message_stop" },
  );
  return sse(events);
}

/**
 * Gemini's `streamGenerateContent?alt=sse`: `data:` lines only, each a whole
 * `GenerateContentResponse` with the parts since the last one; no end marker.
 * The thought summary comes as a `thought: true` part, the first answer part
 * after thinking carries the `thoughtSignature`, the calls come whole (with
 * ids) in one chunk. `usageMetadata` is cumulative on every chunk: until the
 * last one it has no `candidatesTokenCount`; `thoughtsTokenCount` counts
 * apart from it (sluice's output is their sum). Gemini has no finish reason
 * for tool calls: a turn with calls ends `STOP`.
 */
export function geminiBody(answer: Answer): string {
  const input = answer.input ?? 10;
  const output = answer.output ?? 5;
  // The thinking's share of the output tokens (at least one answer token stays).
  const thoughts = answer.reasoning ? Math.max(0, Math.min(output - 1, Math.ceil(output / 2))) : 0;
  const signature = "CiQB0e2Kb7m3xQ4v1l2yH8ZpS0aJ9dE5fW6gT3uR1cV2bN4kYhEK";
  const chunks: object[][] = [];
  if (answer.reasoning) chunks.push([{ text: answer.reasoning, thought: true }]);
  for (const text of answer.text ?? []) chunks.push([{ text }]);
  if (answer.toolCalls) {
    chunks.push(answer.toolCalls.map((call) => ({
      functionCall: { id: call.id, name: call.name, args: call.args },
    })));
  }
  // An answer with nothing in it still ends with a chunk: an empty text part.
  if (chunks.length === (answer.reasoning ? 1 : 0)) chunks.push([{ text: "" }]);
  if (answer.reasoning) {
    const first = chunks[1]![0] as Record<string, unknown>;
    chunks[1]![0] = { ...first, thoughtSignature: signature };
  }
  const finishReason = answer.finish === "length" ? "MAX_TOKENS" : "STOP";
  return chunks.map((parts, i) => {
    const last = i === chunks.length - 1;
    const usageMetadata: Record<string, number> = { promptTokenCount: input };
    if (last) usageMetadata.candidatesTokenCount = output - thoughts;
    if (thoughts > 0) usageMetadata.thoughtsTokenCount = thoughts;
    usageMetadata.totalTokenCount = input + thoughts + (last ? output - thoughts : 0);
    return `data: ${
      JSON.stringify({
        candidates: [{
          content: { parts, role: "model" },
          ...(last ? { finishReason } : {}),
          index: 0,
        }],
        usageMetadata,
        modelVersion: "gemini-2.5-flash",
        responseId: "rsp-1",
      })
    }\n\n`;
  }).join("");
}

/**
 * The OpenAI Responses API's typed events (`event:` named as the `type`,
 * increasing `sequence_number`, no `[DONE]`): `response.created` and
 * `.in_progress`; a reasoning item whose summary streams; a message item
 * whose text streams as `output_text.delta`; one `function_call` item per
 * call (`id` fc_…, `call_id` the call's id) whose arguments stream as
 * `function_call_arguments.delta` then `.done`; each item closed by
 * `output_item.done`; then `response.completed` (a turn with calls is
 * completed too) or `response.incomplete` with `max_output_tokens`, the usage
 * and the whole output on the terminal event only.
 */
export function openaiResponsesBody(answer: Answer): string {
  const events: { type: string; [key: string]: unknown }[] = [];
  const response = (status: string, extra: object = {}) => ({
    id: "resp_1",
    object: "response",
    created_at: 1741476542,
    status,
    model: "gpt-4.1-mini-2025-04-14",
    output: [],
    usage: null,
    incomplete_details: null,
    error: null,
    ...extra,
  });
  events.push(
    { type: "response.created", response: response("in_progress") },
    { type: "response.in_progress", response: response("in_progress") },
  );
  const output: object[] = [];
  const incomplete = answer.finish === "length";
  if (answer.reasoning) {
    const output_index = output.length;
    const item_id = "rs_1";
    const text = answer.reasoning;
    const done = { id: item_id, type: "reasoning", summary: [{ type: "summary_text", text }] };
    events.push(
      {
        type: "response.output_item.added",
        output_index,
        item: { id: item_id, type: "reasoning", summary: [] },
      },
      {
        type: "response.reasoning_summary_part.added",
        item_id,
        output_index,
        summary_index: 0,
        part: { type: "summary_text", text: "" },
      },
      {
        type: "response.reasoning_summary_text.delta",
        item_id,
        output_index,
        summary_index: 0,
        delta: text,
      },
      {
        type: "response.reasoning_summary_text.done",
        item_id,
        output_index,
        summary_index: 0,
        text,
      },
      {
        type: "response.reasoning_summary_part.done",
        item_id,
        output_index,
        summary_index: 0,
        part: { type: "summary_text", text },
      },
      { type: "response.output_item.done", output_index, item: done },
    );
    output.push(done);
  }
  if (answer.text) {
    const output_index = output.length;
    const item_id = "msg_1";
    const text = answer.text.join("");
    const common = { item_id, output_index, content_index: 0 };
    const done = {
      id: item_id,
      type: "message",
      status: incomplete ? "incomplete" : "completed",
      role: "assistant",
      content: [{ type: "output_text", text, annotations: [] }],
    };
    events.push(
      {
        type: "response.output_item.added",
        output_index,
        item: {
          id: item_id,
          type: "message",
          status: "in_progress",
          role: "assistant",
          content: [],
        },
      },
      {
        type: "response.content_part.added",
        ...common,
        part: { type: "output_text", text: "", annotations: [] },
      },
      ...answer.text.map((delta) => ({
        type: "response.output_text.delta",
        ...common,
        delta,
        logprobs: [],
      })),
      { type: "response.output_text.done", ...common, text, logprobs: [] },
      {
        type: "response.content_part.done",
        ...common,
        part: { type: "output_text", text, annotations: [] },
      },
      { type: "response.output_item.done", output_index, item: done },
    );
    output.push(done);
  }
  (answer.toolCalls ?? []).forEach((call, n) => {
    const output_index = output.length;
    const item_id = `fc_${n + 1}`;
    const args = JSON.stringify(call.args);
    const item = { id: item_id, type: "function_call", call_id: call.id, name: call.name };
    const done = { ...item, arguments: args, status: "completed" };
    events.push(
      {
        type: "response.output_item.added",
        output_index,
        item: { ...item, arguments: "", status: "in_progress" },
      },
      { type: "response.function_call_arguments.delta", item_id, output_index, delta: args },
      { type: "response.function_call_arguments.done", item_id, output_index, arguments: args },
      { type: "response.output_item.done", output_index, item: done },
    );
    output.push(done);
  });
  const input = answer.input ?? 10;
  const outputTokens = answer.output ?? 5;
  const usage = {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: answer.reasoning ? Math.ceil(outputTokens / 2) : 0 },
    total_tokens: input + outputTokens,
  };
  events.push(
    incomplete
      ? {
        type: "response.incomplete",
        response: response("incomplete", {
          output,
          usage,
          incomplete_details: { reason: "max_output_tokens" },
        }),
      }
      : { type: "response.completed", response: response("completed", { output, usage }) },
  );
  return sse(events.map((event, sequence_number) => ({ ...event, sequence_number })));
}

export const BODIES: Record<AnyProvider, (answer: Answer) => string> = {
  ollama: ollamaBody,
  openai: openaiBody,
  anthropic: anthropicBody,
  gemini: geminiBody,
  "openai-responses": openaiResponsesBody,
};

export interface Recorded {
  url: string;
  body: Record<string, unknown>;
  headers: Headers;
  signal: AbortSignal | undefined;
}

/** A `fetch` that answers each request with the next canned body, recording the requests. */
export function fakeFetch(
  bodies: (string | Response | (() => Response))[],
): { fetch: typeof fetch; requests: Recorded[] } {
  const requests: Recorded[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push({
      url: String(input),
      body: JSON.parse(String(init?.body ?? "null")),
      headers: new Headers(init?.headers),
      signal: init?.signal ?? undefined,
    });
    const next = bodies.shift();
    if (next === undefined) return Promise.reject(new Error("No more canned answers"));
    if (typeof next === "string") return Promise.resolve(new Response(next));
    return Promise.resolve(typeof next === "function" ? next() : next);
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}
