/**
 * Runs every example (and the demo) as a subprocess, offline: the environment
 * is cleared (no OLLAMA_HOST, OPENAI_API_KEY, … leaks in), there is no
 * `--allow-net` (a request to a real host would fail the run), and
 * `SLUICE_MOCK_FAST=1` removes the mock's pacing unless a test needs it.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const decoder = new TextDecoder();
/** What a subprocess needs to find Deno's cache; nothing about providers. */
const PASS_THROUGH = ["HOME", "PATH", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"];
/** Granted so that the examples really look; the cleared environment has none of them. */
const ENV_FLAG = "--allow-env=" + [
  "SLUICE_MOCK_FAST",
  "SLUICE_MODEL",
  "OLLAMA_HOST",
  "OPENAI_BASE_URL",
  "OPENAI_API_KEY",
  "ANTHROPIC_API_KEY",
].join(",");

interface RunOptions {
  args?: string[];
  /** Keep the mock's realistic pacing. */
  paced?: boolean;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Kill the process after this many milliseconds. */
  limit?: number;
}

/** A running example whose output is collected as it arrives. */
class Run {
  stdout = "";
  stderr = "";
  readonly child: Deno.ChildProcess;
  readonly status: Promise<Deno.CommandStatus>;
  #waiters: (() => void)[] = [];
  #killer: ReturnType<typeof setTimeout>;

  constructor(example: string, options: RunOptions = {}) {
    const env: Record<string, string> = {};
    for (const name of PASS_THROUGH) {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    }
    if (!options.paced) env.SLUICE_MOCK_FAST = "1";
    Object.assign(env, options.env);
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", ENV_FLAG, `examples/${example}`, ...(options.args ?? [])],
      cwd: ROOT,
      clearEnv: true,
      env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const limit = options.limit ?? 8_000;
    this.#killer = setTimeout(() => this.child.kill("SIGKILL"), limit);
    const collect = async (stream: ReadableStream<Uint8Array>, key: "stdout" | "stderr") => {
      for await (const bytes of stream) {
        this[key] += decoder.decode(bytes, { stream: true });
        for (const wake of this.#waiters.splice(0)) wake();
      }
    };
    const read = Promise.all([
      collect(this.child.stdout, "stdout"),
      collect(this.child.stderr, "stderr"),
    ]);
    this.status = Promise.all([this.child.status, read]).then(([status]) => {
      clearTimeout(this.#killer);
      for (const wake of this.#waiters.splice(0)) wake();
      return status;
    });
  }

  /** Writes lines to stdin; `end` closes it (EOF). */
  async input(text: string, end = false): Promise<void> {
    const writer = this.child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(text));
    if (end) await writer.close();
    else writer.releaseLock();
  }

  /** Resolves once stdout matches (fails if the process ends first). */
  async waitFor(pattern: RegExp): Promise<void> {
    let ended = false;
    this.status.then(() => ended = true);
    while (!pattern.test(this.stdout)) {
      if (ended) assert.fail(`Ended before ${pattern}:\n${this.stdout}\n${this.stderr}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Waits for the end: exit code 0 and nothing on stderr, else the output in the message. */
  async success(): Promise<string> {
    const { code, signal } = await this.status;
    assert.equal(code, 0, `exit ${code} ${signal ?? ""}\n${this.stdout}\n${this.stderr}`);
    assert.equal(this.stderr, "");
    return this.stdout;
  }
}

async function run(example: string, options: RunOptions & { stdin?: string } = {}) {
  const process = new Run(example, options);
  await process.input(options.stdin ?? "", true);
  return await process.success();
}

function includes(output: string, ...parts: (string | RegExp)[]) {
  for (const part of parts) {
    if (typeof part === "string") assert.ok(output.includes(part), `'${part}' in:\n${output}`);
    else assert.match(output, part);
  }
}

Deno.test("demo streams an answer offline and prints the statistics", async () => {
  const output = await run("demo.ts");
  includes(
    output,
    "the in-process mock",
    "> Why do LLM APIs stream their answers?",
    /time to first token \d+ ms · [\d.]+ tokens\/s · \d+ tokens · [\d.]+ s · \d+ chunks, \d+ bytes · finish: stop/,
  );
  assert.ok(!output.includes("\x1b"), "no terminal codes when stdout is not a terminal");
});

Deno.test("demo takes the prompt from the arguments", async () => {
  includes(
    await run("demo.ts", { args: ["Why", "is", "the", "sky", "blue?"] }),
    "> Why is the sky blue?",
  );
});

Deno.test("demo stops at Ctrl+C, aborting the request, and exits 0", async () => {
  const process = new Run("demo.ts", { paced: true });
  await process.input("", true);
  await process.waitFor(/\?\n\n\S+/); // the first token, after the prompt
  process.child.kill("SIGINT");
  const output = await process.success();
  includes(output, "(stopped)", /time to first token \d+ ms/);
  assert.ok(!output.includes("finish:"), output);
});

Deno.test("demo asks for network access only to the configured host", async () => {
  const process = new Run("demo.ts", { env: { OLLAMA_HOST: "127.0.0.1:11434" } });
  await process.input("", true);
  const { code } = await process.status;
  assert.equal(code, 1);
  includes(process.stderr, "--allow-net=127.0.0.1:11434");
});

Deno.test("chat_repl keeps the history over turns and ends at EOF", async () => {
  const output = await run("chat_repl.ts", { stdin: "Hello\n\nWhat did I say?\n" });
  includes(output, "Chatting with llama3.2", "> Hello\n", "> What did I say?\n", "Bye: 2 turns.");
});

Deno.test("chat_repl: Ctrl+C stops the answer, not the program", async () => {
  const process = new Run("chat_repl.ts", { paced: true });
  await process.input("Tell me a long story\n");
  await process.waitFor(/story\n\S+/);
  process.child.kill("SIGINT");
  await process.waitFor(/\(stopped\)\n> /);
  await process.input("And then?\n", true);
  includes(await process.success(), "> And then?\n", "Bye: 2 turns.");
});

Deno.test("progress_dots prints a dot per chunk, then the answer", async () => {
  includes(await run("progress_dots.ts"), /^Thinking\.{5,} done\n\n\S/);
});

Deno.test("collect_stats prints the stream's statistics and Ollama's timings", async () => {
  includes(
    await run("collect_stats.ts"),
    /time to first token\s*│ "\d+ ms"/,
    /output tokens\s*│ \d+/,
    /finish reason\s*│ "stop"/,
    "Ollama's timings:",
    "tokensPerSecond",
  );
});

Deno.test("typewriter writes the whole answer", async () => {
  includes(await run("typewriter.ts"), /^\S.{40,}\n$/);
});

/** What error_handling prints for its four cases, each failure after some of the answer. */
const ERROR_HANDLING_OUTPUT = [
  "HttpError 404: HTTP 404: model 'no-such-model' not found (pull it first: ollama pull no-such-model)",
  /TimeoutError \(idle\): No data for 1000 ms: the idle timeout fired \(kept the partial answer: "\S[^"]*"\)/,
  /ProviderError: .+ \(kept the partial answer: "\S[^"]*"\)/,
  /Cancelled: .+ after "\S[^"]*"/,
];

Deno.test("error_handling names each failure clearly", async () => {
  includes(await run("error_handling.ts"), ...ERROR_HANDLING_OUTPUT);
});

Deno.test("error_handling shows the partial answers at a model's pace too", async () => {
  // The mock's default pacing: the first token after 300 ms, then 30 per second.
  includes(await run("error_handling.ts", { paced: true }), ...ERROR_HANDLING_OUTPUT);
});

Deno.test("time_to_first_token compares streaming with waiting for the whole answer", async () => {
  includes(
    await run("time_to_first_token.ts"),
    /Streaming: +first token after \d+ ms, whole answer after \d+ ms/,
    /Not streaming: nothing to show until \d+ ms/,
  );
});

Deno.test("time_to_first_token: streaming shows text sooner at a model's pace", async () => {
  includes(
    await run("time_to_first_token.ts", { paced: true }),
    /Streaming shows text [\d.]+× sooner/,
  );
});

Deno.test("token_usage reports every provider's token counts", async () => {
  includes(
    await run("token_usage.ts"),
    /Ollama +\d+ tokens in, \d+ tokens out/,
    /OpenAI +\d+ tokens in, \d+ tokens out/,
    /Anthropic +\d+ tokens in, \d+ tokens out/,
  );
});

Deno.test("tool_call runs the tool and streams the final answer", async () => {
  includes(
    await run("tool_call.ts"),
    /The model calls get_weather\(\{"city":"[^"]+"\}\)/,
    /→ \{"city":"[^"]+","temperature":21,"conditions":"sunny"\}/,
    /Answer: According to the tool: \{"city"/,
  );
});

Deno.test("pull_progress draws percent, speed and ETA to success", async () => {
  includes(
    await run("pull_progress.ts"),
    /\[#{2,}-+\] +\d+ % [\d.]+ MB\/[\d.]+ MB [\d.]+ MB\/s ETA \d+ s pulling/,
    "[####################] 100 %",
    "success\nPulled llama3.2\n",
  );
});

Deno.test("callbacks: functions and a handler object", async () => {
  includes(
    await run("callbacks.ts"),
    "1. Callback functions",
    "finished: stop",
    "2. A handler object",
    /\d+ chunks, \d+ tokens/,
    /kept \d+ characters/,
  );
});
