import {
  type Call,
  field,
  isRecord,
  type Provider,
  replyComplete,
  replyStream,
  requestRandom,
} from "./_call.ts";
import type { Frame, Transcript } from "./_emit.ts";
import { type Conversation, lastPrompt, type Plan, planReply, type Turn } from "./_plan.ts";
import { hash32, Random } from "./_random.ts";
import type { JsonSchema } from "./_schema_value.ts";
import { geminiEmbeddingsBody } from "./_embeddings.ts";

const JSON_TYPE = "application/json; charset=UTF-8";
const SSE_TYPE = "text/event-stream";
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** `/v1beta/models/{model}:streamGenerateContent` (or `/v1/…`, `:generateContent`, `:embedContent`, `:batchEmbedContents`). */
const PATH =
  /^\/v1(?:beta|alpha)?\/(?:models|tunedModels)\/([^/]+):(streamGenerateContent|generateContent|embedContent|batchEmbedContents)$/;

/** Whether a path is one of Gemini's model methods. */
export function isGeminiPath(path: string): boolean {
  return PATH.test(path);
}

/** The model named in a Gemini path (`gemini-2.5-flash`, fault suffix included), if it is one. */
export function geminiModelOf(path: string): string | undefined {
  const match = PATH.exec(path);
  if (match === null) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1];
  }
}

function headers(call: Call, contentType: string): Record<string, string> {
  return {
    "content-type": contentType,
    "server-timing": `gfet4t7; dur=${requestRandom(call).int(200, 900)}`,
    vary: "Origin, X-Origin, Referer",
  };
}

const STATUS_ERRORS: Record<number, [string, string]> = {
  400: ["INVALID_ARGUMENT", "Request contains an invalid argument."],
  401: ["UNAUTHENTICATED", "API key not valid. Please pass a valid API key."],
  403: ["PERMISSION_DENIED", "Permission denied: Consumer has been suspended."],
  429: [
    "RESOURCE_EXHAUSTED",
    "You exceeded your current quota, please check your plan and billing details.",
  ],
  500: [
    "INTERNAL",
    "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
  ],
  503: ["UNAVAILABLE", "The model is overloaded. Please try again later."],
  504: ["DEADLINE_EXCEEDED", "The request timed out. Please try again."],
};

function errorJson(code: number, status: string, message: string, details?: unknown[]): string {
  const error: Record<string, unknown> = { code, message, status };
  if (details !== undefined) error.details = details;
  return JSON.stringify({ error });
}

function statusError(call: Call, status: number, retryAfter?: number): Response {
  const [name, message] = status === 404
    ? [
      "NOT_FOUND",
      `models/${
        call.model || "unknown"
      } is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
    ]
    : STATUS_ERRORS[status] ??
      [status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION", `Mock error ${status}`];
  const details = status === 429
    ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${retryAfter ?? 1}s` }]
    : undefined;
  const h = headers(call, JSON_TYPE);
  if (retryAfter !== undefined) h["retry-after"] = String(retryAfter);
  return new Response(errorJson(status, name, message, details), { status, headers: h });
}

function badRequest(call: Call, message: string): Response {
  return new Response(errorJson(400, "INVALID_ARGUMENT", message), {
    status: 400,
    headers: headers(call, JSON_TYPE),
  });
}

/** A schema with Gemini's upper-case `type` names in JSON Schema's lower case, for the generator. */
function lowerTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(lowerTypes);
  if (!isRecord(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === "type" && typeof value === "string"
      ? value.toLowerCase()
      : lowerTypes(value);
  }
  return out;
}

/** The text of a Gemini content's parts (calls and results written out, so they seed the reply). */
function partsText(parts: unknown): string {
  if (!Array.isArray(parts)) return "";
  let text = "";
  for (const part of parts) {
    if (typeof field(part, "text") === "string" && field(part, "thought") !== true) {
      text += field(part, "text") as string;
    }
    const call = field(part, "functionCall");
    if (call !== undefined) {
      text += `${String(field(call, "name"))}(${JSON.stringify(field(call, "args") ?? {})})`;
    }
    const response = field(part, "functionResponse");
    if (response !== undefined) text += JSON.stringify(field(response, "response") ?? null);
  }
  return text;
}

