/** Canned wire transcripts of equivalent answers, one builder per provider. */

export type Provider = "ollama" | "openai" | "anthropic";

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

export const BODIES: Record<Provider, (answer: Answer) => string> = {
  ollama: ollamaBody,
  openai: openaiBody,
  anthropic: anthropicBody,
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
