import type { RequestOptions } from "../http/request_options.ts";
import {
  partsIterator,
  ResponseStream,
  type Select,
  traceStream,
} from "../response_stream/response_stream.ts";
import { CallTrace } from "../shared/_trace.ts";
import { unifiedResponse, unifiedTrace } from "./_trace.ts";
import { callbacksOf } from "../response_stream/_callbacks.ts";
import { callSafely } from "../shared/_call_safely.ts";
import type { StreamStats } from "../response_stream/types.ts";
import { iterable, type IterableReadableStream } from "../shared/_async_iterable.ts";
import { pullStream } from "../shared/_flow.ts";
import type { ContentPart, ResponseInfo, StreamResult, ToolCall, Usage } from "../shared/types.ts";
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
  Message,
  ProviderMetadata,
  StepResponseMetadata,
  StepResult,
  StopCondition,
  StreamPart,
  StreamTextOptions,
  Tool,
  ToolResult,
  ToolSet,
} from "./types.ts";
import { isStandardSchema, jsonSchemaOf, validateStandard } from "./_schema.ts";
import { stepContent, stepMessages } from "./_messages.ts";

const noop = () => {};
/** Shared by every call that has none (never written to). */
const NONE: readonly never[] = [];
const NO_USAGE: Usage = {};
const NO_CALLBACKS = {};
const REQUEST_KEYS = [
  "timeout",
  "idleTimeout",
  "totalTimeout",
  "firstTokenTimeout",
  "maxRetries",
  "retryDelay",
  "fetch",
  "headers",
  "maxLineLength",
] as const;
/** The settings of a call, mapped by each adapter. */
const SETTING_KEYS = [
  "maxTokens",
  "temperature",
  "topP",
  "topK",
  "frequencyPenalty",
  "presencePenalty",
  "stop",
  "seed",
] as const;
/** The options the unified API reads besides the request keys and settings. */
const CALL_KEYS = [
  "maxOutputTokens",
  "model",
  "system",
  "prompt",
  "messages",
  "tools",
  "toolChoice",
  "maxSteps",
  "stopWhen",
  "activeTools",
  "onStepFinish",
  "providerOptions",
  "signal",
  "abortSignal",
  "tracer",
  "traceContent",
  "onChunk",
  "onText",
  "onReasoning",
  "onError",
  "onFinish",
  "onAbort",
  "handler",
];
/**
 * Every option the unified API reads (`streamObject`'s own are taken out
 * before); made at the first call, so that an unused module leaves a bundle.
 */
let knownKeys: Set<string> | undefined;
/** The `maxSteps` a `stopWhen` without `maxSteps` is capped at. */
const STOP_WHEN_MAX_STEPS = 20;
const CONTENT_TYPES = new Set<string>([
  "text-delta",
  "reasoning-delta",
  "tool-call-start",
  "tool-call-delta",
  "tool-call",
  "raw",
  "usage",
  "finish",
]);

/** What the tool loop yields when the consumer should read the step's parts itself. */
const PUMP: unique symbol = Symbol("pump");

type Parts = AsyncIterator<ContentPart, undefined>;
type Run = AsyncGenerator<StreamPart | typeof PUMP, void, undefined>;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Builds the provider-neutral call from the options (shared with streamObject). */
export function modelCallOf<TOOLS extends ToolSet>(
  options: StreamTextOptions<TOOLS>,
  object?: ObjectMode,
): ModelCall {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`streamText() needs an options object: received ${String(options)}`);
  }
  // Made at its length (a list pushed to, or spread into, takes room for 16 more), by `concat`.
  const given: Message[] = options.messages === undefined
    ? []
    : Array.isArray(options.messages)
    ? options.messages
    : [...options.messages];
  const messages = options.prompt === undefined
    ? given.concat()
    : given.concat({ role: "user", content: options.prompt });
  if (messages.length === 0) {
    throw new TypeError("A prompt or messages are required: received neither");
  }
  const { maxTokens, maxOutputTokens } = options;
  if (maxTokens !== undefined && maxOutputTokens !== undefined && maxTokens !== maxOutputTokens) {
    throw new TypeError(
      `maxTokens and maxOutputTokens are the same option: received ${maxTokens} and ${maxOutputTokens}`,
    );
  }
  const settings: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    if (options[key] !== undefined) settings[key] = options[key];
  }
  if (maxOutputTokens !== undefined) settings.maxTokens = maxOutputTokens;
  return {
    settings: settings as ModelCall["settings"],
    system: options.system,
    messages,
    tools: options.tools === undefined ? undefined : toolsOf(options.tools),
    toolChoice: options.toolChoice,
    object,
    providerOptions: options.providerOptions,
  };
}

