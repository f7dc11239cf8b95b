/**
 * What the Chromium tests share: why they are skipped (and the command that
 * enables them), bundling a page script with the project's esbuild, running a
 * playwright driver in Node that prints one `<MARKER> {json}` line, and a
 * bounded wait.
 */
import assert from "node:assert/strict";

/** The repository's root. */
export const root: URL = new URL("../../", import.meta.url);
/** The repository's root as a path. */
export const rootPath: string = decodeURIComponent(root.pathname);
const chromiumPath = Deno.env.get("SLUICE_CHROMIUM") ?? "/usr/bin/chromium";
const modules = new URL("tools/runtimes/node_modules/", root);

/** Whether a file exists. */
export function exists(path: string | URL): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why a Chromium test is skipped and the command that enables it, or "" when
 * Chromium and every one of `packages` (in tools/runtimes/node_modules) are there.
 */
export function skipReason(packages: string[]): string {
  if (!exists(chromiumPath)) {
    return `skipped: no chromium at ${chromiumPath}; enable with: sudo bash tools/runtimes/install.sh`;
  }
  const missing = packages.find((name) => !exists(new URL(`${name}/package.json`, modules)));
  return missing === undefined
    ? ""
    : `skipped: ${missing} is not in tools/runtimes/node_modules; ` +
      "enable with: bash tools/runtimes/install.sh";
}

/**
 * Bundles `entry` for the browser with tools/runtimes' esbuild into `outfile`
 * (both relative to the root); bare imports resolve in
 * tools/runtimes/node_modules, `npm:<name>@<version>` through `aliases`.
 */
export async function bundleForBrowser(
  entry: string,
  outfile: string,
  aliases: Record<string, string> = {},
): Promise<void> {
  const output = await new Deno.Command(new URL(".bin/esbuild", modules), {
    args: [
      entry,
      "--bundle",
      "--format=esm",
      "--platform=browser",
      "--target=es2022",
      ...Object.entries(aliases).map(([from, to]) => `--alias:${from}=${to}`),
      `--outfile=${outfile}`,
      "--log-level=warning",
    ],
    cwd: rootPath,
    env: { NODE_PATH: decodeURIComponent(modules.pathname) },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
}

/**
 * Runs a playwright driver (`node <script> ...args`, from the root), killed
 * after `timeoutMs`, and returns the JSON of its `<marker> {json}` line.
 */
export async function runDriver(
  script: string,
  args: string[],
  marker: string,
  timeoutMs = 40_000,
): Promise<unknown> {
  const child = new Deno.Command("node", {
    args: [script, ...args],
    cwd: rootPath,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const output = await child.output().finally(() => clearTimeout(killer));
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  const line = stdout.split("\n").find((text) => text.startsWith(`${marker} `));
  assert.ok(output.success && line, `the browser run failed:\n${stderr}${stdout}`);
  return JSON.parse(line.slice(marker.length + 1));
}

/** Resolves with the value, or rejects after `ms` milliseconds. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
