import assert from "node:assert/strict";
import {
  decodeJsonLines,
  decodeServerSentEvents,
  JsonLinesDecoderStream,
  type ServerSentEvent,
  ServerSentEventDecoderStream,
} from "../../src/streams/mod.ts";
import { assertCancelled, chunkings, readAll, source } from "./_chunkings.ts";

const testdata = new URL("../testdata/", import.meta.url);

interface Fixture {
  file: string;
  api: string;
}

const manifest: { fixtures: Fixture[] } = await (await fetch(new URL("manifest.json", testdata)))
  .json();
const files = manifest.fixtures.map((fixture) => fixture.file);

/** Reads a fixture through `fetch`, so the real `Response.body` path runs. */
async function fixtureBytes(file: string): Promise<Uint8Array> {
  const response = await fetch(new URL(file, testdata));
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Counts, without the decoder, the events an SSE transcript dispatches: blocks
 * that end with a blank line and contain a `data` field, and the comment lines.
 */
function countSse(text: string): { events: number; comments: number } {
  const blocks = text.split(/\r\n\r\n|\n\n|\r\r/);
  blocks.pop(); // after the last blank line: empty, or a half-received event
  const events =
    blocks.filter((block) =>
      block.split(/\r\n|\r|\n/).some((line) => line === "data" || line.startsWith("data:"))
    ).length;
  const comments = text.split(/\r\n|\r|\n/).filter((line) => line.startsWith(":")).length;
  return { events, comments };
}

/** Counts, without the decoder, the values an NDJSON transcript holds: its non-blank lines. */
function countNdjson(text: string): number {
  return text.split(/\r\n|\r|\n/).filter((line) => line.trim() !== "").length;
}

function checkSseEvents(file: string, events: ServerSentEvent[]): void {
  for (const { event, data } of events) {
    if (file.startsWith("anthropic/")) {
      // Anthropic names every event after the `type` in its data.
      assert.equal((JSON.parse(data) as { type: string }).type, event, file);
    } else {
      assert.equal(event, "message", file);
      if (data !== "[DONE]") assert.equal(typeof JSON.parse(data), "object", file);
    }
  }
}

Deno.test("the fixture manifest lists every transcript in tests/testdata", async () => {
  const found: string[] = [];
  for await (const dir of Deno.readDir(testdata)) {
    // The Responses API and Gemini transcripts are described by their own modules
    // (transcripts.ts, tests/providers/gemini/_transcripts.ts).
    if (!dir.isDirectory || dir.name === "openai-responses" || dir.name === "gemini") continue;
    for await (const entry of Deno.readDir(new URL(`${dir.name}/`, testdata))) {
      found.push(`${dir.name}/${entry.name}`);
    }
  }
  assert.deepEqual(found.sort(), [...files].sort());
  assert.ok(files.some((file) => file.endsWith(".sse")));
  assert.ok(files.some((file) => file.endsWith(".ndjson")));
});

for (const file of files.filter((file) => file.endsWith(".sse"))) {
  Deno.test(`decodeServerSentEvents decodes every event of ${file}, however it is chunked`, async () => {
    const bytes = await fixtureBytes(file);
    const expected = countSse(new TextDecoder().decode(bytes));
    assert.ok(expected.events > 0);
    let reference: ServerSentEvent[] | undefined;
    for (const { label, pieces } of chunkings(bytes, { randomSplits: 20 })) {
      for (const composed of [false, true]) {
        if (composed && label === "byte by byte") continue; // covered by the fused path; slow
        const where = `${file}, ${composed ? "composed" : "fused"}, ${label}`;
        let comments = 0;
        const options = { onComment: () => comments++ };
        const body = source(pieces).body;
        const stream = composed
          ? body.pipeThrough(new TextDecoderStream()).pipeThrough(
            new ServerSentEventDecoderStream(options),
          )
          : decodeServerSentEvents(body, options);
        const events = await readAll(stream, where);
        assert.equal(events.length, expected.events, where);
        assert.equal(comments, expected.comments, where);
        if (reference === undefined) {
          checkSseEvents(file, events);
          reference = events;
        } else {
          assert.deepEqual(events, reference, where);
        }
      }
    }
  });
}

for (const file of files.filter((file) => file.endsWith(".ndjson"))) {
  Deno.test(`decodeJsonLines decodes every value of ${file}, however it is chunked`, async () => {
    const bytes = await fixtureBytes(file);
    const expected = countNdjson(new TextDecoder().decode(bytes));
    assert.ok(expected > 0);
    let reference: unknown[] | undefined;
    for (const { label, pieces } of chunkings(bytes, { randomSplits: 20 })) {
      for (const composed of [false, true]) {
        if (composed && label === "byte by byte") continue;
        const where = `${file}, ${composed ? "composed" : "fused"}, ${label}`;
        const body = source(pieces).body;
        const stream = composed
          ? body.pipeThrough(new TextDecoderStream()).pipeThrough(new JsonLinesDecoderStream())
          : decodeJsonLines(body);
        const values = await readAll(stream, where);
        assert.equal(values.length, expected, where);
        if (reference === undefined) {
          for (const value of values) assert.equal(typeof value, "object", where);
          reference = values;
        } else {
          assert.deepEqual(values, reference, where);
        }
      }
    }
  });
}

Deno.test("every fixture decodes straight from a fetch Response body", async () => {
  for (const file of files) {
    const text = new TextDecoder().decode(await fixtureBytes(file));
    const response = await fetch(new URL(file, testdata));
    if (file.endsWith(".sse")) {
      const events = await readAll(decodeServerSentEvents(response.body!), file);
      assert.equal(events.length, countSse(text).events, file);
    } else {
      const values = await readAll(decodeJsonLines(response.body!), file);
      assert.equal(values.length, countNdjson(text), file);
    }
  }
});

Deno.test("fixtures decode from a real HTTP response sent in pieces", async () => {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (request) => {
    const file = new URL(request.url).pathname.slice(1);
    const bytes = await fixtureBytes(file);
    const pieces = chunkings(bytes, { randomSplits: 1, oneByOne: false, everySplitUpTo: 0 });
    return new Response(source(pieces.at(-1)!.pieces).body);
  });
  try {
    for (
      const file of ["openai/chat-text.sse", "anthropic/tool-use.sse", "ollama/chat-text.ndjson"]
    ) {
      const text = new TextDecoder().decode(await fixtureBytes(file));
      const response = await fetch(`http://127.0.0.1:${server.addr.port}/${file}`);
      if (file.endsWith(".sse")) {
        const events = await readAll(decodeServerSentEvents(response.body!), file);
        assert.equal(events.length, countSse(text).events, file);
      } else {
        const values = await readAll(decodeJsonLines(response.body!), file);
        assert.equal(values.length, countNdjson(text), file);
      }
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("breaking out of decoded events cancels the server's response stream", async () => {
  const body = new TextEncoder().encode('data: {"n":1}\n\n');
  const src = source([body], { kind: "hang" }); // the server never ends the stream itself
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    () => new Response(src.body, { headers: { "content-type": "text/event-stream" } }),
  );
  try {
    const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
    for await (const event of decodeServerSentEvents(response.body!)) {
      assert.equal(event.data, '{"n":1}');
      break;
    }
    await assertCancelled(src);
  } finally {
    await server.shutdown();
  }
});
