import type { RequestOptions } from "../http/request_options.ts";
import type { InferSchema, StandardSchemaV1 } from "./standard_schema.ts";
import type {
  AnthropicCacheControl,
  AnthropicMessagesRequest,
} from "../providers/anthropic/types.ts";
import type { GeminiGenerateContentRequest } from "../providers/gemini/types.ts";
import type { OllamaChatRequest } from "../providers/ollama/types.ts";
import type { OpenAIResponsesRequest } from "../providers/openai/responses_types.ts";
import type { OpenAIChatRequest } from "../providers/openai/types.ts";
import type { StreamOptions, StreamStats } from "../response_stream/types.ts";
import type {
  FinishPart,
  FinishReason,
  RawPart,
  ReasoningDeltaPart,
  TextDeltaPart,
  ToolCall,
  ToolCallDeltaPart,
  ToolCallStartPart,
  Usage,
  UsagePart,
} from "../shared/types.ts";

/** The providers a {@linkcode LanguageModel} can talk to. */
export type ProviderId = "ollama" | "openai" | "anthropic" | "gemini";

/**
 * A model of one provider, made by `ollama()`, `openai()`, `anthropic()` or `gemini()`:
 * what `streamText` and `generateText` take as `model`. It carries the
 * provider's client and knows how to map the unified options onto the
 * provider's request.
 */
export interface LanguageModel {
  /** The provider: `"ollama"`, `"openai"`, `"anthropic"` or `"gemini"`. */
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
  id: string;
}

/**
 * Provider-specific options of one message or tool: today Anthropic's prompt
 * cache breakpoint (`{ anthropic: { cacheControl: { type: "ephemeral" } } }`),
 * set on the message's last content block (or on the tool's definition).
 * Other providers ignore it (OpenAI and Gemini cache prompts themselves).
 */
export interface PartProviderOptions {
  /** Anthropic's options. */
  anthropic?: {
    /** A cache breakpoint: everything up to here is cached (`cache_control`). */
    cacheControl?: AnthropicCacheControl;
  };
}

/**
 * Fields merged into one provider's request, and only that provider's: the
 * key is the provider of the call's model, the others are not sent. Each
 * field goes in as given; a field that is an object on both sides (Ollama's
 * `options`, Gemini's `generationConfig`) is merged one level deep, so it
 * keeps what the unified settings set there. `stream` is sluice's to set.
 *
 * The common cases:
 * - reasoning effort: `{ openai: { reasoning_effort: "low" } }` (Chat
 *   Completions) or `{ openai: { reasoning: { effort: "low" } } }` (`api: "responses"`);
 * - Anthropic's thinking budget: `{ anthropic: { thinking: { type: "enabled", budget_tokens: 2048 } } }`;
 * - Ollama's thinking and model lifetime: `{ ollama: { think: true, keep_alive: "10m" } }`;
 * - Gemini's thinking: `{ gemini: { generationConfig: { thinkingConfig: { thinkingBudget: 1024 } } } }`;
 * - Anthropic prompt caching: `cacheControl` on a message or tool (see
 *   {@linkcode PartProviderOptions}), or a `system` of blocks with `cache_control`.
 */
export interface ProviderOptions {
  /** Merged into Ollama's `/api/chat` request (`think`, `keep_alive`, `options`, …). */
  ollama?: Partial<Omit<OllamaChatRequest, "model" | "messages" | "stream">>;
  /** Merged into OpenAI's Chat Completions or Responses request (`reasoning_effort`, `reasoning`, `store`, …). */
  openai?:
    & Partial<Omit<OpenAIChatRequest, "model" | "messages" | "stream">>
    & Partial<Omit<OpenAIResponsesRequest, "model" | "input" | "stream" | keyof OpenAIChatRequest>>;
  /** Merged into Anthropic's Messages request (`thinking`, `metadata`, `system` blocks, …). */
  anthropic?: Partial<Omit<AnthropicMessagesRequest, "model" | "messages" | "stream">>;
  /** Merged into Gemini's request (`generationConfig.thinkingConfig`, `cachedContent`, …). */
  gemini?: Partial<Omit<GeminiGenerateContentRequest, "model" | "contents" | "stream">>;
}

