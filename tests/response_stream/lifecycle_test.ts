/**
 * The stream core's lifecycle, as a user meets it: a consumer taken but never
 * read, a stream never read at all, every way of stopping reaching `onAbort`
 * with the partial answer, and the normalized parts beside the chunks.
 */
import assert from "node:assert/strict";
import { hello, helloServer, open, type TestChunk } from "./_protocol.ts";
import { rejection, within } from "../http/_server.ts";
import { Watchdog } from "../../src/http/_watchdog.ts";
import { Ollama } from "../../src/providers/ollama/mod.ts";
import { createMockServer } from "../../src/testing/mod.ts";
import type { ContentPart } from "../../src/shared/types.ts";

Deno.test("taking textStream without reading it does not make result() wait forever", async () => {
  await using server = helloServer({ gap: 5 });
  const stream = open(server.url);
  const texts = stream.textStream; // taken, not read
  const result = await within(stream.result(), 2000, "result()");
  assert.equal(result.text, "Hello world");
  assert.equal(await within(stream.text(), 500, "text()"), "Hello world");
  // What result() read waits in the taken stream's queue: nothing is lost.
  const seen: string[] = [];
  for await (const text of texts) seen.push(text);
  assert.deepEqual(seen, ["Hel", "lo", " world"]);
});

Deno.test("taking readable without reading it: result() resolves and the chunks stay readable", async () => {
  await using server = helloServer({ gap: 5 });
  const stream = open(server.url);
  const readable = stream.readable;
  assert.equal((await within(stream.result(), 2000, "result()")).text, "Hello world");
  const reader = readable.getReader();
  const chunks: TestChunk[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  assert.deepEqual(chunks, hello);
});

Deno.test("a reader that holds the stream but does not read: result() still resolves", async (t) => {
  await t.step("readable.getReader(), no read", async () => {
    await using server = helloServer({ gap: 5 });
    const stream = open(server.url);
    const reader = stream.readable.getReader();
    assert.equal((await within(stream.result(), 2000, "result()")).text, "Hello world");
    const chunks: TestChunk[] = [];
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      chunks.push(read.value);
    }
    assert.deepEqual(chunks, hello);
  });
  await t.step("tee(), neither branch read", async () => {
    await using server = helloServer({ gap: 5 });
    const stream = open(server.url);
    const [a, b] = stream.tee();
    assert.equal((await within(stream.result(), 2000, "result()")).text, "Hello world");
    const seen: TestChunk[][] = [[], []];
    await Promise.all([a, b].map(async (branch, i) => {
      for await (const chunk of branch) seen[i]!.push(chunk);
    }));
    assert.deepEqual(seen, [hello, hello]);
  });
  await t.step("textStream piped into a transform nobody reads", async () => {
    await using server = helloServer({ gap: 5 });
    const stream = open(server.url);
    const upper = stream.textStream.pipeThrough(
      new TransformStream<string, string>({ transform: (s, c) => c.enqueue(s.toUpperCase()) }),
    );
    assert.equal((await within(stream.result(), 2000, "result()")).text, "Hello world");
    let text = "";
    for await (const piece of upper) text += piece;
    assert.equal(text, "HELLO WORLD");
  });
});

Deno.test("result() while a reader is mid-stream: the reader still gets every item, in order", async () => {
  // result() makes the stream read ahead into its queue; a read the reader began comes first.
  for (let at = 0; at <= hello.length; at++) {
    for (const inFlight of [false, true]) {
      await using server = helloServer({ gap: 2 });
      const stream = open(server.url);
      const iterator = stream[Symbol.asyncIterator]();
      const chunks: TestChunk[] = [];
      for (let i = 0; i < at; i++) {
        const read = await iterator.next();
        if (!read.done) chunks.push(read.value);
      }
      const next = inFlight ? iterator.next() : undefined;
      const result = await within(stream.result(), 2000, "result()");
      if (next !== undefined) {
        const read = await next;
        if (!read.done) chunks.push(read.value);
      }
      for (let read = await iterator.next(); !read.done; read = await iterator.next()) {
        chunks.push(read.value);
      }
      assert.deepEqual(
        chunks,
        hello,
        `result() after ${at} reads${inFlight ? " + one in flight" : ""}`,
      );
      assert.equal(result.text, "Hello world");
    }
  }
});

