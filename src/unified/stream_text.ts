import type { RequestOptions } from "../http/request_options.ts";
import { callSafely } from "../stream/_call_safely.ts";
import type { ToResponseOptions } from "../stream/types.ts";
import { iterable, type IterableReadableStream, iterate } from "../stream/_async_iterable.ts";
import { formatServerSentEvent } from "../streams/format_server_sent_event.ts";
import {
  adapterOf,
  type AdapterStep,
  addUsage,
  type ModelAdapter,
  type ModelCall,
  type ObjectMode,
  type StepEnd,
} from "./_adapter.ts";
import type {
  CallWarning,
  GenerateTextResult,
  LanguageModelUsage,
  Message,
  ProviderMetadata,
  ResponseMetadata,
  StepResult,
  StreamPart,
  StreamTextOptions,
  ToolResult,
  UnifiedStreamStats,
} from "./types.ts";

const noop = () => {};
const REQUEST_KEYS = [
  "timeout",
  "idleTimeout",
  "totalTimeout",
  "maxRetries",
  "retryDelay",
  "fetch",
  "headers",
] as const;
const CONTENT_TYPES = {
  sse: "text/event-stream; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
  text: "text/plain; charset=utf-8",
} as const;

function cancelled(): DOMException {
  return new DOMException("The stream was cancelled", "AbortError");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A part as JSON for `toResponse()`: an error as `{ name, message }`. */
function serializable(part: StreamPart): unknown {
  if (part.type !== "error") return part;
  const error = part.error;
  return {
    type: "error",
    error: {
      name: error instanceof Error ? error.name : "Error",
      message: messageOf(error),
    },
  };
}

/** Builds the provider-neutral call from the options (shared with streamObject). */
export function modelCallOf(options: StreamTextOptions, object?: ObjectMode): ModelCall {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`streamText() needs an options object: received ${String(options)}`);
  }
  const messages: Message[] = options.messages ? [...options.messages] : [];
  if (options.prompt !== undefined) messages.push({ role: "user", content: options.prompt });
  if (messages.length === 0) {
    throw new TypeError("A prompt or messages are required: received neither");
  }
  const {
    maxTokens,
    temperature,
    topP,
    topK,
    frequencyPenalty,
    presencePenalty,
    stop,
    seed,
  } = options;
  const settings = Object.fromEntries(
    Object.entries({
      maxTokens,
      temperature,
      topP,
      topK,
      frequencyPenalty,
      presencePenalty,
      stop,
      seed,
    }).filter(([, value]) => value !== undefined),
  );
  return {
    settings,
    system: options.system,
    messages,
    tools: options.tools,
    toolChoice: options.toolChoice,
    object,
  };
}

/**
 * The stream `streamText` returns: the same normalized parts whichever
 * provider answered. The request starts at once. Like a `Response` body it is
 * read one way only — iterate it (parts), or take
 * {@linkcode UnifiedStream.fullStream}, {@linkcode UnifiedStream.textStream},
 * {@linkcode UnifiedStream.readable}, {@linkcode UnifiedStream.tee} or
 * {@linkcode UnifiedStream.toResponse}; {@linkcode UnifiedStream.result} and
 * {@linkcode UnifiedStream.text} work alongside any of them, and read the
 * stream themselves when nothing else does.
 *
 * Each model call is a step: `step-start`, its deltas, its complete
 * `tool-call`s, `usage`, the `tool-result`s of the tools sluice ran, and
 * `step-finish`; after the last step a `finish` part. A failure is one last
 * `error` part in the full stream (the text stream errors, `result()`
 * rejects). Leaving the loop early, `cancel()` or `await using` aborts the
 * HTTP request and any running tool's signal.
 *
 * @example Read the normalized parts (here from a canned Ollama answer)
 * ```ts
 * import { ollama, streamText } from "@sluice/sluice/unified";
 * import assert from "node:assert/strict";
 *
 * const body = JSON.stringify({ model: "llama3.2", created_at: "", done: true, done_reason: "stop",
 *   message: { role: "assistant", content: "Hi" }, prompt_eval_count: 3, eval_count: 1 }) + "\n";
 * const model = ollama("llama3.2", { fetch: () => Promise.resolve(new Response(body)) });
 *
 * const types = [];
 * for await (const part of streamText({ model, prompt: "Hi" })) types.push(part.type);
 * assert.deepEqual(types, ["step-start", "text-delta", "usage", "step-finish", "finish"]);
 * ```
 */