/**
 * A tool the model may call; `Args` is what `execute` receives and `Result`
 * what it returns (awaited), both inferred by `tool()`.
 */
export interface Tool<Args = unknown, Result = unknown> {
  /** What the tool does (the model reads it). */
  description?: string;
  /** Provider-specific options of the tool's definition (Anthropic's `cacheControl`). */
  providerOptions?: PartProviderOptions;
  /**
   * The arguments' schema (an object schema): a JSON Schema, or a Standard
   * Schema (zod, valibot, arktype, …) whose `validate` checks the arguments
   * before `execute` runs — an invalid call is sent back to the model as an
   * error result naming the path. The JSON Schema sent is the Standard
   * Schema's own conversion, or `jsonSchema`.
   */
  parameters: JsonSchema | StandardSchemaV1;
  /** The JSON Schema sent for a Standard Schema that has no conversion (valibot without its converter). */
  jsonSchema?: JsonSchema;
  /**
   * Runs the tool. With `maxSteps > 1`, sluice calls it for each of the
   * model's calls and sends the result back to the model. A throw, arguments
   * that are not valid JSON, or a result that cannot be sent as JSON (a
   * BigInt, a cycle) are sent back as an error result (`isError`), so the
   * model can correct itself.
   */
  execute?(args: Args, options: ToolExecutionOptions): Result | PromiseLike<Result>;
}

/** The tools of a call, by name. */
export type ToolSet = Record<string, Tool>;

/**
 * The arguments of a tool: its Standard Schema's output type, else what its
 * `execute` takes (`tool()` infers it), else `unknown`.
 */
export type InferToolArguments<T> = T extends { parameters: infer S }
  ? [S] extends [StandardSchemaV1] ? InferSchema<S>
  : T extends Tool<infer A, infer _R> ? A
  : unknown
  : unknown;

/** What a tool's `execute` returns, awaited (`unknown` without `execute`). */
export type InferToolResult<T> = T extends { execute?: (...args: never[]) => infer R } ? Awaited<R>
  : unknown;

/**
 * A tool call, typed by the call's tools: `name` is one of their names and
 * `arguments` that tool's arguments (see {@linkcode InferToolArguments}).
 * Without typed tools it is a {@linkcode ToolCall}.
 */
// The conditional (always true) lets a typed result be used where an untyped one is expected.
export type TypedToolCall<TOOLS extends ToolSet> = TOOLS extends ToolSet ? {
    [K in keyof TOOLS & string]: {
      /** The call's id. */
      id: string;
      /** The tool's name. */
      name: K;
      /** The arguments, as the model sent them (the raw string when they were not JSON). */
      arguments: InferToolArguments<TOOLS[K]>;
      /** Why the arguments could not be parsed as JSON, when they could not. */
      parseError?: string | undefined;
    };
  }[keyof TOOLS & string]
  : never;

/**
 * A tool call sluice ran and its result, typed by the call's tools: what the
 * tool's `execute` returned, or, with `isError`, the error's message.
 */
export type TypedToolResult<TOOLS extends ToolSet> = TOOLS extends ToolSet ? {
    [K in keyof TOOLS & string]:
      & TypedToolCall<Pick<TOOLS, K>>
      & (
        | {
          /** What `execute` returned. */
          result: InferToolResult<TOOLS[K]>;
          /** Not an error. */
          isError?: false | undefined;
        }
        | {
          /** Why the tool failed. */
          result: string;
          /** The tool failed. */
          isError: true;
        }
      );
  }[keyof TOOLS & string]
  : never;

