import assert from "node:assert/strict";
import { LineStream, type LineStreamOptions, ParseError } from "../../src/streams/mod.ts";
import {
  assertCancelled,
  chunkings,
  readAll,
  readSlowlyUntilError,
  readUntilError,
  source,
  type SourceEnd,
  textChunkings,
  utf8,
} from "./_chunkings.ts";

/** Text pieces straight into a `LineStream`. */
function linesOfText(pieces: string[], options?: LineStreamOptions, end?: SourceEnd) {
  const src = source(pieces, end);
  return { src, lines: src.body.pipeThrough(new LineStream(options)) };
}

/** Byte pieces through a `TextDecoderStream` into a `LineStream`. */
function linesOfBytes(pieces: Uint8Array[], options?: LineStreamOptions) {
  const src = source(pieces);
  const lines = src.body.pipeThrough(new TextDecoderStream()).pipeThrough(new LineStream(options));
  return { src, lines };
}

/** Asserts the lines of `text` under every text and byte chunking. */
async function assertLines(text: string, expected: string[]): Promise<void> {
  for (const { label, pieces } of textChunkings(text)) {
    assert.deepEqual(await readAll(linesOfText(pieces).lines, label), expected, `text, ${label}`);
  }
  for (const { label, pieces } of chunkings(text)) {
    assert.deepEqual(await readAll(linesOfBytes(pieces).lines, label), expected, `bytes, ${label}`);
  }
}

Deno.test("LineStream ends lines at LF, CR and CRLF in any mix", async () => {
  await assertLines("a\nb\rc\r\nd\n\re\r\rf\r\r\ng", [
    "a",
    "b",
    "c",
    "d",
    "",
    "e",
    "",
    "f",
    "",
    "g",
  ]);
});

Deno.test("LineStream counts CR CR LF as two line breaks", async () => {
  await assertLines("one\r\r\ntwo\r\r\n", ["one", "", "two", ""]);
});

Deno.test("LineStream treats a CRLF split across two chunks as one line break", async () => {
  for (
    const pieces of [
      ["a\r", "\nb\n"],
      ["a\r", "", "\nb\n"],
      ["a", "\r", "\n", "b", "\n"],
    ]
  ) {
    assert.deepEqual(await readAll(linesOfText(pieces).lines), ["a", "b"], pieces.join("|"));
  }
  assert.deepEqual(await readAll(linesOfText(["a\r", "\r\n", "b"]).lines), ["a", "", "b"]);
  assert.deepEqual(await readAll(linesOfBytes([utf8("a\r"), utf8("\nb")]).lines), ["a", "b"]);
});

Deno.test("LineStream emits the last line even without a line break", async () => {
  await assertLines("one\ntwo", ["one", "two"]);
  await assertLines("only", ["only"]);
});

Deno.test("LineStream adds no empty line after a final line break", async () => {
  await assertLines("one\n", ["one"]);
  await assertLines("one\r\n", ["one"]);
  await assertLines("one\r", ["one"]);
  await assertLines("\n", [""]);
  await assertLines("\n\n", ["", ""]);
});

Deno.test("LineStream closes with no lines for empty input", async () => {
  assert.deepEqual(await readAll(linesOfText([]).lines), []);
  assert.deepEqual(await readAll(linesOfText(["", ""]).lines), []);
});

Deno.test("LineStream keeps 2-, 3- and 4-byte UTF-8 characters split across chunks", async () => {
  await assertLines("é€😀\nxé\r\n€y\r😀", ["é€😀", "xé", "€y", "😀"]);
});

Deno.test("LineStream drops one leading byte order mark, not a later one", async () => {
  for (const { label, pieces } of textChunkings("\uFEFFa\n\uFEFFb")) {
    assert.deepEqual(await readAll(linesOfText(pieces).lines), ["a", "\uFEFFb"], label);
  }
  assert.deepEqual(await readAll(linesOfText(["\uFEFF\uFEFFa"]).lines), ["\uFEFFa"]);
  assert.deepEqual(await readAll(linesOfText(["", "\uFEFFa"]).lines), ["a"]);
  assert.deepEqual(await readAll(linesOfText(["x", "\uFEFFa"]).lines), ["x\uFEFFa"]);
});

Deno.test("LineStream turns invalid UTF-8 into U+FFFD without failing", async () => {
  const bytes = Uint8Array.of(
    0x61,
    0xff,
    0x0a, // "a", a byte that is never UTF-8
    0xe2,
    0x82,
    0x0a, // a 3-byte sequence cut short
    0x80,
    0x62,
    0x0a, // a lone continuation byte
    0x63,
    0xf0,
    0x9f,
    0x98, // a 4-byte sequence cut off by the end
  );
  for (const { label, pieces } of chunkings(bytes)) {
    assert.deepEqual(
      await readAll(linesOfBytes(pieces).lines, label),
      ["a\uFFFD", "\uFFFD", "\uFFFDb", "c\uFFFD"],
      label,
    );
  }
});

