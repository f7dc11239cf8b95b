// Copyright 2025 the sluice authors. MIT license.
/**
 * Instructions per token, counted by valgrind's cachegrind: a steadier
 * yardstick than CPU time on a noisy 2-core machine, where the peers bench's
 * ratios range widely from one repetition to the next. For each provider
 * format, the floor (`_floor.ts`), sluice's client through `textStream` +
 * `result()` and through `for await` + `result()`, and over the OpenAI format
 * `streamText`, all at one event per read.
 *
 * Each candidate runs in a process of its own under cachegrind, once with
 * `LOW` and once with `HIGH` repetitions of the whole transcript; the
 * difference over the extra tokens is its count per token, free of start-up
 * and compilation. V8 runs with `--predictable`: single-threaded (its
 * compiler and collector on the main thread, so their work is counted too)
 * and without the clock-driven heuristics that otherwise decide when the
 * collector and the tiering compilers run. Counts then usually repeat within
 * about 2 % (without the flag they moved by ±10 %), but now and then a run
 * lands up to 20 % off (the same code measured 15,778 and 19,361 for
 * Anthropic): repeat a comparison, side by side, before trusting it.
 * Instructions are a proxy for time, not the same: memory stalls are not in
 * them, and a predictable collector is not the one users run (a change that
 * saved 8 % of CPU in a process of its own cost 10 % in the peers bench).
 *
 * ```sh
 * deno task bench:instructions           # 10,000 tokens, about 3 minutes
 * deno task bench:instructions --quick   # 2,000 tokens, about 1 minute
 * deno task bench:instructions --cpu     # CPU time instead, about 3 minutes
 * ```
 *
 * Needs `valgrind` (Debian: `apt-get install valgrind`), except with `--cpu`.
 *
 * `--cpu` measures the same candidates in CPU time, without valgrind: each in
 * a process of its own that warms up with two runs, then reads the process's
 * CPU time (every thread: the collector's and the compilers' helpers too)
 * around 40 more; the candidates take turns, round after round, and the
 * ratio to the floor is the median over rounds of the ratio within a round.
 * Unlike the peers bench, no candidate runs in a heap another one left. Its
 * medians repeated within 3 % between two runs, though single rounds stray
 * (a range of 1.03–1.89× around a median of 1.64×). It is the harshest of
 * the three yardsticks: the same code measured 1.3–1.65× the floor here,
 * 1.2–1.36× in instructions.
 *
 * @module
 */
import * as sluice from "../../mod.ts";
import type { Transcript } from "./_transcripts.ts";
import { openStream, type WireName, wireNamed, WIRES } from "./_wires.ts";
import process from "node:process";
import { bodyOf, Deltas, integer, median, table } from "./_common.ts";
import { expectedText, Floor } from "./_floor.ts";

const LOW = 2;
const HIGH = 12;

type Mode = "floor" | "text" | "iter" | "streamText";

/**
 * One run of a candidate over the transcript; throws unless the text it
 * streamed and its result's text are `expected`. The result's text is
 * compared whole, as a caller would use it (which also flattens the string
 * V8 built a delta at a time; left unread, that chain of 10,000 pieces doubled
 * the scavenger's time in the next runs, by `--v8-flags=--trace-gc`). The
 * text streamed is compared whole in a checked run (`keep`), by length in the
 * others (see {@linkcode Deltas}). The floor keeps one copy, its result, as
 * sluice's `result()` does.
 */
