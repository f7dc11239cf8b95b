/**
 * The wire types of Anthropic's Messages API (`POST /v1/messages`): the
 * request body, the complete `Message` a non-streaming call returns, and the
 * events of a stream. Field names are Anthropic's own (snake_case), so values
 * go to and come from the API unchanged.
 *
 * @module
 */

// ---------------------------------------------------------------------------
// Request: content blocks a caller sends
// ---------------------------------------------------------------------------

/** Marks a prompt-cache breakpoint on a block, tool or system text. */
export interface AnthropicCacheControl {
  /** The only cache type. */
  type: "ephemeral";
  /** How long the cache entry lives (`"5m"` by default). */
  ttl?: "5m" | "1h";
}

/** A text block in a request. */
export interface AnthropicTextBlockParam {
  /** The block type. */
  type: "text";
  /** The text. */
  text: string;
  /** A prompt-cache breakpoint. */
  cache_control?: AnthropicCacheControl | null;
  /** Citations, when echoing back a cited answer. */
  citations?: AnthropicCitation[] | null;
}

/** Where an image comes from: inline base64 data, a URL or an uploaded file. */
export type AnthropicImageSource =
  | {
    /** Inline data. */
    type: "base64";
    /** The image format. */
    media_type: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
    /** The image bytes, base64-encoded. */
    data: string;
  }
  | {
    /** A public URL. */
    type: "url";
    /** The image URL. */
    url: string;
  }
  | {
    /** A file uploaded with the Files API. */
    type: "file";
    /** The file's id. */
    file_id: string;
  };

/** An image block in a request. */
export interface AnthropicImageBlockParam {
  /** The block type. */
  type: "image";
  /** The image data or its location. */
  source: AnthropicImageSource;
  /** A prompt-cache breakpoint. */
  cache_control?: AnthropicCacheControl | null;
}

/** Where a document comes from: a PDF, plain text, content blocks, a URL or a file. */
export type AnthropicDocumentSource =
  | {
    /** An inline PDF. */
    type: "base64";
    /** The document format. */
    media_type: "application/pdf";
    /** The PDF bytes, base64-encoded. */
    data: string;
  }
  | {
    /** Inline plain text. */
    type: "text";
    /** The document format. */
    media_type: "text/plain";
    /** The text. */
    data: string;
  }
  | {
    /** A document made of content blocks (citable block by block). */
    type: "content";
    /** The content. */
    content: string | Array<AnthropicTextBlockParam | AnthropicImageBlockParam>;
  }
  | {
    /** A PDF at a public URL. */
    type: "url";
    /** The document URL. */
    url: string;
  }
  | {
    /** A file uploaded with the Files API. */
    type: "file";
    /** The file's id. */
    file_id: string;
  };

/** A document block (PDF, text) in a request. */
export interface AnthropicDocumentBlockParam {
  /** The block type. */
  type: "document";
  /** The document data or its location. */
  source: AnthropicDocumentSource;
  /** A title for the document. */
  title?: string | null;
  /** Context about the document that is not cited from. */
  context?: string | null;
  /** Whether the answer may cite this document. */
  citations?: { enabled?: boolean } | null;
  /** A prompt-cache breakpoint. */
  cache_control?: AnthropicCacheControl | null;
}

/** A tool call of an earlier assistant turn, sent back in the history. */
export interface AnthropicToolUseBlockParam {
  /** The block type. */
  type: "tool_use";
  /** The call's id (`toolu_…`). */
  id: string;
  /** The tool's name. */
  name: string;
  /** The tool's input. */
  input: unknown;
  /** A prompt-cache breakpoint. */
  cache_control?: AnthropicCacheControl | null;
}

