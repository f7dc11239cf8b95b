import assert from "node:assert/strict";
import { JsonArrayElementStream } from "../../src/streams/json_array_element_stream.ts";
import { parsePartialJson } from "../../src/streams/parse_partial_json.ts";
import { PartialJsonParser } from "../../src/streams/partial_json_parser.ts";
import { PartialJsonStream } from "../../src/streams/partial_json_stream.ts";
import { ParseError } from "../../src/errors/parse_error.ts";
import {
  mulberry32,
  randomInt,
  readAll,
  readUntilError,
  source,
  textChunkings,
} from "./_chunkings.ts";

/** Documents of the shapes LLM output takes, plus the awkward corners of JSON. */
const DOCUMENTS: string[] = [
  '{"name":"Ada","age":36,"languages":["en","fr"],"active":true,"manager":null}',
  '  \n\t {"a": 1}  \n',
  '"just a string"',
  "42",
  "-0.5e-3",
  "1E+10",
  "true",
  "false",
  "null",
  "[]",
  "{}",
  '[[], {}, [[]], [{}], {"a": []}]',
  '[{"id":1,"title":"Write the parser","done":false},{"id":2,"title":"Test it","done":true}]',
  '{"escapes":"quote \\" backslash \\\\ slash \\/ \\b\\f\\n\\r\\t tab","unicode":"\\u00e9\\u4e2d"}',
  '{"emoji":"\\ud83d\\ude00 and raw 😀 and 中文 and é","lone":"\\ud800x"}',
  '{\n  "steps": [\n    {\n      "explanation": "Subtract 7 from both sides",\n      "output": "8x = -30"\n    },\n    {\n      "explanation": "Divide by 8",\n      "output": "x = -3.75"\n    }\n  ],\n  "final_answer": "x = -3.75"\n}',
  '{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","minimum":1}},"required":["city"]}',
  '{"numbers":[0,-0,1,-1,12.5,1e3,1E-3,-2.5e+2,123456789012345678901234567890,0.1]}',
  '[1, "two", [3, [4, [5, {"six": [7]}]]], {"": ""}, {"a": {"b": {"c": {}}}}]',
  '{"__proto__": {"x": 1}, "constructor": "c", "toString": [1]}',
  '{"recipe":{"name":"Lasagna","ingredients":[{"name":"pasta","amount":"500g"},{"name":"tomato","amount":"2 cans"}],"steps":["Boil","Layer","Bake at 180°C for 45 min"]}}',
  '[true,false,null,"",0]',
];

