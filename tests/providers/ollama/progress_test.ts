import assert from "node:assert/strict";
import { Ollama } from "../../../src/providers/ollama/mod.ts";
import type {
  OllamaLayerProgress,
  OllamaProgress,
  OllamaProgressChunk,
  OllamaProgressOptions,
  OllamaProgressResult,
} from "../../../src/providers/ollama/mod.ts";
import { ProgressTracker } from "../../../src/providers/ollama/_progress.ts";
import { ndjson, ndjsonResponse, piecewise, utf8, withServer } from "./_helpers.ts";

const A = "sha256:aaaa";
const B = "sha256:bbbb";

/** Lines of a two-layer pull; with the fake clock, line i is read at 100 × i ms. */
const LINES = [
  { status: "pulling manifest" },
  { status: "pulling aaaa", digest: A, total: 1000 },
  { status: "pulling aaaa", digest: A, total: 1000, completed: 200 },
  { status: "pulling aaaa", digest: A, total: 1000, completed: 500 },
  { status: "pulling aaaa", digest: A, total: 1000, completed: 1000 },
  { status: "pulling bbbb", digest: B, total: 500 },
  { status: "pulling bbbb", digest: B, total: 500, completed: 250 },
  { status: "pulling bbbb", digest: B, total: 500, completed: 500 },
  { status: "verifying sha256 digest" },
  { status: "writing manifest" },
  { status: "success" },
];

/**
 * Pulls `lines` through a local server with a clock that advances 100 ms per
 * line; returns the chunks and the result's list of every layer.
 */
async function pull(
  lines: unknown[],
  options: OllamaProgressOptions = {},
): Promise<{ chunks: OllamaProgressChunk[]; layers: Record<string, OllamaLayerProgress> }> {
  const chunks: OllamaProgressChunk[] = [];
  let result: OllamaProgressResult | undefined;
  await withServer(() => ndjsonResponse(piecewise(utf8(ndjson(...lines)), 5)), async (base) => {
    let tick = 0;
    const stream = new Ollama({ host: base }).pull({ model: "m" }, {
      now: () => 100 * tick++,
      ...options,
    });
    for await (const chunk of stream) chunks.push(chunk);
    result = await stream.result();
    // The result's progress is the last line's, plus the list of every layer.
    const { layers: _, ...last } = result.progress;
    assert.deepEqual(last, chunks.at(-1)!.progress);
    assert.equal(result.status, "success");
  });
  return { chunks, layers: result!.progress.layers };
}

/** Bytes per second as the tracker computes it: bytes moved over milliseconds elapsed. */
function rate(moved: number, elapsed: number): number {
  return moved / (elapsed / 1000);
}

Deno.test("Ollama pull progress aggregates every line: bytes, percent, layer, speed and ETA", async () => {
  const { chunks, layers } = await pull(LINES, { rateWindow: 250 });
  assert.deepEqual(chunks.map(({ progress: _, ...line }) => line), LINES);
  const progress = chunks.map((chunk) => chunk.progress);
  const layer = (digest: string, total: number, completed: number) => ({
    digest,
    total,
    completed,
    done: completed >= total,
  });

  assert.deepEqual(progress[0], {
    status: "pulling manifest",
    completed: 0,
    total: 0,
    percent: 0,
    done: false,
  });
  // A layer's first line has no `completed`: zero, not unknown.
  assert.deepEqual(progress[1], {
    status: "pulling aaaa",
    completed: 0,
    total: 1000,
    percent: 0,
    layer: layer(A, 1000, 0),
    bytesPerSecond: 0,
    done: false,
  });
  const expected: [index: number, completed: number, total: number, bps: number][] = [
    [2, 200, 1000, rate(200, 200)],
    [3, 500, 1000, rate(500, 300)],
    // From here on the 250 ms window slides: the anchor is the last sample at or before it.
    [4, 1000, 1000, rate(1000, 300)],
    [5, 1000, 1500, rate(800, 300)],
    [6, 1250, 1500, rate(750, 300)],
    [7, 1500, 1500, rate(500, 300)],
    [8, 1500, 1500, rate(500, 300)],
    [9, 1500, 1500, rate(250, 300)],
  ];
  for (const [index, completed, total, bps] of expected) {
    const p = progress[index]!;
    assert.equal(p.completed, completed, `line ${index}`);
    assert.equal(p.total, total, `line ${index}`);
    assert.equal(p.percent, (completed / total) * 100, `line ${index}`);
    assert.equal(p.bytesPerSecond, bps, `line ${index}`);
    assert.equal(p.etaSeconds, (total - completed) / bps, `line ${index}`);
    assert.equal(p.done, false);
  }
  // Each line carries the layer it is about, after it; lines about no layer carry none.
  assert.deepEqual(
    progress.map((p) => p.layer),
    [
      undefined,
      layer(A, 1000, 0),
      layer(A, 1000, 200),
      layer(A, 1000, 500),
      layer(A, 1000, 1000),
      layer(B, 500, 0),
      layer(B, 500, 250),
      layer(B, 500, 500),
      undefined,
      undefined,
      undefined,
    ],
  );
  assert.deepEqual(progress[10], {
    status: "success",
    completed: 1500,
    total: 1500,
    percent: 100,
    bytesPerSecond: 0,
    etaSeconds: 0,
    done: true,
  });
  // Each line has its own copy: a progress bar may keep them.
  assert.notEqual(progress[6]!.layer, progress[7]!.layer);
  assert.equal(progress[6]!.layer!.completed, 250);
  // The result lists every layer, in the order they appeared.
  assert.deepEqual(layers, { [A]: layer(A, 1000, 1000), [B]: layer(B, 500, 500) });
  assert.deepEqual(Object.keys(layers), [A, B], "layers in the order they appeared");
});

