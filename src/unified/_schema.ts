import type { StandardSchemaIssue, StandardSchemaV1 } from "./standard_schema.ts";
import type { JsonSchema } from "./types.ts";

/** Whether a value is a Standard Schema (it has `~standard` with `validate`). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  const standard = (value as { "~standard"?: { validate?: unknown } } | null)?.["~standard"];
  return typeof standard === "object" && standard !== null &&
    typeof standard.validate === "function";
}

/**
 * The JSON Schema sent to the provider: the schema itself, the one the
 * caller gave, or the Standard Schema's own conversion.
 */
export function jsonSchemaOf(
  schema: JsonSchema | StandardSchemaV1,
  given: JsonSchema | undefined,
  what: string,
): JsonSchema {
  if (!isStandardSchema(schema)) return schema;
  if (given !== undefined) return given;
  const converter = schema["~standard"].jsonSchema;
  if (converter === undefined) {
    throw new TypeError(
      `${what} is a ${
        schema["~standard"].vendor
      } schema without a JSON Schema conversion: pass its JSON Schema as jsonSchema`,
    );
  }
  let converted: Record<string, unknown>;
  try {
    converted = converter.input({ target: "draft-07" });
  } catch (error) {
    throw new TypeError(
      `${what} is a ${
        schema["~standard"].vendor
      } schema its library cannot convert to JSON Schema: ${
        error instanceof Error ? error.message : String(error)
      }: pass its JSON Schema as jsonSchema`,
      { cause: error },
    );
  }
  const { $schema: _, ...rest } = converted;
  return rest as JsonSchema;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** An issue's path as `$.a[0].b`. */
export function issuePath(issue: StandardSchemaIssue): string {
  let path = "$";
  for (const segment of issue.path ?? []) {
    const key = typeof segment === "object" && segment !== null ? segment.key : segment;
    if (typeof key === "number") path += `[${key}]`;
    else if (typeof key === "string" && IDENTIFIER.test(key)) path += `.${key}`;
    else path += `[${JSON.stringify(String(key))}]`;
  }
  return path;
}

/** Validates with a Standard Schema: the value, or the first issue's path and message. */
export async function validateStandard(
  schema: StandardSchemaV1,
  value: unknown,
): Promise<{ value: unknown } | { path: string; message: string }> {
  const result = await schema["~standard"].validate(value);
  if (result.issues === undefined) return { value: result.value };
  const issue = result.issues[0];
  return issue === undefined
    ? { path: "$", message: "Invalid" }
    : { path: issuePath(issue), message: issue.message };
}
