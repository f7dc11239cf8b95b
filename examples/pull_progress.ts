/**
 * Downloads a model with a progress bar: percent, speed and time left, all
 * aggregated by the client over the model's layers. In a terminal the bar is
 * redrawn in place; otherwise a line is printed at every status or tenth.
 *
 *     deno run examples/pull_progress.ts [model]
 *
 * @module
 */
import { Ollama } from "@sluice/sluice/ollama";
import { env, mock } from "./_mock.ts";

const host = env("OLLAMA_HOST");
// The mock sends a progress line every 125 ms, so that the pull takes a moment.
const ollama = new Ollama(host ? { host } : { fetch: mock({ tokensPerSecond: 8 }).fetch });
const model = Deno.args[0] ?? "llama3.2";

const tty = Deno.stdout.isTerminal();
const encoder = new TextEncoder();
const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
let last = "";

for await (const { progress } of ollama.pull({ model })) {
  const { percent, completed, total, bytesPerSecond, etaSeconds, status } = progress;
  const filled = Math.round(percent / 5);
  const bar = `[${"#".repeat(filled)}${"-".repeat(20 - filled)}]`;
  const speed = bytesPerSecond === undefined ? "" : ` ${megabytes(bytesPerSecond)}/s`;
  const eta = etaSeconds === undefined ? "" : ` ETA ${etaSeconds.toFixed(0)} s`;
  const line = `${bar} ${percent.toFixed(0).padStart(3)} % ${megabytes(completed)}/${
    megabytes(total)
  }${speed}${eta} ${status}`;
  if (tty) Deno.stdout.writeSync(encoder.encode(`\r\x1b[2K${line}`));
  else {
    const key = `${status} ${Math.floor(percent / 10)}`;
    if (key !== last) console.log(line);
    last = key;
  }
}
console.log(tty ? `\nPulled ${model}` : `Pulled ${model}`);
