/**
 * Entry for the browser: bundled to `dist/runtimes/browser.mjs` and loaded by
 * the test server's page. The API base URL comes from the page's `?base=`
 * parameter (by default the page's own origin), an optional `?filter=` picks
 * cases; the result is published as `globalThis.__sluiceResult`, which
 * `chromium.mjs` waits for.
 *
 * @module
 */

import { run, type RunResult } from "../../tests/conformance/suite.ts";

const params = new URL(location.href).searchParams;
const base = params.get("base") ?? `${location.origin}/`;
const filter = params.get("filter");
const global = globalThis as { __sluiceResult?: RunResult | { error: string } };

run(base, filter === null ? {} : { filter }).then(
  (result) => {
    global.__sluiceResult = result;
  },
  (error) => {
    global.__sluiceResult = { error: String(error) };
  },
);
