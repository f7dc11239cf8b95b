/**
 * Waits `ms` milliseconds with `setTimeout`; once `signal` is aborted the timer
 * is cleared and the promise rejects with `signal.reason`. The one sleep of the
 * library: retries, SSE reconnects and `SmoothTextStream` all wait with it.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
