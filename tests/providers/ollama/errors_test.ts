import assert from "node:assert/strict";
import { Ollama } from "../../../src/providers/ollama/mod.ts";
import type { OllamaChatResult, OllamaProgressResult } from "../../../src/providers/ollama/mod.ts";
import { HttpError } from "../../../src/errors/http_error.ts";
import { IncompleteStreamError } from "../../../src/errors/incomplete_stream_error.ts";
import { ParseError } from "../../../src/errors/parse_error.ts";
import { ProviderError } from "../../../src/errors/provider_error.ts";
import { TimeoutError } from "../../../src/errors/timeout_error.ts";
import {
  chatDone,
  chatLine,
  ndjson,
  ndjsonResponse,
  piecewise,
  signal,
  utf8,
  within,
  withServer,
} from "./_helpers.ts";

/** A chat body that sends `count` lines and then stalls, and reports the client's disconnect. */
function stallingChat(count: number, onCancel: () => void): Response {
  const lines = Array.from({ length: count }, (_, i) => chatLine(`t${i} `));
  return ndjsonResponse(piecewise(utf8(ndjson(...lines)), 7, { stall: true, onCancel }));
}

// ---------------------------------------------------------------------------
// Cancel

Deno.test("a break out of an Ollama chat stream closes the HTTP request", async () => {
  const cancelled = signal();
  await withServer(() => stallingChat(5, cancelled.resolve), async (base) => {
    const stream = new Ollama({ host: base }).chat({ model: "m", messages: [] });
    let seen = 0;
    for await (const _ of stream) if (++seen === 3) break;
    assert.equal(seen, 3);
    await within(cancelled.promise, "the server did not see the disconnect");
    await assert.rejects(stream.result(), { name: "AbortError" });
    // The answer up to the stop: at least the lines the loop saw.
    assert.ok(stream.partial.text.startsWith("t0 t1 t2 "), stream.partial.text);
  });
});

Deno.test("cancel() on an Ollama chat stream closes the HTTP request", async () => {
  const cancelled = signal();
  await withServer(() => stallingChat(2, cancelled.resolve), async (base) => {
    const stream = new Ollama({ host: base }).chat({ model: "m", messages: [] });
    const reader = stream.textStream.getReader();
    assert.equal((await reader.read()).value, "t0 ");
    await stream.cancel();
    await within(cancelled.promise, "the server did not see the disconnect");
    await assert.rejects(reader.read(), { name: "AbortError" });
    await assert.rejects(stream.result(), { name: "AbortError" });
  });
});

Deno.test("the caller's abort rejects an Ollama stream with its reason and closes the request", async () => {
  const cancelled = signal();
  await withServer(() => stallingChat(2, cancelled.resolve), async (base) => {
    const controller = new AbortController();
    const reason = new Error("user pressed stop");
    const aborted: OllamaChatResult[] = [];
    const errors: unknown[] = [];
    const stream = new Ollama({ host: base }).chat({ model: "m", messages: [] }, {
      signal: controller.signal,
      onAbort: (partial) => aborted.push(partial),
      onError: (error) => errors.push(error),
    });
    const texts: string[] = [];
    await assert.rejects(async () => {
      for await (const text of stream.textStream) {
        texts.push(text);
        if (texts.length === 2) controller.abort(reason);
      }
    }, (error) => error === reason);
    assert.deepEqual(texts, ["t0 ", "t1 "]);
    await within(cancelled.promise, "the server did not see the disconnect");
    await assert.rejects(stream.result(), (error) => error === reason);
    // A stop the caller asked for is not an error: onAbort gets the answer so far.
    assert.deepEqual(errors, []);
    assert.equal(aborted.length, 1);
    assert.equal(aborted[0]?.text, "t0 t1 ");
    assert.equal(stream.partial.text, "t0 t1 ");
  });
});

Deno.test("an abort closes an Ollama pull, and the server sees it", async () => {
  const cancelled = signal();
  const line = { status: "pulling 797b", digest: "sha256:797b", total: 100, completed: 10 };
  await withServer(
    () =>
      ndjsonResponse(
        piecewise(utf8(ndjson({ status: "pulling manifest" }, line)), 1, {
          stall: true,
          onCancel: cancelled.resolve,
        }),
      ),
    async (base) => {
      const stream = new Ollama({ host: base }).pull({ model: "m" });
      for await (const chunk of stream) {
        if (chunk.progress.total > 0) break;
      }
      await within(cancelled.promise, "the server did not see the disconnect");
    },
  );
});

// ---------------------------------------------------------------------------
// Timeouts and retries

Deno.test("a stalled Ollama stream fails with an idle TimeoutError carrying the partial answer", async () => {
  const cancelled = signal();
  await withServer(() => stallingChat(2, cancelled.resolve), async (base) => {
    const stream = new Ollama({ host: base, idleTimeout: 60 }).chat({ model: "m", messages: [] });
    const error = await stream.result().catch((e) => e);
    assert.ok(error instanceof TimeoutError);
    assert.equal(error.phase, "idle");
    assert.equal(error.ms, 60);
    assert.equal((error.partial as OllamaChatResult).text, "t0 t1 ");
    assert.equal(error.partial?.finishReason, undefined);
    await within(cancelled.promise, "the server did not see the disconnect");
  });
});

