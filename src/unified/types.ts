import type { RequestOptions } from "../http/request_options.ts";
import type { StreamStats } from "../stream/types.ts";

/** The providers a {@linkcode LanguageModel} can talk to. */
export type ProviderId = "ollama" | "openai" | "anthropic";

/**
 * A model of one provider, made by `ollama()`, `openai()` or `anthropic()`:
 * what `streamText` and `generateText` take as `model`. It carries the
 * provider's client and knows how to map the unified options onto the
 * provider's request.
 */
export interface LanguageModel {
  /** The provider: `"ollama"`, `"openai"` or `"anthropic"`. */
  readonly provider: ProviderId;
  /** The model name sent to the provider (`"llama3.2"`, `"gpt-4o-mini"`, …). */
  readonly modelId: string;
}

/** A JSON Schema (the subset every provider understands is enough). */
export interface JsonSchema {
  /** The type: `"object"`, `"array"`, `"string"`, `"number"`, `"integer"`, `"boolean"`, `"null"`. */
  type?: string | string[];
  /** What the value means (models read it). */
  description?: string;
  /** The values allowed. */
  enum?: unknown[];
  /** The properties of an object. */
  properties?: Record<string, JsonSchema>;
  /** The properties an object must have. */
  required?: string[];
  /** The schema of an array's elements. */
  items?: JsonSchema;
  /** Whether an object may have other properties. */
  additionalProperties?: boolean | JsonSchema;
  /** Any other keyword, passed on as given. */
  [keyword: string]: unknown;
}

/** What a tool's `execute` receives besides the arguments. */
export interface ToolExecutionOptions {
  /** Aborted when the call is cancelled or its signal aborts. */
  signal: AbortSignal;
  /** The id of the tool call being answered. */
  toolCallId: string;
}

/** A tool the model may call. */
export interface Tool {
  /** What the tool does (the model reads it). */
  description?: string;
  /** The JSON Schema of the arguments (an object schema). */
  parameters: JsonSchema;
  /**
   * Runs the tool. With `maxSteps > 1`, sluice calls it for each of the
   * model's calls and sends the result back to the model.
   */
  execute?: (args: unknown, options: ToolExecutionOptions) => unknown;
}

/** The tools of a call, by name. */
export type ToolSet = Record<string, Tool>;

/** Whether and which tool the model must call. */
export type ToolChoice = "auto" | "none" | "required" | { type: "tool"; toolName: string };

/** A tool call in a unified message or result. */
export interface ToolCallPart {
  /** The call's id (generated when the provider gives none). */
  toolCallId: string;
  /** The tool's name. */
  toolName: string;
  /** The arguments (parsed JSON; the raw string if they could not be parsed). */
  args: unknown;
}

/** A system message: instructions. */
export interface SystemMessage {
  /** The role. */
  role: "system";
  /** The instructions. */
  content: string;
}

/** A user message. */
export interface UserMessage {
  /** The role. */
  role: "user";
  /** The text. */
  content: string;
}

/** An assistant message: text, and the tool calls it made. */
export interface AssistantMessage {
  /** The role. */
  role: "assistant";
  /** The text ("" when it only called tools). */
  content: string;
  /** The tool calls the assistant made. */
  toolCalls?: ToolCallPart[];
}

/** The result of one tool call, sent back to the model. */
export interface ToolMessage {
  /** The role. */
  role: "tool";
  /** The id of the call this answers. */
  toolCallId: string;
  /** The tool's name. */
  toolName: string;
  /** The result: a string is sent as is, anything else as JSON. */
  result: unknown;
  /** True when the result is an error message. */
  isError?: boolean;
}

/** A message of a conversation, in sluice's provider-neutral format. */
export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/**
 * Why generation ended, the same for every provider: `"stop"` (natural end or
 * a stop sequence), `"length"` (the token limit), `"tool-calls"`,
 * `"content-filter"` (refused or filtered), `"error"`, `"other"`.
 */
export type FinishReason = "stop" | "length" | "tool-calls" | "content-filter" | "error" | "other";

/** Token counts, the same for every provider. */
export interface LanguageModelUsage {
  /** Tokens in the prompt (Anthropic: cache reads and writes included). */
  inputTokens?: number | undefined;
  /** Tokens generated. */
  outputTokens?: number | undefined;
  /** Input plus output, when both are known. */
  totalTokens?: number | undefined;
}

