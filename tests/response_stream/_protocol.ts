/**
 * A tiny test protocol for the response stream: chunks `{text?, think?, done?,
 * error?, tokens?}`, framed as NDJSON lines or as SSE `data:` events.
 */
import type { ResponseStream } from "../../src/response_stream/response_stream.ts";
import { streamRequest } from "../../src/response_stream/_http_stream.ts";
import { resolveOptions } from "../../src/http/_resolve_options.ts";
import type { RequestOptions } from "../../src/http/request_options.ts";
import type { StreamProtocol } from "../../src/response_stream/stream_protocol.ts";
import type { StreamOptions, StreamResult } from "../../src/response_stream/types.ts";
import { callbacksOf } from "../../src/response_stream/_callbacks.ts";
import { serve, type TestServer } from "../http/_server.ts";
import { IncompleteStreamError } from "../../src/errors/incomplete_stream_error.ts";
import { ProviderError } from "../../src/errors/provider_error.ts";

/** One chunk of the test protocol. */
export interface TestChunk {
  text?: string;
  think?: string;
  done?: boolean;
  error?: string;
  tokens?: number;
}

/** The test protocol's result. */
export interface TestResult extends StreamResult {
  /** The last chunk. */
  lastChunk?: TestChunk | undefined;
}

function protocol(framing: "sse" | "ndjson"): StreamProtocol<TestChunk, TestResult> {
  return {
    framing,
    sseTrailer: { data: "[DONE]" },
    createReader() {
      let done = false;
      let tokens: number | undefined;
      let last: TestChunk | undefined;
      return {
        push(frame, emit) {
          let chunk: TestChunk;
          if (framing === "sse") {
            const data = (frame as { data: string }).data;
            if (data === "[DONE]") {
              done = true;
              return undefined;
            }
            chunk = JSON.parse(data);
          } else {
            chunk = frame as TestChunk;
          }
          if (chunk.error) {
            throw new ProviderError(chunk.error, { type: "test_error", body: chunk });
          }
          if (chunk.think) emit({ type: "reasoning-delta", text: chunk.think });
          if (chunk.text) emit({ type: "text-delta", text: chunk.text });
          if (chunk.tokens !== undefined) {
            tokens = chunk.tokens;
            emit({ type: "usage", usage: { outputTokens: tokens } });
          }
          if (chunk.done) {
            done = true;
            emit({ type: "finish", finishReason: "stop", rawFinishReason: "stop" });
          }
          last = chunk;
          return chunk;
        },
        get done() {
          return done;
        },
        finish() {
          if (!done) throw new IncompleteStreamError("The stream ended before done: true");
        },
        result: (base) => ({ ...base, usage: { outputTokens: tokens }, lastChunk: last }),
      };
    },
  };
}

/** The NDJSON-framed test protocol. */
export const ndjson: StreamProtocol<TestChunk, TestResult> = protocol("ndjson");
/** The SSE-framed test protocol. */
export const sse: StreamProtocol<TestChunk, TestResult> = protocol("sse");

/** NDJSON lines for chunks. */
export function lines(...chunks: TestChunk[]): string[] {
  return chunks.map((chunk) => JSON.stringify(chunk) + "\n");
}

/** SSE events for chunks. */
export function events(...chunks: TestChunk[]): string[] {
  return chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`);
}

/** Options of {@linkcode open}. */
export type OpenOptions =
  & RequestOptions
  & StreamOptions<TestChunk, TestResult>
  & { framing?: "sse" | "ndjson"; method?: string; secrets?: string[] };

/** Opens a test stream the way a provider client would. */
export function open(
  url: string,
  options: OpenOptions = {},
): ResponseStream<TestChunk, TestResult> {
  const { framing = "ndjson", method = "GET", secrets, ...rest } = options;
  return streamRequest({
    request: secrets ? { url, method, secrets } : { url, method },
    options: resolveOptions({ retryDelay: 1 }, rest),
    protocol: framing === "sse" ? sse : ndjson,
    callbacks: callbacksOf(rest),
  });
}

/** The chunks most tests stream: text in three pieces around some reasoning, then the end. */
export const hello: TestChunk[] = [
  { text: "Hel" },
  { think: "hmm" },
  { text: "lo" },
  { text: " world" },
  { done: true, tokens: 3 },
];

/** A server answering every request with the hello chunks as NDJSON. */
export function helloServer(options: { gap?: number } = {}): TestServer {
  return serve((_, server) =>
    new Response(server.body(lines(...hello), options), {
      headers: { "content-type": "application/x-ndjson" },
    })
  );
}