Deno.test("an Ollama stream whose headers do not come fails with a headers TimeoutError", async () => {
  const release = signal();
  await withServer(async () => {
    await release.promise;
    return ndjsonResponse(ndjson(chatDone()));
  }, async (base) => {
    const stream = new Ollama({ host: base }).chat({ model: "m", messages: [] }, { timeout: 40 });
    const error = await stream.result().catch((e) => e);
    assert.ok(error instanceof TimeoutError);
    assert.equal(error.phase, "headers");
    assert.equal(error.ms, 40);
    // Every stream error carries partial: empty when nothing arrived.
    assert.equal(error.partial?.text, "");
    assert.deepEqual(error.partial?.toolCalls, []);
    release.resolve();
  });
});

Deno.test("an Ollama 429 with Retry-After is retried and then succeeds", async () => {
  await withServer((_, __, index) => {
    if (index === 0) {
      return Response.json({ error: "rate limited" }, {
        status: 429,
        headers: { "retry-after": "0.05" },
      });
    }
    return ndjsonResponse(ndjson(chatLine("ok"), chatDone()));
  }, async (base, requests) => {
    const started = performance.now();
    const text = await new Ollama({ host: base, retryDelay: 1 }).chat({ model: "m", messages: [] })
      .text();
    assert.equal(text, "ok");
    assert.equal(requests.length, 2);
    assert.ok(performance.now() - started >= 45, "waited for Retry-After");
  });
});

Deno.test("an Ollama 503 is retried up to maxRetries, then becomes an HttpError", async () => {
  await withServer(
    () =>
      Response.json(
        { error: "server busy, please try again.  maximum pending requests exceeded" },
        { status: 503 },
      ),
    async (base, requests) => {
      const ollama = new Ollama({ host: base, retryDelay: 1, maxRetries: 2 });
      const error = await ollama.generate({ model: "m", prompt: "" }).result().catch((e) => e);
      assert.ok(error instanceof HttpError);
      assert.equal(error.status, 503);
      assert.equal(
        error.providerMessage,
        "server busy, please try again.  maximum pending requests exceeded",
      );
      assert.equal(requests.length, 3);
    },
  );
});

// ---------------------------------------------------------------------------
// HTTP errors

Deno.test("an Ollama 404 for a missing model is an HttpError that says how to pull it", async () => {
  await withServer(
    (_, seen) =>
      Response.json({
        error: seen.path === "/api/generate"
          ? 'model "llama9" not found, try pulling it first'
          : "model 'llama9' not found",
      }, { status: 404, statusText: "Not Found" }),
    async (base, requests) => {
      const ollama = new Ollama({ host: base, retryDelay: 1 });
      const error = await ollama.chat({ model: "llama9", messages: [] }).result().catch((e) => e);
      assert.ok(error instanceof HttpError);
      assert.equal(error.status, 404);
      assert.equal(error.providerMessage, "model 'llama9' not found");
      assert.equal(
        error.message,
        "HTTP 404 Not Found: model 'llama9' not found (pull it first: ollama pull llama9)",
      );
      assert.equal(error.partial?.text, "", "an empty partial: nothing arrived");
      assert.equal(requests.length, 1, "a 404 is not retried");

      const older = await ollama.generate({ model: "llama9", prompt: "x" }).text().catch((e) => e);
      assert.equal(
        older.message,
        'HTTP 404 Not Found: model "llama9" not found, try pulling it first (ollama pull llama9)',
      );
      await assert.rejects(ollama.show({ model: "llama9" }), {
        name: "HttpError",
        message: "HTTP 404 Not Found: model 'llama9' not found (pull it first: ollama pull llama9)",
      });
      await assert.rejects(
        ollama.chat({ model: "llama9", messages: [], stream: false }),
        { name: "HttpError", status: 404 },
      );
      await assert.rejects(ollama.copy({ source: "llama9", destination: "x" }), {
        name: "HttpError",
        message: "HTTP 404 Not Found: model 'llama9' not found",
      });
    },
  );
});

Deno.test("an Ollama 400 is an HttpError with Ollama's message and no credential", async () => {
  const key = "sk-ollama-0123456789abcdef";
  await withServer(
    () =>
      Response.json(
        { error: `registry.ollama.ai/library/gemma3:4b does not support tools ${key}` },
        { status: 400 },
      ),
    async (base) => {
      const ollama = new Ollama({ host: base, headers: { authorization: `Bearer ${key}` } });
      const error = await ollama.chat({ model: "gemma3:4b", messages: [], tools: [] }).result()
        .catch((e) => e);
      assert.ok(error instanceof HttpError);
      assert.equal(error.status, 400);
      assert.ok(error.message.includes("does not support tools"));
      assert.ok(!error.message.includes(key));
      assert.ok(!error.body.includes(key));
      assert.ok(!error.message.includes("ollama pull"), "no pull hint for a 400");
    },
  );
});

