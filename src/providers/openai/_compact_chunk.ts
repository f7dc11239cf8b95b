import { holds, plainStringEnd, sliceOwn } from "../../shared/_compact_json.ts";

type Json = Record<string, unknown>;

/** Where choice 0's content starts in a token chunk; `"choices"` must first occur here. */
const CHOICE_START = ',"choices":[{"index":0,"delta":{"content":"';
const CHOICE_END = '"},"logprobs":null,"finish_reason":null}]';
const USAGE_NULL = ',"usage":null';
const OBFUSCATION = ',"obfuscation":"';
/** Chunks parsed in full in one stream that may teach a head; past that, none is looked at. */
const ATTEMPTS = 32;

/**
 * OpenAI's most frequent chunk, one token of content, read without
 * `JSON.parse`. The token chunks of a stream begin with the same text — `id`,
 * `object`, `created`, `model`, `service_tier`, `system_fingerprint`, up to
 * choice 0's content — and differ only in the content and what follows it:
 *
 * ```text
 * {"id":"chatcmpl-…","object":"chat.completion.chunk","created":1762180925,…,
 *  "choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}],
 *  "usage":null,"obfuscation":"Jn42"}
 * ```
 *
 * Once a chunk of that shape was parsed (`learn`), a chunk beginning with the
 * same head is read by taking the content and the last fields (`usage: null`,
 * `obfuscation`) apart (`read`), into the object `JSON.parse` would give:
 * the head's fields (all primitives) in their order, then `choices`, then the
 * last fields. Anything else — an escape in a string, another field, another
 * head — is left to `JSON.parse`.
 */
export class CompactChunks {
  /** The head's text, up to the content's first character. */
  #head: string | undefined;
  /** The head's fields, copied into each chunk read. */
  #fields: Json = {};
  #attempts = 0;
  /** The data of the last `read` began with the head (it failed further on). */
  #headRead = false;
  // What the last `#tail` read.
  #content = "";
  #usage = 0;
  #obfuscation: string | undefined;

  /** The chunk `JSON.parse(data)` would give, or `undefined` if `data` is not of the learnt shape. */
  read(data: string): Json | undefined {
    const head = this.#head;
    this.#headRead = head !== undefined && holds(data, head, 0);
    if (head === undefined || !this.#headRead || !this.#tail(data, head.length)) return undefined;
    const chunk: Json = { ...this.#fields };
    chunk.choices = [{
      index: 0,
      delta: { content: this.#content },
      logprobs: null,
      finish_reason: null,
    }];
    // A field the head has too keeps its place and takes the last value, as in JSON.parse.
    if (this.#usage === 1) chunk.usage = null;
    if (this.#obfuscation !== undefined) chunk.obfuscation = this.#obfuscation;
    if (this.#usage === 2) chunk.usage = null;
    return chunk;
  }

  /**
   * Takes the head of a chunk `JSON.parse` read, if it is a token chunk of the
   * shape `read` reads: `data` is what `read` was just given and refused.
   */
  learn(data: string, chunk: Json): void {
    // A chunk whose head is the learnt one failed for its content or its end: nothing to learn.
    if (this.#headRead || this.#attempts >= ATTEMPTS) return;
    this.#attempts++;
    const at = data.indexOf(CHOICE_START);
    if (at <= 0 || data.indexOf('"choices"') !== at + 1) return;
    const from = at + CHOICE_START.length;
    if (!this.#tail(data, from)) return;
    const keys = Object.keys(chunk);
    const split = keys.indexOf("choices");
    // Every field of the end comes after `choices`: none is also a field of the head, whose
    // value (taken from `chunk`) would then be the end's.
    const last = (this.#usage === 0 ? 0 : 1) + (this.#obfuscation === undefined ? 0 : 1);
    if (split === -1 || keys.length - split - 1 !== last) return;
    const fields: Json = {};
    for (let i = 0; i < split; i++) {
      const key = keys[i]!;
      const value = chunk[key];
      // An object would be shared by every chunk read; `__proto__` would set the prototype.
      if (key === "__proto__" || (typeof value === "object" && value !== null)) return;
      fields[key] = value;
    }
    // A copy, not a slice, which would keep the whole read it came from alive. Decoded from
    // UTF-8, an ASCII head is stored a byte per character: it compares fastest with chunks
    // that are (those whose text is Latin-1).
    this.#head = new TextDecoder().decode(new TextEncoder().encode(data.slice(0, from)));
    this.#fields = fields;
  }

  /**
   * Reads the content starting at `from` and the end of the chunk after it:
   * the choice's close, then `"usage":null` and `"obfuscation":"…"`, each at
   * most once, in either order, then `}`.
   */
  #tail(data: string, from: number): boolean {
    const end = plainStringEnd(data, from);
    if (end === -1 || !holds(data, CHOICE_END, end)) return false;
    this.#content = sliceOwn(data, from, end);
    this.#usage = 0;
    this.#obfuscation = undefined;
    let at = end + CHOICE_END.length;
    for (;;) {
      if (at === data.length - 1) return data.charCodeAt(at) === 125; // }
      if (this.#usage === 0 && holds(data, USAGE_NULL, at)) {
        this.#usage = this.#obfuscation === undefined ? 1 : 2;
        at += USAGE_NULL.length;
      } else if (this.#obfuscation === undefined && holds(data, OBFUSCATION, at)) {
        const start = at + OBFUSCATION.length;
        const close = plainStringEnd(data, start);
        if (close === -1) return false;
        this.#obfuscation = sliceOwn(data, start, close);
        at = close + 1;
      } else {
        return false;
      }
    }
  }
}
