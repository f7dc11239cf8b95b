import assert from "node:assert/strict";
import { Gemini } from "../../../src/providers/gemini/mod.ts";
import { assertPartsAgree, collectParts } from "../../_parts.ts";
import { fakeFetch } from "../anthropic/_helpers.ts";
import { sseBody, transcripts } from "./_transcripts.ts";

const contents = [{ role: "user" as const, parts: [{ text: "Hi" }] }];
const text = new TextEncoder().encode(
  sseBody(transcripts.find((t) => t.name === "text")!.events),
);

Deno.test("Gemini builds the method URL from baseURL and the model, and never puts the key in it", async () => {
  const cases = [
    [
      {},
      "gemini-2.5-flash",
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash",
    ],
    [
      { baseURL: "https://proxy.example/v1beta/" },
      "models/gemini-2.5-pro",
      "https://proxy.example/v1beta/models/gemini-2.5-pro",
    ],
    [
      { baseUrl: "https://proxy.example/v1" },
      "tunedModels/mine-1",
      "https://proxy.example/v1/tunedModels/mine-1",
    ],
  ] as const;
  for (const [options, model, url] of cases) {
    const fetch = fakeFetch([text]);
    const gemini = new Gemini({ ...options, apiKey: "AIza-key-0123456789", fetch });
    await gemini.generateContent({ model, contents }).result();
    const request = fetch.calls[0]!;
    assert.equal(request.url, `${url}:streamGenerateContent?alt=sse`);
    assert.equal(request.method, "POST");
    assert.equal(request.headers.get("accept"), "text/event-stream");
    assert.equal(request.headers.get("x-goog-api-key"), "AIza-key-0123456789");
    assert.deepEqual(await request.json(), { contents });
  }
  const whole = fakeFetch([new TextEncoder().encode("{}")], {
    headers: { "content-type": "application/json" },
  });
  await new Gemini({ fetch: whole }).generateContent({ model: "m", contents, stream: false });
  assert.equal(
    whole.calls[0]!.url,
    "https://generativelanguage.googleapis.com/v1beta/models/m:generateContent",
  );
  assert.equal(whole.calls[0]!.headers.get("accept"), "application/json");
  assert.equal(whole.calls[0]!.headers.has("x-goog-api-key"), false);
});

Deno.test("Gemini rejects a bad baseURL and a missing model with TypeError", async () => {
  assert.throws(() => new Gemini({ baseURL: "not a url" }), TypeError);
  const gemini = new Gemini({ fetch: fakeFetch([text]) });
  assert.throws(() => gemini.generateContent({ model: "", contents }), TypeError);
  await assert.rejects(gemini.generateContent({ model: "", contents, stream: false }), TypeError);
});

Deno.test("Gemini feeds the parts from the first candidate and assembles every candidate", async () => {
  const events = [
    {
      candidates: [
        { content: { role: "model", parts: [{ text: "A" }] }, index: 0 },
        { content: { role: "model", parts: [{ text: "B" }] }, index: 1 },
      ],
    },
    {
      candidates: [
        { content: { role: "model", parts: [{ text: "a" }] }, index: 1, finishReason: "STOP" },
        {
          content: { role: "model", parts: [{ text: "b" }] },
          index: 0,
          finishReason: "MAX_TOKENS",
        },
      ],
    },
  ];
  const stream = new Gemini({ fetch: fakeFetch([new TextEncoder().encode(sseBody(events))]) })
    .generateContent({ model: "m", contents, generationConfig: { candidateCount: 2 } });
  const { parts } = await collectParts(stream);
  const result = await stream.result();
  assertPartsAgree(parts, result);
  assert.equal(result.text, "Ab");
  assert.equal(result.rawFinishReason, "MAX_TOKENS");
  assert.deepEqual(result.candidates.map((c) => [c.index, c.content?.parts, c.finishReason]), [
    [0, [{ text: "Ab" }], "MAX_TOKENS"],
    [1, [{ text: "Ba" }], "STOP"],
  ]);
});

Deno.test("Gemini keeps a function call whose arguments stream in pieces as raw, not as an empty call", async () => {
  const partial = {
    functionCall: {
      name: "f",
      partialArgs: [{ jsonPath: "$.city", stringValue: "Li" }],
      willContinue: true,
    },
  };
  const events = [
    { candidates: [{ content: { role: "model", parts: [partial] }, index: 0 }] },
    {
      candidates: [{
        content: { role: "model", parts: [{ text: "ok" }] },
        index: 0,
        finishReason: "STOP",
      }],
    },
  ];
  const stream = new Gemini({ fetch: fakeFetch([new TextEncoder().encode(sseBody(events))]) })
    .generateContent({ model: "m", contents });
  const { parts } = await collectParts(stream);
  const result = await stream.result();
  assert.deepEqual(result.toolCalls, []);
  assert.deepEqual(parts.filter((p) => p.type === "raw"), [{ type: "raw", value: partial }]);
  assert.deepEqual(result.content.parts, [partial, { text: "ok" }]);
});

Deno.test("an empty text part that carries a signature joins the text before it", async () => {
  const events = [
    { candidates: [{ content: { role: "model", parts: [{ text: "Hel" }] }, index: 0 }] },
    { candidates: [{ content: { role: "model", parts: [{ text: "lo" }] }, index: 0 }] },
    {
      candidates: [{
        content: { role: "model", parts: [{ text: "", thoughtSignature: "sig" }] },
        index: 0,
        finishReason: "STOP",
      }],
    },
  ];
  const result = await new Gemini({
    fetch: fakeFetch([new TextEncoder().encode(sseBody(events))]),
  }).generateContent({ model: "m", contents }).result();
  assert.deepEqual(result.content.parts, [{ text: "Hello", thoughtSignature: "sig" }]);
});

Deno.test("a 404 from a baseURL without the API version says so", async () => {
  const body = new TextEncoder().encode(JSON.stringify({
    error: { code: 404, message: "Not Found", status: "NOT_FOUND" },
  }));
  const fetch = fakeFetch([body], { status: 404, headers: { "content-type": "application/json" } });
  const gemini = new Gemini({ baseURL: "https://generativelanguage.googleapis.com", fetch });
  const error = await gemini.generateContent({ model: "m", contents }).result().then(
    () => undefined,
    (e) => e as Error,
  );
  assert.equal(
    error?.message,
    "HTTP 404: Not Found (baseURL should end with the API version, e.g. /v1beta)",
  );
  assert.equal(
    fetch.calls[0]!.url,
    "https://generativelanguage.googleapis.com/models/m:streamGenerateContent?alt=sse",
  );
});
