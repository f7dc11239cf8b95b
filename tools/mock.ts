/**
 * Serves the mock LLM server (`./testing`) over HTTP, for trying clients,
 * examples and the browser demo without a real model:
 *
 *     deno task mock                       # http://127.0.0.1:8787, realistic pace
 *     deno task mock --port 9000 --fast    # no pacing
 *     PORT=9000 deno task mock --ttft 800 --tps 15
 *
 * It speaks Ollama (`/api/…`), OpenAI (`/v1/chat/completions`, `/v1/responses`, …),
 * Anthropic (`/v1/messages`) and Gemini (`/v1beta/models/{model}:…`); see
 * `src/testing/mod.ts` for fault injection
 * (`x-mock-fault` header or a `:fault=…` model suffix).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { createMockServer } from "../src/testing/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    port: { type: "string" },
    hostname: { type: "string", default: "127.0.0.1" },
    ttft: { type: "string", default: "250" },
    tps: { type: "string", default: "40" },
    fast: { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  console.log(
    "Usage: deno task mock [--port N] [--hostname H] [--ttft MS] [--tps N] [--fast] [--quiet]\n" +
      "  --port      port to listen on (default: $PORT or 8787)\n" +
      "  --ttft      milliseconds before the first token (default 250)\n" +
      "  --tps       tokens per second (default 40)\n" +
      "  --fast      no pacing at all (same as --ttft 0 --tps Infinity)\n" +
      "  --quiet     do not log requests",
  );
  Deno.exit(0);
}

const port = Number(values.port ?? Deno.env.get("PORT") ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid port: ${values.port ?? Deno.env.get("PORT")}`);
  Deno.exit(2);
}

const mock = createMockServer({
  timeToFirstToken: values.fast ? 0 : Number(values.ttft),
  tokensPerSecond: values.fast ? Infinity : Number(values.tps),
  onRequest(record) {
    if (values.quiet) return;
    const started = performance.now();
    record.settled.then((state) => {
      const ms = (performance.now() - started).toFixed(0);
      const fault = record.fault === undefined ? "" : ` fault=${record.fault}`;
      console.log(
        `${record.method} ${record.path} ${
          record.status ?? "-"
        } ${state} ${record.framesSent} frames ${ms} ms${fault}`,
      );
    });
  },
});

Deno.serve({
  hostname: values.hostname,
  port,
  onListen({ hostname, port }: Deno.NetAddr) {
    const host = hostname.includes(":") ? `[${hostname}]` : hostname;
    console.log(`Mock LLM server listening on http://${host}:${port}/`);
    console.log(
      `  Ollama:    curl http://${host}:${port}/api/chat -d '{"model":"llama3.2","messages":[{"role":"user","content":"Hi"}]}'`,
    );
    console.log(
      `  OpenAI:    curl http://${host}:${port}/v1/chat/completions -d '{"model":"gpt-4.1-mini","stream":true,"messages":[{"role":"user","content":"Hi"}]}'`,
    );
    console.log(
      `  Anthropic: curl http://${host}:${port}/v1/messages -H 'anthropic-version: 2023-06-01' -d '{"model":"claude-sonnet-4-6","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":"Hi"}]}'`,
    );
  },
}, mock.fetch);
