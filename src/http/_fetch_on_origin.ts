import { HttpError } from "../errors/http_error.ts";
import { hasCredentials } from "./_secrets.ts";

/** The most redirects followed, as `fetch` allows. */
const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * `fetch`, except that credentials never follow a redirect to another origin
 * (`fetch` itself drops only `Authorization`, and keeps `x-api-key`,
 * `api-key`, cookies and the rest). A request that carries credentials (a
 * credential-looking header, or user-info in the URL) follows redirects by
 * hand, on its own origin only; a redirect to another origin is not followed:
 * the result is an `HttpError` with the redirect's status, naming the other
 * origin (never the credentials). A request without credentials is left to
 * `fetch`.
 */
export async function fetchOnOrigin(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit & { headers: Headers },
): Promise<Response | HttpError> {
  if (init.redirect !== undefined || !hasCredentials(url, init.headers)) {
    return await fetchFn(url, init);
  }
  let current = new URL(url);
  let request: RequestInit = { ...init, redirect: "manual" };
  for (let redirects = 0;; redirects++) {
    const response = await fetchFn(current.href, request);
    if (response.type === "opaqueredirect") {
      // A browser does not show where a redirect goes.
      response.body?.cancel().catch(() => {});
      return new HttpError(
        `Refused to follow a redirect from ${current.origin}: the runtime does not say where it goes, and the request carries credentials`,
        { status: response.status, statusText: response.statusText, headers: response.headers },
      );
    }
    const location = response.headers.get("location");
    if (!REDIRECTS.has(response.status) || location === null) return response;
    response.body?.cancel().catch(() => {});
    let target: URL;
    try {
      target = new URL(location, current);
    } catch {
      return response;
    }
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
    if (target.origin !== current.origin) {
      return new HttpError(
        `${status}: Refused to follow a redirect to another origin (${target.origin}): the request's credentials stay on ${current.origin}`,
        { status: response.status, statusText: response.statusText, headers: response.headers },
      );
    }
    if (redirects >= MAX_REDIRECTS) {
      return new HttpError(`${status}: More than ${MAX_REDIRECTS} redirects`, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }
    // The same origin: user-info carries over; the method and body change as fetch changes them.
    if (target.username === "" && target.password === "") {
      target.username = current.username;
      target.password = current.password;
    }
    const method = (request.method ?? "GET").toUpperCase();
    if (
      response.status === 303 && method !== "GET" && method !== "HEAD" ||
      (response.status === 301 || response.status === 302) && method === "POST"
    ) {
      const headers = new Headers(request.headers);
      headers.delete("content-type");
      headers.delete("content-length");
      request = { ...request, method: "GET", headers };
      delete request.body;
    }
    current = target;
  }
}