/** The result of a tool call, sent in a user turn. */
export interface AnthropicToolResultBlockParam {
  /** The block type. */
  type: "tool_result";
  /** The id of the `tool_use` block this answers. */
  tool_use_id: string;
  /** The result: text, or text, image and document blocks. */
  content?:
    | string
    | Array<AnthropicTextBlockParam | AnthropicImageBlockParam | AnthropicDocumentBlockParam>;
  /** True when the tool failed and `content` describes the failure. */
  is_error?: boolean;
  /** A prompt-cache breakpoint. */
  cache_control?: AnthropicCacheControl | null;
}

/** A thinking block of an earlier assistant turn, sent back unmodified. */
export interface AnthropicThinkingBlockParam {
  /** The block type. */
  type: "thinking";
  /** The reasoning text, exactly as received. */
  thinking: string;
  /** The signature, exactly as received. */
  signature: string;
}

/** A redacted thinking block of an earlier assistant turn, sent back unmodified. */
export interface AnthropicRedactedThinkingBlockParam {
  /** The block type. */
  type: "redacted_thinking";
  /** The encrypted reasoning, exactly as received. */
  data: string;
}

/** Any content block a request may carry. */
export type AnthropicContentBlockParam =
  | AnthropicTextBlockParam
  | AnthropicImageBlockParam
  | AnthropicDocumentBlockParam
  | AnthropicToolUseBlockParam
  | AnthropicToolResultBlockParam
  | AnthropicThinkingBlockParam
  | AnthropicRedactedThinkingBlockParam;

/**
 * One turn of the conversation. An assistant turn can be sent back as it was
 * received: `{ role: "assistant", content: result.content }`.
 */
export interface AnthropicMessageParam {
  /** Who wrote the turn (the system prompt is the request's `system` field). */
  role: "user" | "assistant";
  /** A string, or content blocks. */
  content: string | Array<AnthropicContentBlockParam | AnthropicContentBlock>;
}

// ---------------------------------------------------------------------------
// Request: tools, tool choice, thinking
// ---------------------------------------------------------------------------

/** A JSON Schema for a tool's input; its root is an object. */
export interface AnthropicInputSchema {
  /** Always `"object"`. */
  type: "object";
  /** The properties. */
  properties?: Record<string, unknown> | null;
  /** The required property names. */
  required?: string[] | null;
  /** Any other JSON Schema keyword. */
  [keyword: string]: unknown;
}

/** A tool the caller defines and runs (a "client tool"). */
export interface AnthropicTool {
  /** `"custom"`, or left out. */
  type?: "custom";
  /** The tool's name, as the model calls it. */
  name: string;
  /** What the tool does and when to use it. */
  description?: string;
  /** The JSON Schema of the tool's input. */
  input_schema: AnthropicInputSchema;
  /** A prompt-cache breakpoint. */
  cache_control?: AnthropicCacheControl | null;
  /** Stream this tool's input without server-side buffering (fine-grained tool streaming). */
  eager_input_streaming?: boolean;
  /** Make the model's input follow the schema strictly. */
  strict?: boolean;
}

/** Anthropic's web search tool, run by Anthropic. */
export interface AnthropicWebSearchTool {
  /** The tool version, e.g. `"web_search_20250305"`. */
  type: `web_search_${string}`;
  /** Always `"web_search"`. */
  name: "web_search";
  /** The most searches in one turn. */
  max_uses?: number;
  /** Only search these domains. */
  allowed_domains?: string[];
  /** Never search these domains. */
  blocked_domains?: string[];
  /** Where the user is, to localise results. */
  user_location?: {
    type: "approximate";
    city?: string;
    region?: string;
    country?: string;
    timezone?: string;
  };
  /** A prompt-cache breakpoint. */
  cache_control?: AnthropicCacheControl | null;
}

/**
 * Any other versioned tool of Anthropic's (web fetch, code execution, bash,
 * text editor, computer use, …): its `type` names the version, its other
 * fields depend on the tool.
 */
