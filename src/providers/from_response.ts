import { ProviderError } from "../errors/provider_error.ts";
import { resolveOptions } from "../http/_resolve_options.ts";
import type { ContentPart, FinishReason, StreamResult } from "../shared/types.ts";
import { streamRequest } from "../response_stream/_http_stream.ts";
import { LineStream } from "../streams/line_stream.ts";
import { PROTOCOL_HEADER, type ResponseStream } from "../response_stream/response_stream.ts";
import type {
  PartSink,
  ProtocolReader,
  StreamProtocol,
} from "../response_stream/stream_protocol.ts";
import type { StreamOptions } from "../response_stream/types.ts";
import { callbacksOf } from "../response_stream/_callbacks.ts";
import {
  chatProtocol as ollamaChat,
  generateProtocol as ollamaGenerate,
} from "./ollama/_protocol.ts";
import { chatProtocol as openaiChat } from "./openai/_chat_protocol.ts";
import { completionsProtocol } from "./openai/_completions_protocol.ts";
import { responsesProtocol } from "./openai/_responses_protocol.ts";
import { messagesProtocol } from "./anthropic/_protocol.ts";
import { generateContentProtocol } from "./gemini/_protocol.ts";

/** A format `toResponse()` writes, as `fromResponse()` reads it back. */
export type ResponseFormat = "sse" | "ndjson" | "text" | "ui-message";

/** Options of {@linkcode fromResponse}: callbacks (or a handler), a signal, and the format. */
export interface FromResponseOptions extends StreamOptions<unknown, StreamResult> {
  /** Stops the stream and cancels the response body (which aborts the fetch). */
  signal?: AbortSignal | undefined;
  /**
   * The format the response was written in; by default it is told by the
   * headers (`x-vercel-ai-ui-message-stream`, then the content type).
   */
  format?: ResponseFormat | undefined;
}

type Json = Record<string, unknown>;

const PART_TYPES = new Set([
  "text-delta",
  "reasoning-delta",
  "tool-call-start",
  "tool-call-delta",
  "tool-call",
  "usage",
  "finish",
]);

function formatOf(response: Response): ResponseFormat {
  if (response.headers.get("x-vercel-ai-ui-message-stream") !== null) return "ui-message";
  const type = response.headers.get("content-type") ?? "";
  if (type.startsWith("text/event-stream")) return "sse";
  if (type.startsWith("text/plain")) return "text";
  return "ndjson";
}

/** An in-band error (`{"error": {"type", "message"}}`, a unified error part) as an error. */
function inBandError(value: Json): ProviderError | undefined {
  let error: unknown;
  if (value.type === "error") error = value.error;
  else if (value.type === undefined && value.error !== undefined) error = value.error;
  else return undefined;
  const { type, name, message } =
    (typeof error === "object" && error !== null ? error : {}) as Json;
  return new ProviderError(typeof message === "string" ? message : String(error), {
    type: typeof type === "string" ? type : typeof name === "string" ? name : undefined,
    body: error,
  });
}

/** A UI message stream chunk as the normalized parts it stands for. */
function uiParts(chunk: Json, emit: PartSink): void {
  switch (chunk.type) {
    case "text-delta":
      return emit({ type: "text-delta", text: String(chunk.delta ?? "") });
    case "reasoning-delta":
      return emit({ type: "reasoning-delta", text: String(chunk.delta ?? "") });
    case "tool-input-start":
      return emit({
        type: "tool-call-start",
        id: String(chunk.toolCallId),
        name: String(chunk.toolName),
      });
    case "tool-input-delta":
      return emit({
        type: "tool-call-delta",
        id: String(chunk.toolCallId),
        argumentsDelta: String(chunk.inputTextDelta ?? ""),
      });
    case "tool-input-available":
      return emit({
        type: "tool-call",
        id: String(chunk.toolCallId),
        name: String(chunk.toolName),
        arguments: chunk.input,
      } as ContentPart);
    case "finish": {
      const usage = (chunk.messageMetadata as Json | undefined)?.usage;
      if (usage !== undefined) emit({ type: "usage", usage } as ContentPart);
      return emit({
        type: "finish",
        finishReason: (chunk.finishReason ?? "other") as FinishReason,
        rawFinishReason: undefined,
      });
    }
    case "error":
      throw new ProviderError(String(chunk.errorText ?? "error"), { body: chunk });
    case "abort":
      throw new DOMException(String(chunk.reason ?? "The stream was aborted"), "AbortError");
  }
}

type AnyProtocol = StreamProtocol<unknown, StreamResult>;

/**
 * The protocols whose chunks a provider stream's `toResponse()` may carry, by
 * name. (The Responses API's is made per call, and so is made when needed: a
 * call here at the top would keep this module in every bundle of `mod.ts`.)
 */
