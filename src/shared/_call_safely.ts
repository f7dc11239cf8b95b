/**
 * Calls a user callback so that it can never throw into a stream: an exception
 * is reported like an exception in an event listener (`reportError`, or
 * rethrown in a microtask where the runtime has no `reportError`). It is not
 * the stream's error, so it never reaches `onError`.
 */
export function callSafely<T>(callback: (value: T) => void, value: T): void {
  try {
    callback(value);
  } catch (error) {
    const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
    if (report) report(error);
    else {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
