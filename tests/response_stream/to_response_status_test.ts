/**
 * `toResponse()` waits for the upstream's headers by default: a failure before
 * any output is a real status with a small JSON error body; after the
 * headers, a failure stays in-band; `{ waitForHeaders: false }` streams at once.
 */
import assert from "node:assert/strict";
import { HttpError, Ollama } from "../../mod.ts";
import { ConnectionError } from "../../src/errors/connection_error.ts";
import { TimeoutError } from "../../src/errors/timeout_error.ts";

const REQUEST = { model: "llama3.2", messages: [{ role: "user" as const, content: "Hi" }] };
const NDJSON = { "content-type": "application/x-ndjson" };

function client(fetch: (request: Request) => Promise<Response>): Ollama {
  return new Ollama({ fetch: (input, init) => fetch(new Request(input, init)), maxRetries: 0 });
}

function answer(status: number, body: string, headers: HeadersInit = {}) {
  return client(() => Promise.resolve(new Response(body, { status, headers })));
}

async function errorBody(response: Response): Promise<{ type: string; message: string }> {
  assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
  const { error } = await response.json();
  return error;
}

Deno.test("toResponse(): an upstream 404 is a 404 with the provider's message as JSON", async () => {
  const errors: unknown[] = [];
  const stream = answer(404, JSON.stringify({ error: "model 'llama9' not found" }))
    .chat(REQUEST, { onError: (error) => errors.push(error) });
  const response = await stream.toResponse({ format: "sse" });
  assert.equal(response.status, 404);
  const error = await errorBody(response);
  assert.equal(error.type, "HttpError");
  assert.match(error.message, /model 'llama9' not found/);
  // The stream itself failed with the same typed error.
  await assert.rejects(stream.result(), HttpError);
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof HttpError);
});

Deno.test("toResponse(): a 429 keeps its status and Retry-After", async () => {
  const stream = answer(429, JSON.stringify({ error: "slow down" }), { "retry-after": "7" })
    .chat(REQUEST);
  const response = await stream.toResponse({ format: "ndjson" });
  assert.equal(response.status, 429);
  assert.equal(response.headers.get("retry-after"), "7");
  assert.match((await errorBody(response)).message, /slow down/);
});

Deno.test("toResponse(): an upstream 5xx is a 502", async () => {
  for (const status of [500, 503]) {
    const response = await answer(status, JSON.stringify({ error: "boom" })).chat(REQUEST)
      .toResponse({ format: "text" });
    assert.equal(response.status, 502);
    assert.equal((await errorBody(response)).type, "HttpError");
  }
});

Deno.test("toResponse(): a refused connection is a 502", async () => {
  const stream = client(() => Promise.reject(new TypeError("connection refused"))).chat(REQUEST);
  const response = await stream.toResponse();
  assert.equal(response.status, 502);
  assert.equal((await errorBody(response)).type, "ConnectionError");
  await assert.rejects(stream.result(), ConnectionError);
});

Deno.test("toResponse(): no headers within the timeout is a 504", async () => {
  const stream = client((request) =>
    new Promise((_resolve, reject) => {
      request.signal.addEventListener("abort", () => reject(request.signal.reason));
    })
  ).chat(REQUEST, { timeout: 50 });
  const response = await stream.toResponse();
  assert.equal(response.status, 504);
  assert.equal((await errorBody(response)).type, "TimeoutError");
  await assert.rejects(stream.result(), TimeoutError);
});

Deno.test("toResponse(): after the headers a failure stays an in-band error event", async () => {
  const body = JSON.stringify({ message: { role: "assistant", content: "Hel" }, done: false }) +
    "\n" + JSON.stringify({ error: "the model crashed" }) + "\n";
  const response = await answer(200, body, NDJSON).chat(REQUEST).toResponse({ format: "sse" });
  assert.equal(response.status, 200);
  const text = await response.text();
  assert.match(text, /event: error\ndata: \{"error":\{"type":"ProviderError".*the model crashed/);
});

Deno.test("toResponse({ waitForHeaders: false }) returns a 200 at once; failures are in-band", async () => {
  const response: Response = answer(404, JSON.stringify({ error: "model 'llama9' not found" }))
    .chat(REQUEST).toResponse({ format: "sse", waitForHeaders: false });
  assert.ok(response instanceof Response);
  assert.equal(response.status, 200);
  const text = await response.text();
  assert.match(text, /^event: error\ndata: \{"error":\{"type":"HttpError".*llama9/);
});

Deno.test("toResponse(): a success waits for the headers and streams as before", async () => {
  const body = JSON.stringify({ message: { role: "assistant", content: "Hi!" }, done: false }) +
    "\n" + JSON.stringify({ message: { role: "assistant", content: "" }, done: true }) + "\n";
  const response = await answer(200, body, NDJSON).chat(REQUEST).toResponse({ format: "text" });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "Hi!");
});
