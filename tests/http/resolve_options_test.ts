import assert from "node:assert/strict";
import { resolveOptions } from "../../src/http/_resolve_options.ts";
import {
  DEFAULT_IDLE_TIMEOUT,
  DEFAULT_MAX_RETRIES,
  DEFAULT_RETRY_DELAY,
  DEFAULT_TIMEOUT,
} from "../../src/http/request_options.ts";

Deno.test("resolveOptions applies the defaults", () => {
  const resolved = resolveOptions({});
  assert.equal(resolved.timeout, DEFAULT_TIMEOUT);
  assert.equal(resolved.idleTimeout, DEFAULT_IDLE_TIMEOUT);
  assert.equal(resolved.totalTimeout, false);
  assert.equal(resolved.maxRetries, DEFAULT_MAX_RETRIES);
  assert.equal(resolved.maxRetries, 2);
  assert.equal(resolved.retryDelay, DEFAULT_RETRY_DELAY);
  assert.equal(resolved.signal, undefined);
  assert.equal(resolved.fetch, globalThis.fetch);
});

Deno.test("resolveOptions lets the call win over the client, false included", () => {
  const clientController = new AbortController();
  const callController = new AbortController();
  const clientSignal = clientController.signal;
  const callSignal = callController.signal;
  const clientFetch = () => Promise.resolve(new Response());
  const callFetch = () => Promise.resolve(new Response());
  const resolved = resolveOptions(
    {
      signal: clientSignal,
      timeout: 10,
      idleTimeout: 20,
      totalTimeout: 30,
      maxRetries: 5,
      retryDelay: 7,
      fetch: clientFetch,
    },
    {
      signal: callSignal,
      timeout: false,
      idleTimeout: 200,
      totalTimeout: false,
      maxRetries: 0,
      retryDelay: 0,
      fetch: callFetch,
    },
  );
  // Both signals count: either one aborts the request, with its own reason.
  assert.ok(resolved.signal && resolved.signal !== callSignal && resolved.signal !== clientSignal);
  const reason = new Error("call aborted");
  callController.abort(reason);
  assert.equal(resolved.signal.reason, reason);
  assert.equal(resolved.timeout, false);
  assert.equal(resolved.idleTimeout, 200);
  assert.equal(resolved.totalTimeout, false);
  assert.equal(resolved.maxRetries, 0);
  assert.equal(resolved.retryDelay, 0);
  assert.equal(resolved.fetch, callFetch);
  // Client options apply where the call is silent.
  const inherited = resolveOptions({ signal: clientSignal, totalTimeout: 30 }, {});
  assert.equal(inherited.signal, clientSignal);
  assert.equal(inherited.totalTimeout, 30);
});

Deno.test("resolveOptions merges headers: base, then client, then call", () => {
  const resolved = resolveOptions(
    { headers: { "x-a": "client", "x-b": "client" } },
    { headers: [["x-b", "call"]] },
    { "x-a": "base", "x-c": "base", "content-type": "application/json" },
  );
  assert.deepEqual(Object.fromEntries(resolved.headers), {
    "content-type": "application/json",
    "x-a": "client",
    "x-b": "call",
    "x-c": "base",
  });
});

Deno.test("resolveOptions rejects impossible values with the value in the message", () => {
  assert.throws(() => resolveOptions({ timeout: 0 }), /timeout must be .*: received 0/);
  assert.throws(() => resolveOptions({}, { idleTimeout: -1 }), RangeError);
  assert.throws(() => resolveOptions({}, { totalTimeout: Number.NaN }), /received NaN/);
  assert.throws(() => resolveOptions({}, { timeout: 2 ** 31 }), RangeError);
  assert.throws(() => resolveOptions({ maxRetries: 1.5 }), /maxRetries .*: received 1.5/);
  assert.throws(() => resolveOptions({ maxRetries: -1 }), RangeError);
  assert.throws(() => resolveOptions({ retryDelay: -1 }), /retryDelay .*: received -1/);
});
