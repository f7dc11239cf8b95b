import { OpenAI, type OpenAIOptions } from "../providers/openai/openai.ts";
import type {
  OpenAIChatMessage,
  OpenAIChatRequest,
  OpenAIChatResult,
  OpenAITool,
  OpenAIUserContentPart,
} from "../providers/openai/types.ts";
import type { OpenAIResponsesRequest } from "../providers/openai/responses_types.ts";
import type { RequestOptions } from "../http/request_options.ts";
import type { StreamResult } from "../shared/types.ts";
import { responsesAdapter } from "./_openai_responses.ts";
import {
  type AdapterStep,
  createModel,
  mergeProviderOptions,
  type ModelAdapter,
  type ModelCall,
  resultText,
  type StepEnd,
  stepEnd,
  unsupported,
} from "./_adapter.ts";
import type { CallWarning, LanguageModel, UserContentPart } from "./types.ts";
import { cannotTake, dataUrl, mediaTypeOf, partData } from "./_content.ts";
import { openaiEmbedding } from "./openai_embedding.ts";
import { assistantParts, reasoningOf, toolCallsOf } from "./_messages.ts";

/** Options of {@linkcode openai}: a client's options, or a client to reuse. */
export interface OpenAIProviderOptions extends OpenAIOptions {
  /** An existing client to send the requests with (its options apply; the others here are ignored). */
  client?: OpenAI;
  /**
   * The request field `maxTokens` is sent as: OpenAI's current
   * `max_completion_tokens` (required by its reasoning models), or the older
   * `max_tokens` that some compatible servers still expect.
   *
   * @default {"max_completion_tokens"}
   */
  maxTokensField?: "max_completion_tokens" | "max_tokens";
  /**
   * The API the calls go to: Chat Completions (`/chat/completions`), or the
   * Responses API (`/responses`), where a tool loop sends
   * `function_call_output` items and carries each step's output items —
   * reasoning included — into the next step. With the Responses API,
   * `maxTokens` is sent as `max_output_tokens`, and `topK`,
   * `frequencyPenalty`, `presencePenalty`, `stop` and `seed` are warnings.
   *
   * @default {"chat"}
   */
  api?: "chat" | "responses";
  /**
   * Fields sent with every Responses API request (`api: "responses"`), such
   * as `reasoning`, `store` or `include`. With `store: false`,
   * `"reasoning.encrypted_content"` is added to `include`, so that the
   * reasoning carried into the next step of a tool loop is complete.
   */
  responses?: Partial<OpenAIResponsesRequest>;
}

/** A user message's part as a Chat Completions content part. */
function userPart(part: UserContentPart): OpenAIUserContentPart {
  if (part.type === "text") return { type: "text", text: part.text };
  const data = partData(part);
  if (part.type === "image") {
    const url = data.kind === "url"
      ? data.url
      : dataUrl(data.base64, mediaTypeOf(data, part, "OpenAI"));
    return { type: "image_url", image_url: { url } };
  }
  if (data.kind === "url") {
    throw cannotTake(
      "OpenAI's Chat Completions API",
      "a file URL",
      "pass the file's bytes or base64 (or use api: 'responses')",
    );
  }
  const audio = {
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
  }[
    part.mediaType
  ] as "wav" | "mp3" | undefined;
  if (audio !== undefined) {
    return { type: "input_audio", input_audio: { data: data.base64, format: audio } };
  }
  return {
    type: "file",
    file: {
      file_data: dataUrl(data.base64, part.mediaType),
      filename: part.filename ?? "file",
    },
  };
}

