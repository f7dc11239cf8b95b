/** A tool call the model made, with its arguments parsed. */
export interface ToolCall {
  /** The call's id, when the provider assigns one (`call_…`, `toolu_…`). */
  id?: string | undefined;
  /** The name of the function to call. */
  name: string;
  /**
   * The arguments, parsed from JSON. When the model produced invalid JSON this
   * is the raw string and {@linkcode ToolCall.parseError} says why.
   */
  arguments: unknown;
  /** Why the arguments could not be parsed, when they could not. */
  parseError?: string | undefined;
}

/** Token counts as the provider reported them. */
export interface Usage {
  /** Tokens in the prompt. */
  inputTokens?: number | undefined;
  /** Tokens generated. */
  outputTokens?: number | undefined;
}

/**
 * The assembled result of a stream: what every provider's `result()` returns
 * at least. Providers extend it with their own fields.
 */
export interface StreamResult<Raw = unknown> {
  /** The whole answer text. */
  text: string;
  /** The whole reasoning text ("" when the model did not think aloud). */
  thinking: string;
  /** Every tool call, in order. */
  toolCalls: ToolCall[];
  /** The provider's own finish reason (`"stop"`, `"end_turn"`, `"tool_calls"`, …). */
  finishReason?: string | undefined;
  /** Token counts as the provider reported them. */
  usage: Usage;
  /** The last chunk received, as the provider sent it. */
  lastChunk?: Raw | undefined;
}

/** Timings and counts of one stream, as {@linkcode ResponseStream.stats} reports them. */
export interface StreamStats {
  /** Milliseconds from the start of the request until the response headers. */
  timeToHeaders?: number | undefined;
  /** Milliseconds from the start until the first text or reasoning delta. */
  timeToFirstToken?: number | undefined;
  /** Milliseconds from the start until the end of the stream. */
  duration?: number | undefined;
  /** Typed chunks delivered so far. */
  chunks: number;
  /** Body bytes received so far. */
  bytes: number;
  /** Tokens generated, from the provider's usage report. */
  outputTokens?: number | undefined;
  /**
   * Generation speed: from the provider's own timings where it sends them
   * (Ollama `eval_count` / `eval_duration`), else output tokens divided by the
   * time from the first token to the end.
   */
  tokensPerSecond?: number | undefined;
}

/** Status and headers of a response, once they have arrived. */
export interface ResponseInfo {
  /** The HTTP status code. */
  status: number;
  /** The HTTP status text. */
  statusText: string;
  /** The response headers. */
  headers: Headers;
  /** The final URL, after redirects. */
  url: string;
}

/** Callbacks that receive a stream as it flows, without blocking it. */
export interface StreamCallbacks<Chunk, Result> {
  /** Called with every typed chunk. */
  onChunk?: (chunk: Chunk) => void;
  /** Called with every non-empty text delta. */
  onText?: (text: string) => void;
  /** Called once if the stream fails, with the error (carrying `partial`). */
  onError?: (error: unknown) => void;
  /** Called once when the stream completed, with the assembled result. */
  onFinish?: (result: Result) => void;
}

/** What a stream is handed on as by `toResponse()`. */
export interface ToResponseOptions {
  /**
   * `"sse"`: the provider's chunks as Server-Sent Events; `"ndjson"`: one
   * chunk per line; `"text"`: the text deltas as plain UTF-8.
   *
   * @default {"sse"}
   */
  format?: "sse" | "ndjson" | "text";
  /** Extra response headers. */
  headers?: HeadersInit;
}

/**
 * The options of every streaming call: the request options, the callbacks,
 * and optionally a handler object with the same callback methods.
 */
export interface StreamOptions<Chunk, Result> extends StreamCallbacks<Chunk, Result> {
  /** A handler object whose methods receive the stream (`onChunk`, `onText`, `onError`, `onFinish`). */
  handler?: StreamCallbacks<Chunk, Result>;
}
