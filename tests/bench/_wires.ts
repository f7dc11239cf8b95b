/**
 * The three wire formats the benches stream through sluice's clients, and
 * how a bench opens a client (or `streamText`) over one: shared by the
 * layers, compare and instructions benches.
 *
 * @module
 */
import type { Framing } from "./_floor.ts";
import {
  anthropicMessagesTranscript,
  bodyOf,
  ollamaChatTranscript,
  openAIChatTranscript,
  PICK,
  type Pick,
  type Transcript,
} from "./_transcripts.ts";
import type * as Root from "../../mod.ts";

/** A wire format's provider, as its client is named. */
export type WireName = "Ollama" | "OpenAI" | "Anthropic";

/** A wire format the benches stream: its transcript and how a text delta is taken out. */
export interface Wire {
  name: WireName;
  /** The format, as the benches' tables title it. */
  title: string;
  /** The client call that reads it. */
  client: string;
  framing: Framing;
  contentType: string;
  transcript: (events: number) => Transcript;
  pick: Pick;
}

/** Ollama's NDJSON, OpenAI's and Anthropic's SSE. */
export const WIRES: Wire[] = [
  {
    name: "Ollama",
    title: "Ollama /api/chat NDJSON",
    client: "Ollama.chat",
    framing: "ndjson",
    contentType: "application/x-ndjson",
    transcript: ollamaChatTranscript,
    pick: PICK.ollama,
  },
  {
    name: "OpenAI",
    title: "OpenAI chat.completion.chunk SSE",
    client: "OpenAI.chat",
    framing: "sse",
    contentType: "text/event-stream",
    transcript: openAIChatTranscript,
    pick: PICK.openai,
  },
  {
    name: "Anthropic",
    title: "Anthropic Messages SSE",
    client: "Anthropic.messages",
    framing: "sse",
    contentType: "text/event-stream",
    transcript: anthropicMessagesTranscript,
    pick: PICK.anthropic,
  },
];

/** The wire named `name`; throws for another name. */
export function wireNamed(name: string): Wire {
  const wire = WIRES.find((w) => w.name === name);
  if (wire === undefined) throw new TypeError(`no wire named ${name}`);
  return wire;
}

/** What a bench opens a stream with: the working tree's root module, or a revision's. */
export interface Sluice {
  Ollama: typeof Root.Ollama;
  OpenAI: typeof Root.OpenAI;
  Anthropic: typeof Root.Anthropic;
  streamText: typeof Root.streamText;
  openai: typeof Root.openai;
}

/** What a bench reads from a stream: the text streamed, the chunks, the result. */
export interface Streaming {
  textStream: AsyncIterable<string>;
  [Symbol.asyncIterator](): AsyncIterator<unknown>;
  result(): Promise<{ text: string }>;
}

/**
 * Opens `wire`'s client over `pieces`, one read each, or (`unified`)
 * `streamText` with the unified model of the same provider (OpenAI only).
 */
export function openStream(
  sluice: Sluice,
  wire: Wire,
  pieces: readonly Uint8Array[],
  unified = false,
): Streaming {
  const fetch = () =>
    Promise.resolve(
      new Response(bodyOf(pieces), { headers: { "content-type": wire.contentType } }),
    );
  if (unified) {
    if (wire.name !== "OpenAI") throw new TypeError("streamText is benched over OpenAI only");
    return sluice.streamText({ model: sluice.openai("m", { fetch, apiKey: "k" }), prompt: "x" });
  }
  if (wire.name === "Ollama") {
    return new sluice.Ollama({ fetch }).chat({ model: "m", messages: [] });
  }
  if (wire.name === "OpenAI") {
    return new sluice.OpenAI({ fetch, apiKey: "k" }).chat({ model: "m", messages: [] });
  }
  return new sluice.Anthropic({ fetch, apiKey: "k" }).messages({
    model: "m",
    max_tokens: 1,
    messages: [],
  });
}

/**
 * Reads `stream`'s text deltas to the end, then its result; throws unless
 * the result's text is as long as the deltas (`label` names the candidate).
 */
export async function readText(stream: Streaming, label: string): Promise<string> {
  let length = 0;
  for await (const delta of stream.textStream) length += delta.length;
  const { text } = await stream.result();
  if (text.length !== length) throw new Error(`${label}: deltas lost`);
  return text;
}
