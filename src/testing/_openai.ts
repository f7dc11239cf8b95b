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
import { responses } from "./_openai_responses.ts";
import { openaiEmbeddingsBody } from "./_embeddings.ts";

const JSON_TYPE = "application/json";
const SSE_TYPE = "text/event-stream; charset=utf-8";
const SERVER_ERROR = "The server had an error while processing your request. Sorry about that!";

/** The headers OpenAI sends with every response. */
export function headers(call: Call, contentType: string): Record<string, string> {
  const random = requestRandom(call);
  return {
    "content-type": contentType,
    "x-request-id": `req_${random.hex(32)}`,
    "openai-version": "2020-10-01",
    "openai-organization": "user-mock",
    "openai-processing-ms": String(random.int(80, 900)),
    "x-ratelimit-limit-requests": "5000",
    "x-ratelimit-remaining-requests": "4999",
    "x-ratelimit-reset-requests": "12ms",
    "x-ratelimit-limit-tokens": "800000",
    "x-ratelimit-remaining-tokens": "799124",
    "x-ratelimit-reset-tokens": "65ms",
  };
}

function errorBody(message: string, type: string, param: string | null, code: string | null) {
  return JSON.stringify({ error: { message, type, param, code } });
}

/** An OpenAI-shaped HTTP error. */
export function statusError(call: Call, status: number, retryAfter?: number): Response {
  let body: string;
  const model = call.model || "unknown";
  switch (status) {
    case 401:
      body = errorBody(
        "Incorrect API key provided: sk-mock****. You can find your API key at https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        null,
        "invalid_api_key",
      );
      break;
    case 403:
      body = errorBody(
        "Country, region, or territory not supported",
        "request_forbidden",
        null,
        "unsupported_country_region_territory",
      );
      break;
    case 404:
      body = errorBody(
        `The model \`${model}\` does not exist or you do not have access to it.`,
        "invalid_request_error",
        null,
        "model_not_found",
      );
      break;
    case 429:
      body = errorBody(
        `Rate limit reached for ${model} in organization org-mock on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in ${
          Math.round((retryAfter ?? 1) * 1000)
        }ms.`,
        "requests",
        "requests",
        "rate_limit_exceeded",
      );
      break;
    case 503:
      body = errorBody(
        "The engine is currently overloaded, please try again later.",
        "server_error",
        null,
        "server_is_overloaded",
      );
      break;
    default:
      body = status >= 500
        ? errorBody(SERVER_ERROR, "server_error", null, null)
        : errorBody(`Mock error ${status}`, "invalid_request_error", null, null);
  }
  const h = headers(call, JSON_TYPE);
  if (status === 429) h["x-ratelimit-remaining-requests"] = "0";
  if (retryAfter !== undefined) h["retry-after"] = String(retryAfter);
  return new Response(body, { status, headers: h });
}

/** An OpenAI-shaped 400. */
export function badRequest(call: Call, message: string, param: string | null = null): Response {
  return new Response(errorBody(message, "invalid_request_error", param, null), {
    status: 400,
    headers: headers(call, JSON_TYPE),
  });
}

function sse(value: unknown, token = false): Frame {
  return { text: formatServerSentEvent({ data: JSON.stringify(value) }), token };
}

// Spelled out, not formatted at load: a module with no effects leaves an unused bundle.
const DONE: Frame = { text: "data: [DONE]\n\n", token: false };

function transcript(frames: Frame[], id: string): Transcript {
  return {
    frames,
    errorFrames: [
      formatServerSentEvent({ data: errorBody(SERVER_ERROR, "server_error", null, null) }),
      DONE.text,
    ],
    malformed: formatServerSentEvent({ data: `{"id":"${id}","object":"chat.completion.chu` }),
    keepAlive: formatServerSentEvent({ comment: "keep-alive" }),
  };
}