/** Whether and which tool the model must call. */
export type ToolChoice = "auto" | "none" | "required" | { type: "tool"; name: string };

/** A system message: instructions. */
export interface SystemMessage {
  /** The role. */
  role: "system";
  /** The instructions. */
  content: string;
  /** Provider-specific options (Anthropic's `cacheControl`). */
  providerOptions?: PartProviderOptions;
}

/** Text in a user or assistant message. */
export interface TextPart {
  /** The part type. */
  type: "text";
  /** The text. */
  text: string;
  /** What the provider attached to it, sent back with it (Gemini's `thoughtSignature`). */
  providerMetadata?: ProviderMetadata;
}

/**
 * An image in a user message: Ollama `images`, OpenAI `image_url` (Responses
 * `input_image`), an Anthropic image block, Gemini `inlineData` or `fileData`.
 */
export interface ImagePart {
  /** The part type. */
  type: "image";
  /**
   * The image: its bytes, base64, a data URL (`data:image/png;base64,…`) or a
   * URL (`https://…`, as a string or a `URL`). Ollama takes no URL (an error).
   */
  image: Uint8Array | ArrayBuffer | string | URL;
  /**
   * The media type (`"image/png"`). When missing it is read from a data URL
   * or the bytes' signature (PNG, JPEG, GIF, WebP).
   */
  mediaType?: string;
}

/**
 * A file in a user message: a PDF (OpenAI `file`, an Anthropic document,
 * Gemini `inlineData`), plain text (an Anthropic text document), audio
 * (OpenAI `input_audio` for WAV and MP3), anything Gemini takes. A file a
 * provider cannot take is an error: dropping it would change the question.
 */
export interface FilePart {
  /** The part type. */
  type: "file";
  /** The file: its bytes, base64, a data URL or a URL. */
  data: Uint8Array | ArrayBuffer | string | URL;
  /** The media type (`"application/pdf"`, `"text/plain"`, `"audio/wav"`, …). */
  mediaType: string;
  /** The file's name (OpenAI sends it; Anthropic's document title). */
  filename?: string;
}

/** A part of a user message's content. */
export type UserContentPart = TextPart | ImagePart | FilePart;

/**
 * Reasoning of an earlier assistant turn, kept so that it goes back where the
 * provider requires it: Anthropic's thinking blocks with their signature,
 * Gemini's thoughts with their `thoughtSignature`, the Responses API's
 * reasoning items (id and `encrypted_content`). A provider that takes no
 * reasoning back (Chat Completions) drops it with a warning.
 */
export interface ReasoningPart {
  /** The part type. */
  type: "reasoning";
  /** The reasoning text. */
  text: string;
  /** The provider's signature of it (Anthropic's `signature`). */
  signature?: string;
  /** Reasoning the provider sent encrypted (Anthropic's `redacted_thinking` data); `text` is "". */
  redactedData?: string;
  /**
   * What the provider attached to it, sent back with it: Gemini's
   * `{ gemini: { thoughtSignature } }`, the Responses API's
   * `{ openai: { itemId, encryptedContent } }`.
   */
  providerMetadata?: ProviderMetadata;
}

/** A tool call in an assistant message's content. */
export interface ToolCallContentPart extends ToolCall {
  /** The part type. */
  type: "tool-call";
  /** What the provider attached to it, sent back with it (Gemini's `thoughtSignature`). */
  providerMetadata?: ProviderMetadata;
}

/** A part of an assistant message's content: text, reasoning, a tool call. */
export type AssistantContentPart = TextPart | ReasoningPart | ToolCallContentPart;

/** A user message. */
export interface UserMessage {
  /** The role. */
  role: "user";
  /** The text, or parts: text, images and files. */
  content: string | UserContentPart[];
  /** Provider-specific options (Anthropic's `cacheControl`). */
  providerOptions?: PartProviderOptions;
}

