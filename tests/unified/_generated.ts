/**
 * The harness of the generated agreement tests (generated_agreement_test.ts:
 * the Responses API and Gemini; generated_chat_agreement_test.ts: Ollama,
 * OpenAI's Chat Completions and Anthropic). A generator draws a random but
 * valid stream of one wire format from a {@linkcode Draw} and says what it
 * must read as (the oracle, {@linkcode Expected}), worked out from what it
 * drew, not by the code under test. {@linkcode checkGenerated} then checks,
 * for each of {@linkcode SEEDS} seeds, that:
 *
 * 1. `streamText` reads the body as the provider client does (`assertAgree`);
 * 2. the client's result is the oracle, whole and in seeded random pieces, and
 *    each call's `tool-call-delta` parts join to the arguments it ends with;
 * 3. `streamText`'s result in those pieces is the oracle, and so is its
 *    assistant message;
 * 4. the body cut at random bytes and between events fails (or not) the same
 *    way through both, with a partial answer that is a prefix of the whole.
 *
 * A failure names the format and the seed, and shows the body.
 *
 * @module
 */
import assert from "node:assert/strict";
import { IncompleteStreamError } from "../../src/errors/incomplete_stream_error.ts";
import type { FinishReason, StreamResult, ToolCall } from "../../src/shared/types.ts";
import type { GenerateTextResult } from "../../src/unified/types.ts";
import { seededRandom } from "../_seeded_random.ts";
import { randomInt, source } from "../streams/_chunkings.ts";
import { type Api, assertAgree, providerRun, unifiedRun } from "./_agree.ts";

/** Seeds per format. */
export const SEEDS = 150;

/** A tool call as a correct reader returns it; `id` undefined: the wire gave none. */
export interface ExpectedCall {
  id: string | undefined;
  name: string;
  arguments: unknown;
  /** The arguments are not JSON (cut off by the token limit): kept as text, with a parseError. */
  invalid: boolean;
}

/** What a correct reader makes of a generated stream: the oracle. */
export interface Expected {
  text: string;
  reasoning: string;
  toolCalls: ExpectedCall[];
  finishReason: FinishReason;
  rawFinishReason: string;
  usage: { inputTokens: number | undefined; outputTokens: number | undefined };
  /** Anthropic's content blocks, each with its text, thinking or input. */
  content?: unknown[];
}

/** A generated response body and its oracle. */
export interface Generated {
  body: string;
  expected: Expected;
}

/** A drawn tool call: its arguments as a value and as the JSON text the model wrote. */
export interface Call extends ExpectedCall {
  text: string;
}

/**
 * Text fragments: empty and plain, other scripts, a combining accent, emoji
 * (modifier, flag, ZWJ), escapes, SSE look-alikes, line ends and controls.
 */
const FRAGMENTS = [
  ...["", "The", " the", " sky", ",", "Hello", " wörld", " café", " e\u0301", " —", " тест"],
  ...["日本語の", " 東京", " ∑x²", " 2+2=4", " 🙂", "👍🏽", "🇵🇹", " 👩‍💻"],
  ...[' "quoted"', " back\\slash", "\\n is not a newline", "<b>&amp;</b>", " data: x", " event: y"],
  ...["\n", "\n\n", "\r\n", "two\nlines\r\n", "\t", "\u2028", "\u0007", "zero\u200bwidth\ufeff"],
];
/** Code point ranges for random fragments: ASCII, Latin-1 and beyond, controls, CJK, emoji. */
const RANGES: [number, number][] = [
  [0x20, 0x7e],
  [0xa0, 0x17f],
  [0x01, 0x1f],
  [0x4e00, 0x9fff],
  [0x1f300, 0x1f64f],
];
/** Argument keys: plain, non-ASCII, and ones JSON escapes. */
const KEYS = ["city", "query", "n", "nested", "días", "名前", "emoji🙂", 'say "hi"', "a\\b"];
const TOOLS = ["get_weather", "search", "lookup_user", "file_size", "run_code"];
const ALPHANUMERIC = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"];

/** The seeded choices of one generated stream. */
export class Draw {
  /** The seed, for the ids a generator makes and the failure messages. */
  readonly seed: number;
  #next: () => number;