function toolChoice(config: unknown): Conversation["toolChoice"] {
  const calling = field(config, "functionCallingConfig");
  const allowed = field(calling, "allowedFunctionNames");
  switch (field(calling, "mode")) {
    case "NONE":
      return "none";
    case "ANY":
    case "VALIDATED":
      return Array.isArray(allowed) && allowed.length === 1
        ? { name: String(allowed[0]) }
        : "required";
    default:
      return "auto";
  }
}

function conversation(call: Call): Conversation {
  const { body } = call;
  const contents = body.contents as unknown[];
  const turns: Turn[] = [];
  const system = field(body.systemInstruction, "parts");
  if (system !== undefined) turns.push({ role: "system", text: partsText(system) });
  for (const content of contents) {
    const role = field(content, "role") === "model" ? "assistant" : "user";
    turns.push({ role, text: partsText(field(content, "parts")) });
  }
  const lastParts = field(contents[contents.length - 1], "parts");
  const results = Array.isArray(lastParts)
    ? lastParts.filter((part) => field(part, "functionResponse") !== undefined)
    : [];
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const declarations = tools.flatMap((tool) => {
    const list = field(tool, "functionDeclarations");
    return Array.isArray(list) ? list : [];
  });
  const config = body.generationConfig;
  const json = field(config, "responseMimeType") === "application/json";
  const schema = field(config, "responseJsonSchema") ?? field(config, "responseSchema");
  const maxTokens = field(config, "maxOutputTokens");
  return {
    model: call.model,
    turns,
    toolResult: results.length > 0 ? partsText(results) : undefined,
    tools: declarations.map((d) => ({
      name: String(field(d, "name") ?? ""),
      parameters: lowerTypes(
        field(d, "parametersJsonSchema") ?? field(d, "parameters") ?? { type: "object" },
      ) as JsonSchema,
    })),
    toolChoice: toolChoice(body.toolConfig),
    thinking: field(field(config, "thinkingConfig"), "includeThoughts") === true,
    json: json
      ? { schema: schema === undefined ? undefined : lowerTypes(schema) as JsonSchema }
      : undefined,
    maxTokens: typeof maxTokens === "number" ? maxTokens : undefined,
    variant: 0,
  };
}

function finishReason(plan: Plan): string {
  return plan.truncated ? "MAX_TOKENS" : "STOP";
}

function usage(plan: Plan, thoughts: number, output: number): Record<string, unknown> {
  const usage: Record<string, unknown> = { promptTokenCount: plan.inputTokens };
  if (output > 0) usage.candidatesTokenCount = output;
  if (thoughts > 0) usage.thoughtsTokenCount = thoughts;
  usage.totalTokenCount = plan.inputTokens + thoughts + output;
  usage.promptTokensDetails = [{ modality: "TEXT", tokenCount: plan.inputTokens }];
  return usage;
}

function event(value: Record<string, unknown>, token: boolean): Frame {
  return { text: `data: ${JSON.stringify(value)}\r\n\r\n`, token };
}

