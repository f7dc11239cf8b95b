/**
 * The response stream against a local server, through a tiny test protocol:
 * consumers, callbacks, stats, errors with partial results, and every way of
 * stopping early reaching the server.
 */
import assert from "node:assert/strict";
import { events, hello, helloServer, lines, open, type TestChunk } from "./_protocol.ts";
import { delay, rejection, serve, type TestServer, within } from "../http/_server.ts";
import { HttpError } from "../../src/errors/http_error.ts";
import { IncompleteStreamError } from "../../src/errors/incomplete_stream_error.ts";
import { ParseError } from "../../src/errors/parse_error.ts";
import { ProviderError } from "../../src/errors/provider_error.ts";
import { TimeoutError } from "../../src/errors/timeout_error.ts";
import { SluiceError } from "../../src/errors/sluice_error.ts";
import { iterate } from "../../src/shared/_async_iterable.ts";

const disconnect = (server: TestServer, count = 1) =>
  within(server.disconnected(count), 1000, "the server to see the disconnect");

Deno.test("the stream object is returned synchronously and is not thenable", async () => {
  await using server = helloServer();
  const stream = open(server.url);
  assert.equal((stream as unknown as { then?: unknown }).then, undefined);
  assert.equal(await stream, stream, "awaiting it gives the stream itself");
  const info = await stream.response;
  assert.equal(info.status, 200);
  assert.equal(info.headers.get("content-type"), "application/x-ndjson");
  assert.equal(info.url, server.url + "/");
  assert.equal(await stream.text(), "Hello world");
});

Deno.test("for await yields every chunk; result() and stats follow", async () => {
  await using server = helloServer();
  const stream = open(server.url);
  const chunks: TestChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.deepEqual(chunks, hello);
  const result = await stream.result();
  assert.deepEqual(result, {
    text: "Hello world",
    reasoning: "hmm",
    toolCalls: [],
    finishReason: "stop",
    rawFinishReason: "stop",
    usage: { outputTokens: 3 },
    lastChunk: { done: true, tokens: 3 },
  });
  const stats = stream.stats;
  assert.equal(stats.chunks, 5);
  assert.equal(stats.bytes, lines(...hello).join("").length);
  assert.equal(stats.outputTokens, 3);
  assert(stats.timeToHeaders! > 0);
  assert(stats.timeToFirstToken! >= stats.timeToHeaders!);
  assert(stats.duration! >= stats.timeToFirstToken!);
  assert(stats.tokensPerSecond! > 0);
  stats.chunks = 99;
  assert.equal(stream.stats.chunks, 5, "stats is a snapshot");
});

Deno.test("textStream yields the non-empty text deltas; SSE framing works the same", async () => {
  await using server = serve((_, server) =>
    new Response(server.body([...events(...hello), "data: [DONE]\n\n"]))
  );
  const stream = open(server.url, { framing: "sse" });
  const texts: string[] = [];
  for await (const text of stream.textStream) texts.push(text);
  assert.deepEqual(texts, ["Hel", "lo", " world"]);
  assert.equal((await stream.result()).text, "Hello world");
});

Deno.test("iteration works where ReadableStream.prototype lacks Symbol.asyncIterator", async () => {
  const proto = ReadableStream.prototype as unknown as Record<symbol, unknown>;
  const original = Object.getOwnPropertyDescriptor(proto, Symbol.asyncIterator);
  assert(original, "this runtime has the iterator; the test removes it");
  await using server = helloServer();
  delete proto[Symbol.asyncIterator];
  try {
    assert(!(Symbol.asyncIterator in new ReadableStream()));
    const texts: string[] = [];
    for await (const text of open(server.url).textStream) texts.push(text);
    assert.deepEqual(texts, ["Hel", "lo", " world"]);
    const chunks: TestChunk[] = [];
    for await (const chunk of open(server.url).readable) chunks.push(chunk);
    assert.deepEqual(chunks, hello);
    let count = 0;
    for await (const _ of open(server.url)) count++;
    assert.equal(count, 5);
    const [a, b] = open(server.url).tee();
    const both = await Promise.all([a, b].map(async (branch) => {
      const seen: TestChunk[] = [];
      for await (const chunk of branch) seen.push(chunk);
      return seen;
    }));
    assert.deepEqual(both, [hello, hello]);
  } finally {
    Object.defineProperty(proto, Symbol.asyncIterator, original);
  }
  assert(Symbol.asyncIterator in new ReadableStream());
});

