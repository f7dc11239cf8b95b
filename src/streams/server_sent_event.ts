/**
 * One event of a Server-Sent Events stream, as dispatched under the WHATWG
 * "event stream interpretation" rules.
 */
export interface ServerSentEvent {
  /** The event type: the last `event` field, or `"message"` when there was none. */
  event: string;
  /** The `data` lines of the event, joined with LF. */
  data: string;
  /** The last event ID: the most recent `id` field of the stream ("" if none). */
  id: string;
}
