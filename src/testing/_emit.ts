import type { Faults } from "./_faults.ts";
import type { Random } from "./_random.ts";
import type { RequestLog } from "./_record.ts";

/** One encoded frame of a stream: an NDJSON line or an SSE event. */
export interface Frame {
  /** The exact text to write. */
  text: string;
  /** Whether the frame carries generated output (and so is paced like a token). */
  token: boolean;
}

/** A provider's stream, with the frames its faults need. */
export interface Transcript {
  /** The frames of a healthy stream, end marker included. */
  frames: readonly Frame[];
  /** The provider-shaped error written by `error-after`. */
  errorFrames: readonly string[];
  /** A frame that is not JSON, written by `malformed`. */
  malformed: string;
  /** A keep-alive frame (an SSE comment or ping); `undefined` when the provider has none. */
  keepAlive: string | undefined;
}

/** How fast the frames go out. */
export interface Pacing {
  /** Milliseconds before the first frame. */
  timeToFirstToken: number;
  /** Milliseconds between two token frames (0: as fast as the reader reads). */
  interval: number;
  /** Draws the ±25 % jitter of each interval. */
  random: Random;
}

/** Resolves after `ms`, or at once when `signal` aborts (clearing the timer). */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Waits `ms` before the response headers, as `fetch` would while a server
 * thinks; rejects with the client's abort reason (and records the abort) when
 * its signal aborts first.
 */
export async function waitBeforeHeaders(
  ms: number,
  signal: AbortSignal | undefined,
  record: RequestLog,
): Promise<void> {
  if (ms > 0) {
    if (signal === undefined) return await wait(ms, new AbortController().signal);
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    await wait(ms, stop.signal);
    signal.removeEventListener("abort", onAbort);
  }
  if (signal?.aborted) {
    record.abort(signal.reason);
    throw signal.reason;
  }
}

interface Step {
  text: string;
  delay: number;
}

/**
 * The response body of a stream: writes the transcript's frames one per read
 * at the given pace, applies the stream faults, and records progress, the end
 * and the client going away. Cancelling the body (the client disconnected) or
 * aborting `signal` stops it and clears its timer.
 */
export function emitBody(
  transcript: Transcript,
  faults: Faults,
  pacing: Pacing,
  record: RequestLog,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  const steps: Step[] = [];
  let end: "close" | "stall" | "reset" = "close";
  const keepAliveOnly = faults.keepAliveOnly;
  if (keepAliveOnly === undefined) {
    const { frames } = transcript;
    const cut = faults.cut;
    const limit = cut === undefined
      ? frames.length
      : Math.min(cut.after, Math.max(0, frames.length - 1));
    for (let i = 0; i < limit; i++) {
      const frame = frames[i] as Frame;
      const delay = i === 0
        ? pacing.timeToFirstToken
        : frame.token
        ? pacing.interval * (0.75 + 0.5 * pacing.random.next())
        : 0;
      steps.push({ text: frame.text, delay });
    }
    if (faults.malformed !== undefined) {
      steps.splice(Math.min(faults.malformed, steps.length), 0, {
        text: transcript.malformed,
        delay: 0,
      });
    }
    if (cut?.kind === "error-after") {
      for (const text of transcript.errorFrames) steps.push({ text, delay: 0 });
    } else if (cut?.kind === "stall-after") end = "stall";
    else if (cut?.kind === "reset-after") end = "reset";
  }

  const encoder = new TextEncoder();
  const stop = new AbortController();
  let index = 0;
  let over = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const finish = (aborted: boolean, reason?: unknown) => {
    if (over) return;
    over = true;
    signal?.removeEventListener("abort", onAbort);
    stop.abort();
    if (aborted) record.abort(reason);
    else record.complete();
  };
  const onAbort = () => {
    const reason = signal?.reason;
    finish(true, reason);
    controller.error(reason);
  };
  const send = (text: string) => {
    controller.enqueue(encoder.encode(text));
    record.framesSent++;
  };
  // No timer: a stalled stream holds nothing but a listener until it is stopped.
  const untilStopped = () =>
    new Promise<void>((resolve) => stop.signal.addEventListener("abort", () => resolve()));

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      record.state = "streaming";
      if (signal === undefined) return;
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    },
    async pull() {
      if (keepAliveOnly !== undefined) {
        if (transcript.keepAlive === undefined) return await untilStopped();
        await wait(keepAliveOnly, stop.signal);
        if (!over) send(transcript.keepAlive);
        return;
      }
      const step = steps[index];
      if (step !== undefined) {
        if (step.delay > 0) await wait(step.delay, stop.signal);
        if (over) return;
        index++;
        send(step.text);
        if (index < steps.length) return;
      }
      if (end === "stall") return await untilStopped();
      finish(false);
      if (end === "reset") controller.error(new TypeError("Mock connection reset"));
      else controller.close();
    },
    cancel(reason) {
      finish(true, reason);
    },
  }, { highWaterMark: 0 });
}
