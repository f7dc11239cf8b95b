import type { Span, SpanAttributes, Tracer } from "./tracing.ts";
import type { StreamResult, Usage } from "./types.ts";
import { callSafely } from "./_call_safely.ts";
import { isRecord } from "./_is_record.ts";

/** The GenAI operation names sluice's calls use. */
export type TraceOperation = "chat" | "text_completion" | "embeddings" | "generate_content";

/** The request parameters a span records (as the provider's request gave them). */
export interface TraceParams {
  temperature?: unknown;
  topP?: unknown;
  topK?: unknown;
  maxTokens?: unknown;
  stop?: unknown;
  frequencyPenalty?: unknown;
  presencePenalty?: unknown;
  seed?: unknown;
}

/** What a span knows when the call starts. */
export interface TraceRequest {
  operation: TraceOperation;
  /** `gen_ai.provider.name` (and the older `gen_ai.system`): `"openai"`, `"gcp.gemini"`, … */
  system: string;
  model: string | undefined;
  /** The request URL, for `server.address` and `server.port`. */
  url?: string | undefined;
  params?: TraceParams | undefined;
  /** The prompt as `gen_ai.input.messages`; called only when content is traced. */
  input?: (() => unknown) | undefined;
}

/** What a span records when the call ends. */
export interface TraceResponse {
  id?: string | undefined;
  model?: string | undefined;
  finishReasons?: string[] | undefined;
  usage?: Usage | undefined;
  /** The answer as `gen_ai.output.messages`; called only when content is traced. */
  output?: (() => unknown) | undefined;
}

/** The tracing settings of a call. */
export interface TraceSettings {
  tracer?: Tracer | undefined;
  traceContent?: boolean | undefined;
}

/** OpenTelemetry's `SpanKind.CLIENT`. */
const SPAN_KIND_CLIENT = 2;
/** OpenTelemetry's `SpanStatusCode.ERROR`. */
const STATUS_ERROR = 2;
/** The event added at the first content of a stream. */
export const FIRST_TOKEN_EVENT = "sluice.first_token";
/** The first-token event's attribute: milliseconds from the start of the call. */
export const TIME_TO_FIRST_TOKEN = "sluice.time_to_first_token_ms";

const PARAMS: [keyof TraceParams, string][] = [
  ["temperature", "gen_ai.request.temperature"],
  ["topP", "gen_ai.request.top_p"],
  ["topK", "gen_ai.request.top_k"],
  ["maxTokens", "gen_ai.request.max_tokens"],
  ["frequencyPenalty", "gen_ai.request.frequency_penalty"],
  ["presencePenalty", "gen_ai.request.presence_penalty"],
  ["seed", "gen_ai.request.seed"],
];

function safely(run: () => unknown): void {
  callSafely(run, undefined);
}

function serverOf(url: string, attributes: SpanAttributes): void {
  try {
    const { hostname, port, protocol } = new URL(url);
    attributes["server.address"] = hostname.replace(/^\[|\]$/g, "");
    attributes["server.port"] = port ? Number(port) : protocol === "http:" ? 80 : 443;
  } catch {
    // A URL the fetch in use understands but URL does not: no server attributes.
  }
}

/**
 * One call's span: opened when the call starts, ended exactly once whichever
 * way the call ends (the first of `succeed`, `fail`, `abort` wins).
 */
export class CallTrace {
  #span: Span;
  #content: boolean;
  #startedAt: number;
  #sawFirstToken = false;
  #ended = false;

  private constructor(span: Span, content: boolean) {
    this.#span = span;
    this.#content = content;
    this.#startedAt = performance.now();
  }