// ---------------------------------------------------------------------------
// Errors inside a 200 stream

Deno.test("an error line in an Ollama chat stream is a ProviderError with the partial answer", async () => {
  const body = ndjson(chatLine("Hel"), chatLine("lo"), {
    error: "model runner has unexpectedly stopped",
  });
  await withServer(() => ndjsonResponse(body), async (base) => {
    const errors: unknown[] = [];
    const stream = new Ollama({ host: base }).chat({ model: "m", messages: [] }, {
      onError: (error) => errors.push(error),
    });
    const error = await stream.result().catch((e) => e);
    assert.ok(error instanceof ProviderError);
    assert.equal(error.message, "model runner has unexpectedly stopped");
    assert.deepEqual(error.body, { error: "model runner has unexpectedly stopped" });
    assert.equal(error.partial?.text, "Hello");
    assert.deepEqual(errors, [error]);
  });
});

Deno.test("an Ollama stream that ends without done: true is an IncompleteStreamError with the partial answer", async () => {
  await withServer(
    () => ndjsonResponse(piecewise(utf8(ndjson(chatLine("The"), chatLine(" sky"))), 3)),
    async (base) => {
      const stream = new Ollama({ host: base }).chat({ model: "m", messages: [] });
      const error = await stream.text().catch((e) => e);
      assert.ok(error instanceof IncompleteStreamError);
      assert.equal(
        error.message,
        "The Ollama stream ended before its last line: no line with done: true arrived",
      );
      assert.equal(error.partial?.text, "The sky");
      assert.equal(error.partial?.finishReason, undefined);
    },
  );
});

Deno.test("an Ollama stream that ends before its first line has an empty partial answer", async () => {
  await withServer(() => ndjsonResponse(""), async (base) => {
    const error = await new Ollama({ host: base }).chat({ model: "m", messages: [] }).result()
      .catch((e) => e);
    assert.ok(error instanceof IncompleteStreamError);
    const partial = error.partial as OllamaChatResult;
    assert.ok(partial, "partial is there before the first chunk");
    assert.equal(partial.text, "");
    assert.equal(partial.reasoning, "");
    assert.deepEqual(partial.toolCalls, []);
    assert.deepEqual(partial.usage, {});
    assert.equal(partial.finishReason, undefined);
  });
});

Deno.test("a line of an Ollama stream that is not JSON is a ParseError with its line number", async () => {
  const body = ndjson(chatLine("a"), chatLine("b")) + '{"model":"m","created_at":\n' +
    ndjson(chatDone());
  await withServer(() => ndjsonResponse(body), async (base) => {
    const stream = new Ollama({ host: base }).chat({ model: "m", messages: [] });
    const error = await stream.result().catch((e) => e);
    assert.ok(error instanceof ParseError);
    assert.equal(error.line, 3);
    assert.equal(error.partial?.text, "ab");
  });
});

Deno.test("a line of an Ollama stream that is JSON but not an object is a ParseError", async () => {
  await withServer(() => ndjsonResponse(ndjson(chatLine("a"), 42)), async (base) => {
    const error = await new Ollama({ host: base }).chat({ model: "m", messages: [] }).result()
      .catch((e) => e);
    assert.ok(error instanceof ParseError);
    assert.equal(error.line, 2);
    assert.ok(error.message.includes("line 2"), error.message);
    assert.equal(error.partial?.text, "a");
  });
});

Deno.test("an error line in an Ollama pull is a ProviderError with the progress so far", async () => {
  const body = ndjson(
    { status: "pulling manifest" },
    { error: "pull model manifest: file does not exist" },
  );
  await withServer(() => ndjsonResponse(body), async (base) => {
    const error = await new Ollama({ host: base }).pull({ model: "nope" }).result().catch((e) => e);
    assert.ok(error instanceof ProviderError);
    assert.equal(error.message, "pull model manifest: file does not exist");
    const partial = error.partial as OllamaProgressResult;
    assert.equal(partial.status, "pulling manifest");
    assert.equal(partial.progress.done, false);
  });
});

Deno.test("an Ollama pull that ends without success is an IncompleteStreamError", async () => {
  const line = { status: "pulling 797b", digest: "sha256:797b", total: 100, completed: 40 };
  await withServer(
    () => ndjsonResponse(ndjson({ status: "pulling manifest" }, line)),
    async (base) => {
      const error = await new Ollama({ host: base }).pull({ model: "m" }).result().catch((e) => e);
      assert.ok(error instanceof IncompleteStreamError);
      assert.equal(
        error.message,
        'The Ollama stream ended before its last line: no status "success" arrived',
      );
      const partial = error.partial as OllamaProgressResult;
      assert.equal(partial.progress.percent, 40);
      assert.equal(partial.progress.done, false);
    },
  );
});

Deno.test("a 200 error object answering stream: false is a ProviderError", async () => {
  await withServer(() => Response.json({ error: "something odd" }), async (base) => {
    await assert.rejects(
      new Ollama({ host: base }).generate({ model: "m", prompt: "x", stream: false }),
      { name: "ProviderError", message: "something odd" },
    );
  });
});
