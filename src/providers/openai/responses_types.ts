/**
 * Types of OpenAI's Responses API (`POST /v1/responses`): the request, the
 * response object, its output items, the streamed events and the assembled
 * result of {@linkcode OpenAI.responses}.
 *
 * @module
 */

import type { StreamResult, Usage } from "../../shared/types.ts";
import type { OpenAIJsonSchema } from "./types.ts";

// --- the request ---------------------------------------------------------------------

/** A text part of an input message. */
export interface OpenAIResponsesInputText {
  /** The part type. */
  type: "input_text";
  /** The text. */
  text: string;
}

/** An image part of an input message: a URL (or data URL), or an uploaded file. */
export interface OpenAIResponsesInputImage {
  /** The part type. */
  type: "input_image";
  /** An `https:` or `data:` URL. */
  image_url?: string;
  /** The id of an uploaded file. */
  file_id?: string;
  /** How closely the model looks at it. */
  detail?: "low" | "high" | "auto";
}

/** A file part of an input message: an uploaded file, or its data inline. */
export interface OpenAIResponsesInputFile {
  /** The part type. */
  type: "input_file";
  /** The id of an uploaded file. */
  file_id?: string;
  /** The file's content as a base64 data URL. */
  file_data?: string;
  /** The file's name. */
  filename?: string;
  /** A URL the server fetches the file from. */
  file_url?: string;
}

/** A part of an input message. */
export type OpenAIResponsesInputContent =
  | OpenAIResponsesInputText
  | OpenAIResponsesInputImage
  | OpenAIResponsesInputFile;

/** A message in `input`: text, or parts. An assistant message repeats earlier output text. */
export interface OpenAIResponsesInputMessage {
  /** The item type (may be left out). */
  type?: "message";
  /** Who wrote it. */
  role: "user" | "assistant" | "system" | "developer";
  /** The text, or the parts (an assistant's earlier `output_text` parts too). */
  content: string | (OpenAIResponsesInputContent | OpenAIResponsesOutputContent)[];
  /** The id of an earlier output message, when it repeats one. */
  id?: string;
  /** The status of an earlier output message. */
  status?: string;
}

/** The result of a function call, answering its `call_id`. */
export interface OpenAIResponsesFunctionCallOutput {
  /** The item type. */
  type: "function_call_output";
  /** The `call_id` of the call this answers. */
  call_id: string;
  /** The result, as text (JSON for a structured result). */
  output: string;
}

/** An input item: a message, a function call's output, or an earlier output item. */
export type OpenAIResponsesInputItem =
  | OpenAIResponsesInputMessage
  | OpenAIResponsesFunctionCallOutput
  | OpenAIResponsesOutputItem;

/** A function the model may call. */
export interface OpenAIResponsesFunctionTool {
  /** The tool type. */
  type: "function";
  /** The function's name. */
  name: string;
  /** What it does, for the model. */
  description?: string;
  /** The JSON Schema of its arguments. */
  parameters?: OpenAIJsonSchema | Record<string, unknown>;
  /** Whether the arguments must follow the schema exactly. */
  strict?: boolean;
}

/** A built-in tool (`web_search`, `file_search`, `code_interpreter`, `mcp`, …), as the API names it. */
export interface OpenAIResponsesBuiltInTool {
  /** The tool type. */
  type: string;
  /** The tool's own settings. */
  [key: string]: unknown;
}

/** A tool the model may use. */
export type OpenAIResponsesTool = OpenAIResponsesFunctionTool | OpenAIResponsesBuiltInTool;

/** Whether and which tool the model must call. */
export type OpenAIResponsesToolChoice =
  | "none"
  | "auto"
  | "required"
  | { type: "function"; name: string }
  | { type: string; [key: string]: unknown };

/** The output's format: text, any JSON object, or JSON following a schema. */
export type OpenAIResponsesTextFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
    type: "json_schema";
    /** The schema's name. */
    name: string;
    /** The schema. */
    schema: Record<string, unknown>;
    /** What the output is. */
    description?: string;
    /** Whether the output must follow the schema exactly. */
    strict?: boolean;
  };

