/**
 * Issue 14, the proof: a distinctive secret in every position a credential can
 * take, echoed back by a hostile server in every place it can put one, never
 * reaches anything a caller can read.
 */
import assert from "node:assert/strict";
import { OpenAI } from "../../src/providers/openai/openai.ts";
import { Anthropic } from "../../src/providers/anthropic/anthropic.ts";
import { Ollama } from "../../src/providers/ollama/ollama.ts";
import { Gemini } from "../../src/providers/gemini/gemini.ts";
import { fetchEventStream } from "../../src/http/fetch_event_stream.ts";
import { ConnectionError } from "../../src/errors/connection_error.ts";
import { HttpError } from "../../src/errors/http_error.ts";
import { ParseError } from "../../src/errors/parse_error.ts";
import { ProviderError } from "../../src/errors/provider_error.ts";
import { SluiceError } from "../../src/errors/sluice_error.ts";
import { redactError } from "../../src/errors/_redact.ts";
import { requestSecrets } from "../../src/http/_secrets.ts";
import { closedPortUrl, rejection, serve } from "./_server.ts";

/** One distinctive secret per position, so a failure says which one leaked. */
const S = {
  apiKey: "sk-apikey-Q7vL2x9R",
  gatewaySecret: "cfsecret-M3nB8kW1",
  portkey: "portkey-Z5cH4tY6",
  cookie: "cookie-P9dF2gJ8",
  proxy: "proxyauth-K4sE7uN3",
  bearer: "bearer-T6wA1qX5",
  user: "userinfo-U2hV8mC4",
  password: "password-R1jK5oL9",
  query: "query-N8bG3fD7",
};
const ALL = Object.entries(S);

const HEADERS = {
  "cf-access-client-secret": S.gatewaySecret,
  "x-portkey-api-key": S.portkey,
  cookie: `session=${S.cookie}`,
  "proxy-authorization": `Basic ${btoa(`proxy:${S.proxy}`)}`,
};

/** Everything the server received, as text it can echo (Basic credentials decoded). */
function echo(request: Request): string {
  const texts = [request.url, decodeURIComponent(request.url)];
  request.headers.forEach((value, name) => {
    texts.push(`${name}=${value}`);
    for (const match of value.matchAll(/Basic ([A-Za-z0-9+/=]+)/g)) texts.push(atob(match[1]!));
  });
  return texts.join(" ");
}

/** Response headers that repeat every secret the server received. */
function echoHeaders(request: Request): Headers {
  const headers = new Headers({ "x-echo": echo(request).replace(/[^\x20-\x7e]/g, "") });
  const text = echo(request);
  for (const [name, value] of ALL) if (text.includes(value)) headers.set(`x-echo-${name}`, value);
  return headers;
}

/** Every text a caller can get out of an error, its causes and its fields. */
function readable(error: unknown, seen = new Set<unknown>()): string {
  if (seen.has(error)) return "";
  seen.add(error);
  const texts: string[] = [String(error), Deno.inspect(error, { depth: 10 })];
  try {
    texts.push(JSON.stringify(error) ?? "");
  } catch {
    // A cycle: the other views cover it.
  }
  if (error instanceof Error) {
    texts.push(error.message, error.stack ?? "", error.name);
    for (const key of Reflect.ownKeys(error)) {
      const value = (error as unknown as Record<PropertyKey, unknown>)[key];
      if (value instanceof Headers) value.forEach((v, n) => texts.push(`${n}: ${v}`));
      else if (typeof value === "string") texts.push(value);
      else if (value !== null && typeof value === "object" && !(value instanceof Error)) {
        texts.push(JSON.stringify(value) ?? "", Deno.inspect(value, { depth: 10 }));
      }
    }
    texts.push(readable(error.cause, seen));
  }
  return texts.join("\n");
}

function assertClean(error: unknown, where: string): void {
  const text = readable(error);
  const leaked = ALL.filter(([, secret]) => text.includes(secret)).map(([name]) => name);
  assert.deepEqual(leaked, [], `${where}: ${leaked.join(", ")} leaked in\n${text.slice(0, 2000)}`);
}