Deno.test("LineStream accepts a line of exactly maxLineLength characters", async () => {
  const line = "x".repeat(50);
  for (const { label, pieces } of textChunkings(`${line}\n${line}`, { everySplitUpTo: 0 })) {
    const { lines } = linesOfText(pieces, { maxLineLength: 50 });
    assert.deepEqual(await readAll(lines), [line, line], label);
  }
});

Deno.test("LineStream errors with a ParseError on an over-long line, in one chunk or many", async () => {
  const long = "0123456789".repeat(6); // 60 characters
  const text = `short\n\n${long}\nafter\n`;
  for (const { label, pieces } of textChunkings(text)) {
    // The source then stays open: the error must arrive without waiting for more input.
    const { src, lines } = linesOfText(pieces, { maxLineLength: 50 }, { kind: "hang" });
    const { items, error } = await readUntilError(lines, label);
    assert.deepEqual(items, ["short", ""], label);
    assert.ok(error instanceof ParseError, label);
    assert.equal(error.name, "ParseError");
    assert.equal(error.line, 3, label);
    assert.equal(error.snippet, long.slice(0, 40), label);
    assert.match(error.message, /^Line 3 is longer than the limit of 50 characters: '/);
    assert.ok(error.message.includes(`'${long.slice(0, 40)}…'`), `${label}: ${error.message}`);
    await assertCancelled(src, label);
  }
});

Deno.test("LineStream's error snippet holds the start of the over-long line only", async () => {
  for (const { label, pieces } of textChunkings("ok\nabcdefghijkl\nnext line\n")) {
    const { error } = await readUntilError(linesOfText(pieces, { maxLineLength: 10 }).lines);
    assert.ok(error instanceof ParseError, label);
    assert.equal(error.line, 2, label);
    assert.ok(error.snippet.length >= 11 && "abcdefghijkl".startsWith(error.snippet), label);
  }
});

Deno.test("LineStream stops reading an endless line once it passes the limit", async () => {
  const piece = "x".repeat(1000);
  const src = source<string>({
    *[Symbol.iterator]() {
      while (true) yield piece;
    },
  });
  const { error } = await readUntilError(
    src.body.pipeThrough(new LineStream({ maxLineLength: 10_000 })),
  );
  assert.ok(error instanceof ParseError);
  assert.equal(error.line, 1);
  assert.ok(src.pulls <= 15, `read ${src.pulls} pieces of 1000 characters`);
  await assertCancelled(src);
});

Deno.test("LineStream delivers the lines before an error to a slow reader", async () => {
  const src = source([`a\nb\nc\n${"x".repeat(60)}\n`]);
  const { items, error } = await readSlowlyUntilError(
    src.body.pipeThrough(new LineStream({ maxLineLength: 50 })),
  );
  assert.deepEqual(items, ["a", "b", "c"]);
  assert.ok(error instanceof ParseError);
  assert.equal(error.line, 4);
});

Deno.test("LineStream rejects a maxLineLength that is not positive", () => {
  assert.throws(() => new LineStream({ maxLineLength: 0 }), RangeError);
  assert.throws(() => new LineStream({ maxLineLength: Number.NaN }), RangeError);
});

Deno.test("LineStream decodes a 1 MB line fed in 16-character pieces", async () => {
  const line = "abcdefghijklmnop".repeat(65536);
  const pieces: string[] = [];
  for (let i = 0; i < line.length; i += 16) pieces.push(line.slice(i, i + 16));
  pieces.push("\nend");
  const lines = await readAll(linesOfText(pieces).lines);
  assert.equal(lines.length, 2);
  assert.ok(lines[0] === line, "the 1 MB line came back unchanged");
  assert.equal(lines[1], "end");
});

Deno.test("cancelling a LineStream's output cancels the source", async () => {
  const src = source(["a\nb\n", "c\n"], { kind: "hang" });
  const reader = src.body.pipeThrough(new LineStream()).getReader();
  assert.deepEqual(await reader.read(), { done: false, value: "a" });
  await reader.cancel("enough");
  assert.equal(await assertCancelled(src), "enough");
});

Deno.test("breaking out of for await over a LineStream cancels the source", async () => {
  const src = source(["a\nb\n", "c\n"], { kind: "hang" });
  for await (const line of src.body.pipeThrough(new LineStream())) {
    assert.equal(line, "a");
    break;
  }
  await assertCancelled(src);
});

Deno.test("LineStream passes on the source's error", async () => {
  const failure = new Error("connection reset");
  const src = source(["a\n", "b"], { kind: "error", error: failure });
  const { items, error } = await readUntilError(src.body.pipeThrough(new LineStream()));
  assert.deepEqual(items, ["a"]);
  assert.equal(error, failure);
});
