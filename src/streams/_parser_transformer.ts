import type { TextParser } from "./_body_stream.ts";

/**
 * Builds the transformer behind the public decoder stages: text in, the push
 * parser's items out. A parse error is raised at the next write or at the
 * flush, so the items the same chunk completed before it are delivered first.
 */
export function parserTransformer<T>(
  createParser: (emit: (item: T) => void) => TextParser,
): Transformer<string, T> {
  let parser: TextParser;
  let failure: { error: unknown } | undefined;
  const run = (step: () => void) => {
    if (failure) throw failure.error;
    try {
      step();
    } catch (error) {
      failure = { error };
    }
  };
  return {
    start(controller) {
      parser = createParser((item) => controller.enqueue(item));
    },
    transform(chunk) {
      run(() => parser.push(chunk));
    },
    flush() {
      run(() => parser.end());
      if (failure) throw failure.error;
    },
  };
}
