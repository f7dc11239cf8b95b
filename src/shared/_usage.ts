import type { Usage } from "./types.ts";

/**
 * A {@linkcode Usage} from counts that may be missing: only the numbers
 * present are set, and `totalTokens` is their sum when both are known.
 */
export function usageOf(
  input: unknown,
  output: unknown,
  cachedInput?: unknown,
  reasoning?: unknown,
): Usage {
  const usage: Usage = {};
  if (typeof input === "number") usage.inputTokens = input;
  if (typeof output === "number") usage.outputTokens = output;
  if (typeof input === "number" && typeof output === "number") usage.totalTokens = input + output;
  if (typeof cachedInput === "number") usage.cachedInputTokens = cachedInput;
  if (typeof reasoning === "number") usage.reasoningTokens = reasoning;
  return usage;
}
