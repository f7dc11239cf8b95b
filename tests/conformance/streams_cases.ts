/**
 * The stream decoders on inline inputs, under several chunkings: whole, byte
 * by byte and seeded random pieces. Each case asserts the entire output and
 * that the stream closed (or the exact error it ended with).
 *
 * @module
 */

import {
  decodeJsonLines,
  decodeServerSentEvents,
  JsonLinesDecoderStream,
  ParseError,
  type ServerSentEvent,
  ServerSentEventDecoderStream,
} from "../../src/streams/mod.ts";
import { assert, assertEquals, assertErrorLike, test } from "./harness.ts";
import { byteStream, chunkings, readAll, readUntilError, textStream } from "./_helpers.ts";

// --- Server-Sent Events ------------------------------------------------------

const sseInput = "\uFEFF" +
  ": comment at start\n" +
  "retry: 2500\n" +
  "data: first\n\n" +
  "event: greeting\ndata: héllo wörld 🌊\n\n" +
  "data: line one\r\ndata: line two\r\n\r\n" +
  "id: 7\rdata:no space\r\r" +
  "data:  two spaces\n\n" +
  "event: no-data\n\n" +
  "data\n\n" +
  'unknown: field\ndata: {"json": true}\n\n' +
  "id\ndata: id reset\n\n" +
  "data: half-received event at the end\n";

const sseExpected: ServerSentEvent[] = [
  { event: "message", data: "first", id: "" },
  { event: "greeting", data: "héllo wörld 🌊", id: "" },
  { event: "message", data: "line one\nline two", id: "" },
  { event: "message", data: "no space", id: "7" },
  { event: "message", data: " two spaces", id: "7" },
  { event: "message", data: "", id: "7" },
  { event: "message", data: '{"json": true}', id: "7" },
  { event: "message", data: "id reset", id: "" },
];

test("decodeServerSentEvents gives the same events however the bytes are split", async () => {
  for (const { label, chunks } of chunkings(sseInput)) {
    const retries: number[] = [];
    const comments: string[] = [];
    const source = byteStream(chunks);
    const events = await readAll(decodeServerSentEvents(source.stream, {
      onRetry: (ms) => retries.push(ms),
      onComment: (text) => comments.push(text),
    }));
    assertEquals(events, sseExpected, `events (${label})`);
    assertEquals(retries, [2500], `retry values (${label})`);
    assertEquals(comments, ["comment at start"], `comments (${label})`);
    assert(
      !source.cancelled(),
      `a fully read body is not cancelled (${label})`,
    );
  }
});

test("ServerSentEventDecoderStream after TextDecoderStream gives the same events", async () => {
  for (const { label, chunks } of chunkings(sseInput)) {
    const retries: number[] = [];
    const events = await readAll(
      textStream(chunks)
        .pipeThrough(
          new ServerSentEventDecoderStream({
            onRetry: (ms) => retries.push(ms),
          }),
        ),
    );
    assertEquals(events, sseExpected, `events (${label})`);
    assertEquals(retries, [2500], `retry values (${label})`);
  }
});

test("decodeServerSentEvents reports a line over maxLineLength as a ParseError", async () => {
  const input = "data: short\n\ndata: " + "x".repeat(100) + "\n\n";
  for (const { label, chunks } of chunkings(input)) {
    const { values, error } = await readUntilError(
      decodeServerSentEvents(byteStream(chunks).stream, { maxLineLength: 32 }),
    );
    assertEquals(
      values,
      [{ event: "message", data: "short", id: "" }],
      `events (${label})`,
    );
    assert(
      error instanceof ParseError,
      `a ParseError (${label}), got ${String(error)}`,
    );
    assertErrorLike(error, "ParseError");
    assertEquals(error.line, 3, `line number (${label})`);
  }
});

// --- NDJSON -------------------------------------------------------------------

