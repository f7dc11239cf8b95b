import {
  answerMessages,
  callPart,
  type GenAIMessage,
  type GenAIPart,
  inputMessages,
  kindPart,
  numberOf,
  resultPart,
  stringOf,
  textPart,
  type TraceOperation,
  type TraceRequest,
  type TraceResponse,
} from "../../shared/_trace.ts";
import { isRecord } from "../../shared/_is_record.ts";
import type { OllamaChatRequest, OllamaGenerateRequest } from "./types.ts";

type Body = Record<string, unknown>;

/** A message: its thinking, text and images, its tool calls, or a tool's result. */
function messageOf(message: Body): GenAIMessage {
  const role = stringOf(message.role) ?? "user";
  const { content, thinking } = message;
  const parts: GenAIPart[] = [];
  if (typeof thinking === "string" && thinking !== "") parts.push(textPart(thinking, "reasoning"));
  if (role === "tool") parts.push(resultPart(message.tool_call_id, content, message.tool_name));
  else if (typeof content === "string" && content !== "") parts.push(textPart(content));
  const images = Array.isArray(message.images) ? message.images : [];
  for (const _ of images) parts.push(kindPart("image"));
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  for (const call of calls) {
    const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined;
    if (fn) parts.push(callPart(call.id, fn.name, fn.arguments));
  }
  return { role, parts };
}

/** The prompt of a chat request. */
export function ollamaChatInput(request: OllamaChatRequest): GenAIMessage[] {
  return inputMessages([], request.messages, messageOf);
}

/** The prompt of a generate request: its system prompt, its prompt and images. */
export function ollamaGenerateInput(request: OllamaGenerateRequest): GenAIMessage[] {
  const system = request.system ? [textPart(request.system)] : [];
  return inputMessages(system, [{ content: request.prompt, images: request.images }], messageOf);
}

/** What the span of a chat, generate or embed call records at the start. */
export function ollamaTrace(
  operation: TraceOperation,
  url: string,
  request: { model: string; options?: unknown },
  input?: () => unknown,
): TraceRequest {
  const options = (request.options ?? {}) as Record<string, unknown>;
  return {
    operation,
    system: "ollama",
    model: request.model,
    url,
    params: {
      temperature: options.temperature,
      topP: options.top_p,
      topK: options.top_k,
      maxTokens: options.num_predict,
      stop: options.stop,
      frequencyPenalty: options.frequency_penalty,
      presencePenalty: options.presence_penalty,
      seed: options.seed,
    },
    input,
  };
}

/** What the span of a complete (`stream: false`) answer records. */
export function ollamaResponse(value: unknown): TraceResponse {
  const body = value as Record<string, unknown>;
  const reason = stringOf(body.done_reason);
  const message = isRecord(body.message)
    ? body.message
    : { content: body.response, thinking: body.thinking };
  return {
    model: stringOf(body.model),
    finishReasons: reason === undefined ? undefined : [reason],
    usage: {
      inputTokens: numberOf(body.prompt_eval_count),
      outputTokens: numberOf(body.eval_count),
    },
    output: () => answerMessages(messageOf(message).parts, reason),
  };
}
