import { Anthropic, type AnthropicOptions } from "../providers/anthropic/anthropic.ts";
import type { AnthropicResult } from "../providers/anthropic/anthropic_result.ts";
import type {
  AnthropicContentBlockParam,
  AnthropicMessageParam,
  AnthropicMessagesRequest,
  AnthropicStreamEvent,
  AnthropicTool,
} from "../providers/anthropic/types.ts";
import type { RequestOptions } from "../http/request_options.ts";
import type { StreamResult } from "../stream/types.ts";
import {
  type AdapterStep,
  createModel,
  idPrefix,
  type ModelAdapter,
  type ModelCall,
  resultText,
  systemText,
  toolCallsOf,
  unsupported,
  usageOf,
} from "./_adapter.ts";
import type { CallWarning, FinishReason, LanguageModel } from "./types.ts";

/** The `max_tokens` sent when `maxTokens` is not given (Anthropic requires one). */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

/** Options of {@linkcode anthropic}: a client's options, or a client to reuse. */
export interface AnthropicProviderOptions extends AnthropicOptions {
  /** An existing client to send the requests with (its options apply; the others here are ignored). */
  client?: Anthropic;
  /**
   * The `max_tokens` sent when a call gives no `maxTokens`.
   *
   * @default {4096}
   */
  defaultMaxTokens?: number;
}

function finishOf(raw: string | undefined): FinishReason {
  switch (raw) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool-calls";
    case "refusal":
      return "content-filter";
    default:
      return "other";
  }
}

function build(modelId: string, call: ModelCall, defaultMaxTokens: number): {
  body: Record<string, unknown>;
  warnings: CallWarning[];
} {
  const warnings: CallWarning[] = [];
  const turns: { role: "user" | "assistant"; blocks: AnthropicContentBlockParam[] }[] = [];
  const add = (role: "user" | "assistant", blocks: AnthropicContentBlockParam[]) => {
    const last = turns[turns.length - 1];
    if (last?.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks });
  };
  for (const message of call.messages) {
    switch (message.role) {
      case "system":
        break; // Joined into the `system` field.
      case "user":
        add("user", [{ type: "text", text: message.content }]);
        break;
      case "assistant": {
        const blocks: AnthropicContentBlockParam[] = [];
        if (message.content) blocks.push({ type: "text", text: message.content });
        for (const call of message.toolCalls ?? []) {
          blocks.push({
            type: "tool_use",
            id: call.toolCallId,
            name: call.toolName,
            input: call.args,
          });
        }
        add("assistant", blocks);
        break;
      }
      case "tool": {
        const block: AnthropicContentBlockParam = {
          type: "tool_result",
          tool_use_id: message.toolCallId,
          content: resultText(message.result),
        };
        if (message.isError) block.is_error = true;
        add("user", [block]);
        break;
      }
    }
  }
  const messages: AnthropicMessageParam[] = turns.map(({ role, blocks }) => {
    const only = blocks[0];
    return blocks.length === 1 && only?.type === "text"
      ? { role, content: only.text }
      : { role, content: blocks };
  });
  const s = call.settings;
  const body: AnthropicMessagesRequest = {
    model: modelId,
    max_tokens: s.maxTokens ?? defaultMaxTokens,
    messages,
  };
  const system = systemText(call);
  if (system !== undefined) body.system = system;
  if (s.temperature !== undefined) body.temperature = s.temperature;
  if (s.topP !== undefined) body.top_p = s.topP;
  if (s.topK !== undefined) body.top_k = s.topK;
  if (s.stop !== undefined) body.stop_sequences = s.stop;
  for (const setting of ["frequencyPenalty", "presencePenalty", "seed"] as const) {
    if (s[setting] !== undefined) {
      warnings.push(unsupported(setting, `Anthropic's Messages API has no ${setting} setting`));
    }
  }
  const tools: AnthropicTool[] = [];
  for (const [name, tool] of Object.entries(call.tools ?? {})) {
    const definition: AnthropicTool = { name, input_schema: tool.parameters as never };
    if (tool.description !== undefined) definition.description = tool.description;
    tools.push(definition);
  }
  const choice = call.toolChoice;
  if (call.object) {
    const definition: AnthropicTool = {
      name: call.object.name,
      input_schema: call.object.schema as never,
    };
    if (call.object.description !== undefined) definition.description = call.object.description;
    tools.push(definition);
    body.tool_choice = { type: "tool", name: call.object.name };
  } else if (choice !== undefined && tools.length > 0) {
    body.tool_choice = typeof choice !== "string"
      ? { type: "tool", name: choice.toolName }
      : choice === "required"
      ? { type: "any" }
      : { type: choice };
  }
  if (tools.length > 0) body.tools = tools;
  return { body: body as unknown as Record<string, unknown>, warnings };
}

