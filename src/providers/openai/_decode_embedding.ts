import { ParseError } from "../../errors/parse_error.ts";
import { snippet } from "../../errors/_snippet.ts";

/**
 * A vector sent as base64 of little-endian float32s (`encoding_format:
 * "base64"`) as numbers; an array of numbers is returned as is.
 */
export function decodeEmbedding(value: unknown, index: number): number[] {
  if (Array.isArray(value)) return value as number[];
  if (typeof value !== "string") {
    throw new ParseError(
      `Expected an embedding as numbers or base64 at data[${index}]: ${
        snippet(JSON.stringify(value) ?? String(value))
      }`,
      { line: 1, snippet: String(value).slice(0, 40) },
    );
  }
  let binary: string;
  try {
    binary = atob(value);
  } catch (cause) {
    throw new ParseError(
      `Cannot decode the base64 embedding at data[${index}]: ${snippet(value)}`,
      {
        line: 1,
        snippet: value.slice(0, 40),
        cause,
      },
    );
  }
  if (binary.length % 4 !== 0) {
    throw new ParseError(
      `Expected a whole number of float32s in the base64 embedding at data[${index}]: ${binary.length} bytes`,
      { line: 1, snippet: value.slice(0, 40) },
    );
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  const vector = new Array<number>(bytes.length / 4);
  for (let i = 0; i < vector.length; i++) vector[i] = view.getFloat32(i * 4, true);
  return vector;
}
