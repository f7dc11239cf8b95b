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

/** The source of a {@linkcode pullStream}: its state, and its methods on the prototype. */
class PullSource<T> {
  next: () => Promise<IteratorResult<T, unknown>>;
  onCancel: (reason: unknown) => void | Promise<void>;
  flowing = false;
  closed = false;
  controller!: ReadableStreamDefaultController<T>;

  constructor(
    next: () => Promise<IteratorResult<T, unknown>>,
    onCancel: (reason: unknown) => void | Promise<void>,
  ) {
    this.next = next;
    this.onCancel = onCancel;
  }

  start(controller: ReadableStreamDefaultController<T>): void {
    this.controller = controller;
  }

  async pull(): Promise<void> {
    // While flowing, the flow loop enqueues; a pending read is served from it.
    if (!this.flowing) await this.step();
  }

  cancel(reason: unknown): void | Promise<void> {
    this.closed = true;
    return this.onCancel(reason);
  }

  /** Reads one item into the queue; false once the source is done. */
  async step(): Promise<boolean> {
    try {
      const { done, value } = await this.next();
      if (this.closed) return false;
      if (done) {
        this.closed = true;
        this.controller.close();
        return false;
      }
      this.controller.enqueue(value);
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  fail(error: unknown): void {
    if (!this.closed) {
      this.closed = true;
      this.controller.error(error);
    }
  }

  async flow(): Promise<void> {
    if (this.flowing || this.closed) return;
    this.flowing = true;
    while (await this.step());
  }
}

/**
 * The async iterator of a {@linkcode pullStream}: items straight from
 * `next()`, without a stream read per item; it locks the stream like the
 * standard one.
 */
class PullIterator<T> implements AsyncIterableIterator<T> {
  #source: PullSource<T>;
  #lock: ReadableStreamDefaultReader<T> | undefined;

  constructor(stream: ReadableStream<T>, source: PullSource<T>) {
    this.#lock = stream.getReader();
    this.#source = source;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    const lock = this.#lock;
    if (lock === undefined) return Promise.resolve({ value: undefined, done: true });
    const source = this.#source;
    if (source.flowing || source.closed) {
      // What flowed is in the queue (and a closed stream answers from there).
      return lock.read().then((result) => {
        if (result.done) this.#unlock();
        return result as IteratorResult<T, undefined>;
      }, (error) => {
        this.#unlock();
        throw error;
      });
    }
    return source.next().then(this.#took, this.#failed);
  }

  /** An item from the source, or its end. */
  #took = (result: IteratorResult<T, unknown>): IteratorResult<T, undefined> => {
    if (!result.done) return result;
    const source = this.#source;
    source.closed = true;
    source.controller.close();
    this.#unlock();
    return { value: undefined, done: true };
  };

  #failed = (error: unknown): never => {
    this.#source.fail(error);
    this.#unlock();
    throw error;
  };

  async return(value?: unknown): Promise<IteratorResult<T, undefined>> {
    if (this.#lock !== undefined) await this.#lock.cancel(value);
    this.#unlock();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #unlock(): void {
    const lock = this.#lock;
    if (lock === undefined) return;
    this.#lock = undefined;
    lock.releaseLock();
  }
}

/**
 * The stream of {@linkcode pullStream}: its iterator and `FLOW` are methods
 * of the class, so that an instance holds no closures of its own.
 */
class PullStream<T> extends ReadableStream<T> implements Flowing {
  #source: PullSource<T>;

  constructor(source: PullSource<T>) {
    super(source, { highWaterMark: 0 });
    this.#source = source;
  }

  [FLOW](): void {
    this.#source.flow();
  }

  static {
    // On the prototype this way rather than as methods: the DOM's and Deno's typings of
    // `ReadableStream#values` differ, and no one signature satisfies both.
    const iterate = function (this: PullStream<unknown>): AsyncIterableIterator<unknown> {
      return new PullIterator(this, this.#source);
    };
    for (const key of ["values", Symbol.asyncIterator]) {
      Object.defineProperty(PullStream.prototype, key, {
        value: iterate,
        configurable: true,
        writable: true,
      });
    }
  }
}

/**
 * A pull-based `ReadableStream` over `next()`, one item per read, that can be
 * made to flow. `onCancel` runs when the consumer cancels. Its own async
 * iterator takes items straight from `next()`, without a stream read per
 * item; it locks the stream like the standard one.
 */
export function pullStream<T>(
  next: () => Promise<IteratorResult<T, unknown>>,
  onCancel: (reason: unknown) => void | Promise<void>,
): ReadableStream<T> & Flowing {
  return new PullStream(new PullSource(next, onCancel));
}
