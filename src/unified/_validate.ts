import type { JsonSchema } from "./types.ts";

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  switch (type) {
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "null":
      return value === null;
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    default:
      return true; // A type this check does not know: not held against the value.
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function child(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? text.slice(0, 39) + "…" : text;
}

/**
 * Checks a value against the structure of a JSON Schema: `type` (one or a
 * list, `integer` included), `enum`, `const`, `properties` / `required` /
 * `additionalProperties: false`, `items`, `anyOf` / `oneOf`. Returns the
 * first mismatch as `[path, message]`, or `undefined` when the value matches.
 */
export function validate(
  value: unknown,
  schema: JsonSchema | boolean | undefined,
  path = "$",
): [string, string] | undefined {
  if (schema === undefined || schema === true) return undefined;
  if (schema === false) return [path, "no value is allowed here"];
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(alternatives)) {
    let first: [string, string] | undefined;
    for (const alternative of alternatives) {
      const failure = validate(value, alternative, path);
      if (failure === undefined) {
        first = undefined;
        break;
      }
      first ??= failure;
    }
    if (first) return first;
  }
  const types = schema.type === undefined
    ? undefined
    : Array.isArray(schema.type)
    ? schema.type
    : [schema.type];
  if (types && !types.some((type) => matchesType(value, type))) {
    return [path, `expected ${types.join(" or ")}, received ${typeOf(value)}`];
  }
  if ("const" in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    return [path, `expected ${show(schema.const)}, received ${show(value)}`];
  }
  if (
    Array.isArray(schema.enum) &&
    !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))
  ) {
    return [path, `expected one of ${schema.enum.map(show).join(", ")}, received ${show(value)}`];
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in record)) return [child(path, key), "required property is missing"];
    }
    const properties = schema.properties ?? {};
    for (const [key, item] of Object.entries(record)) {
      const property = properties[key];
      if (property !== undefined) {
        const failure = validate(item, property, child(path, key));
        if (failure) return failure;
      } else if (schema.additionalProperties === false) {
        return [child(path, key), "unexpected property"];
      } else if (typeof schema.additionalProperties === "object") {
        const failure = validate(item, schema.additionalProperties, child(path, key));
        if (failure) return failure;
      }
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    for (let i = 0; i < value.length; i++) {
      const failure = validate(value[i], schema.items, `${path}[${i}]`);
      if (failure) return failure;
    }
  }
  return undefined;
}
