import { type Call, isRecord } from "./_call.ts";
import { hash32, Random } from "./_random.ts";
import { encodeBase64 } from "../providers/ollama/_base64.ts";

/** The dimension of the mock's vectors when the request asks for none. */
export const MOCK_EMBEDDING_DIMENSIONS = 16;

/**
 * The mock's vector for a text: seeded by the model and the text (the same
 * input, the same vector), unit length, rounded to 7 decimals.
 */
export function mockEmbedding(model: string, text: string, dimensions: number): number[] {
  const random = new Random(hash32(`${model}\u0000${text}`));
  const vector = Array.from({ length: dimensions }, () => random.next() * 2 - 1);
  const norm = Math.hypot(...vector) || 1;
  return vector.map((v) => Math.round(v / norm * 1e7) / 1e7);
}

/** The mock's token count of a text: about four characters a token, plus one. */
export function mockTokens(text: string): number {
  return Math.ceil(text.length / 4) + 1;
}

/** The dimension a request asks for, or the default. */
export function requestedDimensions(body: Record<string, unknown>): number {
  const dimensions = body.dimensions;
  return typeof dimensions === "number" && dimensions > 0 && dimensions <= 65_536
    ? Math.floor(dimensions)
    : MOCK_EMBEDDING_DIMENSIONS;
}

/** A vector as OpenAI's `encoding_format: "base64"` sends it: little-endian float32s. */
export function float32Base64(vector: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return encodeBase64(new Uint8Array(view.buffer));
}

/** The inputs of an OpenAI embeddings request as texts (token arrays are joined), or an error message. */
function inputsOf(input: unknown): string[] | string {
  if (typeof input === "string") return [input];
  if (!Array.isArray(input) || input.length === 0) {
    return "'input' must be a non-empty string or array";
  }
  if (input.every((item) => typeof item === "number")) return [input.join(" ")];
  const texts: string[] = [];
  for (const item of input) {
    if (typeof item === "string") texts.push(item);
    else if (Array.isArray(item)) texts.push(item.join(" "));
    else return `'input' holds a value that is neither a string nor tokens: ${typeof item}`;
  }
  return texts;
}

/** The most inputs OpenAI takes in one embeddings request. */
const OPENAI_MAX_INPUTS = 2048;

/** The body of an OpenAI `/v1/embeddings` answer, or a 400 message. */
export function openaiEmbeddingsBody(call: Call): { text: string; tokens: number } | string {
  const body = call.body;
  const inputs = inputsOf(body.input);
  if (typeof inputs === "string") return inputs;
  if (inputs.length > OPENAI_MAX_INPUTS) {
    return `'input' must have at most ${OPENAI_MAX_INPUTS} items: received ${inputs.length}`;
  }
  const format = body.encoding_format ?? "float";
  if (format !== "float" && format !== "base64") {
    return `'encoding_format' must be 'float' or 'base64': received '${String(format)}'`;
  }
  const dimensions = requestedDimensions(body);
  const tokens = inputs.reduce((sum, text) => sum + mockTokens(text), 0);
  const data = inputs.map((text, index) => {
    const vector = mockEmbedding(call.model, text, dimensions);
    return {
      object: "embedding",
      index,
      embedding: format === "base64" ? float32Base64(vector) : vector,
    };
  });
  const text = JSON.stringify({
    object: "list",
    data,
    model: isRecord(body) && typeof body.model === "string" ? body.model : call.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
  return { text, tokens };
}

/** The most requests Gemini takes in one `:batchEmbedContents`. */
const GEMINI_MAX_REQUESTS = 100;

/** The text of a Gemini `content` (its parts' text, joined), or `undefined` when it has none. */
function geminiText(content: unknown): string | undefined {
  const parts = isRecord(content) ? content.parts : undefined;
  if (!Array.isArray(parts) || parts.length === 0) return undefined;
  return parts.map((part) => isRecord(part) && typeof part.text === "string" ? part.text : "")
    .join("");
}

/** The body of a Gemini `:embedContent` / `:batchEmbedContents` answer, or a 400 message. */
export function geminiEmbeddingsBody(
  call: Call,
  batch: boolean,
): { text: string; tokens: number } | string {
  const items = batch ? call.body.requests : [call.body];
  if (!Array.isArray(items) || items.length === 0) {
    return "* BatchEmbedContentsRequest.requests: must not be empty";
  }
  if (items.length > GEMINI_MAX_REQUESTS) {
    return `* BatchEmbedContentsRequest.requests: at most ${GEMINI_MAX_REQUESTS} requests are allowed per batch: received ${items.length}`;
  }
  const embeddings: { values: number[] }[] = [];
  let tokens = 0;
  for (const item of items) {
    const text = isRecord(item) ? geminiText(item.content) : undefined;
    if (text === undefined) return "* EmbedContentRequest.content: contents must not be empty";
    const wanted = isRecord(item) ? item.outputDimensionality : undefined;
    const dimensions = typeof wanted === "number" && wanted > 0 && wanted <= 65_536
      ? Math.floor(wanted)
      : MOCK_EMBEDDING_DIMENSIONS;
    embeddings.push({ values: mockEmbedding(call.model, text, dimensions) });
    tokens += mockTokens(text);
  }
  const text = JSON.stringify(batch ? { embeddings } : { embedding: embeddings[0] });
  return { text, tokens };
}
