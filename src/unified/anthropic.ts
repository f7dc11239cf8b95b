import { Anthropic, type AnthropicOptions } from "../providers/anthropic/anthropic.ts";
import type { AnthropicResult } from "../providers/anthropic/anthropic_result.ts";
import type {
  AnthropicCacheControl,
  AnthropicContentBlockParam,
  AnthropicMessageParam,
  AnthropicMessagesRequest,
  AnthropicTool,
} from "../providers/anthropic/types.ts";
import type { RequestOptions } from "../http/request_options.ts";
import {
  type AdapterStep,
  createModel,
  mergeProviderOptions,
  type ModelAdapter,
  type ModelCall,
  resultText,
  stepEnd,
  systemText,
  unsupported,
} from "./_adapter.ts";
import type {
  AssistantContentPart,
  CallWarning,
  LanguageModel,
  Message,
  UserContentPart,
} from "./types.ts";
import { cannotTake, mediaTypeOf, partData, partsOf, textOfBase64 } from "./_content.ts";
import { assistantParts, toolCallPart } from "./_messages.ts";
import { isRecord } from "../shared/_is_record.ts";

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

const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

/** A user message's part as an Anthropic block: text, an image, a document. */
function userBlock(part: UserContentPart): AnthropicContentBlockParam {
  if (part.type === "text") return { type: "text", text: part.text };
  const data = partData(part);
  if (part.type === "image") {
    if (data.kind === "url") return { type: "image", source: { type: "url", url: data.url } };
    const mediaType = mediaTypeOf(data, part, "Anthropic");
    if (!IMAGE_TYPES.has(mediaType)) {
      throw cannotTake(
        "Anthropic",
        `an image of type '${mediaType}'`,
        "send JPEG, PNG, GIF or WebP",
      );
    }
    return {
      type: "image",
      source: { type: "base64", media_type: mediaType as "image/png", data: data.base64 },
    };
  }
  const block: AnthropicContentBlockParam & { type: "document" } = data.kind === "url"
    ? { type: "document", source: { type: "url", url: data.url } }
    : part.mediaType === "application/pdf"
    ? {
      type: "document",
      source: { type: "base64", media_type: "application/pdf", data: data.base64 },
    }
    : part.mediaType.startsWith("text/")
    ? {
      type: "document",
      source: { type: "text", media_type: "text/plain", data: textOfBase64(data.base64) },
    }
    : (() => {
      throw cannotTake(
        "Anthropic",
        `a file of type '${part.mediaType}'`,
        "its documents are PDF or plain text",
      );
    })();
  if (part.filename !== undefined) block.title = part.filename;
  return block;
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
  /** A message's blocks, the last one carrying the message's cache breakpoint. */
  const cached = (message: Message, blocks: AnthropicContentBlockParam[]) => {
    const cacheControl = message.providerOptions?.anthropic?.cacheControl;
    const last = blocks[blocks.length - 1];
    if (cacheControl !== undefined && last !== undefined) {
      (last as { cache_control?: AnthropicCacheControl }).cache_control = cacheControl;
    }
    return blocks;
  };
  let systemCache: AnthropicCacheControl | undefined;
  for (const message of call.messages) {
    switch (message.role) {
      case "system":
        // Joined into the `system` field; a breakpoint marks the whole of it.
        systemCache = message.providerOptions?.anthropic?.cacheControl ?? systemCache;
        break;
      case "user":
        add("user", cached(message, partsOf(message.content).map(userBlock)));
        break;
      case "assistant": {
        const blocks: AnthropicContentBlockParam[] = [];
        let unsigned = 0;
        for (const part of assistantParts(message)) {
          if (part.type === "reasoning") {
            // Thinking goes back with its signature exactly as received (a tool loop requires it).
            if (part.redactedData !== undefined) {
              blocks.push({ type: "redacted_thinking", data: part.redactedData });
            } else if (part.signature !== undefined) {
              blocks.push({ type: "thinking", thinking: part.text, signature: part.signature });
            } else if (part.text) unsigned++;
          } else if (part.type === "text") {
            if (part.text) blocks.push({ type: "text", text: part.text });
          } else {
            blocks.push({
              type: "tool_use",
              id: part.id,
              name: part.name,
              // Arguments that were not a JSON object (sent back as an error result) go as {}:
              // Anthropic accepts only an object here.
              input: isRecord(part.arguments) ? part.arguments : {},
            });
          }
        }
        if (unsigned > 0) {
          warnings.push(
            unsupported(
              "reasoning",
              `Anthropic takes back only signed thinking: ${unsigned} reasoning part(s) without a signature were not sent`,
            ),
          );
        }
        add("assistant", cached(message, blocks));
        break;
      }
      case "tool": {
        const block: AnthropicContentBlockParam = {
          type: "tool_result",
          tool_use_id: message.id,
          content: resultText(message.result),
        };
        if (message.isError) block.is_error = true;
        add("user", cached(message, [block]));
        break;
      }
    }
  }
  const messages: AnthropicMessageParam[] = turns.map(({ role, blocks }) => {
    const only = blocks[0];
    return blocks.length === 1 && only?.type === "text" && only.cache_control === undefined
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
  if (system !== undefined) {
    body.system = systemCache === undefined
      ? system
      : [{ type: "text", text: system, cache_control: systemCache }];
  }
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
    const cacheControl = tool.providerOptions?.anthropic?.cacheControl;
    if (cacheControl !== undefined) definition.cache_control = cacheControl;
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
      ? { type: "tool", name: choice.name }
      : choice === "required"
      ? { type: "any" }
      : { type: choice };
  }
  if (tools.length > 0) body.tools = tools;
  const out = body as unknown as Record<string, unknown>;
  mergeProviderOptions(out, call.providerOptions?.anthropic, warnings);
  return { body: out, warnings };
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
      const objectMode = call.object !== undefined;
      const step: AdapterStep = {
        stream,
        warnings,
        end(value) {
          const result = value as AnthropicResult;
          const end = stepEnd(result, result.id, result.model, {
            anthropic: {
              stopSequence: result.stopSequence,
              cacheCreationInputTokens: result.usage.cacheCreationInputTokens,
              cacheReadInputTokens: result.usage.cacheReadInputTokens,
            },
          });
          if (!objectMode) {
            // The turn in order: thinking with its signature, text, tool calls.
            const content: AssistantContentPart[] = [];
            for (const block of result.content) {
              if (block.type === "thinking") {
                content.push({
                  type: "reasoning",
                  text: block.thinking,
                  signature: block.signature,
                });
              } else if (block.type === "redacted_thinking") {
                content.push({ type: "reasoning", text: "", redactedData: block.data });
              } else if (block.type === "text") {
                if (block.text) content.push({ type: "text", text: block.text });
              } else if (block.type === "tool_use") {
                const call = end.toolCalls.find((toolCall) => toolCall.id === block.id);
                if (call !== undefined) content.push(toolCallPart(call));
              }
            }
            for (const call of end.toolCalls) {
              if (!content.some((part) => part.type === "tool-call" && part.id === call.id)) {
                content.push(toolCallPart(call));
              }
            }
            end.content = content;
          }
          if (objectMode) {
            // The object is the forced tool's input: its text, not a tool call.
            const forced = end.toolCalls[0];
            end.text = forced === undefined ? "" : resultText(forced.arguments);
            end.toolCalls = [];
            if (end.finishReason === "tool-calls") end.finishReason = "stop";
          }
          return end;
        },
      };
      if (objectMode) {
        // The forced tool's input streams as the object's text.
        step.part = (part) => {
          if (part.type === "tool-call-delta") {
            return { type: "text-delta", text: part.argumentsDelta };
          }
          if (part.type === "tool-call-start" || part.type === "tool-call") return undefined;
          return part;
        };
      }
      return step;
    },
  };
  return createModel("anthropic", modelId, adapter);
}
