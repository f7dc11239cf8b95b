/**
 * The offline demo: streams a chat answer token by token with no network and
 * no API key. An in-process server on 127.0.0.1 replays a recorded OpenAI
 * transcript at a token-like pace; sluice decodes it as it arrives.
 *
 *     deno task demo
 */
import { decodeServerSentEvents } from "../mod.ts";

const transcript = await Deno.readFile(
  new URL("../tests/testdata/openai/chat-text.sse", import.meta.url),
);

// Replay the transcript in small uneven pieces, as a real server would send it.
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= transcript.length) return controller.close();
      await new Promise((resolve) => setTimeout(resolve, 15));
      const size = 40 + ((offset * 7919) % 120);
      controller.enqueue(transcript.subarray(offset, offset + size));
      offset += size;
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
});

const started = performance.now();
const response = await fetch(`http://127.0.0.1:${server.addr.port}/v1/chat/completions`, {
  method: "POST",
});
const encoder = new TextEncoder();
let firstToken: number | undefined;
let deltas = 0;
for await (const event of decodeServerSentEvents(response.body!)) {
  if (event.data === "[DONE]") break;
  const chunk = JSON.parse(event.data);
  const text: string = chunk.choices[0]?.delta?.content ?? "";
  if (!text) continue;
  firstToken ??= performance.now() - started;
  deltas++;
  await Deno.stdout.write(encoder.encode(text));
}
const total = performance.now() - started;
console.log(
  `\n\n${deltas} text deltas · first token after ${firstToken?.toFixed(0)} ms · ${
    total.toFixed(0)
  } ms in all`,
);
await server.shutdown();
