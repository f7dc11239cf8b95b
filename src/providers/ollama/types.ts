/**
 * The types of Ollama's native API (`/api/…`): requests, streamed chunks,
 * complete responses, and what sluice assembles from a stream. Field names are
 * Ollama's own (snake_case), so a request or chunk is exactly what goes over
 * the wire; the assembled results use sluice's camelCase.
 *
 * @module
 */

import type { RequestOptions } from "../../http/request_options.ts";
import type { StreamOptions } from "../../response_stream/types.ts";
import type { StreamResult } from "../../shared/types.ts";

// ---------------------------------------------------------------------------
// Shared request pieces

/**
 * An image for a multimodal model: base64 (without a `data:` prefix) or the
 * raw bytes, which sluice encodes to base64 before sending.
 */
export type OllamaImage = string | Uint8Array;

/**
 * How far a thinking-capable model reasons: `true`/`false` switch it on or
 * off; the levels are understood by models that support them (gpt-oss).
 */
export type OllamaThink = boolean | "low" | "medium" | "high" | "max";

/** A JSON Schema, as Ollama accepts it for `format` and tool parameters. */
export interface OllamaJsonSchema {
  /** The JSON type: `"object"`, `"string"`, `"array"`, … (or several). */
  type?: string | string[];
  /** What the value means, for the model. */
  description?: string;
  /** The allowed values. */
  enum?: unknown[];
  /** The schemas of an object's properties. */
  properties?: Record<string, OllamaJsonSchema>;
  /** The names of an object's required properties. */
  required?: string[];
  /** The schema of an array's items. */
  items?: OllamaJsonSchema;
  /** Alternatives. */
  anyOf?: OllamaJsonSchema[];
  /** Any other JSON Schema keyword. */
  [keyword: string]: unknown;
}

/**
 * Constrains the output: `"json"` for any JSON value, or a JSON Schema. With a
 * schema the reply's text is a JSON string to parse; say so in the prompt too.
 */
export type OllamaFormat = "json" | OllamaJsonSchema;

/**
 * How long the model stays loaded after the request: a Go duration string
 * (`"5m"`, `"1h30m"`, `"0"`) or a number of seconds; negative keeps it loaded
 * forever, `0` unloads it at once.
 */
export type OllamaKeepAlive = string | number;

/**
 * Sampling and runtime parameters (`options` of a request, `parameters` of
 * `create`). Runner options (`num_ctx`, `num_batch`, `num_gpu`, `main_gpu`,
 * `use_mmap`, `num_thread`) reload the model when they change. The server
 * ignores unknown keys, with a warning in its log.
 */
export interface OllamaModelOptions {
  /** Randomness: higher is more creative (model default, usually 0.8). */
  temperature?: number;
  /** Nucleus sampling: keep the smallest set of tokens whose probability adds up to this. */
  top_p?: number;
  /** Keep only the `top_k` most likely tokens. */
  top_k?: number;
  /** Drop tokens less likely than this fraction of the most likely one. */
  min_p?: number;
  /** Locally typical sampling. */
  typical_p?: number;
  /** The context window, in tokens. */
  num_ctx?: number;
  /** The most tokens to generate (`-1`: no limit). */
  num_predict?: number;
  /** A seed, for reproducible output. */
  seed?: number;
  /** Sequences that end generation. */
  stop?: string[];
  /** How strongly repetitions are penalised. */
  repeat_penalty?: number;
  /** How many recent tokens the repeat penalty looks at (`-1`: `num_ctx`). */
  repeat_last_n?: number;
  /** Penalty for tokens that already appeared. */
  presence_penalty?: number;
  /** Penalty proportional to how often a token appeared. */
  frequency_penalty?: number;
  /** Tokens of the prompt kept when the context shifts. */
  num_keep?: number;
  /** Prompt tokens processed per batch. */
  num_batch?: number;
  /** Layers offloaded to the GPU(s). */
  num_gpu?: number;
  /** The GPU that holds small tensors. */
  main_gpu?: number;
  /** Memory-map the model file. */
  use_mmap?: boolean;
  /** CPU threads for generation. */
  num_thread?: number;
}

