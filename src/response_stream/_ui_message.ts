import { formatServerSentEvent } from "../streams/format_server_sent_event.ts";

/** The headers the AI SDK's UI message stream protocol (v1) requires. */
export const UI_MESSAGE_HEADERS: Record<string, string> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "x-vercel-ai-ui-message-stream": "v1",
  "x-accel-buffering": "no",
};

/** A part of either vocabulary: a provider stream's normalized part or a unified part. */
interface AnyPart {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  argumentsDelta?: string;
  arguments?: unknown;
  result?: unknown;
  isError?: boolean;
  finishReason?: string;
  usage?: unknown;
  totalUsage?: unknown;
  error?: unknown;
}

const data = (chunk: unknown) => formatServerSentEvent({ data: JSON.stringify(chunk) });

/** The message of an error, for the protocol's `errorText`. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Writes normalized parts (a provider stream's `parts`, or a unified stream's
 * parts with steps and tool results) as the Vercel AI SDK's UI message stream:
 * SSE of JSON chunks (`start`, `start-step`, `text-start`/`-delta`/`-end`,
 * `reasoning-…`, `tool-input-…`, `tool-output-available`, `finish-step`,
 * `finish`, `error`, `abort`) ending with `data: [DONE]`.
 */
export class UIMessageEncoder {
  #steps: boolean;
  #text: string | undefined;
  #reasoning: string | undefined;
  #blocks = 0;
  #inStep = false;
  #started = new Set<string>();
  #usage: unknown;
  /** The `finish` part, written at the end: usage may come after it (OpenAI's last chunk). */
  #finish: AnyPart | undefined;

  /** `steps`: the parts carry their own `step-start` / `step-finish` (a unified stream). */
  constructor(steps: boolean) {
    this.#steps = steps;
  }

  /** The opening chunks. */
  start(): string {
    return data({ type: "start" }) + (this.#steps ? "" : this.#startStep());
  }

  /** The chunks for one part ("" for a part the protocol has no chunk for). */
  encode(part: AnyPart): string {
    switch (part.type) {
      case "step-start":
        return this.#closeBlocks() + this.#startStep();
      case "text-delta": {
        if (!part.text) return "";
        let out = this.#closeReasoning();
        if (this.#text === undefined) {
          this.#text = `text-${this.#blocks++}`;
          out += data({ type: "text-start", id: this.#text });
        }
        return out + data({ type: "text-delta", id: this.#text, delta: part.text });
      }
      case "reasoning-delta": {
        if (!part.text) return "";
        let out = this.#closeText();
        if (this.#reasoning === undefined) {
          this.#reasoning = `reasoning-${this.#blocks++}`;
          out += data({ type: "reasoning-start", id: this.#reasoning });
        }
        return out + data({ type: "reasoning-delta", id: this.#reasoning, delta: part.text });
      }
      case "tool-call-start":
        this.#started.add(part.id!);
        return this.#closeBlocks() +
          data({ type: "tool-input-start", toolCallId: part.id, toolName: part.name });
      case "tool-call-delta":
        if (!this.#started.has(part.id!) || !part.argumentsDelta) return "";
        return data({
          type: "tool-input-delta",
          toolCallId: part.id,
          inputTextDelta: part.argumentsDelta,
        });
      case "tool-call":
        return this.#closeBlocks() +
          data({
            type: "tool-input-available",
            toolCallId: part.id,
            toolName: part.name,
            input: part.arguments ?? {},
          });
      case "tool-result":
        return part.isError
          ? data({ type: "tool-output-error", toolCallId: part.id, errorText: String(part.result) })
          : data({
            type: "tool-output-available",
            toolCallId: part.id,
            output: part.result ?? null,
          });
      case "usage":
        this.#usage = part.usage;
        return "";
      case "step-finish":
        return this.#finishStep();
      case "finish":
        this.#finish = part;
        return this.#finishStep();
      case "error":
        return this.error(part.error);
      default:
        return "";
    }
  }

  /** The end of the stream: the `finish` chunk, with the last usage, and `[DONE]`. */
  end(): string {
    let out = this.#finishStep();
    const finish = this.#finish;
    if (finish !== undefined) {
      const usage = finish.totalUsage ?? this.#usage;
      out += data({
        type: "finish",
        finishReason: finish.finishReason,
        ...(usage === undefined ? {} : { messageMetadata: { usage } }),
      });
    }
    return out + "data: [DONE]\n\n";
  }

  /** A failure: an `error` chunk (or `abort` for an `AbortError`), after the open blocks end. */
  error(error: unknown): string {
    const abort = error instanceof Error && error.name === "AbortError";
    return this.#closeBlocks() +
      data(
        abort ? { type: "abort", reason: errorText(error) } : {
          type: "error",
          errorText: errorText(error),
        },
      );
  }

  #startStep(): string {
    this.#inStep = true;
    return data({ type: "start-step" });
  }

  #finishStep(): string {
    if (!this.#inStep) return "";
    this.#inStep = false;
    return this.#closeBlocks() + data({ type: "finish-step" });
  }

  #closeText(): string {
    if (this.#text === undefined) return "";
    const id = this.#text;
    this.#text = undefined;
    return data({ type: "text-end", id });
  }

  #closeReasoning(): string {
    if (this.#reasoning === undefined) return "";
    const id = this.#reasoning;
    this.#reasoning = undefined;
    return data({ type: "reasoning-end", id });
  }

  #closeBlocks(): string {
    return this.#closeText() + this.#closeReasoning();
  }
}