/**
 * A model behind Anthropic's Messages API, for `streamText`, `generateText`
 * and `streamObject`. `system` becomes the `system` field, `stop` becomes
 * `stop_sequences`, and `max_tokens` (which Anthropic requires) defaults to
 * {@linkcode ANTHROPIC_DEFAULT_MAX_TOKENS}; `frequencyPenalty`,
 * `presencePenalty` and `seed` are reported as warnings. `streamObject`
 * forces a single tool whose input schema is the object's schema.
 *
 * @example Stream text (here a canned answer)
 * ```ts
 * import { anthropic, streamText } from "@sluice/sluice/unified";
 * import assert from "node:assert/strict";
 *
 * const events = [
 *   { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant",
 *     model: "claude-sonnet-4-6", content: [], stop_reason: null, stop_sequence: null,
 *     usage: { input_tokens: 5, output_tokens: 1 } } },
 *   { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
 *   { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi!" } },
 *   { type: "content_block_stop", index: 0 },
 *   { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null },
 *     usage: { output_tokens: 2 } },
 *   { type: "message_stop" },
 * ];
 * const body = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
 * const model = anthropic("claude-sonnet-4-6", {
 *   apiKey: "sk-ant-test",
 *   fetch: () => Promise.resolve(new Response(body)),
 * });
 *
 * const result = await streamText({ model, system: "Be brief", prompt: "Say hi", seed: 1 }).result();
 * assert.equal(result.text, "Hi!");
 * assert.equal(result.finishReason, "stop");
 * assert.equal(result.rawFinishReason, "end_turn");
 * assert.equal(result.warnings[0]?.setting, "seed");
 * ```
 */
export function anthropic(modelId: string, options: AnthropicProviderOptions = {}): LanguageModel {
  const {
    client: given,
    defaultMaxTokens = ANTHROPIC_DEFAULT_MAX_TOKENS,
    ...clientOptions
  } = options;
  const client = given ?? new Anthropic(clientOptions);
  const adapter: ModelAdapter = {
    build: (call) => build(modelId, call, defaultMaxTokens),
    start(call: ModelCall, requestOptions: RequestOptions): AdapterStep {
      const { body, warnings } = build(modelId, call, defaultMaxTokens);
      const stream = client.messages(
        body as unknown as AnthropicMessagesRequest & { stream?: true },
        requestOptions,
      );
      const prefix = idPrefix();
      const ids: string[] = [];
      const blocks = new Map<number, { id: string; name: string }>();
      const objectMode = call.object !== undefined;
      return {
        stream,
        warnings,
        map(value, emit) {
          const event = value as AnthropicStreamEvent;
          if (event.type === "content_block_start") {
            const block = event.content_block;
            if (block.type === "tool_use") {
              const state = { id: block.id, name: block.name };
              blocks.set(event.index, state);
              ids.push(state.id);
              if (!objectMode) {
                emit({ type: "tool-call-start", toolCallId: state.id, toolName: state.name });
              }
            }
          } else if (event.type === "content_block_delta") {
            const delta = event.delta;
            if (delta.type === "text_delta") {
              if (delta.text) emit({ type: "text-delta", text: delta.text });
            } else if (delta.type === "thinking_delta") {
              if (delta.thinking) emit({ type: "reasoning-delta", text: delta.thinking });
            } else if (delta.type === "input_json_delta") {
              const state = blocks.get(event.index);
              if (state && delta.partial_json) {
                if (objectMode) emit({ type: "text-delta", text: delta.partial_json });
                else {
                  emit({
                    type: "tool-call-delta",
                    toolCallId: state.id,
                    toolName: state.name,
                    argsTextDelta: delta.partial_json,
                  });
                }
              }
            }
          }
        },
        end(value: StreamResult) {
          const result = value as AnthropicResult;
          const usage = result.usage;
          let text = result.text;
          let toolCalls = toolCallsOf(result, ids, prefix);
          let rawFinishReason: string | undefined = result.finishReason;
          let finishReason = finishOf(rawFinishReason);
          if (objectMode) {
            const forced = toolCalls[0];
            text = forced === undefined ? "" : resultText(forced.args);
            toolCalls = [];
            if (rawFinishReason === "tool_use") finishReason = "stop";
          }
          rawFinishReason ??= undefined;
          return {
            text,
            reasoning: result.thinking,
            toolCalls,
            finishReason,
            rawFinishReason,
            usage: usageOf(usage.totalInputTokens ?? usage.inputTokens, usage.outputTokens),
            id: result.id,
            model: result.model,
            providerMetadata: {
              anthropic: {
                stopSequence: result.stopSequence,
                cacheCreationInputTokens: usage.cacheCreationInputTokens,
                cacheReadInputTokens: usage.cacheReadInputTokens,
              },
            },
          };
        },
      };
    },
  };
  return createModel("anthropic", modelId, adapter);
}
