import type { Random } from "./_random.ts";
import { SENTENCES, sentences, WORDS } from "./_corpus.ts";
import { MAX_SCHEMA_STRING, MAX_SCHEMA_VALUES, MockLimitError } from "./_limits.ts";

/** A JSON Schema, loosely typed: the generator reads only what it understands. */
export type JsonSchema = { readonly [key: string]: unknown } | boolean;

/** Options of {@linkcode valueFromSchema}. */
export interface SchemaValueOptions {
  /** Fill optional properties too (structured output), not only the required ones (tool calls). */
  allProperties: boolean;
}

type Schema = Record<string, unknown>;

/** The options, with what is left of the budget of values one schema may make. */
type Internal = SchemaValueOptions & { budget: { left: number } };

const MAX_DEPTH = 8;

const CITIES = ["Paris", "Tokyo", "Lisbon", "Zürich", "Montréal", "São Paulo"];

function isObject(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function resolveRef(root: Schema, ref: string): Schema | undefined {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return isObject(node) ? node : undefined;
}

function typeOf(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) return type.find((t) => t !== "null") ?? type[0];
  if (isObject(schema.properties)) return "object";
  if (schema.items !== undefined || Array.isArray(schema.prefixItems)) return "array";
  return undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function stringFor(random: Random, schema: Schema, name: string): string {
  const key = name.toLowerCase();
  let text: string;
  switch (schema.format) {
    case "date":
      text = "2025-11-03";
      break;
    case "date-time":
      text = "2025-11-03T14:22:05Z";
      break;
    case "time":
      text = "14:22:05";
      break;
    case "email":
      text = "ada@example.com";
      break;
    case "uri":
    case "url":
      text = `https://example.com/${random.pick(WORDS)}`;
      break;
    case "uuid":
      text = random.uuid();
      break;
    case "ipv4":
      text = "192.0.2.1";
      break;
    case "hostname":
      text = "example.com";
      break;
    default:
      if (key.includes("city")) text = random.pick(CITIES);
      else if (key.includes("location") || key.includes("address")) text = "Lisbon, Portugal";
      else if (key.includes("country")) text = "Portugal";
      else if (key.includes("email")) text = "ada@example.com";
      else if (key.includes("url") || key.includes("link")) text = "https://example.com/";
      else if (key.includes("path") || key.includes("file")) text = "/home/ana/report.pdf";
      else if (key.includes("date")) text = "2025-11-03";
      else if (key.includes("lang")) text = "en";
      else if (key === "id" || key.endsWith("_id") || key.endsWith("id")) {
        text = `item_${random.alphanumeric(6)}`;
      } else if (key.includes("name") || key.includes("author")) {
        text = random.pick(["Ada Lovelace", "Grace Hopper", "José Martí", "Hedy Lamarr"]);
      } else if (key.includes("title")) text = "Notes on streaming";
      else if (key.includes("query") || key === "q") text = "weather today";
      else if (
        /description|summary|text|content|answer|reason|explanation|message|comment/.test(key)
      ) {
        text = sentences(random, SENTENCES, 1);
      } else text = `${random.pick(WORDS)} ${random.pick(WORDS)}`;
  }
  const min = num(schema.minLength);
  const max = num(schema.maxLength);
  if (min !== undefined && min > MAX_SCHEMA_STRING) {
    throw new MockLimitError(
      `minLength ${min} is above the mock's limit of ${MAX_SCHEMA_STRING} characters`,
    );
  }
  if (min !== undefined) {
    // Counted as it grows: one pass, not a count of the whole string per word.
    let length = Array.from(text).length;
    const parts = [text];
    while (length < min) {
      const word = ` ${random.pick(WORDS)}`;
      parts.push(word);
      length += Array.from(word).length;
    }
    text = parts.join("");
  }
  if (max !== undefined) text = Array.from(text).slice(0, Math.max(0, max)).join("");
  return text;
}

function numberFor(random: Random, schema: Schema, name: string, integer: boolean): number {
  const key = name.toLowerCase();
  const exclusiveMin = num(schema.exclusiveMinimum);
  const exclusiveMax = num(schema.exclusiveMaximum);
  let min = num(schema.minimum) ?? (exclusiveMin !== undefined ? exclusiveMin + 1 : undefined);
  let max = num(schema.maximum) ?? (exclusiveMax !== undefined ? exclusiveMax - 1 : undefined);
  let value: number;
  if (min === undefined && max === undefined) {
    if (key.includes("temp")) value = 21.5;
    else if (key.includes("lat")) value = 38.72;
    else if (key.includes("lon") || key.includes("lng")) value = -9.14;
    else if (key.includes("year")) value = 2025;
    else if (key.includes("age")) value = 36;
    else if (key.includes("price") || key.includes("cost")) value = 9.99;
    else if (/count|quantity|number|limit|size|days/.test(key)) value = random.int(1, 5);
    else value = random.int(0, 10000) / 100;
  } else {
    min ??= (max as number) - 100;
    max ??= min + 100;
    value = min + random.next() * (max - min);
    value = Math.round(value * 100) / 100;
  }
  const step = num(schema.multipleOf);
  if (step !== undefined && step > 0) value = Math.round(value / step) * step;
  if (integer) value = Math.round(value);
  if (min !== undefined && value < min) value = integer ? Math.ceil(min) : min;
  if (max !== undefined && value > max) value = integer ? Math.floor(max) : max;
  return value;
}

function generate(
  random: Random,
  root: Schema,
  input: JsonSchema,
  name: string,
  options: Internal,
  depth: number,
): unknown {
  if (--options.budget.left < 0) {
    throw new MockLimitError(
      `The schema asks for more than ${MAX_SCHEMA_VALUES} values (large minItems, many properties or a $ref loop)`,
    );
  }
  if (input === true) return sentences(random, SENTENCES, 1);
  if (input === false || depth > MAX_DEPTH) return null;
  let schema: Schema = input;
  for (let hops = 0; typeof schema.$ref === "string" && hops < 16; hops++) {
    const target = resolveRef(root, schema.$ref);
    if (target === undefined) return null;
    const { $ref: _, ...rest } = schema;
    schema = { ...target, ...rest };
  }
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return random.pick(schema.enum);
  for (const key of ["anyOf", "oneOf"]) {
    const options_ = schema[key];
    if (Array.isArray(options_) && options_.length > 0) {
      const choice = options_.find((o) => !(isObject(o) && o.type === "null")) ?? options_[0];
      const { [key]: _, ...rest } = schema;
      return generate(
        random,
        root,
        { ...rest, ...(isObject(choice) ? choice : {}) },
        name,
        options,
        depth + 1,
      );
    }
  }
  if (Array.isArray(schema.allOf)) {
    let merged: Schema = { ...schema, allOf: undefined };
    if (schema.allOf.length > 100) {
      throw new MockLimitError(
        `allOf has ${schema.allOf.length} parts: the mock takes 100 at most`,
      );
    }
    for (const part of schema.allOf) {
      if (!isObject(part)) continue;
      merged = {
        ...merged,
        ...part,
        properties: { ...(merged.properties as Schema), ...(part.properties as Schema) },
        required: [
          ...(Array.isArray(merged.required) ? merged.required : []),
          ...(Array.isArray(part.required) ? part.required : []),
        ],
      };
    }
    const { allOf: _, ...rest } = merged;
    return generate(random, root, rest, name, options, depth + 1);
  }
  switch (typeOf(schema)) {
    case "object": {
      const properties = isObject(schema.properties) ? schema.properties : {};
      const required = new Set(Array.isArray(schema.required) ? schema.required : []);
      const result: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(properties)) {
        if (!options.allProperties && !required.has(key)) continue;
        result[key] = generate(random, root, value as JsonSchema, key, options, depth + 1);
      }
      for (const key of required) {
        if (typeof key === "string" && !(key in result)) {
          if (--options.budget.left < 0) {
            throw new MockLimitError(
              `The schema requires more than ${MAX_SCHEMA_VALUES} properties`,
            );
          }
          result[key] = sentences(random, WORDS, 1);
        }
      }
      return result;
    }
    case "array": {
      const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
      const min = Math.max(num(schema.minItems) ?? 0, prefix.length);
      if (min > MAX_SCHEMA_VALUES) {
        throw new MockLimitError(
          `minItems ${min} is above the mock's limit of ${MAX_SCHEMA_VALUES} items`,
        );
      }
      const max = num(schema.maxItems) ?? Math.max(min, 3);
      const count = Math.min(max, Math.max(min, 2));
      const items = (schema.items ?? true) as JsonSchema;
      const result: unknown[] = [];
      const seen = new Set<string>();
      for (let i = 0, tries = 0; result.length < count && tries < count * 4; tries++) {
        const itemSchema = (prefix[i] ?? items) as JsonSchema;
        const value = generate(random, root, itemSchema, name, options, depth + 1);
        const key = JSON.stringify(value);
        if (schema.uniqueItems === true && seen.has(key)) continue;
        seen.add(key);
        result.push(value);
        i++;
      }
      return result;
    }
    case "integer":
      return numberFor(random, schema, name, true);
    case "number":
      return numberFor(random, schema, name, false);
    case "boolean":
      return random.next() < 0.5;
    case "null":
      return null;
    default:
      return stringFor(random, schema, name);
  }
}

/**
 * A deterministic value that satisfies `schema`: `const` and `enum` honoured,
 * `$ref` (local), `anyOf`/`oneOf` (first non-null branch) and `allOf` resolved,
 * plausible strings picked by format and property name, numbers within their
 * bounds. `pattern` is not supported.
 */
export function valueFromSchema(
  random: Random,
  schema: JsonSchema,
  options: SchemaValueOptions,
): unknown {
  const root = isObject(schema) ? schema : {};
  return generate(
    random,
    root,
    schema,
    "",
    { ...options, budget: { left: MAX_SCHEMA_VALUES } },
    0,
  );
}
