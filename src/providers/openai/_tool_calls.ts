import type { PartSink } from "../../response_stream/stream_protocol.ts";
import { generatedCallId, parseArguments } from "../../shared/_tool_arguments.ts";
import type { ToolCallPart } from "../../shared/types.ts";
import type { OpenAIToolCall, OpenAIToolCallDelta } from "./types.ts";

/** One call being assembled. */
interface Slot {
  id: string | undefined;
  /** The id its parts carry: the server's, or one made up when it sent none. */
  partId: string;
  /** The `tool-call` part was emitted. */
  completed: boolean;
  type: string;
  name: string;
  args: string;
  /** The argument text the cached parse was made from (`undefined`: none yet). */
  parsedFrom: string | undefined;
  parsed: unknown;
  parseError: string | undefined;
}

function newSlot(type: string): Slot {
  return {
    id: undefined,
    partId: "",
    completed: false,
    type,
    name: "",
    args: "",
    parsedFrom: undefined,
    parsed: undefined,
    parseError: undefined,
  };
}

function appendable(value: unknown): string {
  if (typeof value === "string") return value;
  // A server that sends the arguments as an object rather than a JSON string.
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return "";
}

/**
 * Assembles one choice's tool calls from `delta.tool_calls` fragments. Keyed
 * by `index`, as OpenAI intends, while tolerating compatible servers that omit
 * it (a fragment without index and id continues the last call), repeat it for
 * different calls (a new `id` starts a new call), repeat `id` and `name` on
 * every fragment (matched by `id`; names are assigned, never appended) or send
 * each call whole. Arguments are only concatenated here and parsed in
 * `result()`, once per change, so a partial result is cheap and honest.
 *
 * Given a part sink (choice 0's), it also emits the normalized parts: a
 * `tool-call-start` per new call, a `tool-call-delta` per argument fragment,
 * and the complete `tool-call`s at {@linkcode ToolCallAssembler.complete}.
 */
export class ToolCallAssembler {
  #emit: PartSink | undefined;
  #slots: Slot[] = [];
  #byIndex = new Map<number, Slot>();
  #byId: Map<string, Slot> | undefined;
  #last: Slot | undefined;
  #functionCall: Slot | undefined;

  constructor(emit?: PartSink) {
    this.#emit = emit;
  }

  /** How many calls have started. */
  get size(): number {
    return this.#slots.length;
  }

  /** Adds one `tool_calls[]` fragment. */
  add(fragment: OpenAIToolCallDelta): void {
    const id = fragment.id || undefined;
    const fn = fragment.function;
    const custom = fragment.custom;
    const slot = this.#find(fragment.index, id, fragment.type ?? (custom ? "custom" : "function"));
    if (id !== undefined && slot.id === undefined) {
      slot.id = id;
      (this.#byId ??= new Map()).set(id, slot);
    }
    if (fragment.type) slot.type = fragment.type;
    if (fn && typeof fn.name === "string" && fn.name && !slot.name) slot.name = fn.name;
    if (custom && typeof custom.name === "string" && custom.name && !slot.name) {
      slot.name = custom.name;
    }
    // The start goes out with the call's first fragment, so calls start in the order they came.
    this.#started(slot);
    if (fn && fn.arguments != null) this.#append(slot, appendable(fn.arguments));
    if (custom && custom.input != null) this.#append(slot, appendable(custom.input));
    this.#last = slot;
  }

  #append(slot: Slot, text: string): void {
    if (!text) return;
    slot.args += text;
    if (slot.partId !== "") {
      this.#emit?.({ type: "tool-call-delta", id: slot.partId, argumentsDelta: text });
    }
  }

  /**
   * Emits the start of a call once: at its first fragment that has the
   * server's id, or (a server that sends none) at completion with a made-up
   * one; the argument text so far goes with it.
   */
  #started(slot: Slot, complete = false): void {
    if (slot.partId !== "" || (slot.id === undefined && !complete)) return;
    slot.partId = slot.id ?? generatedCallId();
    const emit = this.#emit;
    if (!emit) return;
    emit({ type: "tool-call-start", id: slot.partId, name: slot.name });
    if (slot.args) emit({ type: "tool-call-delta", id: slot.partId, argumentsDelta: slot.args });
  }

  /** The ids of the parts of custom-tool calls (their input is free text, never JSON). */
  customIds(): Set<string> {
    const ids = new Set<string>();
    for (const slot of this.#slots) if (slot.type === "custom" && slot.partId) ids.add(slot.partId);
    return ids;
  }

  /** The raw argument text of the call whose parts carry `id`. */
  argumentsText(id: string): string | undefined {
    return this.#slots.find((slot) => slot.partId === id)?.args;
  }

  /** Emits a `tool-call` part for every call not yet completed (at the choice's finish). */
  complete(): void {
    const emit = this.#emit;
    if (!emit) return;
    for (const slot of this.#slots) {
      if (slot.completed) continue;
      slot.completed = true;
      this.#started(slot, true);
      const part: ToolCallPart = {
        type: "tool-call",
        id: slot.partId,
        name: slot.name,
        arguments: slot.args,
      };
      if (slot.type !== "custom") {
        const { value, error } = parseArguments(slot.args, slot.name);
        part.arguments = value;
        if (error !== undefined) part.parseError = error;
      }
      emit(part);
    }
  }

  /** Adds a fragment of the deprecated `delta.function_call`. */
  addFunctionCall(fragment: { name?: string; arguments?: string }): void {
    let slot = this.#functionCall;
    if (!slot) {
      slot = this.#functionCall = newSlot("function_call");
      this.#slots.push(slot);
    }
    if (fragment.name && !slot.name) slot.name = fragment.name;
    this.#started(slot);
    if (fragment.arguments != null) this.#append(slot, appendable(fragment.arguments));
  }

  #find(index: number | undefined, id: string | undefined, type: string): Slot {
    if (id !== undefined) {
      const byId = this.#byId?.get(id);
      if (byId) return byId;
    }
    if (typeof index === "number") {
      const slot = this.#byIndex.get(index);
      // The same index with a different id: a server that numbers every call 0.
      if (slot && !(id !== undefined && slot.id !== undefined && slot.id !== id)) return slot;
      return this.#create(index, type);
    }
    if (id === undefined && this.#last) return this.#last;
    return this.#create(undefined, type);
  }

  #create(index: number | undefined, type: string): Slot {
    const slot = newSlot(type);
    this.#slots.push(slot);
    if (index !== undefined) this.#byIndex.set(index, slot);
    return slot;
  }

  /** The calls so far, in order of arrival, their arguments parsed. */
  result(): OpenAIToolCall[] {
    const calls: OpenAIToolCall[] = [];
    for (let i = 0; i < this.#slots.length; i++) {
      const slot = this.#slots[i] as Slot;
      const call: OpenAIToolCall = {
        index: i,
        type: slot.type,
        name: slot.name,
        arguments: undefined,
        argumentsText: slot.args,
      };
      if (slot.id !== undefined) call.id = slot.id;
      if (slot.type === "custom") {
        call.arguments = slot.args;
      } else {
        if (slot.parsedFrom !== slot.args) parse(slot);
        call.arguments = slot.parsed;
        if (slot.parseError !== undefined) call.parseError = slot.parseError;
      }
      calls.push(call);
    }
    return calls;
  }
}

function parse(slot: Slot): void {
  slot.parsedFrom = slot.args;
  const { value, error } = parseArguments(slot.args, slot.name);
  slot.parsed = value;
  slot.parseError = error;
}
