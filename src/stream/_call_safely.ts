/**
 * Calls a user callback so that it can never throw into a stream: an exception
 * goes to `onError` (unless `onError` is the one that threw) and otherwise is
 * reported like an exception in an event listener (`reportError`, or rethrown
 * in a microtask where the runtime has no `reportError`).
 */
export function callSafely<T>(
  callback: (value: T) => void,
  value: T,
  onError: ((error: unknown) => void) | undefined,
): void {
  try {
    callback(value);
  } catch (thrown) {
    let error = thrown;
    if (onError && callback !== onError) {
      try {
        onError(error);
        return;
      } catch (inner) {
        error = inner;
      }
    }
    const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
    if (report) report(error);
    else {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
