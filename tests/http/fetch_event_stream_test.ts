/** The generic SSE client against a local server. */
import assert from "node:assert/strict";
import { fetchEventStream } from "../../src/http/fetch_event_stream.ts";
import type { ServerSentEvent } from "../../src/streams/server_sent_event.ts";
import { ConnectionError } from "../../src/errors/connection_error.ts";
import { HttpError } from "../../src/errors/http_error.ts";
import { ParseError } from "../../src/errors/parse_error.ts";
import { SluiceError } from "../../src/errors/sluice_error.ts";
import { TimeoutError } from "../../src/errors/timeout_error.ts";
import { closedPortUrl, delay, rejection, serve, type TestServer, within } from "./_server.ts";

const SSE = { "content-type": "text/event-stream" };
const sse = (body: BodyInit | null, init: ResponseInit = {}) =>
  new Response(body, { ...init, headers: { ...SSE, ...init.headers } });

async function collect(stream: AsyncIterable<ServerSentEvent>): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const disconnect = (server: TestServer, count = 1) =>
  within(server.disconnected(count), 1000, "the server to see the disconnect");

Deno.test("fetchEventStream sends method, body and headers, and reads the events", async () => {
  await using server = serve((_, server, index) =>
    index === 0
      ? sse(server.body(["event: greet\ndata: hi\n", "data: there\nid: 7\n\n", ": note\n\n"]))
      : new Response(null, { status: 204 })
  );
  const opened: number[] = [];
  const comments: string[] = [];
  const stream = fetchEventStream(new URL("/jobs?x=1", server.url), {
    method: "POST",
    body: JSON.stringify({ follow: true }),
    headers: { "content-type": "application/json", authorization: "Bearer t0ken-abc" },
    reconnect: "always",
    retry: 1,
    onOpen: (response) => opened.push(response.status),
    onComment: (text) => comments.push(text),
  });
  assert.deepEqual(await collect(stream), [{ event: "greet", data: "hi\nthere", id: "7" }]);
  assert.deepEqual(opened, [200]);
  assert.deepEqual(comments, ["note"]);
  const [first, second] = server.requests;
  assert.equal(first?.method, "POST");
  assert.equal(first?.body, '{"follow":true}');
  assert.equal(first?.headers.get("accept"), "text/event-stream");
  assert.equal(first?.headers.get("authorization"), "Bearer t0ken-abc");
  assert.equal(first?.headers.get("last-event-id"), null);
  assert.equal(second?.body, '{"follow":true}', "the body is sent again on reconnect");
  assert.equal(second?.headers.get("last-event-id"), "7");
});

Deno.test("a dropped connection reconnects after the server's retry, sending Last-Event-ID", async () => {
  const times: number[] = [];
  await using server = serve((request, server, index) => {
    times.push(performance.now());
    if (index === 0) {
      return sse(server.body(["retry: 40\n", "id: 1\ndata: a\n\n", "id: 2\ndata: b\n\nid: 3\nda"], {
        end: "drop",
      }));
    }
    if (index === 1) {
      assert.equal(request.headers.get("last-event-id"), "2");
      // No id field: the event carries the ID reached so far.
      return sse(server.body(["data: c\n\n"]));
    }
    assert.equal(request.headers.get("last-event-id"), "2");
    return new Response(null, { status: 204 });
  });
  const reconnects: unknown[] = [];
  const stream = fetchEventStream(server.url, {
    retry: 5,
    onReconnect: (info) => reconnects.push(info),
  });
  assert.deepEqual(await collect(stream), [
    { event: "message", data: "a", id: "1" },
    { event: "message", data: "b", id: "2" },
    { event: "message", data: "c", id: "2" },
  ]);
  assert.equal(server.requests.length, 3);
  assert(times[1]! - times[0]! >= 35, "the server's retry: 40 was used");
  assert.equal(reconnects.length, 2);
  const [dropped, closed] = reconnects as {
    delay: number;
    failures: number;
    lastEventId: string;
    error: unknown;
  }[];
  assert.equal(dropped?.delay, 40);
  assert.equal(dropped?.failures, 0, "a connection that sent data is no failure");
  assert.equal(dropped?.lastEventId, "2");
  assert(dropped?.error instanceof TypeError);
  assert.deepEqual(closed, { delay: 40, failures: 0, lastEventId: "2", error: undefined });
});

