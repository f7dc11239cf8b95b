import type { RequestOptions } from "../http/request_options.ts";
import type { Usage } from "../shared/types.ts";
import {
  checkCount,
  type EmbeddingAdapter,
  embeddingAdapterOf,
  type EmbeddingBatch,
  type EmbeddingModel,
} from "./_embedding_model.ts";
import { addUsage } from "./_adapter.ts";
import { traced } from "../shared/_trace.ts";
import { unifiedTrace } from "./_trace.ts";
import type { ResponseMetadata } from "./types.ts";

/**
 * The options of {@linkcode embed}: the model, the value and the request
 * options (`signal`, timeouts, retries, …), as in `streamText`.
 */
export interface EmbedOptions extends RequestOptions {
  /** The model, from `ollama.embedding()`, `openai.embedding()` or `gemini.embedding()`. */
  model: EmbeddingModel;
  /** The text to embed. */
  value: string;
  /** The same as `signal` (the AI SDK's name). */
  abortSignal?: AbortSignal;
}

/** The result of {@linkcode embed}. */
export interface EmbedResult {
  /** The text that was embedded. */
  value: string;
  /** Its vector. */
  embedding: number[];
  /** Token counts: `inputTokens`, when the provider reports it. */
  usage: Usage;
  /** Status, headers and model of the response. */
  response: ResponseMetadata;
}

/** The options of {@linkcode embedMany}: the model, the values, batching and the request options. */
export interface EmbedManyOptions extends RequestOptions {
  /** The model, from `ollama.embedding()`, `openai.embedding()` or `gemini.embedding()`. */
  model: EmbeddingModel;
  /** The texts to embed. */
  values: string[];
  /**
   * The most values one request carries; more are split into batches.
   *
   * @default {model.maxEmbeddingsPerCall} (Ollama 512, OpenAI 2048, Gemini 100)
   */
  maxEmbeddingsPerCall?: number;
  /**
   * The most requests in flight at once.
   *
   * @default {2}
   */
  maxParallelCalls?: number;
  /** The same as `signal` (the AI SDK's name). */
  abortSignal?: AbortSignal;
}

/** The result of {@linkcode embedMany}. */
export interface EmbedManyResult {
  /** The texts that were embedded. */
  values: string[];
  /** One vector per value, in order. */
  embeddings: number[][];
  /** Token counts summed over every request. */
  usage: Usage;
  /** Status, headers and model of each request's response, in batch order. */
  responses: ResponseMetadata[];
}

/** The default {@linkcode EmbedManyOptions.maxParallelCalls}. */
export const DEFAULT_MAX_PARALLEL_CALLS = 2;

function requestOptionsOf(
  rest: RequestOptions,
  signal: AbortSignal | undefined,
  abortSignal: AbortSignal | undefined,
): RequestOptions {
  const signals = [signal, abortSignal].filter((s): s is AbortSignal => s !== undefined);
  const options: RequestOptions = { ...rest };
  if (signals.length > 0) {
    options.signal = signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
  }
  return options;
}

/**
 * Embeds one text with any provider's embedding model: one request, the
 * vector, the token count and the response. The request options (`signal`
 * or `abortSignal`, `timeout`, `maxRetries`, …) apply as to every call.
 *
 * @example Embed a text and compare it (here against the mock server)
 * ```ts
 * import { cosineSimilarity, embed, ollama } from "@sluice/sluice/unified";
 * import { createMockServer } from "@sluice/sluice/testing";
 * import assert from "node:assert/strict";
 *
 * const mock = createMockServer();
 * const model = ollama.embedding("nomic-embed-text", { fetch: mock.fetch });
 *
 * const a = await embed({ model, value: "sunny day at the beach" });
 * const b = await embed({ model, value: "sunny day at the beach" });
 * assert.ok(cosineSimilarity(a.embedding, b.embedding) > 0.999999);
 * assert.equal(a.response.status, 200);
 * ```
 */
