import { SluiceError, type SluiceErrorOptions } from "./sluice_error.ts";

/** Options for {@linkcode ConnectionError}. */
export interface ConnectionErrorOptions extends SluiceErrorOptions {
  /** The origin that could not be reached (scheme, host and port; never credentials). */
  origin: string;
  /** How many attempts were made. */
  attempts?: number;
}

/**
 * Raised when the server cannot be reached at all — the connection was
 * refused, the name did not resolve, TLS failed — once the retries are spent.
 * `cause` is the runtime's own error (`TypeError: fetch failed`), with every
 * credential redacted; `origin` says where sluice tried to connect. For a local
 * Ollama the message asks whether `ollama serve` is running.
 *
 * @example Tell "the server is down" from "the server said no"
 * ```ts
 * import { ConnectionError, Ollama } from "@sluice/sluice";
 * import assert from "node:assert/strict";
 *
 * // A stand-in for a machine where nothing listens on the port.
 * const fetch = () => Promise.reject(new TypeError("fetch failed"));
 * const ollama = new Ollama({ fetch, maxRetries: 0 });
 * try {
 *   await ollama.chat({ model: "llama3.2", messages: [], stream: false });
 * } catch (error) {
 *   assert(error instanceof ConnectionError);
 *   assert.equal(error.origin, "http://127.0.0.1:11434");
 *   console.log(error.message); // "… (is `ollama serve` running on 127.0.0.1:11434?)"
 * }
 * ```
 */
export class ConnectionError extends SluiceError {
  /** The origin that could not be reached (scheme, host and port; never credentials). */
  origin: string;
  /** How many attempts were made. */
  attempts: number;

  /** Creates a connection error; the message names the origin and the runtime's reason. */
  constructor(message: string, options: ConnectionErrorOptions) {
    super(message, options);
    this.name = "ConnectionError";
    this.origin = options.origin;
    this.attempts = options.attempts ?? 1;
  }
}
