import assert from "node:assert/strict";
import { Watchdog } from "../../src/http/_watchdog.ts";
import { TimeoutError } from "../../src/errors/timeout_error.ts";
import { delay } from "./_server.ts";

const timeouts = (
  idle: number | false,
  headers: number | false = false,
  total: number | false = false,
) => ({
  timeout: headers,
  idleTimeout: idle,
  totalTimeout: total,
});

Deno.test("Watchdog fires 'headers' while waiting for headers", async () => {
  const watchdog = new Watchdog(timeouts(false, 20), undefined);
  watchdog.awaitHeaders();
  await delay(40);
  assert(watchdog.signal.aborted);
  const reason = watchdog.signal.reason;
  assert(reason instanceof TimeoutError && reason.phase === "headers" && reason.ms === 20);
});

Deno.test("Watchdog counts only the time spent waiting on a read against the idle timeout", async () => {
  const watchdog = new Watchdog(timeouts(30), undefined);
  watchdog.headersArrived();
  watchdog.touch(); // Bytes arrived; the consumer is away.
  await delay(70);
  assert(!watchdog.signal.aborted, "a slow consumer is not the server's silence");
  watchdog.reading();
  await delay(15);
  watchdog.touch(); // Bytes arrived in time.
  watchdog.reading();
  await delay(60);
  assert(watchdog.signal.aborted);
  const reason = watchdog.signal.reason;
  assert(reason instanceof TimeoutError && reason.phase === "idle");
});

Deno.test("Watchdog stops a read that waited the idle timeout, never sooner; reads that end in time keep it going", async () => {
  const watchdog = new Watchdog(timeouts(40), undefined);
  watchdog.headersArrived();
  // Reads that end well within the timeout, for longer than the timeout in all.
  for (let i = 0; i < 6; i++) {
    watchdog.reading();
    await delay(10);
    watchdog.touch();
  }
  assert(!watchdog.signal.aborted, "every read ended in time");
  watchdog.reading();
  await delay(30);
  assert(!watchdog.signal.aborted, "a read that waited less than the timeout");
  await delay(150);
  assert(watchdog.signal.aborted);
  const reason = watchdog.signal.reason;
  assert(reason instanceof TimeoutError && reason.phase === "idle" && reason.ms === 40);
});

Deno.test("Watchdog's total timeout runs from construction, across attempts", async () => {
  const watchdog = new Watchdog(timeouts(false, 1000, 30), undefined);
  watchdog.awaitHeaders();
  watchdog.betweenAttempts();
  await delay(50);
  assert.equal((watchdog.signal.reason as TimeoutError).phase, "total");
});

Deno.test("betweenAttempts stops the headers timer until the next attempt re-arms it", async () => {
  const watchdog = new Watchdog(timeouts(false, 20), undefined);
  watchdog.awaitHeaders();
  watchdog.betweenAttempts();
  await delay(40);
  assert(!watchdog.signal.aborted);
  watchdog.awaitHeaders();
  await delay(40);
  assert.equal((watchdog.signal.reason as TimeoutError).phase, "headers");
});

Deno.test("Watchdog follows the caller's signal with its reason, and forgets it on dispose", () => {
  const caller = new AbortController();
  const watchdog = new Watchdog(timeouts(10, 10, 10), caller.signal);
  caller.abort("bye");
  assert.equal(watchdog.signal.reason, "bye");
  const pre = new Watchdog(timeouts(10), AbortSignal.abort("early"));
  assert.equal(pre.signal.reason, "early");
  const other = new AbortController();
  const disposed = new Watchdog(timeouts(10, 10, 10), other.signal);
  disposed.awaitHeaders();
  disposed.dispose();
  other.abort("late");
  disposed.abort("ignored");
  assert(!disposed.signal.aborted, "a disposed watchdog leaves the request alone");
});

Deno.test("a read of a request that already ended arms no timer (the sanitizer sees none left)", () => {
  const watchdog = new Watchdog(
    { ...timeouts(1_000, 1_000, 5_000), firstTokenTimeout: 1_000 },
    undefined,
  );
  watchdog.awaitFirstToken();
  watchdog.headersArrived();
  watchdog.dispose(); // The consumer cancelled while the first frame was being read.
  watchdog.reading();
  watchdog.touch();
  assert(!watchdog.signal.aborted);
});
