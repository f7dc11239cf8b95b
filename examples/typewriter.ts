/**
 * A typewriter effect: however unevenly the tokens arrive, the answer is
 * written one character at a time at a steady pace, by piping the text
 * deltas through `SmoothTextStream`. A character is what a reader sees as
 * one: a flag or an emoji made of several code points is never cut apart.
 *
 *     deno run examples/typewriter.ts
 *
 * @module
 */
import { Ollama } from "@sluice/sluice/ollama";
import { SmoothTextStream } from "@sluice/sluice/streams";
import { env, mock } from "./_mock.ts";

const host = env("OLLAMA_HOST");
const ollama = new Ollama(host ? { host } : { fetch: mock().fetch });
const delayMs = env("SLUICE_MOCK_FAST") ? 0 : 15; // the tests skip the pause

const stream = ollama.chat({
  model: "llama3.2",
  messages: [{ role: "user", content: "Type me a sentence." }],
});
const encoder = new TextEncoder();
for await (
  const piece of stream.textStream.pipeThrough(
    new SmoothTextStream({ chunking: "character", delayMs }),
  )
) {
  Deno.stdout.writeSync(encoder.encode(piece));
}
console.log();