Deno.test("the lastEventId option resumes the first connection; a BOM after the seed is dropped", async () => {
  await using server = serve((_, server, index) =>
    index === 0 ? sse(server.body(["\uFEFFdata: x\n\n"])) : new Response(null, { status: 204 })
  );
  const events = await collect(fetchEventStream(server.url, { lastEventId: "41", retry: 1 }));
  assert.deepEqual(events, [{ event: "message", data: "x", id: "41" }]);
  assert.equal(server.requests[0]?.headers.get("last-event-id"), "41");
  assert.equal(server.requests[1]?.headers.get("last-event-id"), "41");
});

Deno.test("HTTP 204 closes the stream normally", async () => {
  await using server = serve(() => new Response(null, { status: 204 }));
  assert.deepEqual(await collect(fetchEventStream(server.url)), []);
  assert.equal(server.requests.length, 1);
});

Deno.test("a response that is not text/event-stream stops with a clear SluiceError", async () => {
  await using server = serve((_, server) =>
    // The body stalls: only the client's cancel ends it, so the server surely sees it.
    new Response(server.body(['{"a":1}'], { end: "stall" }), {
      headers: { "content-type": "application/json" },
    })
  );
  const error = await rejection(collect(fetchEventStream(server.url)));
  assert(error instanceof SluiceError);
  assert.equal(
    error.message,
    "Expected a text/event-stream response: received content type 'application/json'",
  );
  assert.equal(server.requests.length, 1);
  await disconnect(server);
  await using bare = serve(() => new Response("x", { headers: { "content-type": "" } }));
  const none = await rejection(collect(fetchEventStream(bare.url)));
  assert.equal(
    (none as Error).message,
    "Expected a text/event-stream response: received no content type",
  );
});

Deno.test("a non-retryable 4xx stops at once with the HttpError", async () => {
  await using server = serve(() =>
    Response.json({ error: { message: "Bad token" } }, { status: 401 })
  );
  const error = await rejection(collect(fetchEventStream(server.url, { retry: 1 })));
  assert(error instanceof HttpError);
  assert.equal(error.status, 401);
  assert.equal(error.providerMessage, "Bad token");
  assert.equal(server.requests.length, 1);
});

Deno.test("a 5xx counts as a failure and reconnects; maxFailures in a row end the stream", async () => {
  await using server = serve(() => new Response("down", { status: 503 }));
  const failures: number[] = [];
  const error = await rejection(
    collect(fetchEventStream(server.url, {
      retry: 1,
      maxFailures: 3,
      onReconnect: (info) => failures.push(info.failures),
    })),
  );
  assert(error instanceof HttpError);
  assert.equal(error.status, 503);
  assert.equal(server.requests.length, 3);
  assert.deepEqual(failures, [1, 2]);
});

Deno.test("a 503 with Retry-After: 0.05 waits that long, then reads", async () => {
  const times: number[] = [];
  await using server = serve((_, server, index) => {
    times.push(performance.now());
    if (index === 0) return new Response("", { status: 503, headers: { "retry-after": "0.05" } });
    if (index === 1) return sse(server.body(["data: ok\n\n"]));
    return new Response(null, { status: 204 });
  });
  const events = await collect(fetchEventStream(server.url, { retry: 1 }));
  assert.deepEqual(events.map((event) => event.data), ["ok"]);
  assert(times[1]! - times[0]! >= 45);
});