/** An option the provider cannot honour: reported, never silently dropped. */
export interface CallWarning {
  /** The kind of warning. */
  type: "unsupported-setting" | "other";
  /** The option's name (`"topK"`, `"seed"`, …), for `"unsupported-setting"`. */
  setting?: string;
  /** Why, in words. */
  details?: string;
}

/** Provider-specific extras, under the provider's id (`{ anthropic: { … } }`). */
export type ProviderMetadata = Record<string, Record<string, unknown>>;

/** The HTTP response and what the provider said about itself. */
export interface ResponseMetadata {
  /** The HTTP status code. */
  status: number;
  /** The response headers. */
  headers: Headers;
  /** The provider's id of the response (`chatcmpl-…`, `msg_…`; Ollama sends none). */
  id?: string | undefined;
  /** The model that answered, as the provider named it. */
  model?: string | undefined;
}

/** A finished tool call, with its arguments parsed. */
export interface ToolCallResult extends ToolCallPart {
  /** Why the arguments could not be parsed as JSON, when they could not. */
  parseError?: string | undefined;
}

/** The result of running a tool. */
export interface ToolResult {
  /** The id of the call answered. */
  toolCallId: string;
  /** The tool's name. */
  toolName: string;
  /** The arguments it ran with. */
  args: unknown;
  /** What `execute` returned (or the error's message when it threw). */
  result: unknown;
  /** True when `execute` threw (or no such tool exists). */
  isError?: boolean;
}

/** One model call of a (possibly multi-step) generation. */
export interface StepResult {
  /** The text of this step. */
  text: string;
  /** The reasoning of this step. */
  reasoning: string;
  /** The tool calls the model made in this step. */
  toolCalls: ToolCallResult[];
  /** The results of the tools sluice ran after this step. */
  toolResults: ToolResult[];
  /** Why the step ended, normalized. */
  finishReason: FinishReason;
  /** The provider's own finish reason (`"end_turn"`, `"tool_calls"`, `"stop"`, …). */
  rawFinishReason: string | undefined;
  /** Token counts of this step. */
  usage: LanguageModelUsage;
  /** The options the provider could not honour. */
  warnings: CallWarning[];
  /** Status, headers, id and model of this step's response. */
  response: ResponseMetadata;
  /** Provider-specific extras. */
  providerMetadata: ProviderMetadata;
}

/** The result of `generateText`, and of `streamText(...).result()`. */
export interface GenerateTextResult extends StepResult {
  /** The text of the last step. */
  text: string;
  /** The tool calls of the last step. */
  toolCalls: ToolCallResult[];
  /** The tool results of the last step. */
  toolResults: ToolResult[];
  /** Why the last step ended. */
  finishReason: FinishReason;
  /** Token counts summed over all steps. */
  totalUsage: LanguageModelUsage;
  /** True when the loop stopped because `maxSteps` was reached with tool calls pending. */
  maxStepsReached: boolean;
  /** Every step, in order. */
  steps: StepResult[];
}

/** A text delta. */
export interface TextDeltaPart {
  /** The part type. */
  type: "text-delta";
  /** The new text. */
  text: string;
}

/** A reasoning delta ("thinking"). */
export interface ReasoningDeltaPart {
  /** The part type. */
  type: "reasoning-delta";
  /** The new reasoning text. */
  text: string;
}

/** The model started a tool call. */
export interface ToolCallStartPart {
  /** The part type. */
  type: "tool-call-start";
  /** The call's id. */
  toolCallId: string;
  /** The tool's name. */
  toolName: string;
}

/** More of a tool call's arguments, as JSON text. */
export interface ToolCallDeltaPart {
  /** The part type. */
  type: "tool-call-delta";
  /** The call's id. */
  toolCallId: string;
  /** The tool's name. */
  toolName: string;
  /** The next piece of the arguments' JSON text. */
  argsTextDelta: string;
}

/** A complete tool call, its arguments parsed. */
export interface ToolCallStreamPart extends ToolCallResult {
  /** The part type. */
  type: "tool-call";
}

/** A tool sluice ran, and its result. */
export interface ToolResultPart extends ToolResult {
  /** The part type. */
  type: "tool-result";
}

/** Token counts of a step. */
export interface UsagePart {
  /** The part type. */
  type: "usage";
  /** The counts. */
  usage: LanguageModelUsage;
}