Deno.test("iterate() reads with a reader and cancels on an early exit", async () => {
  let cancelled: unknown = "not called";
  const source = new ReadableStream<number>({
    start(controller) {
      controller.enqueue(1);
      controller.enqueue(2);
    },
    cancel(reason) {
      cancelled = reason;
    },
  });
  for await (const value of iterate(source)) {
    assert.equal(value, 1);
    break;
  }
  assert.equal(cancelled, undefined);
});

Deno.test("callbacks and a handler object receive the stream, which runs by itself", async () => {
  await using server = helloServer();
  const seen: string[] = [];
  const handler = {
    label: "handler",
    onText(this: { label: string }, text: string) {
      seen.push(`${this.label}:${text}`);
    },
  };
  const finished = Promise.withResolvers<string>();
  const stream = open(server.url, {
    onChunk: (chunk) => seen.push(`chunk:${JSON.stringify(chunk)}`),
    onText: (text) => seen.push(`text:${text}`),
    onFinish: (result) => finished.resolve(result.text),
    handler,
  });
  assert.equal(await within(finished.promise, 1000, "onFinish"), "Hello world");
  assert.deepEqual(seen.filter((s) => !s.startsWith("chunk:")), [
    "text:Hel",
    "handler:Hel",
    "text:lo",
    "handler:lo",
    "text: world",
    "handler: world",
  ]);
  assert.equal(seen.filter((s) => s.startsWith("chunk:")).length, 5);
  assert.equal((await stream.result()).text, "Hello world");
});

Deno.test("a throwing callback is reported, never into the stream nor onError", async () => {
  await using server = helloServer();
  const reported: unknown[] = [];
  const listener = (event: ErrorEvent) => {
    event.preventDefault();
    reported.push(event.error);
  };
  globalThis.addEventListener("error", listener);
  try {
    const errors: unknown[] = [];
    const finished: unknown[] = [];
    const boom = new Error("callback bug");
    const stream = open(server.url, {
      onText: () => {
        throw boom;
      },
      onError: (error) => errors.push(error),
      onFinish: (result) => finished.push(result.text),
    });
    assert.equal(await stream.text(), "Hello world");
    assert.deepEqual(reported, [boom, boom, boom]);
    assert.deepEqual(errors, [], "onError is for the stream's failure only");
    assert.deepEqual(finished, ["Hello world"]);
  } finally {
    globalThis.removeEventListener("error", listener);
  }
});

Deno.test("a throwing onFinish goes to reportError, not to onError", async () => {
  await using server = helloServer();
  const reported: unknown[] = [];
  const listener = (event: ErrorEvent) => {
    event.preventDefault();
    reported.push(event.error);
  };
  globalThis.addEventListener("error", listener);
  try {
    const bad = new Error("bad onFinish");
    let errors = 0;
    const stream = open(server.url, {
      onFinish: () => {
        throw bad;
      },
      onError: () => errors++,
    });
    assert.equal(await stream.text(), "Hello world");
    assert.deepEqual(reported, [bad]);
    assert.equal(errors, 0);
  } finally {
    globalThis.removeEventListener("error", listener);
  }
});

Deno.test("a second consumer gets a TypeError that says how to read twice", async () => {
  await using server = helloServer();
  const stream = open(server.url);
  const readable = stream.readable;
  const message = {
    name: "TypeError",
    message:
      "The stream is already being read (by readable): read it once, or use tee() for two readers",
  };
  assert.throws(() => stream.textStream, TypeError);
  assert.throws(() => stream[Symbol.asyncIterator](), message);
  assert.throws(() => stream.tee(), message);
  assert.throws(() => stream.toResponse(), message);
  // result() and text() wait for the reader instead.
  const result = stream.result();
  let count = 0;
  for await (const _ of readable) count++;
  assert.equal(count, 5);
  assert.equal((await result).text, "Hello world");
});

Deno.test("tee() gives two independent streams of chunks", async () => {
  await using server = helloServer();
  const [a, b] = open(server.url).tee();
  const readAll = async (stream: ReadableStream<TestChunk>) => {
    const chunks: TestChunk[] = [];
    for await (const chunk of stream as AsyncIterable<TestChunk>) chunks.push(chunk);
    return chunks;
  };
  assert.deepEqual(await Promise.all([readAll(a), readAll(b)]), [hello, hello]);
});

