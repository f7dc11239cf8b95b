import type { StopCondition } from "./types.ts";

/**
 * A {@linkcode StopCondition} that ends the tool loop once the model called
 * one of the named tools (the tool still runs; its result is in the step).
 *
 * @example Stop once the model gave its final answer through a tool
 * ```ts
 * import { hasToolCall } from "@sluice/sluice/unified";
 * import assert from "node:assert/strict";
 *
 * const stop = hasToolCall("answer");
 * const step = { toolCalls: [{ id: "1", name: "answer", arguments: {} }] };
 * assert.equal(stop({ steps: [step as never] }), true);
 * ```
 *
 * @param names The tools whose call ends the loop.
 * @returns The condition.
 */
export function hasToolCall(...names: string[]): StopCondition {
  const wanted = new Set(names);
  return ({ steps }) => steps.at(-1)?.toolCalls.some((call) => wanted.has(call.name)) ?? false;
}

/**
 * A {@linkcode StopCondition} that ends the tool loop once this many steps
 * (model calls) were made.
 *
 * @example End after two model calls
 * ```ts
 * import { stepCountIs } from "@sluice/sluice/unified";
 * import assert from "node:assert/strict";
 *
 * assert.equal(stepCountIs(2)({ steps: [{} as never] }), false);
 * assert.equal(stepCountIs(2)({ steps: [{} as never, {} as never] }), true);
 * ```
 *
 * @param count The number of steps.
 * @returns The condition.
 */
export function stepCountIs(count: number): StopCondition {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`stepCountIs needs an integer of at least 1: received ${count}`);
  }
  return ({ steps }) => steps.length >= count;
}
