import { PartialJsonParser } from "../streams/partial_json_parser.ts";
import { iterable, type IterableReadableStream } from "../shared/_async_iterable.ts";
import type { ObjectMode } from "./_adapter.ts";
import { validate } from "./_validate.ts";
import { ObjectValidationError } from "./object_validation_error.ts";
import { UnifiedStream } from "./stream_text.ts";
import { isStandardSchema, jsonSchemaOf, validateStandard } from "./_schema.ts";
import type { StandardSchemaV1 } from "./standard_schema.ts";
import type { JsonSchema, StreamTextOptions } from "./types.ts";

/**
 * The options of {@linkcode streamObject}: those of `streamText` without
 * tools, plus the schema. `T` is the object's type (inferred from a Standard
 * Schema).
 */
export interface StreamObjectOptions<T = unknown> extends
  Omit<
    StreamTextOptions,
    "tools" | "toolChoice" | "maxSteps" | "stopWhen" | "activeTools" | "onStepFinish"
  > {
  /**
   * The schema the answer must follow: a JSON Schema, or a Standard Schema
   * (zod, valibot, arktype, …) whose `validate` checks the final object (its
   * output is what `object()` resolves to). The JSON Schema sent is the
   * Standard Schema's own conversion, or `jsonSchema`.
   */
  schema: JsonSchema | StandardSchemaV1<unknown, T>;
  /** The JSON Schema sent for a Standard Schema that has no conversion. */
  jsonSchema?: JsonSchema;
  /**
   * A name for the schema: OpenAI's `json_schema.name`, Anthropic's forced
   * tool name (letters, digits, `_` and `-`).
   *
   * @default {"response"}
   */
  schemaName?: string;
  /** What the object is (sent to the model with the schema). */
  schemaDescription?: string;
}

/**
 * A value as it is being written: every property of an object optional, at
 * every depth (`unknown` stays `unknown`).
 */
export type DeepPartial<T> = T extends readonly (infer U)[] ? DeepPartial<U>[]
  : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> }
  : T;

/** The property a non-object root is wrapped in (OpenAI and Anthropic want an object root). */
const WRAPPER = "elements";

function isObjectSchema(schema: JsonSchema): boolean {
  return schema.type === "object";
}

function parseError(text: string, cause: unknown): ObjectValidationError {
  const shown = text.length > 40 ? text.slice(0, 39) + "…" : text;
  return new ObjectValidationError(`The model's answer is not valid JSON: '${shown}'`, {
    path: "$",
    value: text,
    cause,
  });
}

/**
 * The stream `streamObject` returns: the object growing as the model writes
 * it ({@linkcode ObjectStream.partialObjectStream}), the elements of an
 * array one by one as each completes ({@linkcode ObjectStream.elementStream}),
 * and the final object checked against the schema
 * ({@linkcode ObjectStream.object}). Read one of the streams (once);
 * `object()` and `result()` work alongside.
 *
 * It is `streamText`'s {@linkcode UnifiedStream}, and every member of that
 * means the same here: `textStream` is the answer's raw JSON text (an array
 * root inside `{"elements": …}`), and `response`, `partial`, `cancel()`,
 * `tee()`, `toResponse()`, `await using` and the callbacks work as they do
 * for every stream.
 *
 * @example Watch an object being written (here a canned Ollama answer)
 * ```ts
 * import { ollama, streamObject } from "@sluice/sluice/unified";
 * import assert from "node:assert/strict";
 *
 * const pieces = ['{"name":"Ad', 'a","age":36}'];
 * const body = pieces.map((content, i) =>
 *   JSON.stringify({ model: "m", created_at: "", message: { role: "assistant", content },
 *     done: i === pieces.length - 1, done_reason: "stop" }) + "\n").join("");
 * const model = ollama("m", { fetch: () => Promise.resolve(new Response(body)) });
 *
 * const schema = {
 *   type: "object",
 *   properties: { name: { type: "string" }, age: { type: "integer" } },
 *   required: ["name", "age"],
 * };
 * const stream = streamObject({ model, schema, prompt: "A scientist" });
 * const seen = [];
 * for await (const partial of stream.partialObjectStream) seen.push(partial);
 * assert.deepEqual(seen[0], { name: "Ad" });
 * assert.deepEqual(await stream.object(), { name: "Ada", age: 36 });
 * ```
 */
