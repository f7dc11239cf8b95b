/**
 * The wire types of OpenAI's Chat Completions, legacy Completions and Models
 * endpoints, with the vendor fields that OpenAI-compatible servers add, and
 * the assembled results sluice builds from a stream.
 *
 * @module
 */

import type { StreamResult, ToolCall, Usage } from "../../shared/types.ts";

// ---------------------------------------------------------------------------
// Request: messages
// ---------------------------------------------------------------------------

/** A text part of a message's content. */
export interface OpenAITextPart {
  /** The part type. */
  type: "text";
  /** The text. */
  text: string;
}

/** An image part of a user message: a URL or a `data:` URL. */
export interface OpenAIImagePart {
  /** The part type. */
  type: "image_url";
  /** The image. */
  image_url: {
    /** An `https:` URL or a base64 `data:image/…` URL. */
    url: string;
    /** How closely the model looks at the image. */
    detail?: "auto" | "low" | "high";
  };
}

/** An audio part of a user message (audio-capable models). */
export interface OpenAIAudioPart {
  /** The part type. */
  type: "input_audio";
  /** The audio. */
  input_audio: {
    /** Base64-encoded audio bytes. */
    data: string;
    /** The audio format. */
    format: "wav" | "mp3";
  };
}

/** A file part of a user message (PDF input): inline data or an uploaded file's id. */
export interface OpenAIFilePart {
  /** The part type. */
  type: "file";
  /** The file. */
  file: {
    /** Base64 `data:` URL of the file's contents. */
    file_data?: string;
    /** The id of an uploaded file. */
    file_id?: string;
    /** The file name. */
    filename?: string;
  };
}

/** A refusal part of an assistant message echoed back. */
export interface OpenAIRefusalPart {
  /** The part type. */
  type: "refusal";
  /** The refusal text. */
  refusal: string;
}

/** A part of a user message's content. */
export type OpenAIUserContentPart =
  | OpenAITextPart
  | OpenAIImagePart
  | OpenAIAudioPart
  | OpenAIFilePart;

/** A tool call of an assistant message, as echoed back in the next request. */
export type OpenAIMessageToolCall =
  | {
    /** The call's id, answered by a `tool` message's `tool_call_id`. */
    id: string;
    /** A function call. */
    type: "function";
    /** The function and its arguments. */
    function: {
      /** The function's name. */
      name: string;
      /** The arguments as the model produced them: a JSON string. */
      arguments: string;
    };
  }
  | {
    /** The call's id. */
    id: string;
    /** A custom (free-form input) tool call. */
    type: "custom";
    /** The tool and its input. */
    custom: {
      /** The tool's name. */
      name: string;
      /** The input the model produced. */
      input: string;
    };
  };

/** Instructions that models from o1 on follow over user messages (replaces `system`). */
export interface OpenAIDeveloperMessage {
  /** The role. */
  role: "developer";
  /** The instructions. */
  content: string | OpenAITextPart[];
  /** An optional participant name. */
  name?: string;
}

/** Instructions to the model (`developer` on newer OpenAI models). */
export interface OpenAISystemMessage {
  /** The role. */
  role: "system";
  /** The instructions. */
  content: string | OpenAITextPart[];
  /** An optional participant name. */
  name?: string;
}

/** A message from the user. */
export interface OpenAIUserMessage {
  /** The role. */
  role: "user";
  /** Text, or text, image, audio and file parts. */
  content: string | OpenAIUserContentPart[];
  /** An optional participant name. */
  name?: string;
}

/** A previous answer of the model, echoed back. */
export interface OpenAIAssistantMessage {
  /** The role. */
  role: "assistant";
  /** The answer text; `null` (or absent) for a turn that only called tools. */
  content?: string | (OpenAITextPart | OpenAIRefusalPart)[] | null;
  /** The refusal, when the model refused. */
  refusal?: string | null;
  /** The tool calls the model made, with their raw `arguments` strings. */
  tool_calls?: OpenAIMessageToolCall[];
  /**
   * The deprecated single function call.
   *
   * @deprecated Use `tool_calls`.
   */
  function_call?: { name: string; arguments: string } | null;
  /** A previous audio answer, by id. */
  audio?: { id: string } | null;
  /** An optional participant name. */
  name?: string;
  /** Reasoning text, for servers that want it back (DeepSeek and vLLM with tool calls). */
  reasoning_content?: string | null;
  /** Reasoning text, for servers that name it `reasoning` (OpenRouter, Ollama). */
  reasoning?: string | null;
}

