/**
 * `deno task bench:compare [REV]`: is the working tree faster per token than
 * a git revision (default `HEAD`)? On a noisy machine a change of a few per
 * cent hides in the noise of separate processes, so this runs the two in the
 * same process: the revision's `mod.ts` and `src/` (from `git archive`), the
 * working tree's, and a second copy of the working tree, whose ratio to the
 * first is the control (its distance from 1.00 is the noise). Each round
 * times every copy's client path (`textStream` + `result()`, one event per
 * read) in a new random order; a process reports the median ratio to the
 * revision over its rounds, and several processes run in turn.
 *
 * ```sh
 * deno task bench:compare                      # the working tree against HEAD
 * deno task bench:compare main~3 --wire Anthropic --processes 5 --rounds 60
 * ```
 *
 * A change is worth believing when its ratio stays below the control's in
 * every process, by more than the control's distance from 1.00.
 *
 * @module
 */
import { childResult, shuffle } from "./layers_bench.ts";
import { openStream, readText, type Sluice, type Wire, wireNamed, WIRES } from "./_wires.ts";
import { archiveRevision, median } from "./_common.ts";

const EVENTS = 10_000;
const root = new URL("../../", import.meta.url);
const rootPath = decodeURIComponent(root.pathname);

/** A candidate: a client over its wire, or `streamText` over OpenAI's. */
interface Candidate {
  name: string;
  wire: Wire;
  unified: boolean;
}

const CANDIDATES: Candidate[] = [
  ...WIRES.map((wire) => ({ name: wire.name, wire, unified: false })),
  { name: "streamText", wire: wireNamed("OpenAI"), unified: true },
];

function run(sluice: Sluice, candidate: Candidate, pieces: readonly Uint8Array[]): Promise<string> {
  return readText(openStream(sluice, candidate.wire, pieces, candidate.unified), candidate.name);
}

/** One process: every copy over one wire, `rounds` times; prints the two ratios as JSON. */
async function child(dirs: string[], wireName: string, rounds: number): Promise<void> {
  const candidate = CANDIDATES.find((c) => c.name === wireName)!;
  const pieces = candidate.wire.transcript(EVENTS).pieces;
  const copies: Sluice[] = [];
  for (const dir of dirs) copies.push(await import(`file://${dir}/mod.ts`));
  const expected = await run(copies[0]!, candidate, pieces);
  for (const copy of copies) {
    if ((await run(copy, candidate, pieces)) !== expected) throw new Error("the copies disagree");
  }
  for (let i = 0; i < 4; i++) for (const copy of copies) await run(copy, candidate, pieces);
  const ratios: number[][] = [[], []];
  for (let round = 0; round < rounds; round++) {
    const order = shuffle([0, 1, 2]);
    const times: number[] = [];
    for (const index of order) {
      const start = performance.now();
      await run(copies[index]!, candidate, pieces);
      times[index] = performance.now() - start;
    }
    ratios[0]!.push(times[1]! / times[0]!);
    ratios[1]!.push(times[2]! / times[0]!);
  }
  console.log(JSON.stringify({ change: median(ratios[0]!), control: median(ratios[1]!) }));
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}

if (import.meta.main) {
  const args = Deno.args;
  if (args[0] === "--child") {
    await child(args.slice(3), args[1]!, Number(args[2]));
  } else {
    const rev = args[0] !== undefined && !args[0].startsWith("--") ? args[0] : "HEAD";
    const processes = Number(option(args, "--processes") ?? 3);
    const rounds = Number(option(args, "--rounds") ?? 40);
    const only = option(args, "--wire");
    const temp = await Deno.makeTempDir({ prefix: "sluice-compare-" });
    try {
      const base = `${temp}/base`;
      const current = `${temp}/current`;
      const control = `${temp}/control`;
      await Deno.mkdir(base);
      // The revision's library; the working tree's, twice (the second is the control).
      await archiveRevision(rev, ["mod.ts", "src"], base);
      for (const dir of [current, control]) {
        await Deno.mkdir(dir);
        const copied = await new Deno.Command("cp", {
          args: ["-r", "mod.ts", "src", dir],
          cwd: rootPath,
        })
          .output();
        if (!copied.success) throw new Error(`cannot copy the working tree to ${dir}`);
      }
      console.log(
        `the working tree against ${rev}: time per run ÷ the revision's, median of ${rounds} ` +
          `rounds in each of ${processes} processes (control: the working tree against itself)`,
      );
      for (const candidate of CANDIDATES) {
        if (only !== undefined && candidate.name !== only) continue;
        const changes: number[] = [];
        const controls: number[] = [];
        for (let p = 0; p < processes; p++) {
          const result = await childResult(new URL(import.meta.url).pathname, [
            candidate.name,
            String(rounds),
            base,
            current,
            control,
          ]);
          changes.push(result.change!);
          controls.push(result.control!);
        }
        const list = (values: number[]) => values.map((v) => v.toFixed(3)).join(" ");
        console.log(
          `${candidate.name.padEnd(10)} change ${list(changes)} (median ${
            median(changes).toFixed(3)
          })` +
            `   control ${list(controls)} (median ${median(controls).toFixed(3)})`,
        );
      }
    } finally {
      await Deno.remove(temp, { recursive: true });
    }
  }
}
