/**
 * Entry for workerd: bundled to `dist/runtimes/workerd.mjs` and run by
 * `workerd test` with the config `run.ts` writes beside it. The server URL
 * comes in through the `BASE_URL` binding (from the environment); the result
 * is logged as one `SLUICE_RESULT {json}` line, and a failure makes the test
 * handler throw, so `workerd test` exits non-zero.
 *
 * @module
 */

import { run } from "../../tests/conformance/suite.ts";

/** The bindings `run.ts` declares in the workerd config. */
interface Env {
  BASE_URL: string;
  FILTER?: string;
}

export default {
  async test(_controller: unknown, env: Env): Promise<void> {
    const filter = env.FILTER ? { filter: env.FILTER } : {};
    const result = await run(env.BASE_URL, filter);
    console.log(`SLUICE_RESULT ${JSON.stringify(result)}`);
    if (result.failed > 0) {
      throw new Error(`${result.failed} conformance case(s) failed`);
    }
  },
};
