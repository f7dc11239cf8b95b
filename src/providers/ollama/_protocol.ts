import { IncompleteStreamError } from "../../errors/incomplete_stream_error.ts";
import { ProviderError } from "../../errors/provider_error.ts";
import type {
  PartSink,
  ProtocolReader,
  StreamProtocol,
} from "../../response_stream/stream_protocol.ts";
import { generatedCallId, parseArguments } from "../../shared/_tool_arguments.ts";
import { usageOf } from "../../shared/_usage.ts";
import { holds, plainStringEnd, sliceOwn } from "../../shared/_compact_json.ts";
import type { FinishReason, StreamResult, ToolCallPart } from "../../shared/types.ts";
import type {
  OllamaChatChunk,
  OllamaChatResult,
  OllamaGenerateChunk,
  OllamaGenerateResult,
  OllamaLogprob,
  OllamaMetrics,
  OllamaResult,
  OllamaTimings,
} from "./types.ts";

const METRICS = [
  "total_duration",
  "load_duration",
  "prompt_eval_count",
  "prompt_eval_duration",
  "eval_count",
  "eval_duration",
] as const;

/**
 * Checks that a line is a JSON object and not an error report, and returns
 * it. `"error" in line` is checked before anything else is read: Ollama
 * reports a failure inside a 200 stream as a bare `{"error": "…"}` line.
 */
export function checkLine(frame: unknown): Record<string, unknown> {
  if (typeof frame !== "object" || frame === null || Array.isArray(frame)) {
    // The response stream turns a SyntaxError into a ParseError with the line number.
    throw new SyntaxError(`Expected a JSON object: received ${JSON.stringify(frame)}`);
  }
  if ("error" in frame) throw ollamaError(frame as Record<string, unknown>);
  return frame as Record<string, unknown>;
}

/** The error for an `{"error": …}` object: the server's message, the object as `body`. */
export function ollamaError(body: Record<string, unknown>): ProviderError {
  const error = body.error;
  const message = typeof error === "string" ? error : JSON.stringify(error);
  return new ProviderError(message || "Ollama reported an error without a message", { body });
}

/** Converts nanoseconds to milliseconds. */
function ms(ns: number): number {
  return ns / 1e6;
}

/** The server's statistics in milliseconds, with the two rates. */
export function timingsOf(metrics: OllamaMetrics): OllamaTimings {
  const timings: OllamaTimings = {};
  const {
    total_duration: total,
    load_duration: load,
    prompt_eval_count: promptCount,
    prompt_eval_duration: promptDuration,
    eval_count: count,
    eval_duration: duration,
  } = metrics;
  if (total !== undefined) timings.totalMs = ms(total);
  if (load !== undefined) timings.loadMs = ms(load);
  if (promptDuration !== undefined) timings.promptEvalMs = ms(promptDuration);
  if (duration !== undefined) timings.evalMs = ms(duration);
  if (count !== undefined && duration !== undefined && duration > 0) {
    timings.tokensPerSecond = (count / duration) * 1e9;
  }
  if (promptCount !== undefined && promptDuration !== undefined && promptDuration > 0) {
    timings.promptTokensPerSecond = (promptCount / promptDuration) * 1e9;
  }
  return timings;
}

const HEAD = '{"model":"';
const CREATED = '","created_at":"';
const CHAT_CONTENT = '","message":{"role":"assistant","content":"';
const RESPONSE = '","response":"';
const THINKING = '","thinking":"';
const CHAT_TAIL = '"},"done":false}';
const GENERATE_TAIL = '","done":false}';

/**
 * Ollama's most frequent line, one token of an answer or of its thinking,
 * read without `JSON.parse` when it comes as Ollama writes it: compact, its
 * keys in Ollama's order, strings without escapes, e.g.
 * `{"model":"llama3.2","created_at":"2025-11-03T14:22:05.307044592Z","message":{"role":"assistant","content":"The"},"done":false}`
 * (`"response":"The"` in place of `message` for `/api/generate`; a thinking
 * model's `"thinking":"…"` after the content). Returns the object
 * `JSON.parse(line)` would, or `undefined` for any other line (the first and
 * last lines, tool calls, logprobs, an escape), which is then parsed as usual.
 */
