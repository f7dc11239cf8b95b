import assert from "node:assert/strict";
import {
  decodeJsonLines,
  decodeServerSentEvents,
  formatServerSentEvent,
  JsonLinesDecoderStream,
  JsonLinesEncoderStream,
  type ServerSentEvent,
  ServerSentEventDecoderStream,
  ServerSentEventEncoderStream,
  type ServerSentEventMessage,
} from "../../src/streams/mod.ts";
import {
  chunkings,
  concat,
  mulberry32,
  randomInt,
  readAll,
  readUntilError,
  source,
} from "./_chunkings.ts";

const decoder = new TextDecoder();

/** Runs values through an encoder stage and returns the bytes. */
async function encode<T>(values: T[], stage: TransformStream<T, Uint8Array>): Promise<Uint8Array> {
  return concat(await readAll(source(values).body.pipeThrough(stage)));
}

Deno.test("formatServerSentEvent writes the fields in order and ends with a blank line", () => {
  assert.equal(
    formatServerSentEvent({ comment: "hi", event: "delta", id: "7", retry: 1500, data: "x" }),
    ": hi\nevent: delta\nid: 7\nretry: 1500\ndata: x\n\n",
  );
  assert.equal(formatServerSentEvent({ data: "" }), "data: \n\n");
  assert.equal(formatServerSentEvent({}), "\n");
  assert.equal(formatServerSentEvent({ retry: 0, id: "" }), "id: \nretry: 0\n\n");
});

Deno.test("formatServerSentEvent splits data at LF, CR and CRLF into data lines", () => {
  assert.equal(
    formatServerSentEvent({ data: "a\nb\rc\r\nd\n\ne" }),
    "data: a\ndata: b\ndata: c\ndata: d\ndata: \ndata: e\n\n",
  );
  assert.equal(formatServerSentEvent({ data: "\n" }), "data: \ndata: \n\n");
  assert.equal(formatServerSentEvent({ comment: "a\r\nb" }), ": a\n: b\n\n");
});

Deno.test("formatServerSentEvent keeps leading spaces of data", () => {
  assert.equal(formatServerSentEvent({ data: " x" }), "data:  x\n\n");
});

Deno.test("formatServerSentEvent rejects an event type with a line break", () => {
  for (const event of ["a\nb", "a\rb", "a\r\n", "\n"]) {
    assert.throws(() => formatServerSentEvent({ event, data: "x" }), TypeError, event);
  }
});

Deno.test("formatServerSentEvent rejects an id with a line break or NULL", () => {
  for (const id of ["1\n2", "1\r", "a\0b"]) {
    assert.throws(() => formatServerSentEvent({ id, data: "x" }), TypeError, JSON.stringify(id));
  }
});

Deno.test("formatServerSentEvent rejects a retry that is not a non-negative integer", () => {
  for (const retry of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(
      () => formatServerSentEvent({ retry, data: "x" }),
      (error) => error instanceof RangeError && error.message.includes(String(retry)),
      String(retry),
    );
  }
});

Deno.test("ServerSentEventEncoderStream writes one event per chunk", async () => {
  const chunks = await readAll(
    source<ServerSentEventMessage>([{ data: "a" }, { event: "done", data: "" }]).body
      .pipeThrough(new ServerSentEventEncoderStream()),
  );
  assert.deepEqual(chunks.map((chunk) => decoder.decode(chunk)), [
    "data: a\n\n",
    "event: done\ndata: \n\n",
  ]);
});

Deno.test("ServerSentEventEncoderStream errors with a TypeError on an event type with a newline", async () => {
  const messages: ServerSentEventMessage[] = [{ data: "ok" }, { event: "a\nb", data: "x" }];
  const { items, error } = await readUntilError(
    source(messages).body.pipeThrough(new ServerSentEventEncoderStream()),
  );
  assert.deepEqual(items.map((chunk) => decoder.decode(chunk)), ["data: ok\n\n"]);
  assert.ok(error instanceof TypeError);
});

Deno.test("ServerSentEventEncoderStream errors with a RangeError on retry -1", async () => {
  const { items, error } = await readUntilError(
    source<ServerSentEventMessage>([{ retry: -1 }]).body.pipeThrough(
      new ServerSentEventEncoderStream(),
    ),
  );
  assert.deepEqual(items, []);
  assert.ok(error instanceof RangeError);
});

Deno.test("JsonLinesEncoderStream writes one line per value", async () => {
  const bytes = await encode([{ a: 1 }, "two", 3, null, [true]], new JsonLinesEncoderStream());
  assert.equal(decoder.decode(bytes), '{"a":1}\n"two"\n3\nnull\n[true]\n');
});

Deno.test("JsonLinesEncoderStream escapes line breaks inside strings", async () => {
  const bytes = await encode(["a\nb\rc\u2028"], new JsonLinesEncoderStream());
  assert.equal(decoder.decode(bytes), '"a\\nb\\rc\u2028"\n');
});

Deno.test("JsonLinesEncoderStream errors with a TypeError on a value JSON cannot encode", async () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  for (const bad of [undefined, () => 1, Symbol("s"), 1n, cyclic]) {
    const { items, error } = await readUntilError(
      source<unknown>([1, bad]).body.pipeThrough(new JsonLinesEncoderStream()),
    );
    assert.deepEqual(items.map((chunk) => decoder.decode(chunk)), ["1\n"], typeof bad);
    assert.ok(error instanceof TypeError, typeof bad);
  }
});

