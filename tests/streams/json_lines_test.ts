import assert from "node:assert/strict";
import {
  decodeJsonLines,
  type DecodeJsonLinesOptions,
  decodeServerSentEvents,
  JsonLinesDecoderStream,
  ParseError,
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

type Options = Omit<DecodeJsonLinesOptions, "signal">;

/**
 * The ways to decode NDJSON bytes: the fused function read with a reader, the
 * same read with `for await` (its own iterator, which skips the stream's
 * queue), and the composable stage.
 */
const decoders = [
  {
    name: "decodeJsonLines",
    decode: (body: ReadableStream<Uint8Array>, options: Options = {}) =>
      decodeJsonLines(body, options),
  },
  {
    name: "decodeJsonLines, for await",
    decode: (body: ReadableStream<Uint8Array>, options: Options = {}) =>
      ReadableStream.from(decodeJsonLines(body, options)),
  },
  {
    name: "JsonLinesDecoderStream",
    decode: (body: ReadableStream<Uint8Array>, options: Options = {}) =>
      body.pipeThrough(new TextDecoderStream()).pipeThrough(new JsonLinesDecoderStream(options)),
  },
];

/** Decodes `input` with every decoder under every chunking; asserts every value and the close. */
async function assertDecodes(input: string | Uint8Array, expected: unknown[]): Promise<void> {
  for (const decoder of decoders) {
    for (const { label, pieces } of chunkings(input)) {
      const where = `${decoder.name}, ${label}`;
      assert.deepEqual(await readAll(decoder.decode(source(pieces).body), where), expected, where);
    }
  }
}

Deno.test("decodeJsonLines decodes one value per line", async () => {
  await assertDecodes('{"a":1}\n[2,3]\n"four"\n5\ntrue\nnull\n', [
    { a: 1 },
    [2, 3],
    "four",
    5,
    true,
    null,
  ]);
});

Deno.test("decodeJsonLines skips empty and whitespace-only lines", async () => {
  await assertDecodes('\n{"a":1}\n\n  \n\t\n{"b":2}\n\n', [{ a: 1 }, { b: 2 }]);
});

Deno.test("decodeJsonLines parses the last line without a line break", async () => {
  await assertDecodes('{"a":1}\n{"b":2}', [{ a: 1 }, { b: 2 }]);
  await assertDecodes("42", [42]);
});

Deno.test("decodeJsonLines ends lines at LF, CR and CRLF in any mix", async () => {
  await assertDecodes("1\r\n2\r3\n4\r\r\n5\n\r6", [1, 2, 3, 4, 5, 6]);
});

Deno.test("decodeJsonLines treats a CRLF split across chunks as one line break", async () => {
  for (const decoder of decoders) {
    const pieces = [utf8("1\r"), utf8("\n2\r"), utf8("\n")];
    assert.deepEqual(await readAll(decoder.decode(source(pieces).body)), [1, 2], decoder.name);
  }
});

Deno.test("decodeJsonLines keeps 2-, 3- and 4-byte UTF-8 characters split across chunks", async () => {
  await assertDecodes('{"t":"é€😀"}\n"日本 — ✓"\n["𝄞","ü"]\n', [
    { t: "é€😀" },
    "日本 — ✓",
    ["𝄞", "ü"],
  ]);
});

Deno.test("decodeJsonLines turns invalid UTF-8 into U+FFFD without failing", async () => {
  const input = concat([
    utf8('{"s":"a'),
    Uint8Array.of(0xff),
    utf8('b"}\n"'),
    Uint8Array.of(0xe2, 0x82), // a 3-byte sequence cut short
    utf8('"\n"'),
    Uint8Array.of(0xf0, 0x9f, 0x98), // a 4-byte sequence cut short
    utf8('"\n'),
  ]);
  await assertDecodes(input, [{ s: "a\uFFFDb" }, "\uFFFD", "\uFFFD"]);
});

Deno.test("decodeJsonLines ignores a leading byte order mark", async () => {
  await assertDecodes('\uFEFF{"a":1}\n', [{ a: 1 }]);
});

const badLine = '{"model":"llama3.2","created_at":"2025-11-03T14:22:05Z","message":{"role"';

Deno.test("decodeJsonLines reports the line number of bad JSON", async () => {
  // Line 6 is bad; the empty and blank lines before it count.
  const input = `{"a":1}\n\n   \n{"b":2}\r\n\r\n${badLine}\n{"c":3}\n`;
  for (const decoder of decoders) {
    for (const { label, pieces } of chunkings(input)) {
      const where = `${decoder.name}, ${label}`;
      const src = source(pieces, { kind: "hang" });
      const { items, error } = await readUntilError(decoder.decode(src.body), where);
      assert.deepEqual(items, [{ a: 1 }, { b: 2 }], where);
      assert.ok(error instanceof ParseError, where);
      assert.equal(error.name, "ParseError");
      assert.equal(error.line, 6, where);
      assert.equal(error.snippet, badLine.slice(0, 40), where);
      assert.equal(error.message, `Cannot parse line 6 as JSON: '${badLine.slice(0, 40)}…'`);
      assert.ok(error.cause instanceof SyntaxError, where);
      await assertCancelled(src, where);
    }
  }
});

Deno.test("decodeJsonLines quotes a short bad line whole", async () => {
  for (const decoder of decoders) {
    const { error } = await readUntilError(decoder.decode(source([utf8("1\nnope\n")]).body));
    assert.ok(error instanceof ParseError, decoder.name);
    assert.equal(error.message, "Cannot parse line 2 as JSON: 'nope'");
    assert.equal(error.snippet, "nope");
  }
});

Deno.test("decodeJsonLines reports bad JSON on an unterminated last line", async () => {
  for (const decoder of decoders) {
    for (const { label, pieces } of chunkings('{"a":1}\n{"b":2}\n{"cut off')) {
      const where = `${decoder.name}, ${label}`;
      const { items, error } = await readUntilError(decoder.decode(source(pieces).body), where);
      assert.deepEqual(items, [{ a: 1 }, { b: 2 }], where);
      assert.ok(error instanceof ParseError, where);
      assert.equal(error.line, 3, where);
      assert.equal(error.snippet, '{"cut off', where);
    }
  }
});

Deno.test("decodeJsonLines delivers the values before bad JSON in the same chunk", async () => {
  for (const decoder of decoders) {
    for (const end of [{ kind: "close" }, { kind: "hang" }] as SourceEnd[]) {
      const src = source([utf8('{"a":1}\n{"b":2}\n{"c":3}\nnot json\n{"d":4}\n')], end);
      const { items, error } = await readSlowlyUntilError(decoder.decode(src.body));
      assert.deepEqual(items, [{ a: 1 }, { b: 2 }, { c: 3 }], `${decoder.name}, ${end.kind}`);
      assert.ok(error instanceof ParseError, decoder.name);
      assert.equal(error.line, 4);
    }
  }
});

Deno.test("decodeJsonLines errors with a ParseError on an over-long line", async () => {
  const long = JSON.stringify("x".repeat(60));
  const input = `1\n\n${long}\n2\n`;
  for (const decoder of decoders) {
    for (const { label, pieces } of chunkings(input)) {
      const where = `${decoder.name}, ${label}`;
      const src = source(pieces, { kind: "hang" });
      const { items, error } = await readUntilError(
        decoder.decode(src.body, { maxLineLength: 50 }),
        where,
      );
      assert.deepEqual(items, [1], where);
      assert.ok(error instanceof ParseError, where);
      assert.equal(error.line, 3, where);
      assert.equal(error.snippet, long.slice(0, 40), where);
      await assertCancelled(src, where);
    }
  }
});

Deno.test("decodeJsonLines stops reading an endless line once it passes the limit", async () => {
  const piece = utf8("1".repeat(1000));
  for (const decoder of decoders) {
    const src = source<Uint8Array>({
      *[Symbol.iterator]() {
        while (true) yield piece;
      },
    });
    const { error } = await readUntilError(decoder.decode(src.body, { maxLineLength: 10_000 }));
    assert.ok(error instanceof ParseError, decoder.name);
    assert.equal(error.line, 1);
    assert.ok(src.pulls <= 15, `${decoder.name} read ${src.pulls} pieces of 1000 bytes`);
    await assertCancelled(src, decoder.name);
  }
});

Deno.test("decodeJsonLines decodes a 1 MB line fed in 16-byte pieces", async () => {
  const text = "0123456789abcdef".repeat(65536);
  const bytes = utf8(`${JSON.stringify({ text })}\n{"after":true}\n`);
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 16) pieces.push(bytes.subarray(i, i + 16));
  const values = await readAll(decodeJsonLines(source(pieces).body));
  assert.equal(values.length, 2);
  assert.ok((values[0] as { text: string }).text === text, "the 1 MB string came back unchanged");
  assert.deepEqual(values[1], { after: true });
});

