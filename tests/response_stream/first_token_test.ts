/**
 * `firstTokenTimeout`: a stream that only ever sends keep-alives ends with a
 * `TimeoutError` whose phase is "first-token"; content stops the clock; a
 * stream without content (Ollama's pull) is not subject to it.
 */
import assert from "node:assert/strict";
import { rejection, serve } from "../http/_server.ts";
import { OpenAI } from "../../src/providers/openai/mod.ts";
import { Anthropic } from "../../src/providers/anthropic/mod.ts";
import { TimeoutError } from "../../src/errors/timeout_error.ts";

const chunk = (content: string, finish: string | null = null) =>
  `data: ${
    JSON.stringify({
      id: "c",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta: { content }, finish_reason: finish }],
    })
  }\n\n`;

Deno.test("keep-alive comments only: firstTokenTimeout ends the stream, idleTimeout does not", async () => {
  await using server = serve((_, server) =>
    new Response(server.body([": keep-alive\n\n"], { gap: 10, repeat: ": keep-alive\n\n" }), {
      headers: { "content-type": "text/event-stream" },
    })
  );
  const openai = new OpenAI({ baseURL: server.url, idleTimeout: 60, firstTokenTimeout: 150 });
  const started = performance.now();
  const error = await rejection(openai.chat({ model: "m", messages: [] }).text());
  assert(error instanceof TimeoutError, String(error));
  assert.equal(error.phase, "first-token");
  assert.match(error.message, /No content \(text, reasoning or a tool call\) for 150 ms/);
  assert.equal(error.partial?.text, "");
  assert(performance.now() - started >= 140);
});

Deno.test("Anthropic pings only: the first-token timeout fires", async () => {
  await using server = serve((_, server) =>
    new Response(
      server.body(
        [
          `event: message_start\ndata: ${
            JSON.stringify({
              type: "message_start",
              message: {
                id: "msg",
                type: "message",
                role: "assistant",
                model: "m",
                content: [],
                stop_reason: null,
                usage: { input_tokens: 1, output_tokens: 1 },
              },
            })
          }\n\n`,
        ],
        { gap: 10, repeat: 'event: ping\ndata: {"type":"ping"}\n\n' },
      ),
      { headers: { "content-type": "text/event-stream" } },
    )
  );
  const anthropic = new Anthropic({ baseURL: server.url, firstTokenTimeout: 120 });
  const error = await rejection(
    anthropic.messages({ model: "m", max_tokens: 5, messages: [] }).text(),
  );
  assert(error instanceof TimeoutError && error.phase === "first-token", String(error));
});

Deno.test("the first text stops the first-token clock", async () => {
  await using server = serve((_, server) =>
    new Response(
      server.body([chunk("Hi"), ": keep-alive\n\n", ": keep-alive\n\n", chunk("!", "stop")], {
        gap: 60,
      }),
      { headers: { "content-type": "text/event-stream" } },
    )
  );
  const openai = new OpenAI({ baseURL: server.url, firstTokenTimeout: 100 });
  assert.equal(await openai.chat({ model: "m", messages: [] }).text(), "Hi!");
});

const overloaded = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error",' +
  '"message":"Overloaded"}}\n\n';

function anthropicAnswer(text: string): string {
  const events = [
    {
      type: "message_start",
      message: {
        id: "msg",
        type: "message",
        role: "assistant",
        model: "m",
        content: [],
        stop_reason: null,
        usage: { input_tokens: 1, output_tokens: 1 },
      },
    },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } },
    { type: "content_block_stop", index: 0 },
    { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 2 } },
    { type: "message_stop" },
  ];
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

Deno.test("a 200 whose first event is overloaded_error is retried like a 529", async () => {
  let calls = 0;
  await using server = serve((_, server) =>
    new Response(server.body([calls++ === 0 ? overloaded : anthropicAnswer("Hi")]), {
      headers: { "content-type": "text/event-stream" },
    })
  );
  const anthropic = new Anthropic({ baseURL: server.url, retryDelay: 1 });
  const stream = anthropic.messages({ model: "m", max_tokens: 5, messages: [] });
  const chunks: string[] = [];
  for await (const event of stream) chunks.push(event.type);
  assert.equal((await stream.result()).text, "Hi");
  assert.equal(calls, 2);
  assert.equal(chunks.filter((type) => type === "message_start").length, 1, "no output twice");
});

Deno.test("the first-event error is not retried past maxRetries, nor after output", async () => {
  await using server = serve((_, server) =>
    new Response(server.body([overloaded]), { headers: { "content-type": "text/event-stream" } })
  );
  const anthropic = new Anthropic({ baseURL: server.url, retryDelay: 1, maxRetries: 1 });
  const error = await rejection(
    anthropic.messages({ model: "m", max_tokens: 5, messages: [] }).text(),
  );
  assert.equal((error as Error).name, "ProviderError");
  assert.match((error as Error).message, /overloaded_error mid-stream: Overloaded/);
  assert.equal(server.requests.length, 2, "one try and one retry");

  let calls = 0;
  await using late = serve((_, server) => {
    calls++;
    return new Response(
      server.body([anthropicAnswer("Hi").split("event: content_block_stop")[0]!, overloaded]),
      {
        headers: { "content-type": "text/event-stream" },
      },
    );
  });
  const after = new Anthropic({ baseURL: late.url, retryDelay: 1 });
  const failure = await rejection(
    after.messages({ model: "m", max_tokens: 5, messages: [] }).text(),
  );
  assert.equal((failure as Error).name, "ProviderError");
  assert.equal((failure as { partial?: { text: string } }).partial?.text, "Hi");
  assert.equal(calls, 1, "after output, never retried");
});

Deno.test("keep-alive comments ahead of the first event are held for the probe up to 64 KiB only", async () => {
  // A gateway that queues the request sends comments until the model starts. The probe for a
  // retryable first event holds what it read for the real parse: up to 64 KiB, then it gives up
  // waiting for the first event (and a first-event error past that is not retried).
  const comments = (bytes: number) => ": PROCESSING\n\n".repeat(Math.ceil(bytes / 14));
  // The body in reads of 1 KiB, as comments trickle in.
  const inReads = (text: string) => {
    const bytes = new TextEncoder().encode(text);
    let at = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, at += 1024));
      },
    });
  };
  for (const [before, retried] of [[1_000, true], [100_000, false]] as const) {
    let calls = 0;
    const anthropic = new Anthropic({
      apiKey: "k",
      retryDelay: 1,
      fetch: () =>
        Promise.resolve(
          new Response(
            inReads(calls++ === 0 ? comments(before) + overloaded : anthropicAnswer("Hi")),
            {
              headers: { "content-type": "text/event-stream" },
            },
          ),
        ),
    });
    const stream = anthropic.messages({ model: "m", max_tokens: 5, messages: [] });
    if (retried) assert.equal(await stream.text(), "Hi", `${before} bytes of comments`);
    else {
      const error = await rejection(stream.text());
      assert.equal((error as Error).name, "ProviderError", `${before} bytes of comments`);
    }
    assert.equal(calls, retried ? 2 : 1, `${before} bytes of comments`);
  }
});