/** The result of a tool call. */
export interface OpenAIToolMessage {
  /** The role. */
  role: "tool";
  /** The `id` of the call this answers. */
  tool_call_id: string;
  /** The result. */
  content: string | OpenAITextPart[];
}

/**
 * The result of a deprecated function call.
 *
 * @deprecated Use `tool` messages.
 */
export interface OpenAIFunctionMessage {
  /** The role. */
  role: "function";
  /** The function's name. */
  name: string;
  /** The result. */
  content: string | null;
}

/** One message of a conversation. */
export type OpenAIChatMessage =
  | OpenAIDeveloperMessage
  | OpenAISystemMessage
  | OpenAIUserMessage
  | OpenAIAssistantMessage
  | OpenAIToolMessage
  | OpenAIFunctionMessage;

// ---------------------------------------------------------------------------
// Request: tools and options
// ---------------------------------------------------------------------------

/** A JSON Schema object. */
export type OpenAIJsonSchema = Record<string, unknown>;

/** A function the model may call. */
export interface OpenAIFunctionTool {
  /** The tool type. */
  type: "function";
  /** The function. */
  function: {
    /** The name the model calls it by (a–z, A–Z, 0–9, `_`, `-`; up to 64). */
    name: string;
    /** What it does and when to call it. */
    description?: string;
    /** Its parameters, as a JSON Schema object; omit for none. */
    parameters?: OpenAIJsonSchema;
    /** Make the model follow the schema exactly (structured outputs). */
    strict?: boolean | null;
  };
}

/** A tool that takes free-form text input, optionally constrained by a grammar. */
export interface OpenAICustomTool {
  /** The tool type. */
  type: "custom";
  /** The tool. */
  custom: {
    /** The name the model calls it by. */
    name: string;
    /** What it does and when to call it. */
    description?: string;
    /** The input format: unconstrained text, or a Lark or regex grammar. */
    format?:
      | { type: "text" }
      | { type: "grammar"; grammar: { definition: string; syntax: "lark" | "regex" } };
  };
}

/** A tool the model may call. */
export type OpenAITool = OpenAIFunctionTool | OpenAICustomTool;

/** Whether and which tool the model must call. */
export type OpenAIToolChoice =
  | "none"
  | "auto"
  | "required"
  | { type: "function"; function: { name: string } }
  | { type: "custom"; custom: { name: string } }
  | {
    type: "allowed_tools";
    allowed_tools: {
      mode: "auto" | "required";
      tools: ({ type: "function"; function: { name: string } } | {
        type: "custom";
        custom: { name: string };
      })[];
    };
  };

/** The shape of the answer: free text, any JSON object, or JSON that follows a schema. */
export type OpenAIResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
    type: "json_schema";
    json_schema: {
      /** The schema's name. */
      name: string;
      /** What the answer is for. */
      description?: string;
      /** The JSON Schema the answer follows. */
      schema?: OpenAIJsonSchema;
      /** Follow the schema exactly. */
      strict?: boolean | null;
    };
  };

/** Options of a streamed answer. */
export interface OpenAIStreamOptions {
  /** Send a last chunk with `choices: []` and the token counts. */
  include_usage?: boolean;
  /** Set `false` to drop the `obfuscation` padding field from chunks. */
  include_obfuscation?: boolean;
  /** vLLM: put the running usage on every chunk. */
  continuous_usage_stats?: boolean;
}

/** OpenAI's finish reasons, and any a compatible server adds. */
export type OpenAIFinishReason =
  | "stop"
  | "length"
  | "tool_calls"
  | "content_filter"
  | "function_call"
  // deno-lint-ignore ban-types
  | (string & {});

/**
 * A `POST /chat/completions` request. Compatible servers accept extra
 * parameters (Ollama's `options`, vLLM's `top_k`, OpenRouter's `provider`),
 * so any further field is sent as given.
 */