Deno.test("connections that close without a byte are failures: a clear error after maxFailures", async () => {
  await using server = serve(() => sse(""));
  const error = await rejection(
    collect(fetchEventStream(server.url, { retry: 1, maxFailures: 2 })),
  );
  assert(error instanceof SluiceError);
  assert.equal(error.message, "The server closed the event stream without sending anything");
  assert.equal(server.requests.length, 2);
});

Deno.test("a refused connection is retried, then fails without showing credentials", async () => {
  const key = "query-secret-0123";
  const token = "header-secret-4567";
  const error = await rejection(collect(fetchEventStream(closedPortUrl(`/events?api_key=${key}`), {
    retry: 1,
    maxFailures: 2,
    headers: { authorization: `Bearer ${token}` },
  })));
  assert(error instanceof ConnectionError, String(error));
  const texts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    texts.push(e.message, e.stack ?? "");
  }
  const all = texts.join("\n");
  assert(!all.includes(key) && !all.includes(token), all);
});

Deno.test("a server that stalls before the headers: the attempt times out and is retried", async () => {
  await using server = serve((request, server) => server.untilAborted(request));
  const started = performance.now();
  const error = await rejection(
    collect(fetchEventStream(server.url, { timeout: 30, retry: 1, maxFailures: 2 })),
  );
  assert(error instanceof TimeoutError);
  assert.equal(error.phase, "headers");
  assert(performance.now() - started < 1000);
  while (server.abortsBeforeHeaders < 2) await delay(5);
  assert.equal(server.requests.length, 2);
});

Deno.test("the idle timeout treats a silent connection as dead: aborted, then reconnected", async () => {
  await using server = serve((request, server, index) => {
    if (index === 0) return sse(server.body(["id: 5\ndata: a\n\n"], { end: "stall" }));
    assert.equal(request.headers.get("last-event-id"), "5");
    return new Response(null, { status: 204 });
  });
  const errors: unknown[] = [];
  const events = await collect(fetchEventStream(server.url, {
    idleTimeout: 40,
    retry: 1,
    onReconnect: (info) => errors.push(info.error),
  }));
  assert.deepEqual(events.map((event) => event.data), ["a"]);
  assert.equal(errors.length, 1);
  assert(errors[0] instanceof TimeoutError && errors[0].phase === "idle");
  await disconnect(server);
});

Deno.test("keep-alive comments re-arm the idle timeout", async () => {
  await using server = serve((_, server, index) =>
    index === 0
      ? sse(server.body([": ping\n", ": ping\n", ": ping\n", ": ping\n", "data: late\n\n"], {
        gap: 20,
      }))
      : new Response(null, { status: 204 })
  );
  let pings = 0;
  const events = await collect(fetchEventStream(server.url, {
    idleTimeout: 50,
    retry: 1,
    onComment: () => pings++,
  }));
  assert.deepEqual(events.map((event) => event.data), ["late"]);
  assert.equal(pings, 4);
  assert.equal(server.requests.length, 2, "no reconnect on the keep-alive connection");
});

Deno.test("a slow consumer does not trip the idle timeout", async () => {
  await using server = serve((_, server, index) =>
    index === 0
      ? sse(server.body(["data: 1\n\n", "data: 2\n\n", "data: 3\n\n"]))
      : new Response(null, { status: 204 })
  );
  const data: string[] = [];
  for await (const event of fetchEventStream(server.url, { idleTimeout: 30, retry: 1 })) {
    data.push(event.data);
    await delay(70);
  }
  assert.deepEqual(data, ["1", "2", "3"]);
  assert.equal(server.requests.length, 2);
});

Deno.test("break aborts the connection", async () => {
  await using server = serve((_, server) => sse(server.body(["data: a\n\n"], { end: "stall" })));
  for await (const event of fetchEventStream(server.url)) {
    assert.equal(event.data, "a");
    break;
  }
  await disconnect(server);
});

