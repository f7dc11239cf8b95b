/**
 * The check that a stream's normalized parts (`stream.parts`) and its provider
 * result say the same thing: the result is assembled from exactly those
 * parts, so the concatenated text and reasoning deltas, the `tool-call`
 * parts, the last `finish` part and the last `usage` part must each match the
 * result's field. Web APIs only (no `Deno.*`, no `node:`), so any test — the
 * conformance suite included — can use it.
 *
 * @module
 */

import type { ContentPart, StreamResult, Usage } from "../src/shared/types.ts";

/** The parts a stream produced, and the error that ended it early (if one did). */
export interface CollectedParts {
  /** Every part, in order. */
  parts: ContentPart[];
  /** The error `stream.parts` rejected with; `undefined` when it ended normally. */
  error: unknown;
}

/** Reads `stream.parts` to its end, or to its error (returned, not thrown). */
export async function collectParts(
  stream: { readonly parts: ReadableStream<ContentPart> },
): Promise<CollectedParts> {
  const reader = stream.parts.getReader();
  const parts: ContentPart[] = [];
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return { parts, error: undefined };
      parts.push(value);
    }
  } catch (error) {
    return { parts, error };
  } finally {
    reader.releaseLock();
  }
}

/** The shared fields of a result, or what the parts say about them. */
export interface PartsView {
  text: string;
  reasoning: string;
  toolCalls: { id: string; name: string; arguments: unknown; parseError?: string }[];
  finish: { finishReason: string | undefined; rawFinishReason: string | undefined } | undefined;
  usage: Usage;
}

const USAGE_KEYS = [
  "inputTokens",
  "outputTokens",
  "totalTokens",
  "cachedInputTokens",
  "reasoningTokens",
] as const;

/** The shared counts of a usage object (a provider's may add its own fields). */
function sharedUsage(usage: Usage | undefined): Usage {
  const shared: Usage = {};
  for (const key of USAGE_KEYS) {
    const value = usage?.[key];
    if (value !== undefined) shared[key] = value;
  }
  return shared;
}

/** What a list of parts adds up to. */
export function viewOfParts(parts: readonly ContentPart[]): PartsView {
  const view: PartsView = {
    text: "",
    reasoning: "",
    toolCalls: [],
    finish: undefined,
    usage: {},
  };
  for (const part of parts) {
    switch (part.type) {
      case "text-delta":
        view.text += part.text;
        break;
      case "reasoning-delta":
        view.reasoning += part.text;
        break;
      case "tool-call": {
        const call: PartsView["toolCalls"][number] = {
          id: part.id,
          name: part.name,
          arguments: part.arguments,
        };
        if (part.parseError !== undefined) call.parseError = part.parseError;
        view.toolCalls.push(call);
        break;
      }
      case "finish":
        view.finish = { finishReason: part.finishReason, rawFinishReason: part.rawFinishReason };
        break;
      case "usage":
        view.usage = sharedUsage(part.usage);
        break;
    }
  }
  return view;
}

/** The shared fields of a result, in the shape of {@linkcode viewOfParts}. */
export function viewOfResult(result: StreamResult): PartsView {
  return {
    text: result.text,
    reasoning: result.reasoning,
    toolCalls: result.toolCalls.map((call) => {
      const view: PartsView["toolCalls"][number] = {
        id: call.id,
        name: call.name,
        arguments: call.arguments,
      };
      if (call.parseError !== undefined) view.parseError = call.parseError;
      return view;
    }),
    finish: result.finishReason === undefined && result.rawFinishReason === undefined
      ? undefined
      : { finishReason: result.finishReason, rawFinishReason: result.rawFinishReason },
    usage: sharedUsage(result.usage),
  };
}

/** JSON with the keys of every object sorted, for a comparison that ignores key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner) => {
    if (typeof inner !== "object" || inner === null || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) sorted[key] = inner[key];
    return sorted;
  }) ?? "undefined";
}

function fail(label: string, what: string, actual: unknown, expected: unknown): never {
  throw new Error(
    `${label}${what}\n  from the parts: ${canonical(actual)}\n  in the result:  ${
      canonical(expected)
    }`,
  );
}

/** Options of {@linkcode assertPartsAgree}. */
export interface AgreeOptions {
  /**
   * The result is a partial one (an error's `partial`, `stream.partial` after
   * a stop): a tool call may have started without its `tool-call` part. Such
   * a call is in the result with its arguments parsed from its deltas so far
   * (the text itself, with a parseError, when that is not JSON yet). Without
   * this, every call started must have completed.
   */
  partial?: boolean;
}

