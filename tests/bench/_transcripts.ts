/**
 * Seeded, realistic streaming transcripts for the client bench, in each
 * provider's exact wire format, pre-encoded one `Uint8Array` per event, plus
 * the in-memory limit of decoding the same bytes.
 *
 * @module
 */
import { seededRandom, WORDS } from "./_common.ts";
export { bodyOf } from "./_common.ts";

/** Tokens of one to four words, each with a leading space as tokenizers produce. */
function tokens(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const result: string[] = [];
  for (let n = 0; n < count; n++) {
    let token = "";
    const words = 1 + Math.floor(random() * 4);
    for (let i = 0; i < words; i++) token += " " + WORDS[Math.floor(random() * WORDS.length)];
    result.push(token);
  }
  return result;
}

/** One provider's response body, held in memory. */
export interface Transcript {
  /** Each event (SSE) or line (NDJSON), encoded: one piece per network read. */
  pieces: Uint8Array[];
  /** The whole body. */
  bytes: Uint8Array;
  /** Token events in it. */
  tokenEvents: number;
  /** The length of the assembled answer text, in UTF-16 code units. */
  textLength: number;
}

function transcriptOf(events: readonly string[], tokenEvents: number, textLength: number) {
  const encoder = new TextEncoder();
  const pieces = events.map((event) => encoder.encode(event));
  const bytes = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    bytes.set(piece, offset);
    offset += piece.length;
  }
  return { pieces, bytes, tokenEvents, textLength };
}

function textLengthOf(texts: readonly string[]): number {
  let length = 0;
  for (const text of texts) length += text.length;
  return length;
}

/** Ollama `/api/chat`: one line per token, then the `done: true` line with the statistics. */
export function ollamaChatTranscript(count: number): Transcript {
  const texts = tokens(count, 1);
  const start = Date.UTC(2025, 10, 3, 14, 22, 5);
  const createdAt = (i: number) =>
    new Date(start + i * 13).toISOString().replace(
      "Z",
      `${String(i % 1_000_000).padStart(6, "0")}Z`,
    );
  const lines = texts.map((content, i) =>
    JSON.stringify({
      model: "llama3.2",
      created_at: createdAt(i),
      message: { role: "assistant", content },
      done: false,
    }) + "\n"
  );
  lines.push(
    JSON.stringify({
      model: "llama3.2",
      created_at: createdAt(count),
      message: { role: "assistant", content: "" },
      done: true,
      done_reason: "stop",
      total_duration: 408651190 + count * 13_000_000,
      load_duration: 21904417,
      prompt_eval_count: 31,
      prompt_eval_duration: 38512000,
      eval_count: count,
      eval_duration: count * 12_660_460,
    }) + "\n",
  );
  return transcriptOf(lines, count, textLengthOf(texts));
}

/**
 * OpenAI `chat.completion.chunk`s as sent with `stream_options.include_usage`
 * (every chunk has `usage: null` until the last): the role chunk, one chunk per
 * token, the finish chunk, the usage chunk, `[DONE]`.
 */
export function openAIChatTranscript(count: number): Transcript {
  const texts = tokens(count, 2);
  const random = seededRandom(3);
  const head = '{"id":"chatcmpl-Xc7sdgnRRu3Kwxie4Dxkd550EIx7Z","object":"chat.completion.chunk",' +
    '"created":1762180925,"model":"gpt-4.1-mini-2025-04-14","service_tier":"default",' +
    '"system_fingerprint":"fp_1c74a3c106",';
  const obfuscation = () => "Jn42a1s5r5WCcfcpo4IJ".slice(0, 2 + Math.floor(random() * 14));
  const event = (rest: string) =>
    `data: ${head}${rest},"obfuscation":${JSON.stringify(obfuscation())}}\n\n`;
  const choice = (delta: unknown, finish: string | null) =>
    `"choices":[${
      JSON.stringify({ index: 0, delta, logprobs: null, finish_reason: finish })
    }],"usage":null`;
  const events = [event(choice({ role: "assistant", content: "", refusal: null }, null))];
  for (const content of texts) events.push(event(choice({ content }, null)));
  events.push(event(choice({}, "stop")));
  events.push(
    event(
      `"choices":[],"usage":${
        JSON.stringify({
          prompt_tokens: 19,
          completion_tokens: count,
          total_tokens: 19 + count,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
          completion_tokens_details: {
            reasoning_tokens: 0,
            audio_tokens: 0,
            accepted_prediction_tokens: 0,
            rejected_prediction_tokens: 0,
          },
        })
      }`,
    ),
  );
  events.push("data: [DONE]\n\n");
  return transcriptOf(events, count, textLengthOf(texts));
}

/**
 * Anthropic Messages events: `message_start`, `content_block_start`, a `ping`,
 * one `text_delta` per token, `content_block_stop`, `message_delta`,
 * `message_stop`.
 */
export function anthropicMessagesTranscript(count: number): Transcript {
  const texts = tokens(count, 4);
  const event = (value: { type: string; [key: string]: unknown }) =>
    `event: ${value.type}\ndata: ${JSON.stringify(value)}\n\n`;
  const events = [
    event({
      type: "message_start",
      message: {
        model: "claude-sonnet-4-6",
        id: "msg_01Ngf2d2gb2g6n5GRQELUxsm",
        type: "message",
        role: "assistant",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: 19,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
          output_tokens: 1,
          service_tier: "standard",
        },
      },
    }),
    event({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
    event({ type: "ping" }),
  ];
  for (const text of texts) {
    events.push(
      event({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }),
    );
  }
  events.push(
    event({ type: "content_block_stop", index: 0 }),
    event({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: {
        input_tokens: 19,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: count,
      },
    }),
    event({ type: "message_stop" }),
  );
  return transcriptOf(events, count, textLengthOf(texts));
}

// ---------------------------------------------------------------------------
// The in-memory limit: the whole body decoded at once, lines split with
// indexOf, one JSON.parse per data line, the text delta taken out.

/** What the limit takes out of each parsed value: its text delta. */
export type Pick = (value: never) => string | null | undefined;

/** The text delta of each wire format's parsed frames, as a caller takes it out. */
export const PICK: { ollama: Pick; openai: Pick; anthropic: Pick } = {
  ollama: ((line: { message?: { content?: string } }) => line.message?.content) as Pick,
  openai:
    ((chunk: { choices?: { delta?: { content?: string } }[] }) =>
      chunk.choices?.[0]?.delta?.content) as Pick,
  anthropic:
    ((event: { type?: string; delta?: { type?: string; text?: string } }) =>
      event.type === "content_block_delta" && event.delta?.type === "text_delta"
        ? event.delta.text
        : undefined) as Pick,
};

/** Sums `pick(JSON.parse(line))` over every line of an NDJSON body. */
export function ndjsonLimit(bytes: Uint8Array, pick: Pick): number {
  const text = new TextDecoder().decode(bytes);
  let length = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    if (end > start) length += pick(JSON.parse(text.slice(start, end)) as never)?.length ?? 0;
    start = end + 1;
  }
  return length;
}

/** Sums `pick(JSON.parse(data))` over every `data: ` line of an SSE body but `[DONE]`. */
export function sseLimit(bytes: Uint8Array, pick: Pick): number {
  const text = new TextDecoder().decode(bytes);
  let length = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    if (text.startsWith("data: ", start)) {
      const data = text.slice(start + 6, end);
      if (data !== "[DONE]") length += pick(JSON.parse(data) as never)?.length ?? 0;
    }
    start = end + 1;
  }
  return length;
}
