/**
 * mulberry32, the one seeded PRNG of the tests, benches and tools: the same
 * numbers for the same seed, so random chunkings and data repeat exactly.
 * Web APIs only (the conformance suite runs it on every runtime).
 *
 * @module
 */

/** A function returning the next number in [0, 1) of the sequence for `seed`. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
