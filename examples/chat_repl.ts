/**
 * A chat in the terminal: type a line, the answer streams back, the
 * conversation goes on with its history. Ctrl+C stops the current answer (the
 * request is aborted; what arrived stays in the history); Ctrl+D quits.
 *
 *     deno run examples/chat_repl.ts
 *     OLLAMA_HOST=127.0.0.1:11434 deno run --allow-env --allow-net examples/chat_repl.ts
 *
 * @module
 */
import { LineStream } from "@sluice/sluice";
import { Ollama, type OllamaMessage } from "@sluice/sluice/ollama";
import { env, mock } from "./_mock.ts";

const host = env("OLLAMA_HOST");
const ollama = new Ollama(host ? { host } : { fetch: mock().fetch });
const model = env("SLUICE_MODEL") ?? "llama3.2";

const encoder = new TextEncoder();
const write = (text: string) => Deno.stdout.writeSync(encoder.encode(text));

const history: OllamaMessage[] = [];
let answering: AbortController | undefined;
const onInterrupt = () => answering ? answering.abort() : write("\n(Ctrl+D to quit)\n> ");
Deno.addSignalListener("SIGINT", onInterrupt);

write(`Chatting with ${model}. Ctrl+C stops an answer, Ctrl+D quits.\n> `);
const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).pipeThrough(
  new LineStream(),
);
for await (const line of lines) {
  if (line.trim() === "") {
    write("> ");
    continue;
  }
  if (!Deno.stdin.isTerminal()) write(`${line}\n`); // piped input is not echoed
  history.push({ role: "user", content: line });
  answering = new AbortController();
  let answer = "";
  try {
    const stream = ollama.chat({ model, messages: history }, { signal: answering.signal });
    for await (const text of stream.textStream) {
      answer += text;
      write(text);
    }
  } catch (error) {
    if (!answering.signal.aborted) throw error;
    write(" (stopped)");
  }
  answering = undefined;
  history.push({ role: "assistant", content: answer });
  write("\n> ");
}
Deno.removeSignalListener("SIGINT", onInterrupt);
write(`\nBye: ${history.length / 2} turns.\n`);