  constructor(seed: number) {
    this.seed = seed;
    this.#next = seededRandom(seed);
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return randomInt(this.#next, min, max);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.#next() < p;
  }

  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A text fragment: a listed one (empty, other scripts, emoji, escapes) or random code points. */
  fragment(): string {
    if (this.chance(0.6)) return this.pick(FRAGMENTS);
    let text = "";
    for (let i = this.int(1, 6); i > 0; i--) {
      const [from, to] = this.pick(RANGES);
      text += String.fromCodePoint(this.int(from, to));
    }
    return text;
  }

  /** 1 to `max` text fragments. */
  fragments(max = 12): string[] {
    return Array.from({ length: this.int(1, max) }, () => this.fragment());
  }

  /** 1 to `max` text fragments, joined. */
  text(max = 12): string {
    return this.fragments(max).join("");
  }

  /** `text` cut at random code point boundaries into pieces of 1 to `max` code points. */
  cut(text: string, max: number): string[] {
    const points = Array.from(text);
    const pieces: string[] = [];
    for (let at = 0; at < points.length;) {
      const size = this.int(1, max);
      pieces.push(points.slice(at, at + size).join(""));
      at += size;
    }
    return pieces;
  }

  /** `length` random letters and digits after `prefix`. */
  id(prefix: string, length: number): string {
    let id = prefix;
    for (let i = 0; i < length; i++) id += this.pick(ALPHANUMERIC);
    return id;
  }

  /** A JSON value for tool arguments, nested up to `depth`. */
  value(depth: number): unknown {
    switch (this.int(0, depth > 0 ? 6 : 3)) {
      case 0:
        return this.fragment();
      case 1:
        // Integers and binary fractions: exact through JSON, never -0.
        return this.int(-2000, 2000) / this.pick([1, 1, 4, 1024]) || 0;
      case 2:
        return this.chance(0.5);
      case 3:
        return null;
      case 4:
        return Array.from({ length: this.int(0, 3) }, () => this.value(depth - 1));
      default:
        return this.object(depth - 1);
    }
  }

  /** A JSON object of 0–4 keys. */
  object(depth: number): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    for (let i = this.int(0, 4); i > 0; i--) object[this.pick(KEYS)] = this.value(depth);
    return object;
  }

  /** A tool call; the arguments' text compact, spaced or (no parameters) sometimes empty. */
  call(id: string | undefined): Call {
    const args = this.object(2);
    const empty = Object.keys(args).length === 0;
    const text = empty && this.chance(0.3)
      ? ""
      : this.chance(0.5)
      ? JSON.stringify(args)
      : JSON.stringify(args, null, this.pick([1, 2]));
    return { id, name: this.pick(TOOLS), text, arguments: args, invalid: false };
  }
}

// --- Reading and checking ----------------------------------------------------------------------

/** Where one event (an NDJSON line, an SSE event) ends in a body of each format. */
const EVENT_END: Record<Api, string> = {
  ollama: "\n",
  openai: "\n\n",
  "openai-responses": "\n\n",
  anthropic: "\n\n",
  gemini: "\r\n\r\n",
};

/** A `fetch` answering with `pieces`, one per read. */
function piecesFetch(pieces: Uint8Array[]): typeof fetch {
  return () => Promise.resolve(new Response(source(pieces).body));
}

/** The bytes in random pieces: sometimes byte-sized, sometimes hundreds of bytes. */
function randomPieces(d: Draw, bytes: Uint8Array): Uint8Array[] {
  const max = d.pick([1, 3, 16, 100, 700]);
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = d.int(1, max);
    pieces.push(bytes.subarray(at, at += size));
  }
  return pieces;
}

/** Tool calls in the oracle's shape; an id the wire did not give must be one sluice made up. */
function callsOf(calls: readonly ToolCall[], expected: Expected): ExpectedCall[] {
  return calls.map((call, i) => ({
    id: expected.toolCalls[i]?.id === undefined && /^call_[0-9a-z]+$/.test(call.id)
      ? undefined
      : call.id,
    name: call.name,
    arguments: call.arguments,
    invalid: call.parseError !== undefined,
  }));
}

/** Asserts that a result (the client's or `streamText`'s) is the oracle; the client's content too. */
function assertExpected(result: StreamResult, expected: Expected, label: string): void {
  const { content, ...shared } = expected;
  const { inputTokens, outputTokens } = result.usage;
  const actual = {
    text: result.text,
    reasoning: result.reasoning,
    toolCalls: callsOf(result.toolCalls, expected),
    finishReason: result.finishReason,
    rawFinishReason: result.rawFinishReason,
    usage: { inputTokens, outputTokens },
  };
  assert.deepEqual(actual, shared, label);
  if (content && "content" in result) assert.deepEqual(result.content, content, label);
}

/**
 * Asserts that `streamText`'s assistant message (the turn an app sends back)
 * holds the oracle's text, reasoning (the Responses API's parts apart by a
 * blank line, as its result joins them) and tool calls.
 */
function assertMessage(api: Api, result: GenerateTextResult, expected: Expected, label: string) {
  const message = result.response.messages[0];
  assert.ok(message?.role === "assistant", `${label}: an assistant message`);
  const parts = typeof message.content === "string"
    ? [{ type: "text" as const, text: message.content }]
    : message.content;
  // A message's call keeps arguments that are not JSON as their text, without the parseError.
  const bare = (calls: ExpectedCall[]) => calls.map(({ invalid: _, ...call }) => call);
  const texts = (type: string) =>
    parts.flatMap((part) => part.type !== "tool-call" && part.type === type ? [part.text] : []);
  assert.deepEqual(
    {
      text: texts("text").join(""),
      reasoning: texts("reasoning").filter(Boolean).join(api === "openai-responses" ? "\n\n" : ""),
      toolCalls: bare(callsOf(parts.filter((part) => part.type === "tool-call"), expected)),
    },
    { text: expected.text, reasoning: expected.reasoning, toolCalls: bare(expected.toolCalls) },
    label,
  );
}

