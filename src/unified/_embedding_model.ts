import type { RequestOptions } from "../http/request_options.ts";
import { responseOf } from "../http/_response_of.ts";
import { ParseError } from "../errors/parse_error.ts";
import type { Usage } from "../shared/types.ts";
import type { ProviderId, ResponseMetadata } from "./types.ts";

/**
 * An embedding model of one provider, made by `ollama.embedding()`,
 * `openai.embedding()` or `gemini.embedding()`: what `embed` and
 * `embedMany` take as `model`.
 */
export interface EmbeddingModel {
  /** The provider: `"ollama"`, `"openai"` or `"gemini"`. */
  readonly provider: ProviderId;
  /** The model name sent to the provider (`"nomic-embed-text"`, `"text-embedding-3-small"`, …). */
  readonly modelId: string;
  /** The most values one request carries: `embedMany` splits longer lists into batches of this size. */
  readonly maxEmbeddingsPerCall: number;
}

/** One request's vectors, token counts and response. */
export interface EmbeddingBatch {
  embeddings: number[][];
  usage: Usage;
  response: ResponseMetadata;
}

/** What a provider contributes to `embed` / `embedMany`. */
export interface EmbeddingAdapter {
  /** Embeds the values in one request; one vector per value, in order. */
  embed(values: string[], options: RequestOptions): Promise<EmbeddingBatch>;
}

const adapters = new WeakMap<EmbeddingModel, EmbeddingAdapter>();

/** Checks a `maxEmbeddingsPerCall` or `maxParallelCalls`: a positive integer (or `Infinity`). */
export function checkCount(name: string, value: number): number {
  if (!(value === Infinity || (Number.isInteger(value) && value > 0))) {
    throw new RangeError(`${name} must be a positive integer: received ${value}`);
  }
  return value;
}

/** Makes an {@linkcode EmbeddingModel} backed by an adapter. */
export function createEmbeddingModel(
  provider: ProviderId,
  modelId: string,
  maxEmbeddingsPerCall: number,
  adapter: EmbeddingAdapter,
): EmbeddingModel {
  if (typeof modelId !== "string" || modelId === "") {
    throw new TypeError(
      `A ${provider} embedding model needs a name: received '${String(modelId)}'`,
    );
  }
  checkCount("maxEmbeddingsPerCall", maxEmbeddingsPerCall);
  const model: EmbeddingModel = Object.freeze({ provider, modelId, maxEmbeddingsPerCall });
  adapters.set(model, adapter);
  return model;
}

/** The adapter of an embedding model made by a factory. */
export function embeddingAdapterOf(model: EmbeddingModel): EmbeddingAdapter {
  const adapter = model && adapters.get(model);
  if (!adapter) {
    throw new TypeError(
      "The model must come from ollama.embedding(), openai.embedding() or gemini.embedding(): received " +
        (model === null || typeof model !== "object" ? String(model) : "another object"),
    );
  }
  return adapter;
}

/** The response metadata of a body a client call returned. */
export function embeddingResponse(body: unknown, model: string | undefined): ResponseMetadata {
  const info = responseOf(body);
  return {
    status: info?.status ?? 200,
    headers: info?.headers ?? new Headers(),
    model,
  };
}

/** The vectors of an answer, checked: one array of numbers per value sent. */
export function checkEmbeddings(values: readonly string[], embeddings: unknown): number[][] {
  const count = Array.isArray(embeddings) ? embeddings.length : 0;
  if (
    !Array.isArray(embeddings) || count !== values.length ||
    !embeddings.every((vector) => Array.isArray(vector))
  ) {
    const text = JSON.stringify(embeddings) ?? String(embeddings);
    throw new ParseError(
      `Expected ${values.length} embeddings in the response: received ${count}`,
      { line: 1, snippet: text.slice(0, 40) },
    );
  }
  return embeddings as number[][];
}
