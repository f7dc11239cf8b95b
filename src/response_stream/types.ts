/** Timings and counts of one stream, as `ResponseStream.stats` reports them. */
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

/**
 * Callbacks that receive a stream as it flows, without blocking it. An
 * exception thrown by one of them never reaches the stream: it is reported
 * like an exception in an event listener (`reportError`).
 */
export interface StreamCallbacks<Chunk, Result> {
  /** Called with every item: a provider's typed chunk, or a unified part. */
  onChunk?: (chunk: Chunk) => void;
  /** Called with every non-empty text delta. */
  onText?: (text: string) => void;
  /** Called with every non-empty reasoning delta. */
  onReasoning?: (text: string) => void;
  /**
   * Called once if the stream fails (an HTTP, timeout, parse, provider or
   * incomplete-stream error, carrying `partial`). Not called for a stop the
   * caller asked for: see `onAbort`.
   */
  onError?: (error: unknown) => void;
  /** Called once when the stream completed, with the assembled result. */
  onFinish?: (result: Result) => void;
  /**
   * Called once when the caller stopped the stream — `break`, `cancel()`,
   * `await using`, the caller's signal — with what had been assembled by then.
   */
  onAbort?: (partial: Result) => void;
}

/** What a stream is handed on as by `toResponse()`. */
export interface ToResponseOptions {
  /**
   * `"sse"`: the items as Server-Sent Events; `"ndjson"`: one item per line;
   * `"text"`: the text deltas as plain UTF-8; `"ui-message"`: the Vercel AI
   * SDK's UI message stream protocol (v1, with its
   * `x-vercel-ai-ui-message-stream` header), which `useChat` and the `ai`
   * package's `DefaultChatTransport` read: text, reasoning, tool input
   * streaming and tool calls, tool results and steps (unified streams), finish
   * with the finish reason and usage (`messageMetadata.usage`), errors.
   *
   * @default {"sse"}
   */
  format?: "sse" | "ndjson" | "text" | "ui-message";
  /** Extra response headers. */
  headers?: HeadersInit;
  /**
   * `true` (the default): the response waits for the upstream's headers
   * (bounded by the request's `timeout`), so a failure before any output gets
   * a real status with a JSON error body, `{"error": {"type", "message"}}`:
   * the upstream's status for a 4xx `HttpError` (a 429 keeps its
   * `Retry-After`), 502 for a refused connection or an upstream 5xx, 504 for a
   * timeout. `toResponse()` then returns a promise of the response.
   *
   * `false`: the response (always 200) is returned at once and streams as soon
   * as it is read; every failure is written in the body as a last error event.
   *
   * @default {true}
   */
  waitForHeaders?: boolean;
}

/**
 * The callbacks of a streaming call, and optionally a handler object with the
 * same callback methods (both are called, the options' first).
 */
export interface StreamOptions<Chunk, Result> extends StreamCallbacks<Chunk, Result> {
  /** A handler object whose methods receive the stream (`onChunk`, `onText`, …). */
  handler?: StreamCallbacks<Chunk, Result>;
}

export type {
  ContentPart,
  FinishPart,
  FinishReason,
  RawPart,
  ReasoningDeltaPart,
  ResponseInfo,
  StreamResult,
  TextDeltaPart,
  ToolCall,
  ToolCallDeltaPart,
  ToolCallPart,
  ToolCallStartPart,
  Usage,
  UsagePart,
} from "../shared/types.ts";
