/**
 * The runtime-neutral heart of the edge examples: validates a chat request
 * from the browser, asks the model, and streams the answer back with
 * `toResponse()`. Web standards only, so the Deno server (`app.ts`) and the
 * Cloudflare Worker (`../worker/worker.ts`) share it.
 *
 * By default the client receives Server-Sent Events, one per Ollama chat
 * chunk (`data: {"message": {"content": "…"}, …}`); a failure after the
 * headers arrives as an `event: error` with `{"error": {"type", "message"}}`.
 * `?format=ui-message` (what the chat page asks for, and reads with sluice's
 * `fromResponse`), `?format=ndjson` or `?format=text` pick another format of
 * `toResponse()`. A failure before any output (model not found, the model
 * server down, no headers in time) is a real status with the same JSON body:
 * the model's 4xx, 502 or 504.
 *
 * @module
 */
import type { Ollama, OllamaMessage } from "../../mod.ts";

/** The largest request body accepted, in bytes. */
const MAX_BODY_BYTES = 64 * 1024;
/** The most messages a conversation may have. */
const MAX_MESSAGES = 100;
const ROLES = new Set(["system", "user", "assistant"]);
/** The formats a client may ask for with `?format=`. */
const FORMATS = ["sse", "ndjson", "text", "ui-message"] as const;

/** What {@linkcode handleChat} needs. */
export interface ChatHandlerOptions {
  /** The client that talks to the model (a real Ollama or the mock). */
  ollama: Ollama;
  /** The model to ask. */
  model: string;
}

/** The deepest nesting accepted in a request body's JSON. */
const MAX_NESTING = 16;

/**
 * Reads a request body as text, counting bytes as they arrive: `undefined`
 * (the rest never read) once it passes `max`, so a huge or endless upload
 * costs at most `max` bytes of memory, whatever `content-length` claims.
 */
export async function readLimitedText(
  body: ReadableStream<Uint8Array> | null,
  max: number,
): Promise<string | undefined> {
  if (body === null) return "";
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > max) {
        await reader.cancel().catch(() => {});
        return undefined;
      }
      parts.push(decoder.decode(value, { stream: true }));
    }
    parts.push(decoder.decode());
    return parts.join("");
  } finally {
    reader.releaseLock();
  }
}

/** Whether a JSON value nests deeper than `limit` (checked without recursion). */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Answers a JSON error the way the page expects one. */
function badRequest(message: string, status = 400): Response {
  return Response.json({ error: { type: "BadRequest", message } }, { status });
}

/**
 * Turns the browser's body (`{ prompt }` or `{ messages }`) into Ollama
 * messages, or returns why it cannot.
 */
export function parseChatBody(body: unknown): OllamaMessage[] | string {
  if (typeof body !== "object" || body === null) return "The body must be a JSON object";
  const { prompt, messages } = body as { prompt?: unknown; messages?: unknown };
  if (typeof prompt === "string") {
    return prompt.trim() === ""
      ? "The prompt must not be empty"
      : [{ role: "user", content: prompt }];
  }
  if (!Array.isArray(messages)) return "Send a 'prompt' string or a 'messages' array";
  if (messages.length === 0 || messages.length > MAX_MESSAGES) {
    return `The conversation must have 1 to ${MAX_MESSAGES} messages`;
  }
  const result: OllamaMessage[] = [];
  for (const message of messages) {
    const { role, content } = (message ?? {}) as { role?: unknown; content?: unknown };
    if (typeof role !== "string" || !ROLES.has(role) || typeof content !== "string") {
      return "Every message needs a role (system, user or assistant) and a string content";
    }
    result.push({ role: role as OllamaMessage["role"], content });
  }
  if (result.at(-1)?.role !== "user") return "The last message must be the user's";
  return result;
}

/**
 * Handles `POST /api/chat`: streams the model's answer as SSE, or in the
 * format `?format=` names. When the browser goes away (its Stop button
 * cancels the stream, which aborts the fetch), the runtime cancels the
 * response body, and `toResponse` aborts the request to the model.
 */
export async function handleChat(request: Request, options: ChatHandlerOptions): Promise<Response> {
  if (request.method !== "POST") {
    return new Response("Method not allowed", { status: 405, headers: { allow: "POST" } });
  }
  const asked = new URL(request.url).searchParams.get("format") ?? "sse";
  const format = FORMATS.find((name) => name === asked);
  if (format === undefined) {
    return badRequest(`The format must be one of ${FORMATS.join(", ")}: '${asked.slice(0, 20)}'`);
  }
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) return badRequest("The body is too large", 413);
  // Counted as it arrives: a chunked upload has no content-length to trust.
  const text = await readLimitedText(request.body, MAX_BODY_BYTES);
  if (text === undefined) return badRequest("The body is too large", 413);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return badRequest("The body is not JSON");
  }
  if (nestsDeeperThan(body, MAX_NESTING)) return badRequest("The body nests too deeply");
  const messages = parseChatBody(body);
  if (typeof messages === "string") return badRequest(messages);
  // No signal: under Deno.serve the request's own also fires after a completed
  // response. When the client goes away, the runtime cancels the body instead.
  const stream = options.ollama.chat({ model: options.model, messages });
  // Waits for the model's headers: a failure before any output is a real status.
  return await stream.toResponse({ format });
}
