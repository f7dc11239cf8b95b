import assert from "node:assert/strict";
import { cosineSimilarity } from "../../src/unified/mod.ts";

Deno.test("cosineSimilarity gives 1, 0 and -1 for the same, orthogonal and opposite directions", () => {
  assert.equal(cosineSimilarity([1, 2, 3], [2, 4, 6]), 1);
  assert.equal(cosineSimilarity([1, 0], [0, 5]), 0);
  assert.equal(cosineSimilarity([1, 2], [-1, -2]), -1);
  assert.ok(Math.abs(cosineSimilarity([1, 1], [1, 0]) - Math.SQRT1_2) < 1e-15);
});

Deno.test("cosineSimilarity throws a RangeError for vectors of different lengths", () => {
  assert.throws(
    () => cosineSimilarity([1, 2], [1, 2, 3]),
    (error: unknown) =>
      error instanceof RangeError &&
      error.message === "Vectors must have the same length: received 2 and 3",
  );
});

Deno.test("cosineSimilarity is 0 for a zero vector and for two empty vectors, never NaN", () => {
  assert.equal(cosineSimilarity([0, 0], [1, 1]), 0);
  assert.equal(cosineSimilarity([1, 1], [0, 0]), 0);
  assert.equal(cosineSimilarity([0, 0], [0, 0]), 0);
  assert.equal(cosineSimilarity([], []), 0);
});

Deno.test("cosineSimilarity stays within [-1, 1] for very large and very small vectors", () => {
  assert.equal(cosineSimilarity([1e200, 1e200], [2e200, 2e200]), 1);
  assert.equal(cosineSimilarity([1e-200, 0], [-3e-200, 0]), -1);
  for (let i = 1; i < 200; i++) {
    const a = [0.1 * i, 0.7, 1 / i];
    const value = cosineSimilarity(a, a.map((x) => x * 3));
    assert.ok(value <= 1 && value >= 0.9999999999999, String(value));
  }
});
