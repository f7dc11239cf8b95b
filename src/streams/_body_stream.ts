/** A push parser fed with decoded text. */
export interface TextParser {
  /** Feeds the next piece of text. */
  push(text: string): void;
  /** Ends the input (at the end of the body, or once `done`). */
  end(): void;
  /** True once the parser has seen its end marker: reading stops early. */
  readonly done?: boolean;
}

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
 * The fused decoding stage: one pull-driven `ReadableStream` that reads the byte
 * stream, decodes UTF-8 with `TextDecoder.decode(chunk, { stream: true })`
 * (invalid bytes become U+FFFD), feeds a push parser and enqueues every item
 * that one read completed, at once. No `TransformStream` hop, no buffering
 * beyond one read: a slow consumer slows the reads.
 *
 * `body` may still be a promise (a request whose headers have not arrived):
 * it is awaited on the first read. Items parsed before an error in the same
 * read are delivered before the error. Cancelling the returned stream cancels
 * the body.
 */
export function parseBody<T>(
  body: ReadableStream<Uint8Array> | Promise<ReadableStream<Uint8Array>>,
  createParser: (emit: (item: T) => void) => TextParser,
  options: ParseBodyOptions = {},
): ReadableStream<T> {
  const { signal, onRead, onBytes, onError, onCancel, onFinally } = options;
  // A request that fails before anyone reads must not become an unhandled
  // rejection: the error is raised by the first read instead.
  if (body instanceof Promise) body.catch(noop);
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  // ignoreBOM: a U+FEFF on a chunk boundary must survive; the parsers drop the leading one.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const items: T[] = [];
  const parser = createParser((item) => {
    items.push(item);
  });
  let settled = false;
  let failure: { error: unknown } | undefined;
  let onAbort: (() => void) | undefined;

  const settle = () => {
    settled = true;
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    onFinally?.();
  };
  const release = (reason: unknown) => {
    if (reader) reader.cancel(reason).catch(noop);
    else Promise.resolve(body).then((stream) => stream.cancel(reason)).catch(noop);
  };
  const fail = (error: unknown): unknown => {
    const raised = onError ? onError(error) : error;
    settle();
    return raised;
  };

  return new ReadableStream<T>({
    start(controller) {
      if (!signal) return;
      onAbort = () => {
        if (settled) return;
        controller.error(fail(signal.reason));
        release(signal.reason);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    },
    async pull(controller) {
      if (failure) throw fail(failure.error);
      let end = false;
      try {
        reader ??= (await body).getReader();
        while (items.length === 0) {
          onRead?.();
          const result = await reader.read();
          if (settled) return;
          if (result.done) {
            parser.push(decoder.decode());
            end = true;
          } else {
            onBytes?.(result.value);
            const bytes = result.value;
            // A chunk ending on an ASCII byte cannot end inside a character, so it can take
            // the runtime's one-shot decode (much faster in Deno than the streaming path,
            // which it otherwise keeps using once any chunk ended mid-character).
            const last = bytes[bytes.length - 1];
            parser.push(
              last !== undefined && last < 0x80
                ? decoder.decode(bytes)
                : decoder.decode(bytes, STREAM),
            );
            if (parser.done) {
              reader.cancel().catch(noop);
              end = true;
            }
          }
          if (end) {
            parser.end();
            break;
          }
        }
      } catch (error) {
        if (settled) return;
        release(error);
        if (items.length === 0) throw fail(error);
        failure = { error };
      }
      for (let i = 0; i < items.length; i++) controller.enqueue(items[i] as T);
      items.length = 0;
      if (end && !failure) {
        settle();
        controller.close();
      }
    },
    cancel(reason) {
      if (settled) return;
      // The listener goes first: a cancel must not come back as an abort error.
      if (onAbort) signal?.removeEventListener("abort", onAbort);
      onCancel?.(reason);
      settle();
      release(reason);
    },
  }, { highWaterMark: 0 });
}
