import { seededRandom } from "../_seeded_random.ts";
export { seededRandom };
/**
 * What the decode and client benches share: the seeded word list and PRNG,
 * the pull-based in-memory body, the `--quick` / `--reps N` arguments, and
 * the table printing.
 *
 * @module
 */

/** Words for tokens: mostly ASCII, some 2-, 3- and 4-byte UTF-8. */
export const WORDS = [
  "the",
  "stream",
  "of",
  "tokens",
  "flows",
  "quickly",
  "through",
  "a",
  "sluice",
  "gate",
  "and",
  "into",
  "model",
  "output",
  "café",
  "über",
  "naïve",
  "Straße",
  "—",
  "日本",
  "語",
  "🚀",
  "😀",
  ",",
  ".",
];

/** A body that hands out one pre-split piece per pull, as a network read would. */
export function bodyOf(pieces: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces[index++];
      if (piece === undefined) controller.close();
      else controller.enqueue(piece);
    },
  });
}

/** `--quick` and `--reps N` (or `--reps=N`); `reps` is undefined when not given. */
export function parseArgs(args: readonly string[]): { quick: boolean; reps: number | undefined } {
  let reps: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--quick") continue;
    const match = /^--reps(?:=(.*))?$/.exec(arg);
    if (match === null) {
      throw new TypeError(`Unknown argument: '${arg}' (usage: [--quick] [--reps N])`);
    }
    const value = match[1] ?? args[++i];
    reps = Number(value);
    if (!Number.isInteger(reps) || reps < 1) {
      throw new RangeError(`Cannot use --reps: '${value}' is not a positive integer`);
    }
  }
  return { quick: args.includes("--quick"), reps };
}

/**
 * A bench's caller and the text deltas it is handed. With `keep` it keeps
 * the text (a checked run, or a client with no result of its own to hold
 * it); otherwise it only counts the characters: a second long-lived copy per
 * token is the caller's cost, not the client's. (Measured once by adding a
 * second copy to the floor, in separate processes: Anthropic 1.56 → 1.93 µs
 * of CPU per token.)
 */
export class Deltas {
  text = "";
  length = 0;
  readonly keep: boolean;

  constructor(keep: boolean) {
    this.keep = keep;
  }

  add(delta: string): void {
    if (this.keep) this.text += delta;
    else this.length += delta.length;
  }

  /** The length of the text streamed. */
  get streamedLength(): number {
    return this.keep ? this.text.length : this.length;
  }

  /** True if the text streamed is `expected`: whole when kept, by its length otherwise. */
  streamed(expected: string): boolean {
    return this.keep ? this.text === expected : this.length === expected.length;
  }
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Groups digits, e.g. 200,000. */
export const integer = new Intl.NumberFormat("en-US");

/** A plain-text table with a dashed rule under the header. */
export function table(head: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = head.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => rightAligned[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

/**
 * Writes `paths` as they are at git revision `rev` of this repository into
 * the folder `dir` (`git archive | tar -x`): another version of the library
 * to measure side by side with the working tree.
 */
export async function archiveRevision(rev: string, paths: string[], dir: string): Promise<void> {
  const root = decodeURIComponent(new URL("../../", import.meta.url).pathname);
  const { code, stderr } = await new Deno.Command("bash", {
    args: ["-c", 'git archive "$0" "${@:1}" | tar -x -C "$DIR"', rev, ...paths],
    cwd: root,
    env: { DIR: dir },
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`git archive ${rev} failed: ${new TextDecoder().decode(stderr)}`);
  }
}
