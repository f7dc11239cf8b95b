/**
 * `deno task bench:size`: what a user ships for what they import. Each line
 * bundles one import with esbuild (ESM, minified, tree-shaken, as an edge or
 * browser build does) and prints its size, minified and gzip-compressed; the
 * same import from the root module (`@sluice/sluice`) and from its own entry
 * point must cost the same, and an entry point imported for nothing must
 * leave nothing (`tests/bundle_test.ts` checks both).
 *
 * Needs tools/runtimes' esbuild: `bash tools/runtimes/install.sh`.
 *
 * ```sh
 * deno task bench:size
 * ```
 *
 * @module
 */
import { bundleSize, entryPoints, hasEsbuild } from "./_bundle.ts";

/** An import a user writes: the names, and the entry points that export them. */
export interface ImportCase {
  /** What is imported, as written between the braces. */
  names: string;
  /** The entry point of its own (`@sluice/sluice/…`). */
  entry: string;
  /** Also exported from the root module. */
  root: boolean;
}

/** The imports measured: one per thing a user reaches for first. */
export const IMPORTS: ImportCase[] = [
  { names: "Ollama", entry: "@sluice/sluice/ollama", root: true },
  { names: "OpenAI", entry: "@sluice/sluice/openai", root: true },
  { names: "Anthropic", entry: "@sluice/sluice/anthropic", root: true },
  { names: "Gemini", entry: "@sluice/sluice/gemini", root: true },
  { names: "streamText, ollama", entry: "@sluice/sluice/unified", root: true },
  { names: "streamText, openai", entry: "@sluice/sluice/unified", root: true },
  { names: "streamText, anthropic", entry: "@sluice/sluice/unified", root: true },
  { names: "decodeServerSentEvents", entry: "@sluice/sluice/streams", root: true },
  { names: "decodeJsonLines", entry: "@sluice/sluice/streams", root: true },
  { names: "createMockServer", entry: "@sluice/sluice/testing", root: false },
];

/** A module that imports `names` from `entry` and uses them. */
export function importing(names: string, entry: string): string {
  return `import { ${names} } from "${entry}";\nconsole.log(${names});\n`;
}

if (import.meta.main) {
  if (!hasEsbuild()) {
    console.error("esbuild is not in tools/runtimes/node_modules: bash tools/runtimes/install.sh");
    Deno.exit(1);
  }
  const kib = (bytes: number) => (bytes / 1024).toFixed(1);
  const rows: string[][] = [];
  for (const [name] of entryPoints()) {
    const size = await bundleSize(`import "${name}";\n`);
    rows.push([`import "${name}"`, kib(size.min), kib(size.gzip)]);
  }
  for (const { names, entry, root } of IMPORTS) {
    const own = await bundleSize(importing(names, entry));
    rows.push([`{ ${names} } from "${entry}"`, kib(own.min), kib(own.gzip)]);
    if (root) {
      const fromRoot = await bundleSize(importing(names, "@sluice/sluice"));
      rows.push([`{ ${names} } from "@sluice/sluice"`, kib(fromRoot.min), kib(fromRoot.gzip)]);
    }
  }
  const header = ["import (esbuild, ESM, minified)", "KiB", "KiB gzip"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))
      .join("  ");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}