function usage(plans: readonly Plan[], legacy: boolean) {
  const prompt = plans[0]?.inputTokens ?? 0;
  let completion = 0;
  let reasoning = 0;
  for (const plan of plans) {
    completion += plan.outputTokens;
    reasoning += plan.thinking.length;
  }
  if (legacy) {
    return {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    };
  }
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function finishReason(plan: Plan): string {
  return plan.truncated ? "length" : plan.toolCall !== undefined ? "tool_calls" : "stop";
}

function toolChoice(value: unknown): Conversation["toolChoice"] {
  if (value === "none" || value === "required") return value;
  const name = field(field(value, "function"), "name");
  return typeof name === "string" ? { name } : "auto";
}

function choiceCount(call: Call): number {
  const n = call.body.n;
  return typeof n === "number" && Number.isInteger(n) && n > 1 ? Math.min(n, 16) : 1;
}

function toolId(plan: Plan): string {
  return `call_${new Random(hash32("tool", plan.seed)).base62(24)}`;
}

/** The per-choice deltas of a chat completion stream, in order. */
function deltas(plan: Plan): { delta: Record<string, unknown>; token: boolean }[] {
  const list: { delta: Record<string, unknown>; token: boolean }[] = [];
  const thinking = plan.thinking.length > 0;
  const tool = plan.toolCall;
  if (thinking) {
    list.push({ delta: { role: "assistant", content: null, reasoning_content: "" }, token: false });
    for (const t of plan.thinking) {
      list.push({ delta: { content: null, reasoning_content: t }, token: true });
    }
  } else if (tool !== undefined && plan.text.length === 0) {
    list.push({ delta: { role: "assistant", content: null }, token: false });
  } else {
    list.push({ delta: { role: "assistant", content: "", refusal: null }, token: false });
  }
  for (const t of plan.text) {
    list.push({
      delta: thinking ? { content: t, reasoning_content: null } : { content: t },
      token: true,
    });
  }
  if (tool !== undefined) {
    list.push({
      delta: {
        tool_calls: [{
          index: 0,
          id: toolId(plan),
          type: "function",
          function: { name: tool.name, arguments: "" },
        }],
      },
      token: false,
    });
    for (const piece of tool.pieces) {
      list.push({
        delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] },
        token: true,
      });
    }
  }
  return list;
}

function chatConversation(call: Call, variant: number): Conversation {
  const { body } = call;
  const messages = body.messages as unknown[];
  const last = messages[messages.length - 1];
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const format = body.response_format;
  const effort = body.reasoning_effort ?? field(body.reasoning, "effort");
  const max = body.max_completion_tokens ?? body.max_tokens;
  return {
    model: call.model,
    turns: turns(messages),
    toolResult: field(last, "role") === "tool" ? textOf(field(last, "content")) : undefined,
    tools: tools.filter((t) => field(t, "type") === "function").map((t) => ({
      name: String(field(field(t, "function"), "name") ?? ""),
      parameters: (field(field(t, "function"), "parameters") ?? {}) as JsonSchema,
    })),
    toolChoice: toolChoice(body.tool_choice),
    thinking: typeof effort === "string" && effort !== "none",
    json: field(format, "type") === "json_schema"
      ? { schema: field(field(format, "json_schema"), "schema") as JsonSchema | undefined }
      : field(format, "type") === "json_object"
      ? { schema: undefined }
      : undefined,
    maxTokens: typeof max === "number" && max > 0 ? max : undefined,
    variant,
  };
}

function turns(messages: readonly unknown[]): Turn[] {
  return messages.map((m) => ({
    role: String(field(m, "role") ?? "user"),
    text: textOf(field(m, "content")),
  }));
}