export class ObjectStream<T = unknown> extends UnifiedStream {
  #schema: JsonSchema;
  #standard: StandardSchemaV1 | undefined;
  #wrapped: boolean;
  #object: Promise<T> | undefined;

  /**
   * Starts the call. Use `streamObject()` rather than this constructor.
   *
   * @example Construct through streamObject (here against the mock server)
   * ```ts
   * import { ObjectStream, ollama, streamObject } from "@sluice/sluice/unified";
   * import { createMockServer } from "@sluice/sluice/testing";
   * import assert from "node:assert/strict";
   *
   * const model = ollama("llama3.2", { fetch: createMockServer().fetch });
   * const schema = {
   *   type: "object",
   *   properties: { name: { type: "string" } },
   *   required: ["name"],
   * };
   *
   * const stream = streamObject({ model, schema, prompt: "A city" });
   * assert.ok(stream instanceof ObjectStream);
   * console.log(await stream.object());
   * ```
   */
  constructor(options: StreamObjectOptions<T>) {
    const given = options?.schema;
    if (given === null || typeof given !== "object") {
      throw new TypeError(`streamObject() needs a JSON Schema: received ${String(given)}`);
    }
    const schema = jsonSchemaOf(given, options.jsonSchema, "streamObject's schema");
    const wrapped = !isObjectSchema(schema);
    const mode: ObjectMode = {
      name: options.schemaName ?? "response",
      description: options.schemaDescription,
      schema: wrapped
        ? {
          type: "object",
          properties: { [WRAPPER]: schema },
          required: [WRAPPER],
          additionalProperties: false,
        }
        : schema,
    };
    const {
      schema: _,
      schemaName: _name,
      schemaDescription: _description,
      jsonSchema: _json,
      ...rest
    } = options;
    super(rest, mode);
    this.#standard = isStandardSchema(given) ? given : undefined;
    this.#schema = schema;
    this.#wrapped = wrapped;
  }

  /**
   * Snapshots of the object as it is written: each a valid JSON value with
   * open strings, arrays and objects closed provisionally, a new snapshot
   * only when something changed (in a very large document, a few deltas
   * late: see `PartialJsonStream`; not validated: the final one may differ
   * from the schema; {@linkcode ObjectStream.object} checks it).
   */
  get partialObjectStream(): IterableReadableStream<DeepPartial<T>> {
    const parser = new PartialJsonParser();
    let last: unknown = undefined;
    const unwrap = this.#unwrap.bind(this);
    return iterable(
      this.textStream.pipeThrough(
        new TransformStream<string, DeepPartial<T>>({
          transform(text, controller) {
            if (!parser.push(text)) return;
            const value = unwrap(parser.value);
            if (value !== undefined && value !== last) {
              controller.enqueue((last = value) as DeepPartial<T>);
            }
          },
          flush(controller) {
            const value = unwrap(parser.end());
            if (value !== last) controller.enqueue(value as DeepPartial<T>);
          },
        }),
      ),
    );
  }

  /**
   * The elements of an array root, each as soon as it is complete and
   * checked against the schema's `items` (an invalid element errors the
   * stream with an {@linkcode ObjectValidationError}).
   *
   * @throws {TypeError} When the schema's root is not an array.
   */
  get elementStream(): IterableReadableStream<unknown> {
    const schema = this.#schema;
    if (schema.type !== "array") {
      throw new TypeError(
        `elementStream needs a schema whose type is 'array': received '${String(schema.type)}'`,
      );
    }
    const parser = new PartialJsonParser();
    const unwrap = this.#unwrap.bind(this);
    let emitted = 0;
    const emit = (
      elements: unknown,
      complete: boolean,
      controller: TransformStreamDefaultController<unknown>,
    ) => {
      if (!Array.isArray(elements)) return;
      const ready = complete ? elements.length : elements.length - 1;
      while (emitted < ready) {
        const element = elements[emitted];
        const failure = validate(element, schema.items, `$[${emitted}]`);
        if (failure) {
          throw new ObjectValidationError(
            `The model's answer does not match the schema: ${failure[0]}: ${failure[1]}`,
            { path: failure[0], value: element },
          );
        }
        emitted++;
        controller.enqueue(element);
      }
    };
    return iterable(
      this.textStream.pipeThrough(
        new TransformStream<string, unknown>({
          transform(text, controller) {
            if (parser.push(text)) emit(unwrap(parser.value), false, controller);
          },
          flush(controller) {
            emit(unwrap(parser.end()), true, controller);
          },
        }),
      ),
    );
  }

