import {
  answerMessages,
  inputMessages,
  stringOf,
  type TraceOperation,
  type TraceRequest,
  type TraceResponse,
} from "../../shared/_trace.ts";
import { usageOf } from "./_protocol.ts";

type Body = Record<string, unknown>;

/** What the span of a generate-content or embeddings call records at the start. */
export function geminiTrace(
  operation: TraceOperation,
  url: string,
  request: { model: string },
): TraceRequest {
  const body = request as unknown as Body;
  const config = (body.generationConfig ?? {}) as Body;
  const trace: TraceRequest = {
    operation,
    system: "gcp.gemini",
    model: typeof request.model === "string" ? request.model.replace(/^models\//, "") : undefined,
    url,
    params: {
      temperature: config.temperature,
      topP: config.topP,
      topK: config.topK,
      maxTokens: config.maxOutputTokens,
      stop: config.stopSequences,
      frequencyPenalty: config.frequencyPenalty,
      presencePenalty: config.presencePenalty,
      seed: config.seed,
    },
  };
  if (operation !== "embeddings") {
    trace.input = () => inputMessages(body.systemInstruction, body.contents);
  }
  return trace;
}

/** What the span of a complete (`stream: false`) answer or of embeddings records. */
export function geminiResponse(value: unknown): TraceResponse {
  const body = value as Body;
  const { inputTokens, outputTokens } = usageOf((body.usageMetadata ?? {}) as Body);
  const candidates = Array.isArray(body.candidates) ? body.candidates as Body[] : [];
  const reasons = candidates.map((candidate) => candidate.finishReason)
    .filter((reason): reason is string => typeof reason === "string");
  return {
    id: stringOf(body.responseId),
    model: stringOf(body.modelVersion),
    finishReasons: reasons.length > 0 ? reasons : undefined,
    // As the stream's result counts them: the thinking is output too.
    usage: { inputTokens, outputTokens },
    output: () => answerMessages(candidates[0]?.content ?? {}, reasons[0]),
  };
}
