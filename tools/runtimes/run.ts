/**
 * The runtime matrix: runs the one conformance suite (`tests/conformance/`) on
 * Deno, Node, Bun, workerd and headless Chromium, one after another, against
 * one local test server, and prints a matrix of the results.
 *
 * ```sh
 * deno task test:runtimes                      # all five
 * deno task test:runtimes --only=node,workerd  # some of them
 * deno task test:runtimes --filter=NDJSON      # cases whose name contains NDJSON
 * deno task test:runtimes --skip-install       # do not run install.sh first
 * deno task test:runtimes --verbose            # every case's outcome, every runtime's output
 * ```
 *
 * It first runs `tools/runtimes/install.sh` (idempotent: the npm dev tools
 * pinned in `tools/runtimes/package.json`, Debian's chromium), bundles the entries with esbuild into
 * `dist/runtimes/` (Node 20 cannot strip types; workerd and the browser need
 * one module), starts `server.ts` on 127.0.0.1 and a free port, then runs each
 * runtime. It exits non-zero when a case fails, a runtime cannot run, a runtime
 * runs fewer cases than the others, or a process lingers after its result (a
 * timer or connection left open).
 *
 * @module
 */

import { startServer } from "./server.ts";

const root = new URL("../../", import.meta.url);
const rootPath = decodeURIComponent(root.pathname);
const distPath = `${rootPath}dist/runtimes/`;
const modulesPath = `${rootPath}tools/runtimes/node_modules/`;
const bin = (name: string) => `${modulesPath}.bin/${name}`;

/** The longest one runtime may take, in milliseconds. */
const RUNTIME_TIMEOUT_MS = 120_000;
/** How long a process may stay alive after printing its result. */
const LINGER_LIMIT_MS = 3_000;
/** A date between 2022-11-30 (stream constructors) and the workerd binary's build date. */
const WORKERD_COMPATIBILITY_DATE = "2025-06-01";
const RESULT_PREFIX = "SLUICE_RESULT ";

const runtimeNames = ["deno", "node", "bun", "workerd", "chromium"] as const;
type RuntimeName = typeof runtimeNames[number];

interface SuiteResult {
  passed: number;
  failed: number;
  skipped: number;
  failures: { name: string; message: string }[];
  skips: { name: string; message: string }[];
  durationMs: number;
  slowest?: { name: string; ms: number }[];
  version?: string;
  error?: string;
}

interface Row {
  runtime: RuntimeName;
  version: string;
  result?: SuiteResult;
  /** Why the runtime could not run, or why its run is not trusted. */
  problem?: string;
  seconds: number;
}

// --- arguments -----------------------------------------------------------------

function parseArgs(args: string[]) {
  const options = {
    only: [...runtimeNames] as RuntimeName[],
    filter: undefined as string | undefined,
    install: true,
    verbose: false,
  };
  for (const arg of args) {
    const [flag, value] = arg.includes("=") ? arg.split(/=(.*)/s) as [string, string] : [arg, ""];
    if (flag === "--only") {
      const names = value.split(",").map((name) => name.trim()).filter(Boolean);
      for (const name of names) {
        if (!(runtimeNames as readonly string[]).includes(name)) {
          throw new TypeError(
            `Unknown runtime: '${name}' (expected ${runtimeNames.join(", ")})`,
          );
        }
      }
      options.only = names as RuntimeName[];
    } else if (flag === "--filter") options.filter = value;
    else if (flag === "--skip-install") options.install = false;
    else if (flag === "--verbose") options.verbose = true;
    else throw new TypeError(`Unknown argument: '${arg}'`);
  }
  return options;
}

// --- processes -------------------------------------------------------------------

