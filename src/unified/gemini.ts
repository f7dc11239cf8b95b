import { Gemini, type GeminiOptions } from "../providers/gemini/gemini.ts";
import type { GeminiResult } from "../providers/gemini/gemini_result.ts";
import { wholeCall } from "../providers/gemini/_protocol.ts";
import type {
  GeminiContent,
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiSafetySetting,
  GeminiSchema,
  GeminiThinkingConfig,
  GeminiTool,
} from "../providers/gemini/types.ts";
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
} from "./_adapter.ts";
import type { AssistantContentPart, CallWarning, LanguageModel } from "./types.ts";
import { geminiEmbedding } from "./gemini_embedding.ts";
import { mediaTypeOf, partData, partsOf } from "./_content.ts";
import { assistantParts, metadataString, toolCallPart, toolCallsOf } from "./_messages.ts";
import { isRecord } from "../shared/_is_record.ts";

/** Options of {@linkcode gemini}: a client's options, or a client to reuse, and Gemini's own settings. */
export interface GeminiProviderOptions extends GeminiOptions {
  /** An existing client to send the requests with (its options apply; the client options here are ignored). */
  client?: Gemini;
  /** Thinking: `{ includeThoughts: true }` streams thought summaries as reasoning; a budget. */
  thinkingConfig?: GeminiThinkingConfig;
  /** Safety thresholds sent with every call. */
  safetySettings?: GeminiSafetySetting[];
}

/** JSON Schema keywords Gemini's OpenAPI-subset schema does not take. */
const DROPPED = new Set(["$schema", "$id", "$ref", "additionalProperties", "$defs", "definitions"]);
/** The string formats Gemini accepts (it rejects a schema with any other). */
const STRING_FORMATS = new Set(["enum", "date-time"]);
/** How deep `$ref`s are followed (a recursive schema is cut there). */
const MAX_REF_DEPTH = 8;

/** A local `$ref` (`#/$defs/x`, `#/definitions/x`, `#`) resolved against the root schema. */
function resolveRef(root: Record<string, unknown>, ref: string): unknown {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isRecord(node)) return undefined;
    node = node[key];
  }
  return node;
}

/**
 * A JSON Schema in the OpenAPI 3.0 subset Gemini's `parameters` and
 * `responseSchema` take: local `$ref`s are inlined, `["string", "null"]`
 * becomes `nullable`, `const` becomes a one-value `enum`, `oneOf` becomes
 * `anyOf`, and keywords Gemini rejects (`additionalProperties`, `$schema`,
 * string formats other than `date-time` and `enum`) are dropped.
 *
 * @example Map a schema
 * ```ts
 * import { toGeminiSchema } from "@sluice/sluice/unified";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   toGeminiSchema({
 *     type: "object",
 *     properties: { note: { type: ["string", "null"] } },
 *     additionalProperties: false,
 *   }),
 *   { type: "object", properties: { note: { type: "string", nullable: true } } },
 * );
 * ```
 */
export function toGeminiSchema(schema: unknown): GeminiSchema {
  return convert(schema, isRecord(schema) ? schema : {}, 0);
}