Deno.test("a stream that is never read holds no timer (the process can exit)", async () => {
  // With the op sanitizer on, an idle timer re-arming itself would fail this test.
  const ollama = new Ollama({ fetch: createMockServer().fetch, idleTimeout: 50 });
  const stream = ollama.chat({ model: "m", messages: [{ role: "user", content: "Hi" }] });
  assert.equal((await stream.response).status, 200);
  await new Promise((resolve) => setTimeout(resolve, 120));
  // Left unread and uncancelled, like an unread fetch body: the sanitizer finds no timer.
  assert.equal(stream.stats.chunks, 0);
});

Deno.test("the watchdog arms the idle timer at the first read, and drops it while nobody reads", async () => {
  const watchdog = new Watchdog(
    { timeout: false, idleTimeout: 30, totalTimeout: false },
    undefined,
  );
  watchdog.headersArrived();
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(watchdog.signal.aborted, false, "no read yet: no idle timeout");
  watchdog.reading();
  watchdog.touch(); // bytes arrived; the consumer then stops reading
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(watchdog.signal.aborted, false, "a paused consumer is not the server's silence");
  watchdog.reading();
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(watchdog.signal.aborted, true, "silence while reading is");
  assert.equal((watchdog.signal.reason as Error).name, "TimeoutError");
});

Deno.test("break, cancel() and the caller's signal call onAbort with the partial answer", async () => {
  await using server = helloServer({ gap: 5 });
  for (const how of ["break", "cancel", "signal"] as const) {
    const controller = new AbortController();
    const aborted: string[] = [];
    const errors: unknown[] = [];
    const stream = open(server.url, {
      signal: controller.signal,
      onAbort: (partial) => aborted.push(partial.text),
      onError: (error) => errors.push(error),
    });
    try {
      for await (const chunk of stream) {
        if (chunk.text !== "lo") continue;
        if (how === "break") break;
        if (how === "cancel") await stream.cancel();
        else controller.abort(new Error("user stop"));
      }
    } catch (error) {
      assert.notEqual(how, "break");
      assert.equal(
        (error as Error).name,
        how === "cancel" ? "AbortError" : "Error",
        `${how}: the reader gets the caller's reason`,
      );
    }
    assert.deepEqual(aborted, ["Hello"], how);
    assert.deepEqual(errors, [], `${how}: a stop the caller asked for is not an error`);
    assert.equal(stream.partial.text, "Hello");
    await rejection(stream.result());
  }
});

Deno.test("parts: the normalized parts, from which the result is assembled", async () => {
  await using server = helloServer({ gap: 5 });
  const stream = open(server.url);
  const parts: ContentPart[] = [];
  for await (const part of stream.parts) parts.push(part);
  assert.deepEqual(parts, [
    { type: "text-delta", text: "Hel" },
    { type: "reasoning-delta", text: "hmm" },
    { type: "text-delta", text: "lo" },
    { type: "text-delta", text: " world" },
    { type: "usage", usage: { outputTokens: 3 } },
    { type: "finish", finishReason: "stop", rawFinishReason: "stop" },
  ]);
  const result = await stream.result();
  assert.equal(result.text, "Hello world");
  assert.equal(result.reasoning, "hmm");
});

Deno.test("onReasoning receives every reasoning delta", async () => {
  await using server = helloServer({ gap: 5 });
  const seen: string[] = [];
  const stream = open(server.url, { onReasoning: (text) => seen.push(text) });
  await stream.result();
  assert.deepEqual(seen, ["hmm"]);
});