/**
 * An assistant message: its text, or its parts in order — reasoning (with
 * the provider's signatures), text and tool calls — as a result's
 * `response.messages` gives them, so that a conversation an app keeps sends
 * them back as the provider requires.
 */
export interface AssistantMessage {
  /** The role. */
  role: "assistant";
  /** The text ("" when it only called tools), or its parts in order. */
  content: string | AssistantContentPart[];
  /** Tool calls made after the content (the same as `tool-call` parts at its end). */
  toolCalls?: ToolCall[];
  /** Reasoning done before the content (the same as `reasoning` parts at its start). */
  reasoning?: ReasoningPart[];
  /** Provider-specific options (Anthropic's `cacheControl`). */
  providerOptions?: PartProviderOptions;
}

/** The result of one tool call, sent back to the model. */
export interface ToolMessage {
  /** The role. */
  role: "tool";
  /** The id of the call this answers. */
  id: string;
  /** The tool's name. */
  name: string;
  /** The result: a string is sent as is, anything else as JSON. */
  result: unknown;
  /** True when the result is an error message. */
  isError?: boolean;
  /** Provider-specific options (Anthropic's `cacheControl`). */
  providerOptions?: PartProviderOptions;
}

/** A message of a conversation, in sluice's provider-neutral format. */
export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** A message a generation adds to the conversation: the assistant's turn, or a tool's result. */
export type ResponseMessage = AssistantMessage | ToolMessage;

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

/**
 * A step's response: its status, headers, id and model, and the messages
 * the generation added so far (this step's and the earlier steps').
 */
export interface StepResponseMetadata extends ResponseMetadata {
  /**
   * The assistant's turns (reasoning with its signatures, text, tool calls)
   * and the tool results, from the first step up to this one: append them to
   * the conversation to continue it.
   */
  messages: ResponseMessage[];
}

/** A tool call sluice ran, and its result. */
export interface ToolResult extends ToolCall {
  /** What `execute` returned (or the error's message when it failed). */
  result: unknown;
  /** True when the tool failed: it threw, no such tool exists, its arguments were not JSON, or its result cannot be sent as JSON. */
  isError?: boolean;
}

/** One model call of a (possibly multi-step) generation; `TOOLS` types its tool calls and results. */
export interface StepResult<TOOLS extends ToolSet = ToolSet> {
  /** The text of this step. */
  text: string;
  /** The reasoning of this step. */
  reasoning: string;
  /** The tool calls the model made in this step. */
  toolCalls: TypedToolCall<TOOLS>[];
  /** The results of the tools sluice ran after this step. */
  toolResults: TypedToolResult<TOOLS>[];
  /** Why the step ended, normalized. */
  finishReason: FinishReason;
  /** The provider's own finish reason (`"end_turn"`, `"tool_calls"`, `"stop"`, …). */
  rawFinishReason: string | undefined;
  /** Token counts of this step. */
  usage: Usage;
  /** The options the provider could not honour. */
  warnings: CallWarning[];
  /** Status, headers, id and model of this step's response, and the messages so far. */
  response: StepResponseMetadata;
  /** Provider-specific extras. */
  providerMetadata: ProviderMetadata;
}

/**
 * The result of `generateText`, and of `streamText(...).result()`; `TOOLS`
 * (the call's tools) types its tool calls and results.
 */
export interface GenerateTextResult<TOOLS extends ToolSet = ToolSet> extends StepResult<TOOLS> {
  /** The text of the last step. */
  text: string;
  /** The tool calls of the last step. */
  toolCalls: TypedToolCall<TOOLS>[];
  /** The tool results of the last step. */
  toolResults: TypedToolResult<TOOLS>[];
  /** Why the last step ended. */
  finishReason: FinishReason;
  /** Token counts summed over all steps. */
  totalUsage: Usage;
  /** True when the loop stopped because `maxSteps` was reached with tool calls pending. */
  maxStepsReached: boolean;
  /** Every step, in order. */
  steps: StepResult<TOOLS>[];
}