export interface OpenAIChatRequest {
  /** The model, e.g. `"gpt-4.1-mini"`, `"llama3.2"`, `"deepseek-reasoner"`. */
  model: string;
  /** The conversation so far. */
  messages: OpenAIChatMessage[];
  /**
   * `false` for one complete JSON answer instead of a stream.
   *
   * @default {true}
   */
  stream?: boolean;
  /**
   * Options of the stream. sluice sends `{ include_usage: true }` unless you
   * set this (`{}` or `null` to ask for no usage).
   */
  stream_options?: OpenAIStreamOptions | null;
  /** The tools the model may call. */
  tools?: OpenAITool[];
  /** Whether and which tool the model must call. */
  tool_choice?: OpenAIToolChoice;
  /** Let the model make several tool calls in one turn. */
  parallel_tool_calls?: boolean;
  /** The most tokens to generate, reasoning included. */
  max_completion_tokens?: number | null;
  /**
   * The most tokens to generate.
   *
   * @deprecated Use `max_completion_tokens` on OpenAI; compatible servers still use this.
   */
  max_tokens?: number | null;
  /** Sampling temperature, 0–2. */
  temperature?: number | null;
  /** Nucleus sampling probability mass. */
  top_p?: number | null;
  /** Up to 4 sequences where generation stops. */
  stop?: string | string[] | null;
  /** A seed for best-effort deterministic sampling. */
  seed?: number | null;
  /** Penalty for tokens already present, −2 to 2. */
  presence_penalty?: number | null;
  /** Penalty proportional to a token's frequency, −2 to 2. */
  frequency_penalty?: number | null;
  /** Return the log probabilities of the output tokens. */
  logprobs?: boolean | null;
  /** How many most likely alternatives to return per token (0–20); needs `logprobs`. */
  top_logprobs?: number | null;
  /** Token id → bias (−100 to 100). */
  logit_bias?: Record<string, number> | null;
  /** The shape of the answer. */
  response_format?: OpenAIResponseFormat;
  /** How hard a reasoning model thinks. */
  reasoning_effort?:
    | "none"
    | "minimal"
    | "low"
    | "medium"
    | "high"
    | "xhigh"
    // deno-lint-ignore ban-types
    | (string & {})
    | null;
  /** How many choices to generate. */
  n?: number | null;
  /**
   * An end-user identifier.
   *
   * @deprecated Use `safety_identifier` and `prompt_cache_key` on OpenAI.
   */
  user?: string;
  /** A stable identifier of the end user, for abuse detection. */
  safety_identifier?: string;
  /** A key to improve prompt-cache hits across requests. */
  prompt_cache_key?: string;
  /** The processing tier. */
  // deno-lint-ignore ban-types
  service_tier?: "auto" | "default" | "flex" | "scale" | "priority" | (string & {}) | null;
  /** Output modalities, e.g. `["text", "audio"]`. */
  modalities?: ("text" | "audio")[] | null;
  /** Audio output parameters, with `modalities: ["text", "audio"]`. */
  audio?: { voice: string; format: "wav" | "aac" | "mp3" | "flac" | "opus" | "pcm16" } | null;
  /** Predicted output, to speed up regenerating mostly known text. */
  prediction?: { type: "content"; content: string | OpenAITextPart[] } | null;
  /** Up to 16 key-value pairs stored with the completion. */
  metadata?: Record<string, string> | null;
  /** Store the completion for distillation and evals. */
  store?: boolean | null;
  /** How verbose the answer is. */
  verbosity?: "low" | "medium" | "high" | null;
  /** Any vendor parameter of an OpenAI-compatible server. */
  [key: string]: unknown;
}

// ---------------------------------------------------------------------------
// Stream chunks
// ---------------------------------------------------------------------------

/** The log probability of one token. */
export interface OpenAITokenLogprob {
  /** The token. */
  token: string;
  /** Its log probability. */
  logprob: number;
  /** Its UTF-8 bytes (`null` when it has none). */
  bytes: number[] | null;
  /** The most likely tokens at this position. */
  top_logprobs: { token: string; logprob: number; bytes: number[] | null }[];
}

/** The log probabilities of a choice's tokens (of one chunk, or concatenated). */
export interface OpenAILogprobs {
  /** The content tokens. */
  content: OpenAITokenLogprob[] | null;
  /** The refusal tokens. */
  refusal: OpenAITokenLogprob[] | null;
}

