/**
 * One reading of each wire format, proven: every chat fixture, and the tool
 * call shapes that once made the two readings drift, go through the provider
 * client and through `streamText`; the unified parts and result must agree
 * with the provider result (text, reasoning, tool calls, finish reason and
 * usage), also when the stream fails.
 */
import { type Api, assertAgree } from "./_agree.ts";

interface Fixture {
  file: string;
  api: string;
  kind: string;
}

const manifest = JSON.parse(
  await Deno.readTextFile(new URL("../testdata/manifest.json", import.meta.url)),
) as { fixtures: Fixture[] };

for (const fixture of manifest.fixtures) {
  const chat = fixture.kind === "ollama-chat" || fixture.kind === "openai-chat" ||
    fixture.api === "anthropic";
  if (!chat) continue;
  Deno.test(`${fixture.file}: streamText agrees with the provider client`, async () => {
    const body = await Deno.readTextFile(new URL(`../testdata/${fixture.file}`, import.meta.url));
    await assertAgree(fixture.api as Api, body, fixture.file);
  });
}

const chunk = (delta: unknown, finish: string | null = null) =>
  `data: ${
    JSON.stringify({
      id: "c1",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta, finish_reason: finish }],
    })
  }\n\n`;
const call = (fields: Record<string, unknown>) => ({ tool_calls: [fields] });

const drift: Record<string, string[]> = {
  "fragments without index": [
    chunk(call({ id: "call_a", type: "function", function: { name: "f", arguments: "" } })),
    chunk(call({ function: { arguments: '{"x":1}' } })),
  ],
  "repeated ids and names on every fragment": [
    chunk(call({ index: 0, id: "call_a", function: { name: "f", arguments: '{"x":' } })),
    chunk(call({ index: 0, id: "call_a", function: { name: "f", arguments: "1}" } })),
  ],
  "interleaved indices": [
    chunk(call({ index: 0, id: "call_a", function: { name: "f", arguments: '{"a":' } })),
    chunk(call({ index: 1, id: "call_b", function: { name: "g", arguments: '{"b":' } })),
    chunk(call({ index: 0, function: { arguments: "1}" } })),
    chunk(call({ index: 1, function: { arguments: "2}" } })),
  ],
  "no ids at all": [
    chunk(call({ index: 0, function: { name: "f", arguments: '{"a":1}' } })),
    chunk(call({ index: 1, function: { name: "g", arguments: '{"b":2}' } })),
  ],
};

for (const [name, chunks] of Object.entries(drift)) {
  Deno.test(`OpenAI tool calls with ${name}: streamText agrees with the provider client`, async () => {
    const body = chunks.join("") + chunk({}, "tool_calls") + "data: [DONE]\n\n";
    await assertAgree("openai", body, name);
  });
}
