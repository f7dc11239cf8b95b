/**
 * What a user ships for what they import, bundled the way an edge or browser
 * build does (esbuild, ESM, minified, tree-shaken): an entry point imported
 * for nothing leaves nothing, an import from the root module costs what it
 * costs from its own entry point, and the stream decoders stay small. So no
 * module may do work at load (a call, a class whose definition has effects),
 * which would keep it and all it references in every bundle.
 *
 * Needs esbuild in tools/runtimes/node_modules (`bash tools/runtimes/install.sh`);
 * when it is missing the tests are ignored, and their names say why.
 * `deno task bench:size` prints the sizes.
 */
import assert from "node:assert/strict";
import { bundleSize, entryPoints, hasEsbuild } from "../bench/_bundle.ts";
import { importing, IMPORTS } from "../bench/bundle_size.ts";

const skipped = hasEsbuild() ? "" : " (skipped: esbuild is not in tools/runtimes/node_modules; " +
  "enable with: bash tools/runtimes/install.sh)";

Deno.test({
  name: "every entry point imported for nothing leaves an empty bundle" + skipped,
  ignore: skipped !== "",
  async fn() {
    for (const [name] of entryPoints()) {
      const { min } = await bundleSize(`import "${name}";\n`);
      assert.equal(min, 0, `import "${name}" left ${min} bytes`);
    }
  },
});

Deno.test({
  name: "an import from the root module costs what it costs from its own entry point" + skipped,
  ignore: skipped !== "",
  async fn() {
    for (const { names, entry, root } of IMPORTS) {
      if (!root) continue;
      const own = await bundleSize(importing(names, entry));
      const fromRoot = await bundleSize(importing(names, "@sluice/sluice"));
      // Minified names may differ by a character here and there; a module kept whole would not.
      assert.ok(
        Math.abs(fromRoot.min - own.min) <= 64,
        `{ ${names} }: ${fromRoot.min} bytes from the root, ${own.min} from ${entry}`,
      );
    }
  },
});

Deno.test({
  name: "the stream decoders alone stay under 10 KiB minified" + skipped,
  ignore: skipped !== "",
  async fn() {
    for (const names of ["decodeServerSentEvents", "decodeJsonLines", "LineStream"]) {
      const { min } = await bundleSize(importing(names, "@sluice/sluice/streams"));
      assert.ok(min < 10 * 1024, `{ ${names} } bundles to ${min} bytes`);
    }
  },
});
