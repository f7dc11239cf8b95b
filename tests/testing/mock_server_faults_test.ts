import assert from "node:assert/strict";
import { createMockServer, type MockRequestRecord } from "../../src/testing/mod.ts";
import { decodeJsonLines } from "../../src/streams/decode_json_lines.ts";
import { decodeServerSentEvents } from "../../src/streams/decode_server_sent_events.ts";
import { ParseError } from "../../src/errors/parse_error.ts";
import { ANTHROPIC, ask, post, readEvents, readJsonLines } from "./_helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

interface Api {
  name: "ollama" | "openai" | "anthropic";
  path: string;
  model: string;
  body(model: string, stream?: boolean): Json;
  headers: Record<string, string>;
  framing: "ndjson" | "sse";
}

const APIS: Api[] = [
  {
    name: "ollama",
    path: "/api/chat",
    model: "llama3.2",
    body: (model, stream = true) => ({ model, messages: ask("Hi"), stream }),
    headers: {},
    framing: "ndjson",
  },
  {
    name: "openai",
    path: "/v1/chat/completions",
    model: "gpt-4.1-mini",
    body: (model, stream = true) => ({ model, messages: ask("Hi"), stream }),
    headers: {},
    framing: "sse",
  },
  {
    name: "anthropic",
    path: "/v1/messages",
    model: "claude-sonnet-4-6",
    body: (model, stream = true) => ({ model, max_tokens: 1024, messages: ask("Hi"), stream }),
    headers: ANTHROPIC,
    framing: "sse",
  },
];

function request(
  server: ReturnType<typeof createMockServer>,
  api: Api,
  fault: string | undefined,
  options: { suffix?: boolean; stream?: boolean; signal?: AbortSignal } = {},
): Promise<Response> {
  const model = options.suffix && fault !== undefined ? `${api.model}:fault=${fault}` : api.model;
  const headers = { ...api.headers };
  if (!options.suffix && fault !== undefined) headers["x-mock-fault"] = fault;
  const init: { headers: Record<string, string>; signal?: AbortSignal } = { headers };
  if (options.signal !== undefined) init.signal = options.signal;
  return post(server, api.path, api.body(model, options.stream ?? true), init);
}

/** Every frame of a body as text (a JSON line, or an SSE event's data), plus the end error. */
async function frames(api: Api, response: Response, maxLineLength?: number) {
  if (api.framing === "ndjson") {
    const { values, error } = await readJsonLines(response, maxLineLength);
    return { frames: values.map((v) => JSON.stringify(v)), events: [], error };
  }
  const { events, error } = await readEvents(response, maxLineLength);
  return { frames: events.map((e) => e.data), events, error };
}

function isEndMarker(api: Api, frame: string): boolean {
  if (api.name === "ollama") return JSON.parse(frame).done === true;
  if (api.name === "openai") return frame === "[DONE]";
  return JSON.parse(frame).type === "message_stop";
}

