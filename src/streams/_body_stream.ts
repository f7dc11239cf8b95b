/** A push parser fed with decoded text. */
export interface TextParser {
  /** Feeds the next piece of text. */
  push(text: string): void;
  /** Ends the input. */
  end(): void;
}

/** Options of {@linkcode parseBody}. */
export interface ParseBodyOptions {
  /** Aborting it errors the stream with the signal's reason and cancels the body. */
  signal?: AbortSignal | undefined;
  /** Called with every chunk of bytes read, before it is decoded. */
  onBytes?: ((bytes: Uint8Array) => void) | undefined;
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
 * Items parsed before an error in the same read are delivered before the
 * error. Cancelling the returned stream cancels the body.
 */
export function parseBody<T>(
  body: ReadableStream<Uint8Array>,
  createParser: (emit: (item: T) => void) => TextParser,
  options: ParseBodyOptions = {},
): ReadableStream<T> {
  const { signal, onBytes } = options;
  const reader = body.getReader();
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
  };

  return new ReadableStream<T>({
    start(controller) {
      if (!signal) return;
      onAbort = () => {
        if (settled) return;
        settle();
        controller.error(signal.reason);
        reader.cancel(signal.reason).catch(noop);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    },
    async pull(controller) {
      if (failure) {
        settle();
        throw failure.error;
      }
      let eof = false;
      try {
        while (items.length === 0) {
          const result = await reader.read();
          if (settled) return;
          if (result.done) {
            parser.push(decoder.decode());
            parser.end();
            eof = true;
            break;
          }
          onBytes?.(result.value);
          parser.push(decoder.decode(result.value, STREAM));
        }
      } catch (error) {
        if (settled) return;
        reader.cancel(error).catch(noop);
        if (items.length === 0) {
          settle();
          throw error;
        }
        failure = { error };
      }
      for (let i = 0; i < items.length; i++) controller.enqueue(items[i] as T);
      items.length = 0;
      if (eof) {
        settle();
        controller.close();
      }
    },
    cancel(reason) {
      settle();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
