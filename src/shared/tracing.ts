/**
 * The shapes sluice needs from a tracer: the structural part of the
 * OpenTelemetry API's `Tracer` and `Span` (`@opentelemetry/api`). sluice
 * imports nothing: pass `trace.getTracer("my-app")` (or any object with these
 * methods) as the `tracer` option of a client, of one call, or of a unified
 * call.
 *
 * @module
 */

/** A value of a span attribute, as OpenTelemetry accepts it. */
export type SpanAttributeValue = string | number | boolean | string[] | number[] | boolean[];

/** Span attributes by name (an `undefined` value is not set). */
export type SpanAttributes = Record<string, SpanAttributeValue | undefined>;

/** How a span ended: `0` unset, `1` ok, `2` error (OpenTelemetry's `SpanStatusCode`). */
export interface SpanStatus {
  /** The status code: `0` unset, `1` ok, `2` error. */
  code: number;
  /** What went wrong, with code `2`. */
  message?: string;
}

/** The options sluice passes to {@linkcode Tracer.startSpan}. */
export interface SpanOptions {
  /** The span kind: sluice's spans are `2` (OpenTelemetry's `SpanKind.CLIENT`). */
  kind?: number;
  /** Attributes known when the span starts. */
  attributes?: SpanAttributes;
}

/**
 * One span, as sluice uses it: the structural part of OpenTelemetry's `Span`.
 * sluice calls `end()` exactly once per span.
 */
export interface Span {
  /** Sets one attribute. */
  setAttribute(key: string, value: SpanAttributeValue): unknown;
  /** Sets several attributes. */
  setAttributes(attributes: SpanAttributes): unknown;
  /** Adds an event (sluice adds `sluice.first_token`). */
  addEvent(name: string, attributes?: SpanAttributes): unknown;
  /** Records the error a call failed with. */
  recordException(exception: Error | string): unknown;
  /** Sets the status (`{ code: 2, message }` on failure). */
  setStatus(status: SpanStatus): unknown;
  /** Ends the span. */
  end(): void;
  /** False for a span that records nothing (sluice then skips the content attributes). */
  isRecording?(): boolean;
}

/**
 * A tracer: anything with OpenTelemetry's `startSpan` (an `@opentelemetry/api`
 * `Tracer` fits as it is).
 *
 * @example Trace every call of a client (here a tracer that logs)
 * ```ts
 * import type { Span, Tracer } from "@sluice/sluice";
 * import { Ollama } from "@sluice/sluice/ollama";
 * import { createMockServer } from "@sluice/sluice/testing";
 * import assert from "node:assert/strict";
 *
 * const names: string[] = [];
 * const span: Span = {
 *   setAttribute: () => span,
 *   setAttributes: () => span,
 *   addEvent: () => span,
 *   recordException: () => {},
 *   setStatus: () => span,
 *   end: () => {},
 * };
 * const tracer: Tracer = {
 *   startSpan: (name) => {
 *     names.push(name);
 *     return span;
 *   },
 * };
 * const ollama = new Ollama({ fetch: createMockServer().fetch, tracer });
 * await ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "Hi" }] }).text();
 * assert.deepEqual(names, ["chat llama3.2"]);
 * ```
 */
export interface Tracer {
  /**
   * Starts a span (sluice passes no context: the tracer's active context is
   * the parent).
   */
  startSpan(name: string, options?: SpanOptions, context?: unknown): Span;
}

/**
 * The tracing options of every client and call (see the README's "Tracing").
 * A call's option wins over its client's.
 *
 * @example Record the prompt and the answer of one call
 * ```ts
 * import type { Span, SpanAttributes, Tracer } from "@sluice/sluice";
 * import { OpenAI } from "@sluice/sluice/openai";
 * import { createMockServer } from "@sluice/sluice/testing";
 * import assert from "node:assert/strict";
 *
 * const recorded: SpanAttributes = {};
 * const span: Span = {
 *   setAttribute: (key, value) => recorded[key] = value,
 *   setAttributes: (attributes) => Object.assign(recorded, attributes),
 *   addEvent: () => span,
 *   recordException: () => {},
 *   setStatus: () => span,
 *   end: () => {},
 * };
 * const tracer: Tracer = {
 *   startSpan: (_name, options) => {
 *     Object.assign(recorded, options?.attributes);
 *     return span;
 *   },
 * };
 * const openai = new OpenAI({
 *   baseURL: "http://localhost/v1",
 *   fetch: createMockServer({ reply: "Hello!" }).fetch,
 *   tracer,
 * });
 * await openai.chat(
 *   { model: "gpt-4.1-mini", messages: [{ role: "user", content: "Hi" }] },
 *   { traceContent: true },
 * ).result();
 * assert.equal(recorded["gen_ai.operation.name"], "chat");
 * assert.deepEqual(recorded["gen_ai.response.finish_reasons"], ["stop"]);
 * assert.deepEqual(JSON.parse(String(recorded["gen_ai.output.messages"])), [
 *   { role: "assistant", parts: [{ type: "text", content: "Hello!" }], finish_reason: "stop" },
 * ]);
 * ```
 */
export interface TracingOptions {
  /**
   * A tracer (an OpenTelemetry `Tracer`, or anything shaped like one): each
   * model call opens one span following the OpenTelemetry GenAI semantic
   * conventions, named `"{operation} {model}"` (`"chat llama3.2"`).
   */
  tracer?: Tracer;
  /**
   * Also record the prompt and the answer in the span, as the JSON attributes
   * `gen_ai.input.messages` and `gen_ai.output.messages`. They may hold
   * personal data: off unless asked for.
   *
   * @default {false}
   */
  traceContent?: boolean;
}
