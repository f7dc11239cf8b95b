/**
 * Proves the edge chat example (examples/edge) in headless Chromium: the page
 * reads the answer with sluice's `fromResponse`, bundled by `deno task
 * edge:build` (no hand-written SSE parser is left); the answer renders token
 * by token; the Stop button cancels the stream, which aborts the fetch and
 * the model's request (the mock sees it aborted); a mid-stream error and a
 * model server that is down (a real 502) are shown; a screenshot of each state.
 *
 * Needs Debian's chromium and playwright-core in tools/runtimes/node_modules
 * (`bash tools/runtimes/install.sh`, as root to install chromium); when they
 * are missing the test is ignored, and its name and a warning say why and how
 * to enable it.
 */
import assert from "node:assert/strict";
import { createApp } from "../../examples/edge/app.ts";
import { exists, root, rootPath, runDriver, skipReason, within } from "./_chromium.ts";

const screenshot = new URL("dist/examples/chat.png", root);

/** Why the test is skipped and the command that enables it, or "" when it runs. */
const skipped = skipReason(["playwright-core"]);
if (skipped !== "") console.warn(`chromium_chat_test: ${skipped}`);

const LONG_STORY = Array.from(
  { length: 12 },
  (_, i) => `Chapter ${i + 1}: the river kept flowing, one token at a time.`,
).join(" ");

const SHORT_ANSWER = "sluice streams answers from LLM HTTP APIs with web standards only: " +
  "fetch, Web Streams and AbortSignal. It runs unchanged on Deno, Workers, browsers, Node and Bun.";

const HTML_ANSWER = "**Bold** words, `code` and <img src=x onerror=alert(1)> stay text.";

interface Sampled {
  samples: string[];
  final: string;
  later: string;
  state: string;
  status: string;
  sendEnabled: boolean;
}

