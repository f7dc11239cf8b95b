import { CompactChunks } from "./_compact_chunk.ts";
import { ProviderError } from "../../errors/provider_error.ts";
import type {
  PartSink,
  ProtocolReader,
  StreamProtocol,
} from "../../response_stream/stream_protocol.ts";
import type { StreamResult } from "../../shared/types.ts";
import { type ChoiceEnd, finishReasonOf, SseAssembler } from "./_sse_assembler.ts";
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

  /**
   * Choice 0's content and reasoning are not kept here: they are the parts'
   * (`base`), concatenated once.
   */
  toResult(base: StreamResult | undefined): OpenAIChatChoiceResult {
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
      content: base === undefined || this.content === null ? this.content : base.text,
      refusal: this.refusal,
      reasoning: base === undefined ? this.reasoning : base.reasoning,
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

/** The text of Mistral-style content parts: `[{ type: "text", text }]`, nested `thinking` parts. */
function partsText(parts: unknown, type: "text" | "thinking"): string {
  if (!Array.isArray(parts)) return "";
  let text = "";
  for (const part of parts as unknown[]) {
    if (typeof part !== "object" || part === null) continue;
    const record = part as Record<string, unknown>;
    if (type === "text" && record.type === "text" && typeof record.text === "string") {
      text += record.text;
    } else if (type === "thinking" && record.type === "thinking") {
      const thinking = record.thinking;
      text += typeof thinking === "string" ? thinking : partsText(thinking, "text");
    }
  }
  return text;
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
  implements ProtocolReader<OpenAIChatChunk, OpenAIChatResult> {
  #choices = new Map<number, ChoiceState>();
  #current: ChoiceState | undefined;
  protected override readonly compact: CompactChunks = new CompactChunks();

  /**
   * Reads one choice delta. Choice 0's content becomes the parts (the result's
   * `text`, `reasoning` and `toolCalls`); every choice is kept in `choices`.
   */
  protected addChoice(choice: OpenAIChatChunkChoice, emit: PartSink): void {
    if (typeof choice !== "object" || choice === null) return;
    const index = indexOf(choice);
    let state = this.#current;
    if (state?.index !== index) {
      state = this.#choices.get(index);
      if (!state) {
        state = new ChoiceState(index);
        this.#choices.set(index, state);
      }
      this.#current = state;
    }
    const primary = index === 0;
    const delta = typeof choice.delta === "object" && choice.delta !== null
      ? choice.delta
      : NO_DELTA;
    if (typeof delta.role === "string" && state.role === undefined) state.role = delta.role;
    let reasoning = reasoningOf(delta);
    let content = delta.content as unknown;
    if (Array.isArray(content)) {
      // Mistral's reasoning models: text parts are text, thinking parts reasoning.
      reasoning += partsText(content, "thinking");
      content = partsText(content, "text");
    }
    if (reasoning) {
      if (primary) emit({ type: "reasoning-delta", text: reasoning });
      else state.reasoning += reasoning;
    }
    if (typeof content === "string") {
      if (!primary) state.content = state.content === null ? content : state.content + content;
      else {
        state.content ??= "";
        if (content) emit({ type: "text-delta", text: content });
      }
    }
    const refusal = delta.refusal;
    if (typeof refusal === "string") {
      state.refusal = state.refusal === null ? refusal : state.refusal + refusal;
      if (primary && refusal) emit({ type: "raw", value: { type: "refusal-delta", refusal } });
    }
    const toolCalls = delta.tool_calls;
    if (Array.isArray(toolCalls)) {
      const tools = state.tools ??= new ToolCallAssembler(primary ? emit : undefined);
      for (let i = 0; i < toolCalls.length; i++) {
        const fragment = toolCalls[i];
        if (typeof fragment === "object" && fragment !== null) tools.add(fragment);
      }
    }
    if (typeof delta.function_call === "object" && delta.function_call !== null) {
      (state.tools ??= new ToolCallAssembler(primary ? emit : undefined))
        .addFunctionCall(delta.function_call);
    }
    const logprobs = choice.logprobs;
    if (logprobs) {
      const target = state.logprobs ??= { content: null, refusal: null };
      target.content = appendTokens(target.content, logprobs.content);
      target.refusal = appendTokens(target.refusal, logprobs.refusal);
    }
    const finish = choice.finish_reason;
    if (typeof finish === "string" && finish) {
      state.finish = finish;
      if (primary) {
        state.tools?.complete();
        emit({ type: "finish", finishReason: finishReasonOf(finish), rawFinishReason: finish });
      }
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

  result(base: StreamResult): OpenAIChatResult {
    const states = [...this.#choices.values()].sort((a, b) => a.index - b.index);
    const choices = states.map((state) => state.toResult(state.index === 0 ? base : undefined));
    const first = choices[0]?.index === 0 ? choices[0] : undefined;
    // A custom tool's input is free text: an unfinished one is not parsed as JSON.
    const tools = this.#choices.get(0)?.tools;
    const custom = tools?.customIds();
    const toolCalls = custom?.size
      ? base.toolCalls.map((call) =>
        custom.has(call.id)
          ? { id: call.id, name: call.name, arguments: tools!.argumentsText(call.id) ?? "" }
          : call
      )
      : base.toolCalls;
    return {
      ...base,
      usage: this.resultUsage(base.usage),
      toolCalls,
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
  name: "openai.chat",
  createReader: () => new ChatAssembler(),
  sseTrailer: { data: "[DONE]" },
  tokensPerSecond: (result) => result.timings?.predicted_per_second,
};