export interface AnthropicServerTool {
  /** The tool version, e.g. `"code_execution_20250825"` or `"bash_20250124"`. */
  type: string;
  /** The tool's name, e.g. `"code_execution"` or `"bash"`. */
  name: string;
  /** A prompt-cache breakpoint. */
  cache_control?: AnthropicCacheControl | null;
  /** The tool's own settings. */
  [setting: string]: unknown;
}

/** A tool in the request's `tools` list. */
export type AnthropicToolDefinition = AnthropicTool | AnthropicWebSearchTool | AnthropicServerTool;

/** How the model may use the tools. */
export type AnthropicToolChoice =
  | {
    /** The model decides (the default). */
    type: "auto";
    /** At most one tool call in the turn. */
    disable_parallel_tool_use?: boolean;
  }
  | {
    /** The model must call some tool. */
    type: "any";
    /** Exactly one tool call in the turn. */
    disable_parallel_tool_use?: boolean;
  }
  | {
    /** The model must call the named tool. */
    type: "tool";
    /** The tool to call. */
    name: string;
    /** Exactly one tool call in the turn. */
    disable_parallel_tool_use?: boolean;
  }
  | {
    /** The model must not call tools. */
    type: "none";
  };

/** Extended thinking: on with a token budget, off, or adaptive (newer models). */
export type AnthropicThinkingConfig =
  | {
    /** Thinking on. */
    type: "enabled";
    /** The most tokens to think with (at least 1024, less than `max_tokens`). */
    budget_tokens: number;
    /** Whether the thinking text is streamed (`"summarized"`) or only its signature (`"omitted"`). */
    display?: "summarized" | "omitted";
  }
  | {
    /** Thinking off. */
    type: "disabled";
  }
  | {
    /** The model decides how much to think. */
    type: "adaptive";
    /** Whether the thinking text is streamed (`"summarized"`) or only its signature (`"omitted"`). */
    display?: "summarized" | "omitted";
  };

/** The body of `POST /v1/messages`. */
export interface AnthropicMessagesRequest {
  /** The model, e.g. `"claude-sonnet-4-6"`. */
  model: string;
  /** The most tokens to generate (required by Anthropic). */
  max_tokens: number;
  /** The conversation so far, alternating user and assistant turns. */
  messages: AnthropicMessageParam[];
  /** The system prompt: a string or text blocks (which may carry `cache_control`). */
  system?: string | AnthropicTextBlockParam[];
  /** Strings that end generation (`stop_reason: "stop_sequence"`). */
  stop_sequences?: string[];
  /** Randomness, 0 to 1. */
  temperature?: number;
  /** Nucleus sampling. */
  top_p?: number;
  /** Only sample from the top K options. */
  top_k?: number;
  /** Request metadata. */
  metadata?: {
    /** An opaque id of the end user, for abuse detection. */
    user_id?: string | null;
  };
  /** `"auto"` uses priority capacity when available; `"standard_only"` never does. */
  service_tier?: "auto" | "standard_only";
  /** Tools the model may call. */
  tools?: AnthropicToolDefinition[];
  /** How the model may use the tools. */
  tool_choice?: AnthropicToolChoice;
  /** Extended thinking. */
  thinking?: AnthropicThinkingConfig;
  /**
   * `false` for one complete {@linkcode AnthropicMessage} instead of a stream.
   *
   * @default {true}
   */
  stream?: boolean;
}

// ---------------------------------------------------------------------------
// Response: the message and its content blocks
// ---------------------------------------------------------------------------

/** A citation of a plain-text document, by character range. */
export interface AnthropicCharLocationCitation {
  /** The citation type. */
  type: "char_location";
  /** The cited text. */
  cited_text: string;
  /** Which document of the request. */
  document_index: number;
  /** The document's title. */
  document_title: string | null;
  /** The first character (0-based). */
  start_char_index: number;
  /** The character after the last (exclusive). */
  end_char_index: number;
  /** The file's id, for an uploaded file. */
  file_id?: string | null;
}

