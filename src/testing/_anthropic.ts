import {
  type Call,
  field,
  type Provider,
  replyComplete,
  replyStream,
  requestRandom,
} from "./_call.ts";
import type { Frame, Transcript } from "./_emit.ts";
import { type Conversation, lastPrompt, type Plan, planReply, textOf, type Turn } from "./_plan.ts";
import { hash32, Random } from "./_random.ts";
import type { JsonSchema } from "./_schema_value.ts";
import { formatServerSentEvent } from "../streams/format_server_sent_event.ts";

const JSON_TYPE = "application/json";
const SSE_TYPE = "text/event-stream; charset=utf-8";
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function headers(call: Call, contentType: string): Record<string, string> {
  const random = requestRandom(call);
  return {
    "content-type": contentType,
    "request-id": `req_011C${random.base62(22)}`,
    "anthropic-organization-id": random.uuid(),
  };
}

function errorJson(call: Call, type: string, message: string): string {
  const requestId = headers(call, JSON_TYPE)["request-id"];
  return JSON.stringify({ type: "error", error: { type, message }, request_id: requestId });
}

const STATUS_ERRORS: Record<number, [string, string]> = {
  400: ["invalid_request_error", "Invalid request"],
  401: ["authentication_error", "invalid x-api-key"],
  402: ["billing_error", "Your credit balance is too low to access the Anthropic API."],
  403: ["permission_error", "Your API key does not have permission to use the specified resource."],
  413: ["request_too_large", "Request exceeds the maximum allowed number of bytes."],
  429: ["rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"],
  500: ["api_error", "Internal server error"],
  504: ["timeout_error", "Request timed out"],
  529: ["overloaded_error", "Overloaded"],
};

function statusError(call: Call, status: number, retryAfter?: number): Response {
  const [type, message] = status === 404
    ? ["not_found_error", `model: ${call.model || "unknown"}`]
    : STATUS_ERRORS[status] ??
      [status >= 500 ? "api_error" : "invalid_request_error", `Mock error ${status}`];
  const h = headers(call, JSON_TYPE);
  if (retryAfter !== undefined) h["retry-after"] = String(retryAfter);
  return new Response(errorJson(call, type, message), { status, headers: h });
}

function badRequest(call: Call, message: string): Response {
  return new Response(errorJson(call, "invalid_request_error", message), {
    status: 400,
    headers: headers(call, JSON_TYPE),
  });
}

function event(type: string, value: Record<string, unknown>, token = false): Frame {
  return {
    text: formatServerSentEvent({ event: type, data: JSON.stringify({ type, ...value }) }),
    token,
  };
}

// Live pings are written with a space: {"type": "ping"}. Spelled out, not formatted at load:
// a module with no effects leaves an unused bundle.
const PING: Frame = { text: 'event: ping\ndata: {"type": "ping"}\n\n', token: false };

function toolChoice(value: unknown): Conversation["toolChoice"] {
  switch (field(value, "type")) {
    case "none":
      return "none";
    case "any":
      return "required";
    case "tool":
      return { name: String(field(value, "name") ?? "") };
    default:
      return "auto";
  }
}

function conversation(call: Call): Conversation {
  const { body } = call;
  const messages = body.messages as unknown[];
  const list: Turn[] = [];
  if (body.system !== undefined) list.push({ role: "system", text: textOf(body.system) });
  for (const m of messages) {
    list.push({ role: String(field(m, "role") ?? "user"), text: textOf(field(m, "content")) });
  }
  const last = messages[messages.length - 1];
  const content = field(last, "content");
  const results = field(last, "role") === "user" && Array.isArray(content)
    ? content.filter((b) => field(b, "type") === "tool_result")
    : [];
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const thinking = field(body.thinking, "type");
  const format = field(body.output_format, "schema") ??
    field(field(body.output_config, "format"), "schema");
  return {
    model: call.model,
    turns: list,
    toolResult: results.length > 0
      ? results.map((r) => textOf(field(r, "content"))).join("\n")
      : undefined,
    tools: tools
      .filter((t) => field(t, "input_schema") !== undefined)
      .map((t) => ({
        name: String(field(t, "name") ?? ""),
        parameters: field(t, "input_schema") as JsonSchema,
      })),
    toolChoice: toolChoice(body.tool_choice),
    thinking: thinking === "enabled" || thinking === "adaptive",
    json: format === undefined ? undefined : { schema: format as JsonSchema },
    maxTokens: body.max_tokens as number,
    variant: 0,
  };
}

function stopReason(plan: Plan): string {
  return plan.truncated ? "max_tokens" : plan.toolCall !== undefined ? "tool_use" : "end_turn";
}

