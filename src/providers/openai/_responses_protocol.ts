import { ProviderError } from "../../errors/provider_error.ts";
import { IncompleteStreamError } from "../../errors/incomplete_stream_error.ts";
import { snippet } from "../../errors/_snippet.ts";
import type {
  PartSink,
  ProtocolReader,
  StreamProtocol,
} from "../../response_stream/stream_protocol.ts";
import type { ServerSentEvent } from "../../streams/server_sent_event.ts";
import type { ServerSentEventMessage } from "../../streams/format_server_sent_event.ts";
import { generatedCallId, parseArguments } from "../../shared/_tool_arguments.ts";
import { usageOf } from "../../shared/_usage.ts";
import type {
  ContentPart,
  FinishReason,
  StreamResult,
  ToolCallPart,
  Usage,
} from "../../shared/types.ts";
import type {
  OpenAIResponsesOutputItem,
  OpenAIResponsesResponse,
  OpenAIResponsesResult,
  OpenAIResponsesStreamEvent,
  OpenAIResponsesUsage,
} from "./responses_types.ts";
import { isRecord } from "../../shared/_is_record.ts";

type Json = Record<string, unknown>;

function isIndex(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

const str = (value: unknown): string | undefined => typeof value === "string" ? value : undefined;

/** How far past the parts received an index may point (a server numbers them in order). */
const MAX_GAP = 1024;

/**
 * `index` as a place in `list`, which grows to it. An index far past the
 * parts received would make an array that long (1e9: out of memory): it is a
 * `SyntaxError`, which the stream reports as a `ParseError`.
 */
function slot(list: readonly unknown[], index: number, what: string): number {
  if (index > list.length + MAX_GAP) {
    throw new SyntaxError(`The ${what} ${index} is far past the ${list.length} received`);
  }
  return index;
}

/** Put between two summary (or reasoning) parts in the reasoning text. */
const PART_SEPARATOR = "\n\n";

/**
 * Events that carry nothing a part must hand on: the progress of a built-in
 * tool call (only `item_id` and `output_index`). The pieces of a built-in
 * call's code or arguments give no part either: they are kept in its item,
 * which carries them whole and goes out as a `raw` part at
 * `response.output_item.done`. Any other event the reader does not model is
 * a `raw` part.
 */
const WITHOUT_CONTENT = new Set([
  "response.web_search_call.in_progress",
  "response.web_search_call.searching",
  "response.web_search_call.completed",
  "response.file_search_call.in_progress",
  "response.file_search_call.searching",
  "response.file_search_call.completed",
  "response.code_interpreter_call.in_progress",
  "response.code_interpreter_call.interpreting",
  "response.code_interpreter_call.completed",
  "response.image_generation_call.in_progress",
  "response.image_generation_call.generating",
  "response.image_generation_call.completed",
  "response.mcp_call.in_progress",
  "response.mcp_call.completed",
  "response.mcp_call.failed",
  "response.mcp_list_tools.in_progress",
  "response.mcp_list_tools.completed",
  "response.mcp_list_tools.failed",
]);

/** One output item being assembled. */
interface ItemState {
  /** A copy of the item as added, updated by the events (replaced by the `.done` item). */
  item: Json;
  /** The `.done` item arrived. */
  done: boolean;
  /** A client tool call: `function_call`, or a `custom_tool_call` of a tool the request offered. */
  call: boolean;
  /** The id the call's parts carry ("" until the start went out). */
  partId: string;
  /** The call's argument text (input text of a custom tool). */
  args: string;
  /** The `tool-call` part went out. */
  completed: boolean;
}

/** Message text as a part: `output_text` as a `text-delta`, a refusal as a `raw` `refusal-delta`. */
function contentDelta(type: unknown, text: string): ContentPart {
  return type === "output_text"
    ? { type: "text-delta", text }
    : { type: "raw", value: { type: "refusal-delta", refusal: text } };
}

/** The unified finish reason of `response.incomplete`'s `incomplete_details.reason`. */
function incompleteReason(raw: string | undefined): FinishReason {
  switch (raw) {
    case "max_output_tokens":
    case "max_tokens":
      return "length";
    case "content_filter":
      return "content-filter";
    default:
      return "other";
  }
}

/** The Responses API's counts in the shared vocabulary. */
export function responsesUsage(raw: OpenAIResponsesUsage): Usage {
  return usageOf(
    raw.input_tokens,
    raw.output_tokens,
    raw.input_tokens_details?.cached_tokens,
    raw.output_tokens_details?.reasoning_tokens,
  );
}

/** The `ProviderError` of an `error` event, or of `response.failed`'s `response.error`. */
function errorOf(value: Json, failed: boolean): ProviderError {
  const inner = isRecord(value.error) ? value.error : value;
  const code = str(inner.code) ?? str(inner.type) ??
    (typeof inner.code === "number" ? String(inner.code) : undefined);
  const message = str(inner.message) || `no message: ${snippet(JSON.stringify(value), 200)}`;
  return new ProviderError(
    failed
      ? `The response failed${code ? ` (${code})` : ""}: ${message}`
      : `The server reported ${code ?? "an error"} mid-stream: ${message}`,
    { type: code, body: value },
  );
}

/**
 * Reads the Responses API's typed events: the one place that stream is
 * interpreted. Output items are keyed by `output_index` (and `item_id`), a
 * function call's parts carry its `call_id`, its arguments are joined from
 * the deltas (or taken whole from `.done` or the `.done` item when a server
 * sends no deltas) and parsed once complete; text and summaries that arrive
 * only whole are emitted whole. `sequence_number` must increase by one.
 * Annotations (citations), built-in tool items, partial images and event
 * types added later are handed on as `raw` parts, so nothing received is
 * dropped; a built-in tool's progress events carry nothing and give none.
 */
class ResponsesReader implements ProtocolReader<OpenAIResponsesStreamEvent, OpenAIResponsesResult> {
  done = false;
  #customTools: ReadonlySet<string>;
  #items = new Map<number, ItemState>();
  #byId = new Map<string, ItemState>();
  #response: Json | undefined;
  #usage: OpenAIResponsesUsage | undefined;
  #sequence: number | undefined;
  #last: OpenAIResponsesStreamEvent | undefined;
  /** Reasoning text emitted so far (a new part after some gets a separator). */
  #reasoned = false;
  /** Message parts of a type the reader does not model, already handed on as `raw` parts. */
  #handedOn = new WeakSet<Json>();

  constructor(customTools: ReadonlySet<string>) {
    this.#customTools = customTools;
  }

  push(frame: unknown, emit: PartSink): OpenAIResponsesStreamEvent | undefined {
    const { data, event: name } = frame as ServerSentEvent;
    const event = JSON.parse(data) as Json;
    if (!isRecord(event)) throw new SyntaxError("Event data is not a JSON object");
    const type = str(event.type) ?? name ?? "";
    this.#checkSequence(event.sequence_number, type);
    const chunk = event as unknown as OpenAIResponsesStreamEvent;
    this.#last = chunk;
    switch (type) {
      case "response.created":
      case "response.in_progress":
      case "response.queued":
        this.#setResponse(event.response);
        break;
      case "response.output_item.added":
        this.#added(event, emit);
        break;
      case "response.output_item.done":
        this.#itemDone(event, emit);
        break;
      case "response.content_part.added":
        this.#partAdded(event);
        break;
      case "response.content_part.done":
        this.#partDone(event, emit);
        break;
      case "response.output_text.delta":
        this.#textDelta(event, emit);
        break;
      case "response.output_text.done":
        this.#contentDone(event, "output_text", "text", str(event.text), emit);
        break;
      case "response.output_text.annotation.added":
        this.#annotation(event);
        // No part models a citation: handed on as a `raw` part (a copy: the chunk is the caller's).
        emit({ type: "raw", value: structuredClone(event) });
        break;
      case "response.refusal.delta":
        this.#refusalDelta(event, emit);
        break;
      case "response.refusal.done":
        this.#contentDone(event, "refusal", "refusal", str(event.refusal), emit);
        break;
      case "response.function_call_arguments.delta":
      case "response.custom_tool_call_input.delta":
        this.#argumentsDelta(event, str(event.delta) ?? "", emit);
        break;
      case "response.function_call_arguments.done":
        this.#argumentsDone(event, str(event.arguments), emit);
        break;
      case "response.custom_tool_call_input.done":
        this.#argumentsDone(event, str(event.input), emit);
        break;
      case "response.code_interpreter_call_code.delta":
        this.#builtInInput(event, "code", str(event.delta), false);
        break;
      case "response.code_interpreter_call_code.done":
        this.#builtInInput(event, "code", str(event.code), true);
        break;
      case "response.mcp_call_arguments.delta":
        this.#builtInInput(event, "arguments", str(event.delta), false);
        break;
      case "response.mcp_call_arguments.done":
        this.#builtInInput(event, "arguments", str(event.arguments), true);
        break;
      case "response.reasoning_summary_part.added":
        this.#reasoningPart(event, "summary", event.summary_index, "summary_text");
        break;
      case "response.reasoning_summary_text.delta":
        this.#reasoningDelta(event, "summary", event.summary_index, "summary_text", emit);
        break;
      case "response.reasoning_summary_text.done":
      case "response.reasoning_summary_part.done":
        this.#reasoningDone(event, "summary", event.summary_index, "summary_text", emit);
        break;
      case "response.reasoning_text.delta":
        this.#reasoningDelta(event, "content", event.content_index, "reasoning_text", emit);
        break;
      case "response.reasoning_text.done":
        this.#reasoningDone(event, "content", event.content_index, "reasoning_text", emit);
        break;
      case "response.completed":
        this.#terminal(event, emit);
        break;
      case "response.incomplete":
        this.#terminal(event, emit);
        break;
      case "response.failed":
        this.#setResponse(event.response);
        this.#emitUsage(emit);
        throw errorOf(isRecord(this.#response?.error) ? this.#response.error : event, true);
      case "error":
        throw errorOf(event, false);
      default:
        // A built-in tool's progress: delivered, nothing more. Any other event (a partial
        // image, a type added later) is handed on as a `raw` part, a copy.
        if (!WITHOUT_CONTENT.has(type)) emit({ type: "raw", value: structuredClone(event) });
        break;
    }
    return chunk;
  }

  #checkSequence(value: unknown, type: string): void {
    if (typeof value !== "number") return;
    const last = this.#sequence;
    this.#sequence = value;
    if (last === undefined || value === last + 1) return;
    throw new IncompleteStreamError(
      value > last
        ? `The stream skipped events: '${type}' has sequence_number ${value} after ${last}`
        : `The stream's events are out of order: '${type}' has sequence_number ${value} after ${last}`,
    );
  }

  #setResponse(value: unknown): void {
    if (!isRecord(value)) return;
    this.#response = value;
    if (isRecord(value.usage)) this.#usage = value.usage as unknown as OpenAIResponsesUsage;
  }

  #emitUsage(emit: PartSink): void {
    if (this.#usage) emit({ type: "usage", usage: responsesUsage(this.#usage) });
  }

  #terminal(event: Json, emit: PartSink): void {
    this.#setResponse(event.response);
    // Output items the server ended without their `.done` (or sent only in the response).
    const output = this.#response?.output;
    if (Array.isArray(output)) {
      output.forEach((item, index) => {
        if (!isRecord(item)) return;
        const state = this.#items.get(index);
        if (state === undefined || !state.done) this.#itemDone({ output_index: index, item }, emit);
      });
    }
    for (const state of this.#items.values()) this.#complete(state, emit);
    this.#emitUsage(emit);
    this.done = true;
    if (event.type === "response.completed") {
      emit({ type: "finish", finishReason: "stop", rawFinishReason: "completed" });
      return;
    }
    const details = this.#response?.incomplete_details;
    const reason = isRecord(details) ? str(details.reason) : undefined;
    emit({ type: "finish", finishReason: incompleteReason(reason), rawFinishReason: reason });
  }

  /** The item an event is about: by `output_index`, else by `item_id`. */
  #state(event: Json): ItemState | undefined {
    const index = event.output_index;
    if (isIndex(index)) {
      const state = this.#items.get(index);
      if (state) return state;
    }
    const id = str(event.item_id);
    return id === undefined ? undefined : this.#byId.get(id);
  }

  #isCall(item: Json): boolean {
    return item.type === "function_call" ||
      (item.type === "custom_tool_call" && this.#customTools.has(String(item.name ?? "")));
  }

  #added(event: Json, emit: PartSink): void {
    const index = event.output_index;
    const item = event.item;
    if (!isIndex(index) || !isRecord(item)) return;
    const copy = copyItem(item);
    const state: ItemState = {
      item: copy,
      done: false,
      call: this.#isCall(copy),
      partId: "",
      args: "",
      completed: false,
    };
    this.#items.set(index, state);
    if (typeof copy.id === "string") this.#byId.set(copy.id, state);
    if (state.call) {
      // Arguments a server sends with the item itself come first.
      const given = str(copy.type === "function_call" ? copy.arguments : copy.input) ?? "";
      state.args = given;
      this.#started(state, emit, false);
    } else if (copy.type === "message" && Array.isArray(copy.content)) {
      // Content the item already carries is part of the answer.
      for (const part of copy.content) {
        if (!isRecord(part) || (part.type !== "output_text" && part.type !== "refusal")) continue;
        const text = str(part.type === "output_text" ? part.text : part.refusal);
        if (text) emit(contentDelta(part.type, text));
      }
    } else if (copy.type === "reasoning") {
      for (const key of ["summary", "content"]) {
        const list = copy[key];
        if (!Array.isArray(list)) continue;
        for (const part of list) {
          if (isRecord(part) && str(part.text)) this.#reason(part.text as string, true, emit);
        }
      }
    }
  }

  /** Emits a call's start once its `call_id` is known (or, at completion, with a made-up id). */
  #started(state: ItemState, emit: PartSink, complete: boolean): void {
    if (state.partId !== "") return;
    const callId = str(state.item.call_id) || undefined;
    if (callId === undefined && !complete) return;
    state.partId = callId ?? (str(state.item.id) || generatedCallId());
    emit({ type: "tool-call-start", id: state.partId, name: String(state.item.name ?? "") });
    if (state.args) emit({ type: "tool-call-delta", id: state.partId, argumentsDelta: state.args });
  }

  #argumentsDelta(event: Json, delta: string, emit: PartSink): void {
    const state = this.#state(event);
    if (!state || !delta) return;
    state.args += delta;
    if (!state.call) {
      // A server tool's input (xAI's search tools): kept in the item.
      state.item.input = state.args;
      return;
    }
    if (state.partId !== "") {
      emit({ type: "tool-call-delta", id: state.partId, argumentsDelta: delta });
    }
  }

  #argumentsDone(event: Json, whole: string | undefined, emit: PartSink): void {
    const state = this.#state(event);
    if (!state) return;
    // Some servers send the arguments only here.
    if (state.args === "" && whole) this.#argumentsDelta(event, whole, emit);
    this.#complete(state, emit);
  }

  /**
   * A piece of a built-in call's code or arguments (`whole`: all of it), kept
   * in its item until the `.done` item, which carries it whole.
   */
  #builtInInput(event: Json, key: string, text: string | undefined, whole: boolean): void {
    const state = this.#state(event);
    if (!state || state.done || state.call || text === undefined) return;
    state.item[key] = whole ? text : (str(state.item[key]) ?? "") + text;
  }

  /** Emits a call's `tool-call` part once, its arguments parsed (a custom tool's kept as text). */
  #complete(state: ItemState, emit: PartSink): void {
    if (!state.call || state.completed) return;
    state.completed = true;
    this.#started(state, emit, true);
    const name = String(state.item.name ?? "");
    const part: ToolCallPart = { type: "tool-call", id: state.partId, name, arguments: state.args };
    if (state.item.type === "function_call") {
      const { value, error } = parseArguments(state.args, name);
      part.arguments = value;
      if (error !== undefined) part.parseError = error;
    }
    emit(part);
  }

  #itemDone(event: Json, emit: PartSink): void {
    const index = event.output_index;
    const item = event.item;
    if (!isIndex(index) || !isRecord(item)) return;
    let state = this.#items.get(index);
    if (state === undefined) {
      // An item that was never added: read as added, then done.
      this.#added({ output_index: index, item: { ...item, content: [], summary: [] } }, emit);
      state = this.#items.get(index)!;
      if (item.type === "function_call") state.item.arguments = "";
      if (item.type === "custom_tool_call") state.item.input = "";
      state.args = "";
    }
    if (state.done) return;
    const before = state.item;
    const whole = copyItem(item);
    if (state.call) {
      if (typeof whole.call_id === "string" && !before.call_id) before.call_id = whole.call_id;
      if (typeof whole.name === "string" && !before.name) before.name = whole.name;
      const text = str(whole.type === "function_call" ? whole.arguments : whole.input);
      if (state.args === "" && text) {
        state.args = text;
        if (state.partId !== "") {
          emit({ type: "tool-call-delta", id: state.partId, argumentsDelta: text });
        }
      }
      this.#started(state, emit, false);
      this.#complete(state, emit);
      // The arguments as the parts carried them.
      if (whole.type === "function_call") whole.arguments = state.args;
      else whole.input = state.args;
    } else if (whole.type === "message") {
      this.#catchUpContent(before, whole, emit);
    } else if (whole.type === "reasoning") {
      this.#catchUpReasoning(before, whole, "summary", emit);
      this.#catchUpReasoning(before, whole, "content", emit);
    } else {
      // A built-in tool item (or a type added later): kept as received.
      emit({ type: "raw", value: copyItem(whole) });
    }
    state.item = whole;
    state.done = true;
    if (typeof whole.id === "string") this.#byId.set(whole.id, state);
  }

  /** Emits what of a done message's parts never went out (the rest is already out). */
  #catchUpContent(before: Json, whole: Json, emit: PartSink): void {
    const parts = Array.isArray(whole.content) ? whole.content : [];
    const seen = Array.isArray(before.content) ? before.content : [];
    parts.forEach((part, i) => {
      if (!isRecord(part)) return;
      const had = seen[i];
      if (part.type !== "output_text" && part.type !== "refusal") {
        // A type added later: a `raw` part (a copy), unless its `content_part.done` gave one.
        if (!isRecord(had) || !this.#handedOn.has(had)) {
          emit({ type: "raw", value: structuredClone(part) });
        }
        this.#handedOn.add(part);
        return;
      }
      const key = part.type === "output_text" ? "text" : "refusal";
      const streamed = isRecord(had) ? str(had[key]) ?? "" : "";
      const text = str(part[key]) ?? "";
      if (streamed === "" && text) emit(contentDelta(part.type, text));
      else if (streamed !== text) part[key] = streamed; // The text as the parts carried it.
    });
  }

  #catchUpReasoning(before: Json, whole: Json, key: "summary" | "content", emit: PartSink): void {
    const parts = Array.isArray(whole[key]) ? whole[key] as unknown[] : [];
    const seen = Array.isArray(before[key]) ? before[key] as unknown[] : [];
    parts.forEach((part, i) => {
      if (!isRecord(part)) return;
      const had = seen[i];
      const streamed = isRecord(had) ? str(had.text) ?? "" : "";
      const text = str(part.text) ?? "";
      if (streamed === "" && text) this.#reason(text, true, emit);
      else if (streamed !== text) part.text = streamed;
    });
  }

  /** Emits reasoning text; the first text of a new part after earlier reasoning gets a separator. */
  #reason(text: string, newPart: boolean, emit: PartSink): void {
    if (newPart && this.#reasoned) text = PART_SEPARATOR + text;
    this.#reasoned = true;
    emit({ type: "reasoning-delta", text });
  }

  #content(event: Json): { parts: unknown[]; index: number } | undefined {
    const state = this.#state(event);
    const index = event.content_index;
    if (!state || !isIndex(index)) return undefined;
    const item = state.item;
    const parts = Array.isArray(item.content) ? item.content : (item.content = []);
    return { parts, index: slot(parts, index, "content_index") };
  }

  #partAdded(event: Json): void {
    const found = this.#content(event);
    if (!found || !isRecord(event.part)) return;
    // A part the item already brought (its text is out) stays as it is.
    if (isRecord(found.parts[found.index])) return;
    const part = copyPart(event.part);
    // Text a server put in the added part streams again in deltas: start empty.
    if (part.type === "output_text" || part.type === "reasoning_text") part.text = "";
    if (part.type === "refusal") part.refusal = "";
    found.parts[found.index] = part;
  }

  #partDone(event: Json, emit: PartSink): void {
    const part = event.part;
    if (!isRecord(part)) return;
    if (part.type === "output_text") {
      this.#contentDone(event, "output_text", "text", str(part.text), emit);
    } else if (part.type === "refusal") {
      this.#contentDone(event, "refusal", "refusal", str(part.refusal), emit);
    } else if (this.#state(event)?.item.type === "message") {
      // A type added later: kept whole, handed on once as a `raw` part (a copy).
      const found = this.#content(event);
      const had = found?.parts[found.index];
      if (!found || (isRecord(had) && this.#handedOn.has(had))) return;
      const copy = copyPart(part);
      found.parts[found.index] = copy;
      this.#handedOn.add(copy);
      emit({ type: "raw", value: structuredClone(part) });
    }
  }

  /** The part at the event's `content_index`, created as `type` when missing. */
  #part(event: Json, type: string, key: string): Json | undefined {
    const found = this.#content(event);
    if (!found) return undefined;
    let part = found.parts[found.index];
    if (!isRecord(part)) {
      part = type === "output_text" ? { type, [key]: "", annotations: [] } : { type, [key]: "" };
      found.parts[found.index] = part;
    }
    return part as Json;
  }

  #textDelta(event: Json, emit: PartSink): void {
    const delta = str(event.delta);
    const part = this.#part(event, "output_text", "text");
    if (!part || delta === undefined) return;
    part.text = (str(part.text) ?? "") + delta;
    if (Array.isArray(event.logprobs) && event.logprobs.length > 0) {
      // Open Responses servers send per-token logprobs inline.
      const list = Array.isArray(part.logprobs) ? part.logprobs : (part.logprobs = []);
      for (const entry of event.logprobs) list.push(entry);
    }
    if (delta) emit({ type: "text-delta", text: delta });
  }

  #refusalDelta(event: Json, emit: PartSink): void {
    const delta = str(event.delta);
    const part = this.#part(event, "refusal", "refusal");
    if (!part || !delta) return;
    part.refusal = (str(part.refusal) ?? "") + delta;
    emit(contentDelta("refusal", delta));
  }

  /** A `.done` with the whole text: emitted only when none of it streamed. */
  #contentDone(
    event: Json,
    type: string,
    key: string,
    whole: string | undefined,
    emit: PartSink,
  ): void {
    const part = this.#part(event, type, key);
    if (!part || !whole || str(part[key])) return;
    part[key] = whole;
    emit(contentDelta(type, whole));
  }

  #annotation(event: Json): void {
    const part = this.#part(event, "output_text", "text");
    if (!part || !isRecord(event.annotation)) return;
    const list = Array.isArray(part.annotations) ? part.annotations : (part.annotations = []);
    const index = event.annotation_index;
    if (isIndex(index)) list[slot(list, index, "annotation_index")] = { ...event.annotation };
    else list.push({ ...event.annotation });
  }

  #reasoningList(event: Json, key: "summary" | "content"): unknown[] | undefined {
    const state = this.#state(event);
    if (!state) return undefined;
    const item = state.item;
    return Array.isArray(item[key]) ? item[key] as unknown[] : (item[key] = []) as unknown[];
  }

  #reasoningPart(event: Json, key: "summary" | "content", index: unknown, type: string): void {
    const list = this.#reasoningList(event, key);
    if (!list || !isIndex(index)) return;
    if (!isRecord(list[slot(list, index, `${key}_index`)])) list[index] = { type, text: "" };
  }

  #reasoningDelta(
    event: Json,
    key: "summary" | "content",
    index: unknown,
    type: string,
    emit: PartSink,
  ): void {
    const list = this.#reasoningList(event, key);
    const delta = str(event.delta);
    if (!list || !isIndex(index) || !delta) return;
    this.#reasoningPart(event, key, index, type);
    const part = list[index] as Json;
    const fresh = !str(part.text);
    part.text = (str(part.text) ?? "") + delta;
    this.#reason(delta, fresh, emit);
  }

  #reasoningDone(
    event: Json,
    key: "summary" | "content",
    index: unknown,
    type: string,
    emit: PartSink,
  ): void {
    const list = this.#reasoningList(event, key);
    const whole = str(event.text) ?? (isRecord(event.part) ? str(event.part.text) : undefined);
    if (!list || !isIndex(index) || !whole) return;
    this.#reasoningPart(event, key, index, type);
    const part = list[index] as Json;
    if (str(part.text)) return;
    part.text = whole;
    this.#reason(whole, true, emit);
  }

  finish(): void {
    if (!this.done) {
      throw new IncompleteStreamError(
        "The stream ended before its terminal event (response.completed or response.incomplete)",
      );
    }
  }

  result(base: StreamResult): OpenAIResponsesResult {
    const indexes = [...this.#items.keys()].sort((a, b) => a - b);
    const output: OpenAIResponsesOutputItem[] = [];
    let refusal = "";
    for (const index of indexes) {
      const state = this.#items.get(index)!;
      const item = copyItem(state.item);
      if (state.call && !state.done) {
        if (item.type === "function_call") item.arguments = state.args;
        else item.input = state.args;
      }
      if (item.type === "message" && Array.isArray(item.content)) {
        for (const part of item.content) {
          if (isRecord(part) && part.type === "refusal") refusal += str(part.refusal) ?? "";
        }
      }
      output.push(item as unknown as OpenAIResponsesOutputItem);
    }
    const response = this.#response;
    const usage = this.#usage;
    return {
      ...base,
      usage: usage === undefined ? base.usage : { ...base.usage, raw: { ...usage } },
      id: str(response?.id),
      model: str(response?.model),
      output,
      refusal,
      status: str(response?.status),
      rawUsage: this.#usage ? { ...this.#usage } : undefined,
      response: response === undefined
        ? undefined
        : { ...response, output: output.slice() } as OpenAIResponsesResponse,
      lastChunk: this.#last,
      done: this.done,
    };
  }
}

