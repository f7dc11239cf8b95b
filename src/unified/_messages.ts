import type { ToolCall } from "../shared/types.ts";
import type { StepEnd } from "./_adapter.ts";
import type {
  AssistantContentPart,
  AssistantMessage,
  ReasoningPart,
  ResponseMessage,
  ToolCallContentPart,
  ToolResult,
} from "./types.ts";

/** A tool call as an assistant message's part (a parse error is not part of the message). */
export function toolCallPart(call: ToolCall): ToolCallContentPart {
  return { type: "tool-call", id: call.id, name: call.name, arguments: call.arguments };
}

/** A step's assistant turn in order: the provider's own, else reasoning, text, tool calls. */
export function stepContent(end: StepEnd): AssistantContentPart[] {
  if (end.content !== undefined) return end.content;
  const content: AssistantContentPart[] = [];
  if (end.reasoning) content.push({ type: "reasoning", text: end.reasoning });
  if (end.text) content.push({ type: "text", text: end.text });
  for (const call of end.toolCalls) content.push(toolCallPart(call));
  return content;
}

/** The messages a step adds: the assistant's turn, then one message per tool result. */
export function stepMessages(
  content: AssistantContentPart[],
  toolResults: readonly ToolResult[],
): ResponseMessage[] {
  const messages: ResponseMessage[] = [{ role: "assistant", content }];
  for (const result of toolResults) {
    const message: ResponseMessage = {
      role: "tool",
      id: result.id,
      name: result.name,
      result: result.result,
    };
    if (result.isError) message.isError = true;
    messages.push(message);
  }
  return messages;
}

/**
 * An assistant message's parts in order, whichever way it was written: the
 * `reasoning` field first, then the content (a string is one text part), then
 * the `toolCalls` field.
 */
export function assistantParts(message: AssistantMessage): AssistantContentPart[] {
  const parts: AssistantContentPart[] = [...(message.reasoning ?? [])];
  const content = message.content;
  if (typeof content === "string") {
    if (content) parts.push({ type: "text", text: content });
  } else if (Array.isArray(content)) {
    parts.push(...content);
  } else {
    throw new TypeError(
      `An assistant message's content must be a string or a list of parts: received ${
        String(content)
      }`,
    );
  }
  for (const call of message.toolCalls ?? []) parts.push(toolCallPart(call));
  return parts;
}

/** The tool calls among an assistant message's parts. */
export function toolCallsOf(parts: readonly AssistantContentPart[]): ToolCallContentPart[] {
  return parts.filter((part): part is ToolCallContentPart => part.type === "tool-call");
}

/** The reasoning among an assistant message's parts. */
export function reasoningOf(parts: readonly AssistantContentPart[]): ReasoningPart[] {
  return parts.filter((part): part is ReasoningPart => part.type === "reasoning");
}

/** A string field of one provider's metadata on a part. */
export function metadataString(
  part: { providerMetadata?: Record<string, Record<string, unknown>> | undefined },
  provider: string,
  key: string,
): string | undefined {
  const value = part.providerMetadata?.[provider]?.[key];
  return typeof value === "string" ? value : undefined;
}
