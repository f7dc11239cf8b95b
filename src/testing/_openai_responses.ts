import { type Call, field, replyComplete, replyStream } from "./_call.ts";
import type { Frame, Transcript } from "./_emit.ts";
import { badRequest, headers, statusError } from "./_openai.ts";
import { type Conversation, lastPrompt, type Plan, planReply, textOf, type Turn } from "./_plan.ts";
import { hash32, Random } from "./_random.ts";
import type { JsonSchema } from "./_schema_value.ts";
import { formatServerSentEvent } from "../streams/format_server_sent_event.ts";

type Json = Record<string, unknown>;

const JSON_TYPE = "application/json";
const SSE_TYPE = "text/event-stream; charset=utf-8";

/** A prompt that contains this gets a refusal instead of an answer. */
export const REFUSE_MARKER = "[refuse]";

const REFUSAL = "I'm sorry, but I can't help with that.";

/** The conversation of a Responses request: `instructions`, then the `input` items as turns. */
function conversation(call: Call): { c: Conversation; turns: Turn[] } {
  const { body } = call;
  const turns: Turn[] = [];
  if (typeof body.instructions === "string") {
    turns.push({ role: "system", text: body.instructions });
  }
  let toolResult: string | undefined;
  const input = body.input;
  if (typeof input === "string") turns.push({ role: "user", text: input });
  else if (Array.isArray(input)) {
    for (const item of input) {
      const type = field(item, "type") ?? "message";
      toolResult = undefined;
      if (type === "message") {
        turns.push({
          role: String(field(item, "role") ?? "user"),
          text: textOf(field(item, "content")),
        });
      } else if (type === "function_call") {
        turns.push({
          role: "assistant",
          text: `${String(field(item, "name"))}(${String(field(item, "arguments"))})`,
        });
      } else if (type === "function_call_output") {
        const output = field(item, "output");
        toolResult = typeof output === "string" ? output : JSON.stringify(output);
        turns.push({ role: "tool", text: toolResult });
      }
      // Reasoning items (and others) carry nothing the reply depends on.
    }
  }
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const format = field(body.text, "format");
  const reasoning = body.reasoning;
  const effort = field(reasoning, "effort");
  const max = body.max_output_tokens;
  const choice = body.tool_choice;
  const name = field(choice, "name");
  return {
    turns,
    c: {
      model: call.model,
      turns,
      toolResult,
      tools: tools.filter((t) => field(t, "type") === "function").map((t) => ({
        name: String(field(t, "name") ?? ""),
        parameters: (field(t, "parameters") ?? {}) as JsonSchema,
      })),
      toolChoice: choice === "none" || choice === "required"
        ? choice
        : typeof name === "string"
        ? { name }
        : "auto",
      thinking: (typeof effort === "string" && effort !== "none") ||
        typeof field(reasoning, "summary") === "string",
      json: field(format, "type") === "json_schema"
        ? { schema: field(format, "schema") as JsonSchema | undefined }
        : field(format, "type") === "json_object"
        ? { schema: undefined }
        : undefined,
      maxTokens: typeof max === "number" && max > 0 ? max : undefined,
      variant: 0,
    },
  };
}

function usage(plan: Plan): Json {
  return {
    input_tokens: plan.inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: plan.outputTokens,
    output_tokens_details: { reasoning_tokens: plan.thinking.length },
    total_tokens: plan.inputTokens + plan.outputTokens,
  };
}

/** The output items of a plan, as `response.output` lists them. */
interface Output {
  reasoning: Json | undefined;
  message: Json | undefined;
  call: Json | undefined;
}

