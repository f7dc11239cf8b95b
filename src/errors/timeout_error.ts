import { SluiceError, type SluiceErrorOptions } from "./sluice_error.ts";

/**
 * Which timeout fired: `"headers"` (until the response headers arrived),
 * `"idle"` (the gap between two body chunks), `"first-token"` (until the first
 * content: text, reasoning or a tool call; keep-alives do not count) or
 * `"total"` (the whole request).
 */
export type TimeoutPhase = "headers" | "idle" | "first-token" | "total";

/** Options for {@linkcode TimeoutError}. */
export interface TimeoutErrorOptions extends SluiceErrorOptions {
  /** Which timeout fired. */
  phase: TimeoutPhase;
  /** The timeout's length in milliseconds. */
  ms: number;
}

const PHASE_TEXT: Record<TimeoutPhase, string> = {
  headers: "No response headers",
  idle: "No data",
  "first-token": "No content (text, reasoning or a tool call)",
  total: "The request did not finish",
};

/**
 * Raised when one of a request's timeouts fires. The HTTP request is aborted
 * when it does, so the server sees the disconnect.
 *
 * @example Tell the phases apart
 * ```ts
 * import { TimeoutError } from "@sluice/sluice";
 *
 * const error = new TimeoutError({ phase: "idle", ms: 30_000 });
 * console.log(error.message); // "No data for 30000 ms: the idle timeout fired"
 * ```
 */
export class TimeoutError extends SluiceError {
  /** Which timeout fired. */
  phase: TimeoutPhase;
  /** The timeout's length in milliseconds. */
  ms: number;

  /** Creates a timeout error for a phase and a length. */
  constructor(options: TimeoutErrorOptions) {
    const what = options.phase === "total" ? "total" : options.phase;
    super(
      `${PHASE_TEXT[options.phase]} ${
        options.phase === "total" ? "within" : "for"
      } ${options.ms} ms: the ${what} timeout fired`,
      options,
    );
    this.name = "TimeoutError";
    this.phase = options.phase;
    this.ms = options.ms;
  }
}
