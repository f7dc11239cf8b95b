import { type PullCore, pullStream } from "../shared/_flow.ts";

/** A push parser fed with decoded text. */
export interface TextParser {
  /** Feeds the next piece of text. */
  push(text: string): void;
  /** Ends the input (at the end of the body, or once `done`). */
  end(): void;
  /** True once the parser has seen its end marker: reading stops early. */
  readonly done?: boolean;
}

/**
 * A body to parse: a byte stream, or a reader some bytes were already read
 * from (`prefix`, parsed first).
 */
export type BodySource =
  | ReadableStream<Uint8Array>
  | { reader: ReadableStreamDefaultReader<Uint8Array>; prefix: Uint8Array[] };

/** Options of {@linkcode parseBody}. */
export interface ParseBodyOptions {
  /** Aborting it errors the stream with the signal's reason and cancels the body. */
  signal?: AbortSignal | undefined;
  /** Called before each read of the body. */
  onRead?: (() => void) | undefined;
  /** Called with every chunk of bytes read, before it is decoded. */
  onBytes?: ((bytes: Uint8Array) => void) | undefined;
  /** Called once with any error that ends the stream; returns the error to raise instead. */
  onError?: ((error: unknown) => unknown) | undefined;
  /** Called when the consumer cancels the stream, with the reason. */
  onCancel?: ((reason: unknown) => void) | undefined;
  /** Called once however the stream ends: closed, errored or cancelled. */
  onFinally?: (() => void) | undefined;
}

const STREAM: TextDecodeOptions = { stream: true };
const noop = () => {};

/**
 * The state machine under {@linkcode parseBody}: reads the body, decodes it,
 * feeds the parser and hands out the parsed items one `next()` at a time. The
 * stream's reader and its async iterator both pull from it; the iterator does
 * so directly, without a `ReadableStream` read per item.
 */
class BodyParser<T> implements PullCore<T> {
  /** Called whenever a `next()` ends in done or an error (`failure`); see {@linkcode PullCore.onEnd}. */
  onEnd: ((failure?: { error: unknown }) => void) | undefined;
  #body: BodySource | PromiseLike<BodySource>;
  /** Bytes read before parsing began, handed out before the reader's. */
  #prefix: Uint8Array[] | undefined;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  // ignoreBOM: a U+FEFF on a chunk boundary must survive; the parsers drop the leading one.
  #decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  #parser: TextParser;
  // The items of the last read are `#items[#index..#count)`. The array is reused and never
  // shrinks (`length = 0` would drop its storage each read); a slot handed out is cleared.
  #items: (T | undefined)[] = [];
  #index = 0;
  #count = 0;
  #options: ParseBodyOptions;
  /** The body ended (or the parser saw its end marker): done once the items are out. */
  #ended = false;
  /** An error to raise once the items parsed before it are out. */
  #failure: { error: unknown } | undefined;
  /** The error every read raises from now on (an abort: at once, before any item). */
  #error: { error: unknown } | undefined;
  #settled = false;
  /** Listening to the signal: the parser itself is the listener (see `handleEvent`). */
  #listening = false;
  /** Told of an abort's error, after the stream settled with it. */
  #abortHook: (error: unknown) => void;
  /** A `next()` is under way: the next call waits for `#last`, the latest one, to settle. */
  #busy = false;
  #last: Promise<IteratorResult<T, undefined>> | undefined;

