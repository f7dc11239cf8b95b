/**
 * Cancellation reaches the network: a `break`, a `reader.cancel()`, a caller's
 * abort and a timeout on a decoded, fetched stream each close the HTTP
 * request, and the test server confirms it saw the close.
 *
 * @module
 */

import { decodeJsonLines, decodeServerSentEvents } from "../../src/streams/mod.ts";
import {
  assert,
  assertEquals,
  assertErrorLike,
  assertRejects,
  test,
  type TestContext,
} from "./harness.ts";
import { assertServerSawClose, fetchBody, iterate, observed } from "./_helpers.ts";

function eventsUrl(
  ctx: TestContext,
  id: string,
  format: "sse" | "ndjson" = "sse",
): string {
  return ctx.url(`events?id=${encodeURIComponent(id)}&format=${format}`);
}

test("a break out of iterating decoded SSE closes the HTTP request", async (ctx) => {
  const id = ctx.id("break-sse");
  const events = decodeServerSentEvents(await fetchBody(eventsUrl(ctx, id)));
  let seen = 0;
  for await (const event of iterate(events)) {
    assertEquals(event.event, "message");
    if (++seen === 3) break;
  }
  assertEquals(seen, 3, "events read before the break");
  await assertServerSawClose(ctx.baseUrl, id);
});

test("a break out of iterating decoded NDJSON closes the HTTP request", async (ctx) => {
  const id = ctx.id("break-ndjson");
  const values = decodeJsonLines(await fetchBody(eventsUrl(ctx, id, "ndjson")));
  let seen = 0;
  for await (const value of iterate(values)) {
    assertEquals(value, { index: seen, text: `token ${seen}` });
    if (++seen === 3) break;
  }
  await assertServerSawClose(ctx.baseUrl, id);
});

test("a break out of a native for await on a decoded stream closes the HTTP request", async (ctx) => {
  if (!(Symbol.asyncIterator in ReadableStream.prototype)) {
    ctx.skip("ReadableStream has no [Symbol.asyncIterator] here");
  }
  const id = ctx.id("break-native");
  const events = decodeServerSentEvents(await fetchBody(eventsUrl(ctx, id)));
  let seen = 0;
  for await (const _event of events as unknown as AsyncIterable<unknown>) {
    if (++seen === 2) break;
  }
  await assertServerSawClose(ctx.baseUrl, id);
});

test("reader.cancel() on a decoded stream closes the HTTP request", async (ctx) => {
  const id = ctx.id("reader-cancel");
  const reader = decodeJsonLines(await fetchBody(eventsUrl(ctx, id, "ndjson")))
    .getReader();
  assertEquals((await reader.read()).value, { index: 0, text: "token 0" });
  assertEquals((await reader.read()).value, { index: 1, text: "token 1" });
  await reader.cancel(new Error("no more"));
  // Compared field by field: workerd answers `{ done: true }` with no `value` key.
  const after = await reader.read();
  assert(
    after.done && after.value === undefined,
    "a read after the cancel is done",
  );
  await assertServerSawClose(ctx.baseUrl, id);
});

test("stream.cancel() on an unread decoded stream closes the HTTP request", async (ctx) => {
  const id = ctx.id("stream-cancel");
  const events = decodeServerSentEvents(await fetchBody(eventsUrl(ctx, id)));
  await events.cancel();
  await assertServerSawClose(ctx.baseUrl, id);
});

test("a caller's abort on the decoder's signal rejects with the reason and closes the request", async (ctx) => {
  const id = ctx.id("decoder-abort");
  const controller = new AbortController();
  const events = decodeServerSentEvents(await fetchBody(eventsUrl(ctx, id)), {
    signal: controller.signal,
  });
  const reader = events.getReader();
  assertEquals(
    (await reader.read()).value?.data,
    '{"index":0,"text":"token 0"}',
  );
  const pending = reader.read().then(() => reader.read());
  controller.abort(new RangeError("user stopped"));
  const error = await assertRejects(pending, "a read after the abort");
  assertErrorLike(error, "RangeError", "user stopped");
  await assertServerSawClose(ctx.baseUrl, id);
});

