import { IncompleteStreamError } from "../../errors/incomplete_stream_error.ts";
import type { ProtocolReader, StreamProtocol } from "../../response_stream/stream_protocol.ts";
import { checkLine } from "./_protocol.ts";
import type { StreamResult } from "../../shared/types.ts";
import type {
  OllamaLayerProgress,
  OllamaProgress,
  OllamaProgressChunk,
  OllamaProgressLine,
  OllamaProgressResult,
} from "./types.ts";

/** The default window for the transfer speed, in milliseconds. */
export const DEFAULT_RATE_WINDOW = 5_000;

/** How the tracker reads time and how far back it looks for the speed. */
export interface ProgressClock {
  /** The clock, in milliseconds. */
  now?: (() => number) | undefined;
  /** The speed window, in milliseconds. */
  rateWindow?: number | undefined;
}

const defaultNow = () => performance.now();

/**
 * Aggregates the lines of a pull, push or create: bytes per layer (keyed by
 * digest), the overall sum, and the speed over a sliding window of samples.
 * Layers without a digest that still report bytes (create's quantization)
 * are keyed by their status text. Each line costs constant time and memory;
 * the list of every layer is built once, by {@linkcode ProgressTracker.snapshot}.
 */
export class ProgressTracker {
  #now: () => number;
  #window: number;
  #layers = new Map<string, OllamaLayerProgress>();
  /** The layer the last line was about. */
  #layer: OllamaLayerProgress | undefined;
  #completed = 0;
  #total = 0;
  #status = "";
  #done = false;
  #bytesPerSecond: number | undefined;
  // The samples (time, bytes completed), oldest first from #head.
  #times: number[] = [];
  #bytes: number[] = [];
  #head = 0;

  constructor(clock: ProgressClock = {}) {
    this.#now = clock.now ?? defaultNow;
    const window = clock.rateWindow ?? DEFAULT_RATE_WINDOW;
    if (!(window > 0)) {
      throw new RangeError(
        `rateWindow must be a positive number of milliseconds: received ${window}`,
      );
    }
    this.#window = window;
  }

  /**
   * Takes one line and returns the aggregated state after it: a fresh object
   * whose `layer` is a copy of the layer the line is about. Constant work per
   * line, however many layers came before.
   */
  update(line: OllamaProgressLine): OllamaProgress {
    this.#status = line.status;
    const key = line.digest ?? (line.total !== undefined ? line.status : undefined);
    let layer: OllamaLayerProgress | undefined;
    if (key !== undefined) {
      layer = this.#layers.get(key);
      if (layer === undefined) {
        layer = { digest: key, total: 0, completed: 0, done: false };
        this.#layers.set(key, layer);
      }
      const total = line.total ?? layer.total;
      // `completed` is omitted while it is zero.
      const completed = line.completed ?? 0;
      this.#total += total - layer.total;
      this.#completed += completed - layer.completed;
      layer.total = total;
      layer.completed = completed;
      layer.done = total > 0 && completed >= total;
    }
    this.#layer = layer;
    if (line.status === "success") this.#done = true;
    this.#sample(this.#now());
    return this.#progress();
  }

  /**
   * The aggregated state now, with a copy of every layer seen (costs the
   * number of layers: for the end of a stream, not for every line).
   */
  snapshot(): OllamaProgressResult["progress"] {
    // `Object.fromEntries` defines own properties: a digest `"__proto__"` stays a key.
    const layers: Record<string, OllamaLayerProgress> = Object.fromEntries(
      Array.from(this.#layers, ([key, layer]) => [key, { ...layer }]),
    );
    return { ...this.#progress(), layers };
  }

  /** The state after the last line: totals, status, its layer, speed and ETA. */
  #progress(): OllamaProgress {
    const completed = this.#completed;
    const total = this.#total;
    const done = this.#done;
    const progress: OllamaProgress = {
      status: this.#status,
      completed,
      total,
      percent: done ? 100 : total > 0 ? Math.min(100, (completed / total) * 100) : 0,
      done,
    };
    if (this.#layer !== undefined) progress.layer = { ...this.#layer };
    const rate = this.#bytesPerSecond;
    if (rate !== undefined) progress.bytesPerSecond = rate;
    if (done) progress.etaSeconds = 0;
    else if (rate !== undefined && rate > 0) {
      progress.etaSeconds = Math.max(0, total - completed) / rate;
    } else if (total > 0 && completed >= total) progress.etaSeconds = 0;
    return progress;
  }

  /** Records a sample and recomputes the speed over the window. */
  #sample(now: number): void {
    const times = this.#times;
    const bytes = this.#bytes;
    times.push(now);
    bytes.push(this.#completed);
    // Keep one sample at or before the window's start as the anchor, so the
    // speed stays defined when lines are further apart than the window.
    const start = now - this.#window;
    while (this.#head < times.length - 2 && times[this.#head + 1]! <= start) this.#head++;
    if (this.#head > 256) {
      times.splice(0, this.#head);
      bytes.splice(0, this.#head);
      this.#head = 0;
    }
    const elapsed = now - times[this.#head]!;
    if (elapsed > 0) {
      const moved = this.#completed - bytes[this.#head]!;
      this.#bytesPerSecond = Math.max(0, moved) / (elapsed / 1000);
    }
  }
}

/** Reads progress lines (a class: see `FrameFeeder` on getters made per stream). */
class ProgressReader implements ProtocolReader<OllamaProgressChunk, OllamaProgressResult> {
  done = false;
  #tracker: ProgressTracker;
  #last: OllamaProgressChunk | undefined;

  constructor(clock: ProgressClock) {
    this.#tracker = new ProgressTracker(clock);
  }

  push(frame: unknown): OllamaProgressChunk | undefined {
    if (this.done) return undefined;
    const line = checkLine(frame) as unknown as OllamaProgressChunk;
    line.progress = this.#tracker.update(line);
    if (line.status === "success") this.done = true;
    this.#last = line;
    return line;
  }

  finish(): void {
    if (!this.done) {
      throw new IncompleteStreamError(
        'The Ollama stream ended before its last line: no status "success" arrived',
      );
    }
  }

  result(base: StreamResult): OllamaProgressResult {
    // The state after the last line, with every layer (built here, once per result).
    const progress = this.#tracker.snapshot();
    const result: OllamaProgressResult = { ...base, status: progress.status, progress };
    if (this.#last !== undefined) result.lastChunk = this.#last;
    return result;
  }
}

/** `/api/pull`, `/api/push`, `/api/create`: NDJSON status lines, ending with `"success"`. */
export function progressProtocol(
  clock: ProgressClock,
): StreamProtocol<OllamaProgressChunk, OllamaProgressResult> {
  return {
    framing: "ndjson",
    createReader: () => new ProgressReader(clock),
    emitsContent: false,
  };
}