function build(modelId: string, call: ModelCall, maxTokensField: string): {
  body: Record<string, unknown>;
  warnings: CallWarning[];
} {
  const warnings: CallWarning[] = [];
  const messages: OpenAIChatMessage[] = [];
  let droppedReasoning = 0;
  if (call.system) messages.push({ role: "system", content: call.system });
  for (const message of call.messages) {
    switch (message.role) {
      case "system":
        messages.push({ role: message.role, content: message.content });
        break;
      case "user":
        messages.push({
          role: "user",
          content: typeof message.content === "string"
            ? message.content
            : message.content.map(userPart),
        });
        break;
      case "assistant": {
        const parts = assistantParts(message);
        const text = parts.map((part) => part.type === "text" ? part.text : "").join("");
        const calls = toolCallsOf(parts);
        if (calls.length > 0) {
          messages.push({
            role: "assistant",
            content: text || null,
            tool_calls: calls.map((call) => ({
              id: call.id,
              type: "function",
              function: { name: call.name, arguments: resultText(call.arguments) },
            })),
          });
        } else messages.push({ role: "assistant", content: text });
        droppedReasoning += reasoningOf(parts).filter((part) => part.text).length;
        break;
      }
      case "tool":
        messages.push({
          role: "tool",
          tool_call_id: message.id,
          content: resultText(message.result),
        });
        break;
    }
  }
  if (droppedReasoning > 0) {
    warnings.push(
      unsupported(
        "reasoning",
        `OpenAI's Chat Completions API takes no reasoning back: ${droppedReasoning} reasoning part(s) were not sent`,
      ),
    );
  }
  const s = call.settings;
  // The request keeps the list as long as the stream: a copy at its length (a list pushed to
  // from empty has room for 16 more).
  const body: Record<string, unknown> = { model: modelId, messages: messages.slice() };
  if (s.maxTokens !== undefined) body[maxTokensField] = s.maxTokens;
  if (s.temperature !== undefined) body.temperature = s.temperature;
  if (s.topP !== undefined) body.top_p = s.topP;
  if (s.topK !== undefined) {
    warnings.push(unsupported("topK", "OpenAI's Chat Completions API has no top-k sampling"));
  }
  if (s.frequencyPenalty !== undefined) body.frequency_penalty = s.frequencyPenalty;
  if (s.presencePenalty !== undefined) body.presence_penalty = s.presencePenalty;
  if (s.stop !== undefined) body.stop = s.stop;
  if (s.seed !== undefined) body.seed = s.seed;
  if (call.tools) {
    const tools: OpenAITool[] = Object.entries(call.tools).map(([name, tool]) => {
      const fn: { name: string; description?: string; parameters?: never } = {
        name,
        parameters: tool.parameters as never,
      };
      if (tool.description !== undefined) fn.description = tool.description;
      return { type: "function", function: fn };
    });
    if (tools.length > 0) body.tools = tools;
  }
  const choice = call.toolChoice;
  if (choice !== undefined && call.tools) {
    body.tool_choice = typeof choice === "string"
      ? choice
      : { type: "function", function: { name: choice.name } };
  }
  mergeProviderOptions(body, call.providerOptions?.openai, warnings);
  if (call.object) {
    const json_schema: Record<string, unknown> = {
      name: call.object.name,
      schema: call.object.schema,
      strict: false,
    };
    if (call.object.description !== undefined) json_schema.description = call.object.description;
    body.response_format = { type: "json_schema", json_schema };
  }
  return { body, warnings };
}

/** A step's end from a Chat Completions result, with OpenAI's metadata. */
function chatEnd(value: StreamResult): StepEnd {
  const result = value as OpenAIChatResult;
  return stepEnd(result, result.id, result.model, {
    openai: {
      systemFingerprint: result.systemFingerprint,
      serviceTier: result.serviceTier,
      rawUsage: result.usage.raw,
    },
  });
}

/** The Chat Completions adapter (a class: a model holds no closures of its own). */
class ChatAdapter implements ModelAdapter {
  #modelId: string;
  #client: OpenAI;
  #maxTokensField: string;

  constructor(modelId: string, client: OpenAI, maxTokensField: string) {
    this.#modelId = modelId;
    this.#client = client;
    this.#maxTokensField = maxTokensField;
  }