/** A tool sluice ran, and its result. */
export interface ToolResultPart extends ToolResult {
  /** The part type. */
  type: "tool-result";
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
  usage: Usage;
  /** True when sluice continues with another step (it ran tools). */
  isContinued: boolean;
}

/** The whole generation ended: the last step's finish, with the totals. */
export interface GenerationFinishPart extends FinishPart {
  /** Token counts summed over all steps. */
  totalUsage: Usage;
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

/**
 * A part of `streamText`'s full stream: the provider's normalized parts
 * (the same shapes for every provider), and the tool loop's own. Given the
 * call's tools (`StreamPart<typeof tools>`, what `streamText` infers), a
 * `tool-call` part's `name` and `arguments` and a `tool-result` part's
 * `result` are typed as in {@linkcode TypedToolCall} and
 * {@linkcode TypedToolResult}.
 */
export type StreamPart<TOOLS extends ToolSet = ToolSet> =
  | TextDeltaPart
  | ReasoningDeltaPart
  | ToolCallStartPart
  | ToolCallDeltaPart
  | (TypedToolCall<TOOLS> & { type: "tool-call" })
  | RawPart
  | (TypedToolResult<TOOLS> & { type: "tool-result" })
  | UsagePart
  | StepStartPart
  | StepFinishPart
  | GenerationFinishPart
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
  /**
   * The same as `maxTokens` (the name today's AI SDK uses). Giving both with
   * different values is a `TypeError`.
   */
  maxOutputTokens?: number;
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

/**
 * The options of `streamText` and `generateText`: the model, the prompt, the
 * settings, the request options (`signal`, timeouts, …: in a unified call they
 * go here, as in a client call's options object) and the callbacks. `TOOLS`
 * (inferred from `tools`) types the result's tool calls and results.
 */
export interface StreamTextOptions<TOOLS extends ToolSet = ToolSet>
  extends
    CallSettings,
    Prompt,
    RequestOptions,
    StreamOptions<StreamPart<NoInfer<TOOLS>>, GenerateTextResult<NoInfer<TOOLS>>> {
  /** The model, from `ollama()`, `openai()`, `anthropic()` or `gemini()`. */
  model: LanguageModel;
  /** The tools the model may call. */
  tools?: TOOLS;
  /**
   * Fields for one provider's request only (reasoning effort, Anthropic's
   * thinking budget, Ollama's `think` and `keep_alive`, …): see
   * {@linkcode ProviderOptions}.
   */
  providerOptions?: ProviderOptions;
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
  /**
   * More reasons to end the tool loop: after each step (its tools run), the
   * loop ends when any condition returns `true` — see `hasToolCall(name)` and
   * `stepCountIs(n)`. `maxSteps` still caps the loop.
   */
  stopWhen?: StopCondition | StopCondition[];
  /**
   * The tools sent in each step: a list of names, or a function of the step's
   * number (from 0) returning one (`undefined`: all of `tools`). A tool
   * outside the list is not sent, and a call to it is not run; a name that is
   * not in `tools` is a warning of its step.
   */
  activeTools?: string[] | ((step: number) => string[] | undefined);
  /**
   * Called after each step with its result (tool results included), before
   * the next step starts; a returned promise is awaited. A throw is reported
   * (`reportError`), never the stream's error.
   */
  onStepFinish?: (step: StepResult<NoInfer<TOOLS>>) => unknown;
  /** The same as `signal` (the AI SDK's name). */
  abortSignal?: AbortSignal;
}

/**
 * A reason to end the tool loop after a step, given the steps so far (the
 * last one just finished, its tool results included).
 */
export type StopCondition = (options: { steps: StepResult[] }) => boolean | PromiseLike<boolean>;

/** {@linkcode StreamStats} of the current step's response stream. */
export type UnifiedStreamStats = StreamStats;
