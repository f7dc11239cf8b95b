/**
 * A tool-call round trip: offer the model a function, run the call it makes,
 * send the result back, and stream the final answer.
 *
 *     deno run examples/tool_call.ts
 *
 * @module
 */
import { Ollama, type OllamaMessage, type OllamaTool } from "@sluice/sluice/ollama";
import { env, mock } from "./_mock.ts";

const host = env("OLLAMA_HOST");
const ollama = new Ollama(host ? { host } : { fetch: mock().fetch });
const model = env("SLUICE_MODEL") ?? "llama3.2";

const tools: OllamaTool[] = [{
  type: "function",
  function: {
    name: "get_weather",
    description: "The current weather in a city",
    parameters: {
      type: "object",
      properties: { city: { type: "string", description: "The city's name" } },
      required: ["city"],
    },
  },
}];

function getWeather({ city }: { city: string }) {
  return { city, temperature: 21, conditions: "sunny" };
}

const messages: OllamaMessage[] = [{ role: "user", content: "What's the weather in Zürich?" }];
const first = await ollama.chat({ model, messages, tools }).result();
messages.push({
  role: "assistant",
  content: first.text,
  tool_calls: first.toolCalls.map((call) => ({
    function: { name: call.name, arguments: call.arguments as Record<string, unknown> },
  })),
});

for (const call of first.toolCalls) {
  console.log(`The model calls ${call.name}(${JSON.stringify(call.arguments)})`);
  if (call.parseError !== undefined) throw new Error(`Bad arguments: ${call.parseError}`);
  const output = getWeather(call.arguments as { city: string });
  console.log(`  → ${JSON.stringify(output)}`);
  messages.push({ role: "tool", tool_name: call.name, content: JSON.stringify(output) });
}

const encoder = new TextEncoder();
Deno.stdout.writeSync(encoder.encode("Answer: "));
for await (const text of ollama.chat({ model, messages, tools }).textStream) {
  Deno.stdout.writeSync(encoder.encode(text));
}
console.log();
