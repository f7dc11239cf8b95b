import type { ServerSentEventMessage } from "../streams/format_server_sent_event.ts";
import type { ContentPart, StreamResult } from "../shared/types.ts";

/**
 * One provider's streaming protocol: the one place its wire format is read.
 * Each frame becomes the provider's typed chunk and the normalized parts; the
 * stream core does the rest (I/O, timeouts, errors, consumers, the shared
 * fields of the result).
 */
export interface StreamProtocol<Chunk, Result extends StreamResult> {
  /** How the body is framed: Server-Sent Events or newline-delimited JSON. */
  readonly framing: "sse" | "ndjson";
  /**
   * The protocol's name (`"ollama.chat"`, `"anthropic.messages"`, …): sent as
   * the `x-sluice-protocol` header when a stream of its chunks is handed on as
   * SSE or NDJSON, so that `fromResponse()` reads the chunks back with it.
   */
  readonly name?: string;
  /**
   * For NDJSON framing: reads a line of the protocol's most frequent, compact
   * shape faster than `JSON.parse`, into the value `JSON.parse` would give, or
   * returns `undefined` for any other line (then parsed with `JSON.parse`).
   */
  parseLine?(line: string): unknown;
  /** Creates the reader of one stream. */
  createReader(): ProtocolReader<Chunk, Result>;
  /** How a chunk is written when the stream is handed on as SSE (default `data: <json>`). */
  toServerSentEvent?(chunk: Chunk): ServerSentEventMessage;
  /** An event written after the last chunk when handed on as SSE (OpenAI's `data: [DONE]`). */
  readonly sseTrailer?: ServerSentEventMessage;
  /** Tokens per second from the provider's own timings, when it reports them. */
  tokensPerSecond?(result: Result): number | undefined;
  /**
   * `false` for a stream that never carries content (Ollama's pull progress):
   * the first-token timeout does not apply.
   *
   * @default {true}
   */
  readonly emitsContent?: boolean;
}

/** Receives the normalized parts a frame carries, in order. */
export type PartSink = (part: ContentPart) => void;

/** The per-stream state of a {@linkcode StreamProtocol}. */
export interface ProtocolReader<Chunk, Result extends StreamResult> {
  /**
   * Takes one frame — a `ServerSentEvent` for SSE framing, a parsed JSON value
   * for NDJSON — hands its parts to `emit`, and returns the typed chunk to
   * deliver, or `undefined` when the frame delivers nothing (OpenAI's
   * `[DONE]`). Throws a `ProviderError` for an error the server reported; a
   * `SyntaxError` from `JSON.parse` becomes a `ParseError` with the line number.
   */
  push(frame: unknown, emit: PartSink): Chunk | undefined;
  /** True once the provider's end marker has arrived: reading stops there. */
  readonly done: boolean;
  /**
   * Called once, when the body ended or `done` became true; may emit the last
   * parts (tool calls completed by the end). Throws an `IncompleteStreamError`
   * when the provider's end marker never came.
   */
  finish(emit: PartSink): void;
  /**
   * The provider's result: the shared fields assembled from the parts
   * (`base`), with the provider's own fields added.
   */
  result(base: StreamResult): Result;
}
