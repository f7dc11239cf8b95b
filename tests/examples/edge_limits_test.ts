/**
 * Issue 14: the edge example bounds what it accepts. A huge chunked upload is
 * refused after 64 KiB, not read whole; a long-running app's in-process mock
 * keeps a bounded log.
 */
import assert from "node:assert/strict";
import { createApp } from "../../examples/edge/app.ts";

const LIMIT = 64 * 1024;

/** A chunked body of `total` bytes made on demand; `pulled()` says how much was read. */
function generated(total: number, chunk = 16 * 1024) {
  let sent = 0;
  const bytes = new TextEncoder().encode(" ".repeat(chunk));
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      sent += chunk;
      controller.enqueue(bytes);
    },
  }, { highWaterMark: 0 });
  return { body, pulled: () => sent };
}

Deno.test("edge example: a 48 MiB chunked POST is a 413 after reading at most 64 KiB", async () => {
  const app = createApp({ mock: { timeToFirstToken: 0, tokensPerSecond: Infinity } });
  const upload = generated(48 * 1024 * 1024);
  const response = await app.fetch(
    new Request("http://edge/api/chat", {
      method: "POST",
      body: upload.body,
    }),
  );
  assert.equal(response.status, 413);
  assert.deepEqual(await response.json(), {
    error: { type: "BadRequest", message: "The body is too large" },
  });
  assert(upload.pulled() <= LIMIT + 16 * 1024, `${upload.pulled()} bytes read`);
  assert.equal(app.mock?.requests.length, 0, "the model was never asked");
});

Deno.test("edge example: a deeply nested body is a 400, a served one streams", async () => {
  const app = createApp({ mock: { timeToFirstToken: 0, tokensPerSecond: Infinity } });
  let deep: unknown = "x";
  for (let i = 0; i < 1000; i++) deep = [deep];
  const nested = await app.fetch(
    new Request("http://edge/api/chat", { method: "POST", body: JSON.stringify({ prompt: deep }) }),
  );
  assert.equal(nested.status, 400);
  await nested.body?.cancel();
  const ok = await app.fetch(
    new Request("http://edge/api/chat", { method: "POST", body: JSON.stringify({ prompt: "Hi" }) }),
  );
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /data: /);
});

Deno.test("edge example: the in-process mock's log stops growing", async () => {
  const app = createApp({ mock: { timeToFirstToken: 0, tokensPerSecond: Infinity } });
  const ask = async () => {
    const response = await app.fetch(
      new Request("http://edge/api/chat", {
        method: "POST",
        body: JSON.stringify({ prompt: "Hi" }),
      }),
    );
    await response.text();
  };
  for (let i = 0; i < 1100; i++) await ask();
  assert.equal(app.mock?.requests.length, 1000);
});
