import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Ollama } from "../../../src/providers/ollama/mod.ts";
import type {
  OllamaChatResponse,
  OllamaGenerateResponse,
  OllamaProgressLine,
} from "../../../src/providers/ollama/mod.ts";
import { encodeBase64 } from "../../../src/providers/ollama/_base64.ts";
import { assertPartsAgree, collectParts } from "../../_parts.ts";
import { chatDone, chatLine, ndjson, ndjsonResponse, withServer } from "./_helpers.ts";

// ---------------------------------------------------------------------------
// Host

Deno.test("Ollama defaults to http://127.0.0.1:11434 and tolerates a trailing slash or /api", () => {
  const cases: [string | undefined, string][] = [
    [undefined, "http://127.0.0.1:11434"],
    ["http://127.0.0.1:11434/", "http://127.0.0.1:11434"],
    ["http://localhost:11434/api", "http://localhost:11434"],
    ["http://localhost:11434/api/", "http://localhost:11434"],
    ["https://ollama.com/api", "https://ollama.com"],
    ["https://proxy.example/ollama/", "https://proxy.example/ollama"],
    ["https://proxy.example/ollama/api", "https://proxy.example/ollama"],
    ["gpu-box", "http://gpu-box:11434"],
    ["gpu-box:8080", "http://gpu-box:8080"],
    [":8080", "http://127.0.0.1:8080"],
    ["http://gpu-box", "http://gpu-box"],
    ["  http://[::1]:11434  ", "http://[::1]:11434"],
  ];
  for (const [host, expected] of cases) {
    const options = host === undefined ? {} : { host };
    assert.equal(new Ollama(options).host, expected, `host ${host}`);
    assert.equal(new Ollama(options).baseURL, expected, `host ${host}: baseURL`);
    // baseURL is the shared name; host is its alias.
    const named = host === undefined ? {} : { baseURL: host };
    assert.equal(new Ollama(named).baseURL, expected, `baseURL ${host}`);
    assert.equal(new Ollama(named).host, expected, `baseURL ${host}: host`);
  }
  assert.equal(
    new Ollama({ baseURL: "http://new:1", host: "http://alias:2" }).baseURL,
    "http://new:1",
    "baseURL wins over host",
  );
});

Deno.test("Ollama rejects a host that is not an http URL, or carries credentials", () => {
  assert.throws(() => new Ollama({ host: "ftp://example.com" }), {
    name: "TypeError",
    message: "The Ollama host must be an http or https URL: received 'ftp://example.com'",
  });
  assert.throws(() => new Ollama({ baseURL: "ftp://example.com" }), TypeError);
  assert.throws(() => new Ollama({ host: "http://user:secret@example.com" }), (error) => {
    assert.ok(error instanceof TypeError);
    assert.ok(!error.message.includes("secret"));
    return true;
  });
  assert.throws(() => new Ollama({ host: "http://x/?a=1" }), TypeError);
  assert.throws(() => new Ollama({ host: "http://" }), TypeError);
});

Deno.test("Ollama sends requests under the host's path prefix", async () => {
  await withServer(() => Response.json({ version: "0.12.3" }), async (base, requests) => {
    await new Ollama({ host: `${base}/proxy/api/` }).version();
    assert.equal(requests[0]!.path, "/proxy/api/version");
  });
});

// ---------------------------------------------------------------------------
// Requests