/**
 * Fails unless `parts` agree with `result`: concatenated `text-delta` =
 * `result.text`, `reasoning-delta` = `result.reasoning`, the `tool-call` parts
 * (id, name, arguments, parseError), in order, = `result.toolCalls`, the last
 * `finish` part = `{ finishReason, rawFinishReason }`, the last `usage` part =
 * the shared counts of `result.usage`. It also checks the tool-call parts hang
 * together: every call id is a non-empty string, announced by one
 * `tool-call-start` before its deltas and its `tool-call`, and the deltas of
 * a call whose arguments were parsed are the JSON text of those arguments.
 */
export function assertPartsAgree(
  parts: readonly ContentPart[],
  result: StreamResult,
  label = "",
  options: AgreeOptions = {},
): void {
  const prefix = label ? `${label}: ` : "";
  const fromParts = viewOfParts(parts);
  const fromResult = viewOfResult(result);
  for (const key of ["text", "reasoning", "finish", "usage"] as const) {
    if (canonical(fromParts[key]) !== canonical(fromResult[key])) {
      fail(prefix, `the parts disagree with the result on ${key}`, fromParts[key], fromResult[key]);
    }
  }
  // The completed calls, in the order of their tool-call parts; a partial result may also
  // hold calls that only started.
  const completed = new Set(fromParts.toolCalls.map((call) => call.id));
  const resultCompleted = fromResult.toolCalls.filter((call) => completed.has(call.id));
  if (
    canonical(fromParts.toolCalls) !== canonical(resultCompleted) ||
    (!options.partial && resultCompleted.length !== fromResult.toolCalls.length)
  ) {
    fail(
      prefix,
      "the parts disagree with the result on toolCalls",
      fromParts.toolCalls,
      fromResult.toolCalls,
    );
  }
  const started = new Map<string, string>();
  const deltas = new Map<string, string>();
  for (const part of parts) {
    if (part.type === "tool-call-start") {
      if (typeof part.id !== "string" || part.id === "") {
        fail(prefix, "a tool-call-start without an id", part, "a non-empty string id");
      }
      if (started.has(part.id)) fail(prefix, "a tool call started twice", part, "one start");
      started.set(part.id, part.name);
    } else if (part.type === "tool-call-delta") {
      if (!started.has(part.id)) fail(prefix, "a delta of a call not started", part, "a start");
      deltas.set(part.id, (deltas.get(part.id) ?? "") + part.argumentsDelta);
    } else if (part.type === "tool-call") {
      if (!started.has(part.id)) fail(prefix, "a tool-call never started", part, "a start");
      const text = deltas.get(part.id);
      if (
        text !== undefined && part.parseError === undefined && typeof part.arguments !== "string"
      ) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          fail(prefix, `the deltas of call ${part.id} are not JSON`, text, part.arguments);
        }
        if (canonical(parsed) !== canonical(part.arguments)) {
          fail(
            prefix,
            `the deltas of call ${part.id} are not its arguments`,
            parsed,
            part.arguments,
          );
        }
      }
    }
  }
  // A call of a partial result that never completed: what its parts so far say.
  for (const call of fromResult.toolCalls) {
    if (completed.has(call.id)) continue;
    const name = started.get(call.id);
    if (name === undefined) fail(prefix, `call ${call.id} was never started`, undefined, call);
    const text = deltas.get(call.id) ?? "";
    let expected: PartsView["toolCalls"][number];
    try {
      expected = { id: call.id, name, arguments: text.trim() === "" ? {} : JSON.parse(text) };
    } catch {
      expected = { id: call.id, name, arguments: text };
      // Not JSON: a parse error, or a custom tool's free-text input (never parsed).
      if (call.parseError === undefined && call.arguments !== text) {
        fail(prefix, `call ${call.id} has arguments that are not JSON`, text, call);
      }
      if (call.parseError !== undefined) expected.parseError = call.parseError;
    }
    if (canonical(expected) !== canonical(call)) {
      fail(prefix, `the incomplete call ${call.id} is not its parts so far`, expected, call);
    }
  }
}
