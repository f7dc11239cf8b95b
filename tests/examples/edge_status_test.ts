/**
 * The edge example answers a failure before any output with a real status and
 * a JSON error body (issue 17): the model's 404, 502 when the model server is
 * down; a success streams SSE with 200. The page's format (`?format=ui-message`)
 * reads back with `fromResponse`.
 */
import assert from "node:assert/strict";
import { fromResponse, HttpError } from "../../mod.ts";
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

Deno.test("edge example: ?format=ui-message is what the page reads back with fromResponse", async () => {
  const app = createApp({
    mock: { timeToFirstToken: 0, tokensPerSecond: Infinity, reply: "Hello there." },
  });
  const response = app.fetch(
    new Request("http://localhost/api/chat?format=ui-message", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "Hi" }),
    }),
  );
  const stream = fromResponse(response);
  const texts: string[] = [];
  for await (const text of stream.textStream) texts.push(text);
  assert.equal(texts.join(""), "Hello there.");
  const result = await stream.result();
  assert.equal(result.text, "Hello there.");
  assert.equal(result.finishReason, "stop");
  assert.ok((result.usage.outputTokens ?? 0) > 0);
  assert.equal((await response).headers.get("x-vercel-ai-ui-message-stream"), "v1");
});

Deno.test("edge example: every format, the default SSE of Ollama's own chunks too, reads back with fromResponse", async () => {
  for (const format of ["", "?format=ndjson", "?format=text", "?format=ui-message"]) {
    const app = createApp({
      mock: { timeToFirstToken: 0, tokensPerSecond: Infinity, reply: "Hello there." },
    });
    const stream = fromResponse(app.fetch(
      new Request(`http://localhost/api/chat${format}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt: "Hi" }),
      }),
    ));
    const texts: string[] = [];
    for await (const text of stream.textStream) texts.push(text);
    assert.equal(texts.join(""), "Hello there.", format);
    const result = await stream.result();
    assert.equal(result.text, "Hello there.", format);
    // The text format carries only the text; every other one the finish too.
    if (format !== "?format=text") assert.equal(result.finishReason, "stop", format);
  }
});

Deno.test("edge example: the page reads a missing model as the typed HttpError", async () => {
  const app = createApp({ model: "llama9", mock: { models: ["llama3.2"] } });
  const stream = fromResponse(
    app.fetch(
      new Request("http://localhost/api/chat?format=ui-message", {
        method: "POST",
        body: JSON.stringify({ prompt: "Hi" }),
      }),
    ),
  );
  const error = await stream.result().then(() => undefined, (error: unknown) => error);
  assert.ok(error instanceof HttpError, String(error));
  assert.equal(error.status, 404);
  assert.match(error.providerMessage ?? "", /llama9/);
});

Deno.test("edge example: an unknown ?format= is a 400", async () => {
  const app = createApp({ mock: { timeToFirstToken: 0, tokensPerSecond: Infinity } });
  const response = await app.fetch(
    new Request("http://localhost/api/chat?format=xml", { method: "POST", body: "{}" }),
  );
  assert.equal(response.status, 400);
  assert.match((await response.json()).error.message, /sse, ndjson, text, ui-message: 'xml'/);
});

Deno.test("edge example: before the page's script is built, /chat.js says how to build it", async () => {
  const app = createApp({ script: new URL("./no-such-bundle.js", import.meta.url) });
  const response = await app.fetch(new Request("http://localhost/chat.js"));
  assert.equal(response.status, 200);
  assert.match(await response.text(), /deno task edge:build/);
});
