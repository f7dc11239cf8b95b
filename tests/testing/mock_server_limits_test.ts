/**
 * Issue 14: no request can make the mock hang, crash or grow; an oversized or
 * malformed one gets the provider's own 400 or 413.
 */
import assert from "node:assert/strict";
import { createMockServer } from "../../src/testing/mod.ts";
import {
  MAX_REQUEST_BYTES,
  MAX_REQUEST_LOG,
  MAX_REQUEST_LOG_BYTES,
} from "../../src/testing/_limits.ts";

const MESSAGES = [{ role: "user", content: "hi" }];

/** A body of `total` bytes made on demand; `pulled()` says how much the server read. */
function generated(total: number, chunk = 64 * 1024) {
  let sent = 0;
  const bytes = new Uint8Array(chunk).fill(0x20);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      sent += chunk;
      controller.enqueue(bytes);
    },
  }, { highWaterMark: 0 });
  return { body, pulled: () => sent };
}

async function post(
  server: ReturnType<typeof createMockServer>,
  path: string,
  body: unknown,
  headers: HeadersInit = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await server.fetch(`http://mock${path}`, {
    method: "POST",
    body: JSON.stringify(body),
    headers,
  });
  return { status: response.status, json: await response.json() };
}

function jsonSchemaRequest(schema: unknown, stream = false) {
  return {
    model: "gpt-4.1-mini",
    messages: MESSAGES,
    stream,
    response_format: { type: "json_schema", json_schema: { name: "x", schema } },
  };
}

Deno.test("mock: a body over the limit is a 413 read no further than the limit", async () => {
  const server = createMockServer();
  const upload = generated(MAX_REQUEST_BYTES * 3);
  const response = await server.fetch("http://mock/v1/chat/completions", {
    method: "POST",
    body: upload.body,
  });
  assert.equal(response.status, 413);
  const body = await response.json();
  assert.match(body.error.message, /request body too large/);
  assert(upload.pulled() <= MAX_REQUEST_BYTES + 64 * 1024, `${upload.pulled()} bytes read`);
});

Deno.test("mock: schemas that would hang it are a 400 (huge minItems, minLength, a $ref loop)", async () => {
  const server = createMockServer();
  const loop = {
    type: "object",
    properties: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p${i}`, { $ref: "#" }])),
  };
  const cases: [unknown, RegExp][] = [
    [
      { type: "object", properties: { a: { type: "array", minItems: 1e9 } }, required: ["a"] },
      /minItems/,
    ],
    [
      { type: "object", properties: { a: { type: "string", minLength: 1e9 } }, required: ["a"] },
      /minLength/,
    ],
    [loop, /\$ref loop/],
  ];
  const started = performance.now();
  for (const [schema, message] of cases) {
    for (const stream of [false, true]) {
      const { status, json } = await post(
        server,
        "/v1/chat/completions",
        jsonSchemaRequest(schema, stream),
      );
      assert.equal(status, 400);
      assert.match((json.error as { message: string }).message, message);
    }
  }
  // A tool's parameters go through the same generator.
  const tool = await post(server, "/v1/chat/completions", {
    model: "gpt-4.1-mini",
    messages: MESSAGES,
    tools: [{ type: "function", function: { name: "f", parameters: loop } }],
    tool_choice: "required",
    stream: false,
  });
  assert.equal(tool.status, 400);
  assert(performance.now() - started < 20_000, "bounded work");
});

Deno.test("mock: a fault parameter it cannot honour is a 400, not a crash", async () => {
  const server = createMockServer();
  const { status, json } = await post(server, "/v1/chat/completions", {
    model: "gpt-4.1-mini:fault=long-line:10000000000",
    messages: MESSAGES,
  });
  assert.equal(status, 400);
  assert.match((json.error as { message: string }).message, /long-line/);
});

Deno.test("mock: a 20,000-deep tool_result is the provider's 400, not a stack overflow", async () => {
  const server = createMockServer();
  let content: unknown = "x";
  for (let i = 0; i < 20_000; i++) content = [{ type: "tool_result", tool_use_id: "t", content }];
  const { status, json } = await post(server, "/v1/messages", {
    model: "claude-sonnet-4-6",
    max_tokens: 10,
    messages: [{ role: "user", content }],
  });
  assert.equal(status, 400);
  assert.equal(json.type, "error");
  assert.match((json.error as { message: string }).message, /nests deeper/);
  assert.equal(server.requests[0]?.body, undefined, "the log does not keep it");
});

Deno.test("mock: the request log keeps the last requests only", async () => {
  const server = createMockServer();
  const extra = 50;
  for (let i = 0; i < MAX_REQUEST_LOG + extra; i++) {
    await (await server.fetch("http://mock/api/version")).body?.cancel();
  }
  assert.equal(server.requests.length, MAX_REQUEST_LOG);
  assert.equal(server.requests[0]?.id, extra + 1);
  assert.equal(server.requests.at(-1)?.id, MAX_REQUEST_LOG + extra);
});

Deno.test("mock: the request log holds a bounded number of body bytes", async () => {
  const server = createMockServer();
  const prompt = "x".repeat(4 * 1024 * 1024);
  const count = MAX_REQUEST_LOG_BYTES / prompt.length + 4;
  for (let i = 0; i < count; i++) {
    const response = await server.fetch("http://mock/api/show", {
      method: "POST",
      body: JSON.stringify({ model: "llama3.2", prompt }),
    });
    await response.body?.cancel();
  }
  assert(server.requests.length < count, `${server.requests.length} of ${count} kept`);
  assert(server.requests.length * prompt.length <= MAX_REQUEST_LOG_BYTES);
  assert.equal(server.requests.at(-1)?.id, count);
});

Deno.test("mock: request records keep no API key verbatim unless asked", async () => {
  const key = "sk-mock-record-secret-123";
  const headers = {
    authorization: `Bearer ${key}`,
    "x-api-key": key,
    "x-goog-api-key": key,
    "cf-access-client-secret": key,
    "x-trace": "t1",
  };
  const server = createMockServer();
  await (await server.fetch(`http://mock/api/version?key=${key}&v=1`, { headers })).text();
  const record = server.requests[0]!;
  assert.equal(record.headers.get("authorization"), "Bearer [redacted]");
  assert.equal(record.headers.get("x-api-key"), "[redacted]");
  assert.equal(record.headers.get("x-trace"), "t1");
  assert(!record.url.includes(key), record.url);
  assert(record.url.includes("v=1"));
  const all: string[] = [record.url];
  record.headers.forEach((value) => all.push(value));
  assert(!all.join(" ").includes(key));
  const keeping = createMockServer({ recordCredentials: true });
  await (await keeping.fetch("http://mock/api/version", { headers })).text();
  assert.equal(keeping.requests[0]!.headers.get("authorization"), `Bearer ${key}`);
});