function protocolNamed(name: string): AnyProtocol | undefined {
  const protocols: Record<string, object> = {
    "ollama.chat": ollamaChat,
    "ollama.generate": ollamaGenerate,
    "openai.chat": openaiChat,
    "openai.completions": completionsProtocol,
    "anthropic.messages": messagesProtocol,
    "gemini.generateContent": generateContentProtocol,
  };
  // Own names only: a header saying `constructor` names nothing.
  const protocol = Object.hasOwn(protocols, name)
    ? protocols[name]
    : name === "openai.responses"
    ? responsesProtocol()
    : undefined;
  return protocol as AnyProtocol | undefined;
}

/** What the response says about itself: its format, and the protocol of its chunks if any. */
interface Described {
  format: ResponseFormat;
  protocol: AnyProtocol | undefined;
}

/**
 * The reader of a provider's own chunks: the provider's protocol reader (the
 * one reading of its wire format), fed each item as that protocol frames it.
 * In-band errors `toResponse()` wrote are raised first. (Readers are classes:
 * a getter made per stream, read at every frame, would be remembered by the
 * engine's caches with all the stream it closes over.)
 */
class ChunkReader implements ProtocolReader<unknown, StreamResult> {
  #reader: ProtocolReader<unknown, StreamResult>;
  #protocol: AnyProtocol;
  #sse: boolean;
  #lines: boolean;

  constructor(protocol: AnyProtocol, lines: boolean) {
    this.#reader = protocol.createReader();
    this.#protocol = protocol;
    this.#sse = protocol.framing === "sse";
    this.#lines = lines;
  }

  get done(): boolean {
    return this.#reader.done;
  }

  push(frame: unknown, emit: PartSink): unknown {
    const { event, data } = frame as { event?: string; data: string };
    // The error toResponse() wrote in band: an `error` event, or an `{"error": …}` line.
    if (event === "error" || data.startsWith('{"error"')) {
      const error = inBandError(JSON.parse(data) as Json);
      if (error) throw error;
      if (event === "error") throw new ProviderError(data);
    }
    return this.#reader.push(this.#sse ? frame : JSON.parse(data), emit);
  }

  finish(emit: PartSink): void {
    // NDJSON has no room for an SSE end marker (OpenAI's `[DONE]`): a body that ended
    // whole stands for it.
    const trailer = this.#protocol.sseTrailer;
    if (this.#lines && trailer !== undefined && !this.#reader.done) {
      this.#reader.push(trailer, emit);
    }
    this.#reader.finish(emit);
  }

  result(base: StreamResult): StreamResult {
    return this.#reader.result(base);
  }
}

/** The reader of items in sluice's part vocabulary or of UI message chunks. */
class PartReader implements ProtocolReader<unknown, StreamResult> {
  done = false;
  #ui: boolean;
  #finishReason: FinishReason | undefined;

  constructor(ui: boolean) {
    this.#ui = ui;
  }

  push(frame: unknown, emit: PartSink): unknown {
    const { event, data } = frame as { event?: string; data: string };
    if (data === "[DONE]") {
      this.done = true;
      return undefined;
    }
    const value: unknown = JSON.parse(data);
    if (event === "error") throw inBandError(value as Json) ?? new ProviderError(data);
    if (value === null || typeof value !== "object") return value;
    const item = value as Json;
    if (item.type === "finish" && typeof item.finishReason === "string") {
      this.#finishReason = item.finishReason as FinishReason;
    }
    if (this.#ui) {
      uiParts(item, emit);
      return item;
    }
    const error = inBandError(item);
    if (error) throw error;
    if (typeof item.type === "string" && PART_TYPES.has(item.type)) {
      emit(item as unknown as ContentPart);
    }
    return item;
  }

  finish(): void {}

  /** The last step's reason (a tool loop's earlier tool calls do not make it "tool-calls"). */
  result(base: StreamResult): StreamResult {
    const finishReason = this.#finishReason;
    return finishReason === undefined ? base : { ...base, finishReason };
  }
}

/**
 * The reader of a response read back: created before the response arrives (a
 * probe reads the first frame after it), it chooses the real reader at the
 * first frame, from what the headers said.
 */
class DescribedReader implements ProtocolReader<unknown, StreamResult> {
  #described: Described;
  #reader: ProtocolReader<unknown, StreamResult> | undefined;

  constructor(described: Described) {
    this.#described = described;
  }

  get done(): boolean {
    return this.#reader?.done ?? false;
  }

