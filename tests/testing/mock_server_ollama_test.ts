import assert from "node:assert/strict";
import { createMockServer } from "../../src/testing/mod.ts";
import {
  ask,
  completedPropertyCounts,
  isPerson,
  NOW,
  PERSON_SCHEMA,
  post,
  readJsonLines,
  WEATHER_TOOL,
} from "./_helpers.ts";

const STATS = [
  "total_duration",
  "load_duration",
  "prompt_eval_count",
  "prompt_eval_duration",
  "eval_count",
  "eval_duration",
];

function message(value: Record<string, unknown>): Record<string, unknown> {
  return value.message as Record<string, unknown>;
}

Deno.test("mock /api/chat streams NDJSON that assembles to the non-streaming reply", async () => {
  const server = createMockServer({ now: () => NOW });
  const request = { model: "llama3.2", messages: ask("Why is the sky blue?") };
  const response = await post(server, "/api/chat", request);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/x-ndjson");
  const { values, error } = await readJsonLines(response);
  assert.equal(error, undefined);
  assert(values.length >= 4);
  for (const value of values.slice(0, -1)) {
    assert.equal(value.model, "llama3.2");
    assert.equal(value.done, false);
    assert.equal(message(value).role, "assistant");
    assert.equal(typeof message(value).content, "string");
    assert.match(value.created_at as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  }
  const final = values.at(-1)!;
  assert.equal(final.done, true);
  assert.equal(final.done_reason, "stop");
  assert.deepEqual(message(final), { role: "assistant", content: "" });
  for (const key of STATS) assert(Number.isInteger(final[key]) && (final[key] as number) > 0, key);
  assert.equal(final.eval_count, values.length - 1);
  const text = values.map((v) => message(v).content).join("");

  const complete = await post(server, "/api/chat", { ...request, stream: false });
  assert.equal(complete.headers.get("content-type"), "application/json; charset=utf-8");
  const body = await complete.json();
  assert.equal(body.message.content, text);
  assert.equal(body.done, true);
  assert.equal(body.done_reason, "stop");
  for (const key of STATS) assert.equal(body[key], final[key], key);
  assert.deepEqual(server.requests.map((r) => [r.stream, r.state, r.status]), [
    [true, "completed", 200],
    [false, "completed", 200],
  ]);
});

Deno.test("mock replies are deterministic per model and conversation", async () => {
  const replies = [];
  for (const [model, content] of [["a", "x"], ["a", "x"], ["b", "x"], ["a", "y"]]) {
    const server = createMockServer();
    const response = await post(server, "/api/chat", {
      model,
      messages: ask(content!),
      stream: false,
    });
    replies.push((await response.json()).message.content);
  }
  assert.equal(replies[0], replies[1]);
  assert.notEqual(replies[0], replies[2]);
  assert.notEqual(replies[0], replies[3]);
});

Deno.test("mock /api/chat with think streams thinking first, then content", async () => {
  const server = createMockServer();
  const request = { model: "qwen3:8b", messages: ask("17 × 23?"), think: true };
  const { values } = await readJsonLines(await post(server, "/api/chat", request));
  const kinds = values.slice(0, -1).map((v) => message(v).thinking === undefined ? "c" : "t");
  assert.match(kinds.join(""), /^t+c+$/);
  for (const v of values) {
    if (message(v).thinking !== undefined) assert.equal(message(v).content, "");
  }
  const thinking = values.map((v) => message(v).thinking ?? "").join("");
  const content = values.map((v) => message(v).content).join("");
  assert(thinking.length > 0);
  const body = await (await post(server, "/api/chat", { ...request, stream: false })).json();
  assert.equal(body.message.thinking, thinking);
  assert.equal(body.message.content, content);
  // Thinking does not change the answer.
  const plain = await (await post(server, "/api/chat", { ...request, think: false, stream: false }))
    .json();
  assert.equal(plain.message.content, content);
  assert.equal(plain.message.thinking, undefined);
});

Deno.test("mock /api/chat calls the first offered tool with schema-shaped arguments", async () => {
  const server = createMockServer();
  const request = { model: "qwen3:8b", messages: ask("Weather in Paris?"), tools: [WEATHER_TOOL] };
  const { values } = await readJsonLines(await post(server, "/api/chat", request));
  const calls = values.flatMap((v) => (message(v).tool_calls as unknown[] | undefined) ?? []);
  assert.equal(calls.length, 1);
  const call = calls[0] as { id: string; function: Record<string, unknown> };
  assert.match(call.id, /^call_[a-z0-9]{8}$/);
  assert.equal(call.function.index, 0);
  assert.equal(call.function.name, "get_weather");
  const args = call.function.arguments as Record<string, unknown>;
  assert.equal(typeof args.city, "string");
  assert.deepEqual(Object.keys(args), ["city"]);
  assert.equal(values.at(-1)!.done_reason, "stop");
  const body = await (await post(server, "/api/chat", { ...request, stream: false })).json();
  assert.deepEqual(body.message.tool_calls, calls);

  // After the tool result, a text answer that quotes it.
  const followUp = await post(server, "/api/chat", {
    ...request,
    stream: false,
    messages: [
      ...request.messages,
      { role: "assistant", content: "", tool_calls: calls },
      { role: "tool", tool_name: "get_weather", content: "18 °C, sunny" },
    ],
  });
  const answer = await followUp.json();
  assert.equal(answer.message.tool_calls, undefined);
  assert.match(answer.message.content, /18 °C, sunny/);
});

Deno.test("mock /api/chat with a format schema streams a JSON document in small pieces", async () => {
  const server = createMockServer();
  const request = { model: "llama3.2", messages: ask("A person"), format: PERSON_SCHEMA };
  const { values } = await readJsonLines(await post(server, "/api/chat", request));
  const pieces = values.map((v) => message(v).content as string);
  const text = pieces.join("");
  assert(isPerson(JSON.parse(text)), text);
  assert(pieces.slice(0, -1).every((p) => p.length >= 1 && p.length <= 6));
  assert(completedPropertyCounts(pieces).length >= 4);
  const body = await (await post(server, "/api/chat", { ...request, stream: false })).json();
  assert.equal(body.message.content, text);

  const json = await post(server, "/api/chat", { ...request, format: "json", stream: false });
  assert.equal(typeof JSON.parse((await json.json()).message.content), "object");
});

Deno.test("mock /api/chat honours num_predict with done_reason length", async () => {
  const server = createMockServer();
  const { values } = await readJsonLines(
    await post(server, "/api/chat", {
      model: "llama3.2",
      messages: ask("Hi"),
      options: { num_predict: 3 },
    }),
  );
  assert.equal(values.length, 4);
  assert.equal(values.at(-1)!.done_reason, "length");
  assert.equal(values.at(-1)!.eval_count, 3);
});

Deno.test("mock /api/chat with no messages loads, and with keep_alive 0 unloads", async () => {
  const server = createMockServer();
  const load = await post(server, "/api/chat", { model: "llama3.2", messages: [] });
  assert.equal(load.headers.get("content-type"), "application/json; charset=utf-8");
  const loaded = await load.json();
  assert.equal(loaded.done_reason, "load");
  assert.deepEqual(loaded.message, { role: "assistant", content: "" });
  const unload = await post(server, "/api/chat", {
    model: "llama3.2",
    messages: [],
    keep_alive: 0,
  });
  assert.equal((await unload.json()).done_reason, "unload");
  const generate = await post(server, "/api/generate", { model: "llama3.2" });
  assert.equal((await generate.json()).done_reason, "load");
});

Deno.test("mock /api/generate streams response fragments with context and stats", async () => {
  const server = createMockServer();
  const request = { model: "llama3.2", prompt: "Say something", system: "Be brief" };
  const { values } = await readJsonLines(await post(server, "/api/generate", request));
  const final = values.at(-1)!;
  assert.equal(final.done, true);
  assert.equal(final.response, "");
  assert(Array.isArray(final.context) && final.context.length > 0);
  for (const key of STATS) assert(Number.isInteger(final[key]), key);
  const text = values.map((v) => v.response).join("");
  const body = await (await post(server, "/api/generate", { ...request, stream: false })).json();
  assert.equal(body.response, text);
  assert.deepEqual(body.context, final.context);
  const raw = await (await post(server, "/api/generate", { ...request, raw: true, stream: false }))
    .json();
  assert.equal(raw.context, undefined);
  // The same conversation through /api/chat gets the same answer.
  const chat = await post(server, "/api/chat", {
    model: "llama3.2",
    stream: false,
    messages: [{ role: "system", content: "Be brief" }, ...ask("Say something")],
  });
  assert.equal((await chat.json()).message.content, text);
});

Deno.test("mock Ollama output escapes <, > and & as Go does", async () => {
  const server = createMockServer({ reply: "a < b && c > d" });
  const response = await post(server, "/api/generate", {
    model: "llama3.2",
    prompt: "x",
    stream: false,
  });
  const raw = await response.text();
  assert(raw.includes("a \\u003c b \\u0026\\u0026 c \\u003e d"), raw);
  assert.equal(JSON.parse(raw).response, "a < b && c > d");
});

Deno.test("mock /api/pull streams realistic progress ending in success", async () => {
  const server = createMockServer();
  const { values } = await readJsonLines(await post(server, "/api/pull", { model: "llama3.2" }));
  const statuses = values.map((v) => v.status as string);
  assert.equal(statuses[0], "pulling manifest");
  assert.deepEqual(statuses.slice(-3), ["verifying sha256 digest", "writing manifest", "success"]);
  const layers = values.filter((v) => typeof v.digest === "string");
  const digests = [...new Set(layers.map((v) => v.digest))];
  assert(digests.length >= 2 && digests.length <= 3, String(digests.length));
  const first = layers[0]!;
  assert.equal(first.completed, undefined);
  assert(typeof first.total === "number");
  assert.equal(first.status, `pulling ${(first.digest as string).slice(7, 19)}`);
  for (const digest of digests) {
    const lines = layers.filter((v) => v.digest === digest);
    const completed = lines.map((v) => (v.completed as number | undefined) ?? 0);
    assert.deepEqual(completed, [...completed].sort((a, b) => a - b));
    assert.equal(completed.at(-1), lines[0]!.total);
  }
  assert(layers.filter((v) => v.digest === digests[0]).length >= 5);

  const once = await post(server, "/api/pull", { model: "llama3.2", stream: false });
  assert.deepEqual(await once.json(), { status: "success" });
});

Deno.test("mock Ollama model endpoints answer in Ollama's shapes", async () => {
  const server = createMockServer({ models: ["llama3.2:latest", "nomic-embed-text"] });
  const get = (path: string) => server.fetch(`http://mock${path}`);
  assert.equal(await (await get("/")).text(), "Ollama is running");
  assert.deepEqual(await (await get("/api/version")).json(), { version: "0.12.3" });
  const tags = await (await get("/api/tags")).json();
  assert.deepEqual(tags.models.map((m: { name: string }) => m.name), [
    "llama3.2:latest",
    "nomic-embed-text:latest",
  ]);
  assert.match(tags.models[0].digest, /^[0-9a-f]{64}$/);
  assert.equal(tags.models[0].details.format, "gguf");
  assert.deepEqual((await (await get("/api/ps")).json()).models, []);

  const show = await (await post(server, "/api/show", { model: "llama3.2" })).json();
  assert(show.capabilities.includes("tools"));
  assert.equal(typeof show.model_info["general.architecture"], "string");

  const embed = await (await post(server, "/api/embed", {
    model: "nomic-embed-text",
    input: ["a", "b"],
  })).json();
  assert.equal(embed.embeddings.length, 2);
  assert.equal(embed.embeddings[0].length, 16);
  const norm = Math.hypot(...embed.embeddings[0]);
  assert(Math.abs(norm - 1) < 1e-5);
  assert.notDeepEqual(embed.embeddings[0], embed.embeddings[1]);
  assert(Number.isInteger(embed.prompt_eval_count));

  await (await post(server, "/api/generate", { model: "llama3.2", prompt: "x", stream: false }))
    .body?.cancel();
  const ps = await (await get("/api/ps")).json();
  assert.deepEqual(ps.models.map((m: { name: string }) => m.name), [
    "nomic-embed-text:latest",
    "llama3.2:latest",
  ]);
  assert.equal(typeof ps.models[0].expires_at, "string");

  const copy = await post(server, "/api/copy", { source: "llama3.2", destination: "mine" });
  assert.equal(copy.status, 200);
  assert.equal(await copy.text(), "");
  const del = await server.fetch("http://mock/api/delete", {
    method: "DELETE",
    body: JSON.stringify({ model: "llama3.2" }),
  });
  assert.equal(del.status, 200);
  await del.body?.cancel();
  const head = await server.fetch("http://mock/api/version", { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.body, null);
});

Deno.test("mock Ollama rejects bad requests with Ollama's error body", async () => {
  const server = createMockServer();
  const noModel = await post(server, "/api/chat", { messages: ask("x") });
  assert.equal(noModel.status, 400);
  assert.deepEqual(await noModel.json(), { error: "model is required" });
  const badJson = await server.fetch("http://mock/api/chat", { method: "POST", body: "{nope" });
  assert.equal(badJson.status, 400);
  assert.equal(typeof (await badJson.json()).error, "string");
  const unknown = await post(server, "/api/nothing", {});
  assert.equal(unknown.status, 404);
  assert.equal(await unknown.text(), "404 page not found");
});
