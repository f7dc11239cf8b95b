/** Arguments parsed from a tool call's JSON text, or the text and why not. */
export interface ParsedArguments {
  /** The parsed value; the raw text when it is not JSON; `{}` for empty text. */
  value: unknown;
  /** Why the text is not JSON, when it is not. */
  error: string | undefined;
}

/** Parses a tool call's argument text: empty text is `{}`, invalid JSON stays text. */
export function parseArguments(text: string, name: string): ParsedArguments {
  if (text.trim() === "") return { value: {}, error: undefined };
  try {
    return { value: JSON.parse(text), error: undefined };
  } catch (error) {
    return {
      value: text,
      error: `Invalid JSON in the arguments of tool call '${name}': ${
        error instanceof Error ? error.message : String(error)
      }`,
    };
  }
}

let counter = 0;
// Drawn at the first id, not at load: a module with no effects leaves an unused bundle.
let session: string | undefined;

/** A tool call id for a provider that sends none: `call_<session><n>`, unique in this process. */
export function generatedCallId(): string {
  session ??= Math.floor(Math.random() * 0x10000).toString(36);
  return `call_${session}${(++counter).toString(36)}`;
}