  /**
   * Opens the span of a call; `undefined` without a tracer (then nothing else
   * is done, `describe` is not called).
   */
  static start(settings: TraceSettings, describe: () => TraceRequest): CallTrace | undefined {
    const tracer = settings.tracer;
    if (tracer === undefined) return undefined;
    const request = describe();
    const { operation, system, model } = request;
    const attributes: SpanAttributes = {
      "gen_ai.operation.name": operation,
      "gen_ai.provider.name": system,
      "gen_ai.system": system,
    };
    if (model !== undefined) attributes["gen_ai.request.model"] = model;
    if (request.url !== undefined) serverOf(request.url, attributes);
    const params = request.params;
    if (params !== undefined) {
      for (const [key, name] of PARAMS) {
        const value = params[key];
        if (typeof value === "number" && Number.isFinite(value)) attributes[name] = value;
      }
      const stop = typeof params.stop === "string" ? [params.stop] : params.stop;
      if (Array.isArray(stop) && stop.length > 0 && stop.every((s) => typeof s === "string")) {
        attributes["gen_ai.request.stop_sequences"] = stop;
      }
    }
    let span: Span | undefined;
    const name = model === undefined ? operation : `${operation} ${model}`;
    safely(() => span = tracer.startSpan(name, { kind: SPAN_KIND_CLIENT, attributes }));
    if (span === undefined) return undefined;
    const trace = new CallTrace(span, settings.traceContent === true);
    if (trace.#content) {
      try {
        trace.#content = span.isRecording?.() !== false;
      } catch {
        trace.#content = false;
      }
    }
    if (trace.#content && request.input !== undefined) {
      const input = request.input;
      safely(() => span!.setAttribute("gen_ai.input.messages", JSON.stringify(input())));
    }
    return trace;
  }

