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
 * @example Catch a mismatch (here a mock server whose model gets it wrong)
 * ```ts
 * import { ObjectValidationError, ollama, streamObject } from "@sluice/sluice/unified";
 * import { createMockServer } from "@sluice/sluice/testing";
 * import assert from "node:assert/strict";
 *
 * const mock = createMockServer({ reply: '{"title":"Pancakes","steps":"mix, then fry"}' });
 * const model = ollama("llama3.2", { fetch: mock.fetch });
 * const schema = {
 *   type: "object",
 *   properties: { title: { type: "string" }, steps: { type: "array", items: { type: "string" } } },
 *   required: ["title", "steps"],
 * };
 * const prompt = "A pancake recipe";
 *
 * try {
 *   await streamObject({ model, schema, prompt }).object();
 *   assert.fail("The answer should not match the schema");
 * } catch (error) {
 *   if (!(error instanceof ObjectValidationError)) throw error;
 *   console.log(error.path, error.value); // $.steps { title: "Pancakes", steps: "mix, then fry" }
 *   assert.equal(error.path, "$.steps");
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
