/**
 * Entry for the command-line runtimes (Deno and Bun run it as TypeScript; Node
 * runs its bundle, `dist/runtimes/cli.mjs`): runs the conformance suite
 * against the server URL given as the first argument and prints the result as
 * one `SLUICE_RESULT {json}` line. An optional second argument filters cases by
 * name. It does not force an exit: a runtime that lingers after the result has
 * a timer or connection left open, and the orchestrator reports that.
 *
 * @module
 */

import { run } from "../../tests/conformance/suite.ts";

// `process` is a global on Node, Bun and Deno alike.
const [baseUrl, filter] = process.argv.slice(2);
if (baseUrl === undefined) {
  console.error("usage: cli.ts <base-url> [filter]");
  process.exitCode = 2;
} else {
  const verbose = process.env.SLUICE_VERBOSE === "1";
  const result = await run(baseUrl, {
    ...(filter === undefined ? {} : { filter }),
    onCase(name, outcome, message) {
      if (outcome === "failed") console.error(`FAIL ${name}\n  ${message}`);
      else if (verbose) {
        console.error(`${outcome === "passed" ? "ok  " : "skip"} ${name}`);
      }
    },
  });
  console.log(`SLUICE_RESULT ${JSON.stringify(result)}`);
  if (result.failed > 0) process.exitCode = 1;
}
