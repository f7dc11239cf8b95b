/**
 * Helpers for the mock server tests: requests through `server.fetch`, and
 * readers that decode bodies with sluice's own decoders.
 *
 * @module
 */
import type { MockServer } from "../../src/testing/mod.ts";
import { decodeJsonLines } from "../../src/streams/decode_json_lines.ts";
import { decodeServerSentEvents } from "../../src/streams/decode_server_sent_events.ts";
import type { ServerSentEvent } from "../../src/streams/server_sent_event.ts";

/** A fixed clock, so that transcripts are reproducible. */
export const NOW = 1_762_180_925_000;

/** Anthropic's required version header. */
export const ANTHROPIC = { "anthropic-version": "2023-06-01" };

/** POSTs a JSON body through `server.fetch` (no socket). */
export function post(
  server: MockServer,
  path: string,
  body: unknown,
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  const request: RequestInit = {
    method: "POST",
    headers: { "content-type": "application/json", ...init.headers },
    body: JSON.stringify(body),
  };
  if (init.signal !== undefined) request.signal = init.signal;
  return server.fetch(`http://mock${path}`, request);
}

/** The JSON values of an NDJSON body, and the error that ended it, if any. */
export async function readJsonLines(
  response: Response,
  maxLineLength?: number,
): Promise<{ values: Record<string, unknown>[]; error: unknown }> {
  const values: Record<string, unknown>[] = [];
  let error: unknown;
  try {
    const options = maxLineLength === undefined ? {} : { maxLineLength };
    for await (const value of decodeJsonLines(response.body!, options)) {
      values.push(value as Record<string, unknown>);
    }
  } catch (e) {
    error = e;
  }
  return { values, error };
}

/** The events of an SSE body, the comments seen, and the error that ended it, if any. */
export async function readEvents(
  response: Response,
  maxLineLength?: number,
): Promise<{ events: ServerSentEvent[]; comments: string[]; error: unknown }> {
  const events: ServerSentEvent[] = [];
  const comments: string[] = [];
  let error: unknown;
  try {
    const options = {
      onComment: (text: string) => comments.push(text),
      ...(maxLineLength === undefined ? {} : { maxLineLength }),
    };
    for await (const event of decodeServerSentEvents(response.body!, options)) events.push(event);
  } catch (e) {
    error = e;
  }
  return { events, comments, error };
}

/** The JSON data of SSE events, `[DONE]` kept as the string. */
export function dataOf(events: readonly ServerSentEvent[]): unknown[] {
  return events.map((e) => e.data === "[DONE]" ? e.data : JSON.parse(e.data));
}

/** A user message list. */
export function ask(content: string): { role: "user"; content: string }[] {
  return [{ role: "user", content }];
}

/** A weather tool, in OpenAI/Ollama shape. */
export const WEATHER_SCHEMA = {
  type: "object",
  required: ["city"],
  properties: {
    city: { type: "string", description: "City name" },
    unit: { type: "string", enum: ["celsius", "fahrenheit"] },
  },
};

/** The same tool in OpenAI/Ollama `tools` form. */
export const WEATHER_TOOL = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Get the current weather for a city",
    parameters: WEATHER_SCHEMA,
  },
};

/** A structured-output schema with nested values. */
export const PERSON_SCHEMA = {
  type: "object",
  properties: {
    name: { type: "string" },
    age: { type: "integer", minimum: 0, maximum: 120 },
    email: { type: "string", format: "email" },
    tags: { type: "array", items: { type: "string" }, minItems: 1 },
    address: {
      type: "object",
      properties: { city: { type: "string" }, country: { type: "string" } },
      required: ["city", "country"],
      additionalProperties: false,
    },
    status: { enum: ["active", "inactive"] },
  },
  required: ["name", "age", "email", "tags", "address", "status"],
  additionalProperties: false,
};

/** Asserts a value matches PERSON_SCHEMA (a hand-written check, no validator dependency). */
export function isPerson(value: unknown): boolean {
  const v = value as Record<string, unknown>;
  const address = v.address as Record<string, unknown>;
  return typeof v.name === "string" && Number.isInteger(v.age) && (v.age as number) >= 0 &&
    (v.age as number) <= 120 && typeof v.email === "string" && v.email.includes("@") &&
    Array.isArray(v.tags) && v.tags.length >= 1 && v.tags.every((t) => typeof t === "string") &&
    typeof address?.city === "string" && typeof address?.country === "string" &&
    (v.status === "active" || v.status === "inactive") && Object.keys(v).length === 6;
}

/**
 * How many prefixes of a JSON text, cut at the given piece boundaries, parse to
 * a different and growing object when closed naively — a cheap stand-in for a
 * partial-JSON parser: counts boundaries after which at least one more
 * top-level property is complete.
 */
export function completedPropertyCounts(pieces: readonly string[]): number[] {
  const counts: number[] = [];
  let text = "";
  for (const piece of pieces) {
    text += piece;
    // Count top-level commas outside strings as completed properties.
    let depth = 0;
    let inString = false;
    let complete = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === "\\") i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "{" || c === "[") depth++;
      else if (c === "}" || c === "]") depth--;
      else if (c === "," && depth === 1) complete++;
    }
    if (counts[counts.length - 1] !== complete) counts.push(complete);
  }
  return counts;
}
