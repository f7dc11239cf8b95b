import { ProviderError } from "../../errors/provider_error.ts";
import type { StreamAssembler, StreamProtocol } from "../../stream/stream_protocol.ts";
import { type ChoiceEnd, mapUsage, SseAssembler } from "./_sse_assembler.ts";
import { ToolCallAssembler } from "./_tool_calls.ts";
import type {
  OpenAIChatChoiceResult,
  OpenAIChatChunk,
  OpenAIChatChunkChoice,
  OpenAIChatDelta,
  OpenAIChatResult,
  OpenAILogprobs,
  OpenAITokenLogprob,
} from "./types.ts";

/** One choice being assembled. */
class ChoiceState implements ChoiceEnd {
  index: number;
  role: string | undefined;
  content: string | null = null;
  refusal: string | null = null;
  reasoning = "";
  finish: string | null = null;
  tools: ToolCallAssembler | undefined;
  logprobs: OpenAILogprobs | null = null;

  constructor(index: number) {
    this.index = index;
  }

  toResult(): OpenAIChatChoiceResult {
    let logprobs = this.logprobs;
    if (logprobs) {
      logprobs = {
        content: logprobs.content && logprobs.content.slice(),
        refusal: logprobs.refusal && logprobs.refusal.slice(),
      };
    }
    return {
      index: this.index,
      role: this.role,
      content: this.content,
      refusal: this.refusal,
      reasoning: this.reasoning,
      toolCalls: this.tools ? this.tools.result() : [],
      finishReason: this.finish,
      logprobs,
    };
  }
}

function indexOf(choice: { index?: unknown }): number {
  return typeof choice.index === "number" ? choice.index : 0;
}

/** The reasoning a delta carries: `reasoning_content` (DeepSeek, llama.cpp) or `reasoning`. */
function reasoningOf(delta: OpenAIChatDelta): string {
  const text = delta.reasoning_content || delta.reasoning;
  return typeof text === "string" ? text : "";
}

function appendTokens(
  target: OpenAITokenLogprob[] | null,
  tokens: OpenAITokenLogprob[] | null | undefined,
): OpenAITokenLogprob[] | null {
  if (!Array.isArray(tokens)) return target;
  target ??= [];
  for (let i = 0; i < tokens.length; i++) target.push(tokens[i] as OpenAITokenLogprob);
  return target;
}

const NO_DELTA: OpenAIChatDelta = {};

/** The state of one chat stream. */
class ChatAssembler extends SseAssembler<OpenAIChatChunk, OpenAIChatChunkChoice>
  implements StreamAssembler<OpenAIChatChunk, OpenAIChatResult> {
  #choices = new Map<number, ChoiceState>();
  #current: ChoiceState | undefined;
  /** The choice whose text `text()` reports: the lowest index seen (0). */
  #primary = -1;

  protected addChoice(choice: OpenAIChatChunkChoice): void {
    if (typeof choice !== "object" || choice === null) return;
    const index = indexOf(choice);
    let state = this.#current;
    if (state?.index !== index) {
      state = this.#choices.get(index);
      if (!state) {
        state = new ChoiceState(index);
        this.#choices.set(index, state);
        if (this.#primary < 0 || index < this.#primary) this.#primary = index;
      }
      this.#current = state;
    }
    const delta = choice.delta ?? NO_DELTA;
    if (delta.role && state.role === undefined) state.role = delta.role;
    const content = delta.content;
    if (typeof content === "string") {
      state.content = state.content === null ? content : state.content + content;
    }
    const refusal = delta.refusal;
    if (typeof refusal === "string") {
      state.refusal = state.refusal === null ? refusal : state.refusal + refusal;
    }
    const reasoning = reasoningOf(delta);
    if (reasoning) state.reasoning += reasoning;
    const toolCalls = delta.tool_calls;
    if (Array.isArray(toolCalls)) {
      const tools = state.tools ??= new ToolCallAssembler();
      for (let i = 0; i < toolCalls.length; i++) {
        const fragment = toolCalls[i];
        if (typeof fragment === "object" && fragment !== null) tools.add(fragment);
      }
    }
    if (delta.function_call) {
      (state.tools ??= new ToolCallAssembler()).addFunctionCall(delta.function_call);
    }
    const logprobs = choice.logprobs;
    if (logprobs) {
      const target = state.logprobs ??= { content: null, refusal: null };
      target.content = appendTokens(target.content, logprobs.content);
      target.refusal = appendTokens(target.refusal, logprobs.refusal);
    }
    const finish = choice.finish_reason;
    if (finish) {
      state.finish = finish;
      if (finish === "error") {
        // OpenRouter sends a top-level error with it (raised before this); without one, still a failure.
        const native = choice.native_finish_reason;
        throw new ProviderError(
          `The server ended choice ${index} with finish_reason 'error'${
            native ? ` (native finish reason '${native}')` : ""
          }`,
          { type: "error", body: choice },
        );
      }
    }
  }

  protected choiceEnds(): Iterable<ChoiceEnd> {
    return this.#choices.values();
  }

  text(chunk: OpenAIChatChunk): string {
    const choices = chunk.choices;
    if (!choices) return "";
    for (let i = 0; i < choices.length; i++) {
      const choice = choices[i] as OpenAIChatChunkChoice;
      if (choice && indexOf(choice) === this.#primary) {
        const content = choice.delta?.content;
        return typeof content === "string" ? content : "";
      }
    }
    return "";
  }

  thinking(chunk: OpenAIChatChunk): string {
    const choices = chunk.choices;
    if (!choices) return "";
    for (let i = 0; i < choices.length; i++) {
      const choice = choices[i] as OpenAIChatChunkChoice;
      if (choice && indexOf(choice) === this.#primary) {
        return choice.delta ? reasoningOf(choice.delta) : "";
      }
    }
    return "";
  }

  result(): OpenAIChatResult {
    const states = [...this.#choices.values()].sort((a, b) => a.index - b.index);
    const choices = states.map((state) => state.toResult());
    const first = choices[0];
    return {
      text: first?.content ?? "",
      thinking: first?.reasoning ?? "",
      toolCalls: first?.toolCalls ?? [],
      finishReason: first?.finishReason ?? undefined,
      usage: mapUsage(this.rawUsage),
      lastChunk: this.last,
      id: this.id,
      model: this.model,
      created: this.created,
      systemFingerprint: this.systemFingerprint,
      serviceTier: this.serviceTier,
      refusal: first?.refusal ?? null,
      logprobs: first?.logprobs ?? null,
      choices,
      rawUsage: this.rawUsage,
      timings: this.timings,
      done: this.done,
    };
  }
}

/** The Chat Completions streaming protocol: SSE, `[DONE]`, choices routed by index. */
export const chatProtocol: StreamProtocol<OpenAIChatChunk, OpenAIChatResult> = {
  framing: "sse",
  createAssembler: () => new ChatAssembler(),
  sseTrailer: { data: "[DONE]" },
  tokensPerSecond: (result) => result.timings?.predicted_per_second,
};
