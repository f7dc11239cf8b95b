import { OpenAI, type OpenAIOptions } from "../providers/openai/openai.ts";
import type {
  OpenAIChatChunk,
  OpenAIChatMessage,
  OpenAIChatRequest,
  OpenAIChatResult,
  OpenAITool,
} from "../providers/openai/types.ts";
import type { RequestOptions } from "../http/request_options.ts";
import type { StreamResult } from "../stream/types.ts";
import {
  type AdapterStep,
  createModel,
  idPrefix,
  type ModelAdapter,
  type ModelCall,
  resultText,
  toolCallsOf,
  unsupported,
  usageOf,
} from "./_adapter.ts";
import type { CallWarning, FinishReason, LanguageModel } from "./types.ts";

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
}

function finishOf(raw: string | undefined): FinishReason {
  switch (raw) {
    case "stop":
      return "stop";
    case "length":
      return "length";
    case "tool_calls":
    case "function_call":
      return "tool-calls";
    case "content_filter":
      return "content-filter";
    case "error":
      return "error";
    default:
      return "other";
  }
}

function build(modelId: string, call: ModelCall, maxTokensField: string): {
  body: Record<string, unknown>;
  warnings: CallWarning[];
} {
  const warnings: CallWarning[] = [];
  const messages: OpenAIChatMessage[] = [];
  if (call.system) messages.push({ role: "system", content: call.system });
  for (const message of call.messages) {
    switch (message.role) {
      case "system":
      case "user":
        messages.push({ role: message.role, content: message.content });
        break;
      case "assistant":
        if (message.toolCalls?.length) {
          messages.push({
            role: "assistant",
            content: message.content || null,
            tool_calls: message.toolCalls.map((call) => ({
              id: call.toolCallId,
              type: "function",
              function: { name: call.toolName, arguments: resultText(call.args) },
            })),
          });
        } else messages.push({ role: "assistant", content: message.content });
        break;
      case "tool":
        messages.push({
          role: "tool",
          tool_call_id: message.toolCallId,
          content: resultText(message.result),
        });
        break;
    }
  }
  const s = call.settings;
  const body: Record<string, unknown> = { model: modelId, messages };
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
      : { type: "function", function: { name: choice.toolName } };
  }
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

/**
 * A model behind OpenAI's Chat Completions API or any compatible server
 * (`baseUrl`), for `streamText`, `generateText` and `streamObject`.
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
 */
export function openai(modelId: string, options: OpenAIProviderOptions = {}): LanguageModel {
  const { client: given, maxTokensField = "max_completion_tokens", ...clientOptions } = options;
  const client = given ?? new OpenAI(clientOptions);
  const adapter: ModelAdapter = {
    build: (call) => build(modelId, call, maxTokensField),
    start(call: ModelCall, requestOptions: RequestOptions): AdapterStep {
      const { body, warnings } = build(modelId, call, maxTokensField);
      const stream = client.chat(
        body as unknown as OpenAIChatRequest & { stream?: true },
        requestOptions,
      );
      const prefix = idPrefix();
      const ids: string[] = [];
      const byIndex = new Map<number, { id: string; name: string }>();
      return {
        stream,
        warnings,
        map(value, emit) {
          const chunk = value as OpenAIChatChunk;
          const choices = chunk.choices;
          if (!Array.isArray(choices)) return;
          for (const choice of choices) {
            if (!choice || (choice.index ?? 0) !== 0) continue;
            const delta = choice.delta;
            if (!delta) continue;
            const reasoning = delta.reasoning_content || delta.reasoning;
            if (typeof reasoning === "string" && reasoning) {
              emit({ type: "reasoning-delta", text: reasoning });
            }
            if (typeof delta.content === "string" && delta.content) {
              emit({ type: "text-delta", text: delta.content });
            }
            const calls = delta.tool_calls;
            if (!Array.isArray(calls)) continue;
            for (const fragment of calls) {
              const index = fragment.index ?? byIndex.size;
              let state = byIndex.get(index);
              if (!state) {
                state = {
                  id: fragment.id ?? `${prefix}_${ids.length}`,
                  name: fragment.function?.name ?? "",
                };
                byIndex.set(index, state);
                ids.push(state.id);
                emit({ type: "tool-call-start", toolCallId: state.id, toolName: state.name });
              }
              const args = fragment.function?.arguments;
              if (args) {
                emit({
                  type: "tool-call-delta",
                  toolCallId: state.id,
                  toolName: state.name,
                  argsTextDelta: args,
                });
              }
            }
          }
        },
        end(value: StreamResult) {
          const result = value as OpenAIChatResult;
          return {
            text: result.text,
            reasoning: result.thinking,
            toolCalls: toolCallsOf(result, ids, prefix),
            finishReason: finishOf(result.finishReason),
            rawFinishReason: result.finishReason,
            usage: usageOf(result.usage.inputTokens, result.usage.outputTokens),
            id: result.id,
            model: result.model,
            providerMetadata: {
              openai: {
                systemFingerprint: result.systemFingerprint,
                serviceTier: result.serviceTier,
                rawUsage: result.rawUsage,
              },
            },
          };
        },
      };
    },
  };
  return createModel("openai", modelId, adapter);
}
