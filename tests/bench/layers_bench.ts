/**
 * `deno task bench:layers`: where a client's time per token goes over the
 * floor, layer by layer, at one event per read. Every candidate runs in the
 * same process, in a new random order each round, and is timed against the
 * floor of the same round; a process reports the median ratio over its
 * rounds, and several processes run in turn (a process's JIT can settle a
 * few per cent off another's). The ratios of one process move by 1–3 %; the
 * CPU benches, a process per candidate, move by up to 10 %.
 *
 * The layers, for each wire format:
 *
 * 1. `floor`: one body read, one `TextDecoder.decode`, a minimal LF-only
 *    frame parser and one `JSON.parse` per event (`_floor.ts`);
 * 2. `+ consumer`: the floor's text deltas handed to a `for await` loop,
 *    one at a time, as every client hands them to its caller;
 * 3. `+ frames`: sluice's fused decoder (`parseBody`) with its spec-exact
 *    frame parser (`SseParser`, `NdjsonParser`), `JSON.parse` and the text
 *    delta taken out, iterated;
 * 4. the client through `textStream` + `result()`, and through `for await`
 *    of its chunks + `result()`;
 * 5. for OpenAI, `streamText` through `textStream` + `result()`.
 *
 * ```sh
 * deno task bench:layers                 # 3 processes of 40 rounds, 10,000 tokens
 * deno task bench:layers --processes 5 --rounds 60
 * ```
 *
 * @module
 */
import { parseBody } from "../../src/streams/_body_stream.ts";
import { SseParser } from "../../src/streams/_sse_parser.ts";
import { NdjsonParser } from "../../src/streams/_ndjson_parser.ts";
import * as sluice from "../../mod.ts";
import { expectedText, Floor } from "./_floor.ts";
import { bodyOf, type Transcript } from "./_transcripts.ts";
import { openStream, readText, type Wire, wireNamed, WIRES } from "./_wires.ts";
import { median } from "./_common.ts";

const EVENTS = 10_000;

/** A candidate: one run over the transcript, resolving to the text it delivered. */
type Run = () => Promise<string>;

function candidates(wire: Wire, transcript: Transcript): Map<string, Run> {
  const pieces = transcript.pieces;
  const pick = wire.pick;
  const runs = new Map<string, Run>();
  runs.set("floor", async () => {
    const floor = new Floor(wire.framing, pick, bodyOf(pieces));
    while (await floor.read());
    return floor.frames.text;
  });
  runs.set("+ consumer", async () => {
    const floor = new Floor(wire.framing, pick, bodyOf(pieces));
    const frames = floor.frames;
    let taken = 0;
    const deltas: AsyncIterableIterator<string> = {
      async next() {
        while (frames.deltas === taken) {
          if (!(await floor.read())) return { value: undefined, done: true };
        }
        taken++;
        return { value: "", done: false };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    let count = 0;
    for await (const _ of deltas) count++;
    if (count !== frames.deltas) throw new Error("+ consumer: deltas lost");
    return frames.text;
  });
  runs.set("+ frames", async () => {
    let text = "";
    const take = (json: string, emit: (delta: string) => void) => {
      const delta = pick(JSON.parse(json) as never);
      if (delta) emit(delta);
    };
    const deltas = parseBody<string>(
      bodyOf(pieces),
      (emit) =>
        wire.framing === "sse"
          ? new SseParser((event) => {
            if (event.data !== "[DONE]") take(event.data, emit);
          })
          : new NdjsonParser((line) => {
            const delta = pick(line as never);
            if (delta) emit(delta);
          }),
    );
    for await (const delta of deltas) text += delta;
    return text;
  });
  runs.set("textStream + result()", () => readText(openStream(sluice, wire, pieces), "textStream"));
  runs.set("for await + result()", async () => {
    const stream = openStream(sluice, wire, pieces);
    for await (const _ of stream);
    return (await stream.result()).text;
  });
  if (wire.name === "OpenAI") {
    runs.set("streamText", () => readText(openStream(sluice, wire, pieces, true), "streamText"));
  }
  return runs;
}

/** Shuffles `items` in place (Fisher–Yates) and returns them. */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Runs `script --child …args` in a Deno process of its own and returns the
 * JSON object it prints; exits with its code if it fails.
 */
export async function childResult(
  script: string,
  args: string[],
): Promise<Record<string, number>> {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, "--child", ...args],
    stderr: "inherit",
  }).output();
  if (code !== 0) Deno.exit(code);
  return JSON.parse(new TextDecoder().decode(stdout));
}

/** One process: `rounds` rounds of every candidate of `wire`, printed as JSON. */
async function child(wireName: string, rounds: number): Promise<void> {
  const wire = wireNamed(wireName);
  const transcript = wire.transcript(EVENTS);
  const expected = expectedText(wire.framing, wire.pick, transcript.bytes);
  const runs = candidates(wire, transcript);
  const names = [...runs.keys()];
  // Checked once each, then warmed up.
  for (const name of names) {
    if ((await runs.get(name)!()) !== expected) throw new Error(`${name}: the text differs`);
  }
  for (let i = 0; i < 4; i++) for (const name of names) await runs.get(name)!();
  const ratios = new Map(names.map((name) => [name, [] as number[]]));
  const floorTimes: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = shuffle([...names]);
    const times = new Map<string, number>();
    for (const name of order) {
      const start = performance.now();
      await runs.get(name)!();
      times.set(name, performance.now() - start);
    }
    const floor = times.get("floor")!;
    floorTimes.push(floor);
    for (const name of names) ratios.get(name)!.push(times.get(name)! / floor);
  }
  const out: Record<string, number> = { "floor µs/token": (median(floorTimes) * 1000) / EVENTS };
  for (const name of names) out[name] = median(ratios.get(name)!);
  console.log(JSON.stringify(out));
}

function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  if (index === -1) return fallback;
  const value = Number(args[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} takes a whole number`);
  return value;
}

if (import.meta.main) {
  const args = Deno.args;
  if (args[0] === "--child") {
    await child(args[1]!, Number(args[2]));
  } else {
    const processes = option(args, "--processes", 3);
    const rounds = option(args, "--rounds", 40);
    console.log(
      `${EVENTS.toLocaleString("en")} tokens, one event per read; × the floor of the same round, ` +
        `median of ${rounds} rounds in each of ${processes} processes (wall time, one process at a time)`,
    );
    for (const wire of WIRES) {
      const results: Record<string, number>[] = [];
      for (let p = 0; p < processes; p++) {
        results.push(
          await childResult(new URL(import.meta.url).pathname, [wire.name, String(rounds)]),
        );
      }
      console.log(`\n${wire.name}`);
      for (const key of Object.keys(results[0]!)) {
        const values = results.map((result) => result[key]!);
        const shown = key === "floor µs/token"
          ? values.map((v) => v.toFixed(2))
          : values.map((v) => `${v.toFixed(2)}×`);
        console.log(
          `  ${key.padEnd(22)} ${shown.join("  ")}   median ${median(values).toFixed(2)}`,
        );
      }
    }
  }
}
