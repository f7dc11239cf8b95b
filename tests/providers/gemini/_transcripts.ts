/**
 * Gemini stream transcripts written from the API reference
 * (`GenerateContentResponse`, `streamGenerateContent?alt=sse`), with what a
 * correct client must assemble from each. Every transcript is also stored as
 * `tests/testdata/gemini/<name>.sse` (the unit tests check the two agree), so
 * that the runtime conformance suite can fetch it in pieces over HTTP.
 *
 * Web APIs only: the conformance suite imports this module on every runtime.
 *
 * @module
 */

type Json = Record<string, unknown>;

/** What a transcript must assemble to (`error`: the name of the error it must fail with). */
export interface Expected {
  text: string;
  reasoning: string;
  /** Tool calls; `id: undefined` means a generated `call_…` id. */
  toolCalls: { id: string | undefined; name: string; arguments: unknown }[];
  finishReason: string | undefined;
  rawFinishReason: string | undefined;
  usage: Json;
  /** The first candidate's parts, as the result's `content.parts`. */
  parts: Json[];
  id: string | undefined;
  model: string | undefined;
  /** Raw parts (code execution), in order. */
  raw: unknown[];
  error?: "IncompleteStreamError" | "ProviderError";
}

/** One transcript. */
export interface Transcript {
  name: string;
  events: Json[];
  expect: Expected;
}

/** Gemini's framing: `data: <json>` and a blank line, with CRLF line ends as the API sends. */
export function sseBody(events: readonly unknown[]): string {
  return events.map((event) => `data: ${JSON.stringify(event)}\r\n\r\n`).join("");
}

const MODEL = "gemini-2.5-flash";
const common = (responseId: string) => ({ modelVersion: MODEL, responseId });
const candidate = (parts: Json[], extra: Json = {}) => ({
  candidates: [{ content: { parts, role: "model" }, index: 0, ...extra }],
});

const SIGNATURE = "CiQB0e2Kb7m3xQ4v1l2yH8ZpS0aJ9dE5fW6gT3uR1cV2bN4kYhEKXwHR7Yp";

