/**
 * Callbacks instead of a loop: the stream runs by itself and calls you. Pass
 * functions (`onText`, `onFinish`, `onError`, `onChunk`) in the options, or
 * one handler object with the same methods (called with the object as
 * `this`). `result()` still resolves at the end.
 *
 *     deno run examples/callbacks.ts
 *
 * @module
 */
import type { StreamCallbacks } from "@sluice/sluice";
import { Ollama, type OllamaChatChunk, type OllamaChatResult } from "@sluice/sluice/ollama";
import { env, mock } from "./_mock.ts";

const host = env("OLLAMA_HOST");
const ollama = new Ollama(host ? { host } : { fetch: mock().fetch });
const encoder = new TextEncoder();
const write = (text: string) => Deno.stdout.writeSync(encoder.encode(text));

console.log("1. Callback functions");
await ollama.chat(
  { model: "llama3.2", messages: [{ role: "user", content: "Say hello." }] },
  {
    onText: write,
    onFinish: (result) => console.log(`\n   finished: ${result.finishReason}`),
    onError: (error) => console.error("\n   failed:", error),
  },
).result();

console.log("2. A handler object");
class Transcript implements StreamCallbacks<OllamaChatChunk, OllamaChatResult> {
  chunks = 0;
  text = "";
  onChunk() {
    this.chunks++;
  }
  onText(text: string) {
    this.text += text;
    write(text);
  }
  onFinish(result: OllamaChatResult) {
    console.log(`\n   ${this.chunks} chunks, ${result.usage.outputTokens} tokens`);
  }
}
const transcript = new Transcript();
await ollama.chat(
  { model: "llama3.2", messages: [{ role: "user", content: "Say goodbye." }] },
  { handler: transcript },
).result();
console.log(`   kept ${transcript.text.length} characters`);
