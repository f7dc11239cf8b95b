/**
 * The demo: streams a chat answer to the terminal token by token, with a live
 * status line (time to first token, tokens per second, token count) and the
 * statistics at the end. Ctrl+C stops the generation (the HTTP request is
 * aborted) and still prints them.
 *
 *     deno task demo                        # the in-process mock: no network, no key
 *     deno task demo "Why is the sky blue?" # your own prompt
 *
 * With `OLLAMA_HOST` set it talks to that Ollama; with `OPENAI_BASE_URL` or
 * `OPENAI_API_KEY` to an OpenAI-compatible server; with `ANTHROPIC_API_KEY`
 * to Anthropic (checked in that order). `SLUICE_MODEL` picks the model. The
 * demo asks for network access to that one host when it needs it.
 *
 * @module
 */
import type { StreamResult, StreamStats } from "@sluice/sluice";
import { Ollama } from "@sluice/sluice/ollama";
import { OpenAI, OPENAI_BASE_URL } from "@sluice/sluice/openai";
import { Anthropic } from "@sluice/sluice/anthropic";
import { env, mock } from "./_mock.ts";

/** What the demo needs of a stream, whichever provider it comes from. */
interface Generation {
  readonly textStream: AsyncIterable<string>;
  readonly stats: StreamStats;
  result(): Promise<StreamResult>;
  cancel(): Promise<void>;
}

const prompt = Deno.args.join(" ") || "Why do LLM APIs stream their answers?";
const messages = [{ role: "user" as const, content: prompt }];
const model = env("SLUICE_MODEL");

function backend(): { label: string; host: string | undefined; start: () => Generation } {
  const ollamaHost = env("OLLAMA_HOST");
  if (ollamaHost) {
    const ollama = new Ollama({ host: ollamaHost });
    const name = model ?? "llama3.2";
    return {
      label: `Ollama at ${ollama.host}, ${name}`,
      host: new URL(ollama.host).host,
      start: () => ollama.chat({ model: name, messages }),
    };
  }
  const baseUrl = env("OPENAI_BASE_URL");
  const openaiKey = env("OPENAI_API_KEY");
  if (baseUrl || openaiKey) {
    const url = baseUrl ?? OPENAI_BASE_URL;
    const openai = new OpenAI({ baseURL: url, ...(openaiKey ? { apiKey: openaiKey } : {}) });
    const name = model ?? "gpt-4.1-mini";
    return {
      label: `${url}, ${name}`,
      host: new URL(url).host,
      start: () => openai.chat({ model: name, messages }),
    };
  }
  const anthropicKey = env("ANTHROPIC_API_KEY");
  if (anthropicKey) {
    const anthropic = new Anthropic({ apiKey: anthropicKey });
    const name = model ?? "claude-sonnet-4-6";
    return {
      label: `Anthropic, ${name}`,
      host: "api.anthropic.com",
      start: () => anthropic.messages({ model: name, max_tokens: 1024, messages }),
    };
  }
  const ollama = new Ollama({ fetch: mock().fetch });
  return {
    label:
      "the in-process mock (set OLLAMA_HOST, OPENAI_API_KEY or ANTHROPIC_API_KEY for a real model)",
    host: undefined,
    start: () => ollama.chat({ model: model ?? "llama3.2", messages }),
  };
}

const encoder = new TextEncoder();
const write = (text: string) => Deno.stdout.writeSync(encoder.encode(text));
const tty = Deno.stdout.isTerminal();
const dim = (text: string) => tty ? `\x1b[2m${text}\x1b[22m` : text;
const ms = (value: number | undefined) => value === undefined ? "–" : `${value.toFixed(0)} ms`;

const { label, host, start } = backend();
if (host !== undefined) {
  const { state } = await Deno.permissions.request({ name: "net", host });
  if (state !== "granted") {
    console.error(`The demo needs network access to ${host}: run it with --allow-net=${host}`);
    Deno.exit(1);
  }
}
console.log(dim(`${label}\n> ${prompt}\n`));

const stream = start();
const startedAt = performance.now();
let tokens = 0;
let firstTokenAt: number | undefined;
let stopped = false;
const stop = () => {
  stopped = true;
  void stream.cancel(); // aborts the HTTP request; the loop below ends with an AbortError
};
Deno.addSignalListener("SIGINT", stop);

function status(): string {
  const now = performance.now();
  const ttft = firstTokenAt === undefined
    ? "waiting for the first token"
    : `first token ${ms(firstTokenAt - startedAt)}`;
  const seconds = firstTokenAt === undefined ? 0 : (now - firstTokenAt) / 1000;
  const rate = seconds > 0 ? `${(tokens / seconds).toFixed(1)} tokens/s` : "– tokens/s";
  const line = `${ttft} · ${rate} · ${tokens} tokens · Ctrl+C stops`;
  return line.slice(0, Math.max(10, Deno.consoleSize().columns - 1));
}

// In a terminal the status line sits below the text. Per token: erase it
// (ESC[J), write the token, make room for a line below without moving the
// cursor's column (ESC D, ESC M), then draw the status there (save, go down,
// \r + clear-line, restore).
const drawStatus = () => write(`\x1bD\x1bM\x1b7\x1bD\r\x1b[2K${dim(status())}\x1b8`);
let ticker: ReturnType<typeof setInterval> | undefined;
if (tty) {
  drawStatus();
  ticker = setInterval(() => {
    write("\x1b[J");
    drawStatus();
  }, 250);
}

let failure: unknown;
try {
  for await (const text of stream.textStream) {
    firstTokenAt ??= performance.now();
    tokens++;
    if (tty) {
      write(`\x1b[J${text}`);
      drawStatus();
    } else write(text);
  }
} catch (error) {
  if (!stopped) failure = error;
} finally {
  Deno.removeSignalListener("SIGINT", stop);
  clearInterval(ticker);
  if (tty) write("\x1b[J");
}

if (failure !== undefined) {
  console.error(`\n\n${failure instanceof Error ? failure.message : String(failure)}`);
  Deno.exit(1);
}

const stats = stream.stats;
const result = stopped ? undefined : await stream.result();
const elapsed = (stats.duration ?? performance.now() - startedAt) / 1000;
const outputTokens = result?.usage.outputTokens ?? tokens;
const generating = firstTokenAt === undefined ? 0 : (performance.now() - firstTokenAt) / 1000;
const rate = stats.tokensPerSecond ?? (generating > 0 ? tokens / generating : undefined);
console.log(stopped ? "\n\n(stopped)" : "\n");
console.log(
  dim(
    [
      `time to first token ${ms(stats.timeToFirstToken)}`,
      `${rate === undefined ? "–" : rate.toFixed(1)} tokens/s`,
      `${outputTokens} tokens`,
      `${elapsed.toFixed(2)} s`,
      `${stats.chunks} chunks, ${stats.bytes} bytes`,
      ...(result?.finishReason ? [`finish: ${result.finishReason}`] : []),
    ].join(" · "),
  ),
);