Deno.test("toResponse() writes SSE, NDJSON or plain text", async () => {
  await using server = helloServer();
  const sse = await open(server.url).toResponse({ headers: { "x-extra": "1" } });
  assert.equal(sse.headers.get("content-type"), "text/event-stream; charset=utf-8");
  assert.equal(sse.headers.get("cache-control"), "no-cache");
  assert.equal(sse.headers.get("x-extra"), "1");
  assert.equal(
    await sse.text(),
    hello.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join("") + "data: [DONE]\n\n",
  );
  const ndjson = await open(server.url).toResponse({ format: "ndjson" });
  assert.equal(ndjson.headers.get("content-type"), "application/x-ndjson; charset=utf-8");
  assert.equal(await ndjson.text(), lines(...hello).join(""));
  const text = await open(server.url).toResponse({ format: "text" });
  assert.equal(text.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(await text.text(), "Hello world");
});

Deno.test("toResponse() writes a mid-stream error as a last event", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(lines({ text: "a" }, { error: "Overloaded" })))
  );
  const sse = await (await open(server.url).toResponse()).text();
  assert.equal(
    sse,
    'data: {"text":"a"}\n\nevent: error\ndata: {"error":{"type":"ProviderError","message":"Overloaded"}}\n\n',
  );
  const ndjson = await (await open(server.url).toResponse({ format: "ndjson" })).text();
  assert.equal(
    ndjson,
    '{"text":"a"}\n{"error":{"type":"ProviderError","message":"Overloaded"}}\n',
  );
});

Deno.test("toResponse() through a proxy: the browser leaving aborts the upstream request", async () => {
  await using upstream = serve((_, server) =>
    new Response(server.body(lines({ text: "a" }, { text: "b" }), { end: "stall" }))
  );
  await using proxy = serve(() => open(upstream.url).toResponse({ format: "ndjson" }));
  const response = await fetch(proxy.url);
  const reader = response.body!.getReader();
  const first = await reader.read();
  assert.equal(new TextDecoder().decode(first.value), '{"text":"a"}\n');
  await reader.cancel();
  await disconnect(upstream);
});

Deno.test("toResponse(): cancelling its body cancels the upstream request", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(lines({ text: "a" }), { end: "stall" }))
  );
  const stream = open(server.url);
  const reader = (await stream.toResponse({ format: "text" })).body!.getReader();
  assert.equal(new TextDecoder().decode((await reader.read()).value), "a");
  await reader.cancel();
  await disconnect(server);
  assert.equal((await rejection(stream.result()) as Error).name, "AbortError");
});

Deno.test("break out of for await aborts the request", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(lines({ text: "a" }), { end: "stall" }))
  );
  const stream = open(server.url);
  for await (const chunk of stream) {
    assert.deepEqual(chunk, { text: "a" });
    break;
  }
  await disconnect(server);
  const error = await rejection(stream.result());
  assert(error instanceof DOMException && error.name === "AbortError");
  assert.equal(stream.partial.text, "a", "partial keeps what came before the break");
});

Deno.test("break out of textStream aborts the request", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(lines({ text: "a" }), { end: "stall" }))
  );
  for await (const _ of open(server.url).textStream) break;
  await disconnect(server);
});

Deno.test("cancel() aborts the request; a waiting reader and result() get the reason", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(lines({ text: "a" }), { end: "stall" }))
  );
  const stream = open(server.url);
  const chunks: TestChunk[] = [];
  const reason = new Error("enough");
  const reading = (async () => {
    for await (const chunk of stream) {
      chunks.push(chunk);
      setTimeout(() => stream.cancel(reason), 10);
    }
  })();
  assert.equal(await rejection(reading), reason);
  assert.equal(await rejection(stream.result()), reason);
  assert.equal(reason instanceof SluiceError, false);
  assert.deepEqual(chunks, [{ text: "a" }]);
  await disconnect(server);
});

Deno.test("cancel() before the headers aborts the request; response rejects too", async () => {
  await using server = serve((request, server) => server.untilAborted(request));
  const stream = open(server.url);
  await delay(20);
  await stream.cancel();
  const error = await rejection(stream.response);
  assert(error instanceof DOMException && error.name === "AbortError");
  assert.equal(await rejection(stream.result()), error);
  while (server.abortsBeforeHeaders < 1) await delay(5);
});

Deno.test("leaving an await using block aborts the request", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(lines({ text: "a" }), { end: "stall" }))
  );
  let kept: ReturnType<typeof open>;
  {
    await using stream = open(server.url);
    kept = stream;
    const reader = stream.readable.getReader();
    assert.deepEqual((await reader.read()).value, { text: "a" });
    reader.releaseLock();
  }
  await disconnect(server);
  assert.equal((await rejection(kept.result()) as Error).name, "AbortError");
  // Disposing a finished stream is a no-op.
  await using done = helloServer();
  const finished = open(done.url);
  await finished.text();
  await finished[Symbol.asyncDispose]();
  assert.equal((await finished.result()).text, "Hello world");
});