/** Every transcript. */
export const transcripts: Transcript[] = [
  {
    name: "text",
    events: [
      {
        ...candidate([{ text: "The sky is blue because" }]),
        usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
        ...common("rsp-text-1"),
      },
      {
        ...candidate([{ text: " air scatters short wavelengths — Rayleigh scattering" }]),
        usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
        ...common("rsp-text-1"),
      },
      {
        ...candidate([{ text: " (東京 too 🌏)." }], {
          finishReason: "STOP",
          citationMetadata: {
            citationSources: [{
              startIndex: 0,
              endIndex: 40,
              uri: "https://en.wikipedia.org/wiki/Rayleigh_scattering",
            }],
          },
        }),
        usageMetadata: {
          promptTokenCount: 9,
          candidatesTokenCount: 21,
          totalTokenCount: 30,
          promptTokensDetails: [{ modality: "TEXT", tokenCount: 9 }],
        },
        ...common("rsp-text-1"),
      },
    ],
    expect: {
      text:
        "The sky is blue because air scatters short wavelengths — Rayleigh scattering (東京 too 🌏).",
      reasoning: "",
      toolCalls: [],
      finishReason: "stop",
      rawFinishReason: "STOP",
      usage: { inputTokens: 9, outputTokens: 21, totalTokens: 30 },
      parts: [{
        text:
          "The sky is blue because air scatters short wavelengths — Rayleigh scattering (東京 too 🌏).",
      }],
      id: "rsp-text-1",
      model: MODEL,
      raw: [],
    },
  },
  {
    name: "thoughts-then-text",
    events: [
      {
        ...candidate([{ text: "**Considering the question**\n\nThe user asks", thought: true }]),
        usageMetadata: { promptTokenCount: 12, totalTokenCount: 60, thoughtsTokenCount: 48 },
        ...common("rsp-think-1"),
      },
      {
        ...candidate([{ text: " for a prime; 7 is one.", thought: true }]),
        usageMetadata: { promptTokenCount: 12, totalTokenCount: 80, thoughtsTokenCount: 68 },
        ...common("rsp-think-1"),
      },
      {
        ...candidate([{ text: "Seven", thoughtSignature: SIGNATURE }]),
        usageMetadata: { promptTokenCount: 12, totalTokenCount: 80, thoughtsTokenCount: 68 },
        ...common("rsp-think-1"),
      },
      {
        ...candidate([{ text: " is prime." }], { finishReason: "STOP" }),
        usageMetadata: {
          promptTokenCount: 12,
          candidatesTokenCount: 4,
          thoughtsTokenCount: 68,
          cachedContentTokenCount: 8,
          totalTokenCount: 84,
        },
        ...common("rsp-think-1"),
      },
    ],
    expect: {
      text: "Seven is prime.",
      reasoning: "**Considering the question**\n\nThe user asks for a prime; 7 is one.",
      toolCalls: [],
      finishReason: "stop",
      rawFinishReason: "STOP",
      usage: {
        inputTokens: 12,
        outputTokens: 72,
        totalTokens: 84,
        cachedInputTokens: 8,
        reasoningTokens: 68,
      },
      parts: [
        {
          text: "**Considering the question**\n\nThe user asks for a prime; 7 is one.",
          thought: true,
        },
        // The signature came with the first piece: the next piece is a part of its own.
        { text: "Seven", thoughtSignature: SIGNATURE },
        { text: " is prime." },
      ],
      id: "rsp-think-1",
      model: MODEL,
      raw: [],
    },
  },
  {
    name: "parallel-function-calls",
    events: [
      {
        ...candidate([{ text: "Checking both cities.", thought: true }]),
        usageMetadata: { promptTokenCount: 70, totalTokenCount: 90, thoughtsTokenCount: 20 },
        ...common("rsp-calls-1"),
      },
      {
        ...candidate([
          {
            functionCall: { name: "get_weather", args: { city: "Lisbon", unit: "celsius" } },
            thoughtSignature: SIGNATURE,
          },
          { functionCall: { name: "get_weather", args: { city: "Zürich" } } },
          { functionCall: { id: "fc-3", name: "get_time", args: {} } },
        ], { finishReason: "STOP" }),
        usageMetadata: {
          promptTokenCount: 70,
          candidatesTokenCount: 30,
          thoughtsTokenCount: 20,
          totalTokenCount: 120,
        },
        ...common("rsp-calls-1"),
      },
    ],
    expect: {
      text: "",
      reasoning: "Checking both cities.",
      toolCalls: [
        { id: undefined, name: "get_weather", arguments: { city: "Lisbon", unit: "celsius" } },
        { id: undefined, name: "get_weather", arguments: { city: "Zürich" } },
        { id: "fc-3", name: "get_time", arguments: {} },
      ],
      finishReason: "tool-calls",
      rawFinishReason: "STOP",
      usage: { inputTokens: 70, outputTokens: 50, totalTokens: 120, reasoningTokens: 20 },
      parts: [
        { text: "Checking both cities.", thought: true },
        {
          functionCall: { name: "get_weather", args: { city: "Lisbon", unit: "celsius" } },
          thoughtSignature: SIGNATURE,
        },
        { functionCall: { name: "get_weather", args: { city: "Zürich" } } },
        { functionCall: { id: "fc-3", name: "get_time", args: {} } },
      ],
      id: "rsp-calls-1",
      model: MODEL,
      raw: [],
    },
  },
  {
    name: "safety",
    events: [
      {
        ...candidate([{ text: "Here is how" }]),
        usageMetadata: { promptTokenCount: 11, totalTokenCount: 11 },
        ...common("rsp-safety-1"),
      },
      {
        candidates: [{
          finishReason: "SAFETY",
          index: 0,
          safetyRatings: [
            { category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true },
            { category: "HARM_CATEGORY_HARASSMENT", probability: "NEGLIGIBLE" },
          ],
        }],
        usageMetadata: { promptTokenCount: 11, candidatesTokenCount: 3, totalTokenCount: 14 },
        ...common("rsp-safety-1"),
      },
    ],
    expect: {
      text: "Here is how",
      reasoning: "",
      toolCalls: [],
      finishReason: "content-filter",
      rawFinishReason: "SAFETY",
      usage: { inputTokens: 11, outputTokens: 3, totalTokens: 14 },
      parts: [{ text: "Here is how" }],
      id: "rsp-safety-1",
      model: MODEL,
      raw: [],
    },
  },
  {
    name: "blocked-prompt",
    events: [
      {
        promptFeedback: {
          blockReason: "PROHIBITED_CONTENT",
          safetyRatings: [
            { category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true },
          ],
        },
        usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 },
        ...common("rsp-blocked-1"),
      },
    ],
    expect: {
      text: "",
      reasoning: "",
      toolCalls: [],
      finishReason: "content-filter",
      rawFinishReason: "PROHIBITED_CONTENT",
      usage: { inputTokens: 8, totalTokens: 8 },
      parts: [],
      id: "rsp-blocked-1",
      model: MODEL,
      raw: [],
    },
  },
  {
    name: "max-tokens",
    events: [
      {
        ...candidate([{ text: "Once upon a time, in a" }]),
        usageMetadata: { promptTokenCount: 6, totalTokenCount: 6 },
        ...common("rsp-max-1"),
      },
      {
        ...candidate([{ text: " land far" }], { finishReason: "MAX_TOKENS" }),
        usageMetadata: { promptTokenCount: 6, candidatesTokenCount: 8, totalTokenCount: 14 },
        ...common("rsp-max-1"),
      },
    ],
    expect: {
      text: "Once upon a time, in a land far",
      reasoning: "",
      toolCalls: [],
      finishReason: "length",
      rawFinishReason: "MAX_TOKENS",
      usage: { inputTokens: 6, outputTokens: 8, totalTokens: 14 },
      parts: [{ text: "Once upon a time, in a land far" }],
      id: "rsp-max-1",
      model: MODEL,
      raw: [],
    },
  },
  {
    name: "code-execution",
    events: [
      {
        ...candidate([
          { text: "Let me compute it." },
          { executableCode: { language: "PYTHON", code: "print(sum(range(101)))" } },
        ]),
        ...common("rsp-code-1"),
      },
      {
        ...candidate([
          { codeExecutionResult: { outcome: "OUTCOME_OK", output: "5050\n" } },
          { text: "The sum is 5050." },
        ], { finishReason: "STOP" }),
        usageMetadata: {
          promptTokenCount: 15,
          candidatesTokenCount: 25,
          toolUsePromptTokenCount: 30,
          totalTokenCount: 70,
        },
        ...common("rsp-code-1"),
      },
    ],
    expect: {
      text: "Let me compute it.The sum is 5050.",
      reasoning: "",
      toolCalls: [],
      finishReason: "stop",
      rawFinishReason: "STOP",
      usage: { inputTokens: 15, outputTokens: 25, totalTokens: 70 },
      parts: [
        { text: "Let me compute it." },
        { executableCode: { language: "PYTHON", code: "print(sum(range(101)))" } },
        { codeExecutionResult: { outcome: "OUTCOME_OK", output: "5050\n" } },
        { text: "The sum is 5050." },
      ],
      id: "rsp-code-1",
      model: MODEL,
      raw: [
        { executableCode: { language: "PYTHON", code: "print(sum(range(101)))" } },
        { codeExecutionResult: { outcome: "OUTCOME_OK", output: "5050\n" } },
      ],
    },
  },
  {
    name: "cut-before-finish",
    events: [
      {
        ...candidate([{ text: "The first half" }]),
        usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 },
        ...common("rsp-cut-1"),
      },
      {
        ...candidate([{ text: " of an answer" }]),
        usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 },
        ...common("rsp-cut-1"),
      },
    ],
    expect: {
      text: "The first half of an answer",
      reasoning: "",
      toolCalls: [],
      finishReason: undefined,
      rawFinishReason: undefined,
      usage: { inputTokens: 5, totalTokens: 5 },
      parts: [{ text: "The first half of an answer" }],
      id: "rsp-cut-1",
      model: MODEL,
      raw: [],
      error: "IncompleteStreamError",
    },
  },
  {
    name: "midstream-error",
    events: [
      {
        ...candidate([{ text: "Partial" }]),
        usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 },
        ...common("rsp-err-1"),
      },
      {
        error: {
          code: 503,
          message: "The model is overloaded. Please try again later.",
          status: "UNAVAILABLE",
        },
      },
    ],
    expect: {
      text: "Partial",
      reasoning: "",
      toolCalls: [],
      finishReason: undefined,
      rawFinishReason: undefined,
      usage: { inputTokens: 5, totalTokens: 5 },
      parts: [{ text: "Partial" }],
      id: "rsp-err-1",
      model: MODEL,
      raw: [],
      error: "ProviderError",
    },
  },
];

/** An HTTP error body, as the reference shows one (`google.rpc.Status` with `RetryInfo`). */
export const RATE_LIMIT_BODY = {
  error: {
    code: 429,
    message:
      "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
    status: "RESOURCE_EXHAUSTED",
    details: [
      {
        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
        violations: [{
          quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
          quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
        }],
      },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "20s" },
    ],
  },
};
