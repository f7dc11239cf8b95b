import { Ollama } from "../providers/ollama/ollama.ts";
import type { OllamaEmbedRequest } from "../providers/ollama/types.ts";
import type { RequestOptions } from "../http/request_options.ts";
import {
  checkEmbeddings,
  createEmbeddingModel,
  type EmbeddingModel,
  embeddingResponse,
} from "./_embedding_model.ts";
import type { OllamaProviderOptions } from "./ollama.ts";

/**
 * The default {@linkcode OllamaEmbeddingOptions.maxEmbeddingsPerCall}:
 * Ollama sets no limit, so this only keeps one request's body and the
 * server's batch of work reasonable.
 */
export const OLLAMA_MAX_EMBEDDINGS_PER_CALL = 512;

/** Options of `ollama.embedding()`: a client's options (or a client), and the embedding settings. */
export interface OllamaEmbeddingOptions extends OllamaProviderOptions {
  /**
   * The most values one `/api/embed` request carries; `embedMany` splits
   * longer lists.
   *
   * @default {512}
   */
  maxEmbeddingsPerCall?: number;
  /** Shorten the vectors to this many dimensions (models that support it). */
  dimensions?: number;
  /**
   * Truncate input longer than the context window instead of failing.
   *
   * @default {true} (the server's default)
   */
  truncate?: boolean;
}

/**
 * An embedding model served by Ollama's `/api/embed`, for `embed` and
 * `embedMany`; also reachable as `ollama.embedding()`. The token count is
 * Ollama's `prompt_eval_count`.
 *
 * @example Embed a text (here against the mock server)
 * ```ts
 * import { embed, ollamaEmbedding } from "@sluice/sluice/unified";
 * import { createMockServer } from "@sluice/sluice/testing";
 * import assert from "node:assert/strict";
 *
 * const mock = createMockServer();
 * const model = ollamaEmbedding("nomic-embed-text", { fetch: mock.fetch });
 *
 * const { embedding, usage } = await embed({ model, value: "sunny day at the beach" });
 * assert.equal(embedding.length, 16);
 * assert.ok(usage.inputTokens! > 0);
 * ```
 */
export function ollamaEmbedding(
  modelId: string,
  options: OllamaEmbeddingOptions = {},
): EmbeddingModel {
  const {
    client: given,
    maxEmbeddingsPerCall = OLLAMA_MAX_EMBEDDINGS_PER_CALL,
    dimensions,
    truncate,
    ...clientOptions
  } = options;
  const client = given ?? new Ollama(clientOptions);
  return createEmbeddingModel("ollama", modelId, maxEmbeddingsPerCall, {
    async embed(values: string[], requestOptions: RequestOptions) {
      const request: OllamaEmbedRequest = { model: modelId, input: values };
      if (dimensions !== undefined) request.dimensions = dimensions;
      if (truncate !== undefined) request.truncate = truncate;
      const body = await client.embed(request, requestOptions);
      const usage = body.prompt_eval_count === undefined
        ? {}
        : { inputTokens: body.prompt_eval_count };
      return {
        embeddings: checkEmbeddings(values, body?.embeddings),
        usage,
        response: embeddingResponse(body, body.model),
      };
    },
  });
}
