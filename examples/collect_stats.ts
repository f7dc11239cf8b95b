/**
 * Collects a whole answer, then prints what the stream measured: time to the
 * headers and to the first token, duration, chunks, bytes, tokens and speed —
 * and Ollama's own timings (model load, prompt evaluation, generation).
 *
 *     deno run examples/collect_stats.ts
 *
 * @module
 */
import { Ollama } from "@sluice/sluice/ollama";
import { env, mock } from "./_mock.ts";

const host = env("OLLAMA_HOST");
const ollama = new Ollama(host ? { host } : { fetch: mock().fetch });

const stream = ollama.chat({
  model: "llama3.2",
  messages: [{ role: "user", content: "What is a café in Zürich like?" }],
});
const result = await stream.result();
const stats = stream.stats;
const ms = (value: number | undefined) => value === undefined ? "–" : `${value.toFixed(0)} ms`;

console.log(result.text, "\n");
console.table({
  "time to headers": ms(stats.timeToHeaders),
  "time to first token": ms(stats.timeToFirstToken),
  "duration": ms(stats.duration),
  "chunks": stats.chunks,
  "bytes": stats.bytes,
  "output tokens": stats.outputTokens,
  "tokens/s": stats.tokensPerSecond?.toFixed(1),
  "finish reason": result.finishReason,
});
console.log("Ollama's timings:", result.timings);