/** A server that echoes every credential back in every way `mode` asks for. */
function hostile(mode: (request: Request, url: URL) => Response) {
  return serve((request) => mode(request, new URL(request.url)));
}

Deno.test("OpenAI: no secret survives an HTTP error that echoes them in its body and headers", async () => {
  await using server = hostile((request) =>
    new Response(JSON.stringify({ error: { message: echo(request), type: "invalid_request" } }), {
      status: 400,
      headers: echoHeaders(request),
    })
  );
  const base = new URL(server.url);
  const openai = new OpenAI({
    apiKey: S.apiKey,
    baseURL: `http://${S.user}:${S.password}@${base.host}/v1?api-key=${S.query}`,
    headers: HEADERS,
    maxRetries: 0,
  });
  const stream = openai.chat({ model: "m", messages: [{ role: "user", content: "hi" }] });
  const error = await rejection(stream.result());
  assert(error instanceof HttpError, String(error));
  assert.equal(error.status, 400);
  assert(error.message.includes("[redacted]"));
  assert.equal(error.headers.get("x-echo-apiKey"), "[redacted]");
  assertClean(error, "OpenAI 400");
  // The server did receive them: the test is not vacuous.
  const received = server.requests[0]!;
  assert(received.headers.get("authorization")?.includes(`Bearer ${S.apiKey}`));
  assert(received.url.includes(S.query));
});

Deno.test("OpenAI: a plain 404 whose hint repeats the base URL shows no user-info or query value", async () => {
  await using server = hostile(() => new Response("no such route", { status: 404 }));
  const base = new URL(server.url);
  const openai = new OpenAI({
    apiKey: S.apiKey,
    baseURL: `http://${S.user}:${S.password}@${base.host}/?api-key=${S.query}`,
    maxRetries: 0,
  });
  const error = await rejection(openai.models());
  assert(error instanceof HttpError);
  assert.equal(error.status, 404);
  assert.match(error.message, /check baseURL/);
  assertClean(error, "OpenAI 404 hint");
});

Deno.test("OpenAI, Ollama, Anthropic, Gemini: a mid-stream error that echoes the secrets is a redacted ProviderError", async () => {
  await using server = hostile((request, url) => {
    const message = echo(request);
    if (url.pathname.startsWith("/api/")) {
      const body = `{"message":{"role":"assistant","content":"Hi"},"done":false}\n` +
        `${JSON.stringify({ error: message })}\n`;
      return new Response(body, { headers: { "content-type": "application/x-ndjson" } });
    }
    if (url.pathname.includes(":streamGenerateContent")) {
      const error = { error: { code: 500, message, status: "INTERNAL" } };
      return new Response(
        `data: {"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"}]},"index":0}]}\n\n` +
          `data: ${JSON.stringify(error)}\n\n`,
        { headers: { "content-type": "text/event-stream" } },
      );
    }
    const sse = url.pathname.endsWith("/messages")
      ? `event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"model":"m","usage":{"input_tokens":1,"output_tokens":0}}}\n\n` +
        `event: error\ndata: ${
          JSON.stringify({ type: "error", error: { type: "invalid_request_error", message } })
        }\n\n`
      : `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n` +
        `data: ${JSON.stringify({ error: { message, type: "invalid_request_error" } })}\n\n`;
    return new Response(sse, { headers: { "content-type": "text/event-stream" } });
  });
  const base = new URL(server.url);
  const messages = [{ role: "user" as const, content: "hi" }];
  const openai = new OpenAI({
    apiKey: S.apiKey,
    baseURL: `http://${base.host}/v1?api-key=${S.query}`,
    headers: HEADERS,
    maxRetries: 0,
  });
  const ollama = new Ollama({
    host: server.url,
    headers: { ...HEADERS, authorization: `Bearer ${S.bearer}` },
    maxRetries: 0,
  });
  const anthropic = new Anthropic({
    apiKey: S.apiKey,
    baseURL: server.url,
    headers: { ...HEADERS, authorization: `Bearer ${S.bearer}` },
    maxRetries: 0,
  });
  const gemini = new Gemini({
    apiKey: S.apiKey,
    baseURL: `http://${base.host}/v1beta`,
    headers: HEADERS,
    maxRetries: 0,
  });
  const errors = {
    openai: await rejection(openai.chat({ model: "m", messages }).result()),
    ollama: await rejection(ollama.chat({ model: "m", messages }).result()),
    anthropic: await rejection(
      anthropic.messages({ model: "m", max_tokens: 10, messages }).result(),
    ),
    gemini: await rejection(
      gemini.generateContent({
        model: "m",
        contents: [{ role: "user", parts: [{ text: "hi" }] }],
      }).result(),
    ),
  };
  for (const [provider, error] of Object.entries(errors)) {
    assert(error instanceof ProviderError, `${provider}: ${error}`);
    assert(error.message.includes("[redacted]"), `${provider}: ${error.message}`);
    assertClean(error, `${provider} mid-stream`);
  }
  assert.equal((errors.openai as ProviderError).partial?.text, "Hi");
  assert.equal((errors.ollama as ProviderError).partial?.text, "Hi");
  assert.equal((errors.gemini as ProviderError).partial?.text, "Hi");
  assert.match((errors.gemini as ProviderError).message, /^Gemini reported INTERNAL mid-stream/);
});