/** A function the model may call. */
export interface OllamaTool {
  /** Always `"function"`. */
  type: "function";
  /** The function. */
  function: {
    /** The function's name. */
    name: string;
    /** What it does, for the model. */
    description?: string;
    /** Its parameters, as a JSON Schema of type `"object"`. */
    parameters?: OllamaJsonSchema;
  };
}

/** A tool call as Ollama sends it: whole, with the arguments as an object. */
export interface OllamaToolCall {
  /** The call's id (newer servers), to answer it with a `tool_call_id`. */
  id?: string;
  /** The call. */
  function: {
    /** The call's position among the calls of this answer (newer servers). */
    index?: number;
    /** The function's name. */
    name: string;
    /** The arguments, as a JSON object. */
    arguments: Record<string, unknown>;
  };
}

/** A message of a conversation, as sent in a chat request. */
export interface OllamaMessage {
  /** Who wrote it. */
  role: "system" | "user" | "assistant" | "tool";
  /** The text. */
  content: string;
  /** An assistant's reasoning, when sent back in a later turn. */
  thinking?: string;
  /** Images for a vision model: base64 strings or bytes. */
  images?: OllamaImage[];
  /** The tool calls of an assistant message. */
  tool_calls?: OllamaToolCall[];
  /** For a `tool` message: the name of the function whose result this is. */
  tool_name?: string;
  /** For a `tool` message: the id of the call whose result this is. */
  tool_call_id?: string;
}

/** A message as Ollama sends it back (also a valid {@linkcode OllamaMessage}). */
export interface OllamaResponseMessage {
  /** Always `"assistant"` in answers. */
  role: "assistant";
  /** The text (a fragment, in a streamed chunk). */
  content: string;
  /** The reasoning (a fragment, in a streamed chunk); absent when empty. */
  thinking?: string;
  /** Tool calls; each arrives whole, in one chunk. */
  tool_calls?: OllamaToolCall[];
  /** Images, for image-generating models. */
  images?: string[];
}

/** The log probability of one token. */
export interface OllamaTokenLogprob {
  /** The token's text. */
  token: string;
  /** Its log probability. */
  logprob: number;
  /** Its raw bytes, when the text is not valid UTF-8 on its own. */
  bytes?: number[];
}

/** The log probability of a generated token, with the likeliest alternatives. */
export interface OllamaLogprob extends OllamaTokenLogprob {
  /** The `top_logprobs` likeliest tokens at this position. */
  top_logprobs?: OllamaTokenLogprob[];
}

/**
 * The statistics on a final line, durations in nanoseconds. Absent fields
 * were zero (Go's `omitempty`).
 */
export interface OllamaMetrics {
  /** The whole request, in nanoseconds. */
  total_duration?: number;
  /** Loading the model, in nanoseconds. */
  load_duration?: number;
  /** Prompt tokens evaluated (cached ones are not counted). */
  prompt_eval_count?: number;
  /** Evaluating the prompt, in nanoseconds. */
  prompt_eval_duration?: number;
  /** Tokens generated. */
  eval_count?: number;
  /** Generating, in nanoseconds. */
  eval_duration?: number;
}

/** The fields chat and generate requests share. */
export interface OllamaGenerationRequest {
  /** The model name, e.g. `"llama3.2"` or `"qwen3:8b"`. */
  model: string;
  /**
   * `true` (the default) streams the answer; `false` resolves to one complete
   * response object.
   *
   * @default {true}
   */
  stream?: boolean;
  /** Constrains the output to JSON, or to a JSON Schema. */
  format?: OllamaFormat;
  /** Sampling and runtime parameters. */
  options?: OllamaModelOptions;
  /** Whether (and how much) a thinking-capable model reasons first. */
  think?: OllamaThink;
  /** How long the model stays loaded afterwards. */
  keep_alive?: OllamaKeepAlive;
  /**
   * Drop the oldest part of the prompt when it exceeds the context window
   * instead of failing.
   *
   * @default {true}
   */
  truncate?: boolean;
  /**
   * Shift the context when generation reaches its end instead of stopping
   * with an error.
   *
   * @default {true}
   */
  shift?: boolean;
  /** Return the log probability of each generated token (newer servers). */
  logprobs?: boolean;
  /** How many likeliest alternatives to return per token, 0–20. */
  top_logprobs?: number;
}

