/**
 * The conformance suite: one set of cases, written once with web APIs only,
 * that `tools/runtimes/run.ts` runs on Deno, Node, Bun, workerd and headless
 * Chromium against one local test server (`tools/runtimes/server.ts`).
 *
 * Importing this module registers every case; {@linkcode run} runs them in
 * order against the server at `baseUrl`.
 *
 * Rules for cases: no `Deno.*`, no `node:` imports, no sniffing of runtime
 * globals; no `ReadableStream.from` (Chromium lacks it) and no reliance on
 * `ReadableStream[Symbol.asyncIterator]` (Safari gained it late) except in a
 * case that tests it; every case under a second, bounded, and leaving no timer
 * or connection behind; abort reasons compared by name and message (workerd
 * hands back a copy).
 *
 * The provider cases (`provider_cases.ts`) run each client against the test
 * server's emulation of its endpoints; the server is steered per request by
 * `x-sluice-*` headers (see `tools/runtimes/server.ts`).
 *
 * TODO:
 * - `toResponse()` re-streamed through the server (a request body that is a
 *   stream): needs `duplex: "half"`, which Chromium allows over HTTP/2 only;
 *   today the re-encoded `Response` is decoded locally;
 * - `toResponse({ format: "text" | "ui-message" })` (`"sse"` and `"ndjson"` are
 *   read back by `fromResponse` in `provider_cases.ts`), `tee()`, callbacks
 *   (`onText`, `onFinish`, `onError`) and `await using` across the runtimes;
 * - the headers timeout (`timeout`) and `totalTimeout` through a client.
 *
 * @module
 */

import "./streams_cases.ts";
import "./fixture_cases.ts";
import "./cancel_cases.ts";
import "./provider_cases.ts";
import "./gemini_cases.ts";

export {
  type Failure,
  registeredCases,
  run,
  type RunOptions,
  type RunResult,
  test,
  type TestCase,
  type TestContext,
} from "./harness.ts";