test("an already aborted decoder signal rejects the first read and closes the request", async (ctx) => {
  const id = ctx.id("pre-aborted");
  const values = decodeJsonLines(
    await fetchBody(eventsUrl(ctx, id, "ndjson")),
    {
      signal: AbortSignal.abort(new TypeError("aborted before start")),
    },
  );
  const error = await assertRejects(
    values.getReader().read(),
    "the first read",
  );
  assertErrorLike(error, "TypeError", "aborted before start");
  await assertServerSawClose(ctx.baseUrl, id);
});

test("a caller's abort on fetch errors the decoded stream and closes the request", async (ctx) => {
  const id = ctx.id("fetch-abort");
  const controller = new AbortController();
  const body = await fetchBody(eventsUrl(ctx, id, "ndjson"), {
    signal: controller.signal,
  });
  const reader = decodeJsonLines(body).getReader();
  assertEquals((await reader.read()).value, { index: 0, text: "token 0" });
  controller.abort(new RangeError("user stopped fetch"));
  const error = await assertRejects(
    (async () => {
      while (!(await reader.read()).done) { /* drain what already arrived */ }
    })(),
    "reading after the fetch was aborted",
  );
  assert(error !== undefined, "the stream errored");
  await assertServerSawClose(ctx.baseUrl, id);
});

test("an idle stall ends with the decoder's AbortSignal.timeout and closes the request", async (ctx) => {
  const id = ctx.id("stall-decoder");
  const signal = AbortSignal.timeout(200);
  const started = Date.now();
  const url = ctx.url(`stall?id=${encodeURIComponent(id)}&chunks=2`);
  const reader = decodeServerSentEvents(await fetchBody(url), { signal })
    .getReader();
  assertEquals((await reader.read()).value?.id, "0");
  assertEquals((await reader.read()).value?.id, "1");
  const error = await assertRejects(reader.read(), "the read during the stall");
  const elapsed = Date.now() - started;
  assertErrorLike(error, "TimeoutError");
  assert(elapsed < 2000, `the timeout ended the stall promptly: ${elapsed} ms`);
  await assertServerSawClose(ctx.baseUrl, id);
});

test("an idle stall ends with fetch's AbortSignal.timeout and closes the request", async (ctx) => {
  const id = ctx.id("stall-fetch");
  const started = Date.now();
  const url = ctx.url(
    `stall?id=${encodeURIComponent(id)}&chunks=1&format=ndjson`,
  );
  const body = await fetchBody(url, { signal: AbortSignal.timeout(200) });
  const reader = decodeJsonLines(body).getReader();
  assertEquals((await reader.read()).value, { index: 0, text: "token 0" });
  const error = await assertRejects(reader.read(), "the read during the stall");
  const elapsed = Date.now() - started;
  assert(error !== undefined, "the stream errored");
  assert(elapsed < 2000, `the timeout ended the stall promptly: ${elapsed} ms`);
  await assertServerSawClose(ctx.baseUrl, id);
});

test("a stream read to its end is seen by the server as completed, not closed early", async (ctx) => {
  const id = ctx.id("complete");
  const body = await fetchBody(
    ctx.url(`testdata/ollama/chat-tools.ndjson?id=${id}&seed=5`),
  );
  const reader = decodeJsonLines(body).getReader();
  while (!(await reader.read()).done) { /* read it all */ }
  assertEquals(await observed(ctx.baseUrl, id), "completed");
});

test("an HTTP error's JSON body is readable (CORS included)", async (ctx) => {
  const response = await fetch(ctx.url("error/404?model=llama9"));
  assertEquals(response.status, 404);
  assertEquals(response.ok, false);
  assertEquals(await response.json(), { error: "model 'llama9' not found" });
});
