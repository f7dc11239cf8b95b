/** What a credential is replaced with. */
export const REDACTED = "[redacted]";

/** Shorter values are not treated as credentials: they would mangle ordinary text. */
const MIN_SECRET_LENGTH = 4;

/** Fields never rewritten: what the stream assembled is the model's output, not ours. */
const KEPT = new Set(["partial"]);

/**
 * The forms a credential can take in text: as given, percent-encoded (a URL in
 * a runtime's message), JSON-escaped (an echoed request body). Longest first,
 * so a credential that contains another is replaced whole.
 */
export function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}

/** Replaces every credential in `text` with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  for (const form of secretForms(secrets)) {
    if (text.includes(form)) text = text.replaceAll(form, REDACTED);
  }
  return text;
}

/** One redaction: the credential forms and the copies made so far (cycles are kept). */
class Redaction {
  readonly forms: string[];
  readonly #copies = new Map<object, unknown>();

  constructor(secrets: readonly string[]) {
    this.forms = secretForms(secrets);
  }

  text(value: string): string {
    for (const form of this.forms) {
      if (value.includes(form)) value = value.replaceAll(form, REDACTED);
    }
    return value;
  }

  /** The value with every credential replaced: the same value when it held none. */
  value(value: unknown): unknown {
    if (typeof value === "string") return this.text(value);
    if (typeof value !== "object" || value === null) return value;
    if (this.#copies.has(value)) return this.#copies.get(value);
    this.#copies.set(value, value);
    let copy: unknown = value;
    if (value instanceof Error) copy = this.#error(value);
    else if (value instanceof Headers) copy = this.#headers(value);
    else if (Array.isArray(value)) {
      const items = value.map((item) => this.value(item));
      if (items.some((item, index) => item !== value[index])) copy = items;
    } else if (isPlain(value)) {
      let changed = false;
      const entries = Object.entries(value).map(([key, item]) => {
        const name = this.text(key);
        const redacted = this.value(item);
        if (name !== key || redacted !== item) changed = true;
        return [name, redacted] as const;
      });
      if (changed) copy = Object.fromEntries(entries);
    }
    this.#copies.set(value, copy);
    return copy;
  }

  #headers(headers: Headers): Headers {
    let copy: Headers | undefined;
    headers.forEach((value, name) => {
      const redacted = this.text(value);
      if (redacted !== value) copy ??= new Headers(headers);
      if (copy) copy.set(name, redacted);
    });
    return copy ?? headers;
  }

  /**
   * The same class (a real error object, built without running the subclass's
   * constructor), every own field copied with its credentials replaced:
   * `message`, `stack`, `cause`, `body`, `headers`, `snippet` and the rest.
   */
  #error(error: Error): Error {
    const descriptors = Object.getOwnPropertyDescriptors(error) as Record<
      PropertyKey,
      PropertyDescriptor
    >;
    let changed = false;
    const values = new Map<PropertyKey, unknown>();
    for (const key of Reflect.ownKeys(descriptors)) {
      const descriptor = descriptors[key as string]!;
      if (!("value" in descriptor) || KEPT.has(key as string)) continue;
      const redacted = this.value(descriptor.value);
      if (redacted !== descriptor.value) {
        changed = true;
        values.set(key, redacted);
      }
    }
    // The stack may be an accessor (V8 installs one on errors it did not create).
    let stack: string | undefined;
    if (!("stack" in descriptors) || !("value" in descriptors.stack!)) {
      const original = error.stack;
      if (typeof original === "string") {
        stack = this.text(original);
        if (stack !== original) changed = true;
      }
    }
    const isDomException = typeof DOMException === "function" && error instanceof DOMException;
    if (isDomException && this.text(error.message) !== error.message) changed = true;
    if (!changed) return error;
    if (isDomException) {
      // Its name and message are getters of a platform object: build a real one.
      const copy = new DOMException(this.text(error.message), error.name);
      if (stack !== undefined || values.has("stack")) {
        Object.defineProperty(copy, "stack", {
          value: stack ?? values.get("stack"),
          writable: true,
          configurable: true,
        });
      }
      if (values.has("cause")) {
        Object.defineProperty(copy, "cause", { value: values.get("cause"), configurable: true });
      }
      return copy;
    }
    let copy: Error;
    try {
      copy = Reflect.construct(Error, [], error.constructor) as Error;
    } catch {
      copy = Object.create(Object.getPrototypeOf(error));
    }
    for (const key of Reflect.ownKeys(descriptors)) {
      const descriptor = { ...descriptors[key as string]! };
      if (values.has(key)) descriptor.value = values.get(key);
      if (key === "stack" && !("value" in descriptor)) continue;
      Object.defineProperty(copy, key, descriptor);
    }
    if (stack !== undefined) {
      Object.defineProperty(copy, "stack", {
        value: stack,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
    // An inherited message or name (set on a prototype) stays as it is.
    return copy;
  }
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The one path by which an error leaves sluice: returns `error` unchanged when
 * no credential in `secrets` appears anywhere in it, otherwise a copy of the
 * same class with every credential replaced with `[redacted]` in its message,
 * stack, `cause` chain and every field (`body`, `headers`, `snippet`,
 * `providerMessage`, …), so `String(error)`, `JSON.stringify(error)` and
 * `error.stack` are clean too. Fields such as `status` and `line` survive.
 * `partial` (the model's output so far) is kept as it is.
 */
export function redactError<T>(error: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return error;
  const redaction = new Redaction(secrets);
  if (redaction.forms.length === 0) return error;
  return redaction.value(error) as T;
}
