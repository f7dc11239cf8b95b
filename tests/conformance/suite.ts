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
 * TODO (add once `src/http` and the provider clients exist):
 * - provider clients (Ollama chat/generate/pull, OpenAI chat/completions,
 *   Anthropic messages) reconstruct each transcript's `expect` block from
 *   `tests/testdata/manifest.json`: text, thinking, tool calls, usage/stats,
 *   finish reason;
 * - an idle stall ends with the library's own idle timeout: a `TimeoutError`
 *   whose phase is "idle", and the server sees the close;
 * - an HTTP error status (`/error/404`) becomes an `HttpError` with the
 *   status and the provider's message ("model 'x' not found");
 * - an error inside a 200 stream (the `*midstream-error*` transcripts) becomes
 *   a `ProviderError` carrying the partial result received so far;
 * - a body cut off before the provider's end marker becomes an
 *   `IncompleteStreamError`;
 * - `stream.toResponse()` re-streams through the server and decodes the same.
 *
 * @module
 */

import "./streams_cases.ts";
import "./fixture_cases.ts";
import "./cancel_cases.ts";

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
