import assert from "node:assert/strict";
import {
  type SmoothTextChunking,
  SmoothTextStream,
  type SmoothTextStreamOptions,
} from "../../src/streams/smooth_text_stream.ts";
import {
  assertCancelled,
  mulberry32,
  randomInt,
  readAll,
  settle,
  source,
  textChunkings,
} from "./_chunkings.ts";

/** A delay that resolves at once and records its calls. */
function instantDelay() {
  const calls: number[] = [];
  const delay = (ms: number, signal: AbortSignal) => {
    calls.push(ms);
    return signal.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  };
  return { calls, delay };
}

async function smooth(pieces: string[], options: SmoothTextStreamOptions): Promise<string[]> {
  return await readAll(source(pieces).body.pipeThrough(new SmoothTextStream(options)));
}

Deno.test("SmoothTextStream cuts words with their trailing whitespace", async () => {
  const text = "  Hello, wide\tworld!\n\nHow  are you? 😀 ok";
  const expected = ["  Hello, ", "wide\t", "world!\n\n", "How  ", "are ", "you? ", "😀 ", "ok"];
  for (const { label, pieces } of textChunkings(text)) {
    const { delay } = instantDelay();
    const output = await smooth(pieces, { delay });
    assert.equal(output.join(""), text, label);
    // Whitespace split across deltas may end a piece early; words are never split.
    for (const piece of output.slice(0, -1)) assert.match(piece, /\S\s+$/, label);
  }
  const { delay } = instantDelay();
  assert.deepEqual(await smooth([text], { delay }), expected);
});

Deno.test("SmoothTextStream emits a word as soon as its whitespace arrives", async () => {
  const { delay } = instantDelay();
  const src = source(["Hel", "lo", " wor", "ld"]);
  const reader = src.body.pipeThrough(new SmoothTextStream({ delay })).getReader();
  assert.deepEqual(await reader.read(), { value: "Hello ", done: false });
  assert.equal(src.pulls, 3, "emitted after the third delta, without waiting for more");
  assert.deepEqual(await reader.read(), { value: "world", done: false });
  assert.deepEqual(await reader.read(), { value: undefined, done: true });
});

Deno.test("SmoothTextStream cuts lines, characters and regular expression matches", async () => {
  const { delay } = instantDelay();
  assert.deepEqual(
    await smooth(["one\ntw", "o\n", "\nthree"], { chunking: "line", delay }),
    ["one\n", "two\n", "\n", "three"],
  );
  assert.deepEqual(
    await smooth(["a😀", "\ud83d", "\ude00é\ud83d"], { chunking: "character", delay }),
    ["a", "😀", "😀", "é", "\ud83d"],
  );
  assert.deepEqual(
    await smooth(["a. b! c", "? d"], { chunking: /[.!?]\s*/g, delay }),
    ["a. ", "b! ", "c? ", "d"],
  );
  assert.deepEqual(await smooth(["abc"], { chunking: /x*/, delay }), ["abc"], "empty matches");
});

Deno.test("SmoothTextStream output joins to its input for every chunking", async () => {
  const random = mulberry32(42);
  const alphabet = ["a", "b", " ", "\n", "\t", "😀", "é", ".", "  ", "\r\n"];
  const chunkingsToTry: SmoothTextChunking[] = ["character", "word", "line", /[.\n]/];
  for (let round = 0; round < 40; round++) {
    let text = "";
    const length = randomInt(random, 0, 60);
    for (let i = 0; i < length; i++) text += alphabet[randomInt(random, 0, alphabet.length - 1)];
    for (const chunking of chunkingsToTry) {
      for (const { label, pieces } of textChunkings(text, { everySplitUpTo: 0, randomSplits: 4 })) {
        const { delay, calls } = instantDelay();
        const output = await smooth(pieces, { chunking, delay });
        assert.equal(output.join(""), text, `${String(chunking)} ${label}`);
        assert.ok(output.every((piece) => piece.length > 0));
        // A pause between pieces, none before the piece held until the end.
        const paused = calls.length;
        assert.ok(paused <= Math.max(0, output.length - 1) && paused >= output.length - 2, label);
        if (chunking === "character") {
          for (const piece of output) {
            assert.equal(graphemes(piece).length, 1, JSON.stringify(piece));
          }
        }
      }
    }
  }
});

/** The grapheme clusters of `text`, as `Intl.Segmenter` cuts them. */
function graphemes(text: string): string[] {
  const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
  return Array.from(segmenter.segment(text), ({ segment }) => segment);
}

/** The output of `"character"` chunking for every cutting of `text`, which must be `expected`. */
async function assertCharacters(text: string, expected: string[]): Promise<void> {
  assert.equal(expected.join(""), text);
  for (const { label, pieces } of textChunkings(text)) {
    const { delay } = instantDelay();
    assert.deepEqual(await smooth(pieces, { chunking: "character", delay }), expected, label);
  }
}

Deno.test("SmoothTextStream keeps a flag in one piece, however its code units arrive", async () => {
  // Two regional indicators each, four UTF-16 code units per flag.
  await assertCharacters("🇯🇵🇫🇷!", ["🇯🇵", "🇫🇷", "!"]);
});

Deno.test("SmoothTextStream keeps a ZWJ family emoji in one piece", async () => {
  const family = "👨\u200d👩\u200d👧\u200d👦";
  const waving = "👋🏽"; // with a skin tone modifier
  await assertCharacters(`a${family}${waving}b`, ["a", family, waving, "b"]);
});

