import assert from "node:assert/strict";
import {
  backoff,
  isRetryableStatus,
  MAX_RETRY_AFTER,
  parseRetryAfter,
  sleep,
} from "../../src/http/_retry.ts";

const headers = (init: Record<string, string>) => new Headers(init);

Deno.test("parseRetryAfter reads seconds, fractional seconds included", () => {
  assert.equal(parseRetryAfter(headers({ "retry-after": "2" })), 2000);
  assert.equal(parseRetryAfter(headers({ "retry-after": "0.05" })), 50);
  assert.equal(parseRetryAfter(headers({ "retry-after": "0" })), 0);
});

Deno.test("parseRetryAfter reads an HTTP date relative to now", () => {
  const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
  const after = headers({ "retry-after": "Wed, 21 Oct 2015 07:28:30 GMT" });
  assert.equal(parseRetryAfter(after, now), 30_000);
  const past = headers({ "retry-after": "Wed, 21 Oct 2015 07:27:00 GMT" });
  assert.equal(parseRetryAfter(past, now), 0);
});

Deno.test("parseRetryAfter prefers retry-after-ms", () => {
  assert.equal(parseRetryAfter(headers({ "retry-after-ms": "150", "retry-after": "9" })), 150);
  assert.equal(parseRetryAfter(headers({ "retry-after-ms": "12.5" })), 12.5);
  // An unusable retry-after-ms falls back to Retry-After.
  assert.equal(parseRetryAfter(headers({ "retry-after-ms": "soon", "retry-after": "1" })), 1000);
});

Deno.test("parseRetryAfter ignores missing, negative and unparsable values", () => {
  assert.equal(parseRetryAfter(headers({})), undefined);
  assert.equal(parseRetryAfter(headers({ "retry-after": "" })), undefined);
  assert.equal(parseRetryAfter(headers({ "retry-after": "-1" })), undefined);
  assert.equal(parseRetryAfter(headers({ "retry-after": "tomorrow-ish" })), undefined);
  assert.equal(parseRetryAfter(headers({ "retry-after-ms": "-5" })), undefined);
});

Deno.test("backoff doubles per attempt, caps at 16 times the base and jitters down by at most 25 %", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map((n) => backoff(n, 100, () => 0)), [
    100,
    200,
    400,
    800,
    1600,
    1600,
    1600,
  ]);
  assert.equal(backoff(0, 100, () => 1), 75);
  for (let i = 0; i < 100; i++) {
    const wait = backoff(2, 100);
    assert(wait >= 300 && wait <= 400, `${wait}`);
  }
});

Deno.test("isRetryableStatus retries 408, 409, 429 and 5xx only", () => {
  const retryable = [408, 409, 429, 500, 502, 503, 504, 529].filter(isRetryableStatus);
  assert.deepEqual(retryable, [408, 409, 429, 500, 502, 503, 504, 529]);
  assert.deepEqual([400, 401, 403, 404, 413, 422].filter(isRetryableStatus), []);
  assert.equal(MAX_RETRY_AFTER, 60_000);
});

Deno.test("sleep resolves after the wait", async () => {
  const started = performance.now();
  await sleep(20, new AbortController().signal);
  assert(performance.now() - started >= 15);
});

Deno.test("sleep rejects with the signal's reason at once and clears its timer", async () => {
  const controller = new AbortController();
  const reason = new Error("stop");
  const waiting = sleep(60_000, controller.signal);
  controller.abort(reason);
  await assert.rejects(waiting, (error) => error === reason);
  await assert.rejects(sleep(10, controller.signal), (error) => error === reason);
});
