/**
 * The request layer against a local server: timeouts, retries, errors and
 * aborts, through `openRequest` and `requestJson`.
 */
import assert from "node:assert/strict";
import { openRequest } from "../../src/http/_open_request.ts";
import { requestJson } from "../../src/http/_request_json.ts";
import { resolveOptions } from "../../src/http/_resolve_options.ts";
import type { RequestOptions } from "../../src/http/request_options.ts";
import { ConnectionError } from "../../src/errors/connection_error.ts";
import { HttpError } from "../../src/errors/http_error.ts";
import { ParseError } from "../../src/errors/parse_error.ts";
import { TimeoutError } from "../../src/errors/timeout_error.ts";
import { closedPortUrl, delay, rejection, serve, within } from "./_server.ts";

const options = (call: RequestOptions = {}) => resolveOptions({ retryDelay: 1 }, call);
const json = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), {
    ...init,
    headers: { "content-type": "application/json", ...init.headers },
  });

Deno.test("requestJson sends the JSON body and headers and resolves to the JSON answer", async () => {
  await using server = serve(() => json({ ok: true }));
  const result = await requestJson(
    { url: `${server.url}/api`, method: "POST", body: { model: "m" } },
    options({ headers: { "x-trace": "1" } }),
  );
  assert.deepEqual(result, { ok: true });
  const [request] = server.requests;
  assert.equal(request?.method, "POST");
  assert.equal(request?.headers.get("content-type"), "application/json");
  assert.equal(request?.headers.get("x-trace"), "1");
  assert.equal(request?.body, '{"model":"m"}');
});

Deno.test("requestJson resolves to undefined for an empty body and rejects a non-JSON one", async () => {
  await using server = serve((request) =>
    new URL(request.url).pathname === "/empty" ? new Response("") : new Response("<html>oops")
  );
  assert.equal(
    await requestJson({ url: `${server.url}/empty`, method: "GET" }, options()),
    undefined,
  );
  const error = await rejection(
    requestJson({ url: `${server.url}/html`, method: "GET" }, options()),
  );
  assert(error instanceof ParseError);
  assert.match(error.message, /^Cannot parse the response body as JSON: '<html>oops'$/);
});

Deno.test("a server that stalls before the headers gets TimeoutError 'headers' and sees the abort", async () => {
  await using server = serve((request, server) => server.untilAborted(request));
  const started = performance.now();
  const error = await rejection(
    requestJson({ url: server.url, method: "GET" }, options({ timeout: 50 })),
  );
  assert(error instanceof TimeoutError);
  assert.equal(error.phase, "headers");
  assert.equal(error.ms, 50);
  assert.equal(error.message, "No response headers for 50 ms: the headers timeout fired");
  assert(performance.now() - started < 1000);
  await within(
    (async () => {
      while (server.abortsBeforeHeaders < 1) await delay(5);
    })(),
    1000,
    "the server to see the abort",
  );
  assert.equal(server.requests.length, 1, "a headers timeout is not retried");
});

Deno.test("a body that stalls gets TimeoutError 'idle' and the server sees the disconnect", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(['{"partial":'], { end: "stall" }))
  );
  const error = await rejection(
    requestJson({ url: server.url, method: "GET" }, options({ idleTimeout: 50 })),
  );
  assert(error instanceof TimeoutError);
  assert.equal(error.phase, "idle");
  assert.equal(error.message, "No data for 50 ms: the idle timeout fired");
  await within(server.disconnected(), 1000, "the server to see the disconnect");
});

Deno.test("totalTimeout bounds the whole request, retries included", async () => {
  await using server = serve(() => json({ error: "busy" }, { status: 503 }));
  const error = await rejection(
    requestJson(
      { url: server.url, method: "GET" },
      options({ totalTimeout: 60, maxRetries: 100, retryDelay: 20 }),
    ),
  );
  assert(error instanceof TimeoutError);
  assert.equal(error.phase, "total");
  assert.equal(error.message, "The request did not finish within 60 ms: the total timeout fired");
  assert(server.requests.length >= 2 && server.requests.length < 10);
});

Deno.test("a 429 with Retry-After: 0.05 is retried after that wait and then succeeds", async () => {
  const times: number[] = [];
  await using server = serve((_, __, index) => {
    times.push(performance.now());
    return index === 0
      ? json({ error: { message: "Slow down" } }, {
        status: 429,
        headers: { "retry-after": "0.05" },
      })
      : json({ ok: 1 });
  });
  assert.deepEqual(await requestJson({ url: server.url, method: "GET" }, options()), { ok: 1 });
  assert.equal(server.requests.length, 2);
  const waited = times[1]! - times[0]!;
  assert(waited >= 45 && waited < 1000, `waited ${waited} ms`);
});

Deno.test("retry-after-ms is honoured", async () => {
  const times: number[] = [];
  await using server = serve((_, __, index) => {
    times.push(performance.now());
    return index === 0
      ? new Response("busy", { status: 503, headers: { "retry-after-ms": "40" } })
      : json(1);
  });
  assert.equal(await requestJson({ url: server.url, method: "GET" }, options()), 1);
  assert(times[1]! - times[0]! >= 35);
});

