import { MockServer, type MockServerOptions } from "./mock_server.ts";

/**
 * Creates an in-process mock LLM server speaking Ollama, OpenAI and Anthropic
 * wire formats. Serve it with `Deno.serve(server.fetch)`, or pass `server.fetch`
 * as the `fetch` option of a client.
 *
 * @example Stream an OpenAI chat completion from the mock
 * ```ts
 * import { createMockServer } from "@sluice/sluice/testing";
 * import { decodeServerSentEvents } from "@sluice/sluice/streams";
 * import assert from "node:assert/strict";
 *
 * const server = createMockServer({ reply: "Hello there!" });
 * const response = await server.fetch("http://mock/v1/chat/completions", {
 *   method: "POST",
 *   body: JSON.stringify({
 *     model: "gpt-4.1-mini",
 *     messages: [{ role: "user", content: "Hi" }],
 *     stream: true,
 *   }),
 * });
 * let text = "";
 * for await (const event of decodeServerSentEvents(response.body!)) {
 *   if (event.data === "[DONE]") break;
 *   text += JSON.parse(event.data).choices[0]?.delta?.content ?? "";
 * }
 * assert.equal(text, "Hello there!");
 * ```
 */
export function createMockServer(options?: MockServerOptions): MockServer {
  return new MockServer(options);
}
