import type { OpenAI } from "../providers/openai/openai.ts";
import type {
  OpenAIResponsesFunctionTool,
  OpenAIResponsesInputContent,
  OpenAIResponsesInputItem,
  OpenAIResponsesMessageItem,
  OpenAIResponsesOutputItem,
  OpenAIResponsesReasoningItem,
  OpenAIResponsesRequest,
  OpenAIResponsesResult,
} from "../providers/openai/responses_types.ts";
import type { RequestOptions } from "../http/request_options.ts";
import {
  type AdapterStep,
  mergeProviderOptions,
  type ModelAdapter,
  type ModelCall,
  resultText,
  stepEnd,
  unsupported,
} from "./_adapter.ts";
import type { AssistantContentPart, CallWarning } from "./types.ts";
import { isRecord } from "../shared/_is_record.ts";
import { dataUrl, mediaTypeOf, partData } from "./_content.ts";
import { assistantParts, metadataString, toolCallPart, toolCallsOf } from "./_messages.ts";

/** `value` when it is a list, else none. */
function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * A response's output as an assistant message's parts, in order: each
 * reasoning item with its id and `encrypted_content` (so that it can go
 * back), the messages' text, the function calls.
 */
function contentOf(result: OpenAIResponsesResult): AssistantContentPart[] {
  const content: AssistantContentPart[] = [];
  for (const output of result.output) {
    // The other items' `type` is any string: each known item is told by its type.
    if (output.type === "reasoning") {
      const item = output as OpenAIResponsesReasoningItem;
      // The item as the server sent it: a list or a part of another shape is not read.
      const texts = [...listOf(item.summary), ...listOf(item.content)]
        .map((part) => isRecord(part) && typeof part.text === "string" ? part.text : "");
      const openai: Record<string, unknown> = { itemId: item.id };
      if (typeof item.encrypted_content === "string") {
        openai.encryptedContent = item.encrypted_content;
      }
      content.push({ type: "reasoning", text: texts.join("\n\n"), providerMetadata: { openai } });
    } else if (output.type === "message") {
      const item = output as OpenAIResponsesMessageItem;
      const text = listOf(item.content)
        .map((part) =>
          isRecord(part) && part.type === "output_text" && typeof part.text === "string"
            ? part.text
            : ""
        )
        .join("");
      if (text) content.push({ type: "text", text });
    } else if (output.type === "function_call") {
      const callId = (output as { call_id?: unknown }).call_id;
      const call = result.toolCalls.find((toolCall) => toolCall.id === callId);
      if (call !== undefined) content.push(toolCallPart(call));
    }
  }
  for (const call of result.toolCalls) {
    if (!content.some((part) => part.type === "tool-call" && part.id === call.id)) {
      content.push(toolCallPart(call));
    }
  }
  return content;
}

/** How many steps' output items a model keeps to send back with their tool calls. */
const KEPT_STEPS = 256;

/**
 * The output items of recent steps that called tools, by call id: the next
 * step sends them back as they came (reasoning items with their
 * `encrypted_content` included), followed by the `function_call_output`s.
 */
class StepItems {
  #byCallId = new Map<string, OpenAIResponsesOutputItem[]>();

  remember(result: OpenAIResponsesResult): void {
    if (result.toolCalls.length === 0) return;
    const items = result.output.map((item) => ({ ...item }));
    for (const call of result.toolCalls) this.#byCallId.set(call.id, items);
    while (this.#byCallId.size > KEPT_STEPS * 4) {
      const oldest = this.#byCallId.keys().next().value as string;
      this.#byCallId.delete(oldest);
    }
  }