function chat(call: Call): Promise<Response> | Response {
  const { body } = call;
  if (!Array.isArray(body.messages)) {
    return badRequest(call, "Missing required parameter: 'messages'.", "messages");
  }
  if (body.messages.length === 0) {
    return badRequest(call, "[] is too short - 'messages'", "messages");
  }
  const input = {
    path: call.url.pathname,
    model: call.model,
    body,
    prompt: lastPrompt(turns(body.messages)),
  };
  const plans: Plan[] = [];
  for (let i = 0; i < choiceCount(call); i++) {
    plans.push(
      planReply(chatConversation(call, i), call.settings.reply, input, call.faults.longLine),
    );
  }
  const first = plans[0] as Plan;
  const ids = new Random(hash32(`ids ${call.record.id}`, first.seed));
  const id = `chatcmpl-${ids.base62(29)}`;
  const fingerprint = `fp_${ids.hex(10)}`;
  const created = Math.floor(call.settings.now() / 1000);
  const model = call.record.model;
  if (body.stream !== true) {
    const choices = plans.map((plan, index) => {
      const message: Record<string, unknown> = {
        role: "assistant",
        content: plan.toolCall !== undefined && plan.text.length === 0 ? null : plan.text.join(""),
        refusal: null,
        annotations: [],
      };
      if (plan.thinking.length > 0) message.reasoning_content = plan.thinking.join("");
      if (plan.toolCall !== undefined) {
        message.tool_calls = [{
          id: toolId(plan),
          type: "function",
          function: { name: plan.toolCall.name, arguments: plan.toolCall.json },
        }];
      }
      return { index, message, logprobs: null, finish_reason: finishReason(plan) };
    });
    const text = JSON.stringify({
      id,
      object: "chat.completion",
      created,
      model,
      choices,
      usage: usage(plans, false),
      service_tier: "default",
      system_fingerprint: fingerprint,
    });
    const tokens = plans.reduce((sum, p) => sum + p.outputTokens, 0);
    return replyComplete(
      call,
      text,
      tokens,
      headers(call, JSON_TYPE),
      () => statusError(call, 500),
    );
  }
  const includeUsage = field(body.stream_options, "include_usage") === true;
  const obfuscate = field(body.stream_options, "include_obfuscation") !== false;
  const padding = new Random(hash32("obfuscation", first.seed));
  const chunk = (choices: unknown[], usageValue: unknown = null) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    service_tier: "default",
    system_fingerprint: fingerprint,
    ...(includeUsage ? { usage: usageValue } : {}),
    choices,
    ...(obfuscate ? { obfuscation: padding.base62(padding.int(1, 15)) } : {}),
  });
  const lists = plans.map(deltas);
  const frames: Frame[] = [];
  const longest = Math.max(...lists.map((l) => l.length));
  for (let step = 0; step <= longest; step++) {
    lists.forEach((list, index) => {
      const entry = list[step];
      if (entry !== undefined) {
        frames.push(sse(
          chunk([{ index, delta: entry.delta, logprobs: null, finish_reason: null }]),
          entry.token,
        ));
      } else if (step === list.length) {
        const reason = finishReason(plans[index] as Plan);
        frames.push(sse(chunk([{ index, delta: {}, logprobs: null, finish_reason: reason }])));
      }
    });
  }
  if (includeUsage) frames.push(sse(chunk([], usage(plans, false))));
  frames.push(DONE);
  return replyStream(call, transcript(frames, id), first.seed, headers(call, SSE_TYPE));
}

