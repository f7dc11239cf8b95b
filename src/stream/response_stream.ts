import { parseBody, type TextParser } from "../streams/_body_stream.ts";
import { callSafely } from "./_call_safely.ts";
import { SseParser } from "../streams/_sse_parser.ts";
import { NdjsonParser } from "../streams/_ndjson_parser.ts";
import { formatServerSentEvent } from "../streams/format_server_sent_event.ts";
import { openRequest, type RequestSpec, type Transfer } from "../http/_open_request.ts";
import type { ResolvedOptions } from "../http/_resolve_options.ts";
import { Watchdog } from "../http/_watchdog.ts";
import { redactError } from "../http/_read_http_error.ts";
import { SluiceError } from "../errors/sluice_error.ts";
import { ParseError } from "../errors/parse_error.ts";
import { IncompleteStreamError } from "../errors/incomplete_stream_error.ts";
import { snippet } from "../errors/_snippet.ts";
import type { StreamProtocol } from "./stream_protocol.ts";
import type {
  ResponseInfo,
  StreamCallbacks,
  StreamResult,
  StreamStats,
  ToResponseOptions,
} from "./types.ts";
import { iterable, type IterableReadableStream } from "./_async_iterable.ts";

/** What a provider hands to {@linkcode ResponseStream}'s constructor. */
export interface ResponseStreamInit<Chunk, Result extends StreamResult> {
  /** The request to make. */
  request: RequestSpec;
  /** The request options, defaults applied. */
  options: ResolvedOptions;
  /** How the provider's frames become chunks and a result. */
  protocol: StreamProtocol<Chunk, Result>;
  /** Callbacks, and a handler object with the same methods. */
  callbacks?: StreamCallbacks<Chunk, Result> | undefined;
  /** The longest line accepted by the decoder, in characters. */
  maxLineLength?: number | undefined;
}

const noop = () => {};
const CONTENT_TYPES = {
  sse: "text/event-stream; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
  text: "text/plain; charset=utf-8",
} as const;

function emptyBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}

function cancelled(): DOMException {
  return new DOMException("The stream was cancelled", "AbortError");
}

/**
 * The object every streaming call returns, whatever the provider. The request
 * starts at once; the object is not a promise, so both
 * `for await (const chunk of client.chat(…))` and `const s = await client.chat(…)`
 * work. A failure to connect surfaces on the first read and on
 * {@linkcode ResponseStream.response}.
 *
 * Read it one way only (like a `Response` body): iterate it, or take
 * {@linkcode ResponseStream.readable}, {@linkcode ResponseStream.textStream},
 * {@linkcode ResponseStream.tee} or {@linkcode ResponseStream.toResponse}.
 * {@linkcode ResponseStream.result} and {@linkcode ResponseStream.text} work
 * alongside any of them, and read the stream themselves when nothing else
 * does. With callbacks and no other reader, the stream runs by itself once
 * the headers arrive.
 *
 * Leaving the loop early, `cancel()`, `await using` going out of scope, the
 * caller's signal and every timeout abort the HTTP request. An error raised
 * after output carries `partial`: what `result()` would have returned so far.
 *
 * @example Iterate chunks, then read the assembled result
 * ```ts ignore
 * const stream = ollama.chat({ model: "llama3.2", messages });
 * for await (const text of stream.textStream) console.log(text);
 * const { usage, finishReason } = await stream.result();
 * ```
 */