/** A citation of a PDF, by page range. */
export interface AnthropicPageLocationCitation {
  /** The citation type. */
  type: "page_location";
  /** The cited text. */
  cited_text: string;
  /** Which document of the request. */
  document_index: number;
  /** The document's title. */
  document_title: string | null;
  /** The first page (1-based). */
  start_page_number: number;
  /** The page after the last (exclusive). */
  end_page_number: number;
  /** The file's id, for an uploaded file. */
  file_id?: string | null;
}

/** A citation of a content document, by block range. */
export interface AnthropicContentBlockLocationCitation {
  /** The citation type. */
  type: "content_block_location";
  /** The cited text. */
  cited_text: string;
  /** Which document of the request. */
  document_index: number;
  /** The document's title. */
  document_title: string | null;
  /** The first block (0-based). */
  start_block_index: number;
  /** The block after the last (exclusive). */
  end_block_index: number;
  /** The file's id, for an uploaded file. */
  file_id?: string | null;
}

/** A citation of a web search result. */
export interface AnthropicWebSearchResultLocationCitation {
  /** The citation type. */
  type: "web_search_result_location";
  /** The cited text. */
  cited_text: string;
  /** An opaque reference to the result. */
  encrypted_index: string;
  /** The page title. */
  title: string | null;
  /** The page URL. */
  url: string;
}

/** A citation of a search result block. */
export interface AnthropicSearchResultLocationCitation {
  /** The citation type. */
  type: "search_result_location";
  /** The cited text. */
  cited_text: string;
  /** Which search result. */
  search_result_index: number;
  /** The result's source. */
  source: string;
  /** The result's title. */
  title: string | null;
  /** The first block (0-based). */
  start_block_index: number;
  /** The block after the last (exclusive). */
  end_block_index: number;
}

/** A citation attached to a text block. */
export type AnthropicCitation =
  | AnthropicCharLocationCitation
  | AnthropicPageLocationCitation
  | AnthropicContentBlockLocationCitation
  | AnthropicWebSearchResultLocationCitation
  | AnthropicSearchResultLocationCitation;

/** Text the model wrote. */
export interface AnthropicTextBlock {
  /** The block type. */
  type: "text";
  /** The text. */
  text: string;
  /** The citations backing the text, when citations are on. */
  citations?: AnthropicCitation[] | null;
}

/** A call of a caller-defined tool; answer it with a `tool_result` block. */
export interface AnthropicToolUseBlock {
  /** The block type. */
  type: "tool_use";
  /** The call's id (`toolu_…`). */
  id: string;
  /** The tool's name. */
  name: string;
  /**
   * The tool's input, parsed. When a stream delivered input that is not valid
   * JSON (cut off by `max_tokens`), the raw text.
   */
  input: unknown;
}

/** A call of a tool Anthropic runs itself (web search, code execution, …). */
export interface AnthropicServerToolUseBlock {
  /** The block type. */
  type: "server_tool_use";
  /** The call's id (`srvtoolu_…`). */
  id: string;
  /** The tool's name, e.g. `"web_search"`. */
  name: string;
  /** The tool's input, parsed (the raw text if it is not valid JSON). */
  input: unknown;
}

/**
 * The result of a server tool call (`web_search_tool_result`,
 * `web_fetch_tool_result`, `code_execution_tool_result`, …), delivered
 * complete in `content_block_start`.
 */
export interface AnthropicServerToolResultBlock {
  /** The block type, ending in `_tool_result`. */
  type: `${string}_tool_result`;
  /** The id of the `server_tool_use` block it answers. */
  tool_use_id: string;
  /** The result; its shape depends on the tool. */
  content: unknown;
}

/** The model's reasoning; send it back unmodified when continuing a tool turn. */
export interface AnthropicThinkingBlock {
  /** The block type. */
  type: "thinking";
  /** The reasoning text (summarized by newer models; "" with `display: "omitted"`). */
  thinking: string;
  /** The signature that proves the block unmodified. */
  signature: string;
}