Deno.test({
  name: "edge chat page streams tokens and Stop cancels the model's request (Chromium)" +
    (skipped === "" ? "" : ` (${skipped})`),
  ignore: skipped !== "",
  async fn() {
    // The page's script, bundled with sluice by the command the README gives.
    const built = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "edge:build"],
      cwd: rootPath,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(built.success, new TextDecoder().decode(built.stderr));
    const source = await Deno.readTextFile(new URL("examples/edge/chat.js", root));
    assert.match(source, /import \{ fromResponse, HttpError \} from "\.\.\/\.\.\/mod\.ts"/);
    for (const handParsed of [/getReader/, /TextDecoder/, /data:/, /event:/, /JSON\.parse/]) {
      assert.doesNotMatch(source, handParsed, "no hand-written stream parsing is left");
    }
    const app = createApp({
      mock: {
        timeToFirstToken: 100,
        tokensPerSecond: 40,
        reply: ({ prompt }) =>
          prompt.includes("long story")
            ? LONG_STORY
            : prompt.includes("html")
            ? HTML_ANSWER
            : SHORT_ANSWER,
      },
    });
    const mock = app.mock!;
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
    // A model that fails after a few tokens, and a model server that is down.
    const failing = createApp({
      model: "llama3.2:fault=error-after:6",
      mock: { timeToFirstToken: 50, tokensPerSecond: 40, reply: SHORT_ANSWER },
    });
    const failingServer = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      failing.fetch,
    );
    const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const closedPort = (closed.addr as Deno.NetAddr).port;
    closed.close();
    const down = createApp({ ollamaHost: `http://127.0.0.1:${closedPort}` });
    const downServer = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, down.fetch);
    await Deno.mkdir(new URL(".", screenshot), { recursive: true });
    try {
      const result = await runDriver("tests/examples/chromium_chat.mjs", [
        `http://127.0.0.1:${server.addr.port}/`,
        decodeURIComponent(screenshot.pathname),
        `http://127.0.0.1:${failingServer.addr.port}/`,
        `http://127.0.0.1:${downServer.addr.port}/`,
      ], "CHAT_RESULT");
      const { bundle, full, stopped, after, markdown, error, down, errors } = result as {
        bundle: { loaded: boolean; text?: string; script?: string[] };
        full: Sampled;
        stopped: Sampled;
        after: Sampled;
        markdown: Sampled & { strong: number; code: number; img: number };
        error: Sampled & { note: string | null; failed: number };
        down: Sampled & { note: string | null; failed: number };
        errors: string[];
      };
      // The down server's 502 is logged by Chromium as a failed resource load.
      assert.deepEqual(errors.filter((text) => !/status of 502/.test(text)), []);

      // 0. The page runs the bundled sluice: its fromResponse reads a stream in Chromium.
      assert.deepEqual(bundle, { loaded: true, text: "from the bundle", script: ["/chat.js"] });
      const served = await (await app.fetch(new Request("http://localhost/chat.js"))).text();
      assert.equal(served, await Deno.readTextFile(new URL("dist/edge/chat.js", root)));
      assert.match(served, /function fromResponse\(/);
      // Only what the page uses is bundled: the provider clients and the unified layer
      // (reached from mod.ts's re-exports) are shaken out.
      for (const unused of ["/api/generate", "/api/embed", "function createModel("]) {
        assert.ok(!served.includes(unused), `the bundle carries unused code (${unused})`);
      }

      // 1. The whole answer, rendered incrementally.
      assert.equal(mock.requests.length, 4);
      const first = mock.requests[0]!;
      assert.equal(first.path, "/api/chat");
      assert.equal(await within(first.settled, 2_000, "first request settled"), "completed");
      assert.equal(full.state, "done");
      assert.match(full.status, /^Done: \d+ tokens/);
      assert.ok(full.final.length > 20, `a real answer: '${full.final}'`);
      assert.equal(full.later, full.final);
      const partials = full.samples.filter((text) => text !== full.final);
      assert.ok(
        partials.length >= 3,
        `at least three intermediate renderings, got ${partials.length}: ${
          JSON.stringify(full.samples)
        }`,
      );
      for (const text of full.samples) assert.ok(full.final.startsWith(text), `prefix: '${text}'`);

      // 2. Stop mid-stream: the page ends the answer, the model's request is aborted.
      const second = mock.requests[1]!;
      assert.equal(await within(second.settled, 2_000, "second request settled"), "aborted");
      assert.equal(second.aborted, true);
      const sentMessages = (second.body as { messages: { role: string }[] }).messages;
      assert.deepEqual(sentMessages.map((m) => m.role), ["user", "assistant", "user"]);
      assert.equal(stopped.state, "stopped");
      assert.match(stopped.status, /^Stopped after \d+ tokens/);
      assert.ok(stopped.sendEnabled, "Send is enabled again");
      assert.ok(stopped.samples.length >= 3, JSON.stringify(stopped.samples));
      assert.ok(stopped.final.length > 0 && LONG_STORY.startsWith(stopped.final));
      assert.ok(stopped.final.length < LONG_STORY.length, "stopped before the end");
      assert.equal(stopped.later, stopped.final, "nothing renders after Stop");
      assert.ok(exists(screenshot), "the screenshot was written");

      // 3. The turn after the stop sends the stopped answer back marked as cut off.
      assert.equal(after.state, "done");
      const third = mock.requests[2]!.body as { messages: { role: string; content: string }[] };
      assert.deepEqual(third.messages.map((m) => m.role), [
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
      ]);
      assert.equal(third.messages[1]!.content, full.final);
      assert.ok(third.messages[3]!.content.startsWith(stopped.final));
      assert.match(third.messages[3]!.content, /\[This answer was cut off \(stopped\)/);

      // 4. Markdown renders with DOM nodes only: the model's HTML is shown as text.
      assert.equal(markdown.state, "done");
      assert.equal(markdown.strong, 1);
      assert.equal(markdown.code, 1);
      assert.equal(markdown.img, 0);
      assert.match(markdown.final, /<img src=x onerror=alert\(1\)>/);

      // 5. A mid-stream error: the partial answer stays readable, marked, the error beside it.
      assert.equal(error.state, "error");
      assert.ok(error.final.length > 0 && SHORT_ANSWER.startsWith(error.final), error.final);
      assert.equal(error.failed, 1);
      assert.match(error.note ?? "", /^The answer failed: /);
      assert.match(error.status, /^Error: /);

      // 6. The model server is down: a real status (502), shown as an error, no partial.
      assert.equal(down.state, "error");
      assert.equal(down.final, "(no answer)");
      assert.match(down.note ?? "", /^The answer failed: HTTP 502: .*127\.0\.0\.1/);
      for (const state of ["streaming", "done", "stopped", "markdown", "error", "down"]) {
        const path = new URL(`dist/examples/chat-${state}.png`, root);
        assert.ok(exists(path), `the ${state} screenshot was written`);
      }
    } finally {
      await server.shutdown();
      await failingServer.shutdown();
      await downServer.shutdown();
    }
  },
});
