import type { StreamAssembler, StreamProtocol } from "../../stream/stream_protocol.ts";
import { type ChoiceEnd, mapUsage, SseAssembler } from "./_sse_assembler.ts";
import type {
  OpenAICompletion,
  OpenAICompletionChoice,
  OpenAICompletionChoiceResult,
  OpenAICompletionLogprobs,
  OpenAICompletionResult,
} from "./types.ts";

/** One choice being assembled. */
interface ChoiceState extends ChoiceEnd {
  text: string;
  logprobs: OpenAICompletionLogprobs | null;
}

function indexOf(choice: { index?: unknown }): number {
  return typeof choice.index === "number" ? choice.index : 0;
}

function append<T>(target: T[], source: T[] | null | undefined): void {
  if (!Array.isArray(source)) return;
  for (let i = 0; i < source.length; i++) target.push(source[i] as T);
}

/** The state of one legacy completion stream. */
class CompletionAssembler extends SseAssembler<OpenAICompletion, OpenAICompletionChoice>
  implements StreamAssembler<OpenAICompletion, OpenAICompletionResult> {
  #choices = new Map<number, ChoiceState>();
  #primary = -1;

  protected addChoice(choice: OpenAICompletionChoice): void {
    if (typeof choice !== "object" || choice === null) return;
    const index = indexOf(choice);
    let state = this.#choices.get(index);
    if (!state) {
      state = { index, text: "", finish: null, logprobs: null };
      this.#choices.set(index, state);
      if (this.#primary < 0 || index < this.#primary) this.#primary = index;
    }
    if (typeof choice.text === "string") state.text += choice.text;
    const logprobs = choice.logprobs;
    if (logprobs) {
      const target = state.logprobs ??= {
        tokens: [],
        token_logprobs: [],
        top_logprobs: null,
        text_offset: [],
      };
      append(target.tokens, logprobs.tokens);
      append(target.token_logprobs, logprobs.token_logprobs);
      if (Array.isArray(logprobs.top_logprobs)) {
        append(target.top_logprobs ??= [], logprobs.top_logprobs);
      }
      append(target.text_offset, logprobs.text_offset);
    }
    if (choice.finish_reason) state.finish = choice.finish_reason;
  }

  protected choiceEnds(): Iterable<ChoiceEnd> {
    return this.#choices.values();
  }

  text(chunk: OpenAICompletion): string {
    const choices = chunk.choices;
    if (!choices) return "";
    for (let i = 0; i < choices.length; i++) {
      const choice = choices[i] as OpenAICompletionChoice;
      if (choice && indexOf(choice) === this.#primary) {
        return typeof choice.text === "string" ? choice.text : "";
      }
    }
    return "";
  }

  result(): OpenAICompletionResult {
    const choices: OpenAICompletionChoiceResult[] = [...this.#choices.values()]
      .sort((a, b) => a.index - b.index)
      .map((state) => ({
        index: state.index,
        text: state.text,
        finishReason: state.finish,
        logprobs: state.logprobs && {
          tokens: state.logprobs.tokens.slice(),
          token_logprobs: state.logprobs.token_logprobs.slice(),
          top_logprobs: state.logprobs.top_logprobs && state.logprobs.top_logprobs.slice(),
          text_offset: state.logprobs.text_offset.slice(),
        },
      }));
    const first = choices[0];
    return {
      text: first?.text ?? "",
      thinking: "",
      toolCalls: [],
      finishReason: first?.finishReason ?? undefined,
      usage: mapUsage(this.rawUsage),
      lastChunk: this.last,
      id: this.id,
      model: this.model,
      created: this.created,
      systemFingerprint: this.systemFingerprint,
      choices,
      rawUsage: this.rawUsage,
      timings: this.timings,
      done: this.done,
    };
  }
}

/** The legacy Completions streaming protocol: `text_completion` chunks, `choices[].text`. */
export const completionsProtocol: StreamProtocol<OpenAICompletion, OpenAICompletionResult> = {
  framing: "sse",
  createAssembler: () => new CompletionAssembler(),
  sseTrailer: { data: "[DONE]" },
  tokensPerSecond: (result) => result.timings?.predicted_per_second,
};
