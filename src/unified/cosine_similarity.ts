/**
 * The cosine of the angle between two vectors, from -1 (opposite) through 0
 * (unrelated) to 1 (the same direction): how alike two embeddings are.
 * A vector of zeros has no direction: its similarity to anything is 0 (not
 * `NaN`), and so is that of two empty vectors.
 *
 * @example Compare vectors
 * ```ts
 * import { cosineSimilarity } from "@sluice/sluice/unified";
 * import assert from "node:assert/strict";
 *
 * assert.equal(cosineSimilarity([1, 0], [2, 0]), 1);
 * assert.equal(cosineSimilarity([1, 0], [0, 3]), 0);
 * assert.equal(cosineSimilarity([1, 2], [-1, -2]), -1);
 * assert.equal(cosineSimilarity([0, 0], [1, 1]), 0);
 * ```
 *
 * @throws {RangeError} The vectors differ in length.
 */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) {
    throw new RangeError(
      `Vectors must have the same length: received ${a.length} and ${b.length}`,
    );
  }
  let [dot, normA, normB] = sums(a, b, 1, 1);
  if (!(Number.isFinite(dot) && normA > 0 && normA < Infinity && normB > 0 && normB < Infinity)) {
    // A zero vector, or squares that left the float range: scale each vector
    // by its largest component and sum again.
    const scaleA = largest(a);
    const scaleB = largest(b);
    if (scaleA === 0 || scaleB === 0) return 0;
    [dot, normA, normB] = sums(a, b, scaleA, scaleB);
  }
  const product = normA * normB;
  const norms = product > 0 && product < Infinity
    ? Math.sqrt(product)
    : Math.sqrt(normA) * Math.sqrt(normB);
  // Rounding can take the quotient a hair past ±1.
  return Math.max(-1, Math.min(1, dot / norms));
}

function sums(
  a: readonly number[],
  b: readonly number[],
  scaleA: number,
  scaleB: number,
): [dot: number, normA: number, normB: number] {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! / scaleA;
    const y = b[i]! / scaleB;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return [dot, normA, normB];
}

function largest(vector: readonly number[]): number {
  let max = 0;
  for (const value of vector) max = Math.max(max, Math.abs(value));
  return max;
}