/** The request body of `POST /responses`. */
export interface OpenAIResponsesRequest {
  /** The model, e.g. `"gpt-5"`. */
  model: string;
  /** The input: a user's text, or items (messages, function call outputs, earlier output items). */
  input?: string | OpenAIResponsesInputItem[];
  /** A system (developer) message put first. */
  instructions?: string | null;
  /**
   * `false` for the complete response object instead of a stream.
   *
   * @default {true}
   */
  stream?: boolean;
  /** The tools the model may use. */
  tools?: OpenAIResponsesTool[];
  /** Whether and which tool the model must call. */
  tool_choice?: OpenAIResponsesToolChoice;
  /** Let the model make several tool calls in one turn. */
  parallel_tool_calls?: boolean;
  /** Reasoning settings of reasoning models. */
  reasoning?: {
    /** How hard the model thinks. */
    effort?: "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | null;
    /** Whether (and how long) a reasoning summary is written. */
    summary?: "auto" | "concise" | "detailed" | null;
  } | null;
  /** The output's format and verbosity. */
  text?: { format?: OpenAIResponsesTextFormat; verbosity?: "low" | "medium" | "high" };
  /** The most tokens to generate, reasoning included. */
  max_output_tokens?: number | null;
  /** Sampling temperature, 0–2. */
  temperature?: number | null;
  /** Nucleus sampling. */
  top_p?: number | null;
  /** Continues from an earlier stored response (its `id`). */
  previous_response_id?: string | null;
  /** Whether the server keeps the response (to continue it by id). */
  store?: boolean | null;
  /** Extra output to include, e.g. `"reasoning.encrypted_content"`. */
  include?: string[] | null;
  /** Up to 16 key–value pairs kept with the response. */
  metadata?: Record<string, string> | null;
  /** What to do with input longer than the context window. */
  truncation?: "auto" | "disabled" | null;
  /** The service tier. */
  service_tier?: string | null;
  /** A stable id of your end user. */
  user?: string;
  /** Other fields, passed through as they are. */
  [key: string]: unknown;
}

// --- the response --------------------------------------------------------------------

/** A citation or other annotation on output text. */
export interface OpenAIResponsesAnnotation {
  /** `url_citation`, `file_citation`, `container_file_citation`, `file_path`, … */
  type: string;
  /** The annotation's own fields (`url`, `title`, `start_index`, `end_index`, `file_id`, …). */
  [key: string]: unknown;
}

/** Text the model wrote, with its annotations. */
export interface OpenAIResponsesOutputText {
  /** The part type. */
  type: "output_text";
  /** The text. */
  text: string;
  /** Citations and other annotations, in the order they arrived. */
  annotations: OpenAIResponsesAnnotation[];
  /** Per-token log probabilities, when asked for or sent inline. */
  logprobs?: unknown[];
}

/** A refusal in place of an answer. */
export interface OpenAIResponsesRefusal {
  /** The part type. */
  type: "refusal";
  /** Why the model refused. */
  refusal: string;
}

/** A part of an output message. */
export type OpenAIResponsesOutputContent = OpenAIResponsesOutputText | OpenAIResponsesRefusal;

/** A message the model wrote. */
export interface OpenAIResponsesMessageItem {
  /** The item type. */
  type: "message";
  /** The item id (`msg_…`). */
  id: string;
  /** Always `"assistant"`. */
  role: "assistant";
  /** `in_progress`, `completed` or `incomplete`. */
  status?: string;
  /** Its text and refusal parts, in order. */
  content: OpenAIResponsesOutputContent[];
}

/** A part of a reasoning summary, or raw reasoning text. */
export interface OpenAIResponsesReasoningText {
  /** `summary_text` (a summary) or `reasoning_text` (raw reasoning). */
  type: "summary_text" | "reasoning_text";
  /** The text. */
  text: string;
}

/** The model's reasoning: its summary, and the encrypted reasoning to carry into the next turn. */
export interface OpenAIResponsesReasoningItem {
  /** The item type. */
  type: "reasoning";
  /** The item id (`rs_…`). */
  id: string;
  /** The summary parts, in order. */
  summary: OpenAIResponsesReasoningText[];
  /** Raw reasoning text parts (Open Responses servers, LM Studio). */
  content?: OpenAIResponsesReasoningText[];
  /** The reasoning, encrypted (asked for with `include: ["reasoning.encrypted_content"]`). */
  encrypted_content?: string | null;
  /** The item's status. */
  status?: string;
}

/** A call of one of your functions. */
export interface OpenAIResponsesFunctionCallItem {
  /** The item type. */
  type: "function_call";
  /** The item id (`fc_…`). */
  id?: string;
  /** The id to answer with a `function_call_output` item (`call_…`). */
  call_id: string;
  /** The function's name. */
  name: string;
  /** The arguments as JSON text. */
  arguments: string;
  /** The item's status. */
  status?: string;
}

/** A call of a custom (free-form input) tool. */
export interface OpenAIResponsesCustomToolCallItem {
  /** The item type. */
  type: "custom_tool_call";
  /** The item id. */
  id?: string;
  /** The id to answer with. */
  call_id: string;
  /** The tool's name. */
  name: string;
  /** The input, free text. */
  input: string;
  /** The item's status. */
  status?: string;
}