Deno.test("cancel() during the wait to reconnect ends it at once, leaving no timer", async () => {
  await using server = serve((_, server) => sse(server.body(["data: a\n\n"])));
  const stream = fetchEventStream(server.url, { retry: 60_000 });
  const reader = stream.getReader();
  assert.equal((await reader.read()).value?.data, "a");
  const pending = reader.read();
  await delay(20);
  const started = performance.now();
  await reader.cancel();
  assert.deepEqual(await pending, { done: true, value: undefined });
  assert(performance.now() - started < 100);
  assert.equal(server.requests.length, 1);
});

Deno.test("the caller's abort mid-stream errors the stream with its reason and reaches the server", async () => {
  await using server = serve((_, server) => sse(server.body(["data: a\n\n"], { end: "stall" })));
  const controller = new AbortController();
  const reason = new Error("user left");
  const data: string[] = [];
  const error = await rejection((async () => {
    for await (const event of fetchEventStream(server.url, { signal: controller.signal })) {
      data.push(event.data);
      setTimeout(() => controller.abort(reason), 10);
    }
  })());
  assert.equal(error, reason);
  assert.deepEqual(data, ["a"]);
  await disconnect(server);
});

Deno.test("the caller's abort during the wait to reconnect errors the stream at once", async () => {
  await using server = serve(() => new Response("", { status: 502 }));
  const controller = new AbortController();
  const stream = fetchEventStream(server.url, { retry: 60_000, signal: controller.signal });
  const reading = rejection(collect(stream));
  await delay(30);
  controller.abort("stop");
  assert.equal(await reading, "stop");
  assert.equal(server.requests.length, 1);
  // An already-aborted signal errors the stream before any request.
  const early = fetchEventStream(server.url, { signal: AbortSignal.abort("early") });
  assert.equal(await rejection(collect(early)), "early");
  assert.equal(server.requests.length, 1);
});

Deno.test("a line over maxLineLength is a ParseError, not a reason to reconnect", async () => {
  await using server = serve((_, server) =>
    sse(server.body(["data: " + "x".repeat(100) + "\n\n"]))
  );
  const error = await rejection(
    collect(fetchEventStream(server.url, { maxLineLength: 50, retry: 1 })),
  );
  assert(error instanceof ParseError);
  assert.equal(server.requests.length, 1);
});

Deno.test("a throwing onOpen refuses the response and ends the stream with the error", async () => {
  await using server = serve((_, server) => sse(server.body(["data: a\n\n"], { end: "stall" })));
  const refused = new Error("wrong server");
  const error = await rejection(collect(fetchEventStream(server.url, {
    onOpen: () => {
      throw refused;
    },
  })));
  assert.equal(error, refused);
  await disconnect(server);
});

Deno.test("nothing is requested until the stream is read", async () => {
  await using server = serve(() => new Response(null, { status: 204 }));
  const stream = fetchEventStream(server.url);
  await delay(20);
  assert.equal(server.requests.length, 0);
  await stream.cancel();
  assert.equal(server.requests.length, 0);
});

/** An LLM-style answer: a few events, then the server closes the stream. */
const ANSWER = ["data: Hel\n\n", "data: lo\n\n", "data: [DONE]\n\n"];

Deno.test("a POST ends when the server closes the answer: no second request after the retry", async () => {
  await using server = serve((_, server) => sse(server.body(ANSWER)));
  const reconnects: unknown[] = [];
  const stream = fetchEventStream(server.url, {
    method: "POST",
    body: JSON.stringify({ model: "llama3.2", stream: true }),
    retry: 1,
    onReconnect: (info) => reconnects.push(info),
  });
  const events = await collect(stream);
  assert.deepEqual(events.map((event) => event.data), ["Hel", "lo", "[DONE]"]);
  // The stream closed: a stream that reconnects stays open, waiting the retry.
  assert.equal(server.requests.length, 1);
  assert.deepEqual(reconnects, []);
});

