/**
 * The edge example answers a failure before any output with a real status and
 * a JSON error body (issue 17): the model's 404, 502 when the model server is
 * down; a success streams SSE with 200.
 */
import assert from "node:assert/strict";
import { createApp } from "../../examples/edge/app.ts";

const chat = (prompt: string) =>
  new Request("http://localhost/api/chat", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt }),
  });

Deno.test("edge example: a model the server lacks is a 404 with the provider's message", async () => {
  const app = createApp({
    model: "llama9",
    mock: { models: ["llama3.2"], timeToFirstToken: 0, tokensPerSecond: Infinity },
  });
  const response = await app.fetch(chat("Hi"));
  assert.equal(response.status, 404);
  assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
  const { error } = await response.json();
  assert.equal(error.type, "HttpError");
  assert.match(error.message, /llama9/);
});

Deno.test("edge example: the model server down is a 502", async () => {
  // A port nothing listens on.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  const app = createApp({ ollamaHost: `http://127.0.0.1:${port}` });
  const response = await app.fetch(chat("Hi"));
  assert.equal(response.status, 502);
  assert.equal((await response.json()).error.type, "ConnectionError");
});

Deno.test("edge example: a success is a 200 SSE stream", async () => {
  const app = createApp({ mock: { timeToFirstToken: 0, tokensPerSecond: Infinity } });
  const response = await app.fetch(chat("Hi"));
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
  assert.match(await response.text(), /"done":true/);
});
