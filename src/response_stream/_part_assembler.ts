import { parseArguments } from "../shared/_tool_arguments.ts";
import type { ContentPart, FinishPart, StreamResult, ToolCall, Usage } from "../shared/types.ts";

/** One tool call being assembled. */
interface CallState {
  id: string;
  name: string;
  /** The argument text so far (from `tool-call-delta` parts). */
  text: string;
  /** Set by the `tool-call` part: the call is complete. */
  done: ToolCall | undefined;
}

/**
 * Builds the shared fields of every result — text, reasoning, tool calls,
 * finish reason, usage — from the normalized parts, and nothing else: the
 * provider result and the unified result both come from here, so they cannot
 * disagree. A call that started but did not complete (a partial result) gets
 * the arguments parsed from its text so far.
 */
export class PartAssembler {
  /** The text so far. */
  text = "";
  /** The reasoning so far. */
  reasoning = "";
  /** Raw content the parts do not model, in order. */
  readonly raw: unknown[] = [];
  #calls: CallState[] = [];
  #byId = new Map<string, CallState>();
  #finish: FinishPart | undefined;
  #usage: Usage = {};

  /** Takes one part; returns it, or the part to hand on instead (a normalized finish). */
  add(part: ContentPart): ContentPart {
    switch (part.type) {
      case "text-delta":
        this.text += part.text;
        return part;
      case "reasoning-delta":
        this.reasoning += part.text;
        return part;
      case "tool-call-start":
        this.#call(part.id, part.name);
        return part;
      case "tool-call-delta":
        this.#call(part.id, "").text += part.argumentsDelta;
        return part;
      case "tool-call": {
        const state = this.#call(part.id, part.name);
        state.name = part.name;
        const call: ToolCall = { id: part.id, name: part.name, arguments: part.arguments };
        if (part.parseError !== undefined) call.parseError = part.parseError;
        state.done = call;
        return part;
      }
      case "usage":
        this.#usage = part.usage;
        return part;
      case "finish":
        // A provider that says "stop" after tool calls (Ollama, Gemini's compatible
        // endpoint) still wants the tool results.
        if (part.finishReason === "stop" && this.#calls.length > 0) {
          part = { ...part, finishReason: "tool-calls" };
        }
        this.#finish = part;
        return part;
      case "raw":
        this.raw.push(part.value);
        return part;
    }
  }

  /** True once any tool call started. */
  get hasToolCalls(): boolean {
    return this.#calls.length > 0;
  }

  #call(id: string, name: string): CallState {
    let state = this.#byId.get(id);
    if (!state) {
      state = { id, name, text: "", done: undefined };
      this.#calls.push(state);
      this.#byId.set(id, state);
    }
    return state;
  }

  /** The shared fields of the result, as assembled so far (fresh objects). */
  result(): StreamResult {
    const toolCalls: ToolCall[] = [];
    for (const state of this.#calls) {
      if (state.done) {
        toolCalls.push({ ...state.done });
        continue;
      }
      const { value, error } = parseArguments(state.text, state.name);
      const call: ToolCall = { id: state.id, name: state.name, arguments: value };
      if (error !== undefined) call.parseError = error;
      toolCalls.push(call);
    }
    const result: StreamResult = {
      text: this.text,
      reasoning: this.reasoning,
      toolCalls,
      usage: { ...this.#usage },
    };
    if (this.#finish) {
      const reason = this.#finish.finishReason;
      result.finishReason = reason === "stop" && toolCalls.length > 0 ? "tool-calls" : reason;
      result.rawFinishReason = this.#finish.rawFinishReason;
    }
    return result;
  }
}
