import type { MockRequestRecord, MockRequestState } from "./mock_request_record.ts";
import { recordedHeaders, recordedUrl } from "./_limits.ts";

/** The mutable record behind a {@linkcode MockRequestRecord}. */
export class RequestLog implements MockRequestRecord {
  readonly id: number;
  readonly method: string;
  readonly path: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: unknown;
  readonly model: string | undefined;
  fault: string | undefined = undefined;
  attempt = 1;
  stream = false;
  status: number | undefined = undefined;
  framesSent = 0;
  state: MockRequestState = "pending";
  abortReason: unknown = undefined;
  readonly settled: Promise<MockRequestState>;
  #resolve!: (state: MockRequestState) => void;
  #onAbort: ((record: MockRequestRecord) => void) | undefined;

  constructor(
    init: {
      id: number;
      request: Request;
      url: URL;
      body: unknown;
      model: string | undefined;
      /** Keep credentials verbatim (by default they are `[redacted]`). */
      keepCredentials?: boolean | undefined;
    },
    onAbort: ((record: MockRequestRecord) => void) | undefined,
  ) {
    this.id = init.id;
    this.method = init.request.method;
    this.path = init.url.pathname;
    this.url = init.keepCredentials ? init.url.href : recordedUrl(init.url);
    this.headers = init.keepCredentials
      ? init.request.headers
      : recordedHeaders(init.request.headers);
    this.body = init.body;
    this.model = init.model;
    this.#onAbort = onAbort;
    this.settled = new Promise((resolve) => this.#resolve = resolve);
  }

  get aborted(): boolean {
    return this.state === "aborted";
  }

  /** Whether the response is over, one way or the other. */
  get over(): boolean {
    return this.state === "completed" || this.state === "aborted";
  }

  complete(): void {
    if (this.over) return;
    this.state = "completed";
    this.#resolve("completed");
  }

  abort(reason: unknown): void {
    if (this.over) return;
    this.state = "aborted";
    this.abortReason = reason;
    this.#resolve("aborted");
    this.#onAbort?.(this);
  }
}
