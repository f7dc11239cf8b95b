import type {
  PartSink,
  ProtocolReader,
  StreamProtocol,
} from "../../response_stream/stream_protocol.ts";
import type { StreamResult } from "../../shared/types.ts";
import { type ChoiceEnd, finishReasonOf, SseAssembler } from "./_sse_assembler.ts";
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
  implements ProtocolReader<OpenAICompletion, OpenAICompletionResult> {
  #choices = new Map<number, ChoiceState>();

  protected addChoice(choice: OpenAICompletionChoice, emit: PartSink): void {
    if (typeof choice !== "object" || choice === null) return;
    const index = indexOf(choice);
    let state = this.#choices.get(index);
    if (!state) {
      state = { index, text: "", finish: null, logprobs: null };
      this.#choices.set(index, state);
    }
    const text = choice.text;
    if (typeof text === "string") {
      state.text += text;
      if (index === 0 && text) emit({ type: "text-delta", text });
    }
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
    const finish = choice.finish_reason;
    if (typeof finish === "string" && finish) {
      state.finish = finish;
      if (index === 0) {
        emit({ type: "finish", finishReason: finishReasonOf(finish), rawFinishReason: finish });
      }
    }
  }

  protected choiceEnds(): Iterable<ChoiceEnd> {
    return this.#choices.values();
  }

  result(base: StreamResult): OpenAICompletionResult {
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
    return {
      ...base,
      usage: this.resultUsage(base.usage),
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
  name: "openai.completions",
  createReader: () => new CompletionAssembler(),
  sseTrailer: { data: "[DONE]" },
  tokensPerSecond: (result) => result.timings?.predicted_per_second,
};
