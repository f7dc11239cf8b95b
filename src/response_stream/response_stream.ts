import { callSafely } from "../shared/_call_safely.ts";
import { iterable, type IterableReadableStream } from "../shared/_async_iterable.ts";
import {
  formatServerSentEvent,
  type ServerSentEventMessage,
} from "../streams/format_server_sent_event.ts";
import { FLOW, type Flowing } from "../shared/_flow.ts";
import type { ContentPart, ResponseInfo, StreamResult } from "../shared/types.ts";
import type { StreamCallbacks, StreamStats, ToResponseOptions } from "./types.ts";
import { HttpError } from "../errors/http_error.ts";
import { UI_MESSAGE_HEADERS, UIMessageEncoder } from "./_ui_message.ts";
import { TimeoutError } from "../errors/timeout_error.ts";
import { type CallTrace, streamResponse, type TraceResponse } from "../shared/_trace.ts";

const noop = () => {};
/** The header naming the protocol of a provider stream's chunks handed on as SSE or NDJSON. */
export const PROTOCOL_HEADER = "x-sluice-protocol";

const CONTENT_TYPES = {
  sse: "text/event-stream; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
  text: "text/plain; charset=utf-8",
  "ui-message": "text/event-stream; charset=utf-8",
} as const;

// The two ways into a stream's private state that the layers above need. Set by the first
// construction, not in a static block: a class with a static block that has effects is kept
// by bundlers even when nothing uses it (and everything it references with it).
let attachTrace: <Result extends StreamResult>(
  stream: ResponseStream<unknown, Result>,
  trace: CallTrace,
  read: ((result: Result) => TraceResponse) | undefined,
) => void;

/**
 * Hands a stream its call's span, ended when the stream settles (the first of
 * complete, failed, stopped); `read` is what the span records from the result
 * (by default the shared fields and the provider result's `id` and `model`).
 */
export function traceStream<Result extends StreamResult>(
  // deno-lint-ignore no-explicit-any
  stream: ResponseStream<any, Result>,
  trace: CallTrace | undefined,
  read?: (result: Result) => TraceResponse,
): void {
  if (trace !== undefined) attachTrace(stream, trace, read);
}

let takeParts:
  | ((stream: ResponseStream<unknown>) => AsyncIterator<ContentPart, undefined>)
  | undefined;

/**
 * A stream's normalized parts as a bare async iterator, for the unified
 * layer: it is the stream's one consumer, like `parts`, but no
 * `ReadableStream` is made for it (a paused `streamText` holds less). Its
 * `return()` cancels the stream.
 */
export function partsIterator(
  // deno-lint-ignore no-explicit-any
  stream: ResponseStream<any, StreamResult>,
): AsyncIterator<ContentPart, undefined> {
  // Set by the stream's construction.
  return takeParts!(stream);
}

/** Picks what a consumer gets from each item (or part), with the item's text delta. */
export type Select<T> = (value: unknown, text: string) => T | undefined;

function cancelled(): DOMException {
  return new DOMException("The stream was cancelled", "AbortError");
}

function errorPayload(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : "Error";
  return JSON.stringify({ error: { type: name, message } });
}

/**
 * The status a failure before any output is answered with: a 4xx of the
 * upstream's own, 504 for a timeout, 502 for anything else (a refused
 * connection, an upstream 5xx, a fetch that failed some other way — workerd's
 * fetch rejects with a plain `Error`).
 */
function statusOfError(error: unknown): number {
  if (error instanceof HttpError && error.status >= 400 && error.status < 500) return error.status;
  return error instanceof TimeoutError ? 504 : 502;
}

/** A failure before any output as a real status with a small JSON error body. */
function errorResponse(error: unknown, extra: HeadersInit | undefined): Response {
  const status = statusOfError(error);
  const headers = new Headers(extra);
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("cache-control", "no-store");
  if (status === 429 && error instanceof HttpError) {
    const retryAfter = error.headers.get("retry-after") ??
      (error.retryAfter === undefined ? null : String(Math.ceil(error.retryAfter / 1000)));
    if (retryAfter !== null) headers.set("retry-after", retryAfter);
  }
  return new Response(errorPayload(error), { status, headers });
}