export async function embed(options: EmbedOptions): Promise<EmbedResult> {
  const { model, value, signal, abortSignal, tracer, traceContent: _, ...rest } = options ??
    {} as EmbedOptions;
  const adapter = embeddingAdapterOf(model);
  if (typeof value !== "string") {
    throw new TypeError(`embed() needs a string value: received ${typeof value}`);
  }
  // One span for the call (the client's own tracer, if it has one, traces its request too).
  const batch = await traced(
    { tracer },
    () => unifiedTrace(model, "embeddings"),
    () => adapter.embed([value], requestOptionsOf(rest, signal, abortSignal)),
    (batch) => ({ model: batch.response.model, usage: batch.usage }),
  );
  return {
    value,
    embedding: batch.embeddings[0]!,
    usage: batch.usage,
    response: batch.response,
  };
}

/**
 * Embeds many texts with any provider's embedding model. A list longer than
 * `maxEmbeddingsPerCall` is split into batches, sent at most
 * `maxParallelCalls` at a time; the vectors come back in the order of the
 * values, with the token counts summed and each request's response. When a
 * request fails, the ones in flight are aborted, no more are sent, and the
 * call rejects with the first error. An empty list sends nothing.
 *
 * @example Embed a list in batches of two, one request at a time (here against the mock server)
 * ```ts
 * import { embedMany, ollama } from "@sluice/sluice/unified";
 * import { createMockServer } from "@sluice/sluice/testing";
 * import assert from "node:assert/strict";
 *
 * const mock = createMockServer();
 * const model = ollama.embedding("nomic-embed-text", { fetch: mock.fetch });
 *
 * const { embeddings, usage } = await embedMany({
 *   model,
 *   values: ["sky", "sea", "sand", "sun", "surf"],
 *   maxEmbeddingsPerCall: 2,
 *   maxParallelCalls: 1,
 * });
 * assert.equal(embeddings.length, 5);
 * assert.equal(mock.requests.length, 3);
 * assert.ok(usage.inputTokens! > 0);
 * ```
 */
export async function embedMany(options: EmbedManyOptions): Promise<EmbedManyResult> {
  const {
    model,
    values,
    signal,
    abortSignal,
    maxEmbeddingsPerCall,
    maxParallelCalls = DEFAULT_MAX_PARALLEL_CALLS,
    tracer,
    traceContent: _,
    ...rest
  } = options ?? {} as EmbedManyOptions;
  const adapter = embeddingAdapterOf(model);
  if (!Array.isArray(values) || !values.every((value) => typeof value === "string")) {
    throw new TypeError("embedMany() needs values: an array of strings");
  }
  const size = checkCount(
    "maxEmbeddingsPerCall",
    maxEmbeddingsPerCall ?? model.maxEmbeddingsPerCall,
  );
  const parallel = checkCount("maxParallelCalls", maxParallelCalls);
  return await traced(
    { tracer },
    () => unifiedTrace(model, "embeddings"),
    () =>
      embedBatches(adapter, values, size, parallel, requestOptionsOf(rest, signal, abortSignal)),
    (result) => ({ model: result.responses[0]?.model, usage: result.usage }),
  );
}

/** Embeds the values in batches of `size`, at most `parallel` requests at once. */
async function embedBatches(
  adapter: EmbeddingAdapter,
  values: string[],
  size: number,
  parallel: number,
  callOptions: RequestOptions,
): Promise<EmbedManyResult> {
  const batches: string[][] = [];
  for (let i = 0; i < values.length; i += size) batches.push(values.slice(i, i + size));

  // One failure stops the rest: the requests in flight are aborted with its error.
  const stop = new AbortController();
  callOptions.signal = callOptions.signal
    ? AbortSignal.any([callOptions.signal, stop.signal])
    : stop.signal;
  const results: EmbeddingBatch[] = new Array(batches.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < batches.length) {
      const index = next++;
      try {
        results[index] = await adapter.embed(batches[index]!, callOptions);
      } catch (error) {
        if (failure === undefined) {
          failure = { error };
          stop.abort(error);
        }
        return;
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(parallel, batches.length); i++) workers.push(worker());
  await Promise.all(workers);
  if (failure !== undefined) throw failure.error;

  let usage: Usage = {};
  for (const batch of results) usage = addUsage(usage, batch.usage);
  return {
    values,
    embeddings: results.flatMap((batch) => batch.embeddings),
    usage,
    responses: results.map((batch) => batch.response),
  };
}