  constructor(
    body: BodySource | PromiseLike<BodySource>,
    createParser: (emit: (item: T) => void) => TextParser,
    options: ParseBodyOptions,
    onAbort: (error: unknown) => void,
  ) {
    // A request that fails before anyone reads must not become an unhandled
    // rejection: the error is raised by the first read instead.
    if (body instanceof Promise) body.catch(noop);
    this.#body = body;
    this.#options = options;
    this.#abortHook = onAbort;
    this.#parser = createParser((item) => {
      this.#items[this.#count++] = item;
    });
    const { signal } = options;
    if (!signal) return;
    if (signal.aborted) {
      this.handleEvent();
      return;
    }
    // The parser itself listens, rather than a closure made per stream: with such a
    // closure, a finished stream's parser stayed reachable past young-generation
    // collections in Deno (see tests/response_stream/retention_test.ts).
    this.#listening = true;
    signal.addEventListener("abort", this, { once: true });
  }

  /** The signal aborted: the stream errors with its reason at once. */
  handleEvent(): void {
    if (this.#settled) return;
    const reason = this.#options.signal?.reason;
    const error = this.#fail(reason);
    this.#error = { error };
    this.#release(reason);
    this.#abortHook(error);
  }

  /** True when an item is parsed and waiting. */
  get buffered(): boolean {
    return this.#index < this.#count && this.#error === undefined;
  }

  /** The next waiting item (only when `buffered`). */
  shift(): T {
    const index = this.#index++;
    const item = this.#items[index] as T;
    this.#items[index] = undefined;
    return item;
  }

  /**
   * The next item, reading as much of the body as it takes. Rejects with the
   * stream's error once every item parsed before it was handed out. Calls made
   * before the previous one settled wait their turn.
   */
  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#busy) {
      const next = () => this.next();
      return this.#last = this.#last!.then(next, next);
    }
    // An item parsed by an earlier read: no need to enter the read loop.
    if (this.#index < this.#count && this.#error === undefined) {
      return this.#last = Promise.resolve({ value: this.shift(), done: false });
    }
    return this.#last = this.#pull();
  }

  /** Stops reading: the body is cancelled with `reason`, the items parsed are dropped. */
  cancel(reason: unknown): void {
    if (this.#settled) return;
    // The listener goes first: a cancel must not come back as an abort error.
    this.#unlisten();
    this.#options.onCancel?.(reason);
    this.#items = [];
    this.#index = 0;
    this.#count = 0;
    this.#ended = true;
    this.#settle();
    this.#release(reason);
  }

  async #pull(): Promise<IteratorResult<T, undefined>> {
    this.#busy = true;
    const parser = this.#parser;
    const { onRead, onBytes } = this.#options;
    try {
      for (;;) {
        if (this.#error) {
          this.onEnd?.(this.#error);
          throw this.#error.error;
        }
        if (this.#index < this.#count) return { value: this.shift(), done: false };
        this.#index = 0;
        this.#count = 0;
        if (this.#failure) {
          this.#error = { error: this.#fail(this.#failure.error) };
          continue;
        }
        if (this.#ended) {
          this.onEnd?.();
          return { value: undefined, done: true };
        }
        // One read; a cancel or an abort while it waits leaves `#ended` or `#error` set.
        try {
          let reader = this.#reader;
          if (reader === undefined) {
            const source = await this.#body;
            if (source instanceof ReadableStream) reader = source.getReader();
            else {
              reader = source.reader;
              this.#prefix = source.prefix;
            }
            this.#reader = reader;
          }
          if (this.#settled) continue;
          onRead?.();
          const prefix = this.#prefix;
          const result = prefix !== undefined && prefix.length > 0
            ? { done: false as const, value: prefix.shift()! }
            : await reader.read();
          if (this.#settled) continue;
          if (result.done) {
            parser.push(this.#decoder.decode());
          } else {
            const bytes = result.value;
            onBytes?.(bytes);
            // A chunk ending on an ASCII byte cannot end inside a character, so it can take
            // the runtime's one-shot decode (much faster in Deno than the streaming path,
            // which it otherwise keeps using once any chunk ended mid-character).
            const last = bytes[bytes.length - 1];
            parser.push(
              last !== undefined && last < 0x80
                ? this.#decoder.decode(bytes)
                : this.#decoder.decode(bytes, STREAM),
            );
            if (!parser.done) continue;
            reader.cancel().catch(noop);
          }
          parser.end();
          this.#ended = true;
          this.#settle();
        } catch (error) {
          if (this.#settled) continue;
          this.#release(error);
          this.#failure = { error };
        }
      }
    } finally {
      this.#busy = false;
    }
  }

  #unlisten(): void {
    if (!this.#listening) return;
    this.#listening = false;
    this.#options.signal?.removeEventListener("abort", this);
  }

  #settle(): void {
    this.#settled = true;
    this.#unlisten();
    this.#options.onFinally?.();
  }

  #fail(error: unknown): unknown {
    const { onError } = this.#options;
    const raised = onError ? onError(error) : error;
    this.#settle();
    return raised;
  }

  #release(reason: unknown): void {
    if (this.#reader) this.#reader.cancel(reason).catch(noop);
    else {
      Promise.resolve(this.#body).then((source) =>
        source instanceof ReadableStream ? source.cancel(reason) : source.reader.cancel(reason)
      ).catch(noop);
    }
  }
}

/**
 * The items of {@linkcode parseBody} as a bare async iterator, without the
 * `ReadableStream`: `return()` cancels the body. For a consumer inside the
 * library that only iterates (it holds less while paused).
 */
export function iterateBody<T>(
  body: BodySource | PromiseLike<BodySource>,
  createParser: (emit: (item: T) => void) => TextParser,
  options: ParseBodyOptions = {},
): AsyncIterator<T, undefined> {
  // An abort raises its error from the read under way (the body is released at once).
  const core = new BodyParser(body, createParser, options, noop);
  return {
    next: () => core.next(),
    return(value?: unknown) {
      core.cancel(value);
      return Promise.resolve({ value: undefined, done: true });
    },
  };
}

/**
 * The fused decoding stage: one pull-driven `ReadableStream` that reads the byte
 * stream, decodes UTF-8 with `TextDecoder.decode(chunk, { stream: true })`
 * (invalid bytes become U+FFFD), feeds a push parser and enqueues every item
 * that one read completed, at once. No `TransformStream` hop, no buffering
 * beyond one read: a slow consumer slows the reads.
 *
 * The stream's own async iterator (`for await`, `values()`) takes the items
 * straight from the parser, without a stream read per item; it locks the
 * stream like the standard one and honours `preventCancel`.
 *
 * `body` may still be a promise (a request whose headers have not arrived):
 * it is awaited on the first read. Items parsed before an error in the same
 * read are delivered before the error. Cancelling the returned stream cancels
 * the body.
 */
export function parseBody<T>(
  body: BodySource | PromiseLike<BodySource>,
  createParser: (emit: (item: T) => void) => TextParser,
  options: ParseBodyOptions = {},
): ReadableStream<T> & AsyncIterable<T> {
  // An abort errors the stream at once, ahead of the items parsed already.
  return pullStream<T>((fail) => new BodyParser(body, createParser, options, fail));
}
