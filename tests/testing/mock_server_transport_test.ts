import assert from "node:assert/strict";
import { createMockServer, type MockRequestRecord, MockServer } from "../../src/testing/mod.ts";
import { decodeJsonLines } from "../../src/streams/decode_json_lines.ts";
import { requestJson } from "../../src/http/_request_json.ts";
import { resolveOptions } from "../../src/http/_resolve_options.ts";
import { ANTHROPIC, ask, NOW, post, readEvents, readJsonLines } from "./_helpers.ts";

function serve(server: MockServer) {
  const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, server.fetch);
  return { http, base: `http://127.0.0.1:${http.addr.port}` };
}

Deno.test("mock served by Deno.serve streams and records completion, not a false abort", async () => {
  const server = createMockServer();
  const { http, base } = serve(server);
  try {
    const response = await fetch(`${base}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "llama3.2", messages: ask("Hi") }),
    });
    assert.equal(response.headers.get("content-type"), "application/x-ndjson");
    const { values, error } = await readJsonLines(response);
    assert.equal(error, undefined);
    assert.equal(values.at(-1)!.done, true);
    const record = server.requests[0]!;
    assert.equal(await record.settled, "completed");
    // Deno.serve's legacy request.signal abort after success must not flip it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(record.state, "completed");

    const sse = await fetch(`${base}/v1/messages`, {
      method: "POST",
      headers: ANTHROPIC,
      body: JSON.stringify({
        model: "claude-sonnet-4-6",
        max_tokens: 100,
        messages: ask("Hi"),
        stream: true,
      }),
    });
    assert.match(sse.headers.get("request-id")!, /^req_/);
    const { events } = await readEvents(sse);
    assert.equal(events.at(-1)!.event, "message_stop");
  } finally {
    await http.shutdown();
  }
});

Deno.test("mock served by Deno.serve observes the client aborting mid-stream", async () => {
  const aborted: MockRequestRecord[] = [];
  const server = createMockServer({ tokensPerSecond: 200, onAbort: (r) => aborted.push(r) });
  const { http, base } = serve(server);
  try {
    for (const fault of ["stall-after:2", undefined]) {
      const controller = new AbortController();
      const response = await fetch(`${base}/v1/chat/completions`, {
        method: "POST",
        headers: fault === undefined ? {} : { "x-mock-fault": fault },
        body: JSON.stringify({ model: "gpt-4.1-mini", messages: ask("Hi"), stream: true }),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      await assert.rejects(reader.read(), { name: "AbortError" });
    }
    const states = await Promise.all(server.requests.map((r) => r.settled));
    assert.deepEqual(states, ["aborted", "aborted"]);
    assert.equal(aborted.length, 2);
    assert(server.requests[1]!.framesSent < 10);
  } finally {
    await http.shutdown();
  }
});

Deno.test("mock served by Deno.serve answers CORS preflights", async () => {
  const server = createMockServer();
  const { http, base } = serve(server);
  try {
    const preflight = await fetch(`${base}/v1/chat/completions`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:3000",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, x-mock-fault",
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
    assert.equal(
      preflight.headers.get("access-control-allow-headers"),
      "content-type, x-mock-fault",
    );
    await preflight.body?.cancel();
    const tags = await fetch(`${base}/api/tags`);
    assert.equal(tags.headers.get("access-control-allow-origin"), "*");
    await tags.body?.cancel();
    assert.equal(server.requests.length, 1);
  } finally {
    await http.shutdown();
  }
});

Deno.test("mock fetch works as the fetch option of sluice's request layer, retries included", async () => {
  const server = createMockServer();
  const options = resolveOptions({ fetch: server.fetch, retryDelay: 1 });
  const body = await requestJson({
    url: "http://localhost:11434/api/chat",
    method: "POST",
    body: { model: "llama3.2:fault=429:0.01x1", messages: ask("Hi"), stream: false },
  }, options) as { message: { content: string } };
  assert(body.message.content.length > 0);
  assert.deepEqual(server.requests.map((r) => [r.attempt, r.status]), [[1, 429], [2, 200]]);

  const failing = requestJson({
    url: "http://localhost:11434/api/chat",
    method: "POST",
    body: { model: "llama3.2:fault=404", messages: ask("Hi"), stream: false },
  }, options);
  await assert.rejects(failing, /model 'llama3\.2' not found/);
});

Deno.test("mock fetch accepts a Request, a URL and a relative path", async () => {
  const server = createMockServer({ baseUrl: "http://example.test" });
  const byRequest = await server.fetch(new Request("http://mock/api/version"));
  assert.equal(byRequest.status, 200);
  await byRequest.body?.cancel();
  const byUrl = await server.fetch(new URL("http://mock/api/version"));
  await byUrl.body?.cancel();
  const byPath = await server.fetch("/api/version");
  await byPath.body?.cancel();
  assert.equal(server.requests[2]!.url, "http://example.test/api/version");
  // A second argument that is not a RequestInit (a server's context) is ignored.
  const served = await server.fetch(new Request("http://mock/api/tags"), { remoteAddr: {} });
  assert.equal(served.status, 200);
  await served.body?.cancel();
  const aborted = AbortSignal.abort(new Error("already"));
  await assert.rejects(server.fetch("/api/version", { signal: aborted }), /already/);
  const withSignal = new AbortController();
  const request = new Request("http://mock/api/generate", {
    method: "POST",
    body: JSON.stringify({ model: "m:fault=stall-after:1", prompt: "Hi" }),
    signal: withSignal.signal,
  });
  const response = await server.fetch(request);
  const reader = response.body!.getReader();
  await reader.read();
  withSignal.abort();
  await assert.rejects(reader.read());
  assert.equal(await server.requests.at(-1)!.settled, "aborted");
});

Deno.test("mock pacing delays the first token and spaces the others", async () => {
  const server = createMockServer({ timeToFirstToken: 40, tokensPerSecond: 200 });
  const started = performance.now();
  const response = await post(server, "/api/generate", { model: "llama3.2", prompt: "Hi" });
  const headers = performance.now() - started;
  const reader = decodeJsonLines(response.body!).getReader();
  await reader.read();
  const first = performance.now() - started;
  let count = 1;
  while (!(await reader.read()).done) count++;
  const total = performance.now() - started;
  assert(headers < 35, `headers after ${headers} ms`);
  assert(first >= 30, `first token after ${first} ms`);
  // count - 2 paced gaps of 5 ms ±25 %: generously, at least half of that.
  assert(total - first >= (count - 2) * 5 * 0.5, `${count} chunks in ${total - first} ms`);

  // A non-streaming reply takes as long, before its headers.
  const t = performance.now();
  await (await post(server, "/api/generate", { model: "llama3.2", prompt: "Hi", stream: false }))
    .json();
  assert(performance.now() - t >= 40);
});

Deno.test("mock pacing timers are cleared when the client cancels mid-stream", async () => {
  const server = createMockServer({ timeToFirstToken: 5, tokensPerSecond: 20 });
  const response = await post(server, "/v1/chat/completions", {
    model: "gpt-4.1-mini",
    messages: ask("Hi"),
    stream: true,
  });
  const reader = response.body!.getReader();
  await reader.read();
  const pending = reader.read(); // waits on a 50 ms timer
  await reader.cancel("done");
  assert.deepEqual(await pending, { done: true, value: undefined });
  assert.equal(await server.requests[0]!.settled, "aborted");
  // The sanitizers fail this test if the pacing timer survived the cancel.
});

Deno.test("mock records requests, calls its hooks and resets", async () => {
  const seen: number[] = [];
  const server = createMockServer({ onRequest: (r) => seen.push(r.id) });
  const response = await post(server, "/api/chat", {
    model: "llama3.2",
    messages: ask("Hi"),
    stream: false,
  });
  await response.body?.cancel();
  const [record] = server.requests;
  assert.equal(record!.method, "POST");
  assert.equal(record!.path, "/api/chat");
  assert.equal(record!.headers.get("content-type"), "application/json");
  assert.deepEqual(record!.body, { model: "llama3.2", messages: ask("Hi"), stream: false });
  assert.equal(record!.model, "llama3.2");
  assert.equal(record!.stream, false);
  assert.equal(record!.fault, undefined);
  assert.deepEqual(seen, [1]);
  server.reset();
  assert.equal(server.requests.length, 0);
});

Deno.test("mock reply option fixes the text, as a string or per request", async () => {
  const fixed = createMockServer({ reply: "Bonjour, ça va ?" });
  const { values } = await readJsonLines(
    await post(fixed, "/api/chat", { model: "m", messages: ask("Hi") }),
  );
  assert.equal(
    values.map((v) => (v.message as { content: string }).content).join(""),
    "Bonjour, ça va ?",
  );

  const echo = createMockServer({ reply: (r) => `${r.model} heard: ${r.prompt}` });
  const body = await (await post(echo, "/v1/messages", {
    model: "claude-sonnet-4-6",
    max_tokens: 50,
    system: "be nice",
    messages: ask("ping"),
  }, { headers: ANTHROPIC })).json();
  assert.equal(body.content[0].text, "claude-sonnet-4-6 heard: ping");
});

Deno.test("mock transcripts are byte-for-byte reproducible with a fixed clock", async () => {
  const transcripts = [];
  for (let i = 0; i < 2; i++) {
    const server = createMockServer({ now: () => NOW });
    const texts = [];
    for (const path of ["/api/chat", "/v1/chat/completions", "/v1/messages"]) {
      const response = await post(server, path, {
        model: "m",
        max_tokens: 100,
        messages: ask("Same"),
        stream: true,
      }, { headers: ANTHROPIC });
      texts.push([...response.headers].join("\n"), await response.text());
    }
    transcripts.push(texts);
  }
  assert.deepEqual(transcripts[0], transcripts[1]);
});

Deno.test("MockServer rejects invalid pacing options", () => {
  assert.throws(() => new MockServer({ tokensPerSecond: 0 }), RangeError);
  assert.throws(() => new MockServer({ timeToFirstToken: -1 }), RangeError);
});
