import { SluiceError, type SluiceErrorOptions } from "./sluice_error.ts";

/**
 * Raised when a response body ends before the provider's end marker (Ollama's
 * `done: true`, OpenAI's `[DONE]` and finish reasons, Anthropic's
 * `message_stop`): the connection dropped or the server gave up.
 *
 * @example
 * ```ts
 * import { IncompleteStreamError } from "@sluice/sluice";
 *
 * const error = new IncompleteStreamError("The stream ended before done: true");
 * console.log(error.name); // "IncompleteStreamError"
 * ```
 */
export class IncompleteStreamError extends SluiceError {
  /** Creates the error; the message says which end marker was missing. */
  constructor(message: string, options: SluiceErrorOptions = {}) {
    super(message, options);
    this.name = "IncompleteStreamError";
  }
}
