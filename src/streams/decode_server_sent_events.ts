import { parseBody } from "./_body_stream.ts";
import { SseParser } from "./_sse_parser.ts";
import type { ServerSentEvent } from "./server_sent_event.ts";

/** Options of {@linkcode decodeServerSentEvents}. */
export interface DecodeServerSentEventsOptions {
  /**
   * The longest line accepted, in characters (UTF-16 code units); it also bounds
   * the total `data` of one event. A longer one errors the stream with a
   * `ParseError`, so memory stays bounded.
   *
   * @default {8388608}
   */
  maxLineLength?: number;
  /** Called with the value of each valid `retry` field, in milliseconds. */
  onRetry?: (ms: number) => void;
  /** Called with the text of each comment line (`: keep-alive` gives `"keep-alive"`). */
  onComment?: (text: string) => void;
  /** Aborting it errors the stream with the signal's reason and cancels the body. */
  signal?: AbortSignal;
  /**
   * Dispatch a last event whose blank line never came, at the end of the body
   * (some gateways end the body right after the last `data:` line). The
   * standard drops such an event, and so does the decoder by default.
   *
   * @default {false}
   */
  dispatchAtEnd?: boolean;
}

/**
 * Decodes a byte stream of Server-Sent Events (`text/event-stream`) into
 * events, following the WHATWG HTML "event stream interpretation" rules exactly.
 *
 * This is the fused path: one pull-driven stage that decodes UTF-8, splits
 * lines and parses fields, with no `TransformStream` hops. Cancelling the
 * returned stream (or `break` in `for await`) cancels `body`, which aborts the
 * HTTP request it came from.
 *
 * @example Stream an OpenAI-style response
 * ```ts
 * import { decodeServerSentEvents } from "@sluice/sluice/streams";
 * import assert from "node:assert/strict";
 *
 * const body = new Response('data: {"n":1}\n\ndata: [DONE]\n\n').body!;
 * const data: string[] = [];
 * for await (const event of decodeServerSentEvents(body)) {
 *   if (event.data === "[DONE]") break;
 *   data.push(event.data);
 * }
 * assert.deepEqual(data, ['{"n":1}']);
 * ```
 */
export function decodeServerSentEvents(
  body: ReadableStream<Uint8Array>,
  options: DecodeServerSentEventsOptions = {},
): ReadableStream<ServerSentEvent> {
  const hooks = {
    onRetry: options.onRetry,
    onComment: options.onComment,
    dispatchAtEnd: options.dispatchAtEnd,
  };
  return parseBody<ServerSentEvent>(
    body,
    (emit) => new SseParser(emit, options.maxLineLength, hooks),
    { signal: options.signal },
  );
}
