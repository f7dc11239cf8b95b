import {
  type BodySource,
  iterateBody,
  parseBody,
  type ParseBodyOptions,
  type TextParser,
} from "../streams/_body_stream.ts";
import { SseParser } from "../streams/_sse_parser.ts";
import { NdjsonParser } from "../streams/_ndjson_parser.ts";
import type { ServerSentEventMessage } from "../streams/format_server_sent_event.ts";
import { openRequest, type RequestSpec, secretsOf, type Transfer } from "../http/_open_request.ts";
import type { ResolvedOptions } from "../http/_resolve_options.ts";
import { Watchdog } from "../http/_watchdog.ts";
import { redactError } from "../http/_read_http_error.ts";
import { backoff, sleep } from "../http/_retry.ts";
import { ProviderError } from "../errors/provider_error.ts";
import { SluiceError } from "../errors/sluice_error.ts";
import { ParseError } from "../errors/parse_error.ts";
import { IncompleteStreamError } from "../errors/incomplete_stream_error.ts";
import { snippet } from "../errors/_snippet.ts";
import type { IterableReadableStream } from "../shared/_async_iterable.ts";
import type { ContentPart, StreamResult } from "../shared/types.ts";
import { PartAssembler } from "./_part_assembler.ts";
import { ResponseStream, type Select, traceStream } from "./response_stream.ts";
import { CallTrace, type TraceRequest } from "../shared/_trace.ts";
import type { ProtocolReader, StreamProtocol } from "./stream_protocol.ts";
import type { StreamCallbacks, StreamStats } from "./types.ts";

/** What a provider client hands to {@linkcode streamRequest}. */
export interface StreamRequestInit<Chunk, Result extends StreamResult> {
  /** The request to make. */
  request: RequestSpec;
  /** The request options, defaults applied. */
  options: ResolvedOptions;
  /** How the provider's frames become chunks, parts and a result. */
  protocol: StreamProtocol<Chunk, Result>;
  /** Callbacks, and a handler object with the same methods. */
  callbacks?: StreamCallbacks<Chunk, Result> | undefined;
  /** The longest line accepted by the decoder, in characters. */
  maxLineLength?: number | undefined;
  /** What the call's span records at the start (called only when `options.tracer` is set). */
  trace?: (() => TraceRequest) | undefined;
}

const noop = () => {};

function emptyBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}

function cancelled(): DOMException {
  return new DOMException("The stream was cancelled", "AbortError");
}

/** Error types a server reports in a 200 stream that are worth another try, like a 5xx or 529. */
const RETRYABLE_TYPES = new Set([
  "overloaded_error",
  "api_error",
  "server_error",
  "internal_error",
  "internal_server_error",
  "service_unavailable",
  "rate_limit_error",
  "rate_limit_exceeded",
  // Gemini's google.rpc statuses (503, 500).
  "UNAVAILABLE",
  "INTERNAL",
]);

/** How much of a body may come before its first frame and still be probed for a retryable error. */
const PROBE_BYTES = 65_536;

/** A response whose first frame was read: the body to parse (those bytes first), or a retryable error. */
type FirstFrame = { body: BodySource } | { retry: ProviderError };

/**
 * Reads a response up to its first frame, with a probe reader of the same
 * protocol. A first frame that is a retryable error (Anthropic's
 * `overloaded_error`, OpenAI's error event as the first event of a 200)
 * comes back as `retry`: nothing has reached the caller yet. Otherwise the
 * bytes read so far are handed to the real parse first.
 */
async function readFirstFrame(
  response: Response,
  protocol: StreamProtocol<unknown, StreamResult>,
  maxLineLength: number | undefined,
  watchdog: Watchdog,
): Promise<FirstFrame> {
  if (!response.body) return { body: emptyBody() };
  const reader = response.body.getReader();
  const prefix: Uint8Array[] = [];
  const probe = protocol.createReader();
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  let decided = false;
  let retry: ProviderError | undefined;
  const onFrame = (frame: unknown) => {
    if (decided) return;
    decided = true;
    try {
      probe.push(frame, noop);
    } catch (error) {
      if (error instanceof ProviderError && RETRYABLE_TYPES.has(error.type ?? "")) retry = error;
    }
  };
  const frames = protocol.framing === "sse"
    ? new SseParser(onFrame, maxLineLength)
    : new NdjsonParser(onFrame, maxLineLength, protocol.parseLine);
  let held = 0;
  try {
    // Comments or blank lines ahead of the first frame (a gateway's keep-alives while it queues)
    // are held for the real parse only up to PROBE_BYTES: past that, no retry is waited for.
    while (!decided && held <= PROBE_BYTES) {
      watchdog.reading();
      const { done, value } = await reader.read();
      watchdog.touch();
      if (done) break;
      prefix.push(value);
      held += value.byteLength;
      frames.push(decoder.decode(value, { stream: true }));
    }
  } catch {
    // A broken body or a line over the limit: the real parse reports it.
  }
  if (retry === undefined) return { body: { reader, prefix } };
  reader.cancel().catch(noop);
  return { retry };
}

