import { IncompleteStreamError } from "../../errors/incomplete_stream_error.ts";
import { ProviderError } from "../../errors/provider_error.ts";
import type { StreamAssembler, StreamProtocol } from "../../stream/stream_protocol.ts";
import type {
  OllamaChatChunk,
  OllamaChatResult,
  OllamaGenerateChunk,
  OllamaGenerateResult,
  OllamaLogprob,
  OllamaMetrics,
  OllamaResult,
  OllamaResultToolCall,
  OllamaTimings,
  OllamaToolCall,
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

/** Converts one wire tool call; string arguments (not Ollama's habit) are parsed. */
function toolCallOf(call: OllamaToolCall): OllamaResultToolCall {
  const fn: Partial<OllamaToolCall["function"]> = call.function ?? {};
  let args: unknown = fn.arguments ?? {};
  let parseError: string | undefined;
  if (typeof args === "string") {
    try {
      args = JSON.parse(args);
    } catch (error) {
      parseError = error instanceof Error ? error.message : String(error);
    }
  }
  const result: OllamaResultToolCall = { name: fn.name ?? "", arguments: args };
  if (call.id !== undefined) result.id = call.id;
  if (fn.index !== undefined) result.index = fn.index;
  if (parseError !== undefined) result.parseError = parseError;
  return result;
}

/** What the chat and generate assemblers share: the accumulated answer. */
class Accumulator {
  text = "";
  thinking = "";
  toolCalls: OllamaResultToolCall[] = [];
  logprobs: OllamaLogprob[] | undefined;
  model: string | undefined;
  final: (OllamaMetrics & { done_reason?: string }) | undefined;
  done = false;

  addToolCalls(calls: OllamaToolCall[]): void {
    for (let i = 0; i < calls.length; i++) this.toolCalls.push(toolCallOf(calls[i]!));
  }

  /** Takes what every chat or generate line may carry besides the text. */
  take(line: OllamaChatChunk | OllamaGenerateChunk): void {
    if (this.model === undefined) this.model = line.model;
    const logprobs = line.logprobs;
    if (logprobs !== undefined) {
      this.logprobs ??= [];
      for (let i = 0; i < logprobs.length; i++) this.logprobs.push(logprobs[i]!);
    }
    if (line.done === true) {
      this.done = true;
      this.final = line;
    }
  }

  finish(): void {
    if (!this.done) {
      throw new IncompleteStreamError(
        "The Ollama stream ended before its last line: no line with done: true arrived",
      );
    }
  }

  result<Chunk>(last: Chunk | undefined): OllamaResult<Chunk> {
    const result: OllamaResult<Chunk> = {
      text: this.text,
      thinking: this.thinking,
      toolCalls: this.toolCalls.slice(),
      usage: {},
      metrics: {},
      timings: {},
    };
    if (this.model !== undefined) result.model = this.model;
    const final = this.final;
    if (final !== undefined) {
      if (final.done_reason !== undefined) result.finishReason = final.done_reason;
      for (const key of METRICS) {
        const value = final[key];
        if (value !== undefined) result.metrics[key] = value;
      }
      if (final.prompt_eval_count !== undefined) {
        result.usage.inputTokens = final.prompt_eval_count;
      }
      if (final.eval_count !== undefined) result.usage.outputTokens = final.eval_count;
      result.timings = timingsOf(result.metrics);
    }
    if (this.logprobs !== undefined) result.logprobs = this.logprobs.slice();
    if (last !== undefined) result.lastChunk = last;
    return result;
  }
}

function createChatAssembler(): StreamAssembler<OllamaChatChunk, OllamaChatResult> {
  const state = new Accumulator();
  let last: OllamaChatChunk | undefined;
  return {
    push(frame) {
      if (state.done) return undefined;
      const line = checkLine(frame) as unknown as OllamaChatChunk;
      const message = line.message;
      if (message !== undefined) {
        if (message.content) state.text += message.content;
        if (message.thinking) state.thinking += message.thinking;
        if (message.tool_calls !== undefined) state.addToolCalls(message.tool_calls);
      }
      state.take(line);
      last = line;
      return line;
    },
    text: (chunk) => chunk.message?.content || "",
    thinking: (chunk) => chunk.message?.thinking || "",
    get done() {
      return state.done;
    },
    finish: () => state.finish(),
    result: () => state.result(last),
  };
}

function createGenerateAssembler(): StreamAssembler<OllamaGenerateChunk, OllamaGenerateResult> {
  const state = new Accumulator();
  let last: OllamaGenerateChunk | undefined;
  return {
    push(frame) {
      if (state.done) return undefined;
      const line = checkLine(frame) as unknown as OllamaGenerateChunk;
      if (line.response) state.text += line.response;
      if (line.thinking) state.thinking += line.thinking;
      if (line.tool_calls !== undefined) state.addToolCalls(line.tool_calls);
      state.take(line);
      last = line;
      return line;
    },
    text: (chunk) => chunk.response || "",
    thinking: (chunk) => chunk.thinking || "",
    get done() {
      return state.done;
    },
    finish: () => state.finish(),
    result(): OllamaGenerateResult {
      const result: OllamaGenerateResult = state.result(last);
      const context = (state.final as OllamaGenerateChunk | undefined)?.context;
      if (context !== undefined) result.context = context;
      return result;
    },
  };
}

/** `/api/chat`: NDJSON lines with `message`, ending with `done: true`. */
export const chatProtocol: StreamProtocol<OllamaChatChunk, OllamaChatResult> = {
  framing: "ndjson",
  createAssembler: createChatAssembler,
  tokensPerSecond: (result) => result.timings.tokensPerSecond,
};

/** `/api/generate`: NDJSON lines with `response`, ending with `done: true`. */
export const generateProtocol: StreamProtocol<OllamaGenerateChunk, OllamaGenerateResult> = {
  framing: "ndjson",
  createAssembler: createGenerateAssembler,
  tokensPerSecond: (result) => result.timings.tokensPerSecond,
};