Deno.test("decodeJsonLines passes on the source's error after the values before it", async () => {
  const failure = new TypeError("network error");
  for (const decoder of decoders) {
    const src = source([utf8("1\n2\n3")], { kind: "error", error: failure });
    const { items, error } = await readUntilError(decoder.decode(src.body));
    assert.deepEqual(items, [1, 2], decoder.name);
    assert.equal(error, failure, decoder.name);
  }
});

Deno.test("decodeJsonLines errors with signal.reason on abort and cancels the body", async () => {
  const src = source([utf8('{"done":false}\n')], { kind: "hang" });
  const controller = new AbortController();
  const reader = decodeJsonLines(src.body, { signal: controller.signal }).getReader();
  assert.deepEqual(await reader.read(), { done: false, value: { done: false } });
  const pending = reader.read();
  const reason = new DOMException("The user aborted a request.", "AbortError");
  controller.abort(reason);
  await assert.rejects(pending, (error) => error === reason);
  assert.equal(await assertCancelled(src), reason);
});

Deno.test("decodeJsonLines with an aborted signal errors at once", async () => {
  const src = source([utf8("1\n")]);
  const reason = new Error("timed out");
  const { items, error } = await readUntilError(
    decodeJsonLines(src.body, { signal: AbortSignal.abort(reason) }),
  );
  assert.deepEqual(items, []);
  assert.equal(error, reason);
  assert.equal(await assertCancelled(src), reason);
});

