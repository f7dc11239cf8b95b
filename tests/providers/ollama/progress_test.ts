import assert from "node:assert/strict";
import { Ollama } from "../../../src/providers/ollama/mod.ts";
import type {
  OllamaProgress,
  OllamaProgressChunk,
  OllamaProgressOptions,
} from "../../../src/providers/ollama/mod.ts";
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

/** Pulls `lines` through a local server with a clock that advances 100 ms per line. */
async function pull(
  lines: unknown[],
  options: OllamaProgressOptions = {},
): Promise<OllamaProgressChunk[]> {
  const chunks: OllamaProgressChunk[] = [];
  await withServer(() => ndjsonResponse(piecewise(utf8(ndjson(...lines)), 5)), async (base) => {
    let tick = 0;
    const stream = new Ollama({ host: base }).pull({ model: "m" }, {
      now: () => 100 * tick++,
      ...options,
    });
    for await (const chunk of stream) chunks.push(chunk);
    const result = await stream.result();
    assert.deepEqual(result.progress, chunks.at(-1)!.progress);
    assert.equal(result.status, "success");
  });
  return chunks;
}

/** Bytes per second as the tracker computes it: bytes moved over milliseconds elapsed. */
function rate(moved: number, elapsed: number): number {
  return moved / (elapsed / 1000);
}

Deno.test("Ollama pull progress aggregates every line: bytes, percent, layers, speed and ETA", async () => {
  const chunks = await pull(LINES, { rateWindow: 250 });
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
    layers: {},
    done: false,
  });
  // A layer's first line has no `completed`: zero, not unknown.
  assert.deepEqual(progress[1], {
    status: "pulling aaaa",
    completed: 0,
    total: 1000,
    percent: 0,
    layers: { [A]: layer(A, 1000, 0) },
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
  assert.deepEqual(progress[5]!.layers, { [A]: layer(A, 1000, 1000), [B]: layer(B, 500, 0) });
  assert.deepEqual(Object.keys(progress[7]!.layers), [A, B], "layers in the order they appeared");
  assert.deepEqual(progress[10], {
    status: "success",
    completed: 1500,
    total: 1500,
    percent: 100,
    layers: { [A]: layer(A, 1000, 1000), [B]: layer(B, 500, 500) },
    bytesPerSecond: 0,
    etaSeconds: 0,
    done: true,
  });
  // Each line has its own snapshot: a progress bar may keep them.
  assert.notEqual(progress[6]!.layers[B], progress[7]!.layers[B]);
  assert.equal(progress[6]!.layers[B]!.completed, 250);
});

Deno.test("Ollama pull speed averages over the default 5 s window", async () => {
  const chunks = await pull(LINES);
  assert.equal(chunks[7]!.progress.bytesPerSecond, rate(1500, 700));
  assert.equal(chunks[10]!.progress.bytesPerSecond, rate(1500, 1000));
});

Deno.test("Ollama pull speed stays defined when lines are further apart than the window", async () => {
  const chunks = await pull(LINES, { rateWindow: 50 });
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