export class UnifiedStream implements AsyncIterable<StreamPart>, AsyncDisposable {
  /** The options the provider could not honour (known at once, before any I/O). */
  readonly warnings: CallWarning[];
  /** Status, headers, id and model of the (last step's) response, once the stream completed. */
  readonly response: Promise<ResponseMetadata>;
  /** Provider-specific extras of the last step, once the stream completed. */
  readonly providerMetadata: Promise<ProviderMetadata>;
  #adapter: ModelAdapter;
  #call: ModelCall;
  #options: StreamTextOptions;
  #maxSteps: number;
  #controller = new AbortController();
  #requestOptions: RequestOptions;
  #current: AdapterStep;
  #consumer: string | undefined;
  #settled = false;
  #cancelled = false;
  #end: Promise<GenerateTextResult>;
  #resolveEnd!: (result: GenerateTextResult) => void;
  #rejectEnd!: (error: unknown) => void;

  /**
   * Starts the first model call. Use `streamText()` (or `streamObject()`)
   * rather than this constructor.
   *
   * @example Construct through streamText
   * ```ts ignore
   * const stream = streamText({ model, prompt: "Hi" });
   * ```
   */
  constructor(options: StreamTextOptions, object?: ObjectMode) {
    this.#adapter = adapterOf(options?.model);
    this.#call = modelCallOf(options, object);
    this.#options = options;
    const maxSteps = options.maxSteps ?? 1;
    if (!Number.isInteger(maxSteps) || maxSteps < 1) {
      throw new RangeError(`maxSteps must be an integer of at least 1: received ${maxSteps}`);
    }
    this.#maxSteps = maxSteps;
    const signal = options.signal
      ? AbortSignal.any([options.signal, this.#controller.signal])
      : this.#controller.signal;
    const requestOptions: RequestOptions = { signal };
    for (const key of REQUEST_KEYS) {
      if (options[key] !== undefined) {
        (requestOptions as Record<string, unknown>)[key] = options[key];
      }
    }
    this.#requestOptions = requestOptions;
    this.#end = new Promise<GenerateTextResult>((resolve, reject) => {
      this.#resolveEnd = resolve;
      this.#rejectEnd = reject;
    });
    this.#end.catch(noop);
    this.response = this.#end.then((result) => result.response);
    this.response.catch(noop);
    this.providerMetadata = this.#end.then((result) => result.providerMetadata);
    this.providerMetadata.catch(noop);
    this.#current = this.#adapter.start(this.#call, requestOptions);
    this.warnings = this.#current.warnings;
    if (options.onChunk || options.onFinish || options.onError) {
      const start = () => {
        if (this.#consumer === undefined) this.#drain("callbacks");
      };
      this.#current.stream.response.then(start, start);
    }
  }

  /** The normalized parts (an `error` part last when the stream fails). */
  get fullStream(): IterableReadableStream<StreamPart> {
    return iterable(this.#take("fullStream", (part) => part, false));
  }

  /** The same as {@linkcode UnifiedStream.fullStream}: the parts as a `ReadableStream`. */
  get readable(): IterableReadableStream<StreamPart> {
    return iterable(this.#take("readable", (part) => part, false));
  }

  /** The text deltas of every step; errors with the stream's error. */
  get textStream(): IterableReadableStream<string> {
    return iterable(
      this.#take("textStream", (part) => part.type === "text-delta" ? part.text : undefined, true),
    );
  }

  /** Timings and counts of the current step's response stream (a snapshot). */
  get stats(): UnifiedStreamStats {
    return this.#current.stream.stats;
  }

  /** Iterates the parts; leaving the loop early cancels the request. */
  [Symbol.asyncIterator](): AsyncIterator<StreamPart> {
    return iterate(this.#take("for await", (part) => part, false));
  }

  /**
   * The result: text, reasoning, tool calls and results, finish reason
   * (normalized and raw), usage, warnings, response and every step. Reads
   * the stream to its end if nothing else is reading it.
   *
   * @example Await the result
   * ```ts ignore
   * const { text, finishReason, usage } = await streamText({ model, prompt }).result();
   * ```
   */
  result(): Promise<GenerateTextResult> {
    if (this.#consumer === undefined) this.#drain("result()");
    return this.#end;
  }

  /**
   * The whole text of the last step (see {@linkcode UnifiedStream.result}).
   *
   * @example Await the text
   * ```ts ignore
   * const text = await streamText({ model, prompt: "Hi" }).text();
   * ```
   */
  async text(): Promise<string> {
    return (await this.result()).text;
  }

  /**
   * Two independent streams of the parts.
   *
   * @example Tee the parts
   * ```ts ignore
   * const [forUi, forLog] = streamText({ model, prompt }).tee();
   * ```
   */
  tee(): [IterableReadableStream<StreamPart>, IterableReadableStream<StreamPart>] {
    const [a, b] = this.#take("tee()", (part) => part, false).tee();
    return [iterable(a), iterable(b)];
  }

  /**
   * Hands the stream on as a `Response`: `"sse"` (default) writes each part
   * as `data: <json>`, `"ndjson"` one part per line, `"text"` the text
   * deltas. An error is written as the last `error` part (`{ name, message }`).
   *
   * @example Answer an edge request with the parts as SSE
   * ```ts ignore
   * Deno.serve((request) => streamText({ model, prompt: "Hi" }).toResponse());
   * ```
   */
  toResponse(options: ToResponseOptions = {}): Response {
    const format = options.format ?? "sse";
    const encoder = new TextEncoder();
    const source = format === "text"
      ? this.#take<string>(
        "toResponse()",
        (part) => part.type === "text-delta" ? part.text : undefined,
        true,
      )
      : this.#take<string>("toResponse()", (part) => {
        const data = JSON.stringify(serializable(part));
        return format === "ndjson" ? data + "\n" : formatServerSentEvent({ data });
      }, false);
    const body = source.pipeThrough(
      new TransformStream<string, Uint8Array>({
        transform: (text, controller) => controller.enqueue(encoder.encode(text)),
      }),
    );
    const headers = new Headers(options.headers);
    if (!headers.has("content-type")) headers.set("content-type", CONTENT_TYPES[format]);
    if (!headers.has("cache-control")) headers.set("cache-control", "no-cache");
    return new Response(body, { headers });
  }

  /**
   * Stops the stream: aborts the HTTP request and the signal of running
   * tools. `result()` rejects with the reason (by default an `AbortError`).
   *
   * @example Cancel after the first text
   * ```ts ignore
   * for await (const text of stream.textStream) { await stream.cancel(); }
   * ```
   */
  cancel(reason?: unknown): Promise<void> {
    if (this.#consumer === undefined) this.#consumer = "cancel()";
    if (this.#settled) return Promise.resolve();
    const error = reason ?? cancelled();
    this.#cancelled = true;
    this.#settled = true;
    this.#rejectEnd(error);
    this.#controller.abort(error);
    return this.#current.stream.cancel(reason);
  }

  /** Cancels the stream when an `await using` block ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#settled ? Promise.resolve() : this.cancel();
  }

  #take<T>(
    by: string,
    select: (part: StreamPart) => T | undefined,
    errorStops: boolean,
  ): ReadableStream<T> {
    if (this.#consumer !== undefined) {
      throw new TypeError(
        `The stream is already being read (by ${this.#consumer}): read it once, or use tee() for two readers`,
      );
    }
    this.#consumer = by;
    const parts = this.#run();
    let closed = false;
    return new ReadableStream<T>({
      async pull(controller) {
        while (true) {
          const { done, value } = await parts.next();
          if (closed) return;
          if (done) return controller.close();
          if (value.type === "error" && errorStops) return controller.error(value.error);
          const item = select(value);
          if (item !== undefined) return controller.enqueue(item);
        }
      },
      cancel: async (reason) => {
        closed = true;
        await this.cancel(reason);
        // Not awaited: a tool that ignores its signal must not hold up the cancel.
        parts.return(undefined).catch(noop);
      },
    }, { highWaterMark: 0 });
  }

  #drain(by: string): void {
    const reader = this.#take(by, () => undefined, false).getReader();
    reader.read().then(() => reader.releaseLock(), noop);
  }

  async *#run(): AsyncGenerator<StreamPart, void, undefined> {
    const steps: StepResult[] = [];
    let totalUsage: LanguageModelUsage = {};
    const tools = this.#call.tools ?? {};
    for (let index = 0;; index++) {
      let step = this.#current;
      if (index > 0) {
        try {
          step = this.#adapter.start(this.#call, this.#requestOptions);
        } catch (error) {
          yield* this.#failed(error);
          return;
        }
        this.#current = step;
      }
      yield this.#emit({ type: "step-start", step: index, warnings: step.warnings });
      const reader = step.stream.readable.getReader();
      let end: StepEnd;
      let response: ResponseMetadata;
      let finished = false;
      try {
        const parts: StreamPart[] = [];
        const push = (part: StreamPart) => parts.push(part);
        while (true) {
          const { done, value } = await reader.read();
          if (done) break;
          step.map(value, push);
          for (let i = 0; i < parts.length; i++) yield this.#emit(parts[i]!);
          parts.length = 0;
        }
        finished = true;
        end = step.end(await step.stream.result());
        const info = await step.stream.response;
        response = { status: info.status, headers: info.headers, id: end.id, model: end.model };
      } catch (error) {
        yield* this.#failed(error);
        return;
      } finally {
        if (!finished) reader.cancel().catch(noop);
        else reader.releaseLock();
      }
      for (const call of end.toolCalls) yield this.#emit({ type: "tool-call", ...call });
      yield this.#emit({ type: "usage", usage: end.usage });
      totalUsage = addUsage(totalUsage, end.usage);
      const pending = end.finishReason === "tool-calls" && end.toolCalls.length > 0 &&
        end.toolCalls.every((call) => tools[call.toolName]?.execute !== undefined);
      const isContinued = pending && index + 1 < this.#maxSteps;
      const toolResults: ToolResult[] = [];
      if (isContinued) {
        const signal = this.#requestOptions.signal!;
        const results = await Promise.all(end.toolCalls.map(async (call): Promise<ToolResult> => {
          const base = { toolCallId: call.toolCallId, toolName: call.toolName, args: call.args };
          try {
            const execute = tools[call.toolName]!.execute!;
            const result = await execute(call.args, { signal, toolCallId: call.toolCallId });
            return { ...base, result };
          } catch (error) {
            return { ...base, result: messageOf(error), isError: true };
          }
        }));
        if (this.#cancelled) return;
        for (const result of results) {
          toolResults.push(result);
          yield this.#emit({ type: "tool-result", ...result });
        }
      }
      yield this.#emit({
        type: "step-finish",
        step: index,
        finishReason: end.finishReason,
        rawFinishReason: end.rawFinishReason,
        usage: end.usage,
        isContinued,
      });
      steps.push({
        text: end.text,
        reasoning: end.reasoning,
        toolCalls: end.toolCalls,
        toolResults,
        finishReason: end.finishReason,
        rawFinishReason: end.rawFinishReason,
        usage: end.usage,
        warnings: step.warnings,
        response,
        providerMetadata: end.providerMetadata,
      });
      if (isContinued) {
        this.#call.messages.push({
          role: "assistant",
          content: end.text,
          toolCalls: end.toolCalls.map(({ toolCallId, toolName, args }) => ({
            toolCallId,
            toolName,
            args,
          })),
        });
        for (const result of toolResults) {
          const message: Message = {
            role: "tool",
            toolCallId: result.toolCallId,
            toolName: result.toolName,
            result: result.result,
          };
          if (result.isError) message.isError = true;
          this.#call.messages.push(message);
        }
        continue;
      }
      const last = steps[steps.length - 1]!;
      const maxStepsReached = pending;
      yield this.#emit({
        type: "finish",
        finishReason: last.finishReason,
        rawFinishReason: last.rawFinishReason,
        totalUsage,
        maxStepsReached,
      });
      this.#succeed({ ...last, totalUsage, maxStepsReached, steps });
      return;
    }
  }

  *#failed(error: unknown): Generator<StreamPart, void, undefined> {
    if (this.#cancelled || this.#settled) return;
    this.#settled = true;
    this.#rejectEnd(error);
    const { onError } = this.#options;
    yield this.#emit({ type: "error", error });
    if (onError) this.#call_(onError, error);
  }

  #succeed(result: GenerateTextResult): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolveEnd(result);
    const { onFinish } = this.#options;
    if (onFinish) this.#call_(onFinish, result);
  }

  #emit(part: StreamPart): StreamPart {
    const { onChunk } = this.#options;
    if (onChunk) this.#call_(onChunk, part);
    return part;
  }

  #call_<T>(callback: (value: T) => void, value: T): void {
    callSafely(callback, value, this.#options.onError);
  }
}

/**
 * Streams a model's answer through any provider with one set of options:
 * the same normalized parts, result, warnings and errors whether the model
 * comes from `ollama()`, `openai()` or `anthropic()`. Each option is mapped
 * onto the provider's own field; one a provider cannot honour is reported in
 * `warnings` (never silently dropped). With `tools` whose `execute` is given
 * and `maxSteps > 1`, sluice runs the tool loop itself.
 *
 * @example Run a two-step tool loop (here against canned OpenAI answers)
 * ```ts
 * import { openai, streamText } from "@sluice/sluice/unified";
 * import assert from "node:assert/strict";
 *
 * const chunk = (delta: object, finish: string | null = null) =>
 *   `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
 * const answers = [
 *   chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } }] }, "tool_calls"),
 *   chunk({ content: "Sunny in Paris" }, "stop"),
 * ];
 * const model = openai("m", {
 *   fetch: () => Promise.resolve(new Response(answers.shift() + "data: [DONE]\n\n")),
 * });
 *
 * const result = await streamText({
 *   model,
 *   prompt: "Weather in Paris?",
 *   maxSteps: 3,
 *   tools: {
 *     weather: {
 *       description: "The weather in a city",
 *       parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
 *       execute: ({ city }: any) => ({ city, sky: "sunny" }),
 *     },
 *   },
 * }).result();
 * assert.equal(result.text, "Sunny in Paris");
 * assert.equal(result.steps.length, 2);
 * assert.deepEqual(result.steps[0]?.toolResults[0]?.result, { city: "Paris", sky: "sunny" });
 * ```
 */
export function streamText(options: StreamTextOptions): UnifiedStream {
  return new UnifiedStream(options);
}
