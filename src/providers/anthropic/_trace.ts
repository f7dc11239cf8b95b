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
  type TraceRequest,
  type TraceResponse,
} from "../../shared/_trace.ts";
import type { AnthropicMessagesRequest } from "./types.ts";
import { usagePart } from "./_protocol.ts";

type Body = Record<string, unknown>;

/** A content block as a GenAI part: text, thinking, a tool call or result; others by their type. */
function blockOf(block: Body): GenAIPart {
  switch (block.type) {
    case "text":
      return textPart(block.text);
    case "thinking":
      return textPart(block.thinking, "reasoning");
    case "tool_use":
    case "server_tool_use":
      return callPart(block.id, block.name, block.input);
    case "tool_result":
      return resultPart(block.tool_use_id, block.content);
    default:
      return kindPart(block.type);
  }
}

function messageOf(message: Body): GenAIMessage {
  return { role: stringOf(message.role) ?? "user", parts: contentParts(message.content, blockOf) };
}

/** What the span of a messages call records at the start. */
export function anthropicTrace(url: string, request: AnthropicMessagesRequest): TraceRequest {
  return {
    operation: "chat",
    system: "anthropic",
    model: request.model,
    url,
    params: {
      temperature: request.temperature,
      topP: request.top_p,
      topK: request.top_k,
      maxTokens: request.max_tokens,
      stop: request.stop_sequences,
    },
    input: () => inputMessages(contentParts(request.system, blockOf), request.messages, messageOf),
  };
}

/** What the span of a complete (`stream: false`) message records. */
export function anthropicResponse(value: unknown): TraceResponse {
  const body = value as Body;
  const { inputTokens, outputTokens } = usagePart((body.usage ?? {}) as Body);
  const reason = stringOf(body.stop_reason);
  return {
    id: stringOf(body.id),
    model: stringOf(body.model),
    finishReasons: reason === undefined ? undefined : [reason],
    // As the stream's result counts them: cache reads and writes included.
    usage: { inputTokens, outputTokens },
    output: () => answerMessages(contentParts(body.content, blockOf), reason),
  };
}