  /** The items of the step that made these calls, when they are all from one step. */
  itemsOf(callIds: readonly string[]): OpenAIResponsesOutputItem[] | undefined {
    const first = callIds[0];
    if (first === undefined) return undefined;
    const items = this.#byCallId.get(first);
    if (items === undefined) return undefined;
    return callIds.every((id) => this.#byCallId.get(id) === items) ? items : undefined;
  }
}

function build(
  modelId: string,
  call: ModelCall,
  extra: Partial<OpenAIResponsesRequest>,
  steps: StepItems,
): { body: Record<string, unknown>; warnings: CallWarning[] } {
  const warnings: CallWarning[] = [];
  const input: OpenAIResponsesInputItem[] = [];
  for (const message of call.messages) {
    switch (message.role) {
      case "system":
        input.push({ role: message.role, content: message.content });
        break;
      case "user":
        input.push({
          role: "user",
          content: typeof message.content === "string"
            ? message.content
            : message.content.map((part): OpenAIResponsesInputContent => {
              if (part.type === "text") return { type: "input_text", text: part.text };
              const data = partData(part);
              if (part.type === "image") {
                return {
                  type: "input_image",
                  image_url: data.kind === "url"
                    ? data.url
                    : dataUrl(data.base64, mediaTypeOf(data, part, "OpenAI")),
                };
              }
              const file: OpenAIResponsesInputContent = data.kind === "url"
                ? { type: "input_file", file_url: data.url }
                : { type: "input_file", file_data: dataUrl(data.base64, part.mediaType) };
              file.filename = part.filename ?? "file";
              return file;
            }),
        });
        break;
      case "assistant": {
        const content = assistantParts(message);
        const items = steps.itemsOf(toolCallsOf(content).map((c) => c.id));
        if (items !== undefined) {
          // The step's own items, reasoning included, as the server sent them.
          for (const item of items) input.push({ ...item });
          break;
        }
        let dropped = 0;
        for (const part of content) {
          if (part.type === "reasoning") {
            // A reasoning item goes back by its id (with its encrypted content when it has one).
            const id = metadataString(part, "openai", "itemId");
            if (id === undefined) {
              if (part.text) dropped++;
              continue;
            }
            const item: OpenAIResponsesInputItem = {
              type: "reasoning",
              id,
              summary: part.text ? [{ type: "summary_text", text: part.text }] : [],
            };
            const encrypted = metadataString(part, "openai", "encryptedContent");
            if (encrypted !== undefined) item.encrypted_content = encrypted;
            input.push(item);
          } else if (part.type === "text") {
            if (part.text) input.push({ role: "assistant", content: part.text });
          } else {
            input.push({
              type: "function_call",
              call_id: part.id,
              name: part.name,
              arguments: resultText(part.arguments),
            });
          }
        }
        if (dropped > 0) {
          warnings.push(
            unsupported(
              "reasoning",
              `OpenAI's Responses API takes back only reasoning items it made (with their id): ${dropped} reasoning part(s) were not sent`,
            ),
          );
        }
        break;
      }
      case "tool":
        input.push({
          type: "function_call_output",
          call_id: message.id,
          output: resultText(message.result),
        });
        break;
    }
  }
  const s = call.settings;
  const body: Record<string, unknown> = { ...extra, model: modelId, input };
  if (call.system) body.instructions = call.system;
  if (extra.store === false) {
    // Reasoning carried into the next step needs its encrypted content when nothing is stored.
    const include = new Set(extra.include ?? []);
    include.add("reasoning.encrypted_content");
    body.include = [...include];
  }
  if (s.maxTokens !== undefined) body.max_output_tokens = s.maxTokens;
  if (s.temperature !== undefined) body.temperature = s.temperature;
  if (s.topP !== undefined) body.top_p = s.topP;
  for (const setting of ["topK", "frequencyPenalty", "presencePenalty", "stop", "seed"] as const) {
    if (s[setting] !== undefined) {
      warnings.push(unsupported(setting, `OpenAI's Responses API has no ${setting} setting`));
    }
  }
  if (call.tools) {
    const tools: OpenAIResponsesFunctionTool[] = Object.entries(call.tools).map(([name, tool]) => {
      const fn: OpenAIResponsesFunctionTool = {
        type: "function",
        name,
        parameters: tool.parameters as Record<string, unknown>,
        strict: false,
      };
      if (tool.description !== undefined) fn.description = tool.description;
      return fn;
    });
    if (tools.length > 0) body.tools = [...(extra.tools ?? []), ...tools];
  }
  const choice = call.toolChoice;
  if (choice !== undefined && call.tools) {
    body.tool_choice = typeof choice === "string"
      ? choice
      : { type: "function", name: choice.name };
  }
  if (call.object) {
    const format: Record<string, unknown> = {
      type: "json_schema",
      name: call.object.name,
      schema: call.object.schema,
      strict: false,
    };
    if (call.object.description !== undefined) format.description = call.object.description;
    body.text = { ...extra.text, format };
  }
  mergeProviderOptions(body, call.providerOptions?.openai, warnings);
  return { body, warnings };
}

/** The unified adapter of a model behind the Responses API. */
export function responsesAdapter(
  modelId: string,
  client: OpenAI,
  extra: Partial<OpenAIResponsesRequest>,
): ModelAdapter {
  const steps = new StepItems();
  return {
    build: (call) => build(modelId, call, extra, steps),
    start(call: ModelCall, requestOptions: RequestOptions): AdapterStep {
      const { body, warnings } = build(modelId, call, extra, steps);
      const stream = client.responses(
        body as unknown as OpenAIResponsesRequest & { stream?: true },
        requestOptions,
      );
      return {
        stream,
        warnings,
        end(value) {
          const result = value as OpenAIResponsesResult;
          steps.remember(result);
          const end = stepEnd(result, result.id, result.model, {
            openai: {
              api: "responses",
              responseId: result.id,
              status: result.status,
              refusal: result.refusal,
              output: result.output,
              rawUsage: result.usage.raw,
            },
          });
          end.content = contentOf(result);
          return end;
        },
      };
    },
  };
}