Deno.test("Ollama.chat sends the request as typed, with stream: true and JSON headers", async () => {
  await withServer(
    () => ndjsonResponse(ndjson(chatLine("Hi"), chatDone())),
    async (base, requests) => {
      const ollama = new Ollama({ host: base, headers: { "x-client": "a", "x-both": "client" } });
      const request = {
        model: "qwen3:8b",
        messages: [
          { role: "system" as const, content: "Be brief." },
          { role: "user" as const, content: "Weather?" },
          {
            role: "assistant" as const,
            content: "",
            thinking: "Use the tool.",
            tool_calls: [{
              id: "call_1",
              function: { index: 0, name: "get_weather", arguments: { city: "Paris" } },
            }],
          },
          {
            role: "tool" as const,
            content: "22 °C",
            tool_name: "get_weather",
            tool_call_id: "call_1",
          },
        ],
        tools: [{
          type: "function" as const,
          function: {
            name: "get_weather",
            description: "Get the weather",
            parameters: {
              type: "object",
              required: ["city"],
              properties: { city: { type: "string" } },
            },
          },
        }],
        think: "high" as const,
        format: { type: "object", properties: { answer: { type: "string" } } },
        options: { temperature: 0, top_k: 20, num_ctx: 8192, stop: ["\n\n"], use_mmap: true },
        keep_alive: "10m",
        truncate: false,
        shift: false,
        logprobs: true,
        top_logprobs: 2,
      };
      const text = await ollama.chat(request, { headers: { "x-both": "call" } }).text();
      assert.equal(text, "Hi");
      const seen = requests[0]!;
      assert.equal(seen.method, "POST");
      assert.equal(seen.path, "/api/chat");
      assert.deepEqual(seen.body, { ...request, stream: true });
      assert.equal(seen.headers.get("content-type"), "application/json");
      assert.equal(seen.headers.get("accept"), "application/x-ndjson");
      assert.equal(seen.headers.get("x-client"), "a");
      assert.equal(seen.headers.get("x-both"), "call");
    },
  );
});

Deno.test("Ollama.chat encodes image bytes as base64 and leaves strings alone", async () => {
  const small = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255]);
  // Large enough that String.fromCharCode(...bytes) would overflow the call stack.
  const large = new Uint8Array(3_000_001).map((_, i) => (i * 31) & 255);
  await withServer(
    () => ndjsonResponse(ndjson(chatDone())),
    async (base, requests) => {
      const messages = [
        { role: "user" as const, content: "What is this?", images: [small, "aGVsbG8=", large] },
        { role: "user" as const, content: "No image" },
      ];
      await new Ollama({ host: base }).chat({ model: "llava", messages }).result();
      const body = requests[0]!.body as { messages: { images?: string[] }[] };
      assert.deepEqual(body.messages[0]!.images, [
        Buffer.from(small).toString("base64"),
        "aGVsbG8=",
        Buffer.from(large).toString("base64"),
      ]);
      assert.equal(body.messages[1]!.images, undefined);
      // The caller's request is not modified.
      assert.equal(messages[0]!.images![0], small);
    },
  );
});

Deno.test("encodeBase64 matches the reference encoding for every padding length", () => {
  for (const length of [0, 1, 2, 3, 4, 5, 24_575, 24_576, 24_577, 100_000]) {
    const bytes = new Uint8Array(length).map((_, i) => (i * 7 + 3) & 255);
    assert.equal(encodeBase64(bytes), Buffer.from(bytes).toString("base64"), `length ${length}`);
  }
  assert.equal(encodeBase64(new Uint8Array([1, 2, 3, 4]).subarray(1)), "AgME");
});

Deno.test("Ollama.chat rejects an image that is neither base64 nor bytes", () => {
  const ollama = new Ollama({ fetch: () => Promise.reject(new Error("not called")) });
  const images = [new ArrayBuffer(4)] as unknown as string[];
  assert.throws(
    () => ollama.chat({ model: "llava", messages: [{ role: "user", content: "", images }] }),
    {
      name: "TypeError",
      message: "An image must be a base64 string or a Uint8Array: received [object ArrayBuffer]",
    },
  );
});

Deno.test("Ollama.generate sends every generate field and encodes image bytes", async () => {
  const line = {
    model: "llava",
    created_at: "2025-11-03T15:02:33.58133121Z",
    response: "A cat.",
    done: true,
    done_reason: "stop",
    context: [1, 2, 3],
  };
  await withServer(() => ndjsonResponse(ndjson(line)), async (base, requests) => {
    const request = {
      model: "llava",
      prompt: "Describe",
      suffix: "",
      system: "Be brief.",
      template: "{{ .Prompt }}",
      context: [9, 8],
      raw: false,
      images: [new Uint8Array([104, 105])],
      format: "json" as const,
      options: { seed: 7, num_predict: 64, repeat_penalty: 1.1 },
      think: false,
      keep_alive: 0,
    };
    const result = await new Ollama({ host: base }).generate(request).result();
    assert.equal(result.text, "A cat.");
    assert.deepEqual(result.context, [1, 2, 3]);
    assert.equal(requests[0]!.path, "/api/generate");
    assert.deepEqual(requests[0]!.body, { ...request, images: ["aGk="], stream: true });
  });
});