/** One tool-call fragment of a delta. */
export interface OpenAIToolCallDelta {
  /** The call's position in this turn (some compatible servers omit or repeat it). */
  index?: number;
  /** The call's id: on the first fragment of a call. */
  id?: string;
  /** `"function"` or `"custom"`: on the first fragment of a call. */
  type?: "function" | "custom";
  /** A function call's name (first fragment) and a piece of its arguments string. */
  function?: { name?: string; arguments?: string };
  /** A custom tool call's name (first fragment) and a piece of its input. */
  custom?: { name?: string; input?: string };
}

/** What one chunk adds to a choice. Absent and `null` both mean "no change". */
export interface OpenAIChatDelta {
  /** `"assistant"` on a choice's first chunk (some servers repeat it). */
  role?: "assistant" | "developer" | "system" | "user" | "tool" | null;
  /** A piece of the answer text. */
  content?: string | null;
  /** A piece of a refusal. */
  refusal?: string | null;
  /** A piece of reasoning (DeepSeek, llama.cpp, older vLLM). */
  reasoning_content?: string | null;
  /** A piece of reasoning (Ollama, OpenRouter, Groq, newer vLLM). */
  reasoning?: string | null;
  /** Structured reasoning blocks (OpenRouter). */
  reasoning_details?: unknown[];
  /** Tool-call fragments. */
  tool_calls?: OpenAIToolCallDelta[] | null;
  /**
   * A piece of the deprecated single function call.
   *
   * @deprecated Servers send `tool_calls` now.
   */
  function_call?: { name?: string; arguments?: string } | null;
  /** A piece of an audio answer. */
  audio?: { id?: string; data?: string; transcript?: string; expires_at?: number };
}

/** One choice's part of a chunk. */
export interface OpenAIChatChunkChoice {
  /** Which choice this is (0 … n−1). */
  index: number;
  /** What this chunk adds. */
  delta: OpenAIChatDelta;
  /** The log probabilities of this chunk's tokens, when requested. */
  logprobs?: OpenAILogprobs | null;
  /** Why the choice ended; `null` until it has. */
  finish_reason: OpenAIFinishReason | null;
  /** The upstream provider's own finish reason (OpenRouter). */
  native_finish_reason?: string | null;
  /** The stop token or string that ended generation (vLLM). */
  stop_reason?: number | string | null;
  /** Azure's content-filter verdicts. */
  content_filter_results?: Record<string, unknown>;
}

/** The token counts of an OpenAI-style stream's result, with the usage object as sent. */
export interface OpenAIResultUsage extends Usage {
  /**
   * The usage object as the server sent it (top-level `usage`, or Groq's
   * `x_groq.usage`), vendor fields included; absent when none came.
   */
  raw?: OpenAIUsage | undefined;
}

/** Token counts, with the details OpenAI and compatible servers add. */
export interface OpenAIUsage {
  /** Tokens in the prompt. */
  prompt_tokens: number;
  /** Tokens generated, reasoning included. */
  completion_tokens: number;
  /** Their sum. */
  total_tokens: number;
  /** Prompt details. */
  prompt_tokens_details?: {
    cached_tokens?: number;
    audio_tokens?: number;
  } | null;
  /** Completion details. */
  completion_tokens_details?: {
    reasoning_tokens?: number;
    audio_tokens?: number;
    accepted_prediction_tokens?: number;
    rejected_prediction_tokens?: number;
  } | null;
  /** DeepSeek: prompt tokens served from its cache. */
  prompt_cache_hit_tokens?: number;
  /** DeepSeek: prompt tokens not in its cache. */
  prompt_cache_miss_tokens?: number;
  /** OpenRouter: what the request cost, in credits. */
  cost?: number;
  /** Groq: seconds queued. */
  queue_time?: number;
  /** Groq: seconds spent on the prompt. */
  prompt_time?: number;
  /** Groq: seconds spent generating. */
  completion_time?: number;
  /** Groq: seconds in all. */
  total_time?: number;
}

/** Groq's extra object on a chunk. */
export interface OpenAIGroqExtension {
  /** Groq's request id (first chunk). */
  id?: string;
  /** Token counts and timings (last chunk). */
  usage?: OpenAIUsage;
  /** An error description, on a failed stream. */
  error?: string;
}

