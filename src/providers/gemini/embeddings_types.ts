import type { GeminiContent } from "./types.ts";

/** What an embedding is for: Gemini tunes the vector to the task. */
export type GeminiEmbeddingTaskType =
  | "TASK_TYPE_UNSPECIFIED"
  | "RETRIEVAL_QUERY"
  | "RETRIEVAL_DOCUMENT"
  | "SEMANTIC_SIMILARITY"
  | "CLASSIFICATION"
  | "CLUSTERING"
  | "QUESTION_ANSWERING"
  | "FACT_VERIFICATION"
  | "CODE_RETRIEVAL_QUERY";

/** A request to `POST /models/{model}:embedContent`. */
export interface GeminiEmbedContentRequest {
  /** The model (`"gemini-embedding-001"`, or `"models/…"`); sent in the URL. */
  model: string;
  /** The text to embed, as parts. */
  content: GeminiContent;
  /** What the embedding is for. */
  taskType?: GeminiEmbeddingTaskType;
  /** A title for a `RETRIEVAL_DOCUMENT`. */
  title?: string;
  /** Shorten the vector to this many dimensions. */
  outputDimensionality?: number;
  /** Any other field the API takes, sent as given. */
  [field: string]: unknown;
}

/** One vector. */
export interface GeminiContentEmbedding {
  /** The vector. */
  values: number[];
}

/** The answer of `:embedContent`. */
export interface GeminiEmbedContentResponse {
  /** The vector. */
  embedding: GeminiContentEmbedding;
}

/** A request to `POST /models/{model}:batchEmbedContents`. */
export interface GeminiBatchEmbedContentsRequest {
  /** The model (`"gemini-embedding-001"`, or `"models/…"`); sent in the URL. */
  model: string;
  /**
   * One request per text, each naming the model as `models/…` (sluice fills
   * in a missing one). Gemini takes at most 100 per call.
   */
  requests: (Omit<GeminiEmbedContentRequest, "model"> & { model?: string })[];
}

/** The answer of `:batchEmbedContents`: one vector per request, in order. */
export interface GeminiBatchEmbedContentsResponse {
  /** The vectors. */
  embeddings: GeminiContentEmbedding[];
}