Deno.test("a 500 three times gives HttpError after exactly maxRetries + 1 attempts", async () => {
  await using server = serve(() => json({ error: "Internal failure" }, { status: 500 }));
  const error = await rejection(requestJson({ url: server.url, method: "GET" }, options()));
  assert(error instanceof HttpError);
  assert.equal(error.status, 500);
  assert.equal(error.message, "HTTP 500 Internal Server Error: Internal failure");
  assert.equal(server.requests.length, 3);
  await using other = serve(() => json({ error: "Internal failure" }, { status: 500 }));
  await rejection(requestJson({ url: other.url, method: "GET" }, options({ maxRetries: 0 })));
  assert.equal(other.requests.length, 1);
});

Deno.test("408, 409 and 5xx are retried; 4xx and x-should-retry: false are not", async () => {
  for (const status of [408, 409, 502]) {
    await using server = serve((_, __, i) => (i === 0 ? new Response("", { status }) : json(1)));
    assert.equal(await requestJson({ url: server.url, method: "GET" }, options()), 1);
    assert.equal(server.requests.length, 2, `status ${status}`);
  }
  for (const status of [400, 401, 404, 422]) {
    await using server = serve(() => new Response("no", { status }));
    const error = await rejection(requestJson({ url: server.url, method: "GET" }, options()));
    assert(error instanceof HttpError && error.status === status);
    assert.equal(server.requests.length, 1, `status ${status}`);
  }
  await using vetoed = serve(() =>
    new Response("no", { status: 503, headers: { "x-should-retry": "false" } })
  );
  await rejection(requestJson({ url: vetoed.url, method: "GET" }, options()));
  assert.equal(vetoed.requests.length, 1);
  await using quota = serve(() =>
    json({ error: { message: "No quota", type: "insufficient_quota" } }, { status: 429 })
  );
  await rejection(requestJson({ url: quota.url, method: "GET" }, options()));
  assert.equal(quota.requests.length, 1);
});

Deno.test("a Retry-After beyond the cap is not waited for", async () => {
  await using server = serve(() =>
    new Response("later", { status: 429, headers: { "retry-after": "3600" } })
  );
  const started = performance.now();
  const error = await rejection(requestJson({ url: server.url, method: "GET" }, options()));
  assert(error instanceof HttpError);
  assert.equal(error.retryAfter, 3_600_000);
  assert.equal(server.requests.length, 1);
  assert(performance.now() - started < 1000);
});

Deno.test("the wait before a retry does not count against the headers timeout", async () => {
  await using server = serve((_, __, index) =>
    index === 0 ? new Response("", { status: 503, headers: { "retry-after": "0.1" } }) : json(2)
  );
  const value = await requestJson({ url: server.url, method: "GET" }, options({ timeout: 60 }));
  assert.equal(value, 2);
});

Deno.test("the caller's abort cancels the wait before a retry and rejects with its reason", async () => {
  await using server = serve(() =>
    new Response("", { status: 503, headers: { "retry-after": "30" } })
  );
  const controller = new AbortController();
  const reason = new Error("user left");
  const pending = requestJson(
    { url: server.url, method: "GET" },
    options({ signal: controller.signal }),
  );
  await delay(30);
  controller.abort(reason);
  const started = performance.now();
  assert.equal(await rejection(pending), reason);
  assert(performance.now() - started < 100);
  assert.equal(server.requests.length, 1);
});

Deno.test("an already-aborted signal rejects with its reason without a request", async () => {
  await using server = serve(() => json(1));
  const reason = new DOMException("gone", "AbortError");
  const error = await rejection(
    requestJson({ url: server.url, method: "GET" }, options({ signal: AbortSignal.abort(reason) })),
  );
  assert.equal(error, reason);
  assert.equal(server.requests.length, 0);
});

Deno.test("the caller's abort while the server thinks rejects with the reason and reaches the server", async () => {
  await using server = serve((request, server) => server.untilAborted(request));
  const controller = new AbortController();
  const pending = requestJson(
    { url: server.url, method: "GET" },
    options({ signal: controller.signal }),
  );
  await delay(20);
  controller.abort("stop");
  assert.equal(await rejection(pending), "stop");
  await within(
    (async () => {
      while (server.abortsBeforeHeaders < 1) await delay(5);
    })(),
    1000,
    "the server to see the abort",
  );
});

Deno.test("connection failures are retried, and the error never shows the API key in the URL", async () => {
  const key = "AIzaSyTopSecretKey0123";
  let attempts = 0;
  const counting: typeof fetch = (input, init) => {
    attempts++;
    return fetch(input, init);
  };
  const error = await rejection(
    requestJson(
      { url: closedPortUrl(`/v1/models?key=${key}`), method: "GET", secrets: [key] },
      options({ fetch: counting }),
    ),
  );
  assert.equal(attempts, 3);
  assert(error instanceof ConnectionError, String(error));
  const seen: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) seen.push(e.message, e.stack ?? "");
  assert(!seen.join("\n").includes(key), seen.join("\n"));
  assert(seen.join("\n").includes("[redacted]"));
});

Deno.test("openRequest hands on the 2xx response with its timings and a live watchdog", async () => {
  await using server = serve((_, server) => new Response(server.body(["a", "b"])));
  const transfer = await openRequest({ url: server.url, method: "GET" }, options());
  assert.equal(transfer.response.status, 200);
  assert(transfer.timeToHeaders >= 0);
  assert.equal(await transfer.response.text(), "ab");
  transfer.watchdog.dispose();
});
