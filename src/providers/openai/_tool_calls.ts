import type { OpenAIToolCall, OpenAIToolCallDelta } from "./types.ts";

/** One call being assembled. */
interface Slot {
  id: string | undefined;
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
 */
export class ToolCallAssembler {
  #slots: Slot[] = [];
  #byIndex = new Map<number, Slot>();
  #byId: Map<string, Slot> | undefined;
  #last: Slot | undefined;
  #functionCall: Slot | undefined;

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
    if (fn) {
      if (fn.name && !slot.name) slot.name = fn.name;
      if (fn.arguments != null) slot.args += appendable(fn.arguments);
    }
    if (custom) {
      if (custom.name && !slot.name) slot.name = custom.name;
      if (custom.input != null) slot.args += appendable(custom.input);
    }
    this.#last = slot;
  }

  /** Adds a fragment of the deprecated `delta.function_call`. */
  addFunctionCall(fragment: { name?: string; arguments?: string }): void {
    let slot = this.#functionCall;
    if (!slot) {
      slot = this.#functionCall = newSlot("function_call");
      this.#slots.push(slot);
    }
    if (fragment.name && !slot.name) slot.name = fragment.name;
    if (fragment.arguments != null) slot.args += appendable(fragment.arguments);
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
  const text = slot.args;
  slot.parsedFrom = text;
  slot.parseError = undefined;
  if (text.trim() === "") {
    slot.parsed = {};
    return;
  }
  try {
    slot.parsed = JSON.parse(text);
  } catch (error) {
    slot.parsed = text;
    slot.parseError = `Invalid JSON in the arguments of tool call '${slot.name}': ${
      error instanceof Error ? error.message : String(error)
    }`;
  }
}