// ---------------------------------------------------------------------------
// Chat

/** A request to `POST /api/chat`. */
export interface OllamaChatRequest extends OllamaGenerationRequest {
  /** The conversation so far. An empty array only loads the model. */
  messages: OllamaMessage[];
  /** Functions the model may call. */
  tools?: OllamaTool[];
}

/** One line of a `/api/chat` stream. */
export interface OllamaChatChunk extends OllamaMetrics {
  /** The model name, as the request spelled it. */
  model: string;
  /** When the line was written (RFC 3339, UTC). */
  created_at: string;
  /** The fragment of the answer this line carries. */
  message: OllamaResponseMessage;
  /** True on the last line, which carries the statistics. */
  done: boolean;
  /** Why generation stopped (`"stop"`, `"length"`, `"load"`, `"unload"`), on the last line. */
  done_reason?: string;
  /** Log probabilities of this line's tokens, when requested. */
  logprobs?: OllamaLogprob[];
  /** The upstream model, for a cloud model proxied by a local server. */
  remote_model?: string;
  /** The upstream host, for a cloud model proxied by a local server. */
  remote_host?: string;
}

/** The answer of `POST /api/chat` with `stream: false`. */
export interface OllamaChatResponse extends OllamaChatChunk {
  /** Always true. */
  done: true;
}

// ---------------------------------------------------------------------------
// Generate

/** A request to `POST /api/generate`. */
export interface OllamaGenerateRequest extends OllamaGenerationRequest {
  /** The text to continue. Absent or empty only loads the model. */
  prompt?: string;
  /** Text after the insertion point, for fill-in-the-middle models. */
  suffix?: string;
  /** Overrides the model's system prompt. */
  system?: string;
  /** Overrides the model's prompt template. */
  template?: string;
  /** Send `prompt` verbatim, without the template (no `system`, `template` or `context`). */
  raw?: boolean;
  /** The `context` of an earlier answer, as short-term memory (deprecated by Ollama). */
  context?: number[];
  /** Images for a vision model: base64 strings or bytes. */
  images?: OllamaImage[];
}

/** One line of a `/api/generate` stream. */
export interface OllamaGenerateChunk extends OllamaMetrics {
  /** The model name, as the request spelled it. */
  model: string;
  /** When the line was written (RFC 3339, UTC). */
  created_at: string;
  /** The fragment of the answer this line carries. */
  response: string;
  /** The fragment of reasoning this line carries; absent when empty. */
  thinking?: string;
  /** True on the last line, which carries the statistics. */
  done: boolean;
  /** Why generation stopped (`"stop"`, `"length"`, `"load"`, `"unload"`), on the last line. */
  done_reason?: string;
  /** Token ids of prompt and answer, on the last line (not in raw mode). */
  context?: number[];
  /** Tool calls the model's parser recognised, on the last line. */
  tool_calls?: OllamaToolCall[];
  /** Log probabilities of this line's tokens, when requested. */
  logprobs?: OllamaLogprob[];
  /** The upstream model, for a cloud model proxied by a local server. */
  remote_model?: string;
  /** The upstream host, for a cloud model proxied by a local server. */
  remote_host?: string;
}

/** The answer of `POST /api/generate` with `stream: false`. */
export interface OllamaGenerateResponse extends OllamaGenerateChunk {
  /** Always true. */
  done: true;
}

// ---------------------------------------------------------------------------
// Assembled results

/**
 * The server's timings converted to milliseconds, with the rates. A field is
 * absent when the server did not report what it needs.
 */
export interface OllamaTimings {
  /** The whole request, in milliseconds. */
  totalMs?: number;
  /** Loading the model, in milliseconds. */
  loadMs?: number;
  /** Evaluating the prompt, in milliseconds. */
  promptEvalMs?: number;
  /** Generating, in milliseconds. */
  evalMs?: number;
  /** Generation speed: `eval_count / eval_duration * 1e9` (what `ollama run --verbose` prints). */
  tokensPerSecond?: number;
  /** Prompt speed: `prompt_eval_count / prompt_eval_duration * 1e9`. */
  promptTokensPerSecond?: number;
}