/**
 * The tools as sent: each schema as JSON Schema; a Standard Schema's
 * `validate` checks the arguments before `execute` (a mismatch is the tool's
 * error, sent back to the model with its path).
 */
function toolsOf(tools: ToolSet): ToolSet {
  const out: ToolSet = {};
  for (const [name, tool] of Object.entries(tools)) {
    const { jsonSchema, ...rest } = tool;
    const converted: Tool = {
      ...rest,
      parameters: jsonSchemaOf(tool.parameters, jsonSchema, `The parameters of tool '${name}'`),
    };
    const schema = tool.parameters;
    const execute = tool.execute;
    if (isStandardSchema(schema) && execute !== undefined) {
      converted.execute = async (args, options) => {
        const checked = await validateStandard(schema, args);
        if ("path" in checked) {
          throw new TypeError(
            `The arguments of tool '${name}' do not match its schema: ${checked.path}: ${checked.message}`,
          );
        }
        return execute.call(tool, checked.value, options);
      };
    }
    out[name] = converted;
  }
  return out;
}

/** A warning for each option the unified API does not know (a typo, another library's name). */
export function unknownOptionWarnings(options: object): CallWarning[] {
  const warnings: CallWarning[] = [];
  const known = knownKeys ??= new Set<string>([...REQUEST_KEYS, ...SETTING_KEYS, ...CALL_KEYS]);
  for (const key of Object.keys(options)) {
    if (known.has(key) || (options as Record<string, unknown>)[key] === undefined) continue;
    warnings.push({
      type: "unsupported-setting",
      setting: key,
      details: `The unified API has no option '${key}': it was not sent`,
    });
  }
  return warnings;
}

/** Runs one tool call: an error result (never a throw) for every way it can fail. */
async function runTool(tools: ToolSet, call: ToolCall, signal: AbortSignal): Promise<ToolResult> {
  const base = { id: call.id, name: call.name, arguments: call.arguments };
  if (call.parseError !== undefined) return { ...base, result: call.parseError, isError: true };
  let result: unknown;
  try {
    result = await tools[call.name]!.execute!(call.arguments, { signal, id: call.id });
  } catch (error) {
    return { ...base, result: messageOf(error), isError: true };
  }
  try {
    JSON.stringify(result);
  } catch (error) {
    return {
      ...base,
      result: `The result of tool '${call.name}' cannot be sent as JSON: ${messageOf(error)}`,
      isError: true,
    };
  }
  return { ...base, result };
}

/** The tools sent in a step: all of them, or those `activeTools` names for it. */
function activeToolsOf(
  tools: ToolSet | undefined,
  index: number,
  activeTools: StreamTextOptions["activeTools"],
  warnings?: CallWarning[],
): ToolSet | undefined {
  if (activeTools === undefined) return tools;
  const names = typeof activeTools === "function" ? activeTools(index) : activeTools;
  if (names === undefined) return tools;
  const active: ToolSet = {};
  for (const name of names) {
    if (tools !== undefined && Object.hasOwn(tools, name)) active[name] = tools[name]!;
    else {
      warnings?.push({
        type: "unsupported-setting",
        setting: "activeTools",
        details: `activeTools names '${name}', which is not in tools: it was not sent`,
      });
    }
  }
  // None active: the request carries no tools (nor a tool choice).
  return Object.keys(active).length > 0 ? active : undefined;
}

/**
 * Starts a step's model call with its active tools; the unknown options and
 * the active tools' unknown names lead its warnings.
 */