Deno.test("a ParseError whose snippet holds a secret is redacted and stays a ParseError with its line", async () => {
  await using server = hostile(() =>
    new Response(
      `{"message":{"role":"assistant","content":"a"},"done":false}\n${S.bearer} not json\n`,
    )
  );
  const ollama = new Ollama({
    host: server.url,
    headers: { authorization: `Bearer ${S.bearer}` },
    maxRetries: 0,
  });
  const error = await rejection(
    ollama.chat({ model: "m", messages: [{ role: "user", content: "hi" }] }).result(),
  );
  assert(error instanceof ParseError, String(error));
  assert.equal(error.line, 2);
  assert.equal(error.name, "ParseError");
  assert(error.snippet.startsWith("[redacted]"), error.snippet);
  assertClean(error, "ParseError");
});

Deno.test("a non-stream JSON body that echoes the key and is not JSON: a redacted ParseError", async () => {
  await using server = hostile((request) => new Response(`<html>${echo(request)}</html>`));
  const openai = new OpenAI({ apiKey: S.apiKey, baseURL: `${server.url}/v1`, maxRetries: 0 });
  const error = await rejection(openai.models());
  assert(error instanceof ParseError, String(error));
  assert.equal(error.line, 1);
  assertClean(error, "requestJson ParseError");
});

Deno.test("a refused connection is a ConnectionError naming the origin, never the credentials", async () => {
  const url = new URL(closedPortUrl("/v1"));
  const openai = new OpenAI({
    apiKey: S.apiKey,
    baseURL: `http://${S.user}:${S.password}@${url.host}/v1?api-key=${S.query}`,
    headers: HEADERS,
    maxRetries: 1,
    retryDelay: 1,
  });
  const error = await rejection(openai.models());
  assert(error instanceof ConnectionError, String(error));
  assert(error instanceof SluiceError);
  assert.equal(error.origin, url.origin);
  assert.equal(error.attempts, 2);
  assert.match(error.message, /^Cannot connect to http:\/\/127\.0\.0\.1:\d+ after 2 attempts: /);
  assert(error.cause instanceof TypeError);
  assertClean(error, "ConnectionError");
});

Deno.test("a refused connection to a local Ollama asks whether ollama serve is running", async () => {
  const fetch = () => Promise.reject(new TypeError("fetch failed"));
  const ollama = new Ollama({ fetch, maxRetries: 0 });
  const error = await rejection(ollama.chat({ model: "m", messages: [], stream: false }));
  assert(error instanceof ConnectionError, String(error));
  assert.equal(error.origin, "http://127.0.0.1:11434");
  assert.equal(
    error.message,
    "Cannot connect to http://127.0.0.1:11434: fetch failed (is `ollama serve` running on 127.0.0.1:11434?)",
  );
});