  build(call: ModelCall): { body: Record<string, unknown>; warnings: CallWarning[] } {
    return build(this.#modelId, call, this.#maxTokensField);
  }

  start(call: ModelCall, requestOptions: RequestOptions): AdapterStep {
    const { body, warnings } = this.build(call);
    const stream = this.#client.chat(
      body as unknown as OpenAIChatRequest & { stream?: true },
      requestOptions,
    );
    return { stream, warnings, end: chatEnd };
  }
}

function openaiModel(modelId: string, options: OpenAIProviderOptions = {}): LanguageModel {
  const {
    client: given,
    maxTokensField = "max_completion_tokens",
    api = "chat",
    responses = {},
    ...clientOptions
  } = options;
  const client = given ?? new OpenAI(clientOptions);
  if (api === "responses") {
    return createModel("openai", modelId, responsesAdapter(modelId, client, responses));
  }
  const adapter = new ChatAdapter(modelId, client, maxTokensField);
  return createModel("openai", modelId, adapter);
}

/** The OpenAI model factory: {@linkcode openai} makes a chat model, `openai.embedding` an embedding model. */
export interface OpenAIProvider {
  /** A chat model for `streamText`, `generateText` and `streamObject`. */
  (modelId: string, options?: OpenAIProviderOptions): LanguageModel;
  /**
   * The same as {@linkcode openaiEmbedding}: `openai.embedding("…")` makes an
   * embedding model for `embed` and `embedMany`, with the same client options.
   */
  embedding: typeof openaiEmbedding;
}

// One pure expression (no assignment after the function): unused, it leaves a bundle.
/**
 * A model behind OpenAI's Chat Completions API or any compatible server
 * (`baseURL`), for `streamText`, `generateText` and `streamObject`.
 * `maxTokens` is sent as `max_completion_tokens` (see
 * {@linkcode OpenAIProviderOptions.maxTokensField} for servers that want
 * `max_tokens`); `topK` is reported as a warning (OpenAI has none).
 *
 * @example Stream text (here a canned answer)
 * ```ts
 * import { openai, streamText } from "@sluice/sluice/unified";
 * import assert from "node:assert/strict";
 *
 * const chunk = (delta: object, finish: string | null = null) =>
 *   `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
 * const body = chunk({ content: "Hi" }) + chunk({ content: "!" }, "stop") + "data: [DONE]\n\n";
 * const model = openai("gpt-4o-mini", {
 *   apiKey: "sk-test",
 *   fetch: () => Promise.resolve(new Response(body)),
 * });
 *
 * const stream = streamText({ model, prompt: "Say hi", topK: 5 });
 * assert.equal(await stream.text(), "Hi!");
 * assert.equal(stream.warnings[0]?.setting, "topK");
 * ```
 *
 * @example Run a tool loop through the Responses API (here against the mock server)
 * ```ts
 * import { openai, streamText } from "@sluice/sluice/unified";
 * import { createMockServer } from "@sluice/sluice/testing";
 * import assert from "node:assert/strict";
 *
 * const mock = createMockServer();
 * const model = openai("gpt-5", {
 *   fetch: mock.fetch,
 *   api: "responses",
 *   responses: { store: false, reasoning: { effort: "low", summary: "auto" } },
 * });
 *
 * const result = await streamText({
 *   model,
 *   prompt: "Weather in Paris?",
 *   maxSteps: 2,
 *   tools: {
 *     weather: {
 *       parameters: { type: "object", properties: { city: { type: "string" } } },
 *       execute: () => ({ sky: "sunny" }),
 *     },
 *   },
 * }).result();
 * assert.equal(result.steps.length, 2);
 * // The second request answered the call and carried the reasoning back, encrypted.
 * const input = (mock.requests[1]?.body as { input: { type?: string }[] }).input;
 * assert.deepEqual(input.map((item) => item.type ?? "message"), [
 *   "message",
 *   "reasoning",
 *   "function_call",
 *   "function_call_output",
 * ]);
 * ```
 */
export const openai: OpenAIProvider = /* @__PURE__ */ Object.assign(openaiModel, {
  embedding: openaiEmbedding,
});
