/** The longest server-requested wait sluice honours; a longer one is not retried. */
export const MAX_RETRY_AFTER = 60_000;

/** Statuses worth another try: timeouts, conflicts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * How long the server asked to wait, in milliseconds, from `retry-after-ms`
 * (preferred), or `Retry-After` in seconds or as an HTTP date.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "") {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers.get("retry-after");
  if (after === null || after.trim() === "") return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff: base × 2^attempt, at most 16 × base, less up to 25 % jitter. */
export function backoff(attempt: number, base: number, random: () => number = Math.random): number {
  const delay = Math.min(base * 2 ** attempt, base * 16);
  return delay * (1 - 0.25 * random());
}

export { sleep } from "../streams/_sleep.ts";
