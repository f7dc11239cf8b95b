/**
 * Proves the Cloudflare Worker example (examples/worker/worker.ts) inside
 * workerd: bundles it with esbuild, serves it with `workerd serve` on a free
 * loopback port, posts a prompt and checks that the SSE answer arrives as
 * several text deltas spread over time, and that a model server that is down
 * is answered with a real status (502); then stops workerd.
 *
 * Needs esbuild and workerd in tools/runtimes/node_modules
 * (`bash tools/runtimes/install.sh`); when they are missing the test is
 * ignored, and its name and a warning say why and how to enable it.
 */
import assert from "node:assert/strict";
import { decodeServerSentEvents } from "../../mod.ts";

const root = new URL("../../", import.meta.url);
const rootPath = decodeURIComponent(root.pathname);
const bin = (name: string) => `${rootPath}tools/runtimes/node_modules/.bin/${name}`;
const outDir = `${rootPath}dist/examples/worker/`;
/** Between 2022-11-30 (stream constructors) and the workerd binary's build date. */
const COMPATIBILITY_DATE = "2025-06-01";

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

const missing = ["esbuild", "workerd"].find((name) => !exists(bin(name)));
/** Why the test is skipped and the command that enables it, or "" when it runs. */
const skipped = missing === undefined
  ? ""
  : `skipped: ${missing} is not in tools/runtimes/node_modules; ` +
    "enable with: bash tools/runtimes/install.sh";
if (skipped !== "") console.warn(`worker_test: ${skipped}`);

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until workerd accepts connections (or gives up after `ms`). */
async function waitForPort(port: number, ms: number, exited: () => boolean): Promise<void> {
  const deadline = performance.now() + ms;
  while (true) {
    try {
      const connection = await Deno.connect({ hostname: "127.0.0.1", port });
      connection.close();
      return;
    } catch (error) {
      if (exited()) throw new Error("workerd exited before listening");
      if (performance.now() > deadline) throw error;
      await delay(25);
    }
  }
}

Deno.test({
  name: "the Worker example streams an SSE answer incrementally inside workerd" +
    (skipped === "" ? "" : ` (${skipped})`),
  ignore: skipped !== "",
  async fn() {
    await Deno.mkdir(outDir, { recursive: true });
    const bundled = await new Deno.Command(bin("esbuild"), {
      args: [
        "examples/worker/worker.ts",
        "--bundle",
        "--format=esm",
        "--platform=neutral",
        "--target=es2022",
        `--outfile=${outDir}worker.mjs`,
        "--log-level=warning",
      ],
      cwd: rootPath,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(bundled.success, new TextDecoder().decode(bundled.stderr));

    const port = freePort();
    const downPort = freePort();
    const closedPort = freePort();
    await Deno.writeTextFile(
      `${outDir}worker.capnp`,
      `# Written by tests/examples/worker_test.ts.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .chat),
    (name = "down", worker = .chatDown),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:${port}", http = (), service = "main"),
    (name = "down", address = "127.0.0.1:${downPort}", http = (), service = "down"),
  ],
);

const chat :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "worker.mjs")],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);

# The same Worker with a model server that is down (nothing listens there).
const chatDown :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "worker.mjs")],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  bindings = [(name = "OLLAMA_HOST", text = "http://127.0.0.1:${closedPort}")],
  globalOutbound = "loopback",
);
`,
    );
    const child = new Deno.Command(bin("workerd"), {
      // The Worker's console.log goes to stdout; workerd's own messages to stderr.
      args: ["serve", `${outDir}worker.capnp`],
      cwd: rootPath,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let exited = false;
    const status = child.status.finally(() => exited = true);
    let log = "";
    const collect = (stream: ReadableStream<Uint8Array>) =>
      stream.pipeThrough(new TextDecoderStream()).pipeTo(
        new WritableStream({ write: (text) => void (log += text) }),
      );
    const output = Promise.all([collect(child.stdout), collect(child.stderr)]).then(() => log);
    try {
      await waitForPort(port, 5_000, () => exited);

      const started = performance.now();
      const response = await fetch(`http://127.0.0.1:${port}/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt: "Why stream answers?" }),
        signal: AbortSignal.timeout(8_000),
      });
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
      const deltas: { text: string; at: number }[] = [];
      let done = false;
      for await (const event of decodeServerSentEvents(response.body!)) {
        assert.notEqual(event.event, "error", event.data);
        const chunk = JSON.parse(event.data);
        if (chunk.message?.content) {
          deltas.push({ text: chunk.message.content, at: performance.now() - started });
        }
        if (chunk.done) done = true;
      }
      assert.ok(done, "the final chunk (done: true) arrived");
      assert.ok(deltas.length >= 5, `several text deltas, got ${deltas.length}`);
      const text = deltas.map((delta) => delta.text).join("");
      assert.ok(text.length > 40, text);
      // Paced at 40 tokens/s: the deltas arrive spread over time, not at once.
      const spread = deltas.at(-1)!.at - deltas[0]!.at;
      assert.ok(
        spread > (deltas.length - 1) * 10,
        `deltas spread over ${spread.toFixed(0)} ms`,
      );
      const distinctTimes = new Set(deltas.map((delta) => Math.round(delta.at / 5)));
      assert.ok(distinctTimes.size >= 3, "at least three deltas arrive at different times");

      // The client goes away mid-answer: workerd cancels the body, sluice aborts
      // the model's request, and the mock (inside the Worker) logs that it saw it.
      const controller = new AbortController();
      const aborted = await fetch(`http://127.0.0.1:${port}/api/chat`, {
        method: "POST",
        body: JSON.stringify({ prompt: "Tell me more" }),
        signal: controller.signal,
      });
      const reader = aborted.body!.getReader();
      assert.equal((await reader.read()).done, false);
      controller.abort();
      await reader.read().catch(() => {});
      const deadline = performance.now() + 3_000;
      while (!log.includes("/api/chat: aborted") && performance.now() < deadline) {
        await delay(20);
      }
      assert.match(log, /mock upstream POST \/api\/chat: aborted/);

      // A bad request is answered with a JSON error, not a stream.
      const bad = await fetch(`http://127.0.0.1:${port}/api/chat`, {
        method: "POST",
        body: JSON.stringify({ prompt: "" }),
      });
      assert.equal(bad.status, 400);
      assert.match((await bad.json()).error.message, /prompt/);

      // The model server is down: a real status (502) with a JSON error, not a 200.
      const down = await fetch(`http://127.0.0.1:${downPort}/api/chat`, {
        method: "POST",
        body: JSON.stringify({ prompt: "Hi" }),
        signal: AbortSignal.timeout(8_000),
      });
      assert.equal(down.status, 502, await down.clone().text());
      assert.equal(down.headers.get("content-type"), "application/json; charset=utf-8");
      // workerd's fetch rejects with a plain Error ("Network connection lost.").
      assert.ok((await down.json()).error.message);
    } catch (error) {
      if (!exited) child.kill("SIGTERM");
      await status;
      throw new Error(`${error}\nworkerd output:\n${await output}`, { cause: error });
    }
    child.kill("SIGTERM");
    const { signal } = await status;
    await output;
    assert.ok(signal === "SIGTERM" || exited, "workerd stopped");
  },
});