function convert(schema: unknown, root: Record<string, unknown>, depth: number): GeminiSchema {
  if (!isRecord(schema)) return {};
  if (typeof schema.$ref === "string" && depth < MAX_REF_DEPTH) {
    const { $ref, ...rest } = schema;
    const target = resolveRef(root, $ref as string);
    if (isRecord(target)) return convert({ ...target, ...rest }, root, depth + 1);
  }
  const out: GeminiSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key)) continue;
    if (key === "type" && Array.isArray(value)) {
      const types = value.filter((type) => type !== "null");
      if (types.length !== value.length) out.nullable = true;
      if (types[0] !== undefined) out.type = String(types[0]);
    } else if (key === "const") {
      out.enum = [value];
    } else if (key === "format") {
      const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
      if (String(type).toLowerCase() !== "string" || STRING_FORMATS.has(String(value))) {
        out.format = value;
      }
    } else if (key === "properties" && isRecord(value)) {
      const properties: Record<string, GeminiSchema> = {};
      for (const [name, inner] of Object.entries(value)) {
        properties[name] = convert(inner, root, depth);
      }
      out.properties = properties;
    } else if (key === "items") {
      out.items = convert(value, root, depth);
    } else if ((key === "anyOf" || key === "oneOf" || key === "allOf") && Array.isArray(value)) {
      out[key === "oneOf" ? "anyOf" : key] = value.map((inner) => convert(inner, root, depth));
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** What a model turn with tool calls was, as Gemini sent it: replayed with its signatures. */
interface Remembered {
  content: GeminiContent;
  /** The call ids Gemini sent (the others were made up, and are not sent back). */
  serverIds: ReadonlySet<string>;
}

/**
 * A turn's parts as an assistant message's, in order, each keeping its
 * thought signature (and a call the id Gemini gave it).
 */
function contentOf(result: GeminiResult): AssistantContentPart[] {
  const content: AssistantContentPart[] = [];
  let call = 0;
  for (const part of result.content.parts) {
    const metadata: Record<string, unknown> = {};
    if (part.thoughtSignature !== undefined) metadata.thoughtSignature = part.thoughtSignature;
    let out: AssistantContentPart;
    const whole = wholeCall(part as unknown as Record<string, unknown>);
    if (whole !== undefined) {
      // The calls in order, as the reader read them (a part it kept raw is not one).
      const toolCall = result.toolCalls[call++];
      if (toolCall === undefined) continue;
      out = toolCallPart(toolCall);
      if (whole.id === toolCall.id) metadata.id = toolCall.id;
    } else if (part.functionCall !== undefined) {
      continue;
    } else if (typeof part.text === "string" || part.thoughtSignature !== undefined) {
      const text = part.text ?? "";
      out = part.thought === true ? { type: "reasoning", text } : { type: "text", text };
    } else continue;
    if (Object.keys(metadata).length > 0) out.providerMetadata = { gemini: metadata };
    content.push(out);
  }
  return content;
}

/**
 * A part of a remembered turn as sent back: as received, except a call's
 * arguments that were not a JSON object (answered with an error result),
 * which go as `{}`, the only kind of `args` Gemini takes.
 */
function replayed(part: GeminiPart): GeminiPart {
  const call = part.functionCall;
  if (call === undefined || call.args === undefined || isRecord(call.args)) return { ...part };
  return { ...part, functionCall: { ...call, args: {} } };
}

/** How many tool calls' turns a model remembers (the oldest are forgotten first). */
const MEMORY = 1024;

function build(
  modelId: string,
  call: ModelCall,
  options: GeminiProviderOptions,
  memory: Map<string, Remembered>,
): { body: Record<string, unknown>; warnings: CallWarning[] } {
  const warnings: CallWarning[] = [];
  const contents: GeminiContent[] = [];
  const add = (role: "user" | "model", parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts: [...parts] });
  };
  const serverId = (id: string) => memory.get(id)?.serverIds.has(id) === true;
  for (const message of call.messages) {
    switch (message.role) {
      case "system":
        break; // Joined into systemInstruction.
      case "user":
        add(
          "user",
          partsOf(message.content).map((part): GeminiPart => {
            if (part.type === "text") return { text: part.text };
            const data = partData(part);
            const mimeType = mediaTypeOf(data, part, "Gemini");
            return data.kind === "url"
              ? { fileData: { mimeType, fileUri: data.url } }
              : { inlineData: { mimeType, data: data.base64 } };
          }),
        );
        break;
      case "assistant": {
        const content = assistantParts(message);
        const calls = toolCallsOf(content);
        const remembered = calls.length > 0 ? memory.get(calls[0]!.id) : undefined;
        if (remembered !== undefined) {
          // The turn as Gemini sent it: thought signatures go back unchanged.
          add("model", remembered.content.parts.map(replayed));
          break;
        }
        // The turn from its parts, each with the thought signature Gemini attached to it.
        const parts: GeminiPart[] = [];
        for (const part of content) {
          const signature = metadataString(part, "gemini", "thoughtSignature");
          let out: GeminiPart;
          if (part.type === "reasoning") {
            if (!part.text && signature === undefined) continue;
            out = { text: part.text, thought: true };
          } else if (part.type === "text") {
            // An empty text part can carry the turn's signature: it goes back too.
            if (!part.text && signature === undefined) continue;
            out = { text: part.text };
          } else {
            const functionCall: GeminiPart["functionCall"] = {
              name: part.name,
              // Arguments that were not a JSON object (the reader marks the call, and the tool
              // loop sends an error result instead of running it) go as {}: Gemini takes an object.
              args: isRecord(part.arguments) ? part.arguments : {},
            };
            if (serverId(part.id) || metadataString(part, "gemini", "id") === part.id) {
              functionCall.id = part.id;
            }
            out = { functionCall };
          }
          if (signature !== undefined) out.thoughtSignature = signature;
          parts.push(out);
        }
        add("model", parts);
        break;
      }
      case "tool": {
        const functionResponse: GeminiPart["functionResponse"] = {
          name: message.name,
          response: message.isError
            ? { error: resultText(message.result) }
            : { result: message.result },
        };
        if (serverId(message.id)) functionResponse.id = message.id;
        add("user", [{ functionResponse }]);
        break;
      }
    }
  }
  const body: Omit<GeminiGenerateContentRequest, "model"> = { contents };
  const system = systemText(call);
  if (system !== undefined) body.systemInstruction = { parts: [{ text: system }] };
  const s = call.settings;
  const config: GeminiGenerationConfig = {};
  if (s.maxTokens !== undefined) config.maxOutputTokens = s.maxTokens;
  if (s.temperature !== undefined) config.temperature = s.temperature;
  if (s.topP !== undefined) config.topP = s.topP;
  if (s.topK !== undefined) config.topK = s.topK;
  if (s.stop !== undefined) config.stopSequences = s.stop;
  if (s.frequencyPenalty !== undefined) config.frequencyPenalty = s.frequencyPenalty;
  if (s.presencePenalty !== undefined) config.presencePenalty = s.presencePenalty;
  if (s.seed !== undefined) config.seed = s.seed;
  if (options.thinkingConfig !== undefined) config.thinkingConfig = options.thinkingConfig;
  if (call.object) {
    config.responseMimeType = "application/json";
    config.responseSchema = toGeminiSchema(call.object.schema);
  }
  if (Object.keys(config).length > 0) body.generationConfig = config;
  const declarations = Object.entries(call.tools ?? {}).map(([name, tool]) => {
    const declaration: NonNullable<GeminiTool["functionDeclarations"]>[number] = {
      name,
      parameters: toGeminiSchema(tool.parameters),
    };
    if (tool.description !== undefined) declaration.description = tool.description;
    return declaration;
  });
  if (declarations.length > 0) {
    body.tools = [{ functionDeclarations: declarations }];
    const choice = call.toolChoice;
    if (choice !== undefined) {
      body.toolConfig = {
        functionCallingConfig: typeof choice !== "string"
          ? { mode: "ANY", allowedFunctionNames: [choice.name] }
          : { mode: choice === "required" ? "ANY" : choice === "none" ? "NONE" : "AUTO" },
      };
    }
  }
  if (options.safetySettings !== undefined) body.safetySettings = options.safetySettings;
  const out: Record<string, unknown> = { model: modelId, ...body };
  mergeProviderOptions(out, call.providerOptions?.gemini, warnings);
  return { body: out, warnings };
}

