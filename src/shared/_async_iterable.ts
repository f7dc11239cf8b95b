/** A `ReadableStream` that is async-iterable on every runtime. */
export type IterableReadableStream<T> = ReadableStream<T> & AsyncIterable<T>;

/**
 * Iterates a stream with its reader, so it works where
 * `ReadableStream.prototype[Symbol.asyncIterator]` is missing (Safari before
 * 26.4). Leaving the loop early cancels the stream.
 */
export function iterate<T>(stream: ReadableStream<T>): AsyncIterableIterator<T> {
  const reader = stream.getReader();
  return {
    next: () => reader.read() as Promise<IteratorResult<T>>,
    async return(value?: unknown) {
      await reader.cancel();
      reader.releaseLock();
      return { done: true, value: value as T };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * Makes one stream instance async-iterable when the runtime's streams are not
 * (an own property on this instance; no global is touched).
 */
export function iterable<T>(stream: ReadableStream<T>): IterableReadableStream<T> {
  if (!(Symbol.asyncIterator in stream)) {
    Object.defineProperty(stream, Symbol.asyncIterator, {
      value: () => iterate(stream),
      configurable: true,
      writable: true,
    });
  }
  return stream as IterableReadableStream<T>;
}