async function runOnce(
  name: WireName,
  mode: Mode,
  transcript: Transcript,
  expected: string,
  keep: boolean,
): Promise<void> {
  const wire = wireNamed(name);
  const fail = (what: string) => {
    throw new Error(`${name} ${mode}: ${what} differs from the transcript's`);
  };
  if (mode === "floor") {
    const floor = new Floor(wire.framing, wire.pick, bodyOf(transcript.pieces));
    while (await floor.read());
    if (floor.frames.text !== expected) fail("the text");
    return;
  }
  const stream = openStream(sluice, wire, transcript.pieces, mode === "streamText");
  const deltas = new Deltas(keep);
  if (mode === "iter") {
    for await (const chunk of stream) {
      const delta = wire.pick(chunk as never);
      if (delta) deltas.add(delta);
    }
  } else {
    for await (const delta of stream.textStream) deltas.add(delta);
  }
  if (!deltas.streamed(expected)) fail("the text streamed");
  if ((await stream.result()).text !== expected) fail("the result's text");
}

/** Runs of a CPU-timed child after its warm-up. */
const CPU_RUNS = 40;
/** Rounds of the `--cpu` bench: each candidate once per round. */
const CPU_ROUNDS = 7;

/**
 * The child: `reps` runs of one candidate, the first one checked in full.
 * With `cpu`, two runs warm up first, and it prints its CPU microseconds per
 * token over the `reps` runs that follow.
 */
async function child(
  name: WireName,
  mode: Mode,
  reps: number,
  events: number,
  cpu: boolean,
): Promise<void> {
  const wire = wireNamed(name);
  const transcript = wire.transcript(events);
  const expected = expectedText(wire.framing, wire.pick, transcript.bytes);
  const warmUp = cpu ? 2 : 0;
  for (let i = 0; i < warmUp; i++) await runOnce(name, mode, transcript, expected, i === 0);
  const before = process.cpuUsage();
  for (let i = 0; i < reps; i++) {
    await runOnce(name, mode, transcript, expected, warmUp === 0 && i === 0);
  }
  if (cpu) {
    const { user, system } = process.cpuUsage(before);
    console.log(((user + system) / reps / events).toFixed(4));
  }
}

/** The command line of a child running one candidate. */
function childArgs(
  v8Flags: string[],
  name: WireName,
  mode: Mode,
  reps: number,
  events: number,
  cpu: boolean,
): string[] {
  return [
    Deno.execPath(),
    "run",
    "-A",
    ...v8Flags,
    new URL(import.meta.url).pathname,
    "--child",
    name,
    mode,
    String(reps),
    String(events),
    ...(cpu ? ["--cpu"] : []),
  ];
}

