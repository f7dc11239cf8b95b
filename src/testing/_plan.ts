import { SENTENCES, sentences, splitPieces, splitWords, THOUGHTS } from "./_corpus.ts";
import { hash32, Random } from "./_random.ts";
import { type JsonSchema, valueFromSchema } from "./_schema_value.ts";

/** One turn of a conversation, reduced to text. */
export interface Turn {
  role: string;
  text: string;
}

/** A tool the client offered. */
export interface OfferedTool {
  name: string;
  parameters: JsonSchema;
}

/** What every provider's request comes down to. */
export interface Conversation {
  /** The model, without a fault suffix. */
  model: string;
  /** The conversation (system prompt included) as text; it seeds the reply. */
  turns: Turn[];
  /** The text of the tool result the last turn answers with, if it does. */
  toolResult: string | undefined;
  /** The tools offered, in order. */
  tools: OfferedTool[];
  /** `auto` calls the first tool unless the last turn is a tool result; `required` always does. */
  toolChoice: "auto" | "none" | "required" | { name: string };
  /** Whether reasoning was asked for. */
  thinking: boolean;
  /** Structured output: a JSON document (matching `schema` when given). */
  json: { schema: JsonSchema | undefined } | undefined;
  /** The output cap in tokens, if any. */
  maxTokens: number | undefined;
  /** Which of `n` choices this is (0 for the first). */
  variant: number;
}

/** The tool call a reply makes. */
export interface PlannedToolCall {
  name: string;
  /** The arguments as a value (complete calls only). */
  arguments: unknown;
  /** The arguments as JSON text, possibly cut short by the token cap. */
  json: string;
  /** `json` in streaming pieces. */
  pieces: string[];
  /** False when the token cap cut the arguments short. */
  complete: boolean;
}

/** A deterministic reply: what a model would say to the conversation, in tokens. */
export interface Plan {
  /** The reply's seed. */
  seed: number;
  /** Draws ids and other decorations (not content). */
  random: Random;
  /** Reasoning tokens. */
  thinking: string[];
  /** Answer tokens (JSON pieces for structured output). */
  text: string[];
  /** The tool call, if any. */
  toolCall: PlannedToolCall | undefined;
  /** Whether the token cap cut the reply short. */
  truncated: boolean;
  /** Prompt tokens. */
  inputTokens: number;
  /** Generated tokens (reasoning included). */
  outputTokens: number;
}

/** What a `reply` function gets. */
export interface ReplyInput {
  path: string;
  model: string;
  body: unknown;
  prompt: string;
}

function chooseTool(c: Conversation): { tool: OfferedTool; forced: boolean } | undefined {
  const first = c.tools[0];
  if (first === undefined || c.toolChoice === "none") return undefined;
  if (typeof c.toolChoice === "object") {
    const name = c.toolChoice.name;
    return { tool: c.tools.find((t) => t.name === name) ?? first, forced: true };
  }
  if (c.toolChoice === "required") return { tool: first, forced: true };
  return c.toolResult === undefined ? { tool: first, forced: false } : undefined;
}

/**
 * Plans the reply to a conversation: the same conversation always gives the
 * same reply, whichever provider format it arrived in and whether it streams.
 */
export function planReply(
  c: Conversation,
  reply: string | ((input: ReplyInput) => string) | undefined,
  input: ReplyInput,
  longLine: number | undefined,
): Plan {
  const seed = hash32(`${c.model}\u0000${JSON.stringify(c.turns)}\u0000${c.variant}`);
  const random = new Random(seed);
  const content = new Random(hash32("content", seed));
  // Reasoning has its own generator, so switching it on leaves the answer unchanged.
  const thoughts = new Random(hash32("thinking", seed));
  const thinking = c.thinking ? splitWords(thoughts, sentences(thoughts, THOUGHTS, 2)) : [];
  const chosen = chooseTool(c);
  let text: string[] = [];
  let toolCall: PlannedToolCall | undefined;
  if (chosen !== undefined) {
    const value = valueFromSchema(content, chosen.tool.parameters, {
      allProperties: chosen.forced,
    });
    const json = JSON.stringify(value);
    toolCall = {
      name: chosen.tool.name,
      arguments: value,
      json,
      pieces: splitPieces(content, json, 3, 10),
      complete: true,
    };
  } else {
    let answer: string;
    if (reply !== undefined) answer = typeof reply === "string" ? reply : reply(input);
    else if (c.json !== undefined) {
      const value = c.json.schema === undefined
        ? { answer: sentences(content, SENTENCES, 1) }
        : valueFromSchema(content, c.json.schema, { allProperties: true });
      answer = JSON.stringify(value);
    } else if (c.toolResult !== undefined) {
      const result = c.toolResult.length > 120 ? `${c.toolResult.slice(0, 120)}…` : c.toolResult;
      answer = `According to the tool: ${result}. ${sentences(content, SENTENCES, 1)}`;
    } else answer = sentences(content, SENTENCES, content.int(2, 3));
    text = c.json !== undefined && reply === undefined
      ? splitPieces(content, answer, 2, 6)
      : splitWords(content, answer);
  }
  if (longLine !== undefined) text[0] = (text[0] ?? "") + "x".repeat(longLine);

  let truncated = false;
  const cap = c.maxTokens;
  const units = thinking.length + text.length + (toolCall?.pieces.length ?? 0);
  if (cap !== undefined && cap >= 0 && units > cap) {
    truncated = true;
    let left = cap;
    thinking.splice(left);
    left = Math.max(0, left - thinking.length);
    text.splice(left);
    left = Math.max(0, left - text.length);
    if (toolCall !== undefined) {
      if (left === 0) toolCall = undefined;
      else {
        toolCall.pieces.splice(left);
        toolCall.json = toolCall.pieces.join("");
        toolCall.complete = false;
      }
    }
  }
  const promptChars = c.turns.reduce((sum, t) => sum + t.text.length, 0) +
    c.tools.reduce((sum, t) => sum + JSON.stringify(t).length, 0);
  return {
    seed,
    random,
    thinking,
    text,
    toolCall,
    truncated,
    inputTokens: 8 + Math.ceil(promptChars / 4),
    outputTokens: thinking.length + text.length + (toolCall?.pieces.length ?? 0),
  };
}

/** The text of a content value: a string, or an array of parts with `text`. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const part of content) {
    if (typeof part === "string") text += part;
    else if (typeof part === "object" && part !== null) {
      const p = part as Record<string, unknown>;
      if (typeof p.text === "string") text += p.text;
      else if (p.type === "tool_result") text += textOf(p.content);
      else if (p.type === "tool_use") text += `${String(p.name)}(${JSON.stringify(p.input)})`;
    }
  }
  return text;
}

/** The last user turn's text. */
export function lastPrompt(turns: readonly Turn[]): string {
  for (let i = turns.length - 1; i >= 0; i--) {
    if (turns[i]?.role === "user") return turns[i]!.text;
  }
  return "";
}
