/**
 * The key of an own method on a consumer stream that makes it read its source
 * to the end by itself, queueing what it reads for its reader: `result()`
 * calls it when a consumer took the stream (e.g. `stream.textStream`) but
 * never read it, so that the result does not wait forever.
 */
export const FLOW: unique symbol = Symbol("sluice.flow");

/** A stream that can be made to flow (see {@linkcode FLOW}). */
export interface Flowing {
  /** Starts reading the source to the end into the stream's queue. */
  [FLOW]?: () => void;
}

/**
 * A pull-based `ReadableStream` over `next()`, one item per read, that can be
 * made to flow. `onCancel` runs when the consumer cancels.
 */
export function pullStream<T>(
  next: () => Promise<IteratorResult<T, unknown>>,
  onCancel: (reason: unknown) => void | Promise<void>,
): ReadableStream<T> & Flowing {
  let flowing = false;
  let closed = false;
  let controller!: ReadableStreamDefaultController<T>;
  const step = async (): Promise<boolean> => {
    try {
      const { done, value } = await next();
      if (closed) return false;
      if (done) {
        closed = true;
        controller.close();
        return false;
      }
      controller.enqueue(value);
      return true;
    } catch (error) {
      if (!closed) {
        closed = true;
        controller.error(error);
      }
      return false;
    }
  };
  const stream: ReadableStream<T> & Flowing = new ReadableStream<T>({
    start(c) {
      controller = c;
    },
    async pull() {
      // While flowing, the flow loop enqueues; a pending read is served from it.
      if (!flowing) await step();
    },
    cancel(reason) {
      closed = true;
      return onCancel(reason);
    },
  }, { highWaterMark: 0 });
  stream[FLOW] = () => {
    if (flowing || closed) return;
    flowing = true;
    (async () => {
      while (await step());
    })();
  };
  // Its own async iterator takes items straight from `next()`, without a stream
  // read per item; it locks the stream like the standard one.
  const values = (): AsyncIterableIterator<T> => {
    const lock = stream.getReader();
    let locked = true;
    const unlock = () => {
      if (!locked) return;
      locked = false;
      lock.releaseLock();
    };
    return {
      async next(): Promise<IteratorResult<T, undefined>> {
        if (!locked) return { value: undefined, done: true };
        if (flowing || closed) {
          // What flowed is in the queue (and a closed stream answers from there).
          const result = await lock.read().catch((error) => {
            unlock();
            throw error;
          });
          if (result.done) unlock();
          return result as IteratorResult<T, undefined>;
        }
        try {
          const result = await next();
          if (result.done) {
            closed = true;
            controller.close();
            unlock();
            return { value: undefined, done: true };
          }
          return { value: result.value, done: false };
        } catch (error) {
          if (!closed) {
            closed = true;
            controller.error(error);
          }
          unlock();
          throw error;
        }
      },
      async return(value?: unknown): Promise<IteratorResult<T, undefined>> {
        if (locked) await lock.cancel(value);
        unlock();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  };
  for (const key of [Symbol.asyncIterator, "values"]) {
    Object.defineProperty(stream, key, { value: values, configurable: true, writable: true });
  }
  return stream;
}