for (const api of APIS) {
  Deno.test(`mock ${api.name} status faults answer with the provider's error body`, async () => {
    const server = createMockServer();
    for (const suffix of [false, true]) {
      for (const status of [401, 404, 429, 500, 503]) {
        const response = await request(server, api, String(status), { suffix });
        assert.equal(response.status, status);
        const body = await response.json();
        if (api.name === "ollama") {
          assert.equal(typeof body.error, "string");
          if (status === 404) assert.equal(body.error, "model 'llama3.2' not found");
        } else if (api.name === "openai") {
          assert.equal(typeof body.error.message, "string");
          assert.equal(typeof body.error.type, "string");
          assert(response.headers.has("x-request-id"));
          if (status === 404) assert.equal(body.error.code, "model_not_found");
          if (status === 401) assert.equal(body.error.code, "invalid_api_key");
        } else {
          assert.equal(body.type, "error");
          assert(response.headers.has("request-id"));
          const expected: Record<number, string> = {
            401: "authentication_error",
            404: "not_found_error",
            429: "rate_limit_error",
            500: "api_error",
          };
          if (expected[status]) assert.equal(body.error.type, expected[status]);
          if (status === 404) assert.equal(body.error.message, "model: claude-sonnet-4-6");
        }
        assert.equal(response.headers.get("retry-after"), status === 429 ? "1" : null);
      }
    }
    const limited = await request(server, api, "429:0.05");
    assert.equal(limited.headers.get("retry-after"), "0.05");
    await limited.body?.cancel();
    const overloaded = await request(server, api, "529:2");
    assert.equal(overloaded.status, 529);
    assert.equal(overloaded.headers.get("retry-after"), "2");
    await overloaded.body?.cancel();
  });

  Deno.test(`mock ${api.name} '500x2' fails the first two attempts, then succeeds`, async () => {
    const server = createMockServer();
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const response = await request(server, api, "500x2", { suffix: true, stream: false });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    assert.deepEqual(statuses, [500, 500, 200, 200]);
    assert.deepEqual(server.requests.map((r) => r.attempt), [1, 2, 3, 4]);
    // Another fault specification counts its own attempts.
    const other = await request(server, api, "500x1,slow-headers:1", { stream: false });
    assert.equal(other.status, 500);
    await other.body?.cancel();
    server.reset();
    const again = await request(server, api, "500x2", { suffix: true, stream: false });
    assert.equal(again.status, 500);
    await again.body?.cancel();
  });

  Deno.test(`mock ${api.name} 'error-after:3' writes the provider's in-stream error`, async () => {
    const server = createMockServer();
    const { frames: list, events, error } = await frames(
      api,
      await request(server, api, "error-after:3"),
    );
    assert.equal(error, undefined);
    const last = list.at(-1)!;
    if (api.name === "ollama") {
      assert.equal(list.length, 4);
      assert.deepEqual(Object.keys(JSON.parse(last)), ["error"]);
    } else if (api.name === "openai") {
      assert.equal(list.length, 5);
      assert.equal(last, "[DONE]");
      assert.equal(JSON.parse(list[3]!).error.type, "server_error");
    } else {
      assert.equal(list.length, 4);
      assert.equal(events.at(-1)!.event, "error");
      assert.deepEqual(JSON.parse(last), {
        type: "error",
        error: { type: "overloaded_error", message: "Overloaded" },
      });
    }
    assert(!list.slice(0, 3).some((f) => isEndMarker(api, f)));
    assert.equal(await server.requests[0]!.settled, "completed");
    assert.equal(server.requests[0]!.framesSent, api.name === "openai" ? 5 : 4);

    const complete = await request(server, api, "error-after:3", { stream: false });
    assert.equal(complete.status, api.name === "anthropic" ? 529 : 500);
    await complete.body?.cancel();
  });

  Deno.test(`mock ${api.name} 'disconnect-after:3' ends the body without an end marker`, async () => {
    const server = createMockServer();
    const { frames: list, error } = await frames(
      api,
      await request(server, api, "disconnect-after:3"),
    );
    assert.equal(error, undefined);
    assert.equal(list.length, 3);
    assert(!list.some((f) => isEndMarker(api, f)));
    const complete = await request(server, api, "disconnect-after:3", { stream: false });
    assert.equal(complete.status, 200);
    await assert.rejects(complete.json(), SyntaxError);
  });

  Deno.test(`mock ${api.name} 'reset-after:2' errors the body like a dropped connection`, async () => {
    const server = createMockServer();
    const { frames: list, error } = await frames(api, await request(server, api, "reset-after:2"));
    assert.equal(list.length, 2);
    assert(error instanceof TypeError);
    assert.equal(await server.requests[0]!.settled, "completed");
  });

  Deno.test(`mock ${api.name} 'stall-after:2' holds the stream until the client aborts`, async () => {
    const aborted: MockRequestRecord[] = [];
    const server = createMockServer({ onAbort: (r) => aborted.push(r), tokensPerSecond: 500 });
    const controller = new AbortController();
    const response = await request(server, api, "stall-after:2", { signal: controller.signal });
    const decoded = api.framing === "ndjson"
      ? decodeJsonLines(response.body!)
      : decodeServerSentEvents(response.body!);
    const reader = (decoded as ReadableStream<unknown>).getReader();
    assert.equal((await reader.read()).done, false);
    assert.equal((await reader.read()).done, false);
    const record = server.requests[0]!;
    assert.equal(record.state, "streaming");
    const next = reader.read();
    const timeout = new Promise((resolve) => setTimeout(resolve, 30, "pending"));
    assert.equal(await Promise.race([next, timeout]), "pending");
    controller.abort(new Error("user gave up"));
    await assert.rejects(next, /user gave up/);
    assert.equal(await record.settled, "aborted");
    assert.equal(record.aborted, true);
    assert.equal((record.abortReason as Error).message, "user gave up");
    assert.equal(record.framesSent, 2);
    assert.deepEqual(aborted, [record]);

    const body = await request(server, api, "stall-after:1", { stream: false });
    assert.equal(body.status, 200);
    await body.body!.cancel("bored");
    assert.equal(await server.requests[1]!.settled, "aborted");
    assert.equal(server.requests[1]!.abortReason, "bored");
  });

  Deno.test(`mock ${api.name} 'slow-headers' delays the headers and can be aborted`, async () => {
    const server = createMockServer();
    const started = performance.now();
    const response = await request(server, api, "slow-headers:60", { stream: false });
    assert(performance.now() - started >= 40);
    assert.equal(response.status, 200);
    await response.body?.cancel();

    const controller = new AbortController();
    const pending = request(server, api, "slow-headers:5000", { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("too slow")), 10);
    await assert.rejects(pending, /too slow/);
    assert.equal(await server.requests[1]!.settled, "aborted");
    assert.equal(server.requests[1]!.status, undefined);
  });

  Deno.test(`mock ${api.name} 'malformed' sends a frame that is not JSON, then the rest`, async () => {
    const server = createMockServer();
    const response = await request(server, api, "malformed:2");
    if (api.framing === "ndjson") {
      const { values, error } = await readJsonLines(response);
      assert.equal(values.length, 2);
      assert(error instanceof ParseError);
      assert.equal(error.line, 3);
    } else {
      const { events, error } = await readEvents(response);
      assert.equal(error, undefined);
      assert.throws(() => JSON.parse(events[2]!.data), SyntaxError);
      assert(isEndMarker(api, events.at(-1)!.data));
      for (const [i, e] of events.entries()) if (i !== 2 && e.data !== "[DONE]") JSON.parse(e.data);
    }
    const complete = await request(server, api, "malformed", { stream: false });
    await assert.rejects(complete.json(), SyntaxError);
  });

  Deno.test(`mock ${api.name} 'long-line' sends a line over the decoder's limit`, async () => {
    const server = createMockServer();
    const small = await frames(api, await request(server, api, "long-line:2000"), 1000);
    assert(small.error instanceof ParseError, String(small.error));
    const { frames: list, error } = await frames(api, await request(server, api, "long-line:2000"));
    assert.equal(error, undefined);
    assert(list.some((f) => f.length > 2000 && f.includes("x".repeat(2000))));
    assert(isEndMarker(api, list.at(-1)!));
    const huge = await frames(api, await request(server, api, "long-line"));
    assert(huge.error instanceof ParseError, String(huge.error));
  });

  Deno.test(`mock ${api.name} 'keepalive-only' sends only keep-alives until aborted`, async () => {
    const server = createMockServer();
    const controller = new AbortController();
    const response = await request(server, api, "keepalive-only:5", { signal: controller.signal });
    const comments: string[] = [];
    const pings: string[] = [];
    let seen!: () => void;
    const threeSeen = new Promise<void>((resolve) => seen = resolve);
    const count = () => comments.length + pings.length === 3 && seen();
    const reading = (async () => {
      if (api.framing === "ndjson") {
        for await (const _ of decodeJsonLines(response.body!)) assert.fail("no lines expected");
      } else {
        const events = decodeServerSentEvents(response.body!, {
          onComment: (text) => {
            comments.push(text);
            count();
          },
        });
        for await (const event of events) {
          pings.push(event.data);
          count();
        }
      }
    })();
    if (api.name === "ollama") await new Promise((resolve) => setTimeout(resolve, 30));
    else await threeSeen;
    controller.abort();
    await assert.rejects(reading, { name: "AbortError" });
    const record = server.requests[0]!;
    assert.equal(await record.settled, "aborted");
    if (api.name === "ollama") {
      assert.equal(record.framesSent, 0);
    } else if (api.name === "openai") {
      assert(comments.length >= 3, String(comments.length));
      assert(comments.every((c) => c === "keep-alive"));
      assert.equal(pings.length, 0);
    } else {
      assert(pings.length >= 3, String(pings.length));
      assert(pings.every((p) => JSON.parse(p).type === "ping"));
    }
  });

  Deno.test(`mock ${api.name} combines header and model-suffix faults`, async () => {
    const server = createMockServer();
    const model = `${api.model}:fault=error-after:2`;
    const started = performance.now();
    const response = await post(server, api.path, api.body(model), {
      headers: { ...api.headers, "x-mock-fault": "slow-headers:30" },
    });
    assert(performance.now() - started >= 20);
    const { frames: list } = await frames(api, response);
    assert.equal(list.length, api.name === "openai" ? 4 : 3);
    assert.equal(server.requests[0]!.fault, "slow-headers:30,error-after:2");
    assert.equal(server.requests[0]!.model, model);

    const bad = await request(server, api, "teapot");
    assert.equal(bad.status, 400);
    const body = await bad.text();
    assert.match(body, /Unknown mock fault: 'teapot'/);
  });
}

Deno.test("mock /api/pull 'error-after' ends with Ollama's pull error line", async () => {
  const server = createMockServer();
  const response = await post(server, "/api/pull", { model: "llama3.2:fault=error-after:1" });
  const { values } = await readJsonLines(response);
  assert.deepEqual(values, [
    { status: "pulling manifest" },
    { error: "max retries exceeded: unexpected EOF" },
  ]);
});

Deno.test("mock stream faults cap N so that the end marker is never sent", async () => {
  const server = createMockServer();
  const { values } = await readJsonLines(
    await post(server, "/api/generate", { model: "m:fault=disconnect-after:1000", prompt: "Hi" }),
  );
  assert(values.length > 2);
  assert(values.every((v) => v.done === false));
});