function outputOf(call: Call, plan: Plan, ids: Random, refuse: boolean): Output {
  const status = plan.truncated ? "incomplete" : "completed";
  const includes = Array.isArray(call.body.include) ? call.body.include : [];
  const summary = typeof field(call.body.reasoning, "summary") === "string";
  let reasoning: Json | undefined;
  if (plan.thinking.length > 0) {
    reasoning = {
      id: `rs_${ids.hex(48)}`,
      type: "reasoning",
      summary: summary ? [{ type: "summary_text", text: plan.thinking.join("") }] : [],
    };
    if (includes.includes("reasoning.encrypted_content")) {
      reasoning.encrypted_content = `gAAAAAB${ids.base62(64)}`;
    }
  }
  let message: Json | undefined;
  if (refuse) {
    message = {
      id: `msg_${ids.hex(48)}`,
      type: "message",
      status,
      role: "assistant",
      content: [{ type: "refusal", refusal: REFUSAL }],
    };
  } else if (plan.text.length > 0 || plan.toolCall === undefined) {
    message = {
      id: `msg_${ids.hex(48)}`,
      type: "message",
      status,
      role: "assistant",
      content: [{ type: "output_text", text: plan.text.join(""), annotations: [], logprobs: [] }],
    };
  }
  let fn: Json | undefined;
  if (plan.toolCall !== undefined && !refuse) {
    fn = {
      id: `fc_${ids.hex(48)}`,
      type: "function_call",
      status,
      arguments: plan.toolCall.json,
      call_id: `call_${new Random(hash32("tool", plan.seed)).base62(24)}`,
      name: plan.toolCall.name,
    };
  }
  return { reasoning, message, call: fn };
}