/**
 * The object every streaming call returns, provider or unified: one core,
 * one meaning for each member. The request starts at once; the object is not
 * a promise, so both `for await (const chunk of client.chat(…))` and
 * `const s = await client.chat(…)` work.
 *
 * Read it one way only (like a `Response` body): iterate it, or take
 * {@linkcode ResponseStream.readable}, {@linkcode ResponseStream.textStream},
 * {@linkcode ResponseStream.parts}, {@linkcode ResponseStream.tee} or
 * {@linkcode ResponseStream.toResponse}. {@linkcode ResponseStream.result}
 * and {@linkcode ResponseStream.text} work alongside any of them: when the
 * stream taken is not being read, they read it themselves and what they read
 * waits in its queue. With callbacks and no other reader, the stream runs by
 * itself once the headers arrive.
 *
 * Leaving the loop early, `cancel()`, `await using` going out of scope, the
 * caller's signal and every timeout abort the HTTP request. An error raised
 * by the stream carries `partial`: what `result()` would have returned so far.
 * A stop the caller asked for rejects with the caller's reason and calls
 * `onAbort` with the partial result; {@linkcode ResponseStream.partial} has it
 * too.
 *
 * @example Iterate the text, then read the assembled result
 * ```ts
 * import { createMockServer } from "@sluice/sluice/testing";
 * import { Ollama } from "@sluice/sluice/ollama";
 *
 * const ollama = new Ollama({ fetch: createMockServer().fetch });
 * const stream = ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "Hi" }] });
 * for await (const text of stream.textStream) console.log(text);
 * const { usage, finishReason } = await stream.result();
 * console.log(finishReason, usage.outputTokens);
 * ```
 */
