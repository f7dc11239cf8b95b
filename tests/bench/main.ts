// Copyright 2025 the sluice authors. MIT license.
/**
 * `deno task bench`: the decode bench, the client bench, then the peers bench
 * (sluice's clients against ollama-js, openai-node, `@anthropic-ai/sdk` and the
 * AI SDK's `streamText`), each in a process of its own (so none pays for
 * another's heap), all with the arguments given (`--quick`, `--reps N`).
 *
 * All run with V8's garbage collector on the main thread
 * (`--single-threaded-gc`): the figures are process CPU time, and collector
 * threads that start or not from one repetition to the next made them jump by
 * ±30 % on a 2-core machine. The work measured is the same. `gc()` is
 * exposed so the memory check samples the live heap.
 *
 * ```sh
 * deno task bench            # full run, about 3 minutes
 * deno task bench --quick    # smoke run: fewer events and repetitions, under 30 s
 * ```
 *
 * @module
 */

const BENCHES = ["decode_bench.ts", "client_bench.ts", "peers_bench.ts"];
// The benches import their npm peers: each process checks them against the repository's lock file.
const LOCK = new URL("../../deno.lock", import.meta.url).pathname;

for (const bench of BENCHES) {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `--lock=${LOCK}`,
      "--v8-flags=--single-threaded-gc,--expose-gc",
      new URL(bench, import.meta.url).pathname,
      ...Deno.args,
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) Deno.exit(code);
}