/** What a chat or generate stream assembles. */
export interface OllamaResult<Chunk> extends StreamResult {
  /** `done_reason` of the last line (`"stop"`, `"length"`, `"load"`, `"unload"`). */
  rawFinishReason?: string | undefined;
  /** The last line received, as the server sent it. */
  lastChunk?: Chunk | undefined;
  /** The model name the server echoed. */
  model?: string | undefined;
  /** The raw statistics of the last line, durations in nanoseconds. */
  metrics: OllamaMetrics;
  /** The statistics converted to milliseconds, with tokens per second. */
  timings: OllamaTimings;
  /** Every line's log probabilities, in order, when requested. */
  logprobs?: OllamaLogprob[] | undefined;
}

/** What a `chat()` stream assembles. */
export type OllamaChatResult = OllamaResult<OllamaChatChunk>;

/** What a `generate()` stream assembles: also the `context` of the last line. */
export interface OllamaGenerateResult extends OllamaResult<OllamaGenerateChunk> {
  /** Token ids of prompt and answer, to send back as `context` (absent in raw mode). */
  context?: number[] | undefined;
}

// ---------------------------------------------------------------------------
// Pull, push, create

/** A request to `POST /api/pull`. */
export interface OllamaPullRequest {
  /** The model to download, e.g. `"llama3.2"` or `"user/model:tag"`. */
  model: string;
  /** Allow a registry without TLS (your own registry only). */
  insecure?: boolean;
  /**
   * `true` (the default) streams progress; `false` resolves once done.
   *
   * @default {true}
   */
  stream?: boolean;
}

/** A request to `POST /api/push`. */
export interface OllamaPushRequest {
  /** The model to upload, as `namespace/model:tag`. */
  model: string;
  /** Allow a registry without TLS (your own registry only). */
  insecure?: boolean;
  /**
   * `true` (the default) streams progress; `false` resolves once done.
   *
   * @default {true}
   */
  stream?: boolean;
}

/** A request to `POST /api/create`. */
export interface OllamaCreateRequest {
  /** The name of the model to create. */
  model: string;
  /** The model (or file) to start from. */
  from?: string;
  /** Files (GGUF, safetensors) by file name → blob digest (`sha256:…`), uploaded first. */
  files?: Record<string, string>;
  /** LoRA adapters by file name → blob digest. */
  adapters?: Record<string, string>;
  /** The prompt template. */
  template?: string;
  /** The license text(s). */
  license?: string | string[];
  /** The system prompt. */
  system?: string;
  /** Default parameters. */
  parameters?: OllamaModelOptions;
  /** Messages every conversation with the model starts with. */
  messages?: OllamaMessage[];
  /** Quantize an unquantized (F16/F32) model, e.g. `"q4_K_M"` or `"q8_0"`. */
  quantize?: string;
  /**
   * `true` (the default) streams progress; `false` resolves once done.
   *
   * @default {true}
   */
  stream?: boolean;
}

/** One line of a pull, push or create stream, as Ollama sends it. */
export interface OllamaProgressLine {
  /** The phase: `"pulling manifest"`, `"pulling 797b70c4edf8"`, …, `"success"`. */
  status: string;
  /** The layer (`sha256:…`) a transfer line is about. */
  digest?: string;
  /** The layer's size in bytes (absent when unknown). */
  total?: number;
  /** The layer's bytes done so far (absent until non-zero). */
  completed?: number;
}

/** One layer's state in {@linkcode OllamaProgress}. */
export interface OllamaLayerProgress {
  /** The layer's digest (or, for progress lines without one, their status text). */
  digest: string;
  /** The layer's size in bytes. */
  total: number;
  /** Its bytes done so far. */
  completed: number;
  /** True once `completed` reached `total`. */
  done: boolean;
}

/**
 * The aggregated state of a pull, push or create after a line: what a
 * progress bar shows. It costs the same on every line however many layers
 * came before: the line's own layer is in `layer`, and the list of every
 * layer only in the result ({@linkcode OllamaProgressResult.progress}).
 */
