import { MAX_LONG_LINE } from "./_limits.ts";

/** How a stream is cut short after some frames. */
export type CutKind = "error-after" | "disconnect-after" | "reset-after" | "stall-after";

/** The faults that apply to one request (those whose `xK` limit is not used up). */
export interface Faults {
  /** Answer with this HTTP error status instead (`Retry-After` in seconds when set). */
  status?: { status: number; retryAfter: number | undefined };
  /** Wait this many milliseconds before sending the response headers. */
  slowHeaders?: number;
  /** Cut the stream after `after` frames. */
  cut?: { kind: CutKind; after: number };
  /** Insert a frame that is not JSON after this many frames. */
  malformed?: number;
  /** Pad the first text delta with this many characters. */
  longLine?: number;
  /** Send only keep-alives, every this many milliseconds, until the client gives up. */
  keepAliveOnly?: number;
}

interface FaultSpec {
  kind: string;
  arg: number | undefined;
  times: number | undefined;
}

const ENTRY = /^([a-z0-9-]+?)(?::(\d+(?:\.\d+)?))?(?:x(\d+))?$/;
const CUTS: readonly string[] = ["error-after", "disconnect-after", "reset-after", "stall-after"];
const OTHERS: readonly string[] = ["slow-headers", "malformed", "long-line", "keepalive-only"];

/** The default size of a `long-line` fault: one more than the decoders' default limit. */
export const DEFAULT_LONG_LINE = 8_388_609;

/**
 * Parses a fault specification such as `429:0.05x2,slow-headers:20`.
 *
 * @throws {TypeError} An entry that is not a known fault.
 */
export function parseFaults(spec: string): FaultSpec[] {
  const faults: FaultSpec[] = [];
  for (const raw of spec.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    const match = ENTRY.exec(entry);
    const kind = match?.[1];
    if (match === null || kind === undefined) {
      throw new TypeError(`Unknown mock fault: '${entry}'`);
    }
    const status = Number(kind);
    const known = CUTS.includes(kind) || OTHERS.includes(kind) ||
      (/^\d{3}$/.test(kind) && status >= 400 && status <= 599);
    if (!known) throw new TypeError(`Unknown mock fault: '${entry}'`);
    const arg = match[2] === undefined ? undefined : Number(match[2]);
    if (CUTS.includes(kind) && arg === undefined) {
      throw new TypeError(`Mock fault '${kind}' needs a frame count: '${kind}:N'`);
    }
    if (kind === "long-line" && arg !== undefined && arg > MAX_LONG_LINE) {
      throw new TypeError(
        `Mock fault 'long-line' is at most ${MAX_LONG_LINE} characters: '${entry}'`,
      );
    }
    faults.push({ kind, arg, times: match[3] === undefined ? undefined : Number(match[3]) });
  }
  return faults;
}

/** The faults of `specs` that still apply at the 1-based `attempt`. */
export function activeFaults(specs: readonly FaultSpec[], attempt: number): Faults {
  const faults: Faults = {};
  for (const { kind, arg, times } of specs) {
    if (times !== undefined && attempt > times) continue;
    if (/^\d{3}$/.test(kind)) {
      faults.status ??= {
        status: Number(kind),
        retryAfter: arg ?? (kind === "429" ? 1 : undefined),
      };
    } else if (CUTS.includes(kind)) {
      faults.cut ??= { kind: kind as CutKind, after: Math.floor(arg ?? 0) };
    } else if (kind === "slow-headers") {
      faults.slowHeaders = Math.min(arg ?? 1000, 2_147_483_647);
    } else if (kind === "malformed") {
      faults.malformed = Math.floor(arg ?? 1);
    } else if (kind === "long-line") {
      faults.longLine = Math.floor(arg ?? DEFAULT_LONG_LINE);
    } else if (kind === "keepalive-only") {
      faults.keepAliveOnly = Math.min(Math.max(1, arg ?? 15), 2_147_483_647);
    }
  }
  return faults;
}

/**
 * Splits a model name with a `:fault=` suffix (`llama3.2:fault=429`,
 * `qwen3:8b:fault=error-after:3`) into the model and the fault specification.
 */
export function splitModelFault(model: string): { model: string; fault: string | undefined } {
  const at = model.indexOf(":fault=");
  if (at === -1) return { model, fault: undefined };
  return { model: model.slice(0, at), fault: model.slice(at + ":fault=".length) };
}