Deno.test("Ollama.chat and generate with stream: false resolve to the complete response", async () => {
  const chat: OllamaChatResponse = {
    model: "llama3.2",
    created_at: "2025-11-03T14:22:05.637004032Z",
    message: { role: "assistant", content: "Hello!" },
    done: true,
    done_reason: "stop",
    eval_count: 3,
    eval_duration: 30_000_000,
  };
  const generate: OllamaGenerateResponse = {
    model: "llama3.2",
    created_at: "2025-11-03T14:22:05.637004032Z",
    response: "Hi",
    done: true,
    context: [1],
  };
  await withServer(
    (_, seen) => Response.json(seen.path === "/api/chat" ? chat : generate),
    async (base, requests) => {
      const ollama = new Ollama({ host: base });
      const response = await ollama.chat({
        model: "llama3.2",
        messages: [{ role: "user", content: "Hi", images: [new Uint8Array([1])] }],
        stream: false,
      });
      assert.deepEqual(response, chat);
      assert.deepEqual(requests[0]!.body, {
        model: "llama3.2",
        messages: [{ role: "user", content: "Hi", images: ["AQ=="] }],
        stream: false,
      });
      assert.equal(requests[0]!.headers.get("accept"), "application/json");
      const completion = await ollama.generate({ model: "llama3.2", prompt: "Hi", stream: false });
      assert.deepEqual(completion, generate);
      assert.deepEqual(requests[1]!.body, { model: "llama3.2", prompt: "Hi", stream: false });
    },
  );
});

Deno.test("Ollama.chat and generate load and unload a model from a single application/json object", async () => {
  const answer = (reason: string, generate: boolean) => ({
    model: "llama3.2",
    created_at: "2025-11-03T14:22:05Z",
    ...(generate ? { response: "" } : { message: { role: "assistant", content: "" } }),
    done: true,
    done_reason: reason,
  });
  await withServer((_, seen) => {
    const body = seen.body as { keep_alive?: number };
    return Response.json(
      answer(body.keep_alive === 0 ? "unload" : "load", seen.path === "/api/generate"),
    );
  }, async (base) => {
    const ollama = new Ollama({ host: base });
    const load = await ollama.chat({ model: "llama3.2", messages: [] }).result();
    assert.equal(load.text, "");
    assert.equal(load.finishReason, "other");
    assert.equal(load.rawFinishReason, "load");
    assert.deepEqual(load.metrics, {});
    assert.deepEqual(load.usage, {});
    assert.deepEqual(load.timings, {});
    assert.deepEqual(load.lastChunk, answer("load", false));
    const unload = await ollama.chat({ model: "llama3.2", messages: [], keep_alive: 0 }).result();
    assert.equal(unload.finishReason, "other");
    assert.equal(unload.rawFinishReason, "unload");
    const generated = await ollama.generate({ model: "llama3.2", keep_alive: 0 }).result();
    assert.equal(generated.finishReason, "other");
    assert.equal(generated.rawFinishReason, "unload");
    assert.equal(generated.context, undefined);
  });
});

// ---------------------------------------------------------------------------
// Assembly

