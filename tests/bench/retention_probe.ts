/**
 * What outlives the young generation's collections in Deno: for each kind of
 * object, one is made per run with a property that references 1 MB of small
 * objects, the run ends, and the probe prints the heap that three minor
 * collections leave and a full one frees, per run. A `ReadableStream` keeps
 * its megabyte (so does anything it reaches), and so does a getter made per
 * object once a shared function has read it; a plain object, an
 * `EventTarget`, an `AbortSignal`, a `TextDecoder` or a class's getter does
 * not. This is why a
 * finished sluice stream must not reach its answer from a `ReadableStream`
 * (see `tests/response_stream/retention_test.ts`).
 *
 *     deno run --v8-flags=--expose-gc tests/bench/retention_probe.ts
 *
 * @module
 */

const gc = (globalThis as { gc?: (options?: { type: "minor" | "major" }) => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");

const makeBig = () => Array.from({ length: 25_000 }, (_, i) => ({ i }));

/** One shared place that reads `done`, as a parser loop would. */
function readDone(parser: { readonly done: boolean }): boolean {
  return parser.done;
}

class Shared {
  big: unknown;
  constructor(big: unknown) {
    this.big = big;
  }
  get done(): boolean {
    return this.big === undefined;
  }
}

const kinds: Record<string, (big: unknown) => void> = {
  "nothing": () => {},
  "plain object": (big) => void { big },
  "EventTarget": (big) => Object.assign(new EventTarget(), { big }),
  "AbortSignal": (big) => Object.assign(new AbortController().signal, { big }),
  "TextDecoder": (big) => Object.assign(new TextDecoder(), { big }),
  "class getter, read": (big) => void readDone(new Shared(big)),
  "getter made per object, read": (big) =>
    void readDone({
      get done() {
        return big === undefined;
      },
    }),
  "ReadableStream (property)": (big) => Object.assign(new ReadableStream(), { big }),
  "ReadableStream (source closure)": (big) =>
    new ReadableStream({
      pull() {
        void big;
      },
    }),
};

const RUNS = 5;

async function heldPerRun(make: (big: unknown) => void): Promise<number> {
  for (let i = 0; i < 10; i++) make(makeBig());
  await new Promise((resolve) => setTimeout(resolve, 5));
  gc!();
  for (let i = 0; i < RUNS; i++) make(makeBig());
  await new Promise((resolve) => setTimeout(resolve, 5));
  for (let i = 0; i < 3; i++) gc!({ type: "minor" });
  const afterMinor = Deno.memoryUsage().heapUsed;
  gc!();
  return (afterMinor - Deno.memoryUsage().heapUsed) / RUNS;
}

await heldPerRun(kinds.nothing!); // Warm-up: code compiled, the heap grown.
console.log(`Deno ${Deno.version.deno}: heap a run leaves past young-generation collections`);
for (const [kind, make] of Object.entries(kinds)) {
  const held = await heldPerRun(make);
  console.log(`${kind.padEnd(32)} ${(held / 1024).toFixed(1).padStart(8)} KiB`);
}
