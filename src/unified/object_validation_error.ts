import { SluiceError, type SluiceErrorOptions } from "../errors/sluice_error.ts";

/** Options of an {@linkcode ObjectValidationError}. */
export interface ObjectValidationErrorOptions extends SluiceErrorOptions {
  /** Where the first mismatch is, as a JSONPath (`$.items[2].price`). */
  path: string;
  /** The value the model produced (parsed JSON, or the raw text if it was not JSON). */
  value: unknown;
}

/**
 * The model's answer to `streamObject` is not JSON, or does not match the
 * schema. The message names the path of the first mismatch
 * (`$.items[2].price: expected number, received string`).
 *
 * @example Catch a mismatch
 * ```ts ignore
 * try {
 *   await streamObject({ model, schema, prompt }).object();
 * } catch (error) {
 *   if (error instanceof ObjectValidationError) console.log(error.path, error.value);
 * }
 * ```
 */
export class ObjectValidationError extends SluiceError {
  /** Where the first mismatch is, as a JSONPath (`$` for the root). */
  readonly path: string;
  /** The value the model produced. */
  readonly value: unknown;

  /** Creates the error. */
  constructor(message: string, options: ObjectValidationErrorOptions) {
    super(message, options);
    this.name = "ObjectValidationError";
    this.path = options.path;
    this.value = options.value;
  }
}