export function parseCompactLine(
  line: string,
  kind: "chat" | "generate",
): Record<string, unknown> | undefined {
  if (!holds(line, HEAD, 0)) return undefined;
  const modelEnd = plainStringEnd(line, HEAD.length);
  if (modelEnd === -1 || !holds(line, CREATED, modelEnd)) return undefined;
  const createdFrom = modelEnd + CREATED.length;
  const createdEnd = plainStringEnd(line, createdFrom);
  const field = kind === "chat" ? CHAT_CONTENT : RESPONSE;
  if (createdEnd === -1 || !holds(line, field, createdEnd)) return undefined;
  const contentFrom = createdEnd + field.length;
  let end = plainStringEnd(line, contentFrom);
  if (end === -1) return undefined;
  const content = sliceOwn(line, contentFrom, end);
  let thinking: string | undefined;
  if (holds(line, THINKING, end)) {
    const from = end + THINKING.length;
    end = plainStringEnd(line, from);
    if (end === -1) return undefined;
    thinking = sliceOwn(line, from, end);
  }
  const tail = kind === "chat" ? CHAT_TAIL : GENERATE_TAIL;
  if (end + tail.length !== line.length || !holds(line, tail, end)) return undefined;
  const model = sliceOwn(line, HEAD.length, modelEnd);
  const created_at = sliceOwn(line, createdFrom, createdEnd);
  if (kind === "generate") {
    return thinking === undefined
      ? { model, created_at, response: content, done: false }
      : { model, created_at, response: content, thinking, done: false };
  }
  const message = thinking === undefined
    ? { role: "assistant", content }
    : { role: "assistant", content, thinking };
  return { model, created_at, message, done: false };
}

function finishReasonOf(raw: unknown): FinishReason {
  if (raw === undefined || raw === "stop") return "stop";
  return raw === "length" ? "length" : "other";
}

/**
 * Emits the parts of one line's tool calls: each whole, so start, its
 * arguments as JSON text, and the complete call. Ollama sends arguments as an
 * object; a string (not Ollama's habit) is parsed. Entries that are not
 * objects are skipped (the line itself still reaches the caller).
 */
function emitToolCalls(calls: unknown, emit: PartSink): void {
  if (!Array.isArray(calls)) return;
  for (const call of calls as unknown[]) {
    if (typeof call !== "object" || call === null) continue;
    const { id: given, function: fn } = call as { id?: unknown; function?: unknown };
    const { name: rawName, arguments: args } =
      (typeof fn === "object" && fn !== null ? fn : {}) as {
        name?: unknown;
        arguments?: unknown;
      };
    const id = typeof given === "string" && given !== "" ? given : generatedCallId();
    const name = typeof rawName === "string" ? rawName : "";
    emit({ type: "tool-call-start", id, name });
    let text: string;
    let value: unknown;
    let error: string | undefined;
    if (typeof args === "string") {
      text = args;
      ({ value, error } = parseArguments(args, name));
    } else {
      value = args ?? {};
      text = JSON.stringify(value);
    }
    emit({ type: "tool-call-delta", id, argumentsDelta: text });
    const part: ToolCallPart = { type: "tool-call", id, name, arguments: value };
    if (error !== undefined) part.parseError = error;
    emit(part);
  }
}

/** Appends `value` when it is a non-empty string, else nothing: never "undefined" or "[object Object]". */
function emitText(value: unknown, type: "text-delta" | "reasoning-delta", emit: PartSink): void {
  if (typeof value === "string" && value !== "") emit({ type, text: value });
}

/**
 * Reads chat or generate lines: the one place Ollama's answer lines are
 * interpreted. `read` takes the content of one line (chat: `message`;
 * generate: the line itself).
 */
class OllamaReader<
  Chunk extends OllamaChatChunk | OllamaGenerateChunk,
  Result extends StreamResult,