/** A body that replays the error frame's effect: the real parse raises the same error. */
function replay(error: ProviderError): BodySource {
  return new ReadableStream({ start: (controller) => controller.error(error) });
}

/**
 * The text parser the fused decoder feeds: the frames parser, with the
 * protocol reader's end marker as `done`. A class, not an object literal with
 * a getter: a getter made per stream is remembered by the engine's caches at
 * the call site, and what it closes over (the whole stream) then outlives the
 * stream until the next full garbage collection.
 */
class FrameFeeder implements TextParser {
  #frames: SseParser | NdjsonParser;
  #reader: { readonly done: boolean };
  #end: () => void;

  constructor(
    frames: SseParser | NdjsonParser,
    reader: { readonly done: boolean },
    end: () => void,
  ) {
    this.#frames = frames;
    this.#reader = reader;
    this.#end = end;
  }

  push(text: string): void {
    this.#frames.push(text);
  }

  end(): void {
    this.#end();
  }

  get done(): boolean {
    return this.#reader.done;
  }
}

/** Starts a streaming request and returns its stream object. */
export function streamRequest<Chunk, Result extends StreamResult>(
  init: StreamRequestInit<Chunk, Result>,
): ResponseStream<Chunk, Result> {
  return new HttpStream(init);
}

/**
 * A stream read off an HTTP response by a provider protocol: the fused
 * decoder (bytes → lines → frames) feeds the protocol's reader, whose parts
 * build the shared fields of the result.
 */
class HttpStream<Chunk, Result extends StreamResult> extends ResponseStream<Chunk, Result> {
  #protocol: StreamProtocol<Chunk, Result>;
  #reader: ProtocolReader<Chunk, Result>;
  #assembler = new PartAssembler();
  #maxLineLength: number | undefined;
  #watchdog: Watchdog;
  #opening: Promise<Transfer>;
  /** What a retry of the first read needs; let go once the body is found. */
  #init: StreamRequestInit<Chunk, Result> | undefined;
  /** The body to parse, once the first read asked for it (see `#bodySource`). */
  #body: Promise<BodySource> | undefined;
  #callerSignal: AbortSignal | undefined;
  #secrets: readonly string[];
  /** The reason the caller stopped the stream with (`break`, `cancel()`). */
  #stopReason: { reason: unknown } | undefined;
  #ownError: unknown;
  /** A consumer opened the body (it releases it), or stop() did. */
  #opened = false;
  #stats: StreamStats = { chunks: 0, bytes: 0 };
  #startedAt: number;
  #firstTokenAt: number | undefined;

