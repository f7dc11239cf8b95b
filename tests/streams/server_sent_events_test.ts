import assert from "node:assert/strict";
import {
  decodeServerSentEvents,
  type DecodeServerSentEventsOptions,
  ParseError,
  type ServerSentEvent,
  ServerSentEventDecoderStream,
} from "../../src/streams/mod.ts";
import {
  assertCancelled,
  chunkings,
  concat,
  readAll,
  readSlowlyUntilError,
  readUntilError,
  source,
  type SourceEnd,
  utf8,
} from "./_chunkings.ts";

type Options = Omit<DecodeServerSentEventsOptions, "signal">;

/**
 * The ways to decode SSE bytes: the fused function read with a reader, the
 * same read with `for await` (its own iterator, which skips the stream's
 * queue), and the composable stage.
 */
const decoders = [
  {
    name: "decodeServerSentEvents",
    decode: (body: ReadableStream<Uint8Array>, options: Options) =>
      decodeServerSentEvents(body, options),
  },
  {
    name: "decodeServerSentEvents, for await",
    decode: (body: ReadableStream<Uint8Array>, options: Options) =>
      ReadableStream.from(decodeServerSentEvents(body, options)),
  },
  {
    name: "ServerSentEventDecoderStream",
    decode: (body: ReadableStream<Uint8Array>, options: Options) =>
      body.pipeThrough(new TextDecoderStream()).pipeThrough(
        new ServerSentEventDecoderStream(options),
      ),
  },
];

interface Expected {
  events: Partial<ServerSentEvent>[];
  comments?: string[];
  retries?: number[];
}

/** `message` and `""` are the defaults of `event` and `id`. */
function event(fields: Partial<ServerSentEvent>): ServerSentEvent {
  return { event: "message", data: "", id: "", ...fields };
}

/**
 * Decodes `input` with every decoder under every chunking and asserts the
 * entire output (events, comments, retries) and that the stream closed.
 */
async function assertDecodes(
  input: string | Uint8Array,
  expected: Expected,
  only = decoders,
): Promise<void> {
  const events = expected.events.map(event);
  for (const decoder of only) {
    for (const { label, pieces } of chunkings(input)) {
      const where = `${decoder.name}, ${label}`;
      const comments: string[] = [];
      const retries: number[] = [];
      const stream = decoder.decode(source(pieces).body, {
        onComment: (text) => comments.push(text),
        onRetry: (ms) => retries.push(ms),
      });
      assert.deepEqual(await readAll(stream, where), events, where);
      assert.deepEqual(comments, expected.comments ?? [], where);
      assert.deepEqual(retries, expected.retries ?? [], where);
    }
  }
}

Deno.test("decodeServerSentEvents decodes a simple event", async () => {
  await assertDecodes("data: hello\n\n", { events: [{ data: "hello" }] });
});

Deno.test("decodeServerSentEvents names an unnamed event message", async () => {
  await assertDecodes("data: a\n\nevent:\ndata: b\n\nevent: delta\ndata: c\n\n", {
    events: [{ data: "a" }, { data: "b" }, { event: "delta", data: "c" }],
  });
});

Deno.test("decodeServerSentEvents joins several data lines with LF", async () => {
  await assertDecodes("data: a\ndata: b\ndata\ndata:\ndata: c\n\n", {
    events: [{ data: "a\nb\n\n\nc" }],
  });
});

Deno.test("decodeServerSentEvents removes exactly one space after the colon", async () => {
  await assertDecodes("data:x\n\ndata: x\n\ndata:  x\n\ndata:   \n\nevent:  spaced\ndata: y\n\n", {
    events: [
      { data: "x" },
      { data: "x" },
      { data: " x" },
      { data: "  " },
      { event: " spaced", data: "y" },
    ],
  });
});

Deno.test("decodeServerSentEvents reads a field without a colon as an empty value", async () => {
  await assertDecodes("data\n\nevent\ndata: x\n\n", {
    events: [{ data: "" }, { data: "x" }],
  });
});

