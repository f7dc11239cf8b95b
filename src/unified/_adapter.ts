import type { RequestOptions } from "../http/request_options.ts";
import type { ResponseStream } from "../response_stream/response_stream.ts";
import type { ContentPart, FinishReason, StreamResult, ToolCall, Usage } from "../shared/types.ts";
import type {
  AssistantContentPart,
  CallSettings,
  CallWarning,
  JsonSchema,
  LanguageModel,
  Message,
  ProviderId,
  ProviderMetadata,
  ProviderOptions,
  ToolChoice,
  ToolSet,
} from "./types.ts";
import { isRecord } from "../shared/_is_record.ts";

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
  providerOptions?: ProviderOptions | undefined;
}

/** What a step ends with, provider-neutral. */
export interface StepEnd {
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  rawFinishReason: string | undefined;
  usage: Usage;
  id: string | undefined;
  model: string | undefined;
  providerMetadata: ProviderMetadata;
  /**
   * The assistant's turn in order, with what the provider attached to each
   * part (signatures, item ids), when the provider's result has it; else it
   * is made from `reasoning`, `text` and `toolCalls`.
   */
  content?: AssistantContentPart[];
}

/**
 * One started model call. The unified layer reads the provider stream's
 * normalized parts (never its chunks): the provider protocol is the one
 * reading of the wire.
 */
export interface AdapterStep {
  // deno-lint-ignore no-explicit-any
  stream: ResponseStream<any, any>;
  warnings: CallWarning[];
  /** Rewrites a part before it is handed on (`undefined` drops it); object mode uses it. */
  part?(part: ContentPart): ContentPart | undefined;
  /** The end of the step, from the provider result (assembled from the same parts). */
  end(result: StreamResult): StepEnd;
}

/** A step's end from a provider result's shared fields, plus the provider's metadata. */
export function stepEnd(
  result: StreamResult,
  id: string | undefined,
  model: string | undefined,
  providerMetadata: ProviderMetadata,
): StepEnd {
  return {
    text: result.text,
    reasoning: result.reasoning,
    toolCalls: result.toolCalls,
    finishReason: result.finishReason ?? "other",
    rawFinishReason: result.rawFinishReason,
    // The shared counts only: a provider's extras stay in its own result.
    usage: addUsage({}, result.usage),
    id,
    model,
    providerMetadata,
  };
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
      "The model must come from ollama(), openai(), anthropic() or gemini(): received " +
        (model === null || typeof model !== "object" ? String(model) : "another object"),
    );
  }
  return adapter;
}

/** A warning for a setting a provider cannot honour. */
export function unsupported(setting: string, details: string): CallWarning {
  return { type: "unsupported-setting", setting, details };
}

/** Sums two usages (a count missing on both sides stays missing). */
export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = {};
  const keys = [
    "inputTokens",
    "outputTokens",
    "totalTokens",
    "cachedInputTokens",
    "reasoningTokens",
  ] as const;
  for (const key of keys) {
    const x = a[key];
    const y = b[key];
    if (x !== undefined || y !== undefined) sum[key] = (x ?? 0) + (y ?? 0);
  }
  return sum;
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

/**
 * Merges a provider's `providerOptions` into its request body: each field as
 * given, an object on both sides one level deep; `stream` stays sluice's (a
 * warning).
 */
export function mergeProviderOptions(
  body: Record<string, unknown>,
  options: object | undefined,
  warnings: CallWarning[],
): void {
  if (options === undefined) return;
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key === "stream") {
      warnings.push(unsupported("providerOptions.stream", "sluice sets stream itself: not sent"));
      continue;
    }
    const current = body[key];
    body[key] = isRecord(current) && isRecord(value) ? { ...current, ...value } : value;
  }
}
