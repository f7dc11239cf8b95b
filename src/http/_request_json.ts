import type { ResolvedOptions } from "./_resolve_options.ts";
import { openRequest, type RequestSpec, secretsOf } from "./_open_request.ts";
import { ParseError } from "../errors/parse_error.ts";
import { snippet } from "../errors/_snippet.ts";
import { redactError } from "../errors/_redact.ts";
import { rememberResponse } from "./_response_of.ts";

/**
 * Makes a non-streaming request and resolves to its JSON body (or `undefined`
 * for an empty body), under the same signal, timeouts and retries as a stream:
 * the idle timeout guards the body read too. A body that is not JSON rejects
 * with a `ParseError`.
 */
export async function requestJson(spec: RequestSpec, options: ResolvedOptions): Promise<unknown> {
  const { response, watchdog } = await openRequest(spec, options);
  const signal = watchdog.signal;
  try {
    let text = "";
    if (response.body) {
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      try {
        for (;;) {
          watchdog.reading();
          const { done, value } = await reader.read();
          if (done) break;
          watchdog.touch();
          text += decoder.decode(value, { stream: true });
        }
        text += decoder.decode();
      } catch (error) {
        reader.cancel().catch(() => {});
        throw error;
      }
    }
    if (text.trim() === "") return undefined;
    try {
      const value = JSON.parse(text);
      rememberResponse(value, response);
      return value;
    } catch (cause) {
      throw new ParseError(`Cannot parse the response body as JSON: ${snippet(text)}`, {
        line: 1,
        snippet: text.slice(0, 40),
        cause,
      });
    }
  } catch (error) {
    throw signal.aborted ? signal.reason : redactError(error, secretsOf(spec, options));
  } finally {
    watchdog.dispose();
  }
}