Deno.test("decodeServerSentEvents passes comment lines to onComment", async () => {
  await assertDecodes(": keep-alive\n:no space\n:\n:  two spaces\ndata: x\n: inside\n\n", {
    events: [{ data: "x" }],
    comments: ["keep-alive", "no space", "", " two spaces", "inside"],
  });
});

Deno.test("decodeServerSentEvents ignores unknown fields", async () => {
  await assertDecodes(
    "foo: bar\nDATA: no\ndata : no\n data: no\nEvent: no\nretryx: 5\ndata: yes\n\n",
    { events: [{ data: "yes" }] },
  );
});

Deno.test("decodeServerSentEvents dispatches only on a blank line with data", async () => {
  await assertDecodes("event: ping\n\nid: 1\n\n: comment\n\ndata: x\n\n\n\n", {
    events: [{ data: "x", id: "1" }],
    comments: ["comment"],
  });
});

Deno.test("decodeServerSentEvents does not carry an event name into the next event", async () => {
  await assertDecodes("event: ping\n\ndata: a\n\nevent: named\ndata: b\n\ndata: c\n\n", {
    events: [{ data: "a" }, { event: "named", data: "b" }, { data: "c" }],
  });
});

Deno.test("decodeServerSentEvents reads each event's own type when types repeat, change, or share a prefix", async () => {
  const types = ["delta", "delta", "delta_x", "delt", "delta", "", "delta", "Delta", "delta"];
  const input = types.map((type, i) => `event: ${type}\ndata: ${i}\n\n`).join("");
  await assertDecodes(input, {
    events: types.map((type, i) => type === "" ? { data: `${i}` } : { event: type, data: `${i}` }),
  });
});

Deno.test("decodeServerSentEvents keeps the last event ID across events", async () => {
  const input = [
    "id: 1\ndata: a\n\n", // id 1
    "data: b\n\n", // still 1
    "id: 2\n\n", // no event, but the ID changes
    "data: c\n\n", // 2
    "id: x\0y\ndata: d\n\n", // an ID with NULL is ignored: 2
    "data: e\nid: 3\n\n", // set after the data line, still this event's
    "id:\ndata: f\n\n", // an empty id resets to ""
    "id: 4\ndata: g\n\n",
    "id\ndata: h\n\n", // a bare id also resets
    "id:  5 \ndata: i\n\n", // one space removed, the rest kept
  ].join("");
  await assertDecodes(input, {
    events: [
      { data: "a", id: "1" },
      { data: "b", id: "1" },
      { data: "c", id: "2" },
      { data: "d", id: "2" },
      { data: "e", id: "3" },
      { data: "f", id: "" },
      { data: "g", id: "4" },
      { data: "h", id: "" },
      { data: "i", id: " 5 " },
    ],
  });
});

Deno.test("decodeServerSentEvents reports retry only when it is all ASCII digits", async () => {
  const input = [
    "retry: 1000",
    "retry: 1a",
    "retry: ",
    "retry",
    "retry: -1",
    "retry: 1.5",
    "retry:  5",
    "retry: ５",
    "retry:007",
    "retry: 0",
    "data: x",
    "",
    "",
  ].join("\n");
  await assertDecodes(input, { events: [{ data: "x" }], retries: [1000, 7, 0] });
});

Deno.test("decodeServerSentEvents resets the event name after each dispatch", async () => {
  await assertDecodes("event: a\ndata: 1\n\ndata: 2\n\nevent: b\nevent: c\ndata: 3\n\n", {
    events: [{ event: "a", data: "1" }, { data: "2" }, { event: "c", data: "3" }],
  });
});

Deno.test("decodeServerSentEvents passes [DONE] through as data", async () => {
  await assertDecodes('data: {"n":1}\n\ndata: [DONE]\n\n', {
    events: [{ data: '{"n":1}' }, { data: "[DONE]" }],
  });
});

