/**
 * The Standard Schema v1 interface (https://standardschema.dev), which zod,
 * valibot, arktype and others implement: sluice accepts such a schema
 * without depending on any of them. Only the members sluice reads are
 * listed; `jsonSchema` is the Standard JSON Schema converter a library may
 * add (zod 4 does).
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The standard properties. */
  readonly "~standard": {
    /** The version of the standard. */
    readonly version: 1;
    /** The library's name. */
    readonly vendor: string;
    /** Validates a value: the (possibly transformed) value, or the issues. */
    readonly validate: (
      value: unknown,
    ) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
    /** The input and output types (for inference only). */
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
    /** The Standard JSON Schema converter, where the library has one. */
    readonly jsonSchema?: {
      /** The JSON Schema of the input type. */
      readonly input: (options: { readonly target: string }) => Record<string, unknown>;
      /** The JSON Schema of the output type. */
      readonly output: (options: { readonly target: string }) => Record<string, unknown>;
    };
  };
}

/** What a Standard Schema's `validate` returns. */
export type StandardSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardSchemaIssue> };

/** One problem a Standard Schema found. */
export interface StandardSchemaIssue {
  /** What is wrong. */
  readonly message: string;
  /** Where: keys, or segments with a key. */
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** The type a schema describes: a Standard Schema's output type, else `unknown`. */
export type InferSchema<S> = S extends StandardSchemaV1<infer _I, infer O> ? O : unknown;
