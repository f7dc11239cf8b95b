import {
  answerMessages,
  inputMessages,
  stringOf,
  type TraceOperation,
  type TraceRequest,
  type TraceResponse,
} from "../../shared/_trace.ts";
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

/** The prompt of a chat, completions or responses request. */
export function openaiInput(request: object): unknown {
  const body = request as Body;
  if (body.messages !== undefined) return inputMessages(undefined, body.messages);
  if (body.prompt !== undefined) {
    return inputMessages(
      undefined,
      Array.isArray(body.prompt) ? body.prompt.join("\n") : body.prompt,
    );
  }
  return inputMessages(body.instructions, body.input);
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
      if (first !== undefined) {
        const message = first.message ?? { content: first.text };
        return answerMessages(message, first.finish_reason);
      }
      const items = Array.isArray(body.output) ? body.output as Body[] : [];
      return answerMessages({ content: items.flatMap((item) => item.content ?? []) }, status);
    },
  };
}
