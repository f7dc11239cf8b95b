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
 * deno task bench:size                # the working tree
 * deno task bench:size --rev 5b4177f  # and, beside it, the library at that revision
 * ```
 *
 * @module
 */
import { bundleSize, entryPoints, hasEsbuild } from "./_bundle.ts";
import { archiveRevision, table } from "./_common.ts";

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
  // `--rev REV`: a column for the library as it was at that git revision.
  const revIndex = Deno.args.indexOf("--rev");
  const rev = revIndex === -1 ? undefined : Deno.args[revIndex + 1];
  const temp = rev === undefined ? undefined : await Deno.makeTempDir({ prefix: "sluice-size-" });
  if (rev !== undefined) await archiveRevision(rev, ["deno.json", "mod.ts", "src"], temp!);
  const sizes = async (code: string) => {
    const { min, gzip } = await bundleSize(code);
    const cells = [`${kib(min)} (${kib(gzip)})`];
    if (temp !== undefined) {
      const before = await bundleSize(code, `${temp}/`);
      cells.push(`${kib(before.min)} (${kib(before.gzip)})`);
    }
    return cells;
  };
  const kib = (bytes: number) => (bytes / 1024).toFixed(1);
  const rows: string[][] = [];
  try {
    for (const [name] of entryPoints()) {
      rows.push([`import "${name}"`, ...await sizes(`import "${name}";\n`)]);
    }
    for (const { names, entry, root } of IMPORTS) {
      rows.push([`{ ${names} } from "${entry}"`, ...await sizes(importing(names, entry))]);
      if (root) {
        rows.push([
          `{ ${names} } from "@sluice/sluice"`,
          ...await sizes(importing(names, "@sluice/sluice")),
        ]);
      }
    }
  } finally {
    if (temp !== undefined) await Deno.remove(temp, { recursive: true });
  }
  const head = ["import (esbuild, ESM, minified)", "KiB (gzip)"];
  if (rev !== undefined) head.push(`at ${rev}`);
  console.log(table(head, rows, head.map((_, i) => i > 0)));
}