Deno.test("Ollama pull speed averages over the default 5 s window", async () => {
  const { chunks } = await pull(LINES);
  assert.equal(chunks[7]!.progress.bytesPerSecond, rate(1500, 700));
  assert.equal(chunks[10]!.progress.bytesPerSecond, rate(1500, 1000));
});

Deno.test("Ollama pull speed stays defined when lines are further apart than the window", async () => {
  const { chunks } = await pull(LINES, { rateWindow: 50 });
  assert.equal(chunks[2]!.progress.bytesPerSecond, rate(200, 100));
  assert.equal(chunks[3]!.progress.bytesPerSecond, rate(300, 100));
});

Deno.test("Ollama create progress keys a quantization without a digest by its status", async () => {
  const status = "quantizing F16 model to Q4_K_M";
  const lines = [
    { status: "using existing layer sha256:0ba8" },
    { status, total: 400, completed: 100 },
    { status, total: 400, completed: 400 },
    { status: "writing manifest" },
    { status: "success" },
  ];
  await withServer(() => ndjsonResponse(ndjson(...lines)), async (base) => {
    const seen: OllamaProgress[] = [];
    const stream = new Ollama({ host: base }).create({ model: "q", from: "f16" }, {
      onChunk: (chunk) => seen.push(chunk.progress),
    });
    const result = await stream.result();
    assert.deepEqual(seen.map((p) => p.percent), [0, 25, 100, 100, 100]);
    assert.deepEqual(result.progress.layers, {
      [status]: { digest: status, total: 400, completed: 400, done: true },
    });
  });
});

Deno.test("Ollama pull rejects a rate window that is not positive", () => {
  let requests = 0;
  const ollama = new Ollama({
    fetch: () => {
      requests++;
      return Promise.reject(new Error("not called"));
    },
  });
  assert.throws(() => ollama.pull({ model: "m" }, { rateWindow: 0 }), {
    name: "RangeError",
    message: "rateWindow must be a positive number of milliseconds: received 0",
  });
  // Invalid options are the caller's mistake: nothing is sent, no timer is left behind.
  assert.equal(requests, 0, "no request for invalid options");
});

/** A pull body that names a new layer on every line: `digests` lines, then `success`. */
function manyLayers(digests: number): unknown[] {
  const lines: unknown[] = [{ status: "pulling manifest" }];
  for (let i = 0; i < digests; i++) {
    const digest = `sha256:${i.toString(16).padStart(64, "0")}`;
    lines.push({ status: "pulling", digest, total: 100, completed: 100 });
  }
  lines.push({ status: "success" });
  return lines;
}

Deno.test("Ollama pull of 10,000 layers keeps each line small and lists every layer in the result", async () => {
  const lines = manyLayers(10_000);
  // A digest that is an Object.prototype name stays a key of its own.
  lines.splice(1, 0, { status: "pulling", digest: "__proto__", total: 7, completed: 7 });
  await withServer(() => ndjsonResponse(ndjson(...lines)), async (base) => {
    const stream = new Ollama({ host: base }).pull({ model: "m" });
    let count = 0;
    let largest = 0;
    let last: OllamaProgress | undefined;
    for await (const { progress } of stream) {
      count++;
      // Every line costs the same: its progress does not grow with the layers before it.
      largest = Math.max(largest, JSON.stringify(progress).length);
      if (progress.layer !== undefined) last = progress;
    }
    assert.equal(count, lines.length);
    assert.ok(largest < 400, `a line's progress of ${largest} characters`);
    assert.equal(last!.layer!.digest, `sha256:${(9999).toString(16).padStart(64, "0")}`);
    const { progress } = await stream.result();
    assert.equal(progress.total, 10_000 * 100 + 7);
    assert.equal(Object.keys(progress.layers).length, 10_001);
    assert.ok(Object.hasOwn(progress.layers, "__proto__"));
    assert.deepEqual(progress.layers["__proto__"], {
      digest: "__proto__",
      total: 7,
      completed: 7,
      done: true,
    });
    assert.equal(Object.getPrototypeOf(progress.layers), Object.prototype);
  });
});

/**
 * Feeds `lines` to a fresh tracker in batches of 1,000 and returns the time of
 * the fastest of the last four batches over that of the fastest of the first
 * four (the fastest, so that a garbage collection inside a batch does not
 * count). Stops early once it is past `limit`.
 */
function lateOverEarly(lines: readonly { status: string }[], limit: number): number {
  const batch = 1_000;
  const times: number[] = [];
  const tracker = new ProgressTracker({ now: () => 0 });
  let ratio = 0;
  for (let start = 0; start + batch <= lines.length; start += batch) {
    const begin = performance.now();
    for (let i = start; i < start + batch; i++) tracker.update(lines[i]!);
    times.push(performance.now() - begin);
    if (times.length < 8) continue;
    ratio = Math.min(...times.slice(-4)) / Math.max(Math.min(...times.slice(0, 4)), 0.05);
    if (ratio > limit) break;
  }
  return ratio;
}

Deno.test("Ollama progress costs the same per line after 16,000 layers as after a few", () => {
  const lines = manyLayers(16_000).slice(1, -1) as { status: string }[];
  for (let run = 0; run < 3; run++) lateOverEarly(lines.slice(0, 2_000), Infinity); // warm up
  // Linear: about 1. Copying every layer on every line made it pass 4 within 5,000 layers.
  // A timing is noisy: the best of three tries.
  let best = Infinity;
  for (let attempt = 0; attempt < 3 && best >= 4; attempt++) {
    best = Math.min(best, lateOverEarly(lines, 4));
  }
  assert.ok(best < 4, `a batch of lines took ${best.toFixed(1)} times as long after many layers`);
});
