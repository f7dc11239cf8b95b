/**
 * Bundles an import of sluice the way an edge or browser build does (esbuild,
 * ESM, minified, tree-shaken) and measures it: what a user ships for what
 * they import. Uses the esbuild pinned in tools/runtimes
 * (`bash tools/runtimes/install.sh` puts it there).
 *
 * @module
 */

/** The repository's folder, with a trailing slash. */
export const ROOT: string = decodeURIComponent(new URL("../../", import.meta.url).pathname);

/** The esbuild binary of tools/runtimes. */
export const ESBUILD = `${ROOT}tools/runtimes/node_modules/.bin/esbuild`;

/** True when tools/runtimes' esbuild is installed. */
export function hasEsbuild(): boolean {
  try {
    Deno.statSync(ESBUILD);
    return true;
  } catch {
    return false;
  }
}

/**
 * The package's entry points, as the `deno.json` in `root` (a folder, with a
 * trailing slash) exports them: name → absolute path.
 */
export function entryPoints(root: string = ROOT): Map<string, string> {
  const config = JSON.parse(Deno.readTextFileSync(`${root}deno.json`)) as {
    exports: Record<string, string>;
  };
  const entries = new Map<string, string>();
  for (const [name, path] of Object.entries(config.exports)) {
    entries.set(
      name === "." ? "@sluice/sluice" : `@sluice/sluice/${name.slice(2)}`,
      `${root}${path.slice(2)}`,
    );
  }
  return entries;
}

/** The size of a bundle, in bytes. */
export interface BundleSize {
  /** Minified. */
  min: number;
  /** Minified, then gzip-compressed (what goes over the wire). */
  gzip: number;
}

async function gzipSize(bytes: Uint8Array<ArrayBuffer>): Promise<number> {
  const compressed = new Response(
    new Response(bytes).body!.pipeThrough(new CompressionStream("gzip")),
  );
  return (await compressed.arrayBuffer()).byteLength;
}

/**
 * Bundles `code` (a module whose imports name sluice's entry points as
 * `@sluice/sluice…`) for the browser, minified, and returns its size: the
 * library in `root` (by default this repository's). Throws with esbuild's
 * message when it fails.
 */
export async function bundleSize(code: string, root: string = ROOT): Promise<BundleSize> {
  let source = code;
  for (const [name, path] of entryPoints(root)) {
    source = source.replaceAll(`"${name}"`, JSON.stringify(path));
  }
  const child = new Deno.Command(ESBUILD, {
    args: [
      "--bundle",
      "--minify",
      "--format=esm",
      "--platform=browser",
      "--target=es2022",
      "--log-level=error",
      "--loader=js",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(source));
  await writer.close();
  const { code: status, stdout, stderr } = await child.output();
  if (status !== 0) throw new Error(`esbuild failed: ${new TextDecoder().decode(stderr)}`);
  return { min: stdout.byteLength, gzip: stdout.byteLength === 0 ? 0 : await gzipSize(stdout) };
}