Deno.test("SmoothTextStream keeps combining marks with their letter", async () => {
  // e + acute; a + diaeresis + macron; a Hangul syllable from jamo; CRLF is one grapheme.
  const text = "Cafe\u0301 a\u0308\u0304\u1100\u1161\u11a8\r\nz";
  await assertCharacters(text, [
    "C",
    "a",
    "f",
    "e\u0301",
    " ",
    "a\u0308\u0304",
    "\u1100\u1161\u11a8",
    "\r\n",
    "z",
  ]);
});

Deno.test("SmoothTextStream holds the last character until the next delta or the end", async () => {
  const { delay } = instantDelay();
  const src = source(["ab", "\u0301c"]);
  const reader = src.body.pipeThrough(new SmoothTextStream({ chunking: "character", delay }))
    .getReader();
  assert.deepEqual(await reader.read(), { value: "a", done: false });
  assert.equal(src.pulls, 1, "b is held: a combining mark may follow");
  assert.deepEqual(await reader.read(), { value: "b\u0301", done: false });
  assert.deepEqual(await reader.read(), { value: "c", done: false });
  assert.deepEqual(await reader.read(), { value: undefined, done: true });
});

Deno.test("SmoothTextStream cuts code points where the runtime has no Intl.Segmenter", async () => {
  const descriptor = Object.getOwnPropertyDescriptor(Intl, "Segmenter")!;
  Reflect.deleteProperty(Intl, "Segmenter");
  let stream: SmoothTextStream;
  try {
    stream = new SmoothTextStream({ chunking: "character", delayMs: 0 });
  } finally {
    Object.defineProperty(Intl, "Segmenter", descriptor);
  }
  const output = await readAll(source(["🇯🇵e\u0301", "\ud83d", "\ude00"]).body.pipeThrough(stream));
  assert.deepEqual(output, ["🇯", "🇵", "e", "\u0301", "😀"]);
});

Deno.test("SmoothTextStream pauses between pieces with real timers", async () => {
  const start = performance.now();
  const output = await smooth(["one two ", "three four five"], { delayMs: 2 });
  assert.deepEqual(output, ["one ", "two ", "three ", "four ", "five"]);
  assert.ok(performance.now() - start >= 6, "three pauses of 2 ms before the held word");
});

Deno.test("SmoothTextStream does not pause before the end", async () => {
  const calls: number[] = [];
  let release: (() => void) | undefined;
  const delay = (ms: number) => {
    calls.push(ms);
    return new Promise<void>((resolve) => release = resolve);
  };
  const reader = source(["a b", "c"]).body
    .pipeThrough(new SmoothTextStream({ delay, delayMs: 50 }))
    .getReader();
  assert.deepEqual(await reader.read(), { value: "a ", done: false });
  // "bc" is held, the input ends: flushed without any pause.
  assert.deepEqual(await reader.read(), { value: "bc", done: false });
  assert.deepEqual(await reader.read(), { value: undefined, done: true });
  assert.deepEqual(calls, []);
  assert.equal(release, undefined);
});

Deno.test("SmoothTextStream cancelled during a pause clears the timer and cancels the source", async () => {
  for (const chunking of ["word", "character"] as const) {
    const options = { delayMs: 10_000, chunking };
    const src = source(["one two three"], { kind: "hang" });
    const reader = src.body.pipeThrough(new SmoothTextStream(options)).getReader();
    assert.deepEqual(await reader.read(), {
      value: chunking === "word" ? "one " : "o",
      done: false,
    });
    const pending = reader.read(); // waits in a 10 s pause
    await settle(1);
    await reader.cancel(new Error("user left"));
    assert.deepEqual(await pending, { value: undefined, done: true });
    const reason = await assertCancelled(src);
    assert.match(String(reason), /user left/);
    // The op sanitizer fails this test if the 10 s timer is still pending.
  }
});

Deno.test("SmoothTextStream passes an abort signal to the delay and aborts it on cancel", async () => {
  let seen: AbortSignal | undefined;
  const delay = (_ms: number, signal: AbortSignal) => {
    seen = signal;
    return new Promise<void>((_resolve, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  };
  const src = source(["a b c"], { kind: "hang" });
  const reader = src.body.pipeThrough(new SmoothTextStream({ delay })).getReader();
  await reader.read();
  const pending = reader.read();
  await settle(1);
  assert.equal(seen?.aborted, false);
  await reader.cancel("stop");
  await pending;
  assert.equal(seen?.aborted, true);
  assert.equal(seen?.reason, "stop");
  assert.equal(await assertCancelled(src), "stop");
});

Deno.test("SmoothTextStream keeps the order of pieces across deltas", async () => {
  const { delay } = instantDelay();
  const words = Array.from({ length: 200 }, (_, i) => `w${i} `);
  const text = words.join("");
  for (const { label, pieces } of textChunkings(text, { everySplitUpTo: 0 })) {
    assert.deepEqual(await smooth(pieces, { delay }), words, label);
  }
});

Deno.test("SmoothTextStream rejects bad options", () => {
  assert.throws(() => new SmoothTextStream({ delayMs: -1 }), RangeError);
  assert.throws(() => new SmoothTextStream({ delayMs: NaN }), RangeError);
  assert.throws(
    () => new SmoothTextStream({ chunking: "sentence" as SmoothTextChunking }),
    /Invalid chunking: expected "character", "word", "line" or a RegExp, got "sentence"/,
  );
});