/** A seeded random JSON value. */
function randomValue(random: () => number, depth = 0): unknown {
  const kind = randomInt(random, 0, depth > 3 ? 3 : 5);
  switch (kind) {
    case 0: {
      const choices = [0, -1, 3.25, 1e21, -4.5e-7, 123456, 0.001, randomInt(random, -999, 999)];
      return choices[randomInt(random, 0, choices.length - 1)];
    }
    case 1:
      return [true, false, null][randomInt(random, 0, 2)];
    case 2:
    case 3: {
      const alphabet = [
        "a",
        "b",
        " ",
        "é",
        "中",
        "😀",
        '"',
        "\\",
        "\n",
        "\t",
        "\u0001",
        "/",
        "\ud800",
      ];
      let text = "";
      const length = randomInt(random, 0, 12);
      for (let i = 0; i < length; i++) text += alphabet[randomInt(random, 0, alphabet.length - 1)];
      return text;
    }
    case 4:
      return Array.from({ length: randomInt(random, 0, 5) }, () => randomValue(random, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      const size = randomInt(random, 0, 5);
      for (let i = 0; i < size; i++) {
        object[`k${randomInt(random, 0, 20)}${i % 2 ? "é" : ""}`] = randomValue(random, depth + 1);
      }
      return object;
    }
  }
}

function randomDocuments(count: number): string[] {
  const documents: string[] = [];
  for (let seed = 1; seed <= count; seed++) {
    const random = mulberry32(seed);
    const value = randomValue(random);
    documents.push(JSON.stringify(value));
    documents.push(JSON.stringify(value, null, seed % 3 === 0 ? "\t" : 2));
  }
  return documents;
}

/**
 * Whether `partial` is consistent with `final`: objects hold a subset of the
 * keys with consistent values; arrays are no longer, with equal elements except
 * that the last may be incomplete; strings are prefixes; the rest is equal.
 */
function assertConsistent(partial: unknown, final: unknown, path = "$"): void {
  if (typeof partial === "string") {
    assert.equal(typeof final, "string", `${path}: string vs ${typeof final}`);
    assert.ok((final as string).startsWith(partial), `${path}: ${partial} not a prefix`);
    return;
  }
  if (Array.isArray(partial)) {
    assert.ok(Array.isArray(final), `${path}: array vs ${typeof final}`);
    assert.ok(partial.length <= final.length, `${path}: too long`);
    partial.forEach((element, index) => {
      if (index < partial.length - 1) assert.deepEqual(element, final[index], `${path}[${index}]`);
      else assertConsistent(element, final[index], `${path}[${index}]`);
    });
    return;
  }
  if (partial !== null && typeof partial === "object") {
    assert.ok(final !== null && typeof final === "object" && !Array.isArray(final), path);
    for (const key of Object.keys(partial)) {
      assert.ok(Object.hasOwn(final, key), `${path}.${key}: not in the final value`);
      assertConsistent(
        (partial as Record<string, unknown>)[key],
        (final as Record<string, unknown>)[key],
        `${path}.${key}`,
      );
    }
    return;
  }
  assert.ok(Object.is(partial, final), `${path}: ${String(partial)} vs ${String(final)}`);
}

/** Feeds the pieces to a parser, checking every snapshot; returns the final value. */
function parsePieces(pieces: string[], label: string): unknown {
  const expected = JSON.parse(pieces.join(""));
  const parser = new PartialJsonParser();
  const snapshots: unknown[] = [];
  let previous: unknown = parser.value;
  for (const piece of pieces) {
    const changed = parser.push(piece);
    const value = parser.value;
    if (!changed) assert.equal(value, previous, `${label}: unchanged value, new identity`);
    else snapshots.push(value);
    previous = value;
  }
  const final = parser.end();
  for (const snapshot of snapshots) assertConsistent(snapshot, expected, label);
  assert.deepEqual(final, expected, label);
  assert.deepEqual(parser.value, expected, label);
  return final;
}

Deno.test("PartialJsonParser reads every prefix of a document consistently with the final value", () => {
  for (const text of [...DOCUMENTS, ...randomDocuments(40)]) {
    const expected = JSON.parse(text);
    for (let end = 0; end <= text.length; end++) {
      const prefix = text.slice(0, end);
      const value = parsePartialJson(prefix); // never throws for a prefix
      if (value !== undefined) assertConsistent(value, expected, `${text} [0, ${end})`);
    }
  }
});

Deno.test("PartialJsonParser gives JSON.parse's value under every chunking", () => {
  for (const text of [...DOCUMENTS, ...randomDocuments(40)]) {
    for (const { label, pieces } of textChunkings(text, { everySplitUpTo: 64 })) {
      parsePieces(pieces, `${text} ${label}`);
    }
  }
});

Deno.test("PartialJsonParser shows values as they become known", () => {
  const parser = new PartialJsonParser();
  const steps: [string, unknown][] = [
    ["  ", undefined],
    ["{", {}],
    ['"na', {}],
    ['me"', {}],
    [": ", {}],
    ['"A', { name: "A" }],
    ['da", "n": -', { name: "Ada" }],
    ["1", { name: "Ada" }],
    [".", { name: "Ada" }],
    ["5e", { name: "Ada" }],
    ["2", { name: "Ada" }],
    [",", { name: "Ada", n: -150 }],
    ['"ok": tr', { name: "Ada", n: -150 }],
    ["ue", { name: "Ada", n: -150, ok: true }],
    [', "list": [[', { name: "Ada", n: -150, ok: true, list: [[]] }],
    ['{"x": nul', { name: "Ada", n: -150, ok: true, list: [[{}]] }],
    ["l}]", { name: "Ada", n: -150, ok: true, list: [[{ x: null }]] }],
    ["]}", { name: "Ada", n: -150, ok: true, list: [[{ x: null }]] }],
  ];
  for (const [piece, expected] of steps) {
    parser.push(piece);
    assert.deepEqual(parser.value, expected, JSON.stringify(piece));
  }
  assert.deepEqual(parser.end(), { name: "Ada", n: -150, ok: true, list: [[{ x: null }]] });
});

Deno.test("PartialJsonParser holds a split surrogate pair until both halves arrive", () => {
  const parser = new PartialJsonParser();
  parser.push('["a\\ud83d');
  assert.deepEqual(parser.value, ["a"]);
  parser.push("\\ude");
  assert.deepEqual(parser.value, ["a"]);
  parser.push('00b"]');
  assert.deepEqual(parser.end(), ["a😀b"]);

  const raw = new PartialJsonParser();
  assert.equal(raw.push('"x\ud83d'), true);
  assert.equal(raw.value, "x");
  assert.equal(raw.push("\ude00"), true);
  assert.equal(raw.value, "x😀");
  // A lone surrogate at the end of a string is kept, as JSON.parse keeps it.
  const lone = new PartialJsonParser();
  lone.push('"\\ud800');
  assert.equal(lone.value, "");
  assert.equal(lone.push('"'), true);
  assert.equal(lone.end(), "\ud800");
});

Deno.test("PartialJsonParser shows incomplete numbers only once complete", () => {
  for (const text of ["-", "1.", "1e", "1e+", "-0", "12"]) {
    assert.equal(parsePartialJson(text), undefined, text);
    assert.deepEqual(parsePartialJson(`[${text}`), [], text);
  }
  assert.deepEqual(parsePartialJson("[12 "), [12]);
  assert.deepEqual(parsePartialJson('{"a": 1e5}'), { a: 1e5 });
  const parser = new PartialJsonParser();
  parser.push("1");
  parser.push("23");
  assert.equal(parser.end(), 123);
});

Deno.test("PartialJsonParser keeps completed parts and renews open ones in each snapshot", () => {
  const parser = new PartialJsonParser();
  parser.push('{"done": {"a": [1]}, "open": [{"b": 1}, "x');
  const first = parser.value as { done: unknown; open: unknown[] };
  assert.equal(parser.value, first, "same snapshot until a change");
  assert.equal(parser.push("y"), true);
  const second = parser.value as { done: unknown; open: unknown[] };
  assert.notEqual(second, first);
  assert.notEqual(second.open, first.open);
  assert.equal(second.done, first.done, "a completed object is shared");
  assert.equal(second.open[0], first.open[0], "a completed element is shared");
  assert.deepEqual(first, { done: { a: [1] }, open: [{ b: 1 }, "x"] }, "earlier snapshot kept");
  parser.push('"]}');
  const final = parser.end() as { done: unknown };
  assert.equal(final.done, first.done);
});

Deno.test("PartialJsonParser reports each completed top-level element once", () => {
  const text = '[{"a": [1, 2]}, "s", 3, [], {"b": {}}, null]';
  for (const { label, pieces } of textChunkings(text)) {
    const elements: [unknown, number][] = [];
    const parser = new PartialJsonParser({
      onElement: (element, index) => elements.push([element, index]),
    });
    for (const piece of pieces) parser.push(piece);
    parser.end();
    assert.deepEqual(
      elements,
      JSON.parse(text).map((element: unknown, index: number) => [element, index]),
      label,
    );
    assert.equal(parser.completedElements, 6);
  }
  const counting = new PartialJsonParser();
  counting.push(text.slice(0, 30));
  assert.equal(counting.completedElements, 4, "counted without a callback");
  const nested = new PartialJsonParser({ onElement: () => assert.fail("not an array") });
  nested.push('{"a": [1, 2]}');
  assert.equal(nested.completedElements, 0);
});

const INVALID: [string, number][] = [
  ["{,}", 1],
  ['{"a" 1}', 1],
  ["[1,]", 1],
  ["[1 2]", 1],
  ['{\n"a": tru }', 2],
  ["[01]", 1],
  ["[1.e3]", 1],
  ["[-]", 1],
  ['"\\x"', 1],
  ['"\\u12G4"', 1],
  ['"line\nbreak"', 1],
  ["[1]\n\n]", 3],
  ["{} {}", 1],
  ["'single'", 1],
  ["[\n\n  NaN]", 3],
  ['{"a":1]', 1],
  ["\ufeff{}", 1],
];

Deno.test("PartialJsonParser throws a ParseError with the line at the first invalid character", () => {
  for (const [text, line] of INVALID) {
    assert.throws(() => JSON.parse(text), SyntaxError, text);
    for (const { label, pieces } of textChunkings(text)) {
      const parser = new PartialJsonParser();
      let consumed = 0;
      let error: unknown;
      for (const piece of pieces) {
        try {
          parser.push(piece);
        } catch (caught) {
          error = caught;
          break;
        }
        consumed += piece.length;
      }
      if (error === undefined) assert.fail(`${text} ${label}: no error before the end`);
      assert.ok(error instanceof ParseError, `${text} ${label}`);
      assert.equal(error.line, line, `${text} ${label}: ${error.message}`);
      assert.match(error.message, /^Cannot parse JSON at line \d+: unexpected character /);
      assert.throws(() => parser.push("1"), (again) => again === error);
      assert.throws(() => parser.end(), (again) => again === error);
      void consumed;
    }
  }
});

Deno.test("PartialJsonParser throws a ParseError at the end of an incomplete document", () => {
  for (
    const text of ["", "  \n", "{", '{"a"', '{"a":', "[1,", '"open', "tru", "-", "1e", "[\n[]"]
  ) {
    const parser = new PartialJsonParser();
    parser.push(text);
    assert.throws(() => parser.end(), (error) => {
      assert.ok(error instanceof ParseError);
      assert.equal(error.line, text.split("\n").length, text);
      assert.match(error.message, /^Cannot parse JSON at line \d+: unexpected end of input/);
      return true;
    });
  }
});

Deno.test("parsePartialJson throws for text that cannot start a document", () => {
  assert.throws(() => parsePartialJson("hello"), ParseError);
  assert.throws(() => parsePartialJson('{"a": 1,,'), /unexpected character ","/);
});

Deno.test("PartialJsonParser reads a 1 MB document in 16-byte deltas in linear time", () => {
  const random = mulberry32(7);
  const item = (id: number) => ({
    id,
    title: `Item ${id} ${"lorem ipsum ".repeat(randomInt(random, 1, 8))}`,
    score: randomInt(random, -1000, 1000) / 7,
    tags: ["a", "b\u00e9", "\ud83d\ude00"].slice(0, randomInt(random, 0, 3)),
    nested: { ok: random() < 0.5, none: null },
  });
  const items = Array.from({ length: 7000 }, (_, id) => item(id));
  const sections = Array.from({ length: 70 }, (_, section) => ({
    section,
    items: items.slice(section * 100, section * 100 + 100),
  }));
  const documents = {
    "7000 objects in one array": JSON.stringify({ items }, null, 1),
    "70 arrays of 100 objects": JSON.stringify({ sections }, null, 1),
    "one long string": JSON.stringify({ text: 'word \\ "quoted" é 😀 '.repeat(50_000) }),
  };
  for (const [name, text] of Object.entries(documents)) {
    const pieces: string[] = [];
    for (let i = 0; i < text.length; i += 16) pieces.push(text.slice(i, i + 16));
    let start = performance.now();
    const parser = new PartialJsonParser();
    for (const piece of pieces) parser.push(piece);
    const final = parser.end();
    const parseMs = performance.now() - start;
    let line = `${name}: ${(text.length / 1e6).toFixed(2)} MB in ${pieces.length} deltas: ` +
      `${parseMs.toFixed(0)} ms`;
    start = performance.now();
    const withSnapshots = new PartialJsonParser();
    let snapshots = 0;
    for (const piece of pieces) if (withSnapshots.push(piece) && withSnapshots.value) snapshots++;
    withSnapshots.end();
    line += `, ${(performance.now() - start).toFixed(0)} ms with ${snapshots} snapshots`;
    start = performance.now();
    assert.deepEqual(final, JSON.parse(text));
    console.log(`${line} (JSON.parse once: ${(performance.now() - start).toFixed(0)} ms)`);
  }
});

/** `[{"id":0,"name":"item 0"},…]`: a top-level array of `elements` small objects. */
function growingArray(elements: number): string {
  const parts: string[] = [];
  for (let i = 0; i < elements; i++) parts.push(`{"id":${i},"name":"item ${i}"}`);
  return `[${parts.join(",")}]`;
}

/** `text` in pieces of `size` characters. */
function piecesOf(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

/**
 * Feeds a growing array in 16-character deltas, reading `value` after every
 * push that reports a change, and returns the work the snapshots cost: the
 * total length of the arrays they copied. Checks that a change never waits
 * for more than 1/32 of the text read, and that the push closing the
 * document shows the final value.
 */
function snapshotWork(elements: number): number {
  const text = growingArray(elements);
  const expected = JSON.parse(text);
  const parser = new PartialJsonParser();
  let work = 0;
  let read = 0;
  let shownAt = 0;
  let completedShown = 0;
  let snapshots = 0;
  let last: unknown;
  for (const piece of piecesOf(text, 16)) {
    const changed = parser.push(piece);
    read += piece.length;
    if (changed) {
      const value = parser.value as unknown[];
      assert.notEqual(value, last, "a change gives a new snapshot");
      work += value.length;
      last = value;
      shownAt = read;
      completedShown = parser.completedElements;
      if (++snapshots % 256 === 0) assertConsistent(value, expected, `snapshot ${snapshots}`);
    } else if (parser.completedElements > completedShown) {
      // An element completed and is not shown yet: it waits for less than 1/32 of the text.
      assert.ok(read - shownAt < read / 32, `waited ${read - shownAt} of ${read} characters`);
    }
  }
  assert.deepEqual(last, expected, "the push that closes the document shows the final value");
  assert.equal(parser.end(), last);
  return work;
}

Deno.test("PartialJsonParser snapshots of a growing array cost linear work in all", () => {
  const small = snapshotWork(4_000);
  const large = snapshotWork(16_000);
  // Linear: about 4. Copying the whole open array on every change made it about 17.
  assert.ok(large / small < 8, `4 times the elements cost ${(large / small).toFixed(1)} times`);
});

/** The fastest of three runs of `run`, in milliseconds. */
function fastest(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** Whether `run(4n)` took less than 8 times as long as `run(n)`, with three tries (timings are noisy). */
function growsLinearly(run: (size: number) => void, n: number): { ok: boolean; ratio: number } {
  const small = fastest(() => run(n));
  let ratio = Infinity;
  for (let attempt = 0; attempt < 3 && ratio >= 8; attempt++) {
    const start = performance.now();
    run(4 * n);
    ratio = Math.min(ratio, (performance.now() - start) / Math.max(small, 0.1));
  }
  return { ok: ratio < 8, ratio };
}

Deno.test("PartialJsonParser time for a growing array read after every delta grows linearly", () => {
  const readAll = (elements: number) => {
    const parser = new PartialJsonParser();
    for (const piece of piecesOf(growingArray(elements), 16)) if (parser.push(piece)) parser.value;
    parser.end();
  };
  // Linear: about 2 to 4. Copying the whole open array on every change made it 60 and more.
  const { ok, ratio } = growsLinearly(readAll, 4_000);
  assert.ok(ok, `16,000 elements took ${ratio.toFixed(1)} times as long as 4,000`);
});

Deno.test("PartialJsonParser reads a long string of split surrogate pairs in linear time", () => {
  // Every delta ends inside a pair: the high surrogate is held back from each snapshot.
  const readString = (pairs: number) => {
    const parser = new PartialJsonParser();
    parser.push('"x\\ud83d');
    for (let i = 0; i < pairs; i++) {
      if (parser.push("\\ude00\\ud83d")) assert.equal((parser.value as string).length, 3 + 2 * i);
    }
    parser.push('\\ude00"');
    assert.equal(parser.end(), `x${"😀".repeat(pairs + 1)}`);
  };
  readString(3);
  // Linear: about 4. Cutting the held surrogate off the whole text on every snapshot made it 50.
  const { ok, ratio } = growsLinearly(readString, 10_000);
  assert.ok(ok, `40,000 pairs took ${ratio.toFixed(1)} times as long as 10,000`);
});

Deno.test("PartialJsonParser shows every change at once up to 1,024 open children", () => {
  // One character at a time: each number shows when the comma after it arrives.
  const check = (elements: number) => {
    const text = `[${Array.from({ length: elements }, (_, i) => i % 10).join(",")}]`;
    const parser = new PartialJsonParser();
    let late = 0;
    let completed = 0;
    for (const character of text) {
      const changed = parser.push(character);
      const grew = parser.completedElements > completed;
      completed = parser.completedElements;
      if (grew && !changed) late++;
      if (changed) assert.ok((parser.value as unknown[]).length <= completed);
    }
    assert.deepEqual(parser.end(), JSON.parse(text));
    return late;
  };
  assert.equal(check(1_000), 0, "every element shows with the comma after it");
  // Past 1,024 open children a change shows once 1/32 of their number in characters was read.
  assert.ok(check(2_000) > 0, "some elements show a few characters late");
});

Deno.test("PartialJsonStream emits a snapshot per change and the final value", async () => {
  for (const text of DOCUMENTS) {
    const expected = JSON.parse(text);
    for (const { label, pieces } of textChunkings(text, { everySplitUpTo: 0, randomSplits: 6 })) {
      const snapshots = await readAll(
        source(pieces).body.pipeThrough(new PartialJsonStream()),
        label,
      );
      assert.ok(snapshots.length > 0, label);
      for (const snapshot of snapshots) assertConsistent(snapshot, expected, label);
      assert.deepEqual(snapshots.at(-1), expected, `${text} ${label}`);
      for (let i = 1; i < snapshots.length; i++) {
        assert.notDeepEqual(snapshots[i], snapshots[i - 1], `${text} ${label}: repeated snapshot`);
      }
    }
  }
});

Deno.test("PartialJsonStream emits the snapshots before a ParseError and cancels the source", async () => {
  const src = source(['{"a": [1', ", 2]", ", oops}", '"never read"']);
  const { items, error } = await readUntilError(src.body.pipeThrough(new PartialJsonStream()));
  assert.deepEqual(items, [{ a: [] }, { a: [1, 2] }]);
  assert.ok(error instanceof ParseError);
  assert.equal(error.line, 1);
  const incomplete = source(['{"a": "b']);
  const result = await readUntilError(incomplete.body.pipeThrough(new PartialJsonStream()));
  assert.deepEqual(result.items, [{ a: "b" }]);
  assert.match(String(result.error), /unexpected end of input/);
});

Deno.test("JsonArrayElementStream emits each element once it is complete", async () => {
  const text = '\n [ {"task": "write", "tags": ["a"]}, {"task": "te\\u0073t"}, 7, "s", [[]] ]';
  const expected = JSON.parse(text);
  for (const { label, pieces } of textChunkings(text)) {
    const elements = await readAll(
      source(pieces).body.pipeThrough(new JsonArrayElementStream()),
      label,
    );
    assert.deepEqual(elements, expected, label);
  }
});

Deno.test("JsonArrayElementStream rejects a document that is not an array", async () => {
  const src = source(["  \n", ' {"a": 1}']);
  const { items, error } = await readUntilError(src.body.pipeThrough(new JsonArrayElementStream()));
  assert.deepEqual(items, []);
  assert.ok(error instanceof ParseError);
  assert.equal(error.line, 2);
  assert.match(error.message, /expected an array, found '\{"a": 1\}'/);
  const cut = await readUntilError(
    source(["[1, 2", ", {"]).body.pipeThrough(new JsonArrayElementStream()),
  );
  assert.deepEqual(cut.items, [1, 2]);
  assert.ok(cut.error instanceof ParseError);
});
