import type {
  OpenAIResponsesEventOf,
  OpenAIResponsesKnownEvent,
  OpenAIResponsesStreamEvent,
} from "./responses_types.ts";

/**
 * Whether an event is of the given known type, narrowing it to that event's
 * fields.
 *
 * @example Print the text deltas of a stream of events
 * ```ts
 * import { isResponsesEvent, type OpenAIResponsesStreamEvent } from "@sluice/sluice/openai";
 * import assert from "node:assert/strict";
 *
 * const event: OpenAIResponsesStreamEvent = JSON.parse(
 *   '{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi"}',
 * );
 * let text = "";
 * if (isResponsesEvent(event, "response.output_text.delta")) text += event.delta;
 * assert.equal(text, "Hi");
 * ```
 */
export function isResponsesEvent<Type extends OpenAIResponsesKnownEvent["type"]>(
  event: OpenAIResponsesStreamEvent,
  type: Type,
): event is OpenAIResponsesEventOf<Type> {
  return event.type === type;
}
