import assert from "node:assert/strict";
import {
  extractProviderError,
  readHttpError,
  redact,
  redactError,
} from "../../src/http/_read_http_error.ts";
import { HttpError } from "../../src/errors/http_error.ts";
import { SluiceError } from "../../src/errors/sluice_error.ts";

const json = (status: number, body: unknown, headers: HeadersInit = {}) =>
  new Response(JSON.stringify(body), { status, headers });

Deno.test("readHttpError extracts Ollama's flat error", async () => {
  const error = await readHttpError(json(404, { error: "model 'llama9' not found" }), []);
  assert(error instanceof HttpError && error instanceof SluiceError);
  assert.equal(error.name, "HttpError");
  assert.equal(error.status, 404);
  assert.equal(error.providerMessage, "model 'llama9' not found");
  assert.equal(error.message, "HTTP 404: model 'llama9' not found");
});

Deno.test("readHttpError extracts OpenAI's error object with its type or code", async () => {
  const body = { error: { message: "Rate limit reached", type: "requests", code: "rate_limit" } };
  const error = await readHttpError(json(429, body, { "retry-after": "0.05" }), []);
  assert.equal(error.providerMessage, "Rate limit reached");
  assert.equal(error.type, "requests");
  assert.equal(error.retryAfter, 50);
  assert.equal(error.headers.get("retry-after"), "0.05");
  const coded = await readHttpError(json(400, { error: { message: "Bad", code: 42 } }), []);
  assert.equal(coded.type, "42");
});

Deno.test("readHttpError extracts Anthropic's typed error", async () => {
  const body = { type: "error", error: { type: "overloaded_error", message: "Overloaded" } };
  const error = await readHttpError(new Response(JSON.stringify(body), { status: 529 }), []);
  assert.equal(error.type, "overloaded_error");
  assert.equal(error.providerMessage, "Overloaded");
  assert.equal(error.message, "HTTP 529: Overloaded");
  assert.equal(error.body, JSON.stringify(body));
});

Deno.test("readHttpError quotes a bounded, whitespace-folded excerpt of a plain body", async () => {
  const long = "<html>\n  <body>" + "x".repeat(1000) + "</body></html>";
  const error = await readHttpError(
    new Response(long, { status: 502, statusText: "Bad Gateway" }),
    [],
  );
  assert.equal(error.providerMessage, undefined);
  assert.equal(error.statusText, "Bad Gateway");
  assert(error.message.startsWith("HTTP 502 Bad Gateway: <html> <body>xxx"));
  assert(error.message.endsWith("…"));
  assert(error.message.length < 340, `${error.message.length}`);
  const empty = await readHttpError(new Response(null, { status: 503 }), []);
  assert.equal(empty.message, "HTTP 503");
  assert.equal(empty.body, "");
});

Deno.test("readHttpError reads at most 64 KiB of a huge body and cancels the rest", async () => {
  let cancelled = false;
  const chunk = new TextEncoder().encode("y".repeat(16 * 1024));
  const endless = new ReadableStream<Uint8Array>({
    pull: (controller) => controller.enqueue(chunk),
    cancel: () => {
      cancelled = true;
    },
  });
  const error = await readHttpError(new Response(endless, { status: 500 }), []);
  assert.equal(error.body.length, 64 * 1024);
  assert(cancelled);
});

Deno.test("readHttpError never lets a credential into the message or the body", async () => {
  const key = "sk-live-0123456789";
  const body = { error: { message: `Incorrect API key provided: ${key}`, type: "auth" } };
  const error = await readHttpError(json(401, body), [key]);
  const everything = JSON.stringify({
    message: error.message,
    body: error.body,
    providerMessage: error.providerMessage,
    headers: [...error.headers],
  });
  assert(!everything.includes(key), everything);
  assert.equal(error.providerMessage, "Incorrect API key provided: [redacted]");
});

Deno.test("readHttpError appends the provider's hint", async () => {
  const error = await readHttpError(
    json(404, { error: "model 'x' not found" }),
    [],
    ({ status, providerMessage }) =>
      status === 404 && providerMessage?.includes("not found") ? "pull it first" : undefined,
  );
  assert.equal(error.message, "HTTP 404: model 'x' not found (pull it first)");
});

Deno.test("extractProviderError understands flat message and detail bodies", () => {
  assert.deepEqual(extractProviderError({ message: "m", type: "t" }), { message: "m", type: "t" });
  assert.deepEqual(extractProviderError({ detail: "Not found" }), {
    message: "Not found",
    type: undefined,
  });
  assert.deepEqual(extractProviderError("text"), {});
  assert.deepEqual(extractProviderError(null), {});
});

Deno.test("redact ignores secrets too short to be credentials", () => {
  assert.equal(redact("key abc and abcd", ["abc"]), "key abc and abcd");
  assert.equal(redact("key abcd and abcd", ["abcd"]), "key [redacted] and [redacted]");
});

Deno.test("redactError scrubs the message, the stack and the causes, keeping class and name", () => {
  const key = "AIzaSecret123";
  const cause = new Error(`error sending request for url (https://x.test/?key=${key})`);
  const error = new TypeError("fetch failed", { cause });
  const clean = redactError(error, [key]);
  assert(clean instanceof TypeError);
  assert.equal(clean.name, "TypeError");
  assert.equal(clean.message, "fetch failed");
  assert(clean.cause instanceof Error);
  assert.equal(
    clean.cause.message,
    "error sending request for url (https://x.test/?key=[redacted])",
  );
  assert(!String(clean.stack).includes(key) && !String(clean.cause.stack).includes(key));
  // Untouched when nothing to hide; non-errors pass through.
  assert.equal(redactError(error, ["other-secret"]), error);
  assert.equal(redactError("text", [key]), "text");
});