  /** Adds the first-token event (once). */
  firstToken(): void {
    if (this.#sawFirstToken || this.#ended) return;
    this.#sawFirstToken = true;
    const ms = performance.now() - this.#startedAt;
    safely(() => this.#span.addEvent(FIRST_TOKEN_EVENT, { [TIME_TO_FIRST_TOKEN]: ms }));
  }

  /** Ends the span of a call that completed. */
  succeed(response: TraceResponse | undefined): void {
    if (this.#ended) return;
    this.#end(response);
  }

  /** Ends the span of a call that failed: the exception, `error.type` and an error status. */
  fail(error: unknown, response: TraceResponse | undefined): void {
    if (this.#ended) return;
    const span = this.#span;
    const name = error instanceof Error ? error.name : typeof error;
    const message = error instanceof Error ? error.message : String(error);
    safely(() => span.recordException(error instanceof Error ? error : message));
    safely(() => span.setAttribute("error.type", name));
    const status = isRecord(error) ? error.status : undefined;
    if (typeof status === "number") {
      safely(() => span.setAttribute("http.response.status_code", status));
    }
    safely(() => span.setStatus({ code: STATUS_ERROR, message }));
    this.#end(response);
  }

  /**
   * Ends the span of a call the caller stopped (`break`, `cancel()`, the
   * caller's signal): `sluice.aborted` is set, the status left unset.
   */
  abort(response: TraceResponse | undefined): void {
    if (this.#ended) return;
    safely(() => this.#span.setAttribute("sluice.aborted", true));
    this.#end(response);
  }

  #end(response: TraceResponse | undefined): void {
    this.#ended = true;
    const span = this.#span;
    if (response !== undefined) {
      const attributes: SpanAttributes = {};
      if (response.id !== undefined) attributes["gen_ai.response.id"] = response.id;
      if (response.model !== undefined) attributes["gen_ai.response.model"] = response.model;
      if (response.finishReasons !== undefined && response.finishReasons.length > 0) {
        attributes["gen_ai.response.finish_reasons"] = response.finishReasons;
      }
      const usage = response.usage;
      if (usage?.inputTokens !== undefined) {
        attributes["gen_ai.usage.input_tokens"] = usage.inputTokens;
      }
      if (usage?.outputTokens !== undefined) {
        attributes["gen_ai.usage.output_tokens"] = usage.outputTokens;
      }
      if (this.#content && response.output !== undefined) {
        const output = response.output;
        safely(() => attributes["gen_ai.output.messages"] = JSON.stringify(output()));
      }
      safely(() => span.setAttributes(attributes));
    }
    safely(() => span.end());
  }
}

/** Starts the span of a call that is not a stream, and ends it with its outcome. */
export async function traced<T>(
  settings: TraceSettings,
  request: () => TraceRequest,
  run: () => Promise<T>,
  response: (value: T) => TraceResponse,
): Promise<T> {
  const trace = CallTrace.start(settings, request);
  if (trace === undefined) return await run();
  let value: T;
  try {
    value = await run();
  } catch (error) {
    trace.fail(error, undefined);
    throw error;
  }
  let read: TraceResponse | undefined;
  safely(() => read = response(value));
  trace.succeed(read);
  return value;
}

/** The answer of a result as `gen_ai.output.messages`. */
export function outputMessages(result: StreamResult): GenAIMessage[] {
  const parts: GenAIPart[] = [];
  if (result.reasoning) parts.push(textPart(result.reasoning, "reasoning"));
  if (result.text) parts.push(textPart(result.text));
  for (const call of result.toolCalls) parts.push(callPart(call.id, call.name, call.arguments));
  return answerMessages(parts, result.rawFinishReason ?? result.finishReason);
}

/**
 * What the span of a stream records from its result (or its partial result):
 * the shared fields, and the `id` and `model` every provider result has.
 */
export function streamResponse(result: StreamResult): TraceResponse {
  const { id, model } = result as StreamResult & { id?: unknown; model?: unknown };
  const reason = result.rawFinishReason ?? result.finishReason;
  return {
    id: typeof id === "string" ? id : undefined,
    model: typeof model === "string" ? model : undefined,
    finishReasons: reason === undefined ? undefined : [reason],
    usage: result.usage,
    output: () => outputMessages(result),
  };
}

/** A part of a GenAI message (`gen_ai.input.messages`, `gen_ai.output.messages`). */
export type GenAIPart = Record<string, unknown>;

/** A GenAI message: a role, its parts, and for an answer why it ended. */
export interface GenAIMessage {
  role: string;
  parts: GenAIPart[];
  finish_reason?: string;
}

/** Text, or reasoning. */
export function textPart(content: unknown, type: "text" | "reasoning" = "text"): GenAIPart {
  return { type, content: typeof content === "string" ? content : "" };
}

/** A tool call the model made. */
export function callPart(id: unknown, name: unknown, args: unknown): GenAIPart {
  return { type: "tool_call", id, name, arguments: args };
}

/** A tool's result sent back (with the tool's name where the format has one). */
export function resultPart(id: unknown, response: unknown, name?: unknown): GenAIPart {
  return { type: "tool_call_response", id, name, response };
}

/** A part recorded by its kind only (an image, a file, audio): never its bytes. */
export function kindPart(type: unknown): GenAIPart {
  return { type: typeof type === "string" ? type : "unknown" };
}

/**
 * A message's content as parts: a string is one text part ("" none), a list
 * is read part by part by the format's own reader.
 */
export function contentParts(
  content: unknown,
  partOf: (part: Record<string, unknown>) => GenAIPart,
): GenAIPart[] {
  if (typeof content === "string") return content === "" ? [] : [textPart(content)];
  if (!Array.isArray(content)) return [];
  return content.map((part) => isRecord(part) ? partOf(part) : kindPart(undefined));
}

/**
 * A prompt as `gen_ai.input.messages`: the system instructions (when any) as
 * a system message, then each message as the format's own reader reads it; a
 * prompt given as a string is one user message.
 */
export function inputMessages(
  system: GenAIPart[],
  messages: unknown,
  messageOf: (message: Record<string, unknown>) => GenAIMessage,
): GenAIMessage[] {
  const list: GenAIMessage[] = system.length > 0 ? [{ role: "system", parts: system }] : [];
  if (typeof messages === "string") list.push({ role: "user", parts: [textPart(messages)] });
  else if (Array.isArray(messages)) {
    for (const message of messages) list.push(messageOf(isRecord(message) ? message : {}));
  }
  return list;
}

/** A provider's answer as `gen_ai.output.messages`: its parts as the assistant's, and why it ended. */
export function answerMessages(parts: GenAIPart[], finishReason: unknown): GenAIMessage[] {
  const answer: GenAIMessage = { role: "assistant", parts };
  if (typeof finishReason === "string") answer.finish_reason = finishReason;
  return [answer];
}

/** A number, or `undefined` for anything else. */
export function numberOf(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

/** A string, or `undefined` for anything else. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
