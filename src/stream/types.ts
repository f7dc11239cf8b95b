/** A tool call the model made, with its arguments parsed. */
export interface ToolCall {
  /** The call's id, when the provider assigns one (`call_…`, `toolu_…`). */
  id?: string | undefined;
  /** The name of the function to call. */
  name: string;
  /**
   * The arguments, parsed from JSON. When the model produced invalid JSON this
   * is the raw string and {@linkcode ToolCall.parseError} says why.
   */
  arguments: unknown;
  /** Why the arguments could not be parsed, when they could not. */
  parseError?: string | undefined;
}

/** Token counts as the provider reported them. */
export interface Usage {
  /** Tokens in the prompt. */
  inputTokens?: number | undefined;
  /** Tokens generated. */
  outputTokens?: number | undefined;
}

/**
 * The assembled result of a stream: what every provider's `result()` returns
 * at least. Providers extend it with their own fields.
 */
export interface StreamResult<Raw = unknown> {
  /** The whole answer text. */
  text: string;
  /** The whole reasoning text ("" when the model did not think aloud). */
  thinking: string;
  /** Every tool call, in order. */
  toolCalls: ToolCall[];
  /** The provider's own finish reason (`"stop"`, `"end_turn"`, `"tool_calls"`, …). */
  finishReason?: string | undefined;
  /** Token counts as the provider reported them. */
  usage: Usage;
  /** The last chunk received, as the provider sent it. */
  lastChunk?: Raw | undefined;
}