Deno.test("Ollama results append tool calls per line, keep or make an id, and never drop bad arguments", async () => {
  const call = (id: string, index: number, args: unknown) =>
    chatLine("", {
      message: {
        role: "assistant",
        content: "",
        tool_calls: [{ id, function: { index, name: "f", arguments: args } }],
      },
    });
  const lines = [
    call("a", 0, { x: 1 }),
    call("b", 1, '{"y":2}'),
    call("c", 2, "{not json"),
    chatLine("", {
      message: {
        role: "assistant",
        content: "",
        tool_calls: [{ function: { name: "g", arguments: {} } }, {
          function: { name: "h", arguments: { z: [1] } },
        }],
      },
    }),
    chatDone(),
  ];
  await withServer(() => ndjsonResponse(ndjson(...lines)), async (base) => {
    const stream = new Ollama({ host: base }).chat({ model: "m", messages: [] });
    const { parts, error } = await collectParts(stream);
    assert.equal(error, undefined);
    const result = await stream.result();
    assertPartsAgree(parts, result);
    const { toolCalls } = result;
    assert.equal(toolCalls.length, 5);
    assert.deepEqual(toolCalls[0], { id: "a", name: "f", arguments: { x: 1 } });
    assert.deepEqual(toolCalls[1], { id: "b", name: "f", arguments: { y: 2 } });
    assert.equal(toolCalls[2]!.id, "c");
    assert.equal(toolCalls[2]!.arguments, "{not json");
    assert.equal(typeof toolCalls[2]!.parseError, "string");
    // No id from the server: one is made, so that a tool result can answer the call.
    assert.match(toolCalls[3]!.id, /^call_/);
    assert.deepEqual(toolCalls[3], { id: toolCalls[3]!.id, name: "g", arguments: {} });
    assert.match(toolCalls[4]!.id, /^call_/);
    assert.deepEqual(toolCalls[4], { id: toolCalls[4]!.id, name: "h", arguments: { z: [1] } });
    assert.notEqual(toolCalls[3]!.id, toolCalls[4]!.id);
    // Ollama says "stop" after tool calls: they still want answers.
    assert.equal(result.finishReason, "tool-calls");
    assert.equal(result.rawFinishReason, "stop");
  });
});

Deno.test("Ollama results collect log probabilities and the final line's text", async () => {
  const lines = [
    chatLine("A", { logprobs: [{ token: "A", logprob: -0.1, top_logprobs: [] }] }),
    chatLine("B", { logprobs: [{ token: "B", logprob: -0.2, bytes: [66] }] }),
    chatDone({ message: { role: "assistant", content: "C" } }),
  ];
  await withServer(() => ndjsonResponse(ndjson(...lines)), async (base) => {
    const stream = new Ollama({ host: base }).chat({ model: "m", messages: [], logprobs: true });
    const result = await stream.result();
    assert.equal(result.text, "ABC");
    assert.deepEqual(result.logprobs, [
      { token: "A", logprob: -0.1, top_logprobs: [] },
      { token: "B", logprob: -0.2, bytes: [66] },
    ]);
    assert.deepEqual(result.usage, { inputTokens: 5, outputTokens: 4, totalTokens: 9 });
    assert.equal(result.finishReason, "stop");
    assert.equal(result.rawFinishReason, "stop");
    assert.equal(result.timings.tokensPerSecond, 4 / 400_000 * 1e9);
    assert.equal(result.timings.promptTokensPerSecond, 5 / 500_000 * 1e9);
    assert.equal(result.timings.totalMs, 2);
  });
});

Deno.test("Ollama streams reach callbacks and a handler object", async () => {
  await withServer(
    () => ndjsonResponse(ndjson(chatLine("Hel"), chatLine("lo"), chatDone())),
    async (base) => {
      const texts: string[] = [];
      const finished = Promise.withResolvers<string>();
      const handler = {
        chunks: 0,
        onChunk() {
          this.chunks++;
        },
      };
      new Ollama({ host: base }).chat({ model: "m", messages: [] }, {
        onText: (text) => texts.push(text),
        onFinish: (result) => finished.resolve(result.text),
        handler,
      });
      assert.equal(await finished.promise, "Hello");
      assert.deepEqual(texts, ["Hel", "lo"]);
      assert.equal(handler.chunks, 3);
    },
  );
});

Deno.test("Ollama streams hand reasoning to onReasoning and text to onText", async () => {
  const thinking = (text: string) =>
    chatLine("", { message: { role: "assistant", content: "", thinking: text } });
  await withServer(
    () => ndjsonResponse(ndjson(thinking("Hm"), thinking("m."), chatLine("4"), chatDone())),
    async (base) => {
      const texts: string[] = [];
      const reasoning: string[] = [];
      const stream = new Ollama({ host: base }).chat({ model: "m", messages: [] }, {
        onText: (text) => texts.push(text),
        onReasoning: (text) => reasoning.push(text),
      });
      const result = await stream.result();
      assert.deepEqual(reasoning, ["Hm", "m."]);
      assert.deepEqual(texts, ["4"]);
      assert.equal(result.reasoning, "Hmm.");
      assert.equal(result.text, "4");
    },
  );
});