function usage(plan: Plan, outputTokens: number) {
  return {
    input_tokens: plan.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: "standard",
  };
}

function messages(call: Call): Promise<Response> | Response {
  const { body } = call;
  if (!call.request.headers.has("anthropic-version")) {
    return badRequest(call, "anthropic-version: header is required");
  }
  if (call.model === "") return badRequest(call, "model: Field required");
  if (typeof body.max_tokens !== "number") return badRequest(call, "max_tokens: Field required");
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return badRequest(call, "messages: Field required");
  }
  const c = conversation(call);
  const plan = planReply(
    c,
    call.settings.reply,
    { path: call.url.pathname, model: call.model, body, prompt: lastPrompt(c.turns) },
    call.faults.longLine,
  );
  const ids = new Random(hash32(`ids ${call.record.id}`, plan.seed));
  const id = `msg_01${ids.base62(22)}`;
  const signature = `Eq${ids.string(254, BASE64)}==`;
  const toolId = `toolu_01${new Random(hash32("tool", plan.seed)).base62(22)}`;
  const omitted = field(body.thinking, "display") === "omitted";
  const model = call.record.model;
  const thinking = plan.thinking.length > 0 || (c.thinking && omitted);
  const text = plan.text.length > 0 || (!thinking && plan.toolCall === undefined);

  if (body.stream !== true) {
    const content: Record<string, unknown>[] = [];
    if (thinking) {
      content.push({
        type: "thinking",
        thinking: omitted ? "" : plan.thinking.join(""),
        signature,
      });
    }
    if (text) content.push({ type: "text", text: plan.text.join("") });
    if (plan.toolCall !== undefined) {
      content.push({
        type: "tool_use",
        id: toolId,
        name: plan.toolCall.name,
        input: plan.toolCall.complete ? plan.toolCall.arguments : {},
      });
    }
    const json = JSON.stringify({
      model,
      id,
      type: "message",
      role: "assistant",
      content,
      stop_reason: stopReason(plan),
      stop_sequence: null,
      usage: usage(plan, plan.outputTokens),
    });
    return replyComplete(
      call,
      json,
      plan.outputTokens,
      headers(call, JSON_TYPE),
      () => statusError(call, 529),
    );
  }

  const frames: Frame[] = [event("message_start", {
    message: {
      model,
      id,
      type: "message",
      role: "assistant",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usage(plan, 1),
    },
  })];
  let index = 0;
  const start = (block: Record<string, unknown>) => {
    frames.push(event("content_block_start", { index, content_block: block }));
    if (index === 0) frames.push(PING);
  };
  const delta = (value: Record<string, unknown>, token = true) =>
    frames.push(event("content_block_delta", { index, delta: value }, token));
  const stop = () => frames.push(event("content_block_stop", { index: index++ }));
  if (thinking) {
    start({ type: "thinking", thinking: "", signature: "" });
    if (!omitted) { for (const t of plan.thinking) delta({ type: "thinking_delta", thinking: t }); }
    delta({ type: "signature_delta", signature }, false);
    stop();
  }
  if (text) {
    start({ type: "text", text: "" });
    for (const t of plan.text) delta({ type: "text_delta", text: t });
    stop();
  }
  if (plan.toolCall !== undefined) {
    start({ type: "tool_use", id: toolId, name: plan.toolCall.name, input: {} });
    delta({ type: "input_json_delta", partial_json: "" }, false);
    for (const piece of plan.toolCall.pieces) {
      delta({ type: "input_json_delta", partial_json: piece });
    }
    stop();
  }
  frames.push(event("message_delta", {
    delta: { stop_reason: stopReason(plan), stop_sequence: null },
    usage: {
      input_tokens: plan.inputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: plan.outputTokens,
    },
  }));
  frames.push(event("message_stop", {}));
  const transcript: Transcript = {
    frames,
    errorFrames: [
      formatServerSentEvent({
        event: "error",
        data: JSON.stringify({
          type: "error",
          error: { type: "overloaded_error", message: "Overloaded" },
        }),
      }),
    ],
    malformed: formatServerSentEvent({
      event: "content_block_delta",
      data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_de',
    }),
    keepAlive: PING.text,
  };
  return replyStream(call, transcript, plan.seed, headers(call, SSE_TYPE));
}

function route(call: Call): Promise<Response> | undefined {
  if (call.request.method === "POST" && call.url.pathname === "/v1/messages") {
    return Promise.resolve(messages(call));
  }
  return undefined;
}

/** Anthropic's Messages API (`/v1/messages`). */
export const anthropic: Provider = { route, statusError, badRequest };
