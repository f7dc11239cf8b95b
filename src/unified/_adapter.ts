import type { RequestOptions } from "../http/request_options.ts";
import type { ResponseStream } from "../stream/response_stream.ts";
import type { StreamResult } from "../stream/types.ts";
import type {
  CallSettings,
  CallWarning,
  FinishReason,
  JsonSchema,
  LanguageModel,
  LanguageModelUsage,
  Message,
  ProviderId,
  ProviderMetadata,
  StreamPart,
  ToolCallResult,
  ToolChoice,
  ToolSet,
} from "./types.ts";

/** A structured-output request (streamObject). */
export interface ObjectMode {
  /** The schema the answer must follow. */
  schema: JsonSchema;
  /** A name for the schema (OpenAI `json_schema.name`, Anthropic's forced tool). */
  name: string;
  /** What the object is. */
  description?: string | undefined;
}

/** Everything one model call needs, provider-neutral. */
export interface ModelCall {
  settings: CallSettings;
  system: string | undefined;
  messages: Message[];
  tools: ToolSet | undefined;
  toolChoice: ToolChoice | undefined;
  object?: ObjectMode | undefined;
}

/** What a step ends with, provider-neutral. */
export interface StepEnd {
  text: string;
  reasoning: string;
  toolCalls: ToolCallResult[];
  finishReason: FinishReason;
  rawFinishReason: string | undefined;
  usage: LanguageModelUsage;
  id: string | undefined;
  model: string | undefined;
  providerMetadata: ProviderMetadata;
}

/** One started model call. */
export interface AdapterStep {
  // deno-lint-ignore no-explicit-any
  stream: ResponseStream<any, any>;
  warnings: CallWarning[];
  /** Maps one provider chunk to normalized parts. */
  map(chunk: unknown, emit: (part: StreamPart) => void): void;
  /** The normalized end of the step, from the stream's result. */
  end(result: StreamResult): StepEnd;
}

/** What a provider contributes to the unified API. */
export interface ModelAdapter {
  /** Builds the request body and warnings (exposed for tests and `start`). */
  build(call: ModelCall): { body: Record<string, unknown>; warnings: CallWarning[] };
  /** Starts the call. */
  start(call: ModelCall, options: RequestOptions): AdapterStep;
}

const adapters = new WeakMap<LanguageModel, ModelAdapter>();

/** Makes a {@linkcode LanguageModel} backed by an adapter. */
export function createModel(
  provider: ProviderId,
  modelId: string,
  adapter: ModelAdapter,
): LanguageModel {
  if (typeof modelId !== "string" || modelId === "") {
    throw new TypeError(`A ${provider} model needs a name: received '${String(modelId)}'`);
  }
  const model: LanguageModel = Object.freeze({ provider, modelId });
  adapters.set(model, adapter);
  return model;
}

/** The adapter of a model made by a factory. */
export function adapterOf(model: LanguageModel): ModelAdapter {
  const adapter = model && adapters.get(model);
  if (!adapter) {
    throw new TypeError(
      "The model must come from ollama(), openai() or anthropic(): received " +
        (model === null || typeof model !== "object" ? String(model) : "another object"),
    );
  }
  return adapter;
}

/** A warning for a setting a provider cannot honour. */
export function unsupported(setting: string, details: string): CallWarning {
  return { type: "unsupported-setting", setting, details };
}

/** Sums two usages (undefined + undefined stays undefined). */
export function addUsage(a: LanguageModelUsage, b: LanguageModelUsage): LanguageModelUsage {
  const add = (x: number | undefined, y: number | undefined) =>
    x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0);
  return {
    inputTokens: add(a.inputTokens, b.inputTokens),
    outputTokens: add(a.outputTokens, b.outputTokens),
    totalTokens: add(a.totalTokens, b.totalTokens),
  };
}

/** A usage with `totalTokens` filled in. */
export function usageOf(input: number | undefined, output: number | undefined): LanguageModelUsage {
  return {
    inputTokens: input,
    outputTokens: output,
    totalTokens: input !== undefined && output !== undefined ? input + output : undefined,
  };
}

/** A tool result as the text sent back to a model. */
export function resultText(result: unknown): string {
  if (typeof result === "string") return result;
  return JSON.stringify(result) ?? "null";
}

/** The system text: the `system` option and the system messages, joined. */
export function systemText(call: ModelCall): string | undefined {
  const parts: string[] = [];
  if (call.system) parts.push(call.system);
  for (const message of call.messages) if (message.role === "system") parts.push(message.content);
  return parts.length > 0 ? parts.join("\n\n") : undefined;
}

/** Tool calls of a result, with ids filled in from the stream (or generated). */
export function toolCallsOf(
  result: StreamResult,
  ids: readonly string[],
  fallback: string,
): ToolCallResult[] {
  return result.toolCalls.map((call, i) => {
    const out: ToolCallResult = {
      toolCallId: call.id ?? ids[i] ?? `${fallback}_${i}`,
      toolName: call.name,
      args: call.arguments,
    };
    if (call.parseError !== undefined) out.parseError = call.parseError;
    return out;
  });
}

let counter = 0;
/** A fresh prefix for generated tool call ids. */
export function idPrefix(): string {
  return `call_${(++counter).toString(36)}`;
}
