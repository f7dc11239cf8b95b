/**
 * The layers of `src/` point one way (ARCHITECTURE, "Layers"): a module
 * imports from its own folder or from a layer below it, never from one above
 * or from a sibling of its own rank. `src/shared` is the bottom and imports
 * nothing.
 */
import assert from "node:assert/strict";

/** Each folder of `src/` and its rank: a folder imports only from lower ranks (or itself). */
const RANK: Record<string, number> = {
  shared: 0,
  errors: 1,
  streams: 2,
  http: 3,
  response_stream: 4,
  providers: 5,
  unified: 6,
  testing: 6,
};

const SRC = new URL("../src/", import.meta.url);

async function* modules(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* modules(url);
    else if (entry.name.endsWith(".ts")) yield url;
  }
}

/** The `src/` folder a URL lies in, or undefined outside `src/`. */
function layerOf(url: URL): string | undefined {
  if (!url.href.startsWith(SRC.href)) return undefined;
  return url.href.slice(SRC.href.length).split("/")[0];
}

/** Every relative specifier a module imports or re-exports (static and dynamic). */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
    found.push(match[1]!);
  }
  return found;
}

Deno.test("every folder of src/ has a rank", async () => {
  for await (const entry of Deno.readDir(SRC)) {
    assert.ok(!entry.isFile, `src/${entry.name}: modules live in a layer's folder`);
    assert.ok(entry.name in RANK, `src/${entry.name} has no rank in tests/layers_test.ts`);
  }
});

Deno.test("src/ imports point down: no module imports a layer above or beside its own", async () => {
  const wrong: string[] = [];
  let count = 0;
  for await (const module of modules(SRC)) {
    const from = layerOf(module)!;
    const source = await Deno.readTextFile(module);
    for (const specifier of specifiers(source)) {
      count++;
      const to = layerOf(new URL(specifier, module));
      const name = module.href.slice(SRC.href.length);
      if (to === undefined) wrong.push(`src/${name} imports '${specifier}', outside src/`);
      else if (to !== from && RANK[to]! >= RANK[from]!) {
        wrong.push(`src/${name} (${from}) imports '${specifier}' (${to})`);
      }
    }
  }
  assert.ok(count > 300, `the imports were found (${count})`);
  assert.deepEqual(wrong, []);
});