Deno.test("the caller's abort rejects with its reason (no partial on it) and reaches the server", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(lines({ text: "a" }), { end: "stall" }))
  );
  const controller = new AbortController();
  const reason = new SluiceError("caller gave up");
  const stream = open(server.url, { signal: controller.signal });
  const chunks: TestChunk[] = [];
  const error = await rejection((async () => {
    for await (const chunk of stream) {
      chunks.push(chunk);
      controller.abort(reason);
    }
  })());
  assert.equal(error, reason);
  assert.equal(reason.partial, undefined, "the caller's reason is not mutated");
  assert.deepEqual(chunks, [{ text: "a" }]);
  assert.equal(stream.partial.text, "a", "the stream's partial has the answer so far");
  await disconnect(server);
});

Deno.test("stalled headers: TimeoutError 'headers' on the read and on response", async () => {
  await using server = serve((request, server) => server.untilAborted(request));
  const stream = open(server.url, { timeout: 40 });
  const error = await rejection(stream.text());
  assert(error instanceof TimeoutError && error.phase === "headers");
  assert.equal(error.partial?.text, "", "an error always carries a partial, empty here");
  assert.equal(await rejection(stream.response), error);
  while (server.abortsBeforeHeaders < 1) await delay(5);
  assert.equal(server.requests.length, 1);
});

Deno.test("a body that stalls after some chunks: TimeoutError 'idle' with the partial result", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(lines({ text: "Hel" }, { text: "lo" }), { end: "stall" }))
  );
  const stream = open(server.url, { idleTimeout: 50 });
  const started = performance.now();
  const texts: string[] = [];
  const error = await rejection((async () => {
    for await (const text of stream.textStream) texts.push(text);
  })());
  assert(error instanceof TimeoutError);
  assert.equal(error.phase, "idle");
  assert.equal(error.message, "No data for 50 ms: the idle timeout fired");
  assert.equal(error.partial?.text, "Hello");
  assert.deepEqual(texts, ["Hel", "lo"]);
  assert(performance.now() - started < 1000);
  await disconnect(server);
});

Deno.test("keep-alives re-arm the idle timeout; totalTimeout stops a keep-alive-only stream", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(events({ text: "a" }), { gap: 15, repeat: ": keep-alive\n\n" }))
  );
  const started = performance.now();
  const stream = open(server.url, { framing: "sse", idleTimeout: 50, totalTimeout: 200 });
  const error = await rejection(stream.text());
  const elapsed = performance.now() - started;
  assert(error instanceof TimeoutError, String(error));
  assert.equal(error.phase, "total", "the keep-alives kept the idle timeout from firing");
  assert.equal(error.message, "The request did not finish within 200 ms: the total timeout fired");
  assert.equal(error.partial?.text, "a");
  assert(elapsed >= 190 && elapsed < 1000, `${elapsed}`);
  assert(stream.stats.bytes > 100, "keep-alives arrived");
  await disconnect(server);
});

Deno.test("a slow consumer does not trip the idle timeout", async () => {
  await using server = helloServer();
  const stream = open(server.url, { idleTimeout: 40 });
  const texts: string[] = [];
  for await (const text of stream.textStream) {
    texts.push(text);
    await delay(90);
  }
  assert.deepEqual(texts, ["Hel", "lo", " world"]);
});

Deno.test("a consumer that starts reading late does not trip the idle timeout", async () => {
  await using server = helloServer();
  const stream = open(server.url, { idleTimeout: 40 });
  await stream.response;
  await delay(100);
  assert.equal(await stream.text(), "Hello world");
});

Deno.test("a dropped connection: IncompleteStreamError with the partial result", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(lines({ text: "Hel" }, { text: "lo" }), { end: "drop" }))
  );
  const errors: unknown[] = [];
  const stream = open(server.url, { onError: (error) => errors.push(error) });
  const error = await rejection(stream.result());
  assert(error instanceof IncompleteStreamError, String(error));
  assert.match(error.message, /^The connection broke off before the end of the stream: /);
  assert(error.cause instanceof TypeError);
  assert.equal(error.partial?.text, "Hello");
  assert.deepEqual(errors, [error]);
});

Deno.test("a body that ends without the end marker: IncompleteStreamError with the partial", async () => {
  await using server = serve((_, server) => new Response(server.body(lines({ text: "Hel" }))));
  const error = await rejection(open(server.url).text());
  assert(error instanceof IncompleteStreamError);
  assert.equal(error.message, "The stream ended before done: true");
  assert.equal(error.partial?.text, "Hel");
});

