import {
  DEFAULT_FIRST_TOKEN_TIMEOUT,
  DEFAULT_IDLE_TIMEOUT,
  DEFAULT_MAX_RETRIES,
  DEFAULT_RETRY_DELAY,
  DEFAULT_TIMEOUT,
  type RequestOptions,
} from "./request_options.ts";
import type { Tracer } from "../shared/tracing.ts";

/** Request options with every default applied. */
export interface ResolvedOptions {
  signal: AbortSignal | undefined;
  timeout: number | false;
  idleTimeout: number | false;
  totalTimeout: number | false;
  firstTokenTimeout: number | false;
  maxRetries: number;
  retryDelay: number;
  fetch: typeof fetch;
  headers: Headers;
  tracer: Tracer | undefined;
  traceContent: boolean;
}

function checkTimeout(name: string, value: number | false): number | false {
  if (value !== false && !(value > 0 && value <= 2_147_483_647)) {
    throw new RangeError(
      `${name} must be a positive number of milliseconds or false: received ${value}`,
    );
  }
  return value;
}

/**
 * Merges a client's options with a call's (the call wins; headers are merged)
 * and applies the defaults, in one place.
 */
export function resolveOptions(
  client: RequestOptions,
  call: RequestOptions = {},
  baseHeaders: HeadersInit = {},
): ResolvedOptions {
  const headers = new Headers(baseHeaders);
  for (const source of [client.headers, call.headers]) {
    if (source) new Headers(source).forEach((value, key) => headers.set(key, value));
  }
  const maxRetries = call.maxRetries ?? client.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new RangeError(`maxRetries must be a non-negative integer: received ${maxRetries}`);
  }
  const retryDelay = call.retryDelay ?? client.retryDelay ?? DEFAULT_RETRY_DELAY;
  if (!(retryDelay >= 0)) {
    throw new RangeError(`retryDelay must be a non-negative number: received ${retryDelay}`);
  }
  const fetchFn = call.fetch ?? client.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== "function") throw new TypeError("No fetch function is available");
  return {
    signal: call.signal && client.signal
      ? AbortSignal.any([client.signal, call.signal])
      : call.signal ?? client.signal,
    timeout: checkTimeout("timeout", call.timeout ?? client.timeout ?? DEFAULT_TIMEOUT),
    idleTimeout: checkTimeout(
      "idleTimeout",
      call.idleTimeout ?? client.idleTimeout ?? DEFAULT_IDLE_TIMEOUT,
    ),
    totalTimeout: checkTimeout("totalTimeout", call.totalTimeout ?? client.totalTimeout ?? false),
    firstTokenTimeout: checkTimeout(
      "firstTokenTimeout",
      call.firstTokenTimeout ?? client.firstTokenTimeout ?? DEFAULT_FIRST_TOKEN_TIMEOUT,
    ),
    maxRetries,
    retryDelay,
    fetch: fetchFn,
    headers,
    tracer: call.tracer ?? client.tracer,
    traceContent: call.traceContent ?? client.traceContent ?? false,
  };
}