/** A copy of an item deep enough that assembling it never changes what the server sent. */
function copyItem(item: Json): Json {
  const copy: Json = { ...item };
  for (const key of ["content", "summary"]) {
    const list = copy[key];
    if (Array.isArray(list)) copy[key] = list.map((part) => isRecord(part) ? copyPart(part) : part);
  }
  return copy;
}

function copyPart(part: Json): Json {
  const copy = { ...part };
  if (Array.isArray(copy.annotations)) copy.annotations = [...copy.annotations];
  if (Array.isArray(copy.logprobs)) copy.logprobs = [...copy.logprobs];
  return copy;
}

/**
 * The Responses API's stream: SSE events named after their `type`, no
 * `[DONE]`; handed on the same way. `customTools` are the names of the
 * request's custom tools: a `custom_tool_call` of one of them is a tool call,
 * any other (xAI's server-side tools) is kept as a built-in item.
 */
export function responsesProtocol(
  customTools: ReadonlySet<string> = new Set(),
): StreamProtocol<OpenAIResponsesStreamEvent, OpenAIResponsesResult> {
  return {
    framing: "sse",
    name: "openai.responses",
    createReader: () => new ResponsesReader(customTools),
    toServerSentEvent: (chunk): ServerSentEventMessage => ({
      event: chunk.type,
      data: JSON.stringify(chunk),
    }),
  };
}