function geminiModel(modelId: string, options: GeminiProviderOptions = {}): LanguageModel {
  const { client: given, thinkingConfig, safetySettings, ...clientOptions } = options;
  const settings: GeminiProviderOptions = {};
  if (thinkingConfig !== undefined) settings.thinkingConfig = thinkingConfig;
  if (safetySettings !== undefined) settings.safetySettings = safetySettings;
  const client = given ?? new Gemini(clientOptions);
  const memory = new Map<string, Remembered>();
  const remember = (result: GeminiResult) => {
    const calls = result.content.parts.filter((part) => part.functionCall !== undefined);
    const serverIds = new Set<string>();
    result.toolCalls.forEach((toolCall, i) => {
      if (calls[i]?.functionCall?.id === toolCall.id) serverIds.add(toolCall.id);
    });
    const turn: Remembered = { content: result.content, serverIds };
    for (const toolCall of result.toolCalls) {
      memory.delete(toolCall.id);
      memory.set(toolCall.id, turn);
    }
    for (const oldest of memory.keys()) {
      if (memory.size <= MEMORY) break;
      memory.delete(oldest);
    }
  };
  const adapter: ModelAdapter = {
    build: (call) => build(modelId, call, settings, memory),
    start(call: ModelCall, requestOptions: RequestOptions): AdapterStep {
      const { body, warnings } = build(modelId, call, settings, memory);
      const stream = client.generateContent(
        body as unknown as GeminiGenerateContentRequest & { stream?: true },
        requestOptions,
      );
      return {
        stream,
        warnings,
        end(value) {
          const result = value as GeminiResult;
          if (result.toolCalls.length > 0) remember(result);
          const candidate = result.candidates[0];
          const end = stepEnd(result, result.id, result.model, {
            gemini: {
              content: result.content,
              promptFeedback: result.promptFeedback,
              safetyRatings: candidate?.safetyRatings,
              citationMetadata: candidate?.citationMetadata,
              groundingMetadata: candidate?.groundingMetadata,
              usageMetadata: result.usage.raw,
            },
          });
          end.content = contentOf(result);
          return end;
        },
      };
    },
  };
  return createModel("gemini", modelId, adapter);
}

