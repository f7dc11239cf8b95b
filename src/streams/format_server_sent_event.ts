/** One event to write to a Server-Sent Events stream. Every field is optional. */
export interface ServerSentEventMessage {
  /** A comment line (ignored by clients; useful as a keep-alive). */
  comment?: string;
  /** The event type. Must not contain a line break. */
  event?: string;
  /** The data. LF, CR and CRLF in it become several `data:` lines. */
  data?: string;
  /** The event ID. Must not contain a line break or NULL. */
  id?: string;
  /** The reconnection time to announce, in milliseconds (a non-negative integer). */
  retry?: number;
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Formats one Server-Sent Event as text, ending with the blank line that
 * dispatches it. Data containing LF, CR or CRLF is split into several `data:`
 * lines, so a conforming decoder gives back exactly the same data.
 *
 * @example
 * ```ts
 * import { formatServerSentEvent } from "@sluice/sluice/streams";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   formatServerSentEvent({ event: "delta", data: "a\nb" }),
 *   "event: delta\ndata: a\ndata: b\n\n",
 * );
 * ```
 *
 * @throws {TypeError} An `event` or `id` containing a line break (or NULL in `id`).
 * @throws {RangeError} A `retry` that is not a non-negative integer.
 */
export function formatServerSentEvent(message: ServerSentEventMessage): string {
  let text = "";
  if (message.comment !== undefined) {
    for (const line of message.comment.split(LINE_BREAK)) text += `: ${line}\n`;
  }
  if (message.event !== undefined) {
    if (LINE_BREAK.test(message.event)) {
      throw new TypeError(
        `SSE event type must not contain a line break: ${JSON.stringify(message.event)}`,
      );
    }
    text += `event: ${message.event}\n`;
  }
  if (message.id !== undefined) {
    if (LINE_BREAK.test(message.id) || message.id.includes("\0")) {
      throw new TypeError(
        `SSE id must not contain a line break or NULL: ${JSON.stringify(message.id)}`,
      );
    }
    text += `id: ${message.id}\n`;
  }
  if (message.retry !== undefined) {
    if (!Number.isInteger(message.retry) || message.retry < 0) {
      throw new RangeError(`SSE retry must be a non-negative integer: received ${message.retry}`);
    }
    text += `retry: ${message.retry}\n`;
  }
  if (message.data !== undefined) {
    for (const line of message.data.split(LINE_BREAK)) text += `data: ${line}\n`;
  }
  return text + "\n";
}
