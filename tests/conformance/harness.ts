/**
 * A tiny test harness that runs anywhere with web APIs only: a registry of
 * named cases, a sequential runner with a per-case time limit, and a few
 * assertions. No `Deno.*`, no `node:` imports, no runtime detection.
 *
 * @module
 */

/** What a case gets to work with. */
export interface TestContext {
  /** The test server's base URL, ending in `/`. */
  baseUrl: string;
  /** A URL on the test server: `ctx.url("events?id=1")`. */
  url(path: string): string;
  /** A fresh id for the server to track a request under. */
  id(label: string): string;
  /** Ends the case as skipped (for a capability the runtime lacks). */
  skip(reason: string): never;
}

/** One registered case. */
export interface TestCase {
  /** What the user would notice, as a sentence. */
  name: string;
  /** The case body; it fails by throwing. */
  fn: (ctx: TestContext) => void | Promise<void>;
}

/** One failed case. */
export interface Failure {
  /** The case's name. */
  name: string;
  /** The error, as `Name: message`. */
  message: string;
}

/** What {@linkcode run} reports. */
export interface RunResult {
  /** Cases that passed. */
  passed: number;
  /** Cases that failed (threw, or ran past their time limit). */
  failed: number;
  /** Cases that skipped themselves. */
  skipped: number;
  /** One entry per failed case. */
  failures: Failure[];
  /** Names of skipped cases, with the reason. */
  skips: Failure[];
  /** Wall time of the whole run, in milliseconds. */
  durationMs: number;
  /** The three slowest cases, slowest first. */
  slowest: { name: string; ms: number }[];
}

/** Options of {@linkcode run}. */
export interface RunOptions {
  /** Only cases whose name contains this text run. */
  filter?: string;
  /**
   * The longest one case may take before it counts as failed.
   *
   * @default {5000}
   */
  caseTimeoutMs?: number;
  /** Called after each case, e.g. to print progress. */
  onCase?: (
    name: string,
    outcome: "passed" | "failed" | "skipped",
    message: string,
  ) => void;
}

const cases: TestCase[] = [];

/** Registers a case. Names must be unique. */
export function test(name: string, fn: TestCase["fn"]): void {
  if (cases.some((c) => c.name === name)) {
    throw new TypeError(`Duplicate test name: '${name}'`);
  }
  cases.push({ name, fn });
}

/** The registered cases, in registration order. */
export function registeredCases(): readonly TestCase[] {
  return cases;
}

class Skip extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "Skip";
  }
}

/** Thrown by the assertions. */
export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : "";
    return `${error.name}: ${error.message}${cause}`;
  }
  return `thrown non-error: ${String(error)}`;
}

let idCounter = 0;
const runTag = Math.floor(Math.random() * 0xffffffff).toString(36);

/** Runs every registered case, one after another, against the server at `baseUrl`. */
export async function run(
  baseUrl: string,
  options: RunOptions = {},
): Promise<RunResult> {
  const started = Date.now();
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  const limit = options.caseTimeoutMs ?? 5000;
  const result: RunResult = {
    passed: 0,
    failed: 0,
    skipped: 0,
    failures: [],
    skips: [],
    durationMs: 0,
    slowest: [],
  };
  const timings: { name: string; ms: number }[] = [];
  const ctx: TestContext = {
    baseUrl: base,
    url: (path) => new URL(path, base).href,
    id: (label) => `${label}-${runTag}-${++idCounter}`,
    skip: (reason) => {
      throw new Skip(reason);
    },
  };
  for (const { name, fn } of cases) {
    if (options.filter !== undefined && !name.includes(options.filter)) {
      continue;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new AssertionError(`Timed out after ${limit} ms`)),
        limit,
      );
    });
    let outcome: "passed" | "failed" | "skipped" = "passed";
    let message = "";
    const caseStarted = Date.now();
    try {
      await Promise.race([Promise.resolve().then(() => fn(ctx)), timeout]);
      result.passed++;
    } catch (error) {
      message = describe(error);
      if (error instanceof Skip) {
        outcome = "skipped";
        result.skipped++;
        result.skips.push({ name, message: error.message });
      } else {
        outcome = "failed";
        result.failed++;
        result.failures.push({ name, message });
      }
    } finally {
      clearTimeout(timer);
    }
    timings.push({ name, ms: Date.now() - caseStarted });
    options.onCase?.(name, outcome, message);
  }
  result.durationMs = Date.now() - started;
  result.slowest = timings.sort((a, b) => b.ms - a.ms).slice(0, 3);
  return result;
}

// --- assertions -------------------------------------------------------------

function show(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 400 ? `${text.slice(0, 400)}…` : text;
  } catch {
    return String(value);
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (
    typeof a !== "object" || typeof b !== "object" || a === null || b === null
  ) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (const key of keysA) {
    if (!Object.hasOwn(b, key)) return false;
    if (
      !equal(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
      )
    ) {
      return false;
    }
  }
  return true;
}

/** Fails unless `actual` and `expected` are deeply equal (plain data). */
export function assertEquals<T>(
  actual: T,
  expected: T,
  label = "values differ",
): void {
  if (!equal(actual, expected)) {
    throw new AssertionError(
      `${label}:\n  actual:   ${show(actual)}\n  expected: ${show(expected)}`,
    );
  }
}

/** Fails unless `condition` is truthy. */
export function assert(
  condition: unknown,
  message = "assertion failed",
): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/**
 * Awaits `promise` and fails unless it rejects; returns the rejection reason.
 */
export async function assertRejects(
  promise: Promise<unknown>,
  label = "expected a rejection",
): Promise<unknown> {
  try {
    const value = await promise;
    throw new AssertionError(`${label}, but it resolved with ${show(value)}`);
  } catch (error) {
    if (error instanceof AssertionError) throw error;
    return error;
  }
}

/**
 * Fails unless `error` has the given `name` (and `message`, if given). Reasons
 * are compared by name and message, never identity: workerd hands back a copy
 * of an abort reason.
 */
export function assertErrorLike(
  error: unknown,
  name: string,
  message?: string,
): asserts error is Error {
  const actual = error as { name?: unknown; message?: unknown } | null;
  if (typeof actual !== "object" || actual === null || actual.name !== name) {
    throw new AssertionError(
      `Expected an error named ${name}, got ${describe(error)}`,
    );
  }
  if (message !== undefined && actual.message !== message) {
    throw new AssertionError(
      `Expected ${name} with message '${message}', got '${String(actual.message)}'`,
    );
  }
}
