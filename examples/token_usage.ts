/**
 * Token counts as each provider reports them, in one shape: `usage` with
 * `inputTokens` and `outputTokens`. The same question goes to Ollama, an
 * OpenAI-compatible server and Anthropic — all three the in-process mock
 * unless `OLLAMA_HOST`, `OPENAI_API_KEY` / `OPENAI_BASE_URL` or
 * `ANTHROPIC_API_KEY` say otherwise.
 *
 *     deno run examples/token_usage.ts
 *
 * @module
 */
import type { StreamResult } from "@sluice/sluice";
import { Ollama } from "@sluice/sluice/ollama";
import { OpenAI } from "@sluice/sluice/openai";
import { Anthropic } from "@sluice/sluice/anthropic";
import { env, mock } from "./_mock.ts";

const server = mock();
const offline = { fetch: server.fetch };
const content = "How many tokens is this question?";
const messages = [{ role: "user" as const, content }];

const ollamaHost = env("OLLAMA_HOST");
const ollama = new Ollama(ollamaHost ? { host: ollamaHost } : offline);
const openaiUrl = env("OPENAI_BASE_URL");
const openaiKey = env("OPENAI_API_KEY");
const openai = new OpenAI(
  openaiUrl || openaiKey
    ? { ...(openaiUrl ? { baseURL: openaiUrl } : {}), ...(openaiKey ? { apiKey: openaiKey } : {}) }
    : { ...offline, baseURL: "http://mock/v1" },
);
const anthropicKey = env("ANTHROPIC_API_KEY");
const anthropic = new Anthropic(anthropicKey ? { apiKey: anthropicKey } : offline);

function report(provider: string, { usage }: StreamResult) {
  console.log(
    `${provider.padEnd(10)} ${usage.inputTokens ?? "?"} tokens in, ${
      usage.outputTokens ?? "?"
    } tokens out`,
  );
}

// OpenAI only counts tokens in a stream when asked: sluice asks
// (`stream_options: { include_usage: true }`) unless you set stream_options.
const [a, b, c] = await Promise.all([
  ollama.chat({ model: "llama3.2", messages }).result(),
  openai.chat({ model: "gpt-4.1-mini", messages }).result(),
  anthropic.messages({ model: "claude-sonnet-4-6", max_tokens: 256, messages }).result(),
]);
report("Ollama", a);
report("OpenAI", b);
report("Anthropic", c);