/** llama.cpp's timings on the last chunk. */
export interface OpenAITimings {
  /** Prompt tokens evaluated (cache hits excluded). */
  prompt_n?: number;
  /** Milliseconds spent on the prompt. */
  prompt_ms?: number;
  /** Prompt tokens per second. */
  prompt_per_second?: number;
  /** Tokens generated. */
  predicted_n?: number;
  /** Milliseconds spent generating. */
  predicted_ms?: number;
  /** Tokens generated per second. */
  predicted_per_second?: number;
  /** Prompt tokens served from the cache. */
  cache_n?: number;
}

/** One `chat.completion.chunk` of a stream, with the vendor fields compatible servers add. */
export interface OpenAIChatChunk {
  /** The completion's id, the same on every chunk. */
  id: string;
  /** Always `"chat.completion.chunk"`. */
  object: "chat.completion.chunk";
  /** Unix seconds, the same on every chunk. */
  created: number;
  /** The model snapshot that answered. */
  model: string;
  /** The choices this chunk adds to; empty on the usage chunk. */
  choices: OpenAIChatChunkChoice[];
  /** The token counts: `null` or absent except on the usage (or finish) chunk. */
  usage?: OpenAIUsage | null;
  /** The backend configuration (deprecated). */
  system_fingerprint?: string | null;
  /** The processing tier actually used. */
  service_tier?: string | null;
  /** Random padding that hides token lengths; ignore it. */
  obfuscation?: string;
  /** Groq: request id and, on the last chunk, usage with timings. */
  x_groq?: OpenAIGroqExtension;
  /** llama.cpp: prompt and generation timings. */
  timings?: OpenAITimings;
  /** OpenRouter: the upstream provider that answered. */
  provider?: string;
  /** Azure: the prompt's content-filter verdicts (first chunk). */
  prompt_filter_results?: unknown[];
}

// ---------------------------------------------------------------------------
// Complete (non-streamed) answers and models
// ---------------------------------------------------------------------------

/** The message of a complete answer's choice. */
export interface OpenAIChatCompletionMessage {
  /** Always `"assistant"`. */
  role: "assistant";
  /** The answer text, or `null` for a tool-call-only turn. */
  content: string | null;
  /** The refusal, when the model refused. */
  refusal?: string | null;
  /** The tool calls the model made. */
  tool_calls?: OpenAIMessageToolCall[];
  /**
   * The deprecated single function call.
   *
   * @deprecated
   */
  function_call?: { name: string; arguments: string } | null;
  /** URL citations (web search). */
  annotations?: unknown[];
  /** An audio answer. */
  audio?: { id: string; data: string; transcript: string; expires_at: number } | null;
  /** Reasoning text (DeepSeek, llama.cpp, older vLLM). */
  reasoning_content?: string | null;
  /** Reasoning text (Ollama, OpenRouter, Groq, newer vLLM). */
  reasoning?: string | null;
}

/** One choice of a complete answer. */
export interface OpenAIChatCompletionChoice {
  /** Which choice this is. */
  index: number;
  /** The answer. */
  message: OpenAIChatCompletionMessage;
  /** The log probabilities, when requested. */
  logprobs?: OpenAILogprobs | null;
  /** Why the choice ended. */
  finish_reason: OpenAIFinishReason | null;
}

/** A complete `chat.completion` answer (`stream: false`). */
export interface OpenAIChatCompletion {
  /** The completion's id. */
  id: string;
  /** Always `"chat.completion"`. */
  object: "chat.completion";
  /** Unix seconds. */
  created: number;
  /** The model snapshot that answered. */
  model: string;
  /** The choices. */
  choices: OpenAIChatCompletionChoice[];
  /** The token counts. */
  usage?: OpenAIUsage;
  /** The backend configuration (deprecated). */
  system_fingerprint?: string | null;
  /** The processing tier actually used. */
  service_tier?: string | null;
}

/** A model, as `GET /models` lists it. */
export interface OpenAIModel {
  /** The id to pass as `model`. */
  id: string;
  /** Always `"model"`. */
  object: "model";
  /** Unix seconds. */
  created: number;
  /** The organization that owns it (`"openai"`, `"system"`, `"library"` on Ollama). */
  owned_by: string;
}

/** The answer of `GET /models`. */
export interface OpenAIModelList {
  /** Always `"list"`. */
  object: "list";
  /** The models. */
  data: OpenAIModel[];
}