interface ProcessOutcome {
  code: number;
  stdout: string;
  stderr: string;
  /** Milliseconds from the result line to the exit, if a result line came. */
  lingerMs?: number;
  timedOut: boolean;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function capture(
  command: string,
  args: string[],
): Promise<string | undefined> {
  try {
    const output = await new Deno.Command(command, {
      args,
      stdout: "piped",
      stderr: "null",
    })
      .output();
    return output.success ? new TextDecoder().decode(output.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

async function runProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  echo: boolean,
): Promise<ProcessOutcome> {
  const child = new Deno.Command(command, {
    args,
    cwd: rootPath,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGTERM");
    killTimer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  }, RUNTIME_TIMEOUT_MS);
  let resultAt: number | undefined;
  const collect = async (
    stream: ReadableStream<Uint8Array>,
    isStdout: boolean,
  ) => {
    const decoder = new TextDecoder();
    let text = "";
    for await (const chunk of stream) {
      const piece = decoder.decode(chunk, { stream: true });
      text += piece;
      if (echo) (isStdout ? Deno.stdout : Deno.stderr).writeSync(chunk);
      if (
        isStdout && resultAt === undefined &&
        /SLUICE_RESULT [^\n]*\n/.test(text)
      ) {
        resultAt = performance.now();
      }
    }
    return text + decoder.decode();
  };
  const [stdout, stderr, status] = await Promise.all([
    collect(child.stdout, true),
    collect(child.stderr, false),
    child.status,
  ]);
  clearTimeout(timer);
  clearTimeout(killTimer);
  const outcome: ProcessOutcome = {
    code: status.code,
    stdout,
    stderr,
    timedOut,
  };
  if (resultAt !== undefined) outcome.lingerMs = performance.now() - resultAt;
  return outcome;
}

function parseResult(stdout: string): SuiteResult | undefined {
  const line = stdout.split("\n").findLast((text) => text.startsWith(RESULT_PREFIX));
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line.slice(RESULT_PREFIX.length)) as SuiteResult;
  } catch {
    return undefined;
  }
}

function lastLines(text: string, count = 15): string {
  return text.trimEnd().split("\n").slice(-count).map((line) => `    ${line}`)
    .join("\n");
}

// --- the runtimes ------------------------------------------------------------------

interface Plan {
  /** Why it cannot run, checked before starting it. */
  missing(): Promise<string | undefined>;
  version(): Promise<string | undefined>;
  command(
    baseUrl: string,
    filter: string | undefined,
  ): { command: string; args: string[] };
  env?(baseUrl: string, filter: string | undefined): Record<string, string>;
  /** Whether a process lingering after its result counts as a failure. */
  checkLinger: boolean;
}

async function whyMissing(
  paths: Record<string, string>,
): Promise<string | undefined> {
  for (const [what, path] of Object.entries(paths)) {
    if (!(await exists(path))) {
      return `${what} not found at ${path} (run tools/runtimes/install.sh)`;
    }
  }
  return undefined;
}

function writeWorkerdConfig(): string {
  const path = `${distPath}workerd.capnp`;
  Deno.writeTextFileSync(
    path,
    `# Written by tools/runtimes/run.ts.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .conformance),
    # The default outbound network allows public addresses only; the test server is on loopback.
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
);

const conformance :Workerd.Worker = (
  modules = [(name = "workerd.mjs", esModule = embed "workerd.mjs")],
  compatibilityDate = "${WORKERD_COMPATIBILITY_DATE}",
  bindings = [
    (name = "BASE_URL", fromEnvironment = "SLUICE_BASE_URL"),
    (name = "FILTER", fromEnvironment = "SLUICE_FILTER"),
  ],
  globalOutbound = "internet",
);
`,
  );
  return path;
}

const plans: Record<RuntimeName, Plan> = {
  deno: {
    missing: () => Promise.resolve(undefined),
    version: () => Promise.resolve(Deno.version.deno),
    command: (baseUrl, filter) => ({
      command: Deno.execPath(),
      args: [
        "run",
        "--no-prompt",
        "--allow-net=127.0.0.1",
        "--allow-env=SLUICE_VERBOSE",
        "tools/runtimes/cli.ts",
        baseUrl,
        ...(filter === undefined ? [] : [filter]),
      ],
    }),
    checkLinger: true,
  },
  node: {
    missing: async () =>
      (await capture("node", ["--version"])) === undefined
        ? "node is not on the PATH"
        : await whyMissing({ "the Node bundle": `${distPath}cli.mjs` }),
    version: async () => (await capture("node", ["--version"]))?.replace(/^v/, ""),
    command: (baseUrl, filter) => ({
      command: "node",
      args: [
        "dist/runtimes/cli.mjs",
        baseUrl,
        ...(filter === undefined ? [] : [filter]),
      ],
    }),
    checkLinger: true,
  },
  bun: {
    missing: async () =>
      await whyMissing({ bun: bin("bun") }) ??
        ((await capture(bin("bun"), ["--version"])) === undefined
          ? "bun does not start (its npm postinstall did not run: see install.sh)"
          : undefined),
    version: () => capture(bin("bun"), ["--version"]),
    command: (baseUrl, filter) => ({
      command: bin("bun"),
      args: [
        "tools/runtimes/cli.ts",
        baseUrl,
        ...(filter === undefined ? [] : [filter]),
      ],
    }),
    checkLinger: true,
  },
  workerd: {
    missing: () =>
      whyMissing({
        workerd: bin("workerd"),
        "the workerd bundle": `${distPath}workerd.mjs`,
      }),
    version: async () => (await capture(bin("workerd"), ["--version"]))?.replace(/^workerd /, ""),
    command: () => ({
      command: bin("workerd"),
      args: ["test", writeWorkerdConfig()],
    }),
    env: (baseUrl, filter) => ({
      SLUICE_BASE_URL: baseUrl,
      SLUICE_FILTER: filter ?? "",
    }),
    // `workerd test` ends when the handler settles, leaked timers or not.
    checkLinger: false,
  },
  chromium: {
    missing: () =>
      whyMissing({
        chromium: Deno.env.get("SLUICE_CHROMIUM") ?? "/usr/bin/chromium",
        "playwright-core": `${modulesPath}playwright-core/package.json`,
        "the browser bundle": `${distPath}browser.mjs`,
      }),
    // The version comes from the browser itself, in the result.
    version: () => Promise.resolve(undefined),
    command: (baseUrl, filter) => {
      // The page is served from "localhost" and the API from "127.0.0.1": two
      // origins, so every fetch in the suite is a CORS request.
      const page = new URL(baseUrl.replace("127.0.0.1", "localhost"));
      page.searchParams.set("base", baseUrl);
      if (filter !== undefined) page.searchParams.set("filter", filter);
      return {
        command: "node",
        args: ["tools/runtimes/chromium.mjs", page.href],
      };
    },
    checkLinger: false,
  },
};

async function runRuntime(
  name: RuntimeName,
  baseUrl: string,
  options: ReturnType<typeof parseArgs>,
): Promise<Row> {
  const plan = plans[name];
  const started = performance.now();
  const row: Row = { runtime: name, version: "?", seconds: 0 };
  const finish = () => {
    row.seconds = (performance.now() - started) / 1000;
    return row;
  };
  const missing = await plan.missing();
  if (missing !== undefined) {
    row.problem = `could not run: ${missing}`;
    return finish();
  }
  row.version = (await plan.version()) ?? "?";
  const { command, args } = plan.command(baseUrl, options.filter);
  const env = {
    ...plan.env?.(baseUrl, options.filter),
    ...(options.verbose ? { SLUICE_VERBOSE: "1" } : {}),
  };
  let outcome: ProcessOutcome;
  try {
    outcome = await runProcess(command, args, env, options.verbose);
  } catch (error) {
    row.problem = `could not run: ${error instanceof Error ? error.message : String(error)}`;
    return finish();
  }
  const result = parseResult(outcome.stdout);
  if (result?.version !== undefined) row.version = result.version;
  if (result === undefined || result.error !== undefined) {
    const why = outcome.timedOut
      ? `timed out after ${RUNTIME_TIMEOUT_MS / 1000} s`
      : result?.error ?? `exited with ${outcome.code} and no result`;
    row.problem = `no result: ${why}\n${lastLines(outcome.stderr + outcome.stdout)}`;
    return finish();
  }
  row.result = result;
  if (outcome.timedOut) {
    row.problem = `did not exit within ${RUNTIME_TIMEOUT_MS / 1000} s`;
  } else if (
    plan.checkLinger && outcome.lingerMs !== undefined &&
    outcome.lingerMs > LINGER_LIMIT_MS
  ) {
    row.problem = `lingered ${(outcome.lingerMs / 1000).toFixed(1)} s after its result: ` +
      "a timer or connection was left open";
  } else if (result.failed === 0 && outcome.code !== 0) {
    row.problem = `exited with ${outcome.code} although every case passed\n${
      lastLines(outcome.stderr)
    }`;
  }
  return finish();
}

// --- steps ---------------------------------------------------------------------------

async function step(
  label: string,
  command: string,
  args: string[],
): Promise<number> {
  const started = performance.now();
  const status = await new Deno.Command(command, {
    args,
    cwd: rootPath,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) {
    console.error(`${label} failed with exit code ${status.code}`);
  }
  return (performance.now() - started) / 1000;
}

async function bundle(): Promise<number | undefined> {
  if (!(await exists(bin("esbuild")))) {
    console.error("esbuild not found: run tools/runtimes/install.sh");
    return undefined;
  }
  await Deno.mkdir(distPath, { recursive: true });
  return await step("esbuild", bin("esbuild"), [
    "tools/runtimes/cli.ts",
    "tools/runtimes/workerd.ts",
    "tools/runtimes/browser.ts",
    "--bundle",
    "--format=esm",
    "--platform=neutral",
    "--target=es2022",
    `--outdir=${distPath}`,
    "--out-extension:.js=.mjs",
    "--log-level=warning",
  ]);
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function printMatrix(rows: Row[], expectedCases: number): void {
  const header = ["runtime", "version", "passed", "failed", "skipped", "time"];
  const cells = rows.map((row) => [
    row.runtime,
    row.version,
    row.result ? String(row.result.passed) : "-",
    row.result ? String(row.result.failed) : "-",
    row.result ? String(row.result.skipped) : "-",
    `${row.seconds.toFixed(1)} s`,
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...cells.map((c) => c[i]!.length))
  );
  const line = (values: string[]) =>
    values.map((value, i) => pad(value, widths[i]!, i >= 2)).join("  ")
      .trimEnd();
  console.log("");
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const [i, row] of rows.entries()) {
    const notes = row.problem ? `  ${row.problem.split("\n")[0]}` : "";
    const short = row.result && row.result.passed + row.result.failed + row.result.skipped <
        expectedCases
      ? "  (ran fewer cases than the others)"
      : "";
    console.log(line(cells[i]!) + notes + short);
  }
}

// --- main ----------------------------------------------------------------------------

async function main(): Promise<number> {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(Deno.args);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const started = performance.now();
  let installSeconds = 0;
  if (options.install) {
    installSeconds = await step("install.sh", "bash", [
      `${rootPath}tools/runtimes/install.sh`,
    ]);
  }
  const bundleSeconds = await bundle();
  const server = await startServer({ quiet: true });
  const rows: Row[] = [];
  try {
    console.log(`test server: ${server.url}`);
    for (const name of options.only) {
      console.log(`running the conformance suite on ${name}…`);
      const row = await runRuntime(name, server.url, options);
      rows.push(row);
      for (const failure of row.result?.failures ?? []) {
        console.log(
          `  FAIL [${name}] ${failure.name}\n    ${failure.message.replaceAll("\n", "\n    ")}`,
        );
      }
      if (row.problem) console.log(`  PROBLEM [${name}] ${row.problem}`);
      if (options.verbose) {
        for (const { name: slow, ms } of row.result?.slowest ?? []) {
          console.log(`  slow [${name}] ${ms} ms  ${slow}`);
        }
      }
    }
  } finally {
    await server.close();
  }
  const expectedCases = Math.max(
    0,
    ...rows.map((row) =>
      row.result ? row.result.passed + row.result.failed + row.result.skipped : 0
    ),
  );
  printMatrix(rows, expectedCases);
  const total = (performance.now() - started) / 1000;
  console.log(
    `\nsetup: install ${installSeconds.toFixed(2)} s, bundle ${
      bundleSeconds === undefined ? "failed" : `${bundleSeconds.toFixed(2)} s`
    }; total ${total.toFixed(1)} s`,
  );
  let passed = 0;
  let failed = 0;
  let bad = false;
  for (const row of rows) {
    passed += row.result?.passed ?? 0;
    failed += row.result?.failed ?? 0;
    // A runtime that could not run, or whose run is not trusted, counts as one failure.
    if (row.problem !== undefined && !row.result?.failed) failed++;
    const ran = row.result ? row.result.passed + row.result.failed + row.result.skipped : 0;
    if (row.problem !== undefined || ran === 0 || ran < expectedCases) {
      bad = true;
    }
    if (row.result && ran < expectedCases && row.problem === undefined) {
      failed++;
    }
  }
  if (failed > 0) bad = true;
  // The plain closing line CI reads.
  console.log(`runtimes: ${passed} passed, ${failed} failed`);
  return bad ? 1 : 0;
}

if (import.meta.main) {
  Deno.exit(await main());
}