function responseObject(
  call: Call,
  id: string,
  created: number,
  status: string,
  output: Json[],
  plan: Plan | undefined,
): Json {
  const { body } = call;
  return {
    id,
    object: "response",
    created_at: created,
    status,
    background: false,
    error: null,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: call.record.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: field(body.reasoning, "effort") ?? null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: field(body.text, "format") ?? { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: "disabled",
    usage: plan === undefined ? null : usage(plan),
    user: null,
    metadata: body.metadata ?? {},
  };
}

function event(
  type: string,
  fields: Json,
  token = false,
): { type: string; fields: Json; token: boolean } {
  return { type, fields, token };
}

/** The events of a streamed answer, in order, without sequence numbers. */
function events(
  call: Call,
  plan: Plan,
  id: string,
  created: number,
  output: Output,
): { type: string; fields: Json; token: boolean }[] {
  const list: { type: string; fields: Json; token: boolean }[] = [];
  const inProgress = responseObject(call, id, created, "in_progress", [], undefined);
  list.push(event("response.created", { response: inProgress }));
  list.push(event("response.in_progress", { response: inProgress }));
  const items: Json[] = [];
  let index = 0;
  const { reasoning, message, call: fn } = output;
  if (reasoning !== undefined) {
    const at = { item_id: reasoning.id, output_index: index };
    list.push(event("response.output_item.added", {
      output_index: index,
      item: { id: reasoning.id, type: "reasoning", summary: [] },
    }));
    const summary = reasoning.summary as Json[];
    if (summary.length > 0) {
      const part = { type: "summary_text", text: "" };
      list.push(event("response.reasoning_summary_part.added", { ...at, summary_index: 0, part }));
      for (const delta of plan.thinking) {
        list.push(
          event("response.reasoning_summary_text.delta", { ...at, summary_index: 0, delta }, true),
        );
      }
      const text = plan.thinking.join("");
      list.push(event("response.reasoning_summary_text.done", { ...at, summary_index: 0, text }));
      list.push(event("response.reasoning_summary_part.done", {
        ...at,
        summary_index: 0,
        part: { type: "summary_text", text },
      }));
    }
    list.push(event("response.output_item.done", { output_index: index, item: reasoning }));
    items.push(reasoning);
    index++;
  }
  if (message !== undefined) {
    const at = { item_id: message.id, output_index: index, content_index: 0 };
    list.push(event("response.output_item.added", {
      output_index: index,
      item: { ...message, status: "in_progress", content: [] },
    }));
    const part = (message.content as Json[])[0] as Json;
    if (part.type === "refusal") {
      list.push(event("response.content_part.added", {
        ...at,
        part: { type: "refusal", refusal: "" },
      }));
      for (const delta of REFUSAL.split(/(?<= )/)) {
        list.push(event("response.refusal.delta", { ...at, delta }, true));
      }
      list.push(event("response.refusal.done", { ...at, refusal: REFUSAL }));
    } else {
      list.push(event("response.content_part.added", {
        ...at,
        part: { type: "output_text", annotations: [], logprobs: [], text: "" },
      }));
      const padding = new Random(hash32("obfuscation", plan.seed));
      for (const delta of plan.text) {
        list.push(event("response.output_text.delta", {
          ...at,
          delta,
          logprobs: [],
          obfuscation: padding.base62(padding.int(1, 15)),
        }, true));
      }
      list.push(event("response.output_text.done", { ...at, text: part.text, logprobs: [] }));
    }
    list.push(event("response.content_part.done", { ...at, part }));
    list.push(event("response.output_item.done", { output_index: index, item: message }));
    items.push(message);
    index++;
  }
  if (fn !== undefined && plan.toolCall !== undefined) {
    const at = { item_id: fn.id, output_index: index };
    list.push(event("response.output_item.added", {
      output_index: index,
      item: { ...fn, status: "in_progress", arguments: "" },
    }));
    for (const delta of plan.toolCall.pieces) {
      list.push(event("response.function_call_arguments.delta", { ...at, delta }, true));
    }
    list.push(event("response.function_call_arguments.done", { ...at, arguments: fn.arguments }));
    list.push(event("response.output_item.done", { output_index: index, item: fn }));
    items.push(fn);
  }
  const status = plan.truncated ? "incomplete" : "completed";
  list.push(event(`response.${status}`, {
    response: responseObject(call, id, created, status, items, plan),
  }));
  return list;
}

function frame(type: string, fields: Json, sequence: number, token: boolean): Frame {
  return {
    text: formatServerSentEvent({
      event: type,
      data: JSON.stringify({ type, ...fields, sequence_number: sequence }),
    }),
    token,
  };
}

/**
 * OpenAI's Responses API (`POST /v1/responses`): streamed typed events with a
 * `sequence_number`, or the response object; reasoning summaries (with
 * `reasoning.summary`), function calls, a refusal for a prompt containing
 * {@linkcode REFUSE_MARKER}, `response.incomplete` at `max_output_tokens`,
 * and `response.failed` for the `error-after` fault.
 */
export function responses(call: Call): Promise<Response> | Response {
  const { body } = call;
  const input = body.input;
  if (typeof input !== "string" && !Array.isArray(input)) {
    return badRequest(call, "Missing required parameter: 'input'.");
  }
  const { c, turns } = conversation(call);
  const prompt = lastPrompt(turns);
  const plan = planReply(
    c,
    call.settings.reply,
    { path: call.url.pathname, model: call.model, body, prompt },
    call.faults.longLine,
  );
  const refuse = prompt.includes(REFUSE_MARKER);
  const ids = new Random(hash32(`ids ${call.record.id}`, plan.seed));
  const id = `resp_${ids.hex(48)}`;
  const created = Math.floor(call.settings.now() / 1000);
  const output = outputOf(call, plan, ids, refuse);
  const items = [output.reasoning, output.message, output.call].filter((item) =>
    item !== undefined
  ) as Json[];
  const status = plan.truncated ? "incomplete" : "completed";
  if (body.stream !== true) {
    const text = JSON.stringify(responseObject(call, id, created, status, items, plan));
    return replyComplete(
      call,
      text,
      plan.outputTokens,
      headers(call, JSON_TYPE),
      () => statusError(call, 500),
    );
  }
  const list = events(call, plan, id, created, output);
  const frames = list.map((e, i) => frame(e.type, e.fields, i, e.token));
  // `error-after:N` ends the stream with `response.failed` in the place of frame N.
  const cut = call.faults.cut;
  const at = cut === undefined ? 0 : Math.min(cut.after, Math.max(0, frames.length - 1));
  const failed = responseObject(call, id, created, "failed", [], undefined);
  failed.error = {
    code: "server_error",
    message: "The server had an error while processing your request. Sorry about that!",
  };
  const transcript: Transcript = {
    frames,
    errorFrames: [frame("response.failed", { response: failed }, at, false).text],
    malformed: formatServerSentEvent({
      event: "response.output_text.delta",
      data: `{"type":"response.output_text.delta","item_id":"msg_`,
    }),
    keepAlive: formatServerSentEvent({ comment: "keep-alive" }),
  };
  return replyStream(call, transcript, plan.seed, headers(call, SSE_TYPE));
}