> implements ProtocolReader<Chunk, Result> {
  done = false;
  #model: string | undefined;
  #final: (OllamaMetrics & { done_reason?: string; context?: number[] }) | undefined;
  #logprobs: OllamaLogprob[] | undefined;
  #last: Chunk | undefined;
  #content: (line: Record<string, unknown>, emit: PartSink) => void;
  #extra: (result: OllamaResult<Chunk>, final: Record<string, unknown> | undefined) => Result;

  constructor(
    content: (line: Record<string, unknown>, emit: PartSink) => void,
    extra: (result: OllamaResult<Chunk>, final: Record<string, unknown> | undefined) => Result,
  ) {
    this.#content = content;
    this.#extra = extra;
  }

  push(frame: unknown, emit: PartSink): Chunk | undefined {
    if (this.done) return undefined;
    const line = checkLine(frame);
    this.#content(line, emit);
    if (this.#model === undefined && typeof line.model === "string") this.#model = line.model;
    const logprobs = line.logprobs;
    if (Array.isArray(logprobs)) {
      const all = this.#logprobs ??= [];
      for (let i = 0; i < logprobs.length; i++) all.push(logprobs[i] as OllamaLogprob);
    }
    if (line.done === true) {
      this.done = true;
      this.#final = line as OllamaMetrics & { done_reason?: string };
      emit({ type: "usage", usage: usageOf(line.prompt_eval_count, line.eval_count) });
      const raw = typeof line.done_reason === "string" ? line.done_reason : undefined;
      emit({ type: "finish", finishReason: finishReasonOf(raw), rawFinishReason: raw });
    }
    return this.#last = line as unknown as Chunk;
  }

  finish(): void {
    if (!this.done) {
      throw new IncompleteStreamError(
        "The Ollama stream ended before its last line: no line with done: true arrived",
      );
    }
  }

  result(base: StreamResult): Result {
    const result: OllamaResult<Chunk> = { ...base, metrics: {}, timings: {} };
    if (this.#model !== undefined) result.model = this.#model;
    const final = this.#final;
    if (final !== undefined) {
      for (const key of METRICS) {
        const value = final[key];
        if (typeof value === "number") result.metrics[key] = value;
      }
      result.timings = timingsOf(result.metrics);
    }
    if (this.#logprobs !== undefined) result.logprobs = this.#logprobs.slice();
    if (this.#last !== undefined) result.lastChunk = this.#last;
    return this.#extra(result, final as Record<string, unknown> | undefined);
  }
}

function readChat(line: Record<string, unknown>, emit: PartSink): void {
  const message = line.message;
  if (typeof message !== "object" || message === null) return;
  const { content, thinking, tool_calls } = message as Record<string, unknown>;
  emitText(thinking, "reasoning-delta", emit);
  emitText(content, "text-delta", emit);
  if (tool_calls != null) emitToolCalls(tool_calls, emit);
}

function readGenerate(line: Record<string, unknown>, emit: PartSink): void {
  emitText(line.thinking, "reasoning-delta", emit);
  emitText(line.response, "text-delta", emit);
  if (line.tool_calls != null) emitToolCalls(line.tool_calls, emit);
}

/** `/api/chat`: NDJSON lines with `message`, ending with `done: true`. */
export const chatProtocol: StreamProtocol<OllamaChatChunk, OllamaChatResult> = {
  framing: "ndjson",
  name: "ollama.chat",
  parseLine: (line) => parseCompactLine(line, "chat"),
  createReader: () =>
    new OllamaReader<OllamaChatChunk, OllamaChatResult>(readChat, (result) => result),
  tokensPerSecond: (result) => result.timings.tokensPerSecond,
};

/** `/api/generate`: NDJSON lines with `response`, ending with `done: true`. */
export const generateProtocol: StreamProtocol<OllamaGenerateChunk, OllamaGenerateResult> = {
  framing: "ndjson",
  name: "ollama.generate",
  parseLine: (line) => parseCompactLine(line, "generate"),
  createReader: () =>
    new OllamaReader<OllamaGenerateChunk, OllamaGenerateResult>(readGenerate, (result, final) => {
      const generate: OllamaGenerateResult = result;
      const context = final?.context;
      if (Array.isArray(context)) generate.context = context as number[];
      return generate;
    }),
  tokensPerSecond: (result) => result.timings.tokensPerSecond,
};