function completions(call: Call): Promise<Response> | Response {
  const { body } = call;
  const prompt = Array.isArray(body.prompt) ? body.prompt.map(String).join("\n") : body.prompt;
  if (typeof prompt !== "string") {
    return badRequest(call, "Missing required parameter: 'prompt'.", "prompt");
  }
  const turnList: Turn[] = [{ role: "user", text: prompt }];
  const max = body.max_tokens;
  const plan = planReply(
    {
      model: call.model,
      turns: turnList,
      toolResult: undefined,
      tools: [],
      toolChoice: "none",
      thinking: false,
      json: undefined,
      maxTokens: typeof max === "number" && max > 0 ? max : undefined,
      variant: 0,
    },
    call.settings.reply,
    { path: call.url.pathname, model: call.model, body, prompt },
    call.faults.longLine,
  );
  const ids = new Random(hash32(`ids ${call.record.id}`, plan.seed));
  const id = `cmpl-${ids.base62(29)}`;
  const fingerprint = `fp_${ids.hex(10)}`;
  const created = Math.floor(call.settings.now() / 1000);
  const model = call.record.model;
  const reason = plan.truncated ? "length" : "stop";
  if (body.stream !== true) {
    const text = JSON.stringify({
      id,
      object: "text_completion",
      created,
      model,
      choices: [{ text: plan.text.join(""), index: 0, logprobs: null, finish_reason: reason }],
      usage: usage([plan], true),
      system_fingerprint: fingerprint,
    });
    return replyComplete(
      call,
      text,
      plan.outputTokens,
      headers(call, JSON_TYPE),
      () => statusError(call, 500),
    );
  }
  const includeUsage = field(body.stream_options, "include_usage") === true;
  const chunk = (choices: unknown[], usageValue: unknown = null) => ({
    id,
    object: "text_completion",
    created,
    choices,
    model,
    system_fingerprint: fingerprint,
    ...(includeUsage ? { usage: usageValue } : {}),
  });
  const frames: Frame[] = plan.text.map((text) =>
    sse(chunk([{ text, index: 0, logprobs: null, finish_reason: null }]), true)
  );
  frames.push(sse(chunk([{ text: "", index: 0, logprobs: null, finish_reason: reason }])));
  if (includeUsage) frames.push(sse(chunk([], usage([plan], true))));
  frames.push(DONE);
  return replyStream(call, transcript(frames, id), plan.seed, headers(call, SSE_TYPE));
}

function modelObject(id: string) {
  return { id, object: "model", created: 1_730_000_000, owned_by: "mock" };
}

function anthropicModel(id: string) {
  return { type: "model", id, display_name: id, created_at: "2025-10-28T00:00:00Z" };
}

function models(call: Call): Response {
  const list = call.settings.models;
  const value = call.request.headers.has("anthropic-version")
    ? {
      data: list.map(anthropicModel),
      has_more: false,
      first_id: list[0] ?? null,
      last_id: list[list.length - 1] ?? null,
    }
    : { object: "list", data: list.map(modelObject) };
  return new Response(JSON.stringify(value), { headers: headers(call, JSON_TYPE) });
}

function model(call: Call, id: string): Response {
  if (!call.settings.models.includes(id)) {
    return new Response(
      errorBody(
        `The model '${id}' does not exist`,
        "invalid_request_error",
        "model",
        "model_not_found",
      ),
      { status: 404, headers: headers(call, JSON_TYPE) },
    );
  }
  return new Response(JSON.stringify(modelObject(id)), { headers: headers(call, JSON_TYPE) });
}

function embeddings(call: Call): Promise<Response> | Response {
  const answer = openaiEmbeddingsBody(call);
  if (typeof answer === "string") return badRequest(call, answer, "input");
  return replyComplete(
    call,
    answer.text,
    answer.tokens,
    headers(call, JSON_TYPE),
    () => statusError(call, 500),
  );
}

function route(call: Call): Promise<Response> | undefined {
  const method = call.request.method === "HEAD" ? "GET" : call.request.method;
  const path = call.url.pathname;
  const usesModel = (answer: (call: Call) => Promise<Response> | Response) =>
    Promise.resolve(
      call.model === ""
        ? badRequest(call, "you must provide a model parameter", "model")
        : answer(call),
    );
  if (method === "POST" && path === "/v1/chat/completions") return usesModel(chat);
  if (method === "POST" && path === "/v1/completions") return usesModel(completions);
  if (method === "POST" && path === "/v1/responses") return usesModel(responses);
  if (method === "POST" && path === "/v1/embeddings") return usesModel(embeddings);
  if (method === "GET" && path === "/v1/models") return Promise.resolve(models(call));
  if (method === "GET" && path.startsWith("/v1/models/")) {
    return Promise.resolve(model(call, decodeURIComponent(path.slice("/v1/models/".length))));
  }
  return undefined;
}

/** OpenAI's Chat Completions, legacy Completions, Responses, Embeddings and Models. */
export const openai: Provider = { route, statusError, badRequest };
