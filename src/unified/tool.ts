import type { InferSchema, StandardSchemaV1 } from "./standard_schema.ts";
import type { JsonSchema, PartProviderOptions, Tool, ToolExecutionOptions } from "./types.ts";

/**
 * Defines a tool with its arguments typed from its schema: with a Standard
 * Schema (zod, valibot, …) `execute` receives the schema's output type; with
 * a JSON Schema, `unknown`. What `execute` returns is inferred too, so a
 * result's `toolCalls` and `toolResults` are typed by the call's tools. It
 * returns the definition as given.
 *
 * @example A tool whose arguments are typed by its schema
 * ```ts
 * import { tool } from "@sluice/sluice/unified";
 * import assert from "node:assert/strict";
 *
 * // Any Standard Schema works; here a hand-written one.
 * const city = {
 *   "~standard": {
 *     version: 1 as const,
 *     vendor: "example",
 *     validate: (value: unknown) => ({ value: value as { city: string } }),
 *     types: undefined as unknown as { input: { city: string }; output: { city: string } },
 *   },
 * };
 * const weather = tool({
 *   parameters: city,
 *   jsonSchema: { type: "object", properties: { city: { type: "string" } } },
 *   execute: ({ city }) => `Sunny in ${city.toUpperCase()}`,
 * });
 * assert.equal(typeof weather.execute, "function");
 * ```
 *
 * @param definition The tool.
 * @returns The same tool, typed.
 */
export function tool<S extends JsonSchema | StandardSchemaV1, Result = unknown>(definition: {
  description?: string;
  parameters: S;
  jsonSchema?: JsonSchema;
  providerOptions?: PartProviderOptions;
  execute?: (
    args: InferSchema<S>,
    options: ToolExecutionOptions,
  ) => Result | PromiseLike<Result>;
}): Tool<InferSchema<S>, Result> {
  return definition as Tool<InferSchema<S>, Result>;
}