/** An output item of another type (a built-in tool call, or a type added later), as received. */
export interface OpenAIResponsesOtherItem {
  /** `web_search_call`, `file_search_call`, `code_interpreter_call`, `mcp_call`, … */
  type: string;
  /** The item id. */
  id?: string;
  /** The item's own fields. */
  [key: string]: unknown;
}

/** An output item. */
export type OpenAIResponsesOutputItem =
  | OpenAIResponsesMessageItem
  | OpenAIResponsesReasoningItem
  | OpenAIResponsesFunctionCallItem
  | OpenAIResponsesCustomToolCallItem
  | OpenAIResponsesOtherItem;

/** Token counts of a response. */
export interface OpenAIResponsesUsage {
  /** Input tokens, cached ones included. */
  input_tokens: number;
  /** Details of the input tokens. */
  input_tokens_details?: { cached_tokens?: number; [key: string]: unknown };
  /** Output tokens, reasoning included. */
  output_tokens: number;
  /** Details of the output tokens. */
  output_tokens_details?: { reasoning_tokens?: number; [key: string]: unknown };
  /** Input plus output. */
  total_tokens?: number;
  /** Other counts a server adds. */
  [key: string]: unknown;
}

/** A response object: what `stream: false` resolves to, and what the lifecycle events carry. */
export interface OpenAIResponsesResponse {
  /** The response id (`resp_…`): continue from it with `previous_response_id`. */
  id: string;
  /** Always `"response"`. */
  object?: "response";
  /** Unix seconds. */
  created_at?: number;
  /** `in_progress`, `completed`, `incomplete`, `failed`, `cancelled`, `queued`. */
  status: string;
  /** The model that answered. */
  model?: string;
  /** The output items, in order. */
  output: OpenAIResponsesOutputItem[];
  /** Token counts (on the terminal response). */
  usage?: OpenAIResponsesUsage | null;
  /** Why the response is incomplete (`max_output_tokens`, `content_filter`). */
  incomplete_details?: { reason?: string; [key: string]: unknown } | null;
  /** Why the response failed. */
  error?: { code?: string; message?: string; [key: string]: unknown } | null;
  /** The concatenated output text (some SDKs add it). */
  output_text?: string;
  /** Other fields (`instructions`, `tools`, `reasoning`, Azure's `content_filters`, …). */
  [key: string]: unknown;
}

// --- the events ----------------------------------------------------------------------

/** The fields every event has. */
export interface OpenAIResponsesEventBase {
  /** The event type. */
  type: string;
  /** Increasing by one from event to event. */
  sequence_number?: number;
}

/** An event that carries the response object. */
export interface OpenAIResponsesLifecycleEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type:
    | "response.created"
    | "response.in_progress"
    | "response.queued"
    | "response.completed"
    | "response.incomplete"
    | "response.failed";
  /** The response as it stands. */
  response: OpenAIResponsesResponse;
}

/** An output item starts or is complete. */
export interface OpenAIResponsesOutputItemEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type: "response.output_item.added" | "response.output_item.done";
  /** The item's position in `output`. */
  output_index: number;
  /** The item (whole at `.done`). */
  item: OpenAIResponsesOutputItem;
}

/** A content part of a message starts or is complete. */
export interface OpenAIResponsesContentPartEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type: "response.content_part.added" | "response.content_part.done";
  /** The message item's id. */
  item_id: string;
  /** The message item's position. */
  output_index: number;
  /** The part's position in the message. */
  content_index: number;
  /** The part. */
  part: OpenAIResponsesOutputContent;
}

/** A piece of output text. */
export interface OpenAIResponsesTextDeltaEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type: "response.output_text.delta";
  /** The message item's id. */
  item_id: string;
  /** The message item's position. */
  output_index: number;
  /** The part's position. */
  content_index: number;
  /** The new text. */
  delta: string;
  /** Per-token log probabilities (some servers send them inline). */
  logprobs?: unknown[];
  /** Random padding OpenAI may add. */
  obfuscation?: string;
}

/** A text part is complete. */
export interface OpenAIResponsesTextDoneEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type: "response.output_text.done";
  /** The message item's id. */
  item_id: string;
  /** The message item's position. */
  output_index: number;
  /** The part's position. */
  content_index: number;
  /** The whole text. */
  text: string;
}

