import { OpenAI } from "../providers/openai/openai.ts";
import type { OpenAIEmbeddingsRequest } from "../providers/openai/embeddings_types.ts";
import type { RequestOptions } from "../http/request_options.ts";
import {
  checkEmbeddings,
  createEmbeddingModel,
  type EmbeddingModel,
  embeddingResponse,
} from "./_embedding_model.ts";
import type { OpenAIProviderOptions } from "./openai.ts";

/** The default {@linkcode OpenAIEmbeddingOptions.maxEmbeddingsPerCall}: OpenAI's limit of inputs per request. */
export const OPENAI_MAX_EMBEDDINGS_PER_CALL = 2048;

/** Options of `openai.embedding()`: a client's options (or a client), and the embedding settings. */
export interface OpenAIEmbeddingOptions
  extends Omit<OpenAIProviderOptions, "maxTokensField" | "api" | "responses"> {
  /**
   * The most values one `/embeddings` request carries; `embedMany` splits
   * longer lists. Lower it for a compatible server with a smaller limit.
   *
   * @default {2048}
   */
  maxEmbeddingsPerCall?: number;
  /** Shorten the vectors to this many dimensions (`text-embedding-3` and later). */
  dimensions?: number;
  /**
   * How the vectors travel: JSON numbers, or base64 float32s (a quarter of
   * the size; sluice decodes them). Not every compatible server takes
   * `"base64"`.
   *
   * @default {"float"}
   */
  encodingFormat?: "float" | "base64";
  /** Sent as `user`. */
  user?: string;
}

/**
 * An embedding model behind OpenAI's `/embeddings` or a compatible server
 * (`baseURL`: Ollama's `/v1`, llama.cpp, vLLM, LM Studio, …), for `embed`
 * and `embedMany`; also reachable as `openai.embedding()`. The token count
 * is `usage.prompt_tokens`.
 *
 * @example Embed texts in batches (here against the mock server)
 * ```ts
 * import { embedMany, openaiEmbedding } from "@sluice/sluice/unified";
 * import { createMockServer } from "@sluice/sluice/testing";
 * import assert from "node:assert/strict";
 *
 * const mock = createMockServer();
 * const model = openaiEmbedding("text-embedding-3-small", {
 *   baseURL: "http://localhost/v1",
 *   fetch: mock.fetch,
 *   maxEmbeddingsPerCall: 2,
 * });
 *
 * const { embeddings } = await embedMany({ model, values: ["a", "b", "c"] });
 * assert.equal(embeddings.length, 3);
 * assert.equal(mock.requests.length, 2);
 * ```
 */
export function openaiEmbedding(
  modelId: string,
  options: OpenAIEmbeddingOptions = {},
): EmbeddingModel {
  const {
    client: given,
    maxEmbeddingsPerCall = OPENAI_MAX_EMBEDDINGS_PER_CALL,
    dimensions,
    encodingFormat,
    user,
    ...clientOptions
  } = options;
  const client = given ?? new OpenAI(clientOptions);
  return createEmbeddingModel("openai", modelId, maxEmbeddingsPerCall, {
    async embed(values: string[], requestOptions: RequestOptions) {
      const request: OpenAIEmbeddingsRequest = { model: modelId, input: values };
      if (dimensions !== undefined) request.dimensions = dimensions;
      if (encodingFormat !== undefined) request.encoding_format = encodingFormat;
      if (user !== undefined) request.user = user;
      const body = await client.embeddings(request, requestOptions);
      const tokens = body.usage?.prompt_tokens;
      return {
        embeddings: checkEmbeddings(values, body.data.map((item) => item.embedding)),
        usage: typeof tokens === "number" ? { inputTokens: tokens } : {},
        response: embeddingResponse(body, body.model),
      };
    },
  });
}