Deno.test("decodeServerSentEvents ends lines at LF, CR and CRLF in any mix", async () => {
  await assertDecodes(
    "data: a\r\rdata: b\r\n\r\ndata: c\n\ndata: d\r\n\ndata: e\r\r\ndata: f\r\ndata: g\n\r",
    {
      events: [
        { data: "a" },
        { data: "b" },
        { data: "c" },
        { data: "d" },
        { data: "e" }, // CR ends the line, CRLF is the blank line: one event, not two
        { data: "f\ng" },
      ],
    },
  );
});

Deno.test("decodeServerSentEvents treats a CRLF split across chunks as one line break", async () => {
  for (const decoder of decoders) {
    const pieces = [utf8("data: a\r"), utf8("\ndata: b\r"), utf8("\n\r"), utf8("\n")];
    assert.deepEqual(
      await readAll(decoder.decode(source(pieces).body, {})),
      [event({ data: "a\nb" })],
      decoder.name,
    );
  }
});

Deno.test("decodeServerSentEvents drops a half-received event at the end", async () => {
  for (const tail of ["data: b", "data: b\n", "data: b\r\n", "data: b\r", "event: x\ndata: b\n"]) {
    await assertDecodes(`data: a\n\n${tail}`, { events: [{ data: "a" }] });
  }
});

Deno.test("decodeServerSentEvents keeps 2-, 3- and 4-byte UTF-8 characters split across chunks", async () => {
  await assertDecodes("data: é€😀 ü\n\nevent: ✓\ndata: 日本\n: ½ 𝄞\n\n", {
    events: [{ data: "é€😀 ü" }, { event: "✓", data: "日本" }],
    comments: ["½ 𝄞"],
  });
});

Deno.test("decodeServerSentEvents turns invalid UTF-8 into U+FFFD without failing", async () => {
  const input = concat([
    utf8("data: a"),
    Uint8Array.of(0xff),
    utf8(" b\n\ndata: "),
    Uint8Array.of(0xe2, 0x82), // a 3-byte sequence cut short
    utf8("\n\ndata: "),
    Uint8Array.of(0x80), // a lone continuation byte
    utf8("\n\ndata: x"),
    Uint8Array.of(0xf0, 0x9f), // a 4-byte sequence cut short by the line break
    utf8("\n\n"),
  ]);
  await assertDecodes(input, {
    events: [{ data: "a\uFFFD b" }, { data: "\uFFFD" }, { data: "\uFFFD" }, { data: "x\uFFFD" }],
  });
});

Deno.test("decodeServerSentEvents strips one byte order mark at the start of the stream", async () => {
  await assertDecodes("\uFEFFdata: a\n\n", { events: [{ data: "a" }] });
});

Deno.test("decodeServerSentEvents keeps a U+FEFF after the start as data", async () => {
  // Deno's TextDecoderStream (without ignoreBOM) drops a U+FEFF that begins a
  // chunk mid-stream, so the composed stage is checked after one that keeps it.
  const composed = {
    name: "ServerSentEventDecoderStream after TextDecoderStream({ ignoreBOM: true })",
    decode: (body: ReadableStream<Uint8Array>, options: Options) =>
      body.pipeThrough(new TextDecoderStream("utf-8", { ignoreBOM: true })).pipeThrough(
        new ServerSentEventDecoderStream(options),
      ),
  };
  await assertDecodes("data: \uFEFFb\n\n\uFEFFdata: c\n\ndata: d\n\n", {
    // `\uFEFFdata` is an unknown field name, so the second block has no data.
    events: [{ data: "\uFEFFb" }, { data: "d" }],
  }, [decoders[0]!, composed]);
  await assertDecodes("\uFEFF\uFEFFdata: a\n\ndata: b\n\n", { events: [{ data: "b" }] }, [
    decoders[0]!,
    composed,
  ]);
});

