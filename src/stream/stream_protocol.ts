import type { ServerSentEventMessage } from "../streams/format_server_sent_event.ts";
import type { StreamResult } from "./types.ts";

/**
 * One provider's streaming protocol: how its frames become typed chunks and
 * how the chunks assemble into a result. Each provider supplies one; the
 * {@linkcode ResponseStream} does the rest (I/O, timeouts, errors, consumers).
 */
export interface StreamProtocol<Chunk, Result extends StreamResult> {
  /** How the body is framed: Server-Sent Events or newline-delimited JSON. */
  readonly framing: "sse" | "ndjson";
  /** Creates the state of one stream. */
  createAssembler(): StreamAssembler<Chunk, Result>;
  /** How a chunk is written when the stream is handed on as SSE (default `data: <json>`). */
  toServerSentEvent?(chunk: Chunk): ServerSentEventMessage;
  /** An event written after the last chunk when handed on as SSE (OpenAI's `data: [DONE]`). */
  readonly sseTrailer?: ServerSentEventMessage;
  /** Tokens per second from the provider's own timings, when it reports them. */
  tokensPerSecond?(result: Result): number | undefined;
}

/** The per-stream state of a {@linkcode StreamProtocol}. */
export interface StreamAssembler<Chunk, Result extends StreamResult> {
  /**
   * Takes one frame — a `ServerSentEvent` for SSE framing, a parsed JSON value
   * for NDJSON — and returns the typed chunk to deliver, or `undefined` when
   * the frame delivers nothing (OpenAI's `[DONE]`). Throws a `ProviderError`
   * for an error the server reported; a `SyntaxError` from `JSON.parse` becomes
   * a `ParseError` with the line number.
   */
  push(frame: unknown): Chunk | undefined;
  /** The text delta a chunk carries ("" when none). */
  text(chunk: Chunk): string;
  /** The reasoning delta a chunk carries ("" when none). */
  thinking?(chunk: Chunk): string;
  /** True once the provider's end marker has arrived: reading stops there. */
  readonly done: boolean;
  /**
   * Called once, when the body ended or `done` became true. Throws an
   * `IncompleteStreamError` when the provider's end marker never came.
   */
  finish(): void;
  /** The result assembled so far; complete after `finish()`. */
  result(): Result;
}