export abstract class ResponseStream<Item, Result extends StreamResult = StreamResult>
  implements AsyncIterable<Item>, AsyncDisposable {
  /** Status and headers, once they arrive; rejects if the request fails before them. */
  readonly response: Promise<ResponseInfo>;
  #callbacks: StreamCallbacks<Item, Result>;
  #onChunk: ((chunk: Item) => void) | undefined;
  #onText: ((text: string) => void) | undefined;
  #onReasoning: ((text: string) => void) | undefined;
  #consumer: string | undefined;
  #taken: ReadableStream<unknown> | undefined;
  #settled = false;
  #end: Promise<Result>;
  #resolveEnd!: (result: Result) => void;
  #rejectEnd!: (error: unknown) => void;
  #trace: CallTrace | undefined;
  #traceResponse: (result: Result) => TraceResponse = streamResponse;

  /**
   * Sets up the consumers. Provider clients and the unified API construct the
   * streams; users get them from a call.
   *
   * @param response Status and headers, when they arrive.
   * @param callbacks The call's callbacks.
   */
  protected constructor(
    response: Promise<ResponseInfo>,
    callbacks: StreamCallbacks<Item, Result> = {},
  ) {
    this.response = response;
    response.catch(noop);
    if (takeParts === undefined) ResponseStream.#grantAccess();
    this.#callbacks = callbacks;
    this.#onChunk = callbacks.onChunk;
    this.#onText = callbacks.onText;
    this.#onReasoning = callbacks.onReasoning;
    this.#end = new Promise<Result>((resolve, reject) => {
      this.#resolveEnd = resolve;
      this.#rejectEnd = reject;
    });
    this.#end.catch(noop);
    const { onChunk, onText, onReasoning, onError, onFinish, onAbort } = callbacks;
    if (onChunk || onText || onReasoning || onError || onFinish || onAbort) {
      const start = () => {
        if (this.#consumer === undefined) this.#drain("callbacks");
      };
      response.then(start, start);
    }
  }

  /**
   * Sets `attachTrace` and `takeParts`. A static method, so that the functions
   * close over nothing of the stream under construction.
   */
  static #grantAccess(): void {
    attachTrace = (stream, trace, read) => {
      stream.#trace = trace;
      if (read !== undefined) stream.#traceResponse = read;
    };
    takeParts = (stream) => {
      stream.#claim("parts");
      return stream.iterate(true, (part) => part as ContentPart);
    };
  }

  /** The items (provider chunks, or unified parts), as a web-standard `ReadableStream`. */
  get readable(): IterableReadableStream<Item> {
    return this.#take<Item>("readable", false, (item) => item as Item);
  }

  /** The text deltas (empty ones skipped), async-iterable on every runtime. */
  get textStream(): IterableReadableStream<string> {
    return this.#take<string>("textStream", false, (_item, text) => text || undefined);
  }

  /**
   * The normalized parts — `text-delta`, `reasoning-delta`, `tool-call-start`,
   * `tool-call-delta`, `tool-call`, `usage`, `finish`, `raw` — the same shapes
   * for every provider; the result is assembled from exactly these.
   */
  get parts(): IterableReadableStream<ContentPart> {
    return this.#take<ContentPart>("parts", true, (part) => part as ContentPart);
  }

  /** Timings and counts so far (a snapshot). */
  abstract get stats(): StreamStats;

  /** Iterates the items; leaving the loop early cancels the request. */
  [Symbol.asyncIterator](): AsyncIterator<Item> {
    return this.readable[Symbol.asyncIterator]();
  }

  /**
   * The assembled result: text, reasoning, tool calls, finish reason, usage
   * and the provider's own fields. Reads the stream to its end if nothing is
   * reading it. If a consumer took it (`textStream`, `readable`, `tee()`,
   * `toResponse()`, …), the stream reads its source to the end by itself
   * and queues every item for that consumer, who still gets each one, in
   * order, at its own pace: the result never waits on a consumer that took
   * the stream but reads slowly, or not at all.
   */
  result(): Promise<Result> {
    if (this.#consumer === undefined) this.#drain("result()");
    else (this.#taken as Flowing | undefined)?.[FLOW]?.();
    return this.#end;
  }

  /**
   * What {@linkcode ResponseStream.result} would return from what arrived so
   * far, at any moment. After a `break`, `cancel()` or the caller's abort
   * (which reject with the caller's own reason, carrying no `partial`), it is
   * the answer up to the stop.
   *
   * @example Keep what arrived before the user stopped the answer
   * ```ts
   * import { createMockServer } from "@sluice/sluice/testing";
   * import { Ollama } from "@sluice/sluice/ollama";
   *
   * const ollama = new Ollama({ fetch: createMockServer().fetch });
   * const controller = new AbortController();
   * const stream = ollama.chat(
   *   { model: "llama3.2", messages: [{ role: "user", content: "Hi" }] },
   *   { signal: controller.signal },
   * );
   * const history = [];
   * try {
   *   for await (const _text of stream.textStream) controller.abort();
   * } catch (error) {
   *   if (!controller.signal.aborted) throw error;
   *   history.push({ role: "assistant", content: stream.partial.text });
   * }
   * ```
   */
  get partial(): Result {
    return this.snapshot();
  }

  /** The whole answer text (see {@linkcode ResponseStream.result}). */
  async text(): Promise<string> {
    return (await this.result()).text;
  }

  /**
   * Two independent streams of the items. A branch that is not read buffers
   * everything the other branch reads (the web-standard `tee()` semantics):
   * read both, or cancel the one you do not need.
   */
  tee(): [IterableReadableStream<Item>, IterableReadableStream<Item>] {
    const [a, b] = this.#take<Item>("tee()", false, (item) => item as Item).tee();
    return [iterable(a), iterable(b)];
  }

  /**
   * Hands the stream on as a `Response`, for an edge handler: `"sse"` writes
   * the items as Server-Sent Events, `"ndjson"` one per line, `"text"` the
   * text deltas, `"ui-message"` the Vercel AI SDK's UI message stream (what
   * `useChat` reads; see {@linkcode ToResponseOptions.format}). When the
   * client goes away, the upstream request is aborted; however the body
   * ends, the upstream is released.
   *
   * By default it waits for the upstream's headers (bounded by the request's
   * `timeout`) and returns a promise: a failure before any output answers with
   * a real status and a small JSON error body (see
   * {@linkcode ToResponseOptions.waitForHeaders}). After the headers, an error
   * is written as a last event (SSE: `event: error`; NDJSON: `{"error": …}`)
   * before the body ends. With `{ waitForHeaders: false }` it returns the
   * `Response` at once, always 200, and every failure is in-band.
   *
   * @example An edge handler answering the upstream's failure with a real status
   * ```ts
   * import { createMockServer } from "@sluice/sluice/testing";
   * import { Ollama } from "@sluice/sluice/ollama";
   *
   * const ollama = new Ollama({ fetch: createMockServer().fetch });
   * const handler = (request: Request): Promise<Response> =>
   *   ollama.chat(
   *     { model: "llama3.2", messages: [{ role: "user", content: "Hi" }] },
   *     { signal: request.signal },
   *   ).toResponse({ format: "sse" });
   * const response = await handler(new Request("http://localhost/"));
   * console.log(response.status); // 200, or e.g. 404 with {"error": {…}} for a missing model
   * await response.body?.cancel();
   * ```
   */
  toResponse(options: ToResponseOptions & { waitForHeaders: false }): Response;
  /**
   * Waits for the upstream's headers, then hands the stream on as a
   * `Response` (see the overload above): a failure before any output gets a
   * real status and a JSON error body.
   */
  toResponse(options?: ToResponseOptions): Promise<Response>;
  toResponse(options: ToResponseOptions = {}): Response | Promise<Response> {
    const format = options.format ?? "sse";
    const unified = this.itemsAreParts;
    const source = format === "text"
      ? this.#take<string>("toResponse()", false, (_item, text) => text || undefined)
      : format === "ui-message"
      ? this.#take<unknown>("toResponse()", !unified, (item) => item)
      : this.#take<Item>("toResponse()", false, (item) => item as Item);
    const reader = source.getReader();
    const ui = format === "ui-message" ? new UIMessageEncoder(unified) : undefined;
    if (options.waitForHeaders === false) return this.#streamResponse(reader, format, options, ui);
    return this.response.then(
      () => this.#streamResponse(reader, format, options, ui),
      async (error) => {
        // The read raises the error through the stream (`onError`, `result()`), then releases it.
        await reader.read().catch(noop);
        reader.cancel(error).catch(noop);
        return errorResponse(error, options.headers);
      },
    );
  }

  #streamResponse(
    reader: ReadableStreamDefaultReader<unknown>,
    format: NonNullable<ToResponseOptions["format"]>,
    options: ToResponseOptions,
    ui: UIMessageEncoder | undefined,
  ): Response {
    const encoder = new TextEncoder();
    let prefix = ui ? ui.start() : "";
    const encode: (item: unknown) => string = ui
      ? (part) => ui.encode(part as { type: string })
      : format === "text"
      ? (text) => text as string
      : format === "ndjson"
      ? (item) => JSON.stringify(this.toJSONValue(item as Item)) + "\n"
      : (item) => formatServerSentEvent(this.toServerSentEvent(item as Item));
    const trailer = format === "sse" ? this.sseTrailer : undefined;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        let text = "";
        try {
          // Until there is something to write: a pull that enqueues nothing is not called again.
          while (text === "") {
            const { done, value } = await reader.read();
            if (done) {
              if (trailer) controller.enqueue(encoder.encode(formatServerSentEvent(trailer)));
              if (ui) controller.enqueue(encoder.encode(prefix + ui.end()));
              return controller.close();
            }
            text = prefix + encode(value);
            prefix = "";
          }
        } catch (error) {
          // A read or an encoding that failed: the upstream is released either way.
          reader.cancel(error).catch(noop);
          if (format === "text") return controller.error(error);
          if (ui) {
            controller.enqueue(encoder.encode(prefix + ui.error(error)));
            return controller.close();
          }
          const payload = errorPayload(error);
          controller.enqueue(
            encoder.encode(
              format === "sse"
                ? formatServerSentEvent({ event: "error", data: payload })
                : payload + "\n",
            ),
          );
          return controller.close();
        }
        controller.enqueue(encoder.encode(text));
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    }, { highWaterMark: 0 });
    const headers = new Headers(options.headers);
    if (ui) {
      for (const [name, value] of Object.entries(UI_MESSAGE_HEADERS)) {
        if (!headers.has(name)) headers.set(name, value);
      }
    }
    if (!headers.has("content-type")) headers.set("content-type", CONTENT_TYPES[format]);
    const protocol = this.itemProtocol;
    if (protocol !== undefined && (format === "sse" || format === "ndjson")) {
      headers.set(PROTOCOL_HEADER, protocol);
      // Readable by a page of another origin too, once the handler allows that origin.
      const exposed = headers.get("access-control-expose-headers");
      headers.set(
        "access-control-expose-headers",
        exposed ? `${exposed}, ${PROTOCOL_HEADER}` : PROTOCOL_HEADER,
      );
    }
    if (!headers.has("cache-control")) headers.set("cache-control", "no-cache");
    return new Response(body, { headers });
  }

  /**
   * Stops the stream and aborts the HTTP request (and any running tool). A
   * reader waiting for the next item gets the reason (by default an
   * `AbortError`); `result()` rejects with it; `onAbort` gets the partial
   * result.
   */
  cancel(reason?: unknown): Promise<void> {
    if (this.#consumer === undefined) this.#consumer = "cancel()";
    const error = reason ?? cancelled();
    this.stop(error);
    this.aborted(error);
    return Promise.resolve();
  }

  /** Cancels the stream when an `await using` block ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#settled ? Promise.resolve() : this.cancel();
  }

  /**
   * Opens the one consumer stream: every item (`parts: false`) or every
   * normalized part (`parts: true`) through `select`, which also gets the
   * text delta; `undefined` from it is skipped.
   */
  protected abstract open<T>(parts: boolean, select: Select<T>): IterableReadableStream<T>;

  /**
   * Iterates what {@linkcode ResponseStream.open} would stream, without the
   * stream where a subclass can (the unified layer's reading of parts).
   */
  protected iterate<T>(parts: boolean, select: Select<T>): AsyncIterator<T, undefined> {
    return this.open(parts, select)[Symbol.asyncIterator]() as AsyncIterator<T, undefined>;
  }

  /** The result as assembled so far. */
  protected abstract snapshot(): Result;

  /** Aborts the I/O with `reason` (the caller stopped the stream). */
  protected abstract stop(reason: unknown): void;

  /** How an item is written as a Server-Sent Event by `toResponse()`. */
  protected toServerSentEvent(item: Item): ServerSentEventMessage {
    return { data: JSON.stringify(this.toJSONValue(item)) };
  }

  /** The item as a JSON value for `toResponse()`. */
  protected toJSONValue(item: Item): unknown {
    return item;
  }

  /** An event written after the last item when handed on as SSE. */
  protected get sseTrailer(): ServerSentEventMessage | undefined {
    return undefined;
  }

  /**
   * The name of the protocol whose chunks the items are (a provider stream's),
   * sent as the `x-sluice-protocol` header with SSE and NDJSON so that
   * `fromResponse()` can read them back; `undefined` for other items.
   */
  protected get itemProtocol(): string | undefined {
    return undefined;
  }

  /**
   * True when the items are already the stream's parts, with their own step
   * boundaries and tool results (a unified stream): `toResponse()` then
   * encodes the items rather than the parts.
   */
  protected get itemsAreParts(): boolean {
    return false;
  }

  /** True once the stream succeeded, failed or was stopped. */
  protected get settled(): boolean {
    return this.#settled;
  }

  /** Hands one item to the callbacks (never blocks, never throws). */
  protected deliver(item: Item, text: string, reasoning: string): void {
    if (this.#onChunk) callSafely(this.#onChunk, item);
    if (text && this.#onText) callSafely(this.#onText, text);
    if (reasoning && this.#onReasoning) callSafely(this.#onReasoning, reasoning);
  }

  /** Adds the first-token event to the call's span, if it is traced (call once). */
  protected firstToken(): void {
    this.#trace?.firstToken();
  }

  /** Settles the stream as complete. */
  protected succeed(result: Result): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#trace?.succeed(this.#traceResponse(result));
    this.#resolveEnd(result);
    const { onFinish } = this.#callbacks;
    if (onFinish) callSafely(onFinish, result);
  }

  /** Settles the stream as failed (`onError`). */
  protected failed(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#trace?.fail(error, this.#trace && this.#traceResponse(this.snapshot()));
    this.#rejectEnd(error);
    const { onError } = this.#callbacks;
    if (onError) callSafely(onError, error);
  }

  /** Settles the stream as stopped by the caller (`onAbort` with the partial result). */
  protected aborted(reason: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#trace?.abort(this.#trace && this.#traceResponse(this.snapshot()));
    this.#rejectEnd(reason);
    const { onAbort } = this.#callbacks;
    if (onAbort) callSafely(onAbort, this.snapshot());
  }

  #claim(by: string): void {
    if (this.#consumer !== undefined) {
      throw new TypeError(
        `The stream is already being read (by ${this.#consumer}): read it once, or use tee() for two readers`,
      );
    }
    this.#consumer = by;
  }

  #take<T>(by: string, parts: boolean, select: Select<T>): IterableReadableStream<T> {
    this.#claim(by);
    const stream = this.open(parts, select);
    this.#taken = stream;
    return stream;
  }

  #drain(by: string): void {
    const reader = this.#take(by, false, () => undefined).getReader();
    reader.read().then(() => reader.releaseLock(), noop);
  }
}
