/** Bytes per `btoa` call: a multiple of 3, so the pieces join without padding. */
const CHUNK = 24_576; // 3 × 8 Ki

/**
 * Encodes bytes as base64 with web standards only (`btoa`), a piece at a time
 * so that `String.fromCharCode` never gets more arguments than the call stack
 * allows, and no binary string of the whole input is ever built.
 */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    const piece = bytes.subarray(offset, offset + CHUNK);
    parts.push(btoa(String.fromCharCode.apply(null, piece as unknown as number[])));
  }
  return parts.join("");
}
