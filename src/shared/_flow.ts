/**
 * The key of an own method on a consumer stream that makes it read its source
 * to the end by itself, queueing what it reads for its reader: `result()`
 * calls it when a consumer took the stream (e.g. `stream.textStream`), so
 * that the result does not wait on a consumer that reads slowly or never.
 */
export const FLOW: unique symbol = Symbol("sluice.flow");

const ignore = (): void => {};

/** A stream that can be made to flow (see {@linkcode FLOW}). */
export interface Flowing {
  /** Starts reading the source to the end into the stream's queue. */
  [FLOW]?: () => void;
}

/** What a {@linkcode pullStream} reads its items from, one `next()` at a time. */
export interface PullCore<T> {
  /** The next item, or the end; rejects with the stream's error. */
  next(): Promise<IteratorResult<T, unknown>>;
  /** Stops the source: the consumer cancelled the stream. */
  cancel(reason: unknown): void | Promise<void>;
  /** True when an item is waiting for `shift()`, without a `next()` (optional). */
  readonly buffered?: boolean;
  /** The waiting item (only when `buffered`). */
  shift?(): T;
  /**
   * Present (even `undefined`) on a core that reports its own end: the stream
   * sets it, and the core calls it whenever a `next()` ends in done or an
   * error (`failure`). The stream's iterator then hands out `next()`'s own
   * promise, without a reaction of its own per item.
   */
  onEnd?: ((failure?: { error: unknown }) => void) | undefined;
}

/**
 * The source of a {@linkcode pullStream}: its state, and its methods on the
 * prototype. It lets go of its core as soon as the stream ends: in Deno a
 * `ReadableStream` keeps what it references alive through the young
 * generation's collections until the next full one, so a finished stream
 * that still reached its core would carry the whole answer (text, chunks,
 * the client's state) into the old generation.
 */
class PullSource<T> {
  #create: ((fail: (error: unknown) => void) => PullCore<T>) | undefined;
  core: PullCore<T> | undefined;
  /** The core reports its own end (see {@linkcode PullCore.onEnd}). */
  direct = false;
  flowing = false;
  closed = false;
  controller!: ReadableStreamDefaultController<T>;
  /** The iterator holding the stream's lock, released when the stream ends. */
  iterator: PullIterator<T> | undefined;
  /**
   * A read of the core under way by the stream's pull or its iterator (not
   * kept once it settled): a flow begins after it, since a core answers reads
   * in the order they come only one at a time. A direct core queues its reads
   * itself and needs none.
   */
  pending: Promise<unknown> | undefined;

  constructor(create: (fail: (error: unknown) => void) => PullCore<T>) {
    this.#create = create;
  }

  start(controller: ReadableStreamDefaultController<T>): void {
    this.controller = controller;
    // Created here: a core that fails at once (an aborted signal) errors the stream.
    const create = this.#create!;
    this.#create = undefined;
    const core = create((error) => this.fail(error));
    if (this.closed) return;
    this.core = core;
    if ("onEnd" in core) {
      this.direct = true;
      core.onEnd = (failure) => this.ended(failure);
    }
  }

  async pull(): Promise<void> {
    // While flowing, the flow loop enqueues; a pending read is served from it.
    if (this.flowing) return;
    const step = this.step();
    this.pending = step;
    await step;
    if (this.pending === step) this.pending = undefined;
  }

  cancel(reason: unknown): void | Promise<void> {
    const core = this.core;
    this.closed = true;
    this.release();
    return core?.cancel(reason);
  }