Deno.test("a 2xx response without a body ends at once instead of hanging", async () => {
  await using server = serve(() => new Response(null, { status: 204 }));
  const error = await rejection(open(server.url, { idleTimeout: 5000 }).text());
  assert(error instanceof IncompleteStreamError);
  assert.deepEqual(error.partial, {
    text: "",
    reasoning: "",
    toolCalls: [],
    usage: { outputTokens: undefined },
    lastChunk: undefined,
  });
});

Deno.test("an in-stream error: ProviderError with the partial; a bad line: ParseError", async () => {
  await using server = serve((request, server) =>
    new Response(
      server.body(
        new URL(request.url).pathname === "/error"
          ? lines({ text: "Hel" }, { error: "Overloaded" })
          : [...lines({ text: "Hel" }), "{not json\n"],
      ),
    )
  );
  const provider = await rejection(open(`${server.url}/error`).text());
  assert(provider instanceof ProviderError);
  assert.equal(provider.message, "Overloaded");
  assert.equal(provider.type, "test_error");
  assert.equal(provider.partial?.text, "Hel");
  const parse = await rejection(open(`${server.url}/parse`).text());
  assert(parse instanceof ParseError);
  assert.equal(parse.line, 2);
  assert.equal(parse.partial?.text, "Hel");
});

Deno.test("bad JSON in an SSE event: ParseError with the line number", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(['data: {"text":"a"}\n\n', "data: {oops\n\n"]))
  );
  const error = await rejection(open(server.url, { framing: "sse" }).text());
  assert(error instanceof ParseError);
  assert.equal(error.line, 4);
  assert.equal(error.message, "Cannot parse the event data ending at line 4 as JSON: '{oops'");
  assert.equal(error.partial?.text, "a");
});

Deno.test("a 429 with Retry-After: 0.05 then 200 succeeds", async () => {
  await using server = serve((_, server, index) =>
    index === 0
      ? new Response('{"error":"slow down"}', { status: 429, headers: { "retry-after": "0.05" } })
      : new Response(server.body(lines(...hello)))
  );
  assert.equal(await open(server.url).text(), "Hello world");
  assert.equal(server.requests.length, 2);
});

Deno.test("a 500 three times: HttpError after exactly maxRetries + 1 attempts", async () => {
  await using server = serve(() =>
    new Response('{"error":{"message":"Server melted","type":"server_error"}}', { status: 500 })
  );
  const errors: unknown[] = [];
  const stream = open(server.url, { onError: (error) => errors.push(error) });
  const error = await rejection(stream.result());
  assert(error instanceof HttpError);
  assert.equal(error.providerMessage, "Server melted");
  assert.equal(error.type, "server_error");
  assert.equal(server.requests.length, 3);
  assert.equal(await rejection(stream.response), error);
  assert.deepEqual(errors, [error]);
});

Deno.test("a failure after the first chunk is never retried", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(lines({ text: "a" }), { end: "drop" }))
  );
  const stream = open(server.url, { maxRetries: 5 });
  const error = await rejection(stream.text());
  assert(error instanceof IncompleteStreamError);
  assert.equal(error.partial?.text, "a");
  await delay(30);
  assert.equal(server.requests.length, 1);
});

Deno.test("a credential in the URL never reaches an IncompleteStreamError", async () => {
  const key = "sk-url-secret-123";
  const stream = open(`http://127.0.0.1:1/?key=${key}`, { secrets: [key], maxRetries: 0 });
  const error = await rejection(stream.text());
  const texts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    texts.push(e.message, e.stack ?? "");
  }
  assert(!texts.join("\n").includes(key), texts.join("\n"));
});

Deno.test("a consumer taken but never read: a failed request is no unhandled rejection", async () => {
  await using server = serve((request, server) => server.untilAborted(request));
  const stream = open(server.url);
  const readable = stream.readable;
  await delay(10);
  await stream.cancel(new Error("never mind"));
  await delay(10);
  // The error is still there for a late reader.
  assert.equal((await rejection(readable.getReader().read()) as Error).message, "never mind");
});

Deno.test("the caller's abort before the headers rejects the read and response with its reason", async () => {
  await using server = serve((request, server) => server.untilAborted(request));
  const controller = new AbortController();
  const stream = open(server.url, { signal: controller.signal });
  setTimeout(() => controller.abort("bye"), 20);
  assert.equal(await rejection(stream.text()), "bye");
  assert.equal(await rejection(stream.response), "bye");
  while (server.abortsBeforeHeaders < 1) await delay(5);
});