Deno.test("an exception in an Ollama callback is reported, not the stream's error", async () => {
  await withServer(
    () => ndjsonResponse(ndjson(chatLine("Hel"), chatLine("lo"), chatDone())),
    async (base) => {
      const thrown = new Error("a bug in the caller's callback");
      const reported: unknown[] = [];
      const errors: unknown[] = [];
      const listener = (event: ErrorEvent) => {
        event.preventDefault();
        reported.push(event.error);
      };
      globalThis.addEventListener("error", listener);
      try {
        const stream = new Ollama({ host: base }).chat({ model: "m", messages: [] }, {
          onText: () => {
            throw thrown;
          },
          onError: (error) => errors.push(error),
        });
        const result = await stream.result();
        assert.equal(result.text, "Hello", "the stream goes on");
        await new Promise((resolve) => setTimeout(resolve, 0));
      } finally {
        globalThis.removeEventListener("error", listener);
      }
      assert.deepEqual(reported, [thrown, thrown]);
      assert.deepEqual(errors, [], "onError is for the stream's errors");
    },
  );
});

Deno.test("Ollama methods reject a request without a model name", async () => {
  const ollama = new Ollama({ fetch: () => Promise.reject(new Error("not called")) });
  assert.throws(
    () => ollama.chat({ messages: [] } as never),
    {
      name: "TypeError",
      message: "Ollama.chat() needs a request with a model name: received undefined",
    },
  );
  assert.throws(() => ollama.pull({ model: "" }), TypeError);
  await assert.rejects(() => ollama.show({} as never), TypeError);
  await assert.rejects(() => ollama.embed({ input: "a" } as never), TypeError);
  await assert.rejects(() => ollama.delete({} as never), TypeError);
  await assert.rejects(() => ollama.copy({ source: "a" } as never), TypeError);
});

// ---------------------------------------------------------------------------
// Non-streaming endpoints

const details = {
  parent_model: "",
  format: "gguf",
  family: "llama",
  families: ["llama"],
  parameter_size: "3.2B",
  quantization_level: "Q4_K_M",
};

Deno.test("Ollama's non-streaming methods use the right path, method and body", async () => {
  const answers: Record<string, unknown> = {
    "GET /api/tags": {
      models: [{
        name: "llama3.2:latest",
        model: "llama3.2:latest",
        modified_at: "2025-10-01T10:00:00.5Z",
        size: 2019393189,
        digest: "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
        details,
      }],
    },
    "GET /api/ps": {
      models: [{
        name: "llama3.2:latest",
        model: "llama3.2:latest",
        size: 3_000_000_000,
        digest: "a80c4f17acd5",
        details,
        expires_at: "2025-10-01T10:05:00Z",
        size_vram: 2_000_000_000,
        context_length: 4096,
      }],
    },
    "POST /api/show": {
      modelfile: "FROM llama3.2",
      parameters: 'stop "<|eot_id|>"',
      template: "{{ .Prompt }}",
      details,
      model_info: { "general.architecture": "llama", "llama.context_length": 131072 },
      capabilities: ["completion", "tools"],
      modified_at: "2025-10-01T10:00:00Z",
    },
    "GET /api/version": { version: "0.12.3" },
    "POST /api/embed": {
      model: "all-minilm",
      embeddings: [[0.1, -0.2], [0.3, 0.4]],
      total_duration: 14_143_917,
      load_duration: 1_019_500,
      prompt_eval_count: 8,
    },
  };
  await withServer((_, seen) => {
    const key = `${seen.method} ${seen.path}`;
    if (key in answers) return Response.json(answers[key]);
    return new Response(null, { status: 200 });
  }, async (base, requests) => {
    const ollama = new Ollama({ host: base });
    const list = await ollama.list();
    assert.deepEqual(list, answers["GET /api/tags"]);
    const ps = await ollama.ps();
    assert.equal(ps.models[0]!.size_vram, 2_000_000_000);
    const show = await ollama.show({ model: "llama3.2", verbose: true });
    assert.deepEqual(show.capabilities, ["completion", "tools"]);
    assert.equal((await ollama.version()).version, "0.12.3");
    const embed = await ollama.embed({
      model: "all-minilm",
      input: ["a", "b"],
      truncate: false,
      dimensions: 2,
      keep_alive: "1m",
      options: { num_ctx: 512 },
    });
    assert.deepEqual(embed.embeddings, [[0.1, -0.2], [0.3, 0.4]]);
    assert.equal(await ollama.delete({ model: "mario" }), undefined);
    assert.equal(await ollama.copy({ source: "llama3.2", destination: "backup" }), undefined);

    assert.deepEqual(
      requests.map(({ method, path, body }) => ({ method, path, body })),
      [
        { method: "GET", path: "/api/tags", body: undefined },
        { method: "GET", path: "/api/ps", body: undefined },
        { method: "POST", path: "/api/show", body: { model: "llama3.2", verbose: true } },
        { method: "GET", path: "/api/version", body: undefined },
        {
          method: "POST",
          path: "/api/embed",
          body: {
            model: "all-minilm",
            input: ["a", "b"],
            truncate: false,
            dimensions: 2,
            keep_alive: "1m",
            options: { num_ctx: 512 },
          },
        },
        { method: "DELETE", path: "/api/delete", body: { model: "mario" } },
        { method: "POST", path: "/api/copy", body: { source: "llama3.2", destination: "backup" } },
      ],
    );
    for (const request of requests) assert.equal(request.headers.get("accept"), "application/json");
  });
});

