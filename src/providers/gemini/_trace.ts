import {
  answerMessages,
  inputMessages,
  numberOf,
  stringOf,
  type TraceOperation,
  type TraceRequest,
  type TraceResponse,
} from "../../shared/_trace.ts";

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
  const usage = (body.usageMetadata ?? {}) as Body;
  const candidates = Array.isArray(body.candidates) ? body.candidates as Body[] : [];
  const reasons = candidates.map((candidate) => candidate.finishReason)
    .filter((reason): reason is string => typeof reason === "string");
  const output = numberOf(usage.candidatesTokenCount);
  const thoughts = numberOf(usage.thoughtsTokenCount);
  return {
    id: stringOf(body.responseId),
    model: stringOf(body.modelVersion),
    finishReasons: reasons.length > 0 ? reasons : undefined,
    usage: {
      inputTokens: numberOf(usage.promptTokenCount),
      outputTokens: output === undefined && thoughts === undefined
        ? undefined
        : (output ?? 0) + (thoughts ?? 0),
    },
    output: () => answerMessages(candidates[0]?.content ?? {}, reasons[0]),
  };
}