  #current(): ProtocolReader<unknown, StreamResult> {
    if (this.#reader === undefined) {
      const { format, protocol } = this.#described;
      this.#reader = protocol !== undefined && format !== "ui-message" && format !== "text"
        ? new ChunkReader(protocol, format === "ndjson")
        : new PartReader(format === "ui-message");
    }
    return this.#reader;
  }

  push(frame: unknown, emit: PartSink): unknown {
    return this.#current().push(frame, emit);
  }

  finish(emit: PartSink): void {
    this.#current().finish(emit);
  }

  result(base: StreamResult): StreamResult {
    return this.#current().result(base);
  }
}

function protocolFor(described: Described): AnyProtocol {
  return {
    // NDJSON and text bodies are turned into SSE before they are read (see `asEvents`).
    framing: "sse",
    createReader: () => new DescribedReader(described),
  };
}

/** An NDJSON body (one item a line) or a text body (its text deltas) as SSE. */
function asEvents(body: ReadableStream<Uint8Array>, lines: boolean): ReadableStream<Uint8Array> {
  const event = (data: string) => `data: ${data}\n\n`;
  return body
    // (The DOM typings of TextDecoderStream do not fit `pipeThrough`'s pair type.)
    .pipeThrough(new TextDecoderStream() as TransformStream<Uint8Array, string>)
    .pipeThrough(lines ? new LineStream() : new TransformStream<string, string>())
    .pipeThrough(
      new TransformStream<string, string>({
        transform(text, controller) {
          if (lines) {
            if (text.trim() !== "") controller.enqueue(event(text));
          } else if (text) controller.enqueue(event(JSON.stringify({ type: "text-delta", text })));
        },
      }),
    )
    .pipeThrough(new TextEncoderStream());
}

/**
 * Reads back a stream that a sluice edge handler re-emitted with
 * `toResponse()` — `"sse"`, `"ndjson"`, `"text"` or `"ui-message"` — as a
 * stream object, in the browser or anywhere: `for await` (the items as they
 * were written), `textStream`, `result()`, `partial`, callbacks, and
 * `cancel()` / `break` cancelling the body (which aborts the fetch). A non-2xx
 * response rejects with the same typed `HttpError` the server side would
 * raise; an in-band error event with a `ProviderError` carrying its message.
 *
 * The parts (and so the text and the result) come from items in sluice's part
 * vocabulary (a unified stream's parts), from the UI message chunks, or from
 * the plain text. A provider stream's own chunks (a client's stream handed on
 * as SSE or NDJSON) are read by that provider's own reader, named by the
 * `x-sluice-protocol` header `toResponse()` sets: the result is the one the
 * server side assembled (Ollama's timings, Anthropic's content blocks, …).
 * `toResponse()` also lists it in `Access-Control-Expose-Headers`, so a page
 * of another origin can read it once the handler allows that origin.
 *
 * @example Read an edge handler's answer in the browser
 * ```ts
 * import { fromResponse } from "@sluice/sluice";
 *
 * const body = 'data: {"type":"text-delta","text":"Hello"}\n\n' +
 *   'data: {"type":"finish","finishReason":"stop","rawFinishReason":"stop"}\n\n';
 * const response = new Response(body, { headers: { "content-type": "text/event-stream" } });
 * const stream = fromResponse(response);
 * for await (const text of stream.textStream) console.log(text);
 * console.log((await stream.result()).finishReason); // "stop"
 * ```
 *
 * @param response The response, or a promise of it (e.g. `fetch(…)`).
 * @param options Callbacks, a signal and the format.
 */
export function fromResponse(
  response: Response | PromiseLike<Response>,
  options: FromResponseOptions = {},
): ResponseStream<unknown, StreamResult> {
  const { signal, format: given, ...callbacks } = options;
  const described: Described = { format: given ?? "ndjson", protocol: undefined };
  const open = async (): Promise<Response> => {
    const received = await response;
    const format = described.format = given ?? formatOf(received);
    const name = received.headers.get(PROTOCOL_HEADER);
    described.protocol = name === null ? undefined : protocolNamed(name);
    const sse = format === "sse" || format === "ui-message";
    if (sse || !received.ok || received.body === null) return received;
    return new Response(asEvents(received.body, format === "ndjson"), {
      status: received.status,
      statusText: received.statusText,
      headers: received.headers,
    });
  };
  return streamRequest({
    request: { url: "http://response.invalid/", method: "GET" },
    options: resolveOptions({
      fetch: open,
      ...(signal === undefined ? {} : { signal }),
      maxRetries: 0,
      timeout: false,
      idleTimeout: false,
      firstTokenTimeout: false,
      totalTimeout: false,
    }),
    protocol: protocolFor(described),
    callbacks: callbacksOf(callbacks),
  });
}
