/**
 * Serves the edge chat example: a chat page that streams the model's answer
 * token by token, with a Stop button that cancels the request all the way to
 * the model.
 *
 *     deno task edge
 *
 * which first bundles the page's script with sluice (`deno task edge:build`,
 * writing `dist/edge/chat.js`), then runs
 *
 *     deno run --allow-net=127.0.0.1,localhost --allow-read=examples/edge,dist/edge \
 *       --allow-env=OLLAMA_HOST,OLLAMA_MODEL,PORT examples/edge/server.ts
 *
 * By default the model is sluice's in-process mock at 40 tokens/s. Set
 * `OLLAMA_HOST` (e.g. `127.0.0.1:11434`) and `OLLAMA_MODEL` to talk to a real
 * Ollama instead.
 *
 * @module
 */
import { createApp } from "./app.ts";

const ollamaHost = Deno.env.get("OLLAMA_HOST");
const model = Deno.env.get("OLLAMA_MODEL");
const app = createApp({
  ...(ollamaHost ? { ollamaHost } : {}),
  ...(model ? { model } : {}),
});

Deno.serve({
  hostname: "127.0.0.1",
  port: Number(Deno.env.get("PORT") ?? 8000),
  onListen({ hostname, port }) {
    const backend = ollamaHost ? `Ollama at ${ollamaHost}` : "the built-in mock model";
    console.log(`Chat with ${backend} at http://${hostname}:${port}/`);
  },
}, app.fetch);