/** CPU microseconds per token of one child process (`--cpu`). */
async function cpuPerToken(name: WireName, mode: Mode, events: number): Promise<number> {
  const [command, ...args] = childArgs([], name, mode, CPU_RUNS, events, true);
  const { code, stdout, stderr } = await new Deno.Command(command!, {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const value = Number(new TextDecoder().decode(stdout).trim());
  if (code !== 0 || !Number.isFinite(value)) {
    const log = new TextDecoder().decode(stderr);
    throw new Error(`${name} ${mode} failed (exit ${code}):\n${log.slice(-2000)}`);
  }
  return value;
}

/** Instructions of one child process under cachegrind. */
async function instructions(
  name: WireName,
  mode: Mode,
  reps: number,
  events: number,
): Promise<number> {
  const { code, stderr } = await new Deno.Command("valgrind", {
    args: [
      "--tool=cachegrind",
      "--cache-sim=no",
      "--cachegrind-out-file=/dev/null",
      // V8 writes the code it runs: valgrind must see the writes.
      "--smc-check=all-non-file",
      ...childArgs(["--v8-flags=--predictable"], name, mode, reps, events, false),
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  const log = new TextDecoder().decode(stderr);
  const match = /I\s+refs:\s+([\d,]+)/.exec(log);
  if (code !== 0 || match === null) {
    throw new Error(`${name} ${mode} under valgrind failed (exit ${code}):\n${log.slice(-2000)}`);
  }
  return Number(match[1]!.replaceAll(",", ""));
}

interface Job {
  name: WireName;
  mode: Mode;
  label: string;
}

/** The candidates, floor first for each format. */
function jobsOf(): Job[] {
  const jobs: Job[] = [];
  for (const { name, client } of WIRES) {
    jobs.push({ name, mode: "floor", label: "floor: reads + decode + frames + JSON.parse" });
    jobs.push({ name, mode: "text", label: `sluice ${client} textStream + result()` });
    jobs.push({ name, mode: "iter", label: `sluice ${client} for await + result()` });
    if (name === "OpenAI") {
      jobs.push({ name, mode: "streamText", label: "sluice streamText (openai()) textStream" });
    }
  }
  return jobs;
}

/** `--cpu`: CPU time per token, one process per candidate and round, rounds interleaved. */
async function mainCpu(events: number): Promise<void> {
  const jobs = jobsOf();
  console.log(
    `sluice CPU bench: Deno ${Deno.version.deno}, ${integer.format(events)} tokens, one event ` +
      `per read; per candidate and round, one process: 2 runs to warm up, then process CPU ` +
      `time (all threads) over ${CPU_RUNS} runs; ${CPU_ROUNDS} rounds, the candidates in turn`,
  );
  const perToken = new Map<Job, number[]>(jobs.map((job) => [job, []]));
  for (let round = 0; round < CPU_ROUNDS; round++) {
    for (const job of jobs) perToken.get(job)!.push(await cpuPerToken(job.name, job.mode, events));
  }
  const rows: string[][] = [];
  for (const job of jobs) {
    const floor = perToken.get(jobs.find((j) => j.name === job.name && j.mode === "floor")!)!;
    const own = perToken.get(job)!;
    const ratios = own.map((value, round) => value / floor[round]!);
    rows.push([
      wireNamed(job.name).title,
      job.label,
      median(own).toFixed(2),
      `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${
        Math.max(...ratios).toFixed(2)
      })`,
    ]);
  }
  console.log(
    "\n" + table(["format", "candidate", "CPU µs/token", "× floor (range)"], rows, [
      false,
      false,
      true,
      true,
    ]),
  );
}

async function main(args: string[]): Promise<void> {
  const quick = args.includes("--quick");
  const events = quick ? 2_000 : 10_000;
  if (args.includes("--cpu")) return await mainCpu(events);
  try {
    await new Deno.Command("valgrind", { args: ["--version"], stdout: "null" }).output();
  } catch {
    console.error("valgrind is not installed: apt-get install valgrind");
    Deno.exit(1);
  }
  const jobs = jobsOf();
  console.log(
    `sluice instructions bench: Deno ${Deno.version.deno}, ${integer.format(events)} tokens, ` +
      `one event per read; instructions per token = (count at ${HIGH} runs − count at ${LOW}) ÷ ` +
      `${HIGH - LOW} ÷ tokens, under valgrind cachegrind, V8 --predictable`,
  );
  // Two processes at a time (the machine has two cores; the counts do not depend on it).
  const perToken = new Map<Job, number>();
  const queue = [...jobs];
  const worker = async () => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      const low = await instructions(job.name, job.mode, LOW, events);
      const high = await instructions(job.name, job.mode, HIGH, events);
      perToken.set(job, (high - low) / (HIGH - LOW) / events);
    }
  };
  await Promise.all([worker(), worker()]);
  const rows: string[][] = [];
  for (const { name, title } of WIRES) {
    const floor = perToken.get(jobs.find((job) => job.name === name && job.mode === "floor")!)!;
    for (const job of jobs.filter((job) => job.name === name)) {
      const count = perToken.get(job)!;
      rows.push([
        title,
        job.label,
        integer.format(Math.round(count)),
        `${(count / floor).toFixed(2)}×`,
      ]);
    }
  }
  console.log(
    "\n" + table(["format", "candidate", "instructions/token", "× floor"], rows, [
      false,
      false,
      true,
      true,
    ]),
  );
}

if (Deno.args[0] === "--child") {
  const [, name, mode, reps, events, cpu] = Deno.args;
  await child(name as WireName, mode as Mode, Number(reps), Number(events), cpu === "--cpu");
} else {
  await main(Deno.args);
}