Deno.test("a redirect to another origin is refused: no credential header reaches it", async () => {
  await using server = hostile((request, url) => {
    if (url.hostname === "127.0.0.1") {
      // The same server under another name is another origin.
      return new Response(null, {
        status: 307,
        headers: { location: `http://localhost:${url.port}/v1/models?echo=${S.apiKey}` },
      });
    }
    return Response.json({ object: "list", data: [], echo: echo(request) });
  });
  const openai = new OpenAI({
    apiKey: S.apiKey,
    baseURL: `${server.url}/v1`,
    headers: HEADERS,
    maxRetries: 0,
  });
  const error = await rejection(openai.models());
  assert(error instanceof HttpError, String(error));
  assert.equal(error.status, 307);
  assert.match(
    error.message,
    /Refused to follow a redirect to another origin \(http:\/\/localhost:\d+\)/,
  );
  assertClean(error, "redirect");
  assert.equal(server.requests.length, 1, "the other origin was never asked");
});

Deno.test("a redirect on the same origin is followed with the credentials", async () => {
  await using server = hostile((request, url) => {
    if (url.pathname === "/old/models") {
      return new Response(null, { status: 308, headers: { location: "/v1/models" } });
    }
    assert.equal(request.headers.get("x-portkey-api-key"), S.portkey);
    return Response.json({ object: "list", data: [] });
  });
  const openai = new OpenAI({ apiKey: S.apiKey, baseURL: `${server.url}/old`, headers: HEADERS });
  assert.deepEqual(await openai.models(), { object: "list", data: [] });
  assert.equal(server.requests.length, 2);
  assert.equal(server.requests[1]!.headers.get("authorization"), `Bearer ${S.apiKey}`);
});

Deno.test("fetchEventStream: an error that echoes header and URL secrets is redacted", async () => {
  await using server = hostile((request) =>
    new Response(echo(request), { status: 403, headers: echoHeaders(request) })
  );
  const base = new URL(server.url);
  const error = await rejection(
    Array.fromAsync(
      fetchEventStream(`http://${S.user}:${S.password}@${base.host}/events?token=${S.query}`, {
        headers: { ...HEADERS, authorization: `Bearer ${S.bearer}` },
      }),
    ),
  );
  assert(error instanceof HttpError, String(error));
  assert.equal(error.status, 403);
  assertClean(error, "fetchEventStream 403");
});

Deno.test("redactError keeps the class, the fields and the cause chain of what it redacts", () => {
  const secret = "sk-live-abcdef123456";
  const cause = new TypeError(`fetch failed for ?key=${secret}`);
  const error = new HttpError(`HTTP 401: bad key ${secret}`, {
    status: 401,
    body: `{"key":"${secret}"}`,
    headers: new Headers({ "x-key": secret, "x-request-id": "r1" }),
    cause,
  });
  const clean = redactError(error, [secret]);
  assert(clean instanceof HttpError);
  assert.notEqual(clean, error);
  assert.equal(clean.name, "HttpError");
  assert.equal(clean.status, 401);
  assert.equal(clean.message, "HTTP 401: bad key [redacted]");
  assert.equal(clean.body, `{"key":"[redacted]"}`);
  assert.equal(clean.headers.get("x-request-id"), "r1");
  assert(clean.cause instanceof TypeError);
  assert.equal((clean.cause as Error).message, "fetch failed for ?key=[redacted]");
  assert(!String(clean.stack).includes(secret));
  assert(!JSON.stringify(clean).includes(secret));
  assert.equal(redactError(error, ["not-in-it"]), error, "nothing to redact: the same error");
  const parse = redactError(new ParseError(`bad ${secret}`, { line: 7, snippet: secret }), [
    secret,
  ]);
  assert(parse instanceof ParseError);
  assert.equal(parse.line, 7);
  assert.equal(parse.snippet, "[redacted]");
  const provider = redactError(
    new ProviderError("x", { type: "t", body: { error: { message: secret, n: [secret] } } }),
    [secret],
  );
  assert.deepEqual(provider.body, { error: { message: "[redacted]", n: ["[redacted]"] } });
  assert.equal(provider.type, "t");
  const abort = redactError(new DOMException(`aborted: ${secret}`, "AbortError"), [secret]);
  assert(abort instanceof DOMException);
  assert.equal(abort.name, "AbortError");
  assert.equal(abort.message, "aborted: [redacted]");
  assert(!String(abort.stack).includes(secret));
});

