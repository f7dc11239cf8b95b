/**
 * The vocabulary every layer shares: the normalized parts a provider protocol
 * reads off the wire, and the result assembled from them. Provider results,
 * the unified API and the README use these names and no others.
 *
 * @module
 */

/**
 * Why generation ended, the same for every provider: `"stop"` (natural end or
 * a stop sequence), `"length"` (the token limit), `"tool-calls"` (the model
 * wants tool results; also when a provider says "stop" after calling tools),
 * `"content-filter"` (refused or filtered), `"error"`, `"other"`. The
 * provider's own value is kept beside it as `rawFinishReason`.
 */
export type FinishReason = "stop" | "length" | "tool-calls" | "content-filter" | "error" | "other";

/** A tool call the model made, with its arguments parsed. */
export interface ToolCall {
  /**
   * The call's id: the provider's (`call_…`, `toolu_…`), or one sluice made
   * (`call_…`) when the provider sends none, so that a result can answer it.
   */
  id: string;
  /** The name of the tool (function) to call. */
  name: string;
  /**
   * The arguments, parsed from JSON. When the model produced invalid JSON this
   * is the raw string and {@linkcode ToolCall.parseError} says why.
   */
  arguments: unknown;
  /** Why the arguments could not be parsed as JSON, when they could not. */
  parseError?: string | undefined;
}

/** Token counts, the same names for every provider. */
export interface Usage {
  /** Tokens in the prompt, cached ones included. */
  inputTokens?: number | undefined;
  /** Tokens generated, reasoning included. */
  outputTokens?: number | undefined;
  /** Input plus output, when both are known. */
  totalTokens?: number | undefined;
  /** Prompt tokens read from the provider's cache, where it reports them. */
  cachedInputTokens?: number | undefined;
  /** Generated tokens spent on reasoning, where the provider reports them. */
  reasoningTokens?: number | undefined;
}

/**
 * The assembled result of a stream: what every provider's `result()` returns
 * at least, built from the stream's parts. Providers extend it with their own
 * fields.
 */
export interface StreamResult {
  /** The whole answer text. */
  text: string;
  /** The whole reasoning text ("" when the model did not reason aloud). */
  reasoning: string;
  /** Every tool call, in order. */
  toolCalls: ToolCall[];
  /** Why generation ended, normalized (undefined until the provider said). */
  finishReason?: FinishReason | undefined;
  /** The provider's own finish reason (`"stop"`, `"end_turn"`, `"tool_calls"`, …). */
  rawFinishReason?: string | undefined;
  /** Token counts. */
  usage: Usage;
}

/** Status and headers of a response, once they have arrived. */
export interface ResponseInfo {
  /** The HTTP status code. */
  status: number;
  /** The HTTP status text. */
  statusText: string;
  /** The response headers. */
  headers: Headers;
  /** The final URL, after redirects. */
  url: string;
}

/** A piece of the answer text. */
export interface TextDeltaPart {
  /** The part type. */
  type: "text-delta";
  /** The new text. */
  text: string;
}

/** A piece of the reasoning ("thinking") text. */
export interface ReasoningDeltaPart {
  /** The part type. */
  type: "reasoning-delta";
  /** The new reasoning text. */
  text: string;
}

/** The model started a tool call. */
export interface ToolCallStartPart {
  /** The part type. */
  type: "tool-call-start";
  /** The call's id. */
  id: string;
  /** The tool's name. */
  name: string;
}

/** More of a tool call's arguments, as JSON text. */
export interface ToolCallDeltaPart {
  /** The part type. */
  type: "tool-call-delta";
  /** The call's id. */
  id: string;
  /** The next piece of the arguments' JSON text. */
  argumentsDelta: string;
}

/** A complete tool call, its arguments parsed. */
export interface ToolCallPart extends ToolCall {
  /** The part type. */
  type: "tool-call";
}

/** Token counts so far (each `usage` part replaces the one before). */
export interface UsagePart {
  /** The part type. */
  type: "usage";
  /** The counts. */
  usage: Usage;
}

/** The provider said why generation ended. */
export interface FinishPart {
  /** The part type. */
  type: "finish";
  /** Why, normalized. */
  finishReason: FinishReason;
  /** The provider's own value. */
  rawFinishReason: string | undefined;
}

/**
 * Content the normalized parts do not model (an Anthropic server tool block,
 * a refusal, a block type added later), as the provider sent it: nothing
 * received is dropped.
 */
export interface RawPart {
  /** The part type. */
  type: "raw";
  /** The content as received. */
  value: unknown;
}

/**
 * A normalized part: what a provider protocol reads off the wire, the same
 * shapes for every provider. The result is assembled from these.
 */
export type ContentPart =
  | TextDeltaPart
  | ReasoningDeltaPart
  | ToolCallStartPart
  | ToolCallDeltaPart
  | ToolCallPart
  | UsagePart
  | FinishPart
  | RawPart;
