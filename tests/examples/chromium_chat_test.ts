/**
 * Proves the edge chat example (examples/edge) in headless Chromium: the
 * answer renders token by token, and the Stop button aborts the fetch, which
 * cancels the model's request (the mock sees it aborted).
 *
 * Needs Debian's chromium and playwright-core in tools/runtimes/node_modules
 * (`bash tools/runtimes/install.sh`, as root to install chromium); when they
 * are missing the test is ignored, and its name and a warning say why and how
 * to enable it.
 */
import assert from "node:assert/strict";
import { createApp } from "../../examples/edge/app.ts";

const root = new URL("../../", import.meta.url);
const chromiumPath = Deno.env.get("SLUICE_CHROMIUM") ?? "/usr/bin/chromium";
const playwrightPath = new URL("tools/runtimes/node_modules/playwright-core/package.json", root);
const screenshot = new URL("dist/examples/chat.png", root);

function exists(path: string | URL): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Why the test is skipped and the command that enables it, or "" when it runs. */
const skipped = !exists(chromiumPath)
  ? `skipped: no chromium at ${chromiumPath}; enable with: sudo bash tools/runtimes/install.sh`
  : !exists(playwrightPath)
  ? "skipped: playwright-core is not in tools/runtimes/node_modules; " +
    "enable with: bash tools/runtimes/install.sh"
  : "";
if (skipped !== "") console.warn(`chromium_chat_test: ${skipped}`);

const LONG_STORY = Array.from(
  { length: 12 },
  (_, i) => `Chapter ${i + 1}: the river kept flowing, one token at a time.`,
).join(" ");

const SHORT_ANSWER = "sluice streams answers from LLM HTTP APIs with web standards only: " +
  "fetch, Web Streams and AbortSignal. It runs unchanged on Deno, Workers, browsers, Node and Bun.";

interface Sampled {
  samples: string[];
  final: string;
  later: string;
  state: string;
  status: string;
  sendEnabled: boolean;
}

/** Resolves with the value, or rejects after `ms` milliseconds. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test({
  name: "edge chat page streams tokens and Stop cancels the model's request (Chromium)" +
    (skipped === "" ? "" : ` (${skipped})`),
  ignore: skipped !== "",
  async fn() {
    const app = createApp({
      mock: {
        timeToFirstToken: 100,
        tokensPerSecond: 40,
        reply: ({ prompt }) => prompt.includes("long story") ? LONG_STORY : SHORT_ANSWER,
      },
    });
    const mock = app.mock!;
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
    await Deno.mkdir(new URL(".", screenshot), { recursive: true });
    try {
      const child = new Deno.Command("node", {
        args: [
          "tests/examples/chromium_chat.mjs",
          `http://127.0.0.1:${server.addr.port}/`,
          decodeURIComponent(screenshot.pathname),
        ],
        cwd: decodeURIComponent(root.pathname),
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      const output = await child.output().finally(() => clearTimeout(killer));
      const stdout = new TextDecoder().decode(output.stdout);
      const stderr = new TextDecoder().decode(output.stderr);
      const line = stdout.split("\n").find((text) => text.startsWith("CHAT_RESULT "));
      assert.ok(output.success && line, `the browser run failed:\n${stderr}${stdout}`);
      const { full, stopped, errors } = JSON.parse(line.slice("CHAT_RESULT ".length)) as {
        full: Sampled;
        stopped: Sampled;
        errors: string[];
      };
      assert.deepEqual(errors, []);

      // 1. The whole answer, rendered incrementally.
      assert.equal(mock.requests.length, 2);
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
    } finally {
      await server.shutdown();
    }
  },
});