/** An annotation (a citation) was added to a text part. */
export interface OpenAIResponsesAnnotationAddedEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type: "response.output_text.annotation.added";
  /** The message item's id. */
  item_id: string;
  /** The message item's position. */
  output_index: number;
  /** The part's position. */
  content_index: number;
  /** The annotation's position in the part. */
  annotation_index: number;
  /** The annotation. */
  annotation: OpenAIResponsesAnnotation;
}

/** A piece of a refusal, or the whole refusal. */
export interface OpenAIResponsesRefusalEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type: "response.refusal.delta" | "response.refusal.done";
  /** The message item's id. */
  item_id: string;
  /** The message item's position. */
  output_index: number;
  /** The part's position. */
  content_index: number;
  /** The new refusal text (`.delta`). */
  delta?: string;
  /** The whole refusal (`.done`). */
  refusal?: string;
}

/** A piece of a function call's arguments, or all of them. */
export interface OpenAIResponsesFunctionArgumentsEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type: "response.function_call_arguments.delta" | "response.function_call_arguments.done";
  /** The call item's id. */
  item_id: string;
  /** The call item's position. */
  output_index: number;
  /** The new argument text (`.delta`). */
  delta?: string;
  /** The whole argument text (`.done`). */
  arguments?: string;
}

/** A piece of a custom tool call's input, or all of it. */
export interface OpenAIResponsesCustomToolInputEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type: "response.custom_tool_call_input.delta" | "response.custom_tool_call_input.done";
  /** The call item's id. */
  item_id: string;
  /** The call item's position. */
  output_index: number;
  /** The new input (`.delta`). */
  delta?: string;
  /** The whole input (`.done`). */
  input?: string;
}

/** A reasoning summary part starts or is complete. */
export interface OpenAIResponsesSummaryPartEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type: "response.reasoning_summary_part.added" | "response.reasoning_summary_part.done";
  /** The reasoning item's id. */
  item_id: string;
  /** The reasoning item's position. */
  output_index: number;
  /** The summary part's position. */
  summary_index: number;
  /** The part. */
  part: OpenAIResponsesReasoningText;
}

/** A piece of a reasoning summary, or all of one summary part. */
export interface OpenAIResponsesSummaryTextEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type: "response.reasoning_summary_text.delta" | "response.reasoning_summary_text.done";
  /** The reasoning item's id. */
  item_id: string;
  /** The reasoning item's position. */
  output_index: number;
  /** The summary part's position. */
  summary_index: number;
  /** The new text (`.delta`). */
  delta?: string;
  /** The whole text (`.done`). */
  text?: string;
}

/** A piece of raw reasoning text, or all of one part (Open Responses servers). */
export interface OpenAIResponsesReasoningTextEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type: "response.reasoning_text.delta" | "response.reasoning_text.done";
  /** The reasoning item's id. */
  item_id: string;
  /** The reasoning item's position. */
  output_index: number;
  /** The content part's position. */
  content_index: number;
  /** The new text (`.delta`). */
  delta?: string;
  /** The whole text (`.done`). */
  text?: string;
}

/** Progress of a built-in tool call (`response.web_search_call.searching`, …). */
export interface OpenAIResponsesToolProgressEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type:
    | "response.web_search_call.in_progress"
    | "response.web_search_call.searching"
    | "response.web_search_call.completed"
    | "response.file_search_call.in_progress"
    | "response.file_search_call.searching"
    | "response.file_search_call.completed"
    | "response.code_interpreter_call.in_progress"
    | "response.code_interpreter_call.interpreting"
    | "response.code_interpreter_call.completed"
    | "response.image_generation_call.in_progress"
    | "response.image_generation_call.generating"
    | "response.image_generation_call.completed"
    | "response.mcp_call.in_progress"
    | "response.mcp_call.completed"
    | "response.mcp_call.failed"
    | "response.mcp_list_tools.in_progress"
    | "response.mcp_list_tools.completed"
    | "response.mcp_list_tools.failed";
  /** The call item's id. */
  item_id: string;
  /** The call item's position. */
  output_index: number;
}

/** A piece of the code a code interpreter call runs, or all of it. */
export interface OpenAIResponsesCodeInterpreterCodeEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type: "response.code_interpreter_call_code.delta" | "response.code_interpreter_call_code.done";
  /** The call item's id. */
  item_id: string;
  /** The call item's position. */
  output_index: number;
  /** The new code (`.delta`). */
  delta?: string;
  /** The whole code (`.done`). */
  code?: string;
}

/** A partial image of an image generation call. */
export interface OpenAIResponsesPartialImageEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type: "response.image_generation_call.partial_image";
  /** The call item's id. */
  item_id: string;
  /** The call item's position. */
  output_index: number;
  /** Which partial image this is. */
  partial_image_index: number;
  /** The image, base64. */
  partial_image_b64: string;
}

