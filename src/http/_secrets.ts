import { redact, redactError } from "../errors/_redact.ts";

/**
 * Header and query names whose values are credentials: `authorization`,
 * `proxy-authorization`, `cookie`, and anything with `key`, `token`, `secret`,
 * `auth`, `pass`, `sig` or `credential` in it (`x-api-key`, `api-key`,
 * `cf-access-client-secret`, `x-portkey-api-key`, `x-goog-api-key`, …).
 */
export const CREDENTIAL_NAME = /key|token|secret|auth|pass|sig|credential|cookie/i;

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function fromBase64(value: string): string | undefined {
  try {
    return atob(value);
  } catch {
    return undefined;
  }
}

/** The credential in one header value, and its parts (`Bearer <token>`, Basic's user and password, cookies). */
function headerSecrets(value: string, into: string[]): void {
  into.push(value);
  const space = value.indexOf(" ");
  if (space !== -1) {
    const scheme = value.slice(0, space).toLowerCase();
    const token = value.slice(space + 1).trim();
    into.push(token);
    if (scheme === "basic") {
      // The password, not the user name: "proxy" or "admin" would mangle ordinary text.
      const pair = fromBase64(token);
      const colon = pair?.indexOf(":") ?? -1;
      if (pair !== undefined && colon !== -1) into.push(pair, pair.slice(colon + 1));
    }
  }
  for (const cookie of value.split(";")) {
    const equals = cookie.indexOf("=");
    if (equals !== -1) into.push(cookie.slice(equals + 1).trim());
  }
}

/**
 * A URL's user-info, read off the text: whatever sits between the first `//`
 * and an `@` before the path, so that a URL too broken to parse (`ht tp://…`)
 * still gives its credentials up.
 */
const USERINFO = /^[^/?#]*\/\/([^/?#]*)@/;

function userinfoSecrets(userinfo: string, into: string[]): void {
  const colon = userinfo.indexOf(":");
  const user = colon === -1 ? userinfo : userinfo.slice(0, colon);
  const password = colon === -1 ? "" : userinfo.slice(colon + 1);
  for (const value of [userinfo, user, password]) into.push(value, decoded(value));
  // What a runtime sends for it (Deno turns user-info into Basic auth).
  try {
    into.push(btoa(`${decoded(user)}:${decoded(password)}`));
  } catch {
    // Not Latin-1: no runtime sends it as Basic auth either.
  }
}

/**
 * Every credential a request carries, so that no error repeats one: the
 * values of credential-looking headers (see {@linkcode CREDENTIAL_NAME}; a
 * `Bearer` or `Basic` scheme's token, and Basic's password, too), the
 * URL's user-info, and every query value of the URL (`?api-key=…`,
 * `?sig=…`: a query is where gateways put keys). Plus `extra`: keys a client
 * knows of itself.
 */
export function requestSecrets(
  url: string | URL,
  headers: Headers | undefined,
  extra: readonly string[] = [],
): string[] {
  const secrets = [...extra];
  headers?.forEach((value, name) => {
    if (CREDENTIAL_NAME.test(name)) headerSecrets(value, secrets);
  });
  const href = String(url);
  // Read off the text, not a parsed URL: a malformed URL's credentials count too.
  const userinfo = USERINFO.exec(href)?.[1];
  if (userinfo) userinfoSecrets(userinfo, secrets);
  const query = href.indexOf("?");
  if (query !== -1) {
    const hash = href.indexOf("#", query);
    const search = href.slice(query + 1, hash === -1 ? undefined : hash);
    for (const pair of search.split("&")) {
      const equals = pair.indexOf("=");
      if (equals === -1) continue;
      const raw = pair.slice(equals + 1);
      secrets.push(raw, decoded(raw.replaceAll("+", " ")));
    }
  }
  return [...new Set(secrets)];
}

/** Whether a request carries credentials that must not follow a redirect to another origin. */
export function hasCredentials(url: string | URL, headers: Headers): boolean {
  let found = USERINFO.test(String(url));
  headers.forEach((_value, name) => {
    if (CREDENTIAL_NAME.test(name)) found = true;
  });
  return found;
}

/**
 * The `TypeError` for a URL option that cannot be used (`baseURL`, Ollama's
 * `host`): `problem`, then the URL as given, with its user-info and query
 * values redacted, in the message and in `cause` (a runtime's own URL error
 * repeats the URL). A constructor's error leaks no more than a request's.
 */
export function urlOptionError(problem: string, url: string, cause?: unknown): TypeError {
  const secrets = requestSecrets(url, undefined);
  const message = `${problem}: received '${redact(url, secrets)}'`;
  return cause === undefined
    ? new TypeError(message)
    : new TypeError(message, { cause: redactError(cause, secrets) });
}

/**
 * A client's base URL (`given`, or `fallback`) without trailing slashes,
 * checked to be an absolute http or https URL: `"localhost:8080"` parses as a
 * URL of the scheme `localhost:`, and would fail only at the first request.
 *
 * @throws {TypeError} Any other `given` (its secrets redacted).
 */
export function baseURLOf(given: string | undefined, fallback: string): string {
  const url = given ?? fallback;
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    // Reported below.
  }
  if (protocol !== "http:" && protocol !== "https:") {
    throw urlOptionError("baseURL must be an absolute http or https URL", url);
  }
  return url.replace(/\/+$/, "");
}
