import { Ollama, type OllamaOptions } from "../providers/ollama/ollama.ts";
import type {
  OllamaChatRequest,
  OllamaChatResult,
  OllamaMessage,
  OllamaModelOptions,
  OllamaTool,
} from "../providers/ollama/types.ts";
import type { RequestOptions } from "../http/request_options.ts";
import {
  type AdapterStep,
  createModel,
  mergeProviderOptions,
  type ModelAdapter,
  type ModelCall,
  resultText,
  stepEnd,
  unsupported,
} from "./_adapter.ts";
import type { CallWarning, LanguageModel } from "./types.ts";
import { assistantParts, reasoningOf, toolCallsOf } from "./_messages.ts";
import { cannotTake, partData, partsOf } from "./_content.ts";
import { ollamaEmbedding } from "./ollama_embedding.ts";

/** Options of {@linkcode ollama}: a client's options, or a client to reuse. */
export interface OllamaProviderOptions extends OllamaOptions {
  /** An existing client to send the requests with (its options apply; the others here are ignored). */
  client?: Ollama;
}

function build(modelId: string, call: ModelCall): {
  body: Record<string, unknown>;
  warnings: CallWarning[];
} {
  const warnings: CallWarning[] = [];
  const messages: OllamaMessage[] = [];
  if (call.system) messages.push({ role: "system", content: call.system });
  for (const message of call.messages) {
    switch (message.role) {
      case "system":
        messages.push({ role: message.role, content: message.content });
        break;
      case "user": {
        const texts: string[] = [];
        const images: string[] = [];
        for (const part of partsOf(message.content)) {
          if (part.type === "text") {
            texts.push(part.text);
            continue;
          }
          if (part.type === "file") {
            throw cannotTake(
              "Ollama",
              `a file ('${part.mediaType}')`,
              "its chat API takes text and images only",
            );
          }
          const data = partData(part);
          if (data.kind === "url") {
            throw cannotTake("Ollama", "an image URL", "pass the image's bytes or base64");
          }
          images.push(data.base64);
        }
        const out: OllamaMessage = { role: "user", content: texts.join("\n") };
        if (images.length > 0) out.images = images;
        messages.push(out);
        break;
      }
      case "assistant": {
        const parts = assistantParts(message);
        const text = parts.map((part) => part.type === "text" ? part.text : "").join("");
        const out: OllamaMessage = { role: "assistant", content: text };
        // The reasoning goes back as the message's thinking (signatures are not Ollama's).
        const thinking = reasoningOf(parts).map((part) => part.text).filter(Boolean).join("\n\n");
        if (thinking) out.thinking = thinking;
        const calls = toolCallsOf(parts);
        if (calls.length > 0) {
          out.tool_calls = calls.map((call) => ({
            id: call.id,
            function: {
              name: call.name,
              // Ollama takes an object; arguments that were not one were sent back as an error.
              arguments: typeof call.arguments === "object" && call.arguments !== null &&
                  !Array.isArray(call.arguments)
                ? call.arguments as Record<string, unknown>
                : {},
            },
          }));
        }
        messages.push(out);
        break;
      }
      case "tool":
        messages.push({
          role: "tool",
          content: resultText(message.result),
          tool_name: message.name,
          tool_call_id: message.id,
        });
        break;
    }
  }
  const s = call.settings;
  const options: OllamaModelOptions = {};
  if (s.maxTokens !== undefined) options.num_predict = s.maxTokens;
  if (s.temperature !== undefined) options.temperature = s.temperature;
  if (s.topP !== undefined) options.top_p = s.topP;
  if (s.topK !== undefined) options.top_k = s.topK;
  if (s.frequencyPenalty !== undefined) options.frequency_penalty = s.frequencyPenalty;
  if (s.presencePenalty !== undefined) options.presence_penalty = s.presencePenalty;
  if (s.stop !== undefined) options.stop = s.stop;
  if (s.seed !== undefined) options.seed = s.seed;
  const body: OllamaChatRequest = { model: modelId, messages };
  if (Object.keys(options).length > 0) body.options = options;
  const choice = call.toolChoice;
  if (call.tools && choice !== "none") {
    const tools: OllamaTool[] = Object.entries(call.tools).map(([name, tool]) => {
      const fn: OllamaTool["function"] = { name, parameters: tool.parameters as never };
      if (tool.description !== undefined) fn.description = tool.description;
      return { type: "function", function: fn };
    });
    if (tools.length > 0) body.tools = tools;
    if (choice !== undefined && choice !== "auto") {
      warnings.push(
        unsupported("toolChoice", "Ollama cannot force a tool call: the model decides"),
      );
    }
  }
  if (call.object) body.format = call.object.schema as never;
  const out = body as unknown as Record<string, unknown>;
  mergeProviderOptions(out, call.providerOptions?.ollama, warnings);
  return { body: out, warnings };
}

function ollamaModel(modelId: string, options: OllamaProviderOptions = {}): LanguageModel {
  const { client: given, ...clientOptions } = options;
  const client = given ?? new Ollama(clientOptions);
  const adapter: ModelAdapter = {
    build: (call) => build(modelId, call),
    start(call: ModelCall, requestOptions: RequestOptions): AdapterStep {
      const { body, warnings } = build(modelId, call);
      const stream = client.chat(
        body as unknown as OllamaChatRequest & { stream?: true },
        requestOptions,
      );
      return {
        stream,
        warnings,
        end(value) {
          const result = value as OllamaChatResult;
          return stepEnd(result, undefined, result.model, {
            ollama: { timings: result.timings, metrics: result.metrics },
          });
        },
      };
    },
  };
  return createModel("ollama", modelId, adapter);
}

/** The Ollama model factory: {@linkcode ollama} makes a chat model, `ollama.embedding` an embedding model. */
export interface OllamaProvider {
  /** A chat model for `streamText`, `generateText` and `streamObject`. */
  (modelId: string, options?: OllamaProviderOptions): LanguageModel;
  /**
   * The same as {@linkcode ollamaEmbedding}: `ollama.embedding("…")` makes an
   * embedding model for `embed` and `embedMany`, with the same client options.
   */
  embedding: typeof ollamaEmbedding;
}

// One pure expression (no assignment after the function): unused, it leaves a bundle.
/**
 * A model served by Ollama's native chat API (`/api/chat`), for
 * `streamText`, `generateText` and `streamObject`. Every setting maps onto
 * Ollama's `options` (`maxTokens` → `num_predict`, `topK` → `top_k`, …);
 * a forced `toolChoice` is reported as a warning (Ollama cannot force one).
 *
 * @example Stream text from a local model (here a canned answer)
 * ```ts
 * import { ollama, streamText } from "@sluice/sluice/unified";
 * import assert from "node:assert/strict";
 *
 * const line = (message: object, extra: object = {}) =>
 *   JSON.stringify({ model: "llama3.2", created_at: "", message, done: false, ...extra }) + "\n";
 * const body = line({ role: "assistant", content: "Hi" }) +
 *   line({ role: "assistant", content: "!" }, { done: true, done_reason: "stop" });
 * const model = ollama("llama3.2", { fetch: () => Promise.resolve(new Response(body)) });
 *
 * const stream = streamText({ model, prompt: "Say hi", maxTokens: 20 });
 * assert.equal(await stream.text(), "Hi!");
 * assert.equal((await stream.result()).finishReason, "stop");
 * ```
 */
export const ollama: OllamaProvider = /* @__PURE__ */ Object.assign(ollamaModel, {
  embedding: ollamaEmbedding,
});
