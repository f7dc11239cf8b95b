import {
  answerMessages,
  callPart,
  contentParts,
  type GenAIMessage,
  type GenAIPart,
  inputMessages,
  kindPart,
  resultPart,
  stringOf,
  textPart,
  type TraceOperation,
  type TraceRequest,
  type TraceResponse,
} from "../../shared/_trace.ts";
import { isRecord } from "../../shared/_is_record.ts";
import { mapUsage } from "./_sse_assembler.ts";
import { responsesUsage } from "./_responses_protocol.ts";
import type { OpenAIUsage } from "./types.ts";
import type { OpenAIResponsesUsage } from "./responses_types.ts";

type Body = Record<string, unknown>;

/** What the span of a chat, completions, responses or embeddings call records at the start. */
export function openaiTrace(
  operation: TraceOperation,
  url: string,
  request: object,
  input?: () => unknown,
): TraceRequest {
  const body = request as Body;
  return {
    operation,
    system: "openai",
    model: stringOf(body.model),
    url,
    params: {
      temperature: body.temperature,
      topP: body.top_p,
      maxTokens: body.max_completion_tokens ?? body.max_output_tokens ?? body.max_tokens,
      stop: body.stop,
      frequencyPenalty: body.frequency_penalty,
      presencePenalty: body.presence_penalty,
      seed: body.seed,
    },
    input,
  };
}

/** A content part of a chat message or of a Responses message item, as a GenAI part. */
function partOf(part: Body): GenAIPart {
  switch (part.type) {
    case "text":
    case "input_text":
    case "output_text":
      return textPart(part.text);
    case "refusal":
      return textPart(part.refusal);
    case "summary_text":
    case "reasoning_text":
      return textPart(part.text, "reasoning");
    default:
      return kindPart(part.type);
  }
}

/** A Chat Completions message: its content, its tool calls, or a tool's result. */
function chatMessage(message: Body): GenAIMessage {
  const role = stringOf(message.role) ?? "user";
  if (role === "tool") return { role, parts: [resultPart(message.tool_call_id, message.content)] };
  const parts = contentParts(message.content, partOf);
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  for (const call of calls) {
    if (!isRecord(call)) continue;
    const { function: fn, custom } = call;
    if (isRecord(fn)) parts.push(callPart(call.id, fn.name, fn.arguments));
    else if (isRecord(custom)) parts.push(callPart(call.id, custom.name, custom.input));
  }
  return { role, parts };
}

/** A Responses API item: a message, reasoning, a tool call or its output, a built-in tool's item. */
function responsesItem(item: Body): GenAIMessage {
  const type = stringOf(item.type) ?? "message";
  switch (type) {
    case "message":
      return { role: stringOf(item.role) ?? "user", parts: contentParts(item.content, partOf) };
    case "reasoning": {
      const parts = [item.summary, item.content].flatMap((list) => contentParts(list, partOf));
      return { role: "assistant", parts };
    }
    case "function_call":
      return { role: "assistant", parts: [callPart(item.call_id, item.name, item.arguments)] };
    case "custom_tool_call":
      return { role: "assistant", parts: [callPart(item.call_id, item.name, item.input)] };
    default:
      // `function_call_output`, `custom_tool_call_output`, and built-in tools' items by their type.
      return type.endsWith("_output")
        ? { role: "tool", parts: [resultPart(item.call_id, item.output)] }
        : { role: "assistant", parts: [kindPart(type)] };
  }
}

/** The Responses API's input: items one after another of one role read as one message. */
function responsesInput(instructions: unknown, input: unknown): GenAIMessage[] {
  const list: GenAIMessage[] = [];
  for (const message of inputMessages(contentParts(instructions, partOf), input, responsesItem)) {
    const last = list.at(-1);
    if (last?.role === message.role) last.parts.push(...message.parts);
    else list.push(message);
  }
  return list;
}

/** The prompt of a chat, completions or responses request. */
export function openaiInput(request: object): GenAIMessage[] {
  const body = request as Body;
  if (body.messages !== undefined) return inputMessages([], body.messages, chatMessage);
  if (body.prompt !== undefined) {
    const prompt = Array.isArray(body.prompt) ? body.prompt.join("\n") : body.prompt;
    return inputMessages([], prompt, chatMessage);
  }
  return responsesInput(body.instructions, body.input);
}

/** What the span of a complete (`stream: false`) answer or of embeddings records. */
export function openaiResponse(value: unknown): TraceResponse {
  const body = value as Body;
  const raw = (body.usage ?? {}) as Body;
  // Chat Completions' and legacy completions' counts, or the Responses API's.
  const { inputTokens, outputTokens } = "input_tokens" in raw
    ? responsesUsage(raw as OpenAIResponsesUsage)
    : mapUsage(raw as unknown as OpenAIUsage);
  const choices = Array.isArray(body.choices) ? body.choices as Body[] : undefined;
  const reasons = choices?.map((choice) => choice.finish_reason)
    .filter((reason): reason is string => typeof reason === "string");
  const first = choices?.[0];
  const status = stringOf(body.status);
  return {
    id: stringOf(body.id),
    model: stringOf(body.model),
    finishReasons: reasons ?? (status === undefined ? undefined : [status]),
    usage: { inputTokens, outputTokens },
    output: () => {
      if (first === undefined) {
        const items = Array.isArray(body.output) ? body.output : [];
        const parts = items.flatMap((item) => isRecord(item) ? responsesItem(item).parts : []);
        return answerMessages(parts, status);
      }
      const message = isRecord(first.message) ? first.message : { content: first.text };
      return answerMessages(chatMessage(message).parts, first.finish_reason);
    },
  };
}