const ndjsonInput = '{"a":1}\n' +
  "\n" +
  "  \n" +
  '"text with é and 🌊"\r\n' +
  '[1,2,{"b":null}]\r' +
  "42\n" +
  "null\n" +
  '{"last": "no newline"}';

const ndjsonExpected = [
  { a: 1 },
  "text with é and 🌊",
  [1, 2, { b: null }],
  42,
  null,
  { last: "no newline" },
];

test("decodeJsonLines gives the same values however the bytes are split", async () => {
  for (const { label, chunks } of chunkings(ndjsonInput)) {
    const source = byteStream(chunks);
    const values = await readAll(decodeJsonLines(source.stream));
    assertEquals(values, ndjsonExpected, `values (${label})`);
    assert(
      !source.cancelled(),
      `a fully read body is not cancelled (${label})`,
    );
  }
});

test("JsonLinesDecoderStream after TextDecoderStream gives the same values", async () => {
  for (const { label, chunks } of chunkings(ndjsonInput)) {
    const values = await readAll(
      textStream(chunks)
        .pipeThrough(new JsonLinesDecoderStream()),
    );
    assertEquals(values, ndjsonExpected, `values (${label})`);
  }
});

const badJson = '{"ok":1}\n{"ok":2}\n{"ok":3,\n{"ok":4}\n';

test("decodeJsonLines reports the line number of bad JSON after the good values", async () => {
  for (const { label, chunks } of chunkings(badJson)) {
    const source = byteStream(chunks);
    const { values, error } = await readUntilError(
      decodeJsonLines(source.stream),
    );
    assertEquals(
      values,
      [{ ok: 1 }, { ok: 2 }],
      `values before the error (${label})`,
    );
    assert(
      error instanceof ParseError,
      `a ParseError (${label}), got ${String(error)}`,
    );
    assertErrorLike(error, "ParseError");
    assertEquals(error.line, 3, `line number (${label})`);
    assert(
      error.snippet.startsWith('{"ok":3,'),
      `snippet (${label}): ${error.snippet}`,
    );
    assert(
      error.message.includes("line 3"),
      `message names the line (${label})`,
    );
    assert(
      source.cancelled(),
      `the body is cancelled after a parse error (${label})`,
    );
  }
});

test("JsonLinesDecoderStream reports the line number of bad JSON after the good values", async () => {
  for (const { label, chunks } of chunkings(badJson)) {
    const { values, error } = await readUntilError(
      textStream(chunks)
        .pipeThrough(new JsonLinesDecoderStream()),
    );
    assertEquals(
      values,
      [{ ok: 1 }, { ok: 2 }],
      `values before the error (${label})`,
    );
    assert(
      error instanceof ParseError,
      `a ParseError (${label}), got ${String(error)}`,
    );
    assertEquals(error.line, 3, `line number (${label})`);
  }
});

test("decodeJsonLines reports a line over maxLineLength as a ParseError", async () => {
  const input = '{"a":1}\n' + JSON.stringify({ long: "y".repeat(100) }) + "\n";
  for (const { label, chunks } of chunkings(input)) {
    const { values, error } = await readUntilError(
      decodeJsonLines(byteStream(chunks).stream, { maxLineLength: 32 }),
    );
    assertEquals(values, [{ a: 1 }], `values (${label})`);
    assert(
      error instanceof ParseError,
      `a ParseError (${label}), got ${String(error)}`,
    );
    assertEquals(error.line, 2, `line number (${label})`);
  }
});

test("a decoded stream cancelled by its consumer cancels the body", async () => {
  const chunks = new TextEncoder().encode('{"n":1}\n{"n":2}\n{"n":3}\n');
  const source = byteStream([
    chunks.slice(0, 8),
    chunks.slice(8, 16),
    chunks.slice(16),
  ]);
  const reader = decodeJsonLines(source.stream).getReader();
  assertEquals(await reader.read(), { done: false, value: { n: 1 } });
  await reader.cancel(new Error("enough"));
  assert(source.cancelled(), "the body was cancelled");
});