/** Reasoning the safety systems encrypted; send it back unmodified. */
export interface AnthropicRedactedThinkingBlock {
  /** The block type. */
  type: "redacted_thinking";
  /** The encrypted reasoning. */
  data: string;
}

/**
 * A content block of a response. Block types added to the API later are
 * passed through as they arrive (their `type` is then none of these).
 */
export type AnthropicContentBlock =
  | AnthropicTextBlock
  | AnthropicToolUseBlock
  | AnthropicServerToolUseBlock
  | AnthropicServerToolResultBlock
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock;

/** Why the model stopped. Unknown values are possible: treat them as final. */
export type AnthropicStopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "pause_turn"
  | "refusal"
  | "model_context_window_exceeded"
  | (string & Record<never, never>);

/** Token counts as Anthropic reports them. */
export interface AnthropicMessageUsage {
  /** Input tokens that were not read from or written to the prompt cache. */
  input_tokens: number;
  /** Output tokens, thinking included. */
  output_tokens: number;
  /** Input tokens written to the prompt cache. */
  cache_creation_input_tokens?: number | null;
  /** Input tokens read from the prompt cache. */
  cache_read_input_tokens?: number | null;
  /** Cache writes by lifetime. */
  cache_creation?: {
    /** Written with the 5-minute lifetime. */
    ephemeral_5m_input_tokens: number;
    /** Written with the 1-hour lifetime. */
    ephemeral_1h_input_tokens: number;
  } | null;
  /** Server tool requests made (web searches, fetches). */
  server_tool_use?: {
    /** Web searches. */
    web_search_requests: number;
    /** Web fetches. */
    web_fetch_requests?: number;
  } | null;
  /** The capacity tier that served the request. */
  service_tier?: "standard" | "priority" | "batch" | null;
  /** Fields added to the API later. */
  [field: string]: unknown;
}

/** A complete response: what a `stream: false` call returns. */
export interface AnthropicMessage {
  /** The message id (`msg_…`). */
  id: string;
  /** Always `"message"`. */
  type: "message";
  /** Always `"assistant"`. */
  role: "assistant";
  /** The model that answered. */
  model: string;
  /** The content blocks, in order. */
  content: AnthropicContentBlock[];
  /** Why the model stopped (`null` only in `message_start`). */
  stop_reason: AnthropicStopReason | null;
  /** The stop sequence that matched, if one did. */
  stop_sequence: string | null;
  /** Token counts. */
  usage: AnthropicMessageUsage;
  /** Fields such as `container` and `stop_details`, and any added to the API later. */
  [field: string]: unknown;
}

// ---------------------------------------------------------------------------
// Stream events
// ---------------------------------------------------------------------------

/** The first event: the message with empty content and provisional usage. */
export interface AnthropicMessageStartEvent {
  /** The event type. */
  type: "message_start";
  /** The message so far. */
  message: AnthropicMessage;
}

/** A content block starts at `index` (its complete content, for blocks without deltas). */
export interface AnthropicContentBlockStartEvent {
  /** The event type. */
  type: "content_block_start";
  /** The block's position in the final content. */
  index: number;
  /** The block's initial state (a `tool_use` block's `input` is a placeholder). */
  content_block: AnthropicContentBlock;
}

/** More text for a text block. */
export interface AnthropicTextDelta {
  /** The delta type. */
  type: "text_delta";
  /** The text to append. */
  text: string;
}

/** A fragment of a tool's input JSON; fragments join into the whole input. */
export interface AnthropicInputJsonDelta {
  /** The delta type. */
  type: "input_json_delta";
  /** The fragment (cut anywhere, even inside a string or an escape). */
  partial_json: string;
}