// ---------------------------------------------------------------------------
// Legacy completions
// ---------------------------------------------------------------------------

/** A legacy `POST /completions` request. Any further field is sent as given. */
export interface OpenAICompletionRequest {
  /** The model, e.g. `"gpt-3.5-turbo-instruct"`. */
  model: string;
  /** The prompt: text, several texts, or token ids. */
  prompt: string | string[] | number[] | number[][];
  /**
   * `false` for one complete JSON answer instead of a stream.
   *
   * @default {true}
   */
  stream?: boolean;
  /** Options of the stream; sluice sends `{ include_usage: true }` unless you set this. */
  stream_options?: OpenAIStreamOptions | null;
  /** Text that comes after the completion. */
  suffix?: string | null;
  /** The most tokens to generate. */
  max_tokens?: number | null;
  /** Sampling temperature, 0–2. */
  temperature?: number | null;
  /** Nucleus sampling probability mass. */
  top_p?: number | null;
  /** How many completions to generate. */
  n?: number | null;
  /** Return the log probabilities of this many most likely tokens (0–5). */
  logprobs?: number | null;
  /** Echo the prompt back before the completion. */
  echo?: boolean | null;
  /** Up to 4 sequences where generation stops. */
  stop?: string | string[] | null;
  /** Penalty for tokens already present. */
  presence_penalty?: number | null;
  /** Penalty proportional to a token's frequency. */
  frequency_penalty?: number | null;
  /** Generate this many server-side and return the best (not with streaming). */
  best_of?: number | null;
  /** Token id → bias (−100 to 100). */
  logit_bias?: Record<string, number> | null;
  /** A seed for best-effort deterministic sampling. */
  seed?: number | null;
  /** An end-user identifier. */
  user?: string;
  /** Any vendor parameter of an OpenAI-compatible server. */
  [key: string]: unknown;
}

/** The legacy log probabilities of a completion's tokens. */
export interface OpenAICompletionLogprobs {
  /** The tokens. */
  tokens: string[];
  /** Their log probabilities. */
  token_logprobs: (number | null)[];
  /** The most likely alternatives at each position. */
  top_logprobs: (Record<string, number> | null)[] | null;
  /** Each token's character offset in the text. */
  text_offset: number[];
}

/** One choice of a legacy completion (a chunk's piece, or the whole answer). */
export interface OpenAICompletionChoice {
  /** The text (a piece of it in a chunk). */
  text: string;
  /** Which choice this is. */
  index: number;
  /** The log probabilities, when requested. */
  logprobs: OpenAICompletionLogprobs | null;
  /** Why the choice ended; `null` until it has. */
  finish_reason: OpenAIFinishReason | null;
}

/**
 * A legacy `text_completion`: one chunk of a stream, or the whole answer
 * (`stream: false`), which have the same shape.
 */
export interface OpenAICompletion {
  /** The completion's id. */
  id: string;
  /** Always `"text_completion"`. */
  object: "text_completion";
  /** Unix seconds. */
  created: number;
  /** The model that answered. */
  model: string;
  /** The choices. */
  choices: OpenAICompletionChoice[];
  /** The token counts, when sent. */
  usage?: OpenAIUsage | null;
  /** The backend configuration (deprecated). */
  system_fingerprint?: string | null;
  /** llama.cpp: prompt and generation timings. */
  timings?: OpenAITimings;
}

// ---------------------------------------------------------------------------
// Assembled results
// ---------------------------------------------------------------------------

/** A tool call of one choice, assembled from the stream's fragments, in OpenAI's terms. */
export interface OpenAIToolCall extends Omit<ToolCall, "id"> {
  /** The call's id, when the server sent one. */
  id?: string | undefined;
  /** The call's position in the turn. */
  index: number;
  /**
   * `"function"`, `"custom"` (a custom tool: {@linkcode ToolCall.arguments}
   * is the raw input text, never parsed) or `"function_call"` (the deprecated
   * single function call: no id).
   */
  type: string;
  /**
   * The arguments (or a custom tool's input) exactly as the model produced
   * them: echo this back in the next request's `tool_calls`.
   */
  argumentsText: string;
}

