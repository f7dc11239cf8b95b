/**
 * `toResponse({ format: "ui-message" })` read by the real `ai` package in
 * headless Chromium: its `AbstractChat` (the engine of `useChat`) with
 * `DefaultChatTransport`, bundled by esbuild into the page, against sluice
 * edge handlers served by Deno. A provider stream and a unified tool loop end
 * `ready` with the expected message parts; an upstream error (a real 404) and
 * a mid-stream error end `error` with the message; Stop aborts the upstream
 * request (the mock sees it aborted). The same turns run in Deno in
 * tests/response_stream/ui_message_test.ts.
 *
 * Needs Debian's chromium, and playwright-core, esbuild and ai in
 * tools/runtimes/node_modules (`bash tools/runtimes/install.sh`); when they
 * are missing the test is ignored, and its name and a warning say why and how
 * to enable it.
 */
import assert from "node:assert/strict";
import { Ollama } from "../../mod.ts";
import { createMockServer } from "../../src/testing/mod.ts";
import { anthropic, streamText } from "../../src/unified/mod.ts";
import { BODIES, fakeFetch } from "../unified/_fakes.ts";
import { bundleForBrowser, root, runDriver, skipReason, within } from "./_chromium.ts";

const skipped = skipReason(["playwright-core", "esbuild", "ai"]);
if (skipped !== "") console.warn(`ai_chat_chromium_test: ${skipped}`);

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>ai chat against sluice</title><link rel="icon" href="data:,"></head>
<body><script type="module" src="/ai_chat.js"></script></body>
</html>
`;

/** The UI message stream of an Ollama stream whose model fails after one chunk. */
function brokenOllama(): Ollama {
  const body = JSON.stringify({ message: { role: "assistant", content: "Hel" }, done: false }) +
    "\n" + JSON.stringify({ error: "the model crashed" }) + "\n";
  return new Ollama({
    fetch: () =>
      Promise.resolve(new Response(body, { headers: { "content-type": "application/x-ndjson" } })),
    maxRetries: 0,
  });
}

/** A unified tool loop: reasoning, a tool call and its result, then the answer. */
function toolLoop(): Promise<Response> {
  const { fetch } = fakeFetch([
    BODIES.anthropic({
      reasoning: "Check the weather.",
      text: ["Let me check."],
      toolCalls: [{ id: "call_w1", name: "weather", args: { city: "Paris" } }],
      finish: "tool",
      input: 20,
      output: 8,
    }),
    BODIES.anthropic({ text: ["Sunny", " and 21°C."], finish: "stop", input: 40, output: 6 }),
  ]);
  return streamText({
    model: anthropic("claude-sonnet-4-6", { fetch, apiKey: "sk-ant-test", retryDelay: 1 }),
    prompt: "Weather in Paris?",
    tools: {
      weather: {
        parameters: { type: "object", properties: { city: { type: "string" } } },
        execute: () => ({ sky: "sunny", celsius: 21 }),
      },
    },
    maxSteps: 3,
  }).toResponse({ format: "ui-message" });
}

interface Outcome {
  status: string;
  error: string | null;
  parts: Record<string, unknown>[];
  textAtStop: string | null;
}

Deno.test({
  name: "ui-message: the ai package's chat in Chromium ends ready, error, or stopped upstream" +
    (skipped === "" ? "" : ` (${skipped})`),
  ignore: skipped !== "",
  async fn() {
    await bundleForBrowser("tests/examples/ai_chat_page.ts", "dist/examples/ai_chat.js", {
      "npm:ai@7.0.173": "ai",
    });
    const bundle = await Deno.readFile(new URL("dist/examples/ai_chat.js", root));
    const text = new Ollama({
      fetch: createMockServer({
        timeToFirstToken: 0,
        tokensPerSecond: Infinity,
        reply: "Hi there, friend.",
      }).fetch,
    });
    const missing = new Ollama({ fetch: createMockServer({ models: ["llama3.2"] }).fetch });
    const slowMock = createMockServer({ timeToFirstToken: 0, tokensPerSecond: 20 });
    const slow = new Ollama({ fetch: slowMock.fetch });
    const ask = (ollama: Ollama, model = "llama3.2") =>
      ollama.chat({ model, messages: [{ role: "user", content: "Hello" }] })
        .toResponse({ format: "ui-message" });
    const seen: unknown[] = [];
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      async (request) => {
        const { pathname } = new URL(request.url);
        if (request.method === "GET") {
          return pathname === "/"
            ? new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } })
            : pathname === "/ai_chat.js"
            ? new Response(bundle, { headers: { "content-type": "text/javascript" } })
            : new Response("Not found", { status: 404 });
        }
        seen.push(await request.json());
        switch (pathname) {
          case "/api/text":
            return await ask(text);
          case "/api/tools":
            return await toolLoop();
          case "/api/missing":
            return await ask(missing, "llama9");
          case "/api/broken":
            return await ask(brokenOllama());
          case "/api/story":
            return await ask(slow);
        }
        return new Response("Not found", { status: 404 });
      },
    );
    try {
      const result = await runDriver(
        "tests/examples/ai_chat_chromium.mjs",
        [`http://127.0.0.1:${server.addr.port}/`],
        "AI_RESULT",
      ) as Record<"text" | "tools" | "missing" | "broken" | "stopped", Outcome> & {
        errors: string[];
        userAgent: string;
      };
      assert.match(result.userAgent, /HeadlessChrome/);
      // The 404 is logged by Chromium as a failed resource load.
      assert.deepEqual(result.errors.filter((text) => !/status of 404/.test(text)), []);
      // The ai package posted its UI messages.
      const first = seen[0] as { messages: { role: string; parts: { text: string }[] }[] };
      assert.equal(first.messages.at(-1)?.parts[0]?.text, "Hello");

      // A provider stream: ready, with the text done.
      assert.equal(result.text.status, "ready", String(result.text.error));
      assert.deepEqual(result.text.parts.map((part) => part.type), ["step-start", "text"]);
      assert.equal(result.text.parts[1]!.text, "Hi there, friend.");
      assert.equal(result.text.parts[1]!.state, "done");

      // A unified tool loop: reasoning, the tool call with its output, the second step.
      const tools = result.tools;
      assert.equal(tools.status, "ready", String(tools.error));
      assert.deepEqual(tools.parts.map((part) => part.type), [
        "step-start",
        "reasoning",
        "text",
        "tool-weather",
        "step-start",
        "text",
      ]);
      assert.equal(tools.parts[1]!.text, "Check the weather.");
      assert.equal(tools.parts[3]!.state, "output-available");
      assert.deepEqual(tools.parts[3]!.input, { city: "Paris" });
      assert.deepEqual(tools.parts[3]!.output, { sky: "sunny", celsius: 21 });
      assert.equal(tools.parts[5]!.text, "Sunny and 21°C.");

      // An upstream error before any output (a real 404): error, with the provider's message.
      assert.equal(result.missing.status, "error");
      assert.match(result.missing.error ?? "", /llama9/);

      // A mid-stream error: error, with the message; the partial text kept.
      assert.equal(result.broken.status, "error");
      assert.match(result.broken.error ?? "", /the model crashed/);
      const partial = result.broken.parts.find((part) => part.type === "text");
      assert.equal(partial?.text, "Hel");

      // Stop: ready, the text so far kept, and the upstream request aborted.
      const stopped = result.stopped;
      assert.equal(stopped.status, "ready", String(stopped.error));
      assert.ok((stopped.textAtStop ?? "") !== "", "stopped while streaming text");
      const request = slowMock.requests[0]!;
      assert.equal(await within(request.settled, 3_000, "the upstream request settled"), "aborted");
      assert.equal(request.aborted, true);
    } finally {
      await server.shutdown();
    }
  },
});
