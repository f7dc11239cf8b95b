/**
 * Hostile-input figures (issue 13): time and peak memory of
 *
 * - an Ollama `pull()` whose body names a new layer on every line
 *   (10,000 and 100,000 digests), read through the client with every line's
 *   `progress` touched;
 * - `PartialJsonParser.value` read after every 16-character delta of a growing
 *   top-level array (10,000, 40,000 and 160,000 elements).
 *
 * Each case runs in a process of its own, so a case that runs out of memory is
 * reported as such and the others still run, and none pays for another's heap.
 *
 * ```sh
 * deno run -A tests/bench/hostile_bench.ts            # every case
 * deno run -A tests/bench/hostile_bench.ts pull 10000 # one case, prints its JSON
 * ```
 *
 * @module
 */
import { Ollama } from "../../src/providers/ollama/mod.ts";
import { PartialJsonParser } from "../../src/streams/partial_json_parser.ts";

interface Figures {
  ms: number;
  peakHeapMB: number;
  peakRssMB: number;
  detail: string;
}

const CASES: [kind: "pull" | "partial-json", size: number][] = [
  ["pull", 10_000],
  ["pull", 100_000],
  ["partial-json", 10_000],
  ["partial-json", 40_000],
  ["partial-json", 160_000],
];

/** Peak memory, sampled by the case as it runs. */
class Peak {
  heap = 0;
  rss = 0;
  sample(): void {
    const { heapUsed, rss } = Deno.memoryUsage();
    if (heapUsed > this.heap) this.heap = heapUsed;
    if (rss > this.rss) this.rss = rss;
  }
}

/** An NDJSON pull body: one line per new layer, then `success`. */
export function pullBody(digests: number): Uint8Array<ArrayBuffer> {
  const lines = [JSON.stringify({ status: "pulling manifest" })];
  for (let i = 0; i < digests; i++) {
    const digest = `sha256:${i.toString(16).padStart(64, "0")}`;
    lines.push(JSON.stringify({ status: "pulling", digest, total: 100, completed: 100 }));
  }
  lines.push(JSON.stringify({ status: "success" }));
  return new TextEncoder().encode(lines.join("\n") + "\n");
}

async function pullCase(digests: number): Promise<Figures> {
  const body = pullBody(digests);
  const peak = new Peak();
  peak.sample();
  const ollama = new Ollama({ fetch: () => Promise.resolve(new Response(body)) });
  const start = performance.now();
  const stream = ollama.pull({ model: "m" }, { now: () => 0 });
  let lines = 0;
  let percent = 0;
  for await (const { progress } of stream) {
    percent += progress.percent;
    if (++lines % 256 === 0) peak.sample();
  }
  const result = await stream.result();
  const ms = performance.now() - start;
  peak.sample();
  const layers = Object.keys(result.progress.layers).length;
  if (layers !== digests) throw new Error(`Expected ${digests} layers, got ${layers}`);
  void percent;
  return {
    ms,
    peakHeapMB: peak.heap / 1e6,
    peakRssMB: peak.rss / 1e6,
    detail: `${(body.length / 1e6).toFixed(2)} MB body, ${lines} lines`,
  };
}

/** `[{"id":0,"name":"item 0"},…]`: a top-level array of small objects. */
export function arrayDocument(elements: number): string {
  const parts: string[] = [];
  for (let i = 0; i < elements; i++) parts.push(`{"id":${i},"name":"item ${i}"}`);
  return `[${parts.join(",")}]`;
}

function partialJsonCase(elements: number): Figures {
  const text = arrayDocument(elements);
  const peak = new Peak();
  peak.sample();
  const start = performance.now();
  const parser = new PartialJsonParser();
  let reads = 0;
  for (let i = 0; i < text.length; i += 16) {
    if (parser.push(text.slice(i, i + 16))) {
      parser.value;
      if (++reads % 1024 === 0) peak.sample();
    }
  }
  const final = parser.end() as unknown[];
  const ms = performance.now() - start;
  peak.sample();
  if (final.length !== elements) throw new Error(`Expected ${elements} elements`);
  return {
    ms,
    peakHeapMB: peak.heap / 1e6,
    peakRssMB: peak.rss / 1e6,
    detail: `${(text.length / 1e6).toFixed(2)} MB in 16-char deltas, ${reads} snapshots read`,
  };
}

if (import.meta.main) {
  const [kind, size] = Deno.args;
  if (kind !== undefined) {
    const figures = kind === "pull" ? await pullCase(Number(size)) : partialJsonCase(Number(size));
    console.log(JSON.stringify(figures));
  } else {
    for (const [kind, size] of CASES) {
      const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", new URL(import.meta.url).pathname, kind, String(size)],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const label = `${kind} ${size.toLocaleString("en-US")}`.padEnd(22);
      if (code !== 0) {
        const error = new TextDecoder().decode(stderr);
        const reason = /out of memory|heap limit/i.test(error) ? "out of memory" : "failed";
        console.log(`${label} ${reason} (exit code ${code})`);
        continue;
      }
      const figures: Figures = JSON.parse(new TextDecoder().decode(stdout));
      console.log(
        `${label} ${figures.ms.toFixed(0).padStart(7)} ms  peak heap ${
          figures.peakHeapMB.toFixed(0).padStart(5)
        } MB  peak RSS ${figures.peakRssMB.toFixed(0).padStart(5)} MB  (${figures.detail})`,
      );
    }
  }
}