  /** Reads the next items into the queue; false once the source is done. */
  async step(): Promise<boolean> {
    const core = this.core;
    if (core === undefined) return false;
    try {
      const { done, value } = await core.next();
      if (this.closed) return false;
      if (done) {
        this.ended(undefined);
        return false;
      }
      this.controller.enqueue(value);
      while (core.buffered) this.controller.enqueue(core.shift!());
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  /**
   * Errors the stream, unless it ended already. An iterator reading a direct
   * core keeps it: its next `next()` raises the same error, and ends it.
   */
  fail(error: unknown): void {
    if (!this.closed) {
      this.closed = true;
      this.controller.error(error);
    }
    if (!this.direct || this.iterator === undefined) this.release();
  }

  /** A direct core's `next()` ended: the stream ends the same way, and lets go of the core. */
  ended(failure: { error: unknown } | undefined): void {
    if (!this.closed) {
      this.closed = true;
      if (failure) this.controller.error(failure.error);
      else this.controller.close();
    }
    this.release();
  }

  /** The stream is over: the core goes, and the iterator's lock with it. */
  release(): void {
    if (this.core !== undefined) {
      if (this.direct) this.core.onEnd = undefined;
      this.core = undefined;
    }
    this.iterator?.unlock();
  }

  /**
   * Reads the core to its end into the queue. A reader that holds the lock
   * (the iterator, `tee()`, a pipe) takes what flowed from the queue, in
   * order: the read it began on the core is answered first, and the end of
   * the source no longer releases its lock before it read the queue out.
   */
  async flow(): Promise<void> {
    if (this.flowing || this.closed) return;
    this.flowing = true;
    this.iterator = undefined;
    await this.pending?.then(ignore, ignore);
    while (await this.step());
  }
}

/**
 * The async iterator of a {@linkcode pullStream}: items straight from the
 * core's `next()`, without a stream read per item; it locks the stream like
 * the standard one and honours `preventCancel`.
 */
class PullIterator<T> implements AsyncIterableIterator<T> {
  #source: PullSource<T>;
  #lock: ReadableStreamDefaultReader<T> | undefined;
  #preventCancel: boolean;

  constructor(stream: ReadableStream<T>, source: PullSource<T>, preventCancel: boolean) {
    this.#lock = stream.getReader();
    this.#source = source;
    this.#preventCancel = preventCancel;
    // A flowing stream's reader ends with its queue, not with the source.
    if (!source.flowing && !source.closed) source.iterator = this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    const lock = this.#lock;
    if (lock === undefined) return Promise.resolve({ value: undefined, done: true });
    const source = this.#source;
    const core = source.core;
    if (core === undefined || source.flowing || (source.closed && !source.direct)) {
      // What flowed, or the end, is in the stream's queue.
      return lock.read().then((result) => {
        if (result.done) this.unlock();
        return result as IteratorResult<T, undefined>;
      }, (error) => {
        this.unlock();
        throw error;
      });
    }
    // A direct core ends the stream itself (`ended`), which releases the lock.
    if (source.direct) return core.next() as Promise<IteratorResult<T, undefined>>;
    return source.pending = core.next().then(this.#took, this.#failed);
  }

  /** An item from the core, or its end. */
  #took = (result: IteratorResult<T, unknown>): IteratorResult<T, undefined> => {
    this.#source.pending = undefined;
    if (!result.done) return result;
    this.#source.ended(undefined);
    this.unlock();
    return { value: undefined, done: true };
  };

  #failed = (error: unknown): never => {
    this.#source.pending = undefined;
    this.#source.fail(error);
    this.unlock();
    throw error;
  };

  async return(value?: unknown): Promise<IteratorResult<T, undefined>> {
    if (this.#lock !== undefined && !this.#preventCancel) await this.#lock.cancel(value);
    this.unlock();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Releases the stream's lock (once). */
  unlock(): void {
    const lock = this.#lock;
    if (lock === undefined) return;
    this.#lock = undefined;
    if (this.#source.iterator === this) this.#source.iterator = undefined;
    lock.releaseLock();
  }
}

/**
 * The stream of {@linkcode pullStream}: its iterator and `FLOW` are on the
 * prototype (see {@linkcode PullStream.install}), so that an instance holds
 * no closures of its own.
 */
class PullStream<T> extends ReadableStream<T> {
  #source: PullSource<T>;

  constructor(source: PullSource<T>) {
    super(source, { highWaterMark: 0 });
    this.#source = source;
  }

  /**
   * Puts the stream's own iterator on the prototype, as `values` and
   * `Symbol.asyncIterator`, and its {@linkcode FLOW} method: this way rather
   * than as methods, because the DOM's and Deno's typings of
   * `ReadableStream#values` differ and no one signature satisfies both, and a
   * computed method name would keep the class in every bundle. Called by the
   * first {@linkcode pullStream}, not from a static block: bundlers keep a
   * class whose definition has effects, used or not.
   */
  static install(): void {
    const iterate = function (
      this: PullStream<unknown>,
      options?: { preventCancel?: boolean },
    ): AsyncIterableIterator<unknown> {
      return new PullIterator(this, this.#source, options?.preventCancel === true);
    };
    const flow = function (this: PullStream<unknown>): void {
      this.#source.flow();
    };
    const methods: [PropertyKey, unknown][] = [
      ["values", iterate],
      [Symbol.asyncIterator, iterate],
      [FLOW, flow],
    ];
    for (const [key, value] of methods) {
      Object.defineProperty(PullStream.prototype, key, {
        value,
        configurable: true,
        writable: true,
      });
    }
  }
}

let installed = false;

/**
 * A pull-based `ReadableStream` over a core's `next()`, one read at a time
 * (the items a core has `buffered` go to the queue with the one read), that
 * can be made to flow. `create` makes the core when the stream starts, with a
 * `fail` that errors the stream at once (an abort). The stream's own async
 * iterator takes items straight from the core, without a stream read per
 * item; it locks the stream like the standard one.
 */
export function pullStream<T>(
  create: (fail: (error: unknown) => void) => PullCore<T>,
): ReadableStream<T> & AsyncIterable<T> & Flowing {
  if (!installed) {
    installed = true;
    PullStream.install();
  }
  return new PullStream(new PullSource(create)) as PullStream<T> & AsyncIterable<T> & Flowing;
}
