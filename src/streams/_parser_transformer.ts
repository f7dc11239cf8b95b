import type { TextParser } from "./_body_stream.ts";

const noop = () => {};

/** A parse error travelling through the readable queue, behind the items before it. */
class Failure {
  constructor(readonly error: unknown) {}
}

/**
 * The two sides of a decoder stage: text in, the push parser's items out,
 * and a parse error only after the items before it (see
 * {@linkcode parserTransformer} and {@linkcode deliverErrorsInOrder}).
 *
 * The public stages hold these sides rather than extend `TransformStream`, as
 * the standard's own `TextDecoderStream` does: bundlers keep a class that
 * extends a global they do not know, used or not.
 */
export function parserStage<T>(
  createParser: (emit: (item: T) => void) => TextParser,
): ReadableWritablePair<T, string> {
  const stage = new TransformStream<string, T>(parserTransformer(createParser));
  return { readable: deliverErrorsInOrder(stage), writable: stage.writable };
}

/**
 * Builds the transformer behind the public decoder stages: text in, the push
 * parser's items out. A parse error is queued as a marker behind the items the
 * same chunk completed; {@linkcode deliverErrorsInOrder} turns the marker into
 * the stream's error once those items have been read. (Throwing from the
 * transformer would error the readable side at once and discard every item
 * still queued for a slow reader.)
 */
function parserTransformer<T>(
  createParser: (emit: (item: T) => void) => TextParser,
): Transformer<string, T> {
  let parser: TextParser;
  let failed = false;
  const run = (controller: TransformStreamDefaultController<T>, step: () => void) => {
    if (failed) return;
    try {
      step();
    } catch (error) {
      failed = true;
      // Typed as T for the TransformStream; deliverErrorsInOrder takes it out.
      controller.enqueue(new Failure(error) as T);
    }
  };
  return {
    start(controller) {
      parser = createParser((item) => controller.enqueue(item));
    },
    transform(chunk, controller) {
      run(controller, () => parser.push(chunk));
    },
    flush(controller) {
      run(controller, () => parser.end());
    },
  };
}

/**
 * A pull-driven view of a stage's `readable` (built on
 * {@linkcode parserTransformer}) that delivers every item, then errors with
 * the parse error and cancels the stage, so the error travels back up the
 * pipe to the source.
 */
function deliverErrorsInOrder<T>(stage: TransformStream<string, T>): ReadableStream<T> {
  const reader = (stage.readable as ReadableStream<T | Failure>).getReader();
  const readable = new ReadableStream<T>({
    async pull(controller) {
      const result = await reader.read();
      if (result.done) return controller.close();
      const value = result.value;
      if (value instanceof Failure) {
        reader.cancel(value.error).catch(noop);
        return controller.error(value.error);
      }
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  return readable;
}