Deno.test("cancelling decoded JSON values cancels the source body", async () => {
  for (const decoder of decoders) {
    const src = source([utf8("1\n2\n")], { kind: "hang" });
    const reader = decoder.decode(src.body).getReader();
    assert.deepEqual(await reader.read(), { done: false, value: 1 });
    await reader.cancel("enough");
    assert.equal(await assertCancelled(src, decoder.name), "enough");
  }
});

Deno.test("breaking out of for await over decoded JSON values cancels the source body", async () => {
  for (const decoder of decoders) {
    const src = source([utf8('{"done":false}\n{"done":true}\n')], { kind: "hang" });
    let seen = 0;
    for await (const value of decoder.decode(src.body)) {
      seen++;
      if ((value as { done: boolean }).done) break;
    }
    assert.equal(seen, 2, decoder.name);
    await assertCancelled(src, decoder.name);
  }
});

Deno.test("decodeJsonLines rejects a maxLineLength that is not positive", () => {
  const body = source([utf8("1\n")]).body;
  assert.throws(() => decodeJsonLines(body, { maxLineLength: 0 }), RangeError);
  assert.throws(() => new JsonLinesDecoderStream({ maxLineLength: -5 }), RangeError);
});

Deno.test("the default maxLineLength is 8 Mi characters: a line that long decodes, one more errors", async () => {
  const limit = 8 * 1024 * 1024;
  const value = "x".repeat(limit - 2); // with its quotes, the line is exactly the limit
  const fits = JSON.stringify(value);
  assert.equal(fits.length, limit);
  const decoded = await Array.fromAsync(decodeJsonLines(new Response(fits + "\n").body!));
  assert.equal((decoded[0] as string).length, limit - 2);
  const over = JSON.stringify(value + "x");
  await assert.rejects(
    Array.fromAsync(decodeJsonLines(new Response(over + "\n").body!)),
    (error) => error instanceof ParseError && error.line === 1,
  );
  const sse = "data: " + "y".repeat(limit - 6);
  const events = await Array.fromAsync(decodeServerSentEvents(new Response(sse + "\n\n").body!));
  assert.equal(events[0]?.data.length, limit - 6);
  await assert.rejects(
    Array.fromAsync(decodeServerSentEvents(new Response(sse + "y\n\n").body!)),
    ParseError,
  );
});
