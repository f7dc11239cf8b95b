/**
 * `deno bench tests/bench/compact_json_bench.ts`: the literal comparison the
 * compact frame readers use (`holds`, a slice compared whole) against
 * `startsWith`, at the literal lengths they compare, in frames stored a byte
 * a character (Latin-1 text) and two (any other).
 *
 * @module
 */
import { holds } from "../../src/shared/_compact_json.ts";

const COUNT = 1_000;
const LITERALS = ['{"model":"', '","created_at":"', '","message":{"role":"assistant","content":"'];

/** Ollama lines, decoded as a body is; `wide` puts a character beyond Latin-1 in each. */
function lines(wide: boolean): string[] {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  return Array.from({ length: COUNT }, (_, i) =>
    decoder.decode(encoder.encode(
      `{"model":"llama3.2","created_at":"2025-11-03T14:22:05.${String(i).padStart(9, "0")}Z",` +
        `"message":{"role":"assistant","content":" token ${i}${
          wide ? " 日本" : ""
        }"},"done":false}`,
    )));
}

for (const wide of [false, true]) {
  const frames = lines(wide);
  const sample = frames[0]!;
  for (const literal of LITERALS) {
    // Where the literal stands in these lines (the same place in every one).
    const at = literal === LITERALS[0] ? 0 : sample.indexOf(literal);
    const group = `${literal.length} characters, ${wide ? "two bytes" : "one byte"} a character`;
    Deno.bench(`holds, ${group}`, { group, baseline: true }, () => {
      for (const frame of frames) if (!holds(frame, literal, at)) throw new Error("no match");
    });
    Deno.bench(`startsWith, ${group}`, { group }, () => {
      for (const frame of frames) if (!frame.startsWith(literal, at)) throw new Error("no match");
    });
  }
}
