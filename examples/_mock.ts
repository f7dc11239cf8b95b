/**
 * What the examples share: the in-process mock server they talk to by default
 * (no network, no API key, no socket), and reading an environment variable
 * without a permission prompt. Copying an example into your project? Drop
 * this import and the `fetch: mock().fetch` option.
 *
 * @module
 */
import { createMockServer, type MockServer, type MockServerOptions } from "@sluice/sluice/testing";

/**
 * The value of an environment variable, or `undefined` when it is unset or
 * env access was not granted (so `deno run examples/x.ts` runs offline with
 * no flags and no prompt; pass `--allow-env --allow-net` to use a real server).
 */
export function env(name: string): string | undefined {
  const { state } = Deno.permissions.querySync({ name: "env", variable: name });
  return state === "granted" ? Deno.env.get(name) : undefined;
}

/**
 * The mock, paced like a local model (first token after 300 ms, then about 30
 * tokens per second) unless `options` say otherwise. `SLUICE_MOCK_FAST=1`
 * removes all pacing: the tests set it.
 */
export function mock(options: MockServerOptions = {}): MockServer {
  const fast = env("SLUICE_MOCK_FAST") ? { timeToFirstToken: 0, tokensPerSecond: Infinity } : {};
  return createMockServer({ timeToFirstToken: 300, tokensPerSecond: 30, ...options, ...fast });
}