export class ResponseStream<Chunk, Result extends StreamResult = StreamResult>
  implements AsyncIterable<Chunk>, AsyncDisposable {
  /** Status and headers, once they arrive; rejects if the request fails before them. */
  readonly response: Promise<ResponseInfo>;
  #protocol: StreamProtocol<Chunk, Result>;
  #assembler;
  #callbacks: StreamCallbacks<Chunk, Result>;
  #maxLineLength: number | undefined;
  #watchdog: Watchdog;
  #opening: Promise<Transfer>;
  #callerSignal: AbortSignal | undefined;
  #secrets: readonly string[];
  #cancelReason: unknown;
  #ownError: unknown;
  #cancelled = false;
  #consumer: string | undefined;
  #settled = false;
  #end: Promise<Result>;
  #resolveEnd!: (result: Result) => void;
  #rejectEnd!: (error: unknown) => void;
  #stats: StreamStats = { chunks: 0, bytes: 0 };
  #startedAt = performance.now();
  #firstTokenAt: number | undefined;

  /**
   * Starts the request. Provider clients call this; users get the object from
   * a client method.
   */
  constructor(init: ResponseStreamInit<Chunk, Result>) {
    this.#protocol = init.protocol;
    this.#assembler = init.protocol.createAssembler();
    this.#callbacks = init.callbacks ?? {};
    this.#maxLineLength = init.maxLineLength;
    this.#end = new Promise<Result>((resolve, reject) => {
      this.#resolveEnd = resolve;
      this.#rejectEnd = reject;
    });
    this.#end.catch(noop);
    this.#watchdog = new Watchdog(init.options, init.options.signal);
    this.#callerSignal = init.options.signal;
    this.#secrets = init.request.secrets ?? [];
    this.#opening = openRequest(init.request, init.options, this.#watchdog).then((transfer) => {
      this.#stats.timeToHeaders = transfer.timeToHeaders;
      // Until a consumer reads, the silence is not the server's: the idle clock
      // starts with the first read (parseBody's onRead), not with the headers.
      transfer.watchdog.touch();
      return transfer;
    });
    this.#opening.catch(noop);
    this.response = this.#opening.then(({ response }) => {
      return {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        url: response.url,
      };
    });
    this.response.catch(noop);
    const { onChunk, onText, onError, onFinish } = this.#callbacks;
    if (onChunk || onText || onError || onFinish) {
      this.#opening.then(
        () => this.#consumer === undefined && this.#drain("callbacks"),
        (error) => this.#consumer === undefined && this.#drain("callbacks", error),
      );
    }
  }

  /** The typed chunks, as a web-standard `ReadableStream`. */
  get readable(): IterableReadableStream<Chunk> {
    // parseBody's streams carry their own async iterator: no iterable() wrapper needed.
    return this.#take("readable", (chunk) => chunk);
  }

  /** The text deltas (empty ones skipped), async-iterable on every runtime. */
  get textStream(): IterableReadableStream<string> {
    return this.#take<string>("textStream", (_chunk, text) => text || undefined);
  }

  /** Timings and counts so far (a snapshot). */
  get stats(): StreamStats {
    return { ...this.#stats };
  }

  /** Iterates the typed chunks; leaving the loop early cancels the request. */
  [Symbol.asyncIterator](): AsyncIterator<Chunk> {
    return this.#take("for await", (chunk) => chunk)[Symbol.asyncIterator]();
  }

  /**
   * The assembled result: text, thinking, tool calls, finish reason, usage and
   * the provider's own fields. Reads the stream to its end if nothing else is
   * reading it; otherwise waits for the reader to get there.
   */
  result(): Promise<Result> {
    if (this.#consumer === undefined) this.#drain("result()");
    return this.#end;
  }

  /**
   * What {@linkcode ResponseStream.result} would return from the chunks read so
   * far, at any moment. After a `break`, `cancel()` or the caller's abort (whose
   * reason is the caller's own and never gets a `partial`), it is the answer up
   * to the stop.
   *
   * @example Keep what arrived before the user stopped the answer
   * ```ts ignore
   * const stream = ollama.chat({ model: "llama3.2", messages, signal });
   * try {
   *   for await (const text of stream.textStream) ui.append(text);
   * } catch (error) {
   *   if (!signal.aborted) throw error;
   *   history.push({ role: "assistant", content: stream.partial.text });
   * }
   * ```
   */
  get partial(): Result {
    return this.#assembler.result();
  }

  /** The whole answer text (see {@linkcode ResponseStream.result}). */
  async text(): Promise<string> {
    return (await this.result()).text;
  }

  /** Two independent streams of the typed chunks. */
  tee(): [IterableReadableStream<Chunk>, IterableReadableStream<Chunk>] {
    const [a, b] = this.#take("tee()", (chunk) => chunk).tee();
    return [iterable(a), iterable(b)];
  }

  /**
   * Hands the stream on as a `Response`, for an edge handler: `"sse"` writes
   * the provider's chunks as Server-Sent Events, `"ndjson"` one per line,
   * `"text"` the text deltas. When the client goes away, the upstream request
   * is aborted. An error mid-stream is written as a last event (SSE:
   * `event: error`; NDJSON: `{"error": …}`) before the body ends.
   */
  toResponse(options: ToResponseOptions = {}): Response {
    const format = options.format ?? "sse";
    const encoder = new TextEncoder();
    const protocol = this.#protocol;
    let source: ReadableStream<unknown>;
    let encode: (item: unknown) => string;
    if (format === "text") {
      source = this.#take("toResponse()", (_chunk, text) => text || undefined);
      encode = (text) => text as string;
    } else {
      source = this.#take("toResponse()", (chunk) => chunk);
      encode = format === "ndjson"
        ? (chunk) => JSON.stringify(chunk) + "\n"
        : (chunk) =>
          formatServerSentEvent(
            protocol.toServerSentEvent?.(chunk as Chunk) ?? { data: JSON.stringify(chunk) },
          );
    }
    const reader = source.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (!done) return controller.enqueue(encoder.encode(encode(value)));
          if (format === "sse" && protocol.sseTrailer) {
            controller.enqueue(encoder.encode(formatServerSentEvent(protocol.sseTrailer)));
          }
          controller.close();
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const name = error instanceof Error ? error.name : "Error";
          if (format === "text") return controller.error(error);
          const payload = JSON.stringify({ error: { type: name, message } });
          controller.enqueue(
            encoder.encode(
              format === "sse"
                ? formatServerSentEvent({ event: "error", data: payload })
                : payload + "\n",
            ),
          );
          controller.close();
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    }, { highWaterMark: 0 });
    const headers = new Headers(options.headers);
    if (!headers.has("content-type")) headers.set("content-type", CONTENT_TYPES[format]);
    if (!headers.has("cache-control")) headers.set("cache-control", "no-cache");
    return new Response(body, { headers });
  }

  /**
   * Stops the stream and aborts the HTTP request. A reader waiting for the
   * next chunk gets the reason (by default an `AbortError`); `result()`
   * rejects with it.
   */
  cancel(reason?: unknown): Promise<void> {
    const error = reason ?? cancelled();
    this.#cancelReason = reason;
    if (this.#consumer === undefined) this.#consumer = "cancel()";
    // Like `break`: a cancel the caller asked for is not reported to onError.
    this.#cancelled = true;
    this.#watchdog.abort(error);
    this.#fail(error, false);
    return Promise.resolve();
  }

  /** Cancels the stream when an `await using` block ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#settled ? Promise.resolve() : this.cancel();
  }

  #take<T>(
    by: string,
    select: (chunk: Chunk, text: string) => T | undefined,
  ): ReadableStream<T> & AsyncIterable<T> {
    if (this.#consumer !== undefined) {
      throw new TypeError(
        `The stream is already being read (by ${this.#consumer}): read it once, or use tee() for two readers`,
      );
    }
    this.#consumer = by;
    const watchdog = this.#watchdog;
    return parseBody<T>(
      // No body (204, 205): an empty stream that ends at once, so the protocol's
      // finish() decides (a never-closing stream would hang until a timeout).
      this.#opening.then(({ response }) => response.body ?? emptyBody()),
      (emit) => this.#parser(emit, select),
      {
        // An abort (caller, timeout, cancel()) errors the stream at once, like fetch's own
        // body, instead of after the chunks an earlier read already parsed.
        signal: watchdog.signal,
        onRead: () => watchdog.reading(),
        onBytes: (bytes) => {
          watchdog.touch();
          this.#stats.bytes += bytes.byteLength;
        },
        onError: (error) => this.#fail(error, !this.#cancelled),
        onCancel: (reason) => {
          this.#cancelReason = reason;
          watchdog.abort(reason ?? cancelled());
          this.#fail(reason ?? cancelled(), false);
        },
        onFinally: () => watchdog.dispose(),
      },
    );
  }

  #drain(by: string, error?: unknown): void {
    if (error !== undefined) {
      this.#consumer = by;
      this.#fail(error);
      return;
    }
    const reader = this.#take(by, () => undefined).getReader();
    reader.read().then(() => reader.releaseLock(), noop);
  }

  #parser<T>(
    emit: (item: T) => void,
    select: (chunk: Chunk, text: string) => T | undefined,
  ): TextParser {
    const assembler = this.#assembler;
    const stats = this.#stats;
    const { onChunk, onText } = this.#callbacks;
    const sse = this.#protocol.framing === "sse";
    const onFrame = (frame: unknown) => {
      // Whatever follows the provider's end marker in the same read is not part of the answer.
      if (assembler.done) return;
      let chunk: Chunk | undefined;
      try {
        chunk = assembler.push(frame);
      } catch (error) {
        if (!(error instanceof SyntaxError)) {
          // An error of the assembler's own is not a broken connection: keep it as it is.
          if (!(error instanceof SluiceError)) this.#ownError = error;
          throw error;
        }
        const line = frames.lineNumber;
        const text = sse ? (frame as { data?: string }).data ?? "" : JSON.stringify(frame);
        throw new ParseError(
          sse
            ? `Cannot parse the event data ending at line ${line} as JSON: ${snippet(text)}`
            : `Cannot parse line ${line}: ${snippet(text)}`,
          { line, snippet: text.slice(0, 40), cause: error },
        );
      }
      if (chunk === undefined) return;
      stats.chunks++;
      // The text delta, read once per chunk for the first-token time, onText and textStream.
      const text = assembler.text(chunk);
      if (this.#firstTokenAt === undefined && (text || assembler.thinking?.(chunk))) {
        this.#firstTokenAt = performance.now();
        stats.timeToFirstToken = this.#firstTokenAt - this.#startedAt;
      }
      if (onChunk) this.#call(onChunk, chunk);
      if (onText && text) this.#call(onText, text);
      const item = select(chunk, text);
      if (item !== undefined) emit(item);
    };
    const frames: SseParser | NdjsonParser = sse
      ? new SseParser(onFrame, this.#maxLineLength)
      : new NdjsonParser(onFrame, this.#maxLineLength);
    return {
      push: (text) => frames.push(text),
      end: () => {
        frames.end();
        assembler.finish();
        this.#succeed();
      },
      get done() {
        return assembler.done;
      },
    };
  }

  #succeed(): void {
    if (this.#settled) return;
    this.#settled = true;
    const result = this.#assembler.result();
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
    this.#resolveEnd(result);
    const { onFinish } = this.#callbacks;
    if (onFinish) this.#call(onFinish, result);
  }

  /** Settles the stream as failed; returns the error the reader gets. */
  #fail(error: unknown, report = true): unknown {
    const signal = this.#watchdog.signal;
    if (signal.aborted) error = signal.reason;
    if (this.#settled) return error;
    this.#settled = true;
    if (signal.aborted) {
      // A timeout, the caller's abort or a cancel: the reason as it was given.
    } else if (
      !(error instanceof SluiceError) && error !== this.#ownError &&
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
    if (
      error instanceof SluiceError && error.partial === undefined && this.#stats.chunks > 0 &&
      error !== this.#callerSignal?.reason && error !== this.#cancelReason
    ) {
      error.partial = this.#assembler.result();
    }
    this.#watchdog.dispose();
    this.#rejectEnd(error);
    const { onError } = this.#callbacks;
    if (report && onError) this.#call(onError, error);
    return error;
  }

  #call<T>(callback: (value: T) => void, value: T): void {
    callSafely(callback, value, this.#callbacks.onError);
  }
}