Deno.test("ServerSentEventDecoderStream strips one byte order mark from its text", async () => {
  const text = source(["", "\uFEFF", "data: a\n\n\uFEFFdata: b\n\n"]).body;
  assert.deepEqual(await readAll(text.pipeThrough(new ServerSentEventDecoderStream())), [
    event({ data: "a" }),
  ]);
});

Deno.test("decodeServerSentEvents errors with a ParseError on an over-long line", async () => {
  const long = `data: ${"y".repeat(60)}`;
  const input = `data: ok\n\n${long}\n\ndata: after\n\n`;
  for (const decoder of decoders) {
    for (const { label, pieces } of chunkings(input)) {
      const where = `${decoder.name}, ${label}`;
      const src = source(pieces, { kind: "hang" });
      const { items, error } = await readUntilError(
        decoder.decode(src.body, { maxLineLength: 50 }),
        where,
      );
      assert.deepEqual(items, [event({ data: "ok" })], where);
      assert.ok(error instanceof ParseError, where);
      assert.equal(error.line, 3, where);
      assert.equal(error.snippet, long.slice(0, 40), where);
      assert.ok(error.message.includes(`'${long.slice(0, 40)}…'`), where);
      await assertCancelled(src, where);
    }
  }
});

Deno.test("decodeServerSentEvents bounds the total data of one event", async () => {
  const line = `data: ${"z".repeat(30)}\n`;
  const input = `data: ok\n\n${line}${line}${line}\n`;
  for (const decoder of decoders) {
    for (const { label, pieces } of chunkings(input)) {
      const where = `${decoder.name}, ${label}`;
      const { items, error } = await readUntilError(
        decoder.decode(source(pieces).body, { maxLineLength: 50 }),
        where,
      );
      assert.deepEqual(items, [event({ data: "ok" })], where);
      assert.ok(error instanceof ParseError, where);
      assert.equal(error.line, 4, where);
      assert.match(error.message, /^Event data ending at line 4 is larger than the limit of 50/);
    }
  }
});

Deno.test("decodeServerSentEvents stops reading an endless line once it passes the limit", async () => {
  const piece = utf8("x".repeat(1000));
  for (const decoder of decoders) {
    const src = source<Uint8Array>({
      *[Symbol.iterator]() {
        while (true) yield piece;
      },
    });
    const { error } = await readUntilError(decoder.decode(src.body, { maxLineLength: 10_000 }));
    assert.ok(error instanceof ParseError, decoder.name);
    assert.ok(src.pulls <= 15, `${decoder.name} read ${src.pulls} pieces of 1000 bytes`);
    await assertCancelled(src, decoder.name);
  }
});

Deno.test("decodeServerSentEvents delivers the events before an error in the same chunk", async () => {
  const input = utf8(`data: 1\n\ndata: 2\n\ndata: 3\n\n${"x".repeat(80)}\n`);
  for (const decoder of decoders) {
    const src = source([input], { kind: "hang" });
    const { items, error } = await readSlowlyUntilError(
      decoder.decode(src.body, { maxLineLength: 50 }),
    );
    assert.deepEqual(items.map((e) => e.data), ["1", "2", "3"], decoder.name);
    assert.ok(error instanceof ParseError, decoder.name);
    await assertCancelled(src, decoder.name);
  }
});

Deno.test("decodeServerSentEvents passes on the source's error after the events before it", async () => {
  const failure = new Error("connection reset");
  for (const decoder of decoders) {
    const end: SourceEnd = { kind: "error", error: failure };
    const src = source([utf8("data: a\n\ndata: b\n\n"), utf8("data: half")], end);
    const { items, error } = await readUntilError(decoder.decode(src.body, {}));
    assert.deepEqual(items.map((e) => e.data), ["a", "b"], decoder.name);
    assert.equal(error, failure, decoder.name);
  }
});

