/**
 * The floor the benches measure sluice against: one body read, one
 * `TextDecoder.decode`, a minimal LF-only frame parser and one `JSON.parse`
 * per event, the text delta taken out: the least a client that parses every
 * event with `JSON.parse` can do for the same bytes and the same answer.
 * sluice's readers take the most frequent frames apart without `JSON.parse`
 * (see ARCHITECTURE.md, "Frames of a known shape"), so they can run below it.
 *
 * @module
 */
import type { Pick } from "./_transcripts.ts";

/** How a body is framed. */
export type Framing = "ndjson" | "sse";

/** The least a frame parser does: LF-split lines with the rest carried over. */
abstract class FloorFrames {
  text = "";
  /** Text deltas taken so far. */
  deltas = 0;
  #rest = "";
  #pick: Pick;

  constructor(pick: Pick) {
    this.#pick = pick;
  }

  push(chunk: string): void {
    let start = 0;
    let end = chunk.indexOf("\n");
    if (end === -1) {
      this.#rest += chunk;
      return;
    }
    if (this.#rest !== "") {
      const line = this.#rest + chunk.slice(0, end);
      this.#rest = "";
      this.line(line, 0, line.length);
      start = end + 1;
      end = chunk.indexOf("\n", start);
    }
    while (end !== -1) {
      this.line(chunk, start, end);
      start = end + 1;
      end = chunk.indexOf("\n", start);
    }
    if (start < chunk.length) this.#rest = chunk.slice(start);
  }

  end(): void {
    if (this.#rest !== "") this.line(this.#rest, 0, this.#rest.length);
    this.#rest = "";
  }

  protected take(json: string): void {
    const delta = this.#pick(JSON.parse(json) as never);
    if (delta) {
      this.text += delta;
      this.deltas++;
    }
  }

  protected abstract line(text: string, start: number, end: number): void;
}

class FloorNdjson extends FloorFrames {
  protected line(text: string, start: number, end: number): void {
    if (end > start) this.take(text.slice(start, end));
  }
}

class FloorSse extends FloorFrames {
  #data: string | undefined;

  protected line(text: string, start: number, end: number): void {
    if (start === end) {
      const data = this.#data;
      this.#data = undefined;
      if (data !== undefined && data !== "[DONE]") this.take(data);
    } else if (text.startsWith("data:", start)) {
      const from = text.charCodeAt(start + 5) === 32 ? start + 6 : start + 5;
      const value = text.slice(from, end);
      this.#data = this.#data === undefined ? value : this.#data + "\n" + value;
    }
  }
}

function framesOf(framing: Framing, pick: Pick): FloorFrames {
  return framing === "ndjson" ? new FloorNdjson(pick) : new FloorSse(pick);
}

const STREAM: TextDecodeOptions = { stream: true };

/** Reads a body to its end through the floor's frames. */
export class Floor {
  /** The frames read so far: `text` and `deltas`. */
  readonly frames: { readonly text: string; readonly deltas: number };
  readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  #frames: FloorFrames;
  #decoder = new TextDecoder("utf-8", { ignoreBOM: true });

  constructor(framing: Framing, pick: Pick, body: ReadableStream<Uint8Array>) {
    this.frames = this.#frames = framesOf(framing, pick);
    this.reader = new Response(body).body!.getReader();
  }

  /** One read; false at the end of the body. */
  async read(): Promise<boolean> {
    const { done, value } = await this.reader.read();
    if (done) {
      this.#frames.push(this.#decoder.decode());
      this.#frames.end();
      return false;
    }
    // A piece ending on an ASCII byte cannot end inside a character: the one-shot decode.
    const last = value[value.length - 1];
    this.#frames.push(
      last !== undefined && last < 0x80
        ? this.#decoder.decode(value)
        : this.#decoder.decode(value, STREAM),
    );
    return true;
  }
}

/** The text of the whole body, decoded at once (what every candidate must deliver). */
export function expectedText(framing: Framing, pick: Pick, bytes: Uint8Array): string {
  const frames = framesOf(framing, pick);
  frames.push(new TextDecoder().decode(bytes));
  frames.end();
  return frames.text;
}