export interface OllamaProgress {
  /** The latest status text. */
  status: string;
  /** Bytes done, over every layer seen so far. */
  completed: number;
  /** Bytes in all, over every layer seen so far (grows as layers appear). */
  total: number;
  /** `completed / total` as 0–100 (0 while nothing is known, 100 at success). */
  percent: number;
  /**
   * The layer this line is about, after it (a copy of its own per line;
   * absent on lines about no layer, such as `"pulling manifest"` or
   * `"success"`). To follow every layer while the stream runs, keep them by
   * digest: `layers[layer.digest] = layer`.
   */
  layer?: OllamaLayerProgress;
  /**
   * Transfer speed over the recent window of lines, in bytes per second
   * (absent until two samples apart in time).
   */
  bytesPerSecond?: number;
  /** Seconds left at that speed (absent while the speed is unknown; 0 at success). */
  etaSeconds?: number;
  /** True once `status: "success"` arrived. */
  done: boolean;
}

/**
 * One line of a pull, push or create stream: the line exactly as Ollama sent
 * it, plus `progress`, the aggregated state after this line. A stream handed
 * on with `toResponse()` keeps `progress` on every line, so a browser can draw
 * the bar without aggregating again.
 */
export interface OllamaProgressChunk extends OllamaProgressLine {
  /** The aggregated state after this line (a fresh object per line; no list of layers). */
  progress: OllamaProgress;
}

/** What a pull, push or create stream assembles. */
export interface OllamaProgressResult extends StreamResult {
  /** The last line received. */
  lastChunk?: OllamaProgressChunk | undefined;
  /** The last status (`"success"` once complete). */
  status: string;
  /**
   * The aggregated state after the last line, and `layers`: every layer
   * seen, keyed by digest, in the order they appeared (built when the result
   * is; the lines carry only their own `layer`).
   */
  progress: OllamaProgress & { layers: Record<string, OllamaLayerProgress> };
}

// ---------------------------------------------------------------------------
// Non-streaming endpoints

/** What a model is, as `list`, `ps` and `show` describe it. */
export interface OllamaModelDetails {
  /** The model it was derived from ("" when none). */
  parent_model: string;
  /** The file format, e.g. `"gguf"`. */
  format: string;
  /** The architecture family, e.g. `"llama"`. */
  family: string;
  /** Every family it belongs to (may be `null`). */
  families: string[] | null;
  /** The parameter count, e.g. `"3.2B"`. */
  parameter_size: string;
  /** The quantization, e.g. `"Q4_K_M"`. */
  quantization_level: string;
}

/** A local model, in the answer of `GET /api/tags`. */
export interface OllamaModel {
  /** The name, e.g. `"llama3.2:latest"`. */
  name: string;
  /** The model name (same as `name`). */
  model: string;
  /** When it last changed (RFC 3339). */
  modified_at: string;
  /** Its size on disk, in bytes. */
  size: number;
  /** The manifest's digest. */
  digest: string;
  /** What it is. */
  details: OllamaModelDetails;
  /** Its capabilities, on newer servers. */
  capabilities?: string[];
  /** The upstream model, for a cloud model. */
  remote_model?: string;
  /** The upstream host, for a cloud model. */
  remote_host?: string;
}

/** The answer of `GET /api/tags`. */
export interface OllamaListResponse {
  /** The local models. */
  models: OllamaModel[];
}

/** A model loaded in memory, in the answer of `GET /api/ps`. */
export interface OllamaRunningModel {
  /** The name, e.g. `"llama3.2:latest"`. */
  name: string;
  /** The model name. */
  model: string;
  /** Its memory footprint, in bytes. */
  size: number;
  /** The manifest's digest. */
  digest: string;
  /** What it is. */
  details: OllamaModelDetails;
  /** When it will be unloaded (RFC 3339). */
  expires_at: string;
  /** The part of `size` in GPU memory; less than `size` means partial CPU offload. */
  size_vram: number;
  /** The context window it was loaded with. */
  context_length?: number;
}

/** The answer of `GET /api/ps`. */
export interface OllamaPsResponse {
  /** The models in memory. */
  models: OllamaRunningModel[];
}

