/** A request to `POST /embeddings`. */
export interface OpenAIEmbeddingsRequest {
  /** The embedding model (`"text-embedding-3-small"`, `"nomic-embed-text"`, …). */
  model: string;
  /**
   * One text or several (one vector each, in order), or tokens. OpenAI takes
   * at most 2048 inputs per request.
   */
  input: string | string[] | number[] | number[][];
  /** Shorten the vectors to this many dimensions (`text-embedding-3` and later). */
  dimensions?: number;
  /**
   * How the server sends the vectors: JSON numbers, or base64 of
   * little-endian float32 (a quarter of the size on the wire). Either way
   * {@linkcode OpenAIEmbeddingsResponse} holds numbers: sluice decodes base64.
   *
   * @default {"float"}
   */
  encoding_format?: "float" | "base64";
  /** An id for your end user. */
  user?: string;
  /** Any other field the server takes, sent as given. */
  [field: string]: unknown;
}

/** One vector of an {@linkcode OpenAIEmbeddingsResponse}. */
export interface OpenAIEmbedding {
  /** Always `"embedding"`. */
  object: "embedding";
  /** The input's position in the request. */
  index: number;
  /** The vector (decoded from base64 when that was asked for). */
  embedding: number[];
}

/** The token counts of an embeddings request. */
export interface OpenAIEmbeddingsUsage {
  /** Tokens in the input. */
  prompt_tokens: number;
  /** The same as `prompt_tokens`. */
  total_tokens: number;
}

/** The answer of `POST /embeddings`, with every vector as numbers. */
export interface OpenAIEmbeddingsResponse {
  /** Always `"list"`. */
  object: "list";
  /** One vector per input, in the order of `index`. */
  data: OpenAIEmbedding[];
  /** The model that answered. */
  model: string;
  /** The token counts (some compatible servers omit them). */
  usage?: OpenAIEmbeddingsUsage;
}