/** One choice of a streamed chat answer, assembled. */
export interface OpenAIChatChoiceResult {
  /** Which choice this is. */
  index: number;
  /** The role its first chunk announced (`"assistant"`). */
  role: string | undefined;
  /** The answer text; `null` when no content was sent (a tool-call-only turn). */
  content: string | null;
  /** The refusal; `null` when the model did not refuse. */
  refusal: string | null;
  /** The reasoning (`reasoning_content` or `reasoning`); "" when none. */
  reasoning: string;
  /** The tool calls, arguments parsed. */
  toolCalls: OpenAIToolCall[];
  /** Why the choice ended; `null` while it has not. */
  finishReason: OpenAIFinishReason | null;
  /** The log probabilities of every chunk, concatenated; `null` when none were sent. */
  logprobs: OpenAILogprobs | null;
}

/**
 * The assembled result of a chat stream. The shared fields (`text`,
 * `reasoning`, `toolCalls`, `finishReason`, `usage`) are choice 0's;
 * `choices` holds every choice (`n > 1`) in OpenAI's own shape.
 */
export interface OpenAIChatResult extends StreamResult {
  /** Choice 0's `finish_reason` as the server sent it. */
  rawFinishReason?: string | undefined;
  /** The last chunk received, as the server sent it. */
  lastChunk?: OpenAIChatChunk | undefined;
  /** The completion's id ("" until a chunk carried one). */
  id: string;
  /** The model snapshot that answered ("" until a chunk carried one). */
  model: string;
  /** Unix seconds, from the chunks. */
  created: number | undefined;
  /** The backend configuration, when sent. */
  systemFingerprint: string | undefined;
  /** The processing tier actually used, when sent. */
  serviceTier: string | undefined;
  /** Choice 0's refusal; `null` when the model did not refuse. */
  refusal: string | null;
  /** Choice 0's log probabilities, concatenated. */
  logprobs: OpenAILogprobs | null;
  /** Every choice, by index. */
  choices: OpenAIChatChoiceResult[];
  /**
   * `prompt_tokens` → `inputTokens`, `completion_tokens` → `outputTokens`,
   * cached prompt tokens → `cachedInputTokens`, reasoning tokens →
   * `reasoningTokens`; `raw`, the usage object as the server sent it.
   */
  usage: OpenAIResultUsage;
  /**
   * The usage object as the server sent it (top-level `usage`, or Groq's
   * `x_groq.usage`), vendor fields included; `undefined` when none came.
   *
   * @deprecated Use `usage.raw`, where every provider's result keeps it.
   */
  rawUsage: OpenAIUsage | undefined;
  /** llama.cpp's timings, when sent. */
  timings: OpenAITimings | undefined;
  /** Whether the `[DONE]` sentinel arrived. */
  done: boolean;
}

/** One choice of a legacy completion stream, assembled. */
export interface OpenAICompletionChoiceResult {
  /** Which choice this is. */
  index: number;
  /** The whole text. */
  text: string;
  /** Why the choice ended; `null` while it has not. */
  finishReason: OpenAIFinishReason | null;
  /** The log probabilities of every chunk, concatenated; `null` when none were sent. */
  logprobs: OpenAICompletionLogprobs | null;
}

/** The assembled result of a legacy completion stream (`text` is choice 0's). */
export interface OpenAICompletionResult extends StreamResult {
  /** Choice 0's `finish_reason` as the server sent it. */
  rawFinishReason?: string | undefined;
  /** The last chunk received, as the server sent it. */
  lastChunk?: OpenAICompletion | undefined;
  /** The completion's id ("" until a chunk carried one). */
  id: string;
  /** The model that answered ("" until a chunk carried one). */
  model: string;
  /** Unix seconds, from the chunks. */
  created: number | undefined;
  /** The backend configuration, when sent. */
  systemFingerprint: string | undefined;
  /** Every choice, by index. */
  choices: OpenAICompletionChoiceResult[];
  /**
   * `prompt_tokens` → `inputTokens`, `completion_tokens` → `outputTokens`;
   * `raw`, the usage object as the server sent it.
   */
  usage: OpenAIResultUsage;
  /**
   * The usage object as the server sent it; `undefined` when none came.
   *
   * @deprecated Use `usage.raw`, where every provider's result keeps it.
   */
  rawUsage: OpenAIUsage | undefined;
  /** llama.cpp's timings, when sent. */
  timings: OpenAITimings | undefined;
  /** Whether the `[DONE]` sentinel arrived. */
  done: boolean;
}