/** A piece of an MCP call's arguments, or all of them. */
export interface OpenAIResponsesMcpArgumentsEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type: "response.mcp_call_arguments.delta" | "response.mcp_call_arguments.done";
  /** The call item's id. */
  item_id: string;
  /** The call item's position. */
  output_index: number;
  /** The new argument text (`.delta`). */
  delta?: string;
  /** The whole argument text (`.done`). */
  arguments?: string;
}

/** An error the server reported; the stream ends with it. */
export interface OpenAIResponsesErrorEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type: "error";
  /** The error code. */
  code?: string | null;
  /** What went wrong. */
  message?: string;
  /** The request field at fault. */
  param?: string | null;
  /** The error, nested (some servers). */
  error?: { code?: string | null; message?: string; type?: string; [key: string]: unknown };
}

/** An event type sluice does not model (one added later): delivered as it came. */
export interface OpenAIResponsesUnknownEvent extends OpenAIResponsesEventBase {
  /** The event type. */
  type: string;
  /** The event's fields. */
  [key: string]: unknown;
}

/** The event types sluice models, as a closed union discriminated by `type`. */
export type OpenAIResponsesKnownEvent =
  | OpenAIResponsesLifecycleEvent
  | OpenAIResponsesOutputItemEvent
  | OpenAIResponsesContentPartEvent
  | OpenAIResponsesTextDeltaEvent
  | OpenAIResponsesTextDoneEvent
  | OpenAIResponsesAnnotationAddedEvent
  | OpenAIResponsesRefusalEvent
  | OpenAIResponsesFunctionArgumentsEvent
  | OpenAIResponsesCustomToolInputEvent
  | OpenAIResponsesSummaryPartEvent
  | OpenAIResponsesSummaryTextEvent
  | OpenAIResponsesReasoningTextEvent
  | OpenAIResponsesToolProgressEvent
  | OpenAIResponsesCodeInterpreterCodeEvent
  | OpenAIResponsesPartialImageEvent
  | OpenAIResponsesMcpArgumentsEvent
  | OpenAIResponsesErrorEvent;

/**
 * A streamed event of the Responses API: one of the known events, or one of
 * a type added later ({@linkcode OpenAIResponsesUnknownEvent}), delivered as
 * it came. Because the catch-all's `type` is any string, comparing `type`
 * does not narrow to a known event's fields: use
 * `isResponsesEvent` for that.
 */
export type OpenAIResponsesStreamEvent = OpenAIResponsesKnownEvent | OpenAIResponsesUnknownEvent;

/** The known event of a `type` (an event that covers several types, narrowed to this one). */
export type OpenAIResponsesEventOf<Type extends OpenAIResponsesKnownEvent["type"]> =
  OpenAIResponsesKnownEvent extends infer Event
    ? Event extends { type: infer Types } ? Type extends Types ? Event & { type: Type } : never
    : never
    : never;

// --- the result ----------------------------------------------------------------------

/** The token counts of a Responses stream's result, with the usage object as sent. */
export interface OpenAIResponsesResultUsage extends Usage {
  /** The usage object of the terminal event as sent; absent when none came. */
  raw?: OpenAIResponsesUsage | undefined;
}

/** The assembled result of a Responses stream. */
export interface OpenAIResponsesResult extends StreamResult {
  /** The response id (`resp_…`), for `previous_response_id`. */
  id: string | undefined;
  /** The model that answered. */
  model: string | undefined;
  /**
   * The output items in order: messages (text with annotations, refusals),
   * reasoning items (summaries, `encrypted_content`), function calls and
   * built-in tool items as received. Pass them back as `input` items to
   * continue the conversation without `previous_response_id`.
   */
  output: OpenAIResponsesOutputItem[];
  /** The refusal text, when the model refused ("" otherwise). */
  refusal: string;
  /** The response's status (`completed`, `incomplete`, `failed`, or `in_progress` when cut). */
  status: string | undefined;
  /**
   * The shared counts (`input_tokens` → `inputTokens`, cached and reasoning
   * tokens too); `raw`, the usage object of the terminal event as sent.
   */
  usage: OpenAIResponsesResultUsage;
  /**
   * The raw usage object of the terminal event.
   *
   * @deprecated Use `usage.raw`, where every provider's result keeps it.
   */
  rawUsage: OpenAIResponsesUsage | undefined;
  /** The response object of the terminal event (of the last lifecycle event before it). */
  response: OpenAIResponsesResponse | undefined;
  /** The last event received. */
  lastChunk: OpenAIResponsesStreamEvent | undefined;
  /** True once a terminal event arrived. */
  done: boolean;
}