/** More reasoning for a thinking block. */
export interface AnthropicThinkingDelta {
  /** The delta type. */
  type: "thinking_delta";
  /** The reasoning text to append. */
  thinking: string;
}

/** A thinking block's signature (it replaces the block's signature). */
export interface AnthropicSignatureDelta {
  /** The delta type. */
  type: "signature_delta";
  /** The signature. */
  signature: string;
}

/** A citation for a text block. */
export interface AnthropicCitationsDelta {
  /** The delta type. */
  type: "citations_delta";
  /** The citation to add. */
  citation: AnthropicCitation;
}

/** A change to a content block. */
export type AnthropicContentBlockDelta =
  | AnthropicTextDelta
  | AnthropicInputJsonDelta
  | AnthropicThinkingDelta
  | AnthropicSignatureDelta
  | AnthropicCitationsDelta;

/** A change to the content block at `index`. */
export interface AnthropicContentBlockDeltaEvent {
  /** The event type. */
  type: "content_block_delta";
  /** The block's position in the final content. */
  index: number;
  /** The change. */
  delta: AnthropicContentBlockDelta;
}

/** The content block at `index` is complete. */
export interface AnthropicContentBlockStopEvent {
  /** The event type. */
  type: "content_block_stop";
  /** The block's position in the final content. */
  index: number;
}

/** Cumulative token counts in `message_delta`: each field present replaces the last. */
export interface AnthropicMessageDeltaUsage {
  /** Output tokens so far (a total, not an increment). */
  output_tokens: number;
  /** Uncached input tokens, when reported. */
  input_tokens?: number | null;
  /** Input tokens written to the prompt cache, when reported. */
  cache_creation_input_tokens?: number | null;
  /** Input tokens read from the prompt cache, when reported. */
  cache_read_input_tokens?: number | null;
  /** Server tool requests made, when reported. */
  server_tool_use?: {
    /** Web searches. */
    web_search_requests: number;
    /** Web fetches. */
    web_fetch_requests?: number;
  } | null;
  /** Fields added to the API later. */
  [field: string]: unknown;
}

/** The message's stop reason and final usage. */
export interface AnthropicMessageDeltaEvent {
  /** The event type. */
  type: "message_delta";
  /** The top-level fields that changed. */
  delta: {
    /** Why the model stopped. */
    stop_reason: AnthropicStopReason | null;
    /** The stop sequence that matched, if one did. */
    stop_sequence: string | null;
    /** Fields such as `stop_details` and `container`. */
    [field: string]: unknown;
  };
  /** Cumulative token counts. */
  usage: AnthropicMessageDeltaUsage;
}

/** The last event of a complete stream. */
export interface AnthropicMessageStopEvent {
  /** The event type. */
  type: "message_stop";
}

/** A keep-alive, anywhere in the stream. */
export interface AnthropicPingEvent {
  /** The event type. */
  type: "ping";
}

/**
 * An error after the stream started (`overloaded_error`, `api_error`, …). It
 * is never delivered as a chunk: the stream fails with a `ProviderError`
 * whose `body` is this event.
 */
export interface AnthropicErrorEvent {
  /** The event type. */
  type: "error";
  /** What went wrong. */
  error: {
    /** The error type, e.g. `"overloaded_error"`. */
    type: string;
    /** The error message. */
    message: string;
  };
  /** The request's id, for support. */
  request_id?: string;
}

/**
 * One event of a Messages stream, as Anthropic sent it. Event types added to
 * the API later are delivered as they arrive (their `type` is then none of
 * these) and do not affect the assembled result.
 */
export type AnthropicStreamEvent =
  | AnthropicMessageStartEvent
  | AnthropicContentBlockStartEvent
  | AnthropicContentBlockDeltaEvent
  | AnthropicContentBlockStopEvent
  | AnthropicMessageDeltaEvent
  | AnthropicMessageStopEvent
  | AnthropicPingEvent
  | AnthropicErrorEvent;
