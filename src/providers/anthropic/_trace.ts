import {
  answerMessages,
  inputMessages,
  stringOf,
  type TraceRequest,
  type TraceResponse,
} from "../../shared/_trace.ts";
import type { AnthropicMessagesRequest } from "./types.ts";
import { usagePart } from "./_protocol.ts";

type Body = Record<string, unknown>;

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
    input: () => inputMessages(request.system, request.messages),
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
    output: () => answerMessages(body, reason),
  };
}