Deno.test("every method but GET and HEAD defaults to no reconnect; GET reconnects", async () => {
  for (const method of ["POST", "PUT", "PATCH", "DELETE", "post", "GET", "get", "HEAD"]) {
    await using server = serve((_, server, index) =>
      index === 0 ? sse(server.body(["data: x\n\n"])) : new Response(null, { status: 204 })
    );
    const events = await collect(fetchEventStream(server.url, { method, retry: 1 }));
    // HEAD gets no body, so no event; a GET's second request gets the 204.
    const get = /^(get|head)$/i.test(method);
    assert.equal(events.length, method === "HEAD" ? 0 : 1, method);
    assert.equal(server.requests.length, get ? 2 : 1, method);
  }
});

Deno.test('reconnect: "never" ends a GET on the server\'s close too', async () => {
  await using server = serve((_, server) => sse(server.body(ANSWER)));
  const events = await collect(fetchEventStream(server.url, { reconnect: "never", retry: 1 }));
  assert.equal(events.length, 3);
  assert.equal(server.requests.length, 1);
});

Deno.test("a POST reports a dropped connection at once, with the events before it", async () => {
  await using server = serve((_, server) =>
    sse(server.body(["id: 1\ndata: Hel\n\n", "data: lo\n\n"], { end: "drop" }))
  );
  const seen: string[] = [];
  const error = await rejection((async () => {
    for await (const event of fetchEventStream(server.url, { method: "POST", retry: 1 })) {
      seen.push(event.data);
    }
  })());
  assert(error instanceof TypeError, String(error));
  assert.deepEqual(seen, ["Hel", "lo"]);
  assert.equal(server.requests.length, 1);
});

Deno.test("a POST that gets a 503 fails at once with the HttpError, not after maxFailures", async () => {
  await using server = serve(() => new Response("down", { status: 503 }));
  const error = await rejection(
    collect(fetchEventStream(server.url, { method: "POST", retry: 1, maxFailures: 5 })),
  );
  assert(error instanceof HttpError);
  assert.equal(error.status, 503);
  assert.equal(server.requests.length, 1);
});

Deno.test('reconnect: "on-error" resumes a POST after a drop and ends on the server\'s close', async () => {
  await using server = serve((request, server, index) => {
    if (index === 0) {
      return sse(server.body(["retry: 5\n", "id: 1\ndata: a\n\n"], { end: "drop" }));
    }
    assert.equal(request.headers.get("last-event-id"), "1");
    return sse(server.body(["id: 2\ndata: b\n\n"]));
  });
  const reconnects: { error: unknown }[] = [];
  const events = await collect(fetchEventStream(server.url, {
    method: "POST",
    body: "{}",
    reconnect: "on-error",
    onReconnect: (info) => reconnects.push(info),
  }));
  assert.deepEqual(events, [
    { event: "message", data: "a", id: "1" },
    { event: "message", data: "b", id: "2" },
  ]);
  assert.equal(server.requests.length, 2, "no third request after the clean close");
  assert.equal(server.requests[1]?.body, "{}");
  assert.equal(reconnects.length, 1);
  assert(reconnects[0]?.error instanceof TypeError);
});

Deno.test("fetchEventStream rejects impossible options at once", () => {
  const url = "http://127.0.0.1:9/";
  assert.throws(() => fetchEventStream(url, { retry: -1 }), /retry must be .*: received -1/);
  assert.throws(() => fetchEventStream(url, { maxFailures: 0 }), /maxFailures .*: received 0/);
  assert.throws(() => fetchEventStream(url, { timeout: 0 }), RangeError);
  assert.throws(() => fetchEventStream(url, { idleTimeout: -5 }), RangeError);
  assert.throws(() => fetchEventStream(url, { lastEventId: "a\nb" }), TypeError);
  assert.throws(
    () => fetchEventStream(url, { reconnect: "sometimes" as "never" }),
    /reconnect must be "always", "on-error" or "never": received 'sometimes'/,
  );
  assert.throws(
    () => fetchEventStream(url, { method: "POST", body: new ReadableStream() }),
    /cannot be a ReadableStream/,
  );
});
