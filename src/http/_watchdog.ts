import { TimeoutError } from "../errors/timeout_error.ts";

/** The timeouts a watchdog enforces, in milliseconds (`false`: off). */
export interface WatchdogTimeouts {
  timeout: number | false;
  idleTimeout: number | false;
  totalTimeout: number | false;
  /** Until the first content; only armed by {@linkcode Watchdog.awaitFirstToken}. */
  firstTokenTimeout?: number | false;
}

/**
 * One request's abort controller and its three timers. Every way a request
 * can be stopped — the caller's signal, the headers, idle and total timeouts,
 * a consumer's cancel — aborts the same controller, whose signal went to
 * `fetch`, so the server sees the disconnect. `dispose()` clears every timer
 * and listener; it is called on every way out.
 *
 * The idle timeout costs nothing per chunk: no timer is re-armed and no clock
 * is read per read (either costs more than parsing a small event). A timer
 * ticks four times per idle period while a read waits, and counts the ticks
 * for which the same read kept waiting; a read that began since the last tick
 * is counted from that tick. So a silence ends the stream after at least the
 * idle timeout, and at most a quarter of it later. Only time spent waiting on
 * a read counts: a slow consumer does not make the server look idle, and a
 * consumer that stopped reading holds no timer.
 */
export class Watchdog {
  /** Aborted, with the reason, by whatever stops the request. */
  readonly controller: AbortController = new AbortController();
  #timeouts: WatchdogTimeouts;
  #caller: AbortSignal | undefined;
  #onCallerAbort: (() => void) | undefined;
  #headersTimer: ReturnType<typeof setTimeout> | undefined;
  #idleTimer: ReturnType<typeof setInterval> | undefined;
  #totalTimer: ReturnType<typeof setTimeout> | undefined;
  #firstTokenTimer: ReturnType<typeof setTimeout> | undefined;
  #firstTokenSince: number | undefined;
  /** Reads begun so far: the idle ticks tell a new read from one that kept waiting. */
  #reads = 0;
  #reading = false;
  #disposed = false;
  /** The idle bound of an error body when the idle timeout is off (the headers timeout's length). */
  #errorIdle: number | false = false;

