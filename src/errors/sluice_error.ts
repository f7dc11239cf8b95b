import type { StreamResult } from "../shared/types.ts";

/** Options shared by every sluice error. */
export interface SluiceErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
  /** What the stream had assembled before it failed. */
  partial?: StreamResult | undefined;
}

/**
 * The base class of every error sluice raises for a domain failure (as opposed
 * to a programmer mistake, which gets a `TypeError` or `RangeError`).
 *
 * An error raised after some output carries {@linkcode SluiceError.partial}:
 * what `result()` would have returned so far.
 *
 * @example Catch any sluice error and keep the partial answer
 * ```ts
 * import { SluiceError } from "@sluice/sluice";
 *
 * try {
 *   throw new SluiceError("Stream failed", { partial: undefined });
 * } catch (error) {
 *   if (error instanceof SluiceError) console.log(error.partial?.text ?? "");
 * }
 * ```
 */
export class SluiceError extends Error {
  /** What the stream had assembled before the failure, if it had started. */
  partial?: StreamResult | undefined;

  /** Creates an error with a message and, optionally, a cause and partial result. */
  constructor(message: string, options: SluiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SluiceError";
    if (options.partial !== undefined) this.partial = options.partial;
  }
}
