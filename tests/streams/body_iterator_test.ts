import assert from "node:assert/strict";
import { decodeJsonLines, decodeServerSentEvents } from "../../src/streams/mod.ts";
import { assertCancelled, settle, source, utf8 } from "./_chunkings.ts";

// The fused decoders' own async iterator takes items straight from the parser
// (no stream read per item). It must behave like the standard one: lock,
// release, cancel, preventCancel, errors, calls made before the last settled.

Deno.test("for await locks a decoded stream while it runs and releases it at the end", async () => {
  const stream = decodeJsonLines(source([utf8("1\n2\n")]).body);
  const seen: unknown[] = [];
  for await (const value of stream) {
    assert.ok(stream.locked, "locked inside the loop");
    seen.push(value);
  }
  assert.deepEqual(seen, [1, 2]);
  assert.ok(!stream.locked, "released after the loop");
  assert.deepEqual(await stream.getReader().read(), { done: true, value: undefined });
});

Deno.test("iterating a locked decoded stream throws a TypeError", () => {
  const stream = decodeServerSentEvents(source([utf8("data: x\n\n")]).body);
  stream.getReader();
  assert.throws(() => stream[Symbol.asyncIterator](), TypeError);
  assert.throws(() => stream.values(), TypeError);
});

Deno.test("values({ preventCancel: true }) leaves the rest of a decoded stream readable", async () => {
  const src = source([utf8("1\n2\n3\n"), utf8("4\n")]);
  const stream = decodeJsonLines(src.body);
  for await (const value of stream.values({ preventCancel: true })) {
    assert.equal(value, 1);
    break;
  }
  assert.ok(!stream.locked);
  await settle();
  assert.ok(!src.cancelled, "the body was not cancelled");
  // 2 and 3 came with 1 in the same read: nothing parsed is lost.
  assert.deepEqual(await Array.fromAsync(stream), [2, 3, 4]);
});

Deno.test("next() calls made at once on a decoded stream settle in order", async () => {
  const iterator = decodeJsonLines(source([utf8("1\n"), utf8("2\n3\n"), utf8("4\n")]).body)
    [Symbol.asyncIterator]();
  const results = await Promise.all(Array.from({ length: 6 }, () => iterator.next()));
  assert.deepEqual(results.map((result) => result.value), [1, 2, 3, 4, undefined, undefined]);
  assert.deepEqual(results.map((result) => result.done), [false, false, false, false, true, true]);
});

Deno.test("for await over a decoded stream gets the values before an error, then the error, and unlocks", async () => {
  const failure = new TypeError("network error");
  const stream = decodeJsonLines(source([utf8("1\n2\n")], { kind: "error", error: failure }).body);
  const seen: unknown[] = [];
  await assert.rejects(async () => {
    for await (const value of stream) seen.push(value);
  }, (error) => error === failure);
  assert.deepEqual(seen, [1, 2]);
  assert.ok(!stream.locked);
  await assert.rejects(stream.getReader().read(), (error) => error === failure);
});

Deno.test("an abort rejects the pending next() of a decoded stream at once and cancels the body", async () => {
  const src = source([utf8("data: a\n\n")], { kind: "hang" });
  const controller = new AbortController();
  const iterator = decodeServerSentEvents(src.body, { signal: controller.signal })
    [Symbol.asyncIterator]();
  assert.equal((await iterator.next()).value?.data, "a");
  const pending = iterator.next();
  const reason = new Error("stop");
  controller.abort(reason);
  await assert.rejects(pending, (error) => error === reason);
  assert.equal(await assertCancelled(src), reason);
});

Deno.test("an abort between reads of a decoded stream goes ahead of the values parsed already", async () => {
  const controller = new AbortController();
  const iterator = decodeJsonLines(source([utf8("1\n2\n3\n")]).body, {
    signal: controller.signal,
  })[Symbol.asyncIterator]();
  assert.equal((await iterator.next()).value, 1);
  const reason = new Error("stop");
  controller.abort(reason);
  await assert.rejects(iterator.next(), (error) => error === reason);
});