// Property tests: decode(encode(x)) gives back x for random input.

const alphabet = [
  "a",
  "b",
  "Z",
  "0",
  " ",
  "  ",
  ":",
  "data:",
  "\t",
  "é",
  "€",
  "😀",
  "日本",
  "\uFEFF",
  "\0",
  "{",
  '"',
  "\\",
];
const breaks = ["\n", "\r", "\r\n", "\n\n", "\r\r\n"];

function randomText(random: () => number, withBreaks: boolean, maxParts = 8): string {
  let text = "";
  const parts = randomInt(random, 0, maxParts);
  for (let i = 0; i < parts; i++) {
    const pool = withBreaks && random() < 0.25 ? breaks : alphabet;
    text += pool[randomInt(random, 0, pool.length - 1)];
  }
  return text;
}

function randomMessage(random: () => number): ServerSentEventMessage {
  const message: ServerSentEventMessage = { data: randomText(random, true) };
  if (random() < 0.5) message.event = randomText(random, false, 4);
  if (random() < 0.4) message.id = randomText(random, false, 4).replaceAll("\0", "");
  if (random() < 0.2) message.retry = randomInt(random, 0, 100_000);
  if (random() < 0.2) message.comment = randomText(random, true, 4);
  return message;
}

/** What a conforming decoder must give back for `messages`. */
function expectedEvents(messages: ServerSentEventMessage[]) {
  let lastId = "";
  const events: ServerSentEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  for (const message of messages) {
    if (message.comment !== undefined) comments.push(...message.comment.split(/\r\n|\r|\n/));
    if (message.id !== undefined) lastId = message.id;
    if (message.retry !== undefined) retries.push(message.retry);
    events.push({
      event: message.event === undefined || message.event === "" ? "message" : message.event,
      // SSE has no way to say which line break a data line ended with: all come back as LF.
      data: message.data!.replace(/\r\n|\r/g, "\n"),
      id: lastId,
    });
  }
  return { events, comments, retries };
}

Deno.test("decodeServerSentEvents gives back any events ServerSentEventEncoderStream wrote (line breaks as LF)", async () => {
  for (let seed = 1; seed <= 40; seed++) {
    const random = mulberry32(seed);
    const messages = Array.from({ length: randomInt(random, 1, 12) }, () => randomMessage(random));
    const expected = expectedEvents(messages);
    const bytes = await encode(messages, new ServerSentEventEncoderStream());
    const text = messages.map(formatServerSentEvent).join("");
    assert.equal(decoder.decode(bytes), text, `seed ${seed}: the stage writes what format does`);
    const cuts = chunkings(bytes, { everySplitUpTo: 0, oneByOne: seed <= 5, randomSplits: 3 });
    for (const { label, pieces } of cuts) {
      const where = `seed ${seed}, ${label}`;
      for (const composed of [false, true]) {
        const comments: string[] = [];
        const retries: number[] = [];
        const options = {
          onComment: (text: string) => comments.push(text),
          onRetry: (ms: number) => retries.push(ms),
        };
        const body = source(pieces).body;
        // ignoreBOM: Deno's TextDecoderStream drops a U+FEFF that begins a chunk mid-stream.
        const events = composed
          ? body.pipeThrough(new TextDecoderStream("utf-8", { ignoreBOM: true }))
            .pipeThrough(new ServerSentEventDecoderStream(options))
          : decodeServerSentEvents(body, options);
        assert.deepEqual(await readAll(events, where), expected.events, where);
        assert.deepEqual(comments, expected.comments, where);
        assert.deepEqual(retries, expected.retries, where);
      }
    }
  }
});

function randomJson(random: () => number, depth = 0): unknown {
  const kind = randomInt(random, 0, depth > 3 ? 4 : 6);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      // Integers and doubles, never -0 (JSON has no negative zero).
      return random() < 0.5
        ? randomInt(random, -1e9, 1e9) || 0
        : Number(((random() - 0.5) * 10 ** randomInt(random, -5, 20)).toPrecision(17)) || 0;
    case 3:
    case 4:
      return randomText(random, true);
    case 5:
      return Array.from({ length: randomInt(random, 0, 4) }, () => randomJson(random, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      const size = randomInt(random, 0, 4);
      for (let i = 0; i < size; i++) {
        object[`k${randomText(random, true, 3)}`] = randomJson(random, depth + 1);
      }
      return object;
    }
  }
}

Deno.test("decodeJsonLines gives back any values JsonLinesEncoderStream wrote", async () => {
  for (let seed = 1; seed <= 40; seed++) {
    const random = mulberry32(seed);
    const values = Array.from({ length: randomInt(random, 1, 12) }, () => randomJson(random));
    const bytes = await encode(values, new JsonLinesEncoderStream());
    const cuts = chunkings(bytes, { everySplitUpTo: 0, oneByOne: seed <= 5, randomSplits: 3 });
    for (const { label, pieces } of cuts) {
      const where = `seed ${seed}, ${label}`;
      assert.deepEqual(await readAll(decodeJsonLines(source(pieces).body), where), values, where);
      // ignoreBOM: Deno's TextDecoderStream drops a U+FEFF that begins a chunk mid-stream.
      const composed = source(pieces).body
        .pipeThrough(new TextDecoderStream("utf-8", { ignoreBOM: true }))
        .pipeThrough(new JsonLinesDecoderStream());
      assert.deepEqual(await readAll(composed, where), values, where);
    }
  }
});
