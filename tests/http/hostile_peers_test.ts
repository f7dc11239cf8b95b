/**
 * Issue 14: a peer that misbehaves cannot make the client hang, storm or grow.
 * Bounds on time are generous (a noisy 2-core machine); the point is that the
 * unfixed client misses them by orders of magnitude.
 */
import assert from "node:assert/strict";
import { OpenAI } from "../../src/providers/openai/openai.ts";
import { Anthropic } from "../../src/providers/anthropic/anthropic.ts";
import { fetchEventStream } from "../../src/http/fetch_event_stream.ts";
import { SluiceError } from "../../src/errors/sluice_error.ts";
import { TimeoutError } from "../../src/errors/timeout_error.ts";
import { delay, rejection, serve, within } from "./_server.ts";

const MESSAGES = [{ role: "user" as const, content: "hi" }];

Deno.test("a 5xx whose body stalls ends by the idle timeout, and says so", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(['{"error":{"message":"ov'], { end: "stall" }), { status: 503 })
  );
  const openai = new OpenAI({
    baseURL: server.url,
    idleTimeout: 100,
    timeout: 60_000,
    maxRetries: 0,
  });
  const started = performance.now();
  const error = await within(
    rejection(openai.chat({ model: "m", messages: MESSAGES }).result()),
    10_000,
    "the idle timeout",
  );
  assert(error instanceof TimeoutError, String(error));
  assert.equal(error.phase, "idle");
  assert.equal(error.message, "No data for 100 ms: the idle timeout fired");
  assert(performance.now() - started < 10_000);
  await server.disconnected();
});

Deno.test("a 4xx whose body stalls ends by the idle timeout for a non-streaming call too", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(["{"], { end: "stall" }), { status: 400 })
  );
  const openai = new OpenAI({ baseURL: server.url, idleTimeout: 100, maxRetries: 0 });
  const error = await within(rejection(openai.models()), 10_000, "the idle timeout");
  assert(error instanceof TimeoutError, String(error));
  assert.equal(error.phase, "idle");
  await server.disconnected();
});

Deno.test("fetchEventStream: a stalled error body ends by the idle timeout, or the headers timeout's length when idle is off", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(["oops"], { end: "stall" }), { status: 500 })
  );
  const idle = await within(
    rejection(Array.fromAsync(fetchEventStream(server.url, { idleTimeout: 100, maxFailures: 1 }))),
    10_000,
    "the idle timeout",
  );
  assert(idle instanceof TimeoutError, String(idle));
  assert.equal(idle.phase, "idle");
  assert.equal(idle.ms, 100);
  const bounded = await within(
    rejection(Array.fromAsync(fetchEventStream(server.url, { timeout: 150, maxFailures: 1 }))),
    10_000,
    "the error body's bound",
  );
  assert(bounded instanceof TimeoutError, String(bounded));
  assert.equal(bounded.phase, "idle", "the headers had arrived: not a headers timeout");
  assert.equal(bounded.ms, 150);
  await server.disconnected(2);
});

Deno.test("fetchEventStream: a server retry above 2^31-1 is clamped, not turned into a 1 ms wait", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(["retry: 99999999999\n", "data: a\n\n"]), {
      headers: { "content-type": "text/event-stream" },
    })
  );
  const reconnecting = Promise.withResolvers<number>();
  const stream = fetchEventStream(server.url, {
    onReconnect: ({ delay }) => reconnecting.resolve(delay),
  });
  const reader = stream.getReader();
  assert.equal((await reader.read()).value?.data, "a");
  const read = reader.read();
  assert.equal(await within(reconnecting.promise, 5000, "onReconnect"), 600_000);
  await delay(50);
  assert.equal(server.requests.length, 1, "no reconnect after 1 ms");
  await reader.cancel();
  assert.equal((await read).done, true);
});

Deno.test("fetchEventStream: retry: 0 with immediate closes backs off instead of storming", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(["retry: 0\ndata: x\n\n"]), {
      headers: { "content-type": "text/event-stream" },
    })
  );
  const delays: number[] = [];
  const stream = fetchEventStream(server.url, { onReconnect: (info) => delays.push(info.delay) });
  const started = performance.now();
  let events = 0;
  for await (const _ of stream) {
    events++;
    if (performance.now() - started > 1500) break;
  }
  // Unbounded, this is hundreds of connections; backing off (10, 10, 250, 500, 1000 ms…), a handful.
  assert(server.requests.length <= 12, `${server.requests.length} connections in 1.5 s`);
  assert(events >= 3);
  assert(
    delays.slice(2).every((ms, i) => ms >= 250 && (i === 0 || ms >= delays[i + 1]!)),
    `${delays}`,
  );
});

Deno.test("fetchEventStream: connections that send only comments and a retry field count as failures", async () => {
  await using server = serve((_, server) =>
    new Response(server.body(["retry: 0\n: ping\n\n"]), {
      headers: { "content-type": "text/event-stream" },
    })
  );
  const error = await within(
    rejection(Array.fromAsync(fetchEventStream(server.url, { maxFailures: 3 }))),
    10_000,
    "maxFailures",
  );
  assert(error instanceof SluiceError, String(error));
  assert.equal(error.message, "The server closed the event stream without sending an event");
  assert.equal(server.requests.length, 3);
});

Deno.test("toResponse() releases the upstream when it cannot encode an event", async () => {
  const start = {
    type: "message_start",
    message: {
      id: "m",
      type: "message",
      role: "assistant",
      content: [],
      model: "m",
      usage: { input_tokens: 1, output_tokens: 0 },
    },
  };
  await using server = serve((_, server) =>
    new Response(
      server.body([
        `event: message_start\ndata: ${JSON.stringify(start)}\n\n`,
        `event: odd\ndata: ${JSON.stringify({ type: "odd\nevent" })}\n\n`,
      ], { end: "stall" }),
      { headers: { "content-type": "text/event-stream" } },
    )
  );
  const anthropic = new Anthropic({ apiKey: "k", baseURL: server.url, maxRetries: 0 });
  const stream = anthropic.messages({ model: "m", max_tokens: 5, messages: MESSAGES });
  const text = await within(
    stream.toResponse({ format: "sse" }).then((response) => response.text()),
    10_000,
    "the relay",
  );
  assert.match(text, /event: error\n/);
  await within(server.disconnected(), 10_000, "the upstream to be released");
});