/**
 * The client's result over `fetch` (its partial one and the error when the
 * body fails), once each call's `tool-call-delta` parts are found to join to
 * the arguments it ends with.
 */
async function providerRead(api: Api, fetch: typeof globalThis.fetch, label: string) {
  const { parts, result, error } = await providerRun(api, fetch);
  for (const call of result.toolCalls) {
    const text = parts.flatMap((part) =>
      part.type === "tool-call-delta" && part.id === call.id ? [part.argumentsDelta] : []
    ).join("");
    const streamed = call.parseError !== undefined ? text : text === "" ? {} : JSON.parse(text);
    assert.deepEqual(streamed, call.arguments, `${label}: the argument deltas of ${call.name}`);
  }
  return { result, error };
}

/** Where to cut a body: at a random byte, or (`between`) right after a random event but the last. */
function cutPoint(d: Draw, api: Api, body: string, size: number, between: boolean): number {
  if (!between) return d.int(0, size - 1);
  const end = EVENT_END[api];
  let at = 0;
  const ends = body.split(end).slice(0, -2).map((event) =>
    at += new TextEncoder().encode(event + end).length
  );
  return d.pick(ends) ?? 0;
}

/**
 * The body cut at `at`: both readings agree (the same error, the same
 * partial), which is a prefix of the whole answer; a cut stream fails with an
 * `IncompleteStreamError`, unless all it lost comes after the finish: line
 * ends (a complete last event is taken without its blank line, as some
 * gateways send it), and in Chat Completions the usage chunk and `[DONE]`.
 */
async function checkCut(
  api: Api,
  bytes: Uint8Array<ArrayBuffer>,
  at: number,
  expected: Expected,
  label: string,
) {
  label = `${label}, cut at byte ${at} of ${bytes.length}`;
  // A cut inside a character is inside a line that never completes.
  const cut = bytes.slice(0, at);
  await assertAgree(api, cut, label);
  const { result, error } = await providerRead(api, piecesFetch([cut]), label);
  if (error === undefined) {
    const lost = new TextDecoder().decode(bytes.subarray(at));
    if (api !== "openai") assert.match(lost, /^[\r\n]+$/, `${label}: only line ends lost`);
    else if (result.usage.inputTokens === undefined && lost.includes("prompt_tokens")) {
      expected = { ...expected, usage: { inputTokens: undefined, outputTokens: undefined } };
    }
    assertExpected(result, expected, `${label}: whole after all`);
    return;
  }
  assert.ok(error instanceof IncompleteStreamError, `${label}: ${error}`);
  assert.ok(expected.text.startsWith(result.text), `${label}: text a prefix`);
  assert.ok(expected.reasoning.startsWith(result.reasoning), `${label}: reasoning a prefix`);
}

/** Every check of one generated stream, cut `cuts` times (every other time between events). */
async function checkCase(api: Api, d: Draw, { body, expected }: Generated, cuts: number) {
  const label = `${api} seed ${d.seed}`;
  try {
    await assertAgree(api, body, label);
    const bytes = new TextEncoder().encode(body);
    const pieces = randomPieces(d, bytes);
    const runs = [["whole", [bytes]], [`${pieces.length} pieces`, pieces]] as const;
    for (const [how, chunks] of runs) {
      const { result, error } = await providerRead(api, piecesFetch([...chunks]), label);
      if (error !== undefined) throw error;
      assertExpected(result, expected, `${label}, client, ${how}`);
    }
    const unified = await unifiedRun(api, piecesFetch(pieces));
    if (unified.error !== undefined) throw unified.error;
    const result = unified.result as GenerateTextResult;
    assertExpected(result, expected, `${label}, streamText, ${pieces.length} pieces`);
    assertMessage(api, result, expected, `${label}: streamText's message`);
    for (let i = 0; i < cuts; i++) {
      const at = cutPoint(d, api, body, bytes.length, (d.seed + i) % 2 === 1);
      await checkCut(api, bytes, at, expected, label);
    }
  } catch (error) {
    throw new Error(`${label} failed on this body:\n${body}`, { cause: error });
  }
}

/** Checks `SEEDS` streams of one format, each cut `cuts` times. */
export async function checkGenerated(
  api: Api,
  generate: (d: Draw) => Generated,
  cuts: number,
): Promise<void> {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const d = new Draw(seed);
    await checkCase(api, d, generate(d), cuts);
  }
}
