import { Gemini, type GeminiOptions } from "../providers/gemini/gemini.ts";
import type { GeminiEmbeddingTaskType } from "../providers/gemini/embeddings_types.ts";
import type { RequestOptions } from "../http/request_options.ts";
import {
  checkEmbeddings,
  createEmbeddingModel,
  type EmbeddingModel,
  embeddingResponse,
} from "./_embedding_model.ts";

/** The default {@linkcode GeminiEmbeddingOptions.maxEmbeddingsPerCall}: Gemini's limit per `:batchEmbedContents`. */
export const GEMINI_MAX_EMBEDDINGS_PER_CALL = 100;

/** Options of `gemini.embedding()`: a client's options (or a client), and the embedding settings. */
export interface GeminiEmbeddingOptions extends GeminiOptions {
  /** An existing client to send the requests with (its options apply; the client options here are ignored). */
  client?: Gemini;
  /**
   * The most values one `:batchEmbedContents` request carries; `embedMany`
   * splits longer lists.
   *
   * @default {100}
   */
  maxEmbeddingsPerCall?: number;
  /** Shorten the vectors to this many dimensions (`outputDimensionality`). */
  dimensions?: number;
  /** What the vectors are for (`"RETRIEVAL_QUERY"`, `"RETRIEVAL_DOCUMENT"`, …). */
  taskType?: GeminiEmbeddingTaskType;
}

/**
 * An embedding model behind Gemini's `:embedContent` (one value) and
 * `:batchEmbedContents` (several), for `embed` and `embedMany`; also
 * reachable as `gemini.embedding()`. Gemini reports no token count, so
 * `usage` is empty.
 *
 * @example Embed texts (here against the mock server)
 * ```ts
 * import { embedMany, geminiEmbedding } from "@sluice/sluice/unified";
 * import { createMockServer } from "@sluice/sluice/testing";
 * import assert from "node:assert/strict";
 *
 * const mock = createMockServer();
 * const model = geminiEmbedding("gemini-embedding-001", { apiKey: "key", fetch: mock.fetch });
 *
 * const { embeddings } = await embedMany({ model, values: ["sky", "sea"] });
 * assert.equal(embeddings.length, 2);
 * assert.equal(mock.requests[0]?.path, "/v1beta/models/gemini-embedding-001:batchEmbedContents");
 * ```
 */
export function geminiEmbedding(
  modelId: string,
  options: GeminiEmbeddingOptions = {},
): EmbeddingModel {
  const {
    client: given,
    maxEmbeddingsPerCall = GEMINI_MAX_EMBEDDINGS_PER_CALL,
    dimensions,
    taskType,
    ...clientOptions
  } = options;
  const client = given ?? new Gemini(clientOptions);
  const settings: { outputDimensionality?: number; taskType?: GeminiEmbeddingTaskType } = {};
  if (dimensions !== undefined) settings.outputDimensionality = dimensions;
  if (taskType !== undefined) settings.taskType = taskType;
  return createEmbeddingModel("gemini", modelId, maxEmbeddingsPerCall, {
    async embed(values: string[], requestOptions: RequestOptions) {
      if (values.length === 1) {
        const body = await client.embedContent(
          { model: modelId, content: { parts: [{ text: values[0]! }] }, ...settings },
          requestOptions,
        );
        return {
          embeddings: checkEmbeddings(values, [body?.embedding?.values]),
          usage: {},
          response: embeddingResponse(body, undefined),
        };
      }
      const body = await client.batchEmbedContents({
        model: modelId,
        requests: values.map((text) => ({ content: { parts: [{ text }] }, ...settings })),
      }, requestOptions);
      return {
        embeddings: checkEmbeddings(values, body?.embeddings?.map((item) => item?.values)),
        usage: {},
        response: embeddingResponse(body, undefined),
      };
    },
  });
}
