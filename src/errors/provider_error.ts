import { SluiceError, type SluiceErrorOptions } from "./sluice_error.ts";

/** Options for {@linkcode ProviderError}. */
export interface ProviderErrorOptions extends SluiceErrorOptions {
  /** The provider's error type or code, e.g. `"overloaded_error"` or `"server_error"`. */
  type?: string | undefined;
  /** The error object exactly as the server sent it. */
  body?: unknown;
}

/**
 * An error the server reported inside a stream that had already started with
 * HTTP 200: an Ollama `{"error": …}` line, an OpenAI `data: {"error": …}`
 * event, an Anthropic `event: error`.
 *
 * @example Keep the partial answer
 * ```ts
 * import { ProviderError } from "@sluice/sluice";
 *
 * const error = new ProviderError("Overloaded", { type: "overloaded_error" });
 * console.log(error.type, error.partial?.text ?? "");
 * ```
 */
export class ProviderError extends SluiceError {
  /** The provider's error type or code, when it sent one. */
  type?: string | undefined;
  /** The error object exactly as the server sent it. */
  body?: unknown;

  /** Creates a provider error with the server's message. */
  constructor(message: string, options: ProviderErrorOptions = {}) {
    super(message, options);
    this.name = "ProviderError";
    if (options.type !== undefined) this.type = options.type;
    if (options.body !== undefined) this.body = options.body;
  }
}
