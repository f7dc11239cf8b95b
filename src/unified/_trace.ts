import {
  callPart,
  contentParts,
  type GenAIMessage,
  type GenAIPart,
  inputMessages,
  kindPart,
  outputMessages,
  resultPart,
  textPart,
  type TraceOperation,
  type TraceRequest,
  type TraceResponse,
} from "../shared/_trace.ts";
import type { ModelCall } from "./_adapter.ts";
import type { GenerateTextResult, ProviderId } from "./types.ts";
import { isRecord } from "../shared/_is_record.ts";

type Body = Record<string, unknown>;

/** A part of a message: text, reasoning, a tool call; an image or a file by its type. */
function partOf(part: Body): GenAIPart {
  switch (part.type) {
    case "text":
      return textPart(part.text);
    case "reasoning":
      return textPart(part.text, "reasoning");
    case "tool-call":
      return callPart(part.id, part.name, part.arguments);
    default:
      return kindPart(part.type);
  }
}

/** A message: an assistant's reasoning, content and tool calls, or a tool's result. */
function messageOf(message: Body): GenAIMessage {
  const role = typeof message.role === "string" ? message.role : "user";
  if (role === "tool") {
    return { role, parts: [resultPart(message.id, message.result, message.name)] };
  }
  const parts = [
    ...contentParts(message.reasoning, partOf),
    ...contentParts(message.content, partOf),
  ];
  const calls = Array.isArray(message.toolCalls) ? message.toolCalls : [];
  for (const call of calls) {
    if (isRecord(call)) parts.push(callPart(call.id, call.name, call.arguments));
  }
  return { role, parts };
}

/** `gen_ai.provider.name` of each provider. */
export const TRACE_SYSTEMS: Record<ProviderId, string> = {
  ollama: "ollama",
  openai: "openai",
  anthropic: "anthropic",
  gemini: "gcp.gemini",
};

/** What the span of a unified call records at the start. */
export function unifiedTrace(
  model: { provider: ProviderId; modelId: string },
  operation: TraceOperation,
  call?: ModelCall,
): TraceRequest {
  const trace: TraceRequest = {
    operation,
    system: TRACE_SYSTEMS[model.provider] ?? model.provider,
    model: model.modelId,
  };
  if (call !== undefined) {
    const settings = call.settings;
    trace.params = {
      temperature: settings.temperature,
      topP: settings.topP,
      topK: settings.topK,
      maxTokens: settings.maxTokens,
      stop: settings.stop,
      frequencyPenalty: settings.frequencyPenalty,
      presencePenalty: settings.presencePenalty,
      seed: settings.seed,
    };
    // Read at the start: the tool loop adds to the messages later.
    trace.input = () => inputMessages(contentParts(call.system, partOf), call.messages, messageOf);
  }
  return trace;
}

/** What the span of a unified stream records from its result: the last step's response, the total usage. */
export function unifiedResponse(result: GenerateTextResult): TraceResponse {
  const reason = result.rawFinishReason ?? result.finishReason;
  return {
    id: result.response?.id,
    model: result.response?.model,
    finishReasons: reason === undefined ? undefined : [reason],
    usage: result.totalUsage,
    output: () => outputMessages(result),
  };
}
