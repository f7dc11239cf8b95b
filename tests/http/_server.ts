/**
 * A local `Deno.serve` for the request-layer tests, with bodies whose
 * cancellation the server observes (the reliable sign of a client disconnect:
 * `request.signal` also fires after a successful response).
 */

const encoder = new TextEncoder();

/** How a scripted body ends after its parts. */
export type BodyEnd = "close" | "stall" | "drop";

/** Options of {@linkcode TestServer.body}. */
export interface BodyOptions {
  /** Milliseconds between two parts (default 2). */
  gap?: number;
  /** What happens after the last part (default `"close"`). */
  end?: BodyEnd;
  /** Parts sent forever, one per `gap`, after `parts` (keep-alives). */
  repeat?: string;
}

/** What the server recorded of a request. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

/** A running test server. */
export interface TestServer extends AsyncDisposable {
  /** The base URL, e.g. `http://127.0.0.1:1234`. */
  readonly url: string;
  /** The requests received, in order. */
  readonly requests: RecordedRequest[];
  /** How many response bodies the client cancelled (disconnects seen). */
  readonly cancels: number;
  /** How many requests were aborted before the handler answered them. */
  readonly abortsBeforeHeaders: number;
  /** Resolves once `count` response bodies have been cancelled by the client. */
  disconnected(count?: number): Promise<void>;
  /** A scripted response body: `parts`, then `end`. */
  body(parts: readonly string[], options?: BodyOptions): ReadableStream<Uint8Array>;
  /** Waits (in a handler) until the client gives up on the request, then returns. */
  untilAborted(request: Request): Promise<Response>;
}

/** Starts a server on a free port; `await using` shuts it down. */
export function serve(
  handler: (request: Request, server: TestServer, index: number) => Response | Promise<Response>,
): TestServer {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const open = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const requests: RecordedRequest[] = [];
  let cancels = 0;
  let abortsBeforeHeaders = 0;

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const id = setTimeout(() => {
        timers.delete(id);
        resolve();
      }, ms);
      timers.add(id);
    });

  const api: TestServer = {
    get url() {
      return `http://127.0.0.1:${server.addr.port}`;
    },
    requests,
    get cancels() {
      return cancels;
    },
    get abortsBeforeHeaders() {
      return abortsBeforeHeaders;
    },
    disconnected(count = 1) {
      if (cancels >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    body(parts, options = {}) {
      const gap = options.gap ?? 2;
      const end = options.end ?? "close";
      let index = 0;
      let live = true;
      let controllerRef: ReadableStreamDefaultController<Uint8Array>;
      let wake = () => {};
      return new ReadableStream<Uint8Array>({
        start(controller) {
          controllerRef = controller;
          open.add(controller);
        },
        async pull(controller) {
          if (index > 0) await delay(gap);
          if (!live) return;
          if (index < parts.length) {
            controller.enqueue(encoder.encode(parts[index++]));
            return;
          }
          if (options.repeat !== undefined) {
            controller.enqueue(encoder.encode(options.repeat));
            return;
          }
          if (end === "close") {
            open.delete(controller);
            controller.close();
          } else if (end === "drop") {
            open.delete(controller);
            controller.error(new Error("Test server drops the connection"));
          } else {
            // Stall: never enqueue again, until the client goes away.
            await new Promise<void>((resolve) => (wake = resolve));
          }
        },
        cancel() {
          live = false;
          wake();
          open.delete(controllerRef);
          cancels++;
          for (const waiter of [...waiters]) {
            if (cancels >= waiter.count) {
              waiters.splice(waiters.indexOf(waiter), 1);
              waiter.resolve();
            }
          }
        },
      }, { highWaterMark: 0 });
    },
    untilAborted(request) {
      return new Promise((resolve) => {
        const done = () => {
          abortsBeforeHeaders++;
          resolve(new Response(null, { status: 499 }));
        };
        if (request.signal.aborted) done();
        else request.signal.addEventListener("abort", done, { once: true });
      });
    },
    async [Symbol.asyncDispose]() {
      for (const controller of open) {
        try {
          controller.close();
        } catch {
          // Already closed.
        }
      }
      for (const id of timers) clearTimeout(id);
      await server.shutdown();
    },
  };

  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (request) => {
    const index = requests.length;
    const { method, url } = request;
    requests.push({ method, url, headers: new Headers(request.headers), body: "" });
    requests[index]!.body = await request.text();
    return handler(request, api, index);
  });
  return api;
}

/** Rejects if `promise` does not settle within `ms` (the timer is always cleared). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let id: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    id = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(id);
  }
}

/** Waits `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A URL on which nothing listens (connection refused). */
export function closedPortUrl(path = "/"): string {
  const listener = Deno.listen({ port: 0, hostname: "127.0.0.1" });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `http://127.0.0.1:${port}${path}`;
}

/** Resolves with what a promise rejects with (fails if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("Expected a rejection");
}
