/**
 * Why stream: the same answer, streamed and not. Streaming shows the first
 * token after a fraction of the time the complete answer takes.
 *
 *     deno run examples/time_to_first_token.ts
 *
 * @module
 */
import { Ollama } from "@sluice/sluice/ollama";
import { env, mock } from "./_mock.ts";

const host = env("OLLAMA_HOST");
const ollama = new Ollama(host ? { host } : { fetch: mock().fetch });
const request = {
  model: "llama3.2",
  messages: [{ role: "user" as const, content: "Why stream model output?" }],
};

const streaming = ollama.chat(request);
await streaming.result();
const { timeToFirstToken = NaN, duration = NaN } = streaming.stats;
console.log(
  `Streaming:     first token after ${timeToFirstToken.toFixed(0)} ms, ` +
    `whole answer after ${duration.toFixed(0)} ms`,
);

const started = performance.now();
await ollama.chat({ ...request, stream: false });
const whole = performance.now() - started;
console.log(`Not streaming: nothing to show until ${whole.toFixed(0)} ms`);
if (whole > timeToFirstToken) {
  console.log(`Streaming shows text ${(whole / timeToFirstToken).toFixed(1)}× sooner.`);
}
