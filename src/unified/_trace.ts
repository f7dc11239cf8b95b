import {
  inputMessages,
  outputMessages,
  type TraceOperation,
  type TraceRequest,
  type TraceResponse,
} from "../shared/_trace.ts";
import type { ModelCall } from "./_adapter.ts";
import type { GenerateTextResult, ProviderId } from "./types.ts";

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
    trace.input = () => inputMessages(call.system, call.messages);
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