/** A model call starts. */
export interface StepStartPart {
  /** The part type. */
  type: "step-start";
  /** The step's number, from 0. */
  step: number;
  /** The options the provider could not honour. */
  warnings: CallWarning[];
}

/** A model call ended. */
export interface StepFinishPart {
  /** The part type. */
  type: "step-finish";
  /** The step's number, from 0. */
  step: number;
  /** Why the step ended, normalized. */
  finishReason: FinishReason;
  /** The provider's own finish reason. */
  rawFinishReason: string | undefined;
  /** Token counts of the step. */
  usage: LanguageModelUsage;
  /** True when sluice continues with another step (it ran tools). */
  isContinued: boolean;
}

/** The whole generation ended. */
export interface FinishPart {
  /** The part type. */
  type: "finish";
  /** Why the last step ended, normalized. */
  finishReason: FinishReason;
  /** The provider's own finish reason. */
  rawFinishReason: string | undefined;
  /** Token counts summed over all steps. */
  totalUsage: LanguageModelUsage;
  /** True when `maxSteps` was reached with tool calls pending. */
  maxStepsReached: boolean;
}

/** The stream failed; the last part. */
export interface ErrorPart {
  /** The part type. */
  type: "error";
  /** The error (an `HttpError`, `TimeoutError`, `ProviderError`, … carrying `partial`). */
  error: unknown;
}

/** A part of {@linkcode StreamTextOptions}'s full stream: the same shapes for every provider. */
export type StreamPart =
  | TextDeltaPart
  | ReasoningDeltaPart
  | ToolCallStartPart
  | ToolCallDeltaPart
  | ToolCallStreamPart
  | ToolResultPart
  | UsagePart
  | StepStartPart
  | StepFinishPart
  | FinishPart
  | ErrorPart;

/** Generation settings, mapped onto each provider's own fields. */
export interface CallSettings {
  /**
   * The most tokens to generate: Ollama `options.num_predict`, OpenAI
   * `max_completion_tokens` (or `max_tokens`, see `openai()`'s
   * `maxTokensField`), Anthropic `max_tokens`.
   *
   * @default {4096} for Anthropic, which requires it; the server's default elsewhere
   */
  maxTokens?: number;
  /** Sampling temperature. */
  temperature?: number;
  /** Nucleus sampling. */
  topP?: number;
  /** Top-k sampling (Ollama, Anthropic; a warning on OpenAI). */
  topK?: number;
  /** Frequency penalty (Ollama, OpenAI; a warning on Anthropic). */
  frequencyPenalty?: number;
  /** Presence penalty (Ollama, OpenAI; a warning on Anthropic). */
  presencePenalty?: number;
  /** Stop sequences (Anthropic `stop_sequences`). */
  stop?: string[];
  /** Random seed (Ollama, OpenAI; a warning on Anthropic). */
  seed?: number;
}

/** The prompt: a system text and either one user prompt or a conversation. */
export interface Prompt {
  /** Instructions: Ollama/OpenAI a system message, Anthropic the `system` field. */
  system?: string;
  /** A single user message (or use `messages`). */
  prompt?: string;
  /** The conversation (after `system`, before `prompt` when both are given). */
  messages?: Message[];
}

/** The options of {@linkcode StreamTextOptions} and `generateText`. */
export interface StreamTextOptions extends CallSettings, Prompt, RequestOptions {
  /** The model, from `ollama()`, `openai()` or `anthropic()`. */
  model: LanguageModel;
  /** The tools the model may call. */
  tools?: ToolSet;
  /** Whether and which tool the model must call. */
  toolChoice?: ToolChoice;
  /**
   * The most model calls: above 1, sluice runs tools that have `execute`,
   * sends their results back and calls the model again, until it stops
   * calling tools or this many calls were made.
   *
   * @default {1}
   */
  maxSteps?: number;
  /** Called with every part of the full stream (never blocks it; a throw goes to `onError`). */
  onChunk?: (part: StreamPart) => void;
  /** Called once with the result when the generation completed. */
  onFinish?: (result: GenerateTextResult) => void;
  /** Called once if the generation fails. */
  onError?: (error: unknown) => void;
}

/** {@linkcode StreamStats} of the current step's response stream. */
export type UnifiedStreamStats = StreamStats;