/** A request to `POST /api/show`. */
export interface OllamaShowRequest {
  /** The model name. */
  model: string;
  /** Include the large tokenizer arrays in `model_info`. */
  verbose?: boolean;
}

/** The answer of `POST /api/show`. */
export interface OllamaShowResponse {
  /** The Modelfile that would recreate the model. */
  modelfile?: string;
  /** Its default parameters, one `name value` per line. */
  parameters?: string;
  /** Its prompt template. */
  template?: string;
  /** Its system prompt. */
  system?: string;
  /** Its license text. */
  license?: string;
  /** What it is. */
  details: OllamaModelDetails;
  /** Messages every conversation starts with. */
  messages?: OllamaMessage[];
  /** Architecture metadata (`"general.architecture"`, `"<arch>.context_length"`, …). */
  model_info?: Record<string, unknown>;
  /** Vision projector metadata, for multimodal models. */
  projector_info?: Record<string, unknown>;
  /** What it can do: `"completion"`, `"tools"`, `"insert"`, `"vision"`, `"embedding"`, `"thinking"`, … */
  capabilities?: string[];
  /** When it last changed (RFC 3339). */
  modified_at?: string;
  /** The upstream model, for a cloud model. */
  remote_model?: string;
  /** The upstream host, for a cloud model. */
  remote_host?: string;
}

/** The answer of `GET /api/version`. */
export interface OllamaVersionResponse {
  /** The server's version, e.g. `"0.12.3"` (`"0.0.0"` for local builds). */
  version: string;
}

/** A request to `POST /api/embed`. */
export interface OllamaEmbedRequest {
  /** The embedding model. */
  model: string;
  /** One text or several; one vector each, in order. */
  input: string | string[];
  /**
   * Truncate input longer than the context window instead of failing.
   *
   * @default {true}
   */
  truncate?: boolean;
  /** Shorten the vectors to this many dimensions (models that support it). */
  dimensions?: number;
  /** How long the model stays loaded afterwards. */
  keep_alive?: OllamaKeepAlive;
  /** Runtime parameters. */
  options?: OllamaModelOptions;
}

/** The answer of `POST /api/embed`. */
export interface OllamaEmbedResponse {
  /** The model name. */
  model: string;
  /** One vector per input, in order. */
  embeddings: number[][];
  /** The whole request, in nanoseconds. */
  total_duration?: number;
  /** Loading the model, in nanoseconds. */
  load_duration?: number;
  /** Tokens in the input. */
  prompt_eval_count?: number;
}

/** A request to `DELETE /api/delete`. */
export interface OllamaDeleteRequest {
  /** The model to delete. */
  model: string;
}

/** A request to `POST /api/copy`. */
export interface OllamaCopyRequest {
  /** The existing model. */
  source: string;
  /** The new name. */
  destination: string;
}

// ---------------------------------------------------------------------------
// Per-call options

/** The options of a streaming `chat()` call: request options and callbacks. */
export type OllamaChatOptions = RequestOptions & StreamOptions<OllamaChatChunk, OllamaChatResult>;

/** The options of a streaming `generate()` call: request options and callbacks. */
export type OllamaGenerateOptions =
  & RequestOptions
  & StreamOptions<OllamaGenerateChunk, OllamaGenerateResult>;

/** The options of a streaming `pull()`, `push()` or `create()` call. */
export interface OllamaProgressOptions
  extends RequestOptions, StreamOptions<OllamaProgressChunk, OllamaProgressResult> {
  /**
   * The clock for the speed and ETA, in milliseconds (inject one in tests).
   *
   * @default {() => performance.now()}
   */
  now?: () => number;
  /**
   * The window, in milliseconds, over which the speed is averaged.
   *
   * @default {5000}
   */
  rateWindow?: number;
}

/** The options of a streaming `pull()`: request options, callbacks and the speed's clock. */
export type OllamaPullOptions = OllamaProgressOptions;

/** The options of a streaming `push()`: request options, callbacks and the speed's clock. */
export type OllamaPushOptions = OllamaProgressOptions;

/** The options of a streaming `create()`: request options, callbacks and the speed's clock. */
export type OllamaCreateOptions = OllamaProgressOptions;