Deno.test("Ollama's non-streaming methods honour the signal and the timeouts", async () => {
  const { promise: stalled, resolve: release } = Promise.withResolvers<void>();
  await withServer(async () => {
    await stalled;
    return Response.json({ version: "0.12.3" });
  }, async (base) => {
    const ollama = new Ollama({ host: base, maxRetries: 0 });
    const controller = new AbortController();
    const reason = new Error("stop");
    const aborted = ollama.version({ signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(aborted, (error) => error === reason);
    await assert.rejects(ollama.list({ timeout: 30 }), { name: "TimeoutError", phase: "headers" });
    release();
  });
});

Deno.test("Ollama pull, push and create stream from their paths, or resolve with stream: false", async () => {
  await withServer((_, seen) => {
    if ((seen.body as { stream: boolean }).stream === false) {
      return Response.json({ status: "success" });
    }
    return ndjsonResponse(ndjson({ status: "working" }, { status: "success" }));
  }, async (base, requests) => {
    const ollama = new Ollama({ host: base });
    const pulled = await ollama.pull({ model: "llama3.2", insecure: true }).result();
    assert.equal(pulled.status, "success");
    const pushed = await ollama.push({ model: "me/m:latest" }).result();
    assert.equal(pushed.progress.done, true);
    const create = {
      model: "mario",
      from: "llama3.2",
      files: { "m.gguf": "sha256:abc" },
      adapters: { "a.gguf": "sha256:def" },
      template: "{{ .Prompt }}",
      license: ["MIT"],
      system: "You are Mario",
      parameters: { temperature: 0.9, stop: ["</s>"] },
      messages: [{ role: "user" as const, content: "hi", images: [new Uint8Array([0])] }],
      quantize: "q4_K_M",
    };
    const created = await ollama.create(create).result();
    assert.equal(created.lastChunk?.status, "success");
    const done: OllamaProgressLine = await ollama.pull({ model: "llama3.2", stream: false });
    assert.deepEqual(done, { status: "success" });
    assert.deepEqual(await ollama.push({ model: "me/m", stream: false }), { status: "success" });
    assert.deepEqual(await ollama.create({ model: "x", from: "y", stream: false }), {
      status: "success",
    });
    assert.deepEqual(
      requests.map(({ method, path, body }) => ({ method, path, body })),
      [
        {
          method: "POST",
          path: "/api/pull",
          body: { model: "llama3.2", insecure: true, stream: true },
        },
        { method: "POST", path: "/api/push", body: { model: "me/m:latest", stream: true } },
        {
          method: "POST",
          path: "/api/create",
          body: {
            ...create,
            messages: [{ role: "user", content: "hi", images: ["AA=="] }],
            stream: true,
          },
        },
        { method: "POST", path: "/api/pull", body: { model: "llama3.2", stream: false } },
        { method: "POST", path: "/api/push", body: { model: "me/m", stream: false } },
        { method: "POST", path: "/api/create", body: { model: "x", from: "y", stream: false } },
      ],
    );
  });
});
