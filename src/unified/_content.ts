import type { ImagePart, UserContentPart } from "./types.ts";

/** Binary, inline or remote content, resolved once for every provider. */
export type Data =
  | { kind: "inline"; base64: string; mediaType: string | undefined }
  | { kind: "url"; url: string; mediaType: string | undefined };

/** Base64 of bytes (in chunks: no call with millions of arguments). */
export function base64Of(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** The text of base64-encoded UTF-8. */
export function textOfBase64(base64: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}

const SIGNATURES: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], "image/png"],
  [[0xff, 0xd8, 0xff], "image/jpeg"],
  [[0x47, 0x49, 0x46, 0x38], "image/gif"],
  [[0x25, 0x50, 0x44, 0x46], "application/pdf"],
];

function sniff(base64: string): string | undefined {
  const head = Uint8Array.from(atob(base64.slice(0, 24)), (c) => c.charCodeAt(0));
  for (const [bytes, type] of SIGNATURES) if (bytes.every((b, i) => head[i] === b)) return type;
  // RIFF....WEBP
  if (head[0] === 0x52 && head[1] === 0x49 && head[8] === 0x57 && head[9] === 0x45) {
    return "image/webp";
  }
  return undefined;
}

/** Resolves an image's or file's data: bytes and base64 inline, a data URL parsed, a URL kept. */
export function dataOf(value: unknown, mediaType: string | undefined, what: string): Data {
  if (value instanceof ArrayBuffer) value = new Uint8Array(value);
  if (value instanceof Uint8Array) {
    const base64 = base64Of(value);
    return { kind: "inline", base64, mediaType: mediaType ?? sniff(base64) };
  }
  const text = value instanceof URL ? value.href : value;
  if (typeof text !== "string") {
    throw new TypeError(
      `${what} must be bytes, base64, a data URL or a URL: received ${String(value)}`,
    );
  }
  const data = /^data:([^;,]*)(;base64)?,/i.exec(text);
  if (data) {
    const body = text.slice(data[0].length);
    const base64 = data[2] ? body : base64Of(new TextEncoder().encode(decodeURIComponent(body)));
    return { kind: "inline", base64, mediaType: mediaType ?? (data[1] || undefined) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return { kind: "url", url: text, mediaType };
  let guessed: string | undefined;
  try {
    guessed = sniff(text);
  } catch {
    throw new TypeError(
      `${what} is neither base64 nor a URL: received '${
        text.length > 40 ? text.slice(0, 39) + "…" : text
      }'`,
    );
  }
  return { kind: "inline", base64: text, mediaType: mediaType ?? guessed };
}

/** An image's or file's data, from its part. */
export function partData(part: Exclude<UserContentPart, { type: "text" }>): Data {
  return part.type === "image"
    ? dataOf(part.image, part.mediaType, "An image")
    : dataOf(part.data, part.mediaType, "A file");
}

/** The media type, or a clear error when nothing tells it. */
export function mediaTypeOf(
  data: Data,
  part: ImagePart | { type: "file" },
  provider: string,
): string {
  if (data.mediaType !== undefined) return data.mediaType;
  throw new TypeError(
    `${provider} needs the ${part.type}'s media type and the data does not tell it: pass mediaType`,
  );
}

/** The parts of a user message's content. */
export function partsOf(content: string | UserContentPart[]): UserContentPart[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

/** A data URL of inline data. */
export function dataUrl(base64: string, mediaType: string): string {
  return `data:${mediaType};base64,${base64}`;
}

/** A clear error for a part a provider cannot take (dropping it would change the question). */
export function cannotTake(provider: string, what: string, hint: string): TypeError {
  return new TypeError(`${provider} cannot take ${what}: ${hint}`);
}
