import type { StreamCallbacks, StreamOptions } from "./types.ts";

const NAMES = ["onChunk", "onText", "onReasoning", "onError", "onFinish", "onAbort"] as const;

/**
 * The callbacks of a call: the functions in its options and the methods of its
 * handler object, both called (options first), with the handler as `this`.
 */
export function callbacksOf<Chunk, Result>(
  options: StreamOptions<Chunk, Result>,
): StreamCallbacks<Chunk, Result> {
  const { handler } = options;
  const callbacks: StreamCallbacks<Chunk, Result> = {};
  for (const name of NAMES) {
    const own = options[name] as ((value: unknown) => void) | undefined;
    const method = handler?.[name] as ((value: unknown) => void) | undefined;
    if (own && method) {
      callbacks[name] = ((value: unknown) => {
        own(value);
        method.call(handler, value);
      }) as never;
    } else if (own) callbacks[name] = own as never;
    else if (method) callbacks[name] = ((value: unknown) => method.call(handler, value)) as never;
  }
  return callbacks;
}