function startStep(
  adapter: ModelAdapter,
  call: ModelCall,
  index: number,
  activeTools: StreamTextOptions["activeTools"],
  optionWarnings: readonly CallWarning[],
  requestOptions: RequestOptions,
): [AdapterStep, ToolSet | undefined] {
  const warnings = [...optionWarnings];
  const tools = activeToolsOf(call.tools, index, activeTools, warnings);
  const step = adapter.start(tools === call.tools ? call : { ...call, tools }, requestOptions);
  if (warnings.length > 0) step.warnings = [...warnings, ...step.warnings];
  return [step, tools];
}

/** What a consumer gets from one part, or `undefined` to skip it; an error part it skips throws. */
function take<T>(part: StreamPart, parts: boolean, select: Select<T>): T | undefined {
  if (parts && !CONTENT_TYPES.has(part.type)) {
    if (part.type === "error") throw part.error;
    return undefined;
  }
  const item = select(part, part.type === "text-delta" ? part.text : "");
  // A consumer that does not take error parts (the text stream) gets the error.
  if (item === undefined && part.type === "error") throw part.error;
  return item;
}

/** True when the options name a callback or a handler (else the stream needs no callbacks object). */
function hasCallbacks(options: StreamTextOptions): boolean {
  return options.onChunk !== undefined || options.onText !== undefined ||
    options.onReasoning !== undefined || options.onError !== undefined ||
    options.onFinish !== undefined || options.onAbort !== undefined ||
    (options as { handler?: unknown }).handler !== undefined;
}