  /**
   * The final object, parsed and checked against the schema (types,
   * required properties, enums, arrays, nested objects). Rejects with an
   * {@linkcode ObjectValidationError} naming the path of the first mismatch,
   * or with the stream's error.
   *
   * @example Await the object (here against the mock server)
   * ```ts
   * import { ollama, streamObject } from "@sluice/sluice/unified";
   * import { createMockServer } from "@sluice/sluice/testing";
   *
   * const model = ollama("llama3.2", { fetch: createMockServer().fetch });
   * const schema = {
   *   type: "object",
   *   properties: {
   *     title: { type: "string" },
   *     steps: { type: "array", items: { type: "string" } },
   *   },
   *   required: ["title", "steps"],
   * };
   * type Recipe = { title: string; steps: string[] };
   *
   * const recipe = await streamObject<Recipe>({ model, schema, prompt: "Pancakes" }).object();
   * console.log(recipe.title, recipe.steps.length);
   * ```
   */
  object(): Promise<T> {
    return this.#object ??= this.result().then(async (result) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(result.text);
      } catch (error) {
        throw parseError(result.text, error);
      }
      const value = this.#unwrap(parsed);
      if (this.#standard !== undefined) {
        const checked = await validateStandard(this.#standard, value);
        if ("path" in checked) {
          throw new ObjectValidationError(
            `The model's answer does not match the schema: ${checked.path}: ${checked.message}`,
            { path: checked.path, value },
          );
        }
        return checked.value as T;
      }
      const failure = validate(value, this.#schema);
      if (failure) {
        throw new ObjectValidationError(
          `The model's answer does not match the schema: ${failure[0]}: ${failure[1]}`,
          { path: failure[0], value },
        );
      }
      return value as T;
    });
  }

  #unwrap(value: unknown): unknown {
    if (!this.#wrapped) return value;
    return typeof value === "object" && value !== null
      ? (value as Record<string, unknown>)[WRAPPER]
      : undefined;
  }
}

/**
 * Asks any provider for a JSON object that follows a schema, and streams it
 * as it is written: Ollama gets `format: <schema>`, OpenAI `response_format:
 * { type: "json_schema", … }`, Anthropic a single forced tool whose input
 * schema is the schema. A root that is not an object (an array, say) is
 * sent wrapped in `{ "elements": … }` — the providers want an object root —
 * and unwrapped again.
 *
 * @example Stream the elements of an array (here a canned OpenAI answer)
 * ```ts
 * import { openai, streamObject } from "@sluice/sluice/unified";
 * import assert from "node:assert/strict";
 *
 * const chunk = (content: string, finish: string | null = null) =>
 *   `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
 * const body = chunk('{"elements":[{"city":"Paris"},{"ci') + chunk('ty":"Rome"}]}', "stop") +
 *   "data: [DONE]\n\n";
 * const model = openai("m", { fetch: () => Promise.resolve(new Response(body)) });
 *
 * const schema = {
 *   type: "array",
 *   items: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
 * };
 * const cities = [];
 * for await (const element of streamObject({ model, schema, prompt: "Two cities" }).elementStream) {
 *   cities.push(element);
 * }
 * assert.deepEqual(cities, [{ city: "Paris" }, { city: "Rome" }]);
 * ```
 */
export function streamObject<T = unknown>(options: StreamObjectOptions<T>): ObjectStream<T> {
  return new ObjectStream<T>(options);
}