/** The Gemini model factory: {@linkcode gemini} makes a chat model, `gemini.embedding` an embedding model. */
export interface GeminiProvider {
  /** A chat model for `streamText`, `generateText` and `streamObject`. */
  (modelId: string, options?: GeminiProviderOptions): LanguageModel;
  /**
   * The same as {@linkcode geminiEmbedding}: `gemini.embedding("…")` makes an
   * embedding model for `embed` and `embedMany`, with the same client options.
   */
  embedding: typeof geminiEmbedding;
}

// One pure expression (no assignment after the function): unused, it leaves a bundle.
/**
 * A model behind Google's Gemini API, for `streamText`, `generateText` and
 * `streamObject`. `system` becomes `systemInstruction`, the settings go into
 * `generationConfig` (`maxTokens` → `maxOutputTokens`, `stop` →
 * `stopSequences`; Gemini takes them all), tools become
 * `functionDeclarations` and `toolChoice` a `functionCallingConfig` mode.
 * `streamObject` asks for `responseMimeType: "application/json"` with the
 * schema as `responseSchema` (JSON Schema mapped onto Gemini's subset by
 * {@linkcode toGeminiSchema}).
 *
 * In a tool loop, the model's turn goes back exactly as Gemini sent it,
 * thought signatures included (the model remembers the turns of the tool
 * calls it made, by call id), and each result as a `functionResponse`
 * (`{ result }`, or `{ error }` for an error result) with the call's id when
 * Gemini gave one.
 *
 * @example Run a tool loop (here against the mock server)
 * ```ts
 * import { gemini, streamText } from "@sluice/sluice/unified";
 * import { createMockServer } from "@sluice/sluice/testing";
 * import assert from "node:assert/strict";
 *
 * const model = gemini("gemini-2.5-flash", { fetch: createMockServer().fetch });
 * const result = await streamText({
 *   model,
 *   prompt: "Weather in Lisbon?",
 *   tools: {
 *     get_weather: {
 *       parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
 *       execute: (args) => ({ ...(args as { city: string }), celsius: 21 }),
 *     },
 *   },
 *   maxSteps: 2,
 * }).result();
 * assert.equal(result.steps.length, 2);
 * assert.equal(result.steps[0]?.finishReason, "tool-calls");
 * assert.equal(result.finishReason, "stop");
 * ```
 */
export const gemini: GeminiProvider = /* @__PURE__ */ Object.assign(geminiModel, {
  embedding: geminiEmbedding,
});