/** Rejects with the signal's reason when it aborts (never resolves otherwise). */
function abortOf(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/**
 * The stream `streamText` returns: the same stream object as every provider
 * call (the same members, callbacks and consumption rules), whose items are
 * the normalized parts, whichever provider answered. The request starts at
 * once.
 *
 * Each model call is a step: `step-start`, the provider's parts as they
 * arrive (`text-delta`, `reasoning-delta`, `tool-call-start`,
 * `tool-call-delta`, `tool-call`, `raw`), `usage`, the `tool-result`s of the
 * tools sluice ran, and `step-finish`; after the last step a `finish` part. A
 * failure is one last `error` part for a consumer of the parts (`for await`,
 * `fullStream`, `readable`); the text stream errors, `result()` rejects. A
 * stop the caller asked for (`break`, `cancel()`, `await using`, the signal)
 * aborts the HTTP request and any running tool's signal, rejects with the
 * caller's reason (even while a tool ignores its signal), and calls
 * `onAbort` with {@linkcode ResponseStream.partial}.
 *
 * @typeParam TOOLS The call's tools: they type the result's tool calls and results.
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
export class UnifiedStream<TOOLS extends ToolSet = ToolSet>
  extends ResponseStream<StreamPart<TOOLS>, GenerateTextResult<TOOLS>> {
  /** The options the provider could not honour (known at once, before any I/O). */
  readonly warnings: CallWarning[];
  #adapter: ModelAdapter;
  #call: ModelCall;
  #maxSteps: number;
  #stopWhen: readonly StopCondition[];
  #activeTools: StreamTextOptions["activeTools"];
  #onStepFinish: StreamTextOptions<TOOLS>["onStepFinish"];
  #optionWarnings: readonly CallWarning[];
  /** The caller's signal. */
  #given: AbortSignal | undefined;
  /**
   * Aborts the tools and the later steps, with the caller's signal: made when
   * the tool loop first needs it (the first step's request takes the caller's
   * signal itself, and `stop` cancels it).
   */
  #controller: AbortController | undefined;
  #signal: AbortSignal | undefined;
  /** The reason of the first stop: the caller's (`cancel()`, `break`) or its signal's. */
  #stopped: { reason: unknown } | undefined;
  #requestOptions: RequestOptions;
  #current: AdapterStep;
  /** The tools the current step sent (`activeTools`). */
  #tools: ToolSet | undefined;
  /** The current step's response, once its headers arrived. */
  #info: ResponseInfo | undefined;
  #steps: readonly StepResult[] = NONE;
  #totalUsage: Usage = NO_USAGE;
  #inStep = true;
  /** `providerMetadata`, once asked for. */
  #metadata: Promise<ProviderMetadata> | undefined;
  #resolveMetadata: ((metadata: ProviderMetadata) => void) | undefined;
  /** The parts iterator of the step whose parts the consumer is reading straight from it. */
  #parts: Parts | undefined;
  /** The call is traced and its first content has not arrived yet. */
  #awaitFirstToken: boolean;

  /**
   * Starts the first model call. Use `streamText()` (or `streamObject()`)
   * rather than this constructor.
   *
   * @param options The call's options.
   * @param object Structured-output mode (used by `streamObject()`).
   */
  constructor(options: StreamTextOptions<TOOLS>, object?: ObjectMode) {
    const adapter = adapterOf(options?.model);
    const call = modelCallOf(options, object);
    const stopWhen: readonly StopCondition[] = options.stopWhen === undefined
      ? NONE
      : Array.isArray(options.stopWhen)
      ? options.stopWhen
      : [options.stopWhen];
    for (const condition of stopWhen) {
      if (typeof condition !== "function") {
        throw new TypeError(`stopWhen needs functions: received ${String(condition)}`);
      }
    }
    const maxSteps = options.maxSteps ?? (stopWhen.length > 0 ? STOP_WHEN_MAX_STEPS : 1);
    if (!Number.isInteger(maxSteps) || maxSteps < 1) {
      throw new RangeError(`maxSteps must be an integer of at least 1: received ${maxSteps}`);
    }
    const activeTools = options.activeTools;
    if (
      activeTools !== undefined && typeof activeTools !== "function" && !Array.isArray(activeTools)
    ) {
      throw new TypeError(
        `activeTools must be a list of tool names or a function: received ${String(activeTools)}`,
      );
    }
    const optionWarnings = unknownOptionWarnings(options);
    const given = options.signal ?? options.abortSignal;
    const requestOptions: RequestOptions = given ? { signal: given } : {};
    for (const key of REQUEST_KEYS) {
      if (options[key] !== undefined) {
        (requestOptions as Record<string, unknown>)[key] = options[key];
      }
    }
    // One span for the whole call (the request options above carry no tracer to the steps).
    const trace = CallTrace.start(options, () => unifiedTrace(options.model, "chat", call));
    let first: AdapterStep;
    let tools: ToolSet | undefined;
    try {
      [first, tools] = startStep(adapter, call, 0, activeTools, optionWarnings, requestOptions);
    } catch (error) {
      trace?.fail(error, undefined);
      throw error;
    }
    super(first.stream.response, hasCallbacks(options) ? callbacksOf(options) : NO_CALLBACKS);
    traceStream(this, trace, unifiedResponse);
    this.#awaitFirstToken = trace !== undefined;
    this.#adapter = adapter;
    this.#call = call;
    this.#maxSteps = maxSteps;
    this.#stopWhen = stopWhen;
    this.#activeTools = activeTools;
    this.#onStepFinish = options.onStepFinish;
    this.#optionWarnings = optionWarnings.length > 0 ? optionWarnings : NONE;
    this.#given = given;
    this.#requestOptions = requestOptions;
    this.#current = first;
    this.#tools = tools;
    this.#watch(first);
    this.warnings = first.warnings;
  }

  /** Provider-specific extras of the last step, once the stream completed. */
  get providerMetadata(): Promise<ProviderMetadata> {
    return this.#metadata ??= new Promise((resolve) => this.#resolveMetadata = resolve);
  }

  /** The parts (an `error` part last when the stream fails): the same as iterating it. */
  get fullStream(): IterableReadableStream<StreamPart<TOOLS>> {
    return this.readable;
  }

  /** Timings and counts of the current step's response stream (a snapshot). */
  get stats(): StreamStats {
    return this.#current.stream.stats;
  }

  /** Runs the tool loop for one consumer: its parts, through `select`. */
  protected open<T>(parts: boolean, select: Select<T>): IterableReadableStream<T> {
    // Within a step, the provider's parts are read straight from its parts iterator: the tool
    // loop's generator is resumed only at the step's end (one async hop a part, not two). The
    // first step is begun here, and the generator made at the end of its parts: a stream read
    // within its first step holds no generator.
    let run: Run | undefined;
    let begun = false;
    let pump: Parts | undefined;
    type Read = IteratorResult<ContentPart, undefined>;
    // The usual case, a part of the step under way that the consumer takes, goes through one
    // promise reaction; anything else (a skipped part aside) goes through `slow`, the loop.
    const fast = (): Promise<IteratorResult<T, undefined>> =>
      pump === undefined ? slow() : pump.next().then(onRead, onError);
    const onRead = (
      read: Read,
    ): IteratorResult<T, undefined> | Promise<IteratorResult<T, undefined>> => {
      if (read.done || pump === undefined) return slow({ read });
      const part = this.#partOf(read.value);
      if (part !== undefined) {
        const item = take(this.#emit(part), parts, select);
        if (item !== undefined) return { done: false, value: item };
      }
      return fast();
    };
    const onError = (error: unknown) => slow({ error });
    /** The loop, `first` being what the step's parts iterator already answered. */
    const slow = async (
      first?: { read: Read } | { error: unknown },
    ): Promise<IteratorResult<T, undefined>> => {
      // Answered for a step that already ended (only when reads overlap): nothing to take.
      if (pump === undefined) first = undefined;
      for (;;) {
        let next: IteratorResult<StreamPart | typeof PUMP, void>;
        if (pump !== undefined) {
          let read: Read;
          try {
            const answered = first;
            first = undefined;
            if (answered === undefined) read = await pump.next();
            else if ("error" in answered) throw answered.error;
            else read = answered.read;
          } catch (error) {
            pump = undefined;
            if (run === undefined) {
              this.#endPump(false);
              run = this.#run({ error });
              next = await run.next();
            } else next = await run.throw(error);
            read = { done: true, value: undefined };
          }
          if (pump !== undefined) {
            if (!read.done) {
              const part = this.#partOf(read.value);
              if (part === undefined) continue;
              const item = take(this.#emit(part), parts, select);
              if (item !== undefined) return { done: false, value: item };
              continue;
            }
            pump = undefined;
            if (run === undefined) {
              this.#endPump(true);
              run = this.#run();
            }
            next = await run.next();
          }
        } else if (run !== undefined) next = await run.next();
        else if (!begun) {
          begun = true;
          next = { done: false, value: this.#emit(this.#stepStart(0)) };
        } else {
          try {
            next = { done: false, value: this.#startPump() };
          } catch (error) {
            run = this.#run({ error });
            next = await run.next();
          }
        }
        if (next!.done) return { done: true, value: undefined };
        const value = next!.value;
        if (value === PUMP) {
          pump = this.#parts;
          continue;
        }
        const item = take(value, parts, select);
        if (item !== undefined) return { done: false, value: item };
      }
    };
    const stream = pullStream<T>(() => ({
      next: fast,
      cancel: (reason) => {
        this.cancel(reason);
        // Not awaited: a tool that ignores its signal must not hold up the cancel.
        pump?.return?.().catch(noop);
        if (run === undefined) this.#parts = undefined;
        else run.return(undefined).catch(noop);
      },
    }));
    return iterable(stream);
  }

  /** The steps so far, the current one as far as it got (no `finishReason` until it ends). */
  protected snapshot(): GenerateTextResult<TOOLS> {
    const steps = this.#steps.slice();
    if (this.#inStep) {
      const partial = this.#current.stream.partial;
      const step = this.#stepResult(this.#current, partial, []);
      // A step still under way has no finish reason yet, as its provider result has none.
      if (partial.finishReason === undefined) delete (step as Partial<StepResult>).finishReason;
      steps.push(step);
    }
    const last = steps[steps.length - 1]!;
    const totalUsage = this.#inStep ? addUsage(this.#totalUsage, last.usage) : this.#totalUsage;
    // The tool calls and results are those of the call's tools (typed for the caller).
    return { ...last, totalUsage, maxStepsReached: false, steps } as GenerateTextResult<TOOLS>;
  }

  /** Aborts the current request and the signal of running tools. */
  protected stop(reason: unknown): void {
    const given = this.#given;
    this.#stopped ??= { reason: given?.aborted ? given.reason : reason };
    // Once the tool loop has its signal, the current step's request has it too.
    if (this.#controller !== undefined) this.#controller.abort(reason);
    else this.#current.stream.cancel(reason);
  }

  /** The items are the parts, steps and tool results included. */
  protected override get itemsAreParts(): boolean {
    return true;
  }

  /** A part as JSON for `toResponse()`: an error as `{ name, message }`. */
  protected override toJSONValue(part: StreamPart): unknown {
    if (part.type !== "error") return part;
    const error = part.error;
    return {
      type: "error",
      error: { name: error instanceof Error ? error.name : "Error", message: messageOf(error) },
    };
  }

  #watch(step: AdapterStep): void {
    this.#info = undefined;
    step.stream.response.then((info) => {
      if (this.#current === step) this.#info = info;
    }, noop);
  }

  #stepResult(step: AdapterStep, result: StreamResult, toolResults: ToolResult[]): StepResult {
    const end: StepEnd = step.end(result);
    const info = this.#info;
    // The messages so far: the earlier steps' (the last one's list holds them all), then this one's.
    const earlier = this.#steps[this.#steps.length - 1]?.response.messages ?? [];
    const response: StepResponseMetadata = {
      status: info?.status ?? 0,
      headers: info?.headers ?? new Headers(),
      id: end.id,
      model: end.model,
      messages: [...earlier, ...stepMessages(stepContent(end), toolResults)],
    };
    return {
      text: end.text,
      reasoning: end.reasoning,
      toolCalls: end.toolCalls,
      // A result with isError is a string (the error's message), as the typed results say.
      toolResults: toolResults as StepResult["toolResults"],
      finishReason: end.finishReason,
      rawFinishReason: end.rawFinishReason,
      usage: end.usage,
      warnings: step.warnings,
      response,
      providerMetadata: end.providerMetadata,
    };
  }

  /**
   * The signal of the tools and of the steps after the first (made at the
   * first need): aborted by the caller's signal or by `stop`.
   */
  #loopSignal(): AbortSignal {
    if (this.#signal === undefined) {
      const controller = new AbortController();
      if (this.#stopped !== undefined) controller.abort(this.#stopped.reason);
      const given = this.#given;
      const signal = given ? AbortSignal.any([given, controller.signal]) : controller.signal;
      this.#controller = controller;
      this.#signal = signal;
      this.#requestOptions = { ...this.#requestOptions, signal };
    }
    return this.#signal;
  }

  /** The `step-start` part of a step (the current one). */
  #stepStart(index: number): StreamPart {
    return { type: "step-start", step: index, warnings: this.#current.warnings };
  }

  /** Takes the current step's parts iterator, for the consumer to read (see `open`). */
  #startPump(): typeof PUMP {
    this.#parts = partsIterator(this.#current.stream);
    return PUMP;
  }

  /** The current step's parts are read to their end (`finished`), or are left. */
  #endPump(finished: boolean): void {
    const parts = this.#parts;
    this.#parts = undefined;
    if (!finished) parts?.return?.().catch(noop);
  }

  /**
   * How a part of the current step is handed on (`undefined`: skipped); the
   * first content part adds the span's first-token event.
   */
  #partOf(value: ContentPart): StreamPart | undefined {
    if (this.#awaitFirstToken) {
      const type = value.type;
      if (type === "text-delta" || type === "reasoning-delta" || type === "tool-call-start") {
        this.#awaitFirstToken = false;
        this.firstToken();
      }
    }
    const step = this.#current;
    const part: ContentPart | undefined = step.part ? step.part(value) : value;
    // Usage and finish come once per step, from the result (see `#run`).
    return part === undefined || part.type === "usage" || part.type === "finish"
      ? undefined
      : part as StreamPart;
  }

  #emit(part: StreamPart): StreamPart {
    this.deliver(
      part,
      part.type === "text-delta" ? part.text : "",
      part.type === "reasoning-delta" ? part.text : "",
    );
    return part;
  }

  /**
   * The tool loop from the end of the first step's parts (`failed`: they
   * raised that error): each later step is begun here, its parts read by the
   * consumer (see `open`), which resumes it at their end or throws their
   * error in here.
   */
  async *#run(failed?: { error: unknown }): Run {
    try {
      if (failed !== undefined) throw failed.error;
      for (let index = 0;; index++) {
        let step = this.#current;
        if (index > 0) {
          // Its request takes the loop's signal (made when the tools ran).
          this.#loopSignal();
          let tools: ToolSet | undefined;
          [step, tools] = startStep(
            this.#adapter,
            this.#call,
            index,
            this.#activeTools,
            this.#optionWarnings,
            this.#requestOptions,
          );
          this.#current = step;
          this.#tools = tools;
          this.#watch(step);
          this.#inStep = true;
          yield this.#emit(this.#stepStart(index));
          let finished = false;
          try {
            yield this.#startPump();
            finished = true;
          } finally {
            this.#endPump(finished);
          }
        }
        const tools = this.#tools;
        const result = await step.stream.result();
        const info = await step.stream.response;
        this.#info = info;
        const end = step.end(result);
        yield this.#emit({ type: "usage", usage: end.usage });
        const pending = end.finishReason === "tool-calls" && end.toolCalls.length > 0 &&
          end.toolCalls.every((call) => tools?.[call.name]?.execute !== undefined);
        let isContinued = pending && index + 1 < this.#maxSteps;
        const toolResults: ToolResult[] = [];
        if (isContinued) {
          const signal = this.#loopSignal();
          const results = await Promise.race([
            Promise.all(end.toolCalls.map((call) => runTool(tools!, call, signal))),
            abortOf(signal),
          ]);
          for (const result of results) {
            toolResults.push(result);
            yield this.#emit({ type: "tool-result", ...result } as StreamPart);
          }
        }
        const stepResult = this.#stepResult(step, result, toolResults);
        if (isContinued && this.#stopWhen.length > 0) {
          const steps = [...this.#steps, stepResult];
          for (const condition of this.#stopWhen) {
            if (await condition({ steps })) {
              isContinued = false;
              break;
            }
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
        this.#steps = [...this.#steps, stepResult];
        this.#totalUsage = addUsage(this.#totalUsage, end.usage);
        this.#inStep = false;
        const onStepFinish = this.#onStepFinish;
        if (onStepFinish !== undefined) {
          try {
            await onStepFinish(stepResult as StepResult<TOOLS>);
          } catch (error) {
            callSafely((thrown) => {
              throw thrown;
            }, error);
          }
        }
        if (isContinued) {
          // The step's messages, as `response.messages` gives them to an app that keeps history.
          this.#call.messages.push(...stepMessages(stepContent(end), toolResults));
          continue;
        }
        const last = this.#steps[this.#steps.length - 1]!;
        // Pending calls left unanswered by maxSteps (not by a stop condition, which ran them).
        const maxStepsReached = pending && index + 1 >= this.#maxSteps;
        yield this.#emit({
          type: "finish",
          finishReason: last.finishReason,
          rawFinishReason: last.rawFinishReason,
          totalUsage: this.#totalUsage,
          maxStepsReached,
        });
        if (this.#resolveMetadata) this.#resolveMetadata(last.providerMetadata);
        else this.#metadata = Promise.resolve(last.providerMetadata);
        this.succeed({
          ...last,
          totalUsage: this.#totalUsage,
          maxStepsReached,
          steps: this.#steps.slice(),
        } as GenerateTextResult<TOOLS>);
        return;
      }
    } catch (error) {
      const given = this.#given;
      const stopped = this.#stopped ?? (given?.aborted ? { reason: given.reason } : undefined);
      if (stopped !== undefined) {
        // The caller stopped it: the reader gets the caller's reason, onAbort the partial.
        this.aborted(stopped.reason);
        throw stopped.reason;
      }
      if (this.settled) return;
      this.failed(error);
      yield this.#emit({ type: "error", error });
    }
  }
}

/**
 * Streams a model's answer through any provider with one set of options:
 * the same normalized parts, result, warnings and errors whether the model
 * comes from `ollama()`, `openai()`, `anthropic()` or `gemini()`. Each option is mapped
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
export function streamText<TOOLS extends ToolSet = ToolSet>(
  options: StreamTextOptions<TOOLS>,
): UnifiedStream<TOOLS> {
  return new UnifiedStream(options);
}
