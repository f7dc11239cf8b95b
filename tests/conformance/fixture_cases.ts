/**
 * Every recorded transcript in `tests/testdata/`, fetched from the test server
 * in random pieces with a real `fetch` and decoded from the real
 * `Response.body`.
 *
 * @module
 */

import { decodeJsonLines, decodeServerSentEvents } from "../../src/streams/mod.ts";
import { assert, assertEquals, test } from "./harness.ts";
import { fetchBody, readAll, referenceJsonLines, referenceSseData } from "./_helpers.ts";

/** The transcripts; a case below checks this list against the manifest. */
export const fixtureFiles = [
  "anthropic/midstream-error.sse",
  "anthropic/text.sse",
  "anthropic/thinking-parallel-tools.sse",
  "anthropic/thinking.sse",
  "anthropic/tool-use.sse",
  "ollama/chat-text.ndjson",
  "ollama/chat-thinking.ndjson",
  "ollama/chat-tools.ndjson",
  "ollama/generate-midstream-error.ndjson",
  "ollama/generate-stats.ndjson",
  "ollama/pull-progress.ndjson",
  "openai/chat-midstream-error.sse",
  "openai/chat-n2-usage.sse",
  "openai/chat-parallel-tools-usage.sse",
  "openai/chat-text.sse",
  "openai/compat-deepseek-reasoning.sse",
  "openai/completions-legacy.sse",
] as const;

test("the fixture list matches tests/testdata/manifest.json", async (ctx) => {
  const response = await fetch(ctx.url("testdata/manifest.json?whole"));
  const manifest = await response.json() as { fixtures: { file: string }[] };
  const listed = manifest.fixtures.map((entry) => entry.file).sort();
  assertEquals(listed, [...fixtureFiles].sort(), "fixtures in the manifest");
});

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  assertEquals(response.status, 200, `status of ${url}`);
  // Decoded by hand: workerd warns about `.text()` on a body typed as NDJSON.
  return new TextDecoder().decode(await response.arrayBuffer());
}

for (const file of fixtureFiles) {
  const seed = [...file].reduce(
    (sum, char) => (sum * 31 + char.charCodeAt(0)) >>> 0,
    7,
  );
  if (file.endsWith(".sse")) {
    test(`decodeServerSentEvents decodes every event of ${file} fetched in pieces`, async (ctx) => {
      const expected = referenceSseData(
        await fetchText(ctx.url(`testdata/${file}?whole`)),
      );
      assert(expected.length > 0, `${file} has events`);
      const body = await fetchBody(ctx.url(`testdata/${file}?seed=${seed}`));
      const events = await readAll(decodeServerSentEvents(body));
      assertEquals(
        events.length,
        expected.length,
        `number of events (seed ${seed})`,
      );
      assertEquals(
        events.map((event) => event.data),
        expected,
        `event data (seed ${seed})`,
      );
      for (const event of events) {
        assert(event.event.length > 0, "every event has a type");
        if (event.data !== "[DONE]") JSON.parse(event.data);
      }
    });
  } else {
    test(`decodeJsonLines decodes every line of ${file} fetched in pieces`, async (ctx) => {
      const expected = referenceJsonLines(
        await fetchText(ctx.url(`testdata/${file}?whole`)),
      );
      assert(expected.length > 0, `${file} has lines`);
      const body = await fetchBody(ctx.url(`testdata/${file}?seed=${seed}`));
      const values = await readAll(decodeJsonLines(body));
      assertEquals(
        values.length,
        expected.length,
        `number of values (seed ${seed})`,
      );
      assertEquals(values, expected, `values (seed ${seed})`);
    });
  }
}