  constructor(init: StreamRequestInit<Chunk, Result>) {
    // First: a protocol that rejects its settings throws before any request is sent.
    const reader = init.protocol.createReader();
    const startedAt = performance.now();
    const trace = init.trace && CallTrace.start(init.options, init.trace);
    const watchdog = new Watchdog(init.options, init.options.signal);
    if (init.protocol.emitsContent !== false) watchdog.awaitFirstToken();
    const opening = openRequest(init.request, init.options, watchdog);
    opening.catch(noop);
    super(
      opening.then(({ response }) => ({
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        url: response.url,
      })),
      init.callbacks,
    );
    traceStream(this, trace);
    this.#startedAt = startedAt;
    this.#watchdog = watchdog;
    this.#protocol = init.protocol;
    this.#reader = reader;
    this.#maxLineLength = init.maxLineLength;
    this.#callerSignal = init.options.signal;
    this.#secrets = secretsOf(init.request, init.options);
    this.#init = init;
    this.#opening = opening.then((transfer) => {
      this.#stats.timeToHeaders = transfer.timeToHeaders;
      return transfer;
    });
    this.#opening.catch(noop);
  }

  get stats(): StreamStats {
    return { ...this.#stats };
  }

  protected snapshot(): Result {
    return this.#reader.result(this.#assembler.result());
  }

  protected stop(reason: unknown): void {
    this.#stopReason ??= { reason };
    this.#watchdog.abort(reason);
    // A body no consumer opened is released here (a `fetch` that ignores the signal keeps it).
    if (!this.#opened) {
      this.#opened = true;
      this.#opening.then(({ response }) => response.body?.cancel(reason)).catch(noop);
    }
  }

  protected override toServerSentEvent(chunk: Chunk): ServerSentEventMessage {
    return this.#protocol.toServerSentEvent?.(chunk) ?? super.toServerSentEvent(chunk);
  }

  protected override get sseTrailer(): ServerSentEventMessage | undefined {
    return this.#protocol.sseTrailer;
  }

  protected override get itemProtocol(): string | undefined {
    return this.#protocol.name;
  }

  protected open<T>(parts: boolean, select: Select<T>): IterableReadableStream<T> {
    return parseBody<T>(...this.#reading(parts, select));
  }

  protected override iterate<T>(parts: boolean, select: Select<T>): AsyncIterator<T, undefined> {
    return iterateBody<T>(...this.#reading(parts, select));
  }

  /** What the fused decoder reads the body with, for one consumer. */
  #reading<T>(
    parts: boolean,
    select: Select<T>,
  ): [PromiseLike<BodySource>, (emit: (item: T) => void) => TextParser, ParseBodyOptions] {
    this.#opened = true;
    const watchdog = this.#watchdog;
    return [
      // Asked for at the first read: a response nobody reads is not read at all.
      { then: (resolve, reject) => this.#bodySource().then(resolve, reject) },
      (emit) => this.#parser(emit, parts, select),
      {
        // An abort (caller, timeout, cancel()) errors the stream at once, like fetch's own
        // body, instead of after the chunks an earlier read already parsed.
        signal: watchdog.signal,
        onRead: () => watchdog.reading(),
        onBytes: (bytes) => {
          watchdog.touch();
          this.#stats.bytes += bytes.byteLength;
        },
        onError: (error) => this.#fail(error),
        onCancel: (reason) => {
          const error = reason ?? cancelled();
          this.stop(error);
          this.aborted(error);
        },
        onFinally: () => watchdog.dispose(),
      },
    ];
  }

  /**
   * The body, read up to its first frame. A 200 whose first event is a
   * retryable error (nothing has reached the caller) is requested again like a
   * 5xx, within `maxRetries`; `response` keeps the first response's headers.
   */
  #bodySource(): Promise<BodySource> {
    return this.#body ??= (async () => {
      const { request, options, protocol, maxLineLength } = this.#init!;
      let transfer = await this.#opening;
      for (let attempt = 0;; attempt++) {
        const first = await readFirstFrame(
          transfer.response,
          protocol as StreamProtocol<unknown, StreamResult>,
          maxLineLength,
          this.#watchdog,
        );
        if ("body" in first || attempt >= options.maxRetries) {
          // No retry can come now: the request, its body and options go.
          this.#init = undefined;
          return "body" in first ? first.body : replay(first.retry);
        }
        this.#watchdog.betweenAttempts();
        await sleep(backoff(attempt, options.retryDelay), this.#watchdog.signal);
        transfer = await openRequest(request, options, this.#watchdog);
      }
    })();
  }

  #parser<T>(emit: (item: T) => void, parts: boolean, select: Select<T>): TextParser {
    const reader = this.#reader;
    const assembler = this.#assembler;
    const stats = this.#stats;
    const sse = this.#protocol.framing === "sse";
    // The text and reasoning deltas of the frame being read.
    let text = "";
    let reasoning = "";
    let content = false;
    const sink = (part: ContentPart) => {
      part = assembler.add(part);
      if (!content) {
        const type = part.type;
        if (type === "text-delta" || type === "reasoning-delta" || type === "tool-call-start") {
          content = true;
          this.#watchdog.firstToken();
          this.firstToken();
        }
      }
      if (part.type === "text-delta") text += part.text;
      else if (part.type === "reasoning-delta") reasoning += part.text;
      if (parts) {
        const item = select(part, part.type === "text-delta" ? part.text : "");
        if (item !== undefined) emit(item);
      }
    };
    const onFrame = (frame: unknown) => {
      // Whatever follows the provider's end marker in the same read is not part of the answer.
      if (reader.done) return;
      text = "";
      reasoning = "";
      let chunk: Chunk | undefined;
      try {
        chunk = reader.push(frame, sink);
      } catch (error) {
        if (!(error instanceof SyntaxError)) {
          // An error of the reader's own is not a broken connection: keep it as it is.
          if (!(error instanceof SluiceError)) this.#ownError = error;
          throw error;
        }
        const line = frames.lineNumber;
        const data = sse ? (frame as { data?: string }).data ?? "" : JSON.stringify(frame);
        if (ending) {
          // An event dispatched at the end of the body without its blank line, cut short.
          throw new IncompleteStreamError(
            `The stream ended inside its last event: ${snippet(data)}`,
            { cause: error },
          );
        }
        throw new ParseError(
          sse
            ? `Cannot parse the event data ending at line ${line} as JSON: ${snippet(data)}`
            : `Cannot parse line ${line}: ${snippet(data)}`,
          { line, snippet: data.slice(0, 40), cause: error },
        );
      }
      if (chunk === undefined) return;
      stats.chunks++;
      if (this.#firstTokenAt === undefined && (text || reasoning)) {
        this.#firstTokenAt = performance.now();
        stats.timeToFirstToken = this.#firstTokenAt - this.#startedAt;
      }
      this.deliver(chunk, text, reasoning);
      if (!parts) {
        const item = select(chunk, text);
        if (item !== undefined) emit(item);
      }
    };
    // A complete last event is accepted without its blank line (some gateways omit it).
    const frames: SseParser | NdjsonParser = sse
      ? new SseParser(onFrame, this.#maxLineLength, { dispatchAtEnd: true })
      : new NdjsonParser(onFrame, this.#maxLineLength, this.#protocol.parseLine);
    let ending = false;
    return new FrameFeeder(frames, reader, () => {
      ending = true;
      try {
        frames.end();
      } catch (error) {
        // NDJSON: the last line, which had no newline, is not JSON: the body ended inside it.
        if (sse || !(error instanceof ParseError) || !(error.cause instanceof SyntaxError)) {
          throw error;
        }
        throw new IncompleteStreamError(
          `The stream ended inside its last line: ${error.snippet ?? ""}`,
          { cause: error },
        );
      }
      reader.finish(sink);
      this.#succeed();
    });
  }

  #succeed(): void {
    if (this.settled) return;
    const result = this.snapshot();
    const stats = this.#stats;
    const now = performance.now();
    stats.duration = now - this.#startedAt;
    stats.outputTokens = result.usage.outputTokens;
    stats.tokensPerSecond = this.#protocol.tokensPerSecond?.(result);
    if (stats.tokensPerSecond === undefined && result.usage.outputTokens !== undefined) {
      const seconds = (now - (this.#firstTokenAt ?? this.#startedAt)) / 1000;
      if (seconds > 0) stats.tokensPerSecond = result.usage.outputTokens / seconds;
    }
    this.#watchdog.dispose();
    this.succeed(result);
  }

  /** Settles the stream after an error that ended its body; returns the error the reader gets. */
  #fail(error: unknown): unknown {
    const signal = this.#watchdog.signal;
    if (signal.aborted) error = signal.reason;
    this.#watchdog.dispose();
    if (this.settled) return error;
    if (
      this.#stopReason !== undefined ||
      (this.#callerSignal?.aborted && error === this.#callerSignal.reason)
    ) {
      // The caller stopped it: the reason as it was given, and onAbort.
      this.aborted(error);
      return error;
    }
    if (
      !signal.aborted && !(error instanceof SluiceError) && error !== this.#ownError &&
      this.#stats.timeToHeaders !== undefined
    ) {
      // The body broke off (connection reset, network error) before the end marker.
      const cause = redactError(error, this.#secrets);
      error = new IncompleteStreamError(
        `The connection broke off before the end of the stream: ${
          cause instanceof Error ? cause.message : String(cause)
        }`,
        { cause },
      );
    }
    // No credential leaves in an error, whichever provider or layer raised it.
    error = redactError(error, this.#secrets);
    // Every error the stream raises carries what had arrived (empty when nothing had).
    if (error instanceof SluiceError && error.partial === undefined) {
      error.partial = this.snapshot();
    }
    this.failed(error);
    return error;
  }
}
