/**
 * What failures look like, and how to tell them apart: a model that does not
 * exist, a server that goes silent, an answer that fails midway, and a caller
 * who cancels. The mock injects each fault (the `x-mock-fault` header); every
 * error after some output carries it as `partial`.
 *
 *     deno run examples/error_handling.ts
 *
 * @module
 */
import { HttpError, ProviderError, type SluiceError, TimeoutError } from "@sluice/sluice";
import { Ollama } from "@sluice/sluice/ollama";
import { env, mock } from "./_mock.ts";

const host = env("OLLAMA_HOST");
const ollama = new Ollama(host ? { host } : { fetch: mock().fetch });
const messages = [{ role: "user" as const, content: "Tell me something." }];
const fault = (spec: string) => ({ "x-mock-fault": spec }); // ignored by a real server

function describe(error: unknown): string {
  const partial = (error as SluiceError).partial as { text?: string } | undefined;
  const kept = partial?.text ? ` (kept the partial answer: "${partial.text}")` : "";
  if (error instanceof HttpError) return `HttpError ${error.status}: ${error.message}`;
  if (error instanceof TimeoutError) {
    return `TimeoutError (${error.phase}): ${error.message}${kept}`;
  }
  if (error instanceof ProviderError) return `ProviderError: ${error.message}${kept}`;
  if (error instanceof DOMException && error.name === "AbortError") {
    return `Cancelled: ${error.message}`;
  }
  throw error; // a bug, not a failure we expect
}

console.log("1. A model that is not there");
try {
  await ollama.chat({ model: "no-such-model", messages }, { headers: fault("404") }).text();
} catch (error) {
  console.log("  ", describe(error));
}

// The idle timeout bounds each gap between chunks, the wait for the first one
// included: keep it above the model's time to first token (the mock's is
// 300 ms), or it fires before the answer starts.
console.log("2. A server that stops sending (idle timeout 1 s)");
try {
  await ollama.chat({ model: "llama3.2", messages }, {
    idleTimeout: 1_000,
    headers: fault("stall-after:4"),
  }).text();
} catch (error) {
  console.log("  ", describe(error));
}

console.log("3. An error in the middle of the answer");
try {
  await ollama.chat({ model: "llama3.2", messages }, { headers: fault("error-after:4") }).text();
} catch (error) {
  console.log("  ", describe(error));
}

console.log("4. Cancelling after three chunks (the request is aborted)");
const controller = new AbortController();
let text = "";
try {
  const stream = ollama.chat({ model: "llama3.2", messages }, { signal: controller.signal });
  let chunks = 0;
  for await (const delta of stream.textStream) {
    text += delta;
    if (++chunks === 3) controller.abort();
  }
} catch (error) {
  console.log("  ", describe(error), `after "${text}"`);
}
