/**
 * Shows that something is happening: a dot per chunk while the answer
 * arrives, then the whole answer at once. The `onChunk` callback sees every
 * chunk while `text()` collects the answer.
 *
 *     deno run examples/progress_dots.ts
 *
 * @module
 */
import { Ollama } from "@sluice/sluice/ollama";
import { env, mock } from "./_mock.ts";

const host = env("OLLAMA_HOST");
const ollama = new Ollama(host ? { host } : { fetch: mock().fetch });

const encoder = new TextEncoder();
const dot = () => Deno.stdout.writeSync(encoder.encode("."));

Deno.stdout.writeSync(encoder.encode("Thinking"));
const answer = await ollama.chat(
  { model: "llama3.2", messages: [{ role: "user", content: "Explain back-pressure." }] },
  { onChunk: dot },
).text();
console.log(` done\n\n${answer}`);
