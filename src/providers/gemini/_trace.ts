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
import { usageOf } from "./_protocol.ts";

type Body = Record<string, unknown>;

/** A part as a GenAI part: text or a thought, a call or its response; others by their key. */
function partOf(part: Body): GenAIPart {
  if (typeof part.text === "string") {
    return textPart(part.text, part.thought ? "reasoning" : "text");
  }
  const { functionCall: call, functionResponse: response } = part;
  if (isRecord(call)) return callPart(call.id, call.name, call.args);
  if (isRecord(response)) return resultPart(response.id, response.response, response.name);
  // `inlineData`, `fileData`, `executableCode`, …: what it is, not what it holds.
  return kindPart(Object.keys(part).find((key) => !/Signature$|Metadata$/.test(key)));
}

function contentOf(content: Body): GenAIMessage {
  const role = content.role === "model" ? "assistant" : stringOf(content.role) ?? "user";
  return { role, parts: contentParts(content.parts, partOf) };
}

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
    const given = body.systemInstruction;
    const system = isRecord(given) ? given.parts : given;
    trace.input = () => inputMessages(contentParts(system, partOf), body.contents, contentOf);
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
  const content = candidates[0]?.content;
  return {
    id: stringOf(body.responseId),
    model: stringOf(body.modelVersion),
    finishReasons: reasons.length > 0 ? reasons : undefined,
    // As the stream's result counts them: the thinking is output too.
    usage: { inputTokens, outputTokens },
    output: () => answerMessages(isRecord(content) ? contentOf(content).parts : [], reasons[0]),
  };
}