function generate(call: Call, stream: boolean): Promise<Response> | Response {
  const { body } = call;
  if (!Array.isArray(body.contents) || body.contents.length === 0) {
    return badRequest(call, "* GenerateContentRequest.contents: contents is not specified");
  }
  const c = conversation(call);
  const plan = planReply(
    c,
    call.settings.reply,
    { path: call.url.pathname, model: call.model, body, prompt: lastPrompt(c.turns) },
    call.faults.longLine,
  );
  const ids = new Random(hash32(`ids ${call.record.id}`, plan.seed));
  const responseId = ids.base62(22);
  const signature = `Ci${new Random(hash32("signature", plan.seed)).string(120, BASE64)}`;
  const modelVersion = call.model;
  const calling = plan.toolCall !== undefined && plan.toolCall.complete;
  const thoughts = plan.thinking.length;
  const output = plan.text.length + (plan.toolCall?.pieces.length ?? 0);
  const functionCall = calling
    ? { functionCall: { name: plan.toolCall!.name, args: plan.toolCall!.arguments } }
    : undefined;
  // The model's answer carries the signature of its thinking (a call always has one).
  const signed = thoughts > 0 || calling;

  if (!stream) {
    const parts: Record<string, unknown>[] = [];
    if (thoughts > 0) parts.push({ text: plan.thinking.join(""), thought: true });
    if (plan.text.length > 0) {
      const part: Record<string, unknown> = { text: plan.text.join("") };
      if (signed && !calling) part.thoughtSignature = signature;
      parts.push(part);
    }
    if (functionCall !== undefined) parts.push({ ...functionCall, thoughtSignature: signature });
    const json = JSON.stringify({
      candidates: [{
        content: { parts, role: "model" },
        finishReason: finishReason(plan),
        index: 0,
      }],
      usageMetadata: usage(plan, thoughts, output),
      modelVersion,
      responseId,
    });
    return replyComplete(
      call,
      json,
      plan.outputTokens,
      headers(call, JSON_TYPE),
      () => statusError(call, 503),
    );
  }

  const frames: Frame[] = [];
  const common = { modelVersion, responseId };
  const candidate = (parts: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
    candidates: [{ content: { parts, role: "model" }, ...extra, index: 0 }],
  });
  const running = (t: number, o: number) => ({
    promptTokenCount: plan.inputTokens,
    totalTokenCount: plan.inputTokens + t + o,
    ...(t > 0 ? { thoughtsTokenCount: t } : {}),
  });
  let t = 0;
  for (const text of plan.thinking) {
    t++;
    frames.push(
      event(
        { ...candidate([{ text, thought: true }]), usageMetadata: running(t, 0), ...common },
        true,
      ),
    );
  }
  const last: Record<string, unknown>[] = [];
  plan.text.forEach((text, i) => {
    const part: Record<string, unknown> = { text };
    // The signature comes with the last piece, so the text joins into one signed part.
    if (i === plan.text.length - 1 && signed && !calling) part.thoughtSignature = signature;
    if (i === plan.text.length - 1 && functionCall === undefined) last.push(part);
    else {
      frames.push(event({ ...candidate([part]), usageMetadata: running(t, 0), ...common }, true));
    }
  });
  if (functionCall !== undefined) last.push({ ...functionCall, thoughtSignature: signature });
  frames.push(event({
    ...candidate(last, { finishReason: finishReason(plan) }),
    usageMetadata: usage(plan, thoughts, output),
    ...common,
  }, true));
  const transcript: Transcript = {
    frames,
    errorFrames: [
      `data: ${
        errorJson(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")
      }\r\n\r\n`,
    ],
    malformed: 'data: {"candidates": [{"content": {"parts": [{"text": "Hel\r\n\r\n',
    keepAlive: undefined,
  };
  return replyStream(call, transcript, plan.seed, headers(call, SSE_TYPE));
}

function route(call: Call): Promise<Response> | undefined {
  const match = PATH.exec(call.url.pathname);
  if (call.request.method !== "POST" || match === null) return undefined;
  if (match[2] === "embedContent" || match[2] === "batchEmbedContents") {
    const answer = geminiEmbeddingsBody(call, match[2] === "batchEmbedContents");
    if (typeof answer === "string") return Promise.resolve(badRequest(call, answer));
    return replyComplete(
      call,
      answer.text,
      answer.tokens,
      headers(call, JSON_TYPE),
      () => statusError(call, 500),
    );
  }
  const stream = match[2] === "streamGenerateContent";
  if (stream && call.url.searchParams.get("alt") !== "sse") {
    // Without alt=sse the API streams one JSON array: not emulated.
    return Promise.resolve(
      badRequest(call, "The mock serves streamGenerateContent with alt=sse only"),
    );
  }
  return Promise.resolve(generate(call, stream));
}

/** Google's Gemini API (`/v1beta/models/{model}:streamGenerateContent`, `:generateContent`). */
export const gemini: Provider = { route, statusError, badRequest };