  constructor(timeouts: WatchdogTimeouts, caller: AbortSignal | undefined) {
    // A copy of the four: the options they come in (headers, fetch, …) need not live as long.
    this.#timeouts = {
      timeout: timeouts.timeout,
      idleTimeout: timeouts.idleTimeout,
      totalTimeout: timeouts.totalTimeout,
      firstTokenTimeout: timeouts.firstTokenTimeout ?? false,
    };
    this.#caller = caller;
    if (caller) {
      if (caller.aborted) {
        this.controller.abort(caller.reason);
        this.#disposed = true;
        return;
      }
      this.#onCallerAbort = () => this.abort(caller.reason);
      caller.addEventListener("abort", this.#onCallerAbort, { once: true });
    }
    const total = timeouts.totalTimeout;
    if (total !== false) {
      this.#totalTimer = setTimeout(
        () => this.abort(new TimeoutError({ phase: "total", ms: total })),
        total,
      );
    }
  }

  /** The signal to hand to `fetch`. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Applies the first-token timeout, counted from now (a stream with content
   * calls it at the start of the request). Its timer is set at the first read
   * of the body, for what is left: a response nobody reads holds no timer.
   */
  awaitFirstToken(): void {
    const ms = this.#timeouts.firstTokenTimeout;
    if (ms === false || ms === undefined || this.#disposed) return;
    this.#firstTokenSince = Date.now();
  }

  /** The first content arrived: the first-token timeout stops. */
  firstToken(): void {
    this.#firstTokenSince = undefined;
    clearTimeout(this.#firstTokenTimer);
    this.#firstTokenTimer = undefined;
  }

  #armFirstToken(): void {
    const ms = this.#timeouts.firstTokenTimeout;
    const since = this.#firstTokenSince;
    if (since === undefined || typeof ms !== "number" || this.#firstTokenTimer !== undefined) {
      return;
    }
    const left = Math.max(0, ms - (Date.now() - since));
    this.#firstTokenTimer = setTimeout(
      () => this.abort(new TimeoutError({ phase: "first-token", ms })),
      left,
    );
  }

  /** Starts waiting for response headers. */
  awaitHeaders(): void {
    if (this.#errorIdle !== false) {
      // The last attempt's error body is done with: its idle bound goes with it.
      this.#errorIdle = false;
      clearInterval(this.#idleTimer);
      this.#idleTimer = undefined;
    }
    const ms = this.#timeouts.timeout;
    if (ms === false || this.#disposed) return;
    clearTimeout(this.#headersTimer);
    this.#headersTimer = setTimeout(
      () => this.abort(new TimeoutError({ phase: "headers", ms })),
      ms,
    );
  }

  /**
   * Between two attempts: the headers timer stops, so the wait before a retry
   * does not count against the headers timeout (the next attempt re-arms it).
   * The total timeout keeps running.
   */
  betweenAttempts(): void {
    clearTimeout(this.#headersTimer);
    this.#headersTimer = undefined;
  }

  /**
   * The headers arrived: the headers timer stops. The idle timer starts with
   * the first read of the body: a response nobody reads holds no timer, so it
   * keeps no process alive (an unread `fetch` body does not either).
   */
  headersArrived(): void {
    clearTimeout(this.#headersTimer);
    this.#headersTimer = undefined;
  }

  /**
   * The headers of an error response (4xx, 5xx) arrived: the headers timer
   * stops, and its body is read under the idle timeout, so a stalled body ends
   * with an `"idle"` `TimeoutError`. When the idle timeout is off, the headers
   * timeout's length bounds each gap of that body instead (still `"idle"`): an
   * error body is never read without a bound.
   */
  errorHeadersArrived(): void {
    this.headersArrived();
    if (this.#timeouts.idleTimeout === false) this.#errorIdle = this.#timeouts.timeout;
  }

  /** A read of the body starts: from now on, silence counts against the idle timeout. */
  reading(): void {
    this.#reading = true;
    this.#reads++;
    // A request that already ended (cancelled, timed out) arms nothing.
    if (this.#disposed) return;
    if (this.#idleTimer === undefined) {
      const ms = this.#timeouts.idleTimeout === false
        ? this.#errorIdle
        : this.#timeouts.idleTimeout;
      if (ms !== false) this.#armIdle(ms);
    }
    if (this.#firstTokenSince !== undefined) this.#armFirstToken();
  }

  /** Some body bytes arrived: the read waits no more. */
  touch(): void {
    this.#reading = false;
  }

  /** Aborts the request with a reason, unless it already ended. */
  abort(reason?: unknown): void {
    if (this.#disposed) return;
    this.dispose();
    this.controller.abort(reason);
  }

  /** Clears every timer and listener. The request is left as it is. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    clearTimeout(this.#headersTimer);
    clearInterval(this.#idleTimer);
    clearTimeout(this.#totalTimer);
    clearTimeout(this.#firstTokenTimer);
    if (this.#onCallerAbort) this.#caller?.removeEventListener("abort", this.#onCallerAbort);
  }

  /** Ticks four times per `ms` while a read waits; a read that waited `ms` ends the request. */
  #armIdle(ms: number): void {
    const tick = ms / 4;
    // The read under way when the timer is armed began just now.
    let read = this.#reads;
    let waited = 0;
    this.#idleTimer = setInterval(() => {
      // Time the consumer spends away (not reading) is not the server's silence: with
      // nobody reading, no timer is held; the next read arms it again.
      if (!this.#reading) {
        clearInterval(this.#idleTimer);
        this.#idleTimer = undefined;
        return;
      }
      if (this.#reads !== read) {
        // A read that began since the last tick: counted from this tick (never too early).
        read = this.#reads;
        waited = 0;
      } else if ((waited += tick) >= ms) {
        this.abort(new TimeoutError({ phase: "idle", ms }));
      }
    }, tick);
  }
}