Deno.test("decodeServerSentEvents errors with signal.reason on abort and cancels the body", async () => {
  const src = source([utf8("data: a\n\n")], { kind: "hang" });
  const controller = new AbortController();
  const reader = decodeServerSentEvents(src.body, { signal: controller.signal }).getReader();
  assert.deepEqual(await reader.read(), { done: false, value: event({ data: "a" }) });
  const pending = reader.read(); // waits on the hanging source
  const reason = new Error("user pressed stop");
  controller.abort(reason);
  await assert.rejects(pending, (error) => error === reason);
  await assert.rejects(reader.closed, (error) => error === reason);
  assert.equal(await assertCancelled(src), reason);
});

Deno.test("decodeServerSentEvents with an aborted signal errors at once", async () => {
  const src = source([utf8("data: a\n\n")]);
  const reason = new DOMException("gone", "AbortError");
  const stream = decodeServerSentEvents(src.body, { signal: AbortSignal.abort(reason) });
  const { items, error } = await readUntilError(stream);
  assert.deepEqual(items, []);
  assert.equal(error, reason);
  assert.equal(await assertCancelled(src), reason);
});

Deno.test("decodeServerSentEvents ignores an abort after the stream closed", async () => {
  const controller = new AbortController();
  const stream = decodeServerSentEvents(source([utf8("data: a\n\n")]).body, {
    signal: controller.signal,
  });
  assert.deepEqual(await readAll(stream), [event({ data: "a" })]);
  controller.abort(new Error("late"));
});

Deno.test("cancelling decoded events cancels the source body", async () => {
  for (const decoder of decoders) {
    const src = source([utf8("data: a\n\ndata: b\n\n")], { kind: "hang" });
    const reader = decoder.decode(src.body, {}).getReader();
    assert.deepEqual(await reader.read(), { done: false, value: event({ data: "a" }) });
    await reader.cancel("enough");
    assert.equal(await assertCancelled(src, decoder.name), "enough");
  }
});

Deno.test("breaking out of for await over decoded events cancels the source body", async () => {
  for (const decoder of decoders) {
    const src = source([utf8("data: a\n\n"), utf8("data: [DONE]\n\n")], { kind: "hang" });
    const seen: string[] = [];
    for await (const { data } of decoder.decode(src.body, {})) {
      if (data === "[DONE]") break;
      seen.push(data);
    }
    assert.deepEqual(seen, ["a"], decoder.name);
    await assertCancelled(src, decoder.name);
  }
});

Deno.test("decodeServerSentEvents decodes a 1 MB data line fed in 16-byte pieces", async () => {
  const data = "0123456789abcdef".repeat(65536);
  const bytes = utf8(`data: ${data}\n\n`);
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 16) pieces.push(bytes.subarray(i, i + 16));
  const events = await readAll(decodeServerSentEvents(source(pieces).body));
  assert.equal(events.length, 1);
  assert.ok(events[0]!.data === data, "the 1 MB data came back unchanged");
});

Deno.test("decodeServerSentEvents rejects a maxLineLength that is not positive", () => {
  const body = source([utf8("data: a\n\n")]).body;
  assert.throws(() => decodeServerSentEvents(body, { maxLineLength: -1 }), RangeError);
  assert.throws(() => new ServerSentEventDecoderStream({ maxLineLength: 0 }), RangeError);
});

Deno.test("decodeServerSentEvents drops a last event without its blank line unless dispatchAtEnd", async () => {
  for (const input of ['data: {"a":1}\n\ndata: [DONE]\n', 'data: {"a":1}\n\ndata: [DONE]']) {
    for (const { label, pieces } of chunkings(input)) {
      const read = async (options: { dispatchAtEnd?: boolean }) => {
        const body = ReadableStream.from(pieces);
        const data: string[] = [];
        for await (const event of decodeServerSentEvents(body, options)) data.push(event.data);
        return data;
      };
      assert.deepEqual(await read({}), ['{"a":1}'], `${label}: WHATWG by default`);
      assert.deepEqual(await read({ dispatchAtEnd: true }), ['{"a":1}', "[DONE]"], label);
    }
  }
});