Deno.test("fetchEventStream: a redirect to another origin with credentials is refused", async () => {
  await using server = hostile((_request, url) =>
    url.hostname === "127.0.0.1"
      ? new Response(null, { status: 302, headers: { location: `http://localhost:${url.port}/` } })
      : new Response("data: x\n\n", { headers: { "content-type": "text/event-stream" } })
  );
  const error = await rejection(
    Array.fromAsync(fetchEventStream(server.url, { headers: { "x-api-key": S.apiKey } })),
  );
  assert(error instanceof HttpError, String(error));
  assert.equal(error.status, 302);
  assert.equal(server.requests.length, 1, "the other origin was never asked");
  // Without credentials, fetch follows it as usual.
  const events = await Array.fromAsync(fetchEventStream(server.url, { reconnect: "never" }));
  assert.deepEqual(events.map((event) => event.data), ["x"]);
});

Deno.test("requestSecrets finds every credential form a request carries", () => {
  const secrets = requestSecrets(
    `https://${S.user}:${S.password}@gw.example/v1?api-key=${S.query}&mode=fast`,
    new Headers({
      authorization: `Basic ${btoa(`someone:${S.bearer}`)}`,
      cookie: `a=1; session=${S.cookie}`,
      "x-portkey-api-key": S.portkey,
      "x-trace": "trace-value-123",
    }),
    [S.apiKey],
  );
  for (const secret of [S.apiKey, S.user, S.password, S.query, S.bearer, S.cookie, S.portkey]) {
    assert(secrets.includes(secret), secret);
  }
  assert(!secrets.includes("trace-value-123"), "not a credential header");
  assert(!secrets.includes("someone"), "a Basic user name is not treated as a secret");
});

Deno.test("a client constructor's error about its URL shows no credential of the URL", () => {
  const cases: [() => unknown, RegExp][] = [
    [
      () => new OpenAI({ baseURL: "ht tp://user:pw-secret-1@host/v1", apiKey: "k" }),
      /^baseURL must be an absolute http or https URL: received 'ht tp:\/\/\[redacted\]@host\/v1'$/,
    ],
    [
      () => new Anthropic({ baseURL: "not a url?key=sk-ant-secret-2" }),
      /^baseURL must be an absolute http or https URL: received 'not a url\?key=\[redacted\]'$/,
    ],
    [
      () => new Gemini({ baseURL: "gemini?key=AIza-secret-3" }),
      /^baseURL must be an absolute http or https URL: received 'gemini\?key=\[redacted\]'$/,
    ],
    [
      () => new Ollama({ host: "http://exa mple:11434/?token=tok-secret-4" }),
      /^Invalid Ollama host: received 'http:\/\/exa mple:11434\/\?token=\[redacted\]'$/,
    ],
    [
      () => new Ollama({ host: "localhost:11434?key=secret-5" }),
      /^The Ollama host must not have a query or fragment: received 'localhost:11434\?key=\[redacted\]'$/,
    ],
  ];
  for (const [make, message] of cases) {
    let error: unknown;
    try {
      make();
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof TypeError);
    assert.match(error.message, message);
    // The runtime's own URL error, the cause, repeats the URL: redacted too.
    const all = `${error.message} ${String(error.cause ?? "")} ${error.stack}`;
    assert.doesNotMatch(all, /secret-\d/);
  }
});
