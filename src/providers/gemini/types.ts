/**
 * The wire types of Google's Gemini API (the Generative Language API,
 * `models/{model}:generateContent` and `:streamGenerateContent`): the request
 * body, and the `GenerateContentResponse` that a non-streaming call returns
 * and that every event of a stream carries. Field names are Google's own
 * (camelCase), so values go to and come from the API unchanged.
 *
 * @module
 */

// ---------------------------------------------------------------------------
// Content: what a request sends and a response carries
// ---------------------------------------------------------------------------

/** Bytes sent inline, base64-encoded. */
export interface GeminiBlob {
  /** The IANA media type (`"image/png"`, `"audio/wav"`, `"application/pdf"`, …). */
  mimeType: string;
  /** The bytes, base64-encoded. */
  data: string;
}

/** A file uploaded with the Files API, or a `gs://` / `https://` URI. */
export interface GeminiFileData {
  /** The IANA media type. */
  mimeType?: string;
  /** The file's URI. */
  fileUri: string;
}

/** A call the model asks for: a function name and its arguments as an object. */
export interface GeminiFunctionCall {
  /** The call's id (newer models send one; send it back in the `functionResponse`). */
  id?: string;
  /** The function's name. */
  name: string;
  /** The arguments, as a JSON object. */
  args?: Record<string, unknown>;
}

/** The result of a function call, sent back to the model. */
export interface GeminiFunctionResponse {
  /** The id of the call this answers, when the call had one. */
  id?: string;
  /** The function's name. */
  name: string;
  /** The result, as a JSON object (`{ "result": … }` or `{ "error": … }` by convention). */
  response: Record<string, unknown>;
}

/** Code the model wrote for the code-execution tool. */
export interface GeminiExecutableCode {
  /** The language (`"PYTHON"`). */
  language: string;
  /** The code. */
  code: string;
}

/** The outcome of running {@linkcode GeminiExecutableCode}. */
export interface GeminiCodeExecutionResult {
  /** `"OUTCOME_OK"`, `"OUTCOME_FAILED"`, `"OUTCOME_DEADLINE_EXCEEDED"`, … */
  outcome: string;
  /** What the code printed, or the error. */
  output?: string;
}

/**
 * One part of a content: exactly one of `text`, `inlineData`, `fileData`,
 * `functionCall`, `functionResponse`, `executableCode`,
 * `codeExecutionResult`. Any part may carry a `thoughtSignature`, which must
 * be sent back unchanged with the turn it came in.
 */
export interface GeminiPart {
  /** Text (with `thought: true`, a summary of the model's thinking). */
  text?: string;
  /** True when the text is the model's thinking, not its answer. */
  thought?: boolean;
  /** An opaque signature of the model's thinking, to send back as received. */
  thoughtSignature?: string;
  /** Inline bytes. */
  inlineData?: GeminiBlob;
  /** A file by URI. */
  fileData?: GeminiFileData;
  /** A call the model asks for. */
  functionCall?: GeminiFunctionCall;
  /** A function's result. */
  functionResponse?: GeminiFunctionResponse;
  /** Code for the code-execution tool. */
  executableCode?: GeminiExecutableCode;
  /** The outcome of running code. */
  codeExecutionResult?: GeminiCodeExecutionResult;
  /** Any field added later, kept as received. */
  [field: string]: unknown;
}

/** A turn of the conversation: a role and its parts. */
export interface GeminiContent {
  /** `"user"` or `"model"` (left out for a system instruction). */
  role?: "user" | "model";
  /** The parts, in order. */
  parts: GeminiPart[];
}

// ---------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------

/**
 * A schema in the OpenAPI 3.0 subset Gemini accepts (`type`, `format`,
 * `description`, `nullable`, `enum`, `properties`, `required`, `items`,
 * `minItems`, `maxItems`, `propertyOrdering`, `anyOf`, …).
 */
export interface GeminiSchema {
  /** `"OBJECT"`, `"STRING"`, … (lower case is accepted too). */
  type?: string;
  /** What the value means. */
  description?: string;
  /** Whether `null` is allowed. */
  nullable?: boolean;
  /** The values allowed. */
  enum?: unknown[];
  /** The properties of an object. */
  properties?: Record<string, GeminiSchema>;
  /** The properties an object must have. */
  required?: string[];
  /** The schema of an array's items. */
  items?: GeminiSchema;
  /** Any other keyword, passed on as given. */
  [keyword: string]: unknown;
}

/** A function the model may call. */
export interface GeminiFunctionDeclaration {
  /** The function's name. */
  name: string;
  /** What it does (the model reads it). */
  description?: string;
  /** Its arguments, as a {@linkcode GeminiSchema} of an object. */
  parameters?: GeminiSchema;
  /** Its arguments as full JSON Schema (instead of `parameters`). */
  parametersJsonSchema?: unknown;
}

/** A tool: function declarations, code execution, or a built-in tool. */
export interface GeminiTool {
  /** Functions the model may call. */
  functionDeclarations?: GeminiFunctionDeclaration[];
  /** Lets the model write and run Python (`{}`). */
  codeExecution?: Record<string, never>;
  /** Grounding with Google Search (`{}`). */
  googleSearch?: Record<string, unknown>;
  /** Grounding with URL context (`{}`). */
  urlContext?: Record<string, unknown>;
  /** Any other tool, passed on as given. */
  [tool: string]: unknown;
}

/** How the model uses the tools. */
export interface GeminiToolConfig {
  /** Function calling: the mode and the functions allowed. */
  functionCallingConfig?: {
    /** `"AUTO"` (default), `"ANY"` (must call), `"NONE"`, `"VALIDATED"`. */
    mode?: "AUTO" | "ANY" | "NONE" | "VALIDATED" | "MODE_UNSPECIFIED";
    /** With `ANY`, the functions the model may call. */
    allowedFunctionNames?: string[];
  };
  /** Any other setting, passed on as given. */
  [field: string]: unknown;
}

/** Thinking: a budget, and whether thought summaries are returned. */
export interface GeminiThinkingConfig {
  /** The most tokens to think (`0` turns it off, `-1` lets the model decide). */
  thinkingBudget?: number;
  /** Return thought summaries as `thought: true` parts. */
  includeThoughts?: boolean;
  /** Gemini 3's coarse setting: `"low"`, `"high"`, … */
  thinkingLevel?: string;
}

/** Sampling and output settings. */
export interface GeminiGenerationConfig {
  /** Sampling temperature. */
  temperature?: number;
  /** Nucleus sampling. */
  topP?: number;
  /** Top-k sampling. */
  topK?: number;
  /** How many candidates to generate. */
  candidateCount?: number;
  /** The most tokens to generate. */
  maxOutputTokens?: number;
  /** Sequences that end generation. */
  stopSequences?: string[];
  /** Presence penalty. */
  presencePenalty?: number;
  /** Frequency penalty. */
  frequencyPenalty?: number;
  /** Random seed. */
  seed?: number;
  /** The answer's media type: `"text/plain"`, `"application/json"`, `"text/x.enum"`. */
  responseMimeType?: string;
  /** With `application/json`, the schema the answer follows. */
  responseSchema?: GeminiSchema;
  /** The same as full JSON Schema (instead of `responseSchema`). */
  responseJsonSchema?: unknown;
  /** Thinking settings. */
  thinkingConfig?: GeminiThinkingConfig;
  /** Return log probabilities. */
  responseLogprobs?: boolean;
  /** How many top log probabilities per token. */
  logprobs?: number;
  /** Any other setting, passed on as given. */
  [field: string]: unknown;
}

/** A safety threshold for one harm category. */
export interface GeminiSafetySetting {
  /** `"HARM_CATEGORY_HARASSMENT"`, `"HARM_CATEGORY_HATE_SPEECH"`, … */
  category: string;
  /** `"BLOCK_NONE"`, `"BLOCK_ONLY_HIGH"`, `"BLOCK_MEDIUM_AND_ABOVE"`, `"BLOCK_LOW_AND_ABOVE"`, `"OFF"`. */
  threshold: string;
}

/**
 * The body of a `generateContent` call, with the model (sent in the URL, not
 * the body) as with every other client.
 */
export interface GeminiGenerateContentRequest {
  /** The model: `"gemini-2.5-flash"` (or `"models/gemini-2.5-flash"`, `"tunedModels/…"`). */
  model: string;
  /** The conversation, oldest first. */
  contents: GeminiContent[];
  /** Instructions (`{ parts: [{ text }] }`). */
  systemInstruction?: GeminiContent;
  /** Tools the model may use. */
  tools?: GeminiTool[];
  /** How it uses them. */
  toolConfig?: GeminiToolConfig;
  /** Sampling, output and thinking settings. */
  generationConfig?: GeminiGenerationConfig;
  /** Safety thresholds. */
  safetySettings?: GeminiSafetySetting[];
  /** The name of a cached content to use as the prompt's prefix (`cachedContents/…`). */
  cachedContent?: string;
  /** Stream the answer (the default), or `false` for one complete response. */
  stream?: boolean;
}

// ---------------------------------------------------------------------------
// Response
// ---------------------------------------------------------------------------

/**
 * Why a candidate ended: `STOP`, `MAX_TOKENS`, `SAFETY`, `RECITATION`,
 * `LANGUAGE`, `OTHER`, `BLOCKLIST`, `PROHIBITED_CONTENT`, `SPII`,
 * `MALFORMED_FUNCTION_CALL`, `IMAGE_SAFETY`, `UNEXPECTED_TOOL_CALL`, …
 */
export type GeminiFinishReason =
  | "STOP"
  | "MAX_TOKENS"
  | "SAFETY"
  | "RECITATION"
  | "LANGUAGE"
  | "OTHER"
  | "BLOCKLIST"
  | "PROHIBITED_CONTENT"
  | "SPII"
  | "MALFORMED_FUNCTION_CALL"
  | "IMAGE_SAFETY"
  | "UNEXPECTED_TOOL_CALL"
  | "FINISH_REASON_UNSPECIFIED"
  | (string & Record<never, never>);

/** How likely a candidate or prompt is to be harmful in one category. */
export interface GeminiSafetyRating {
  /** The harm category. */
  category: string;
  /** `"NEGLIGIBLE"`, `"LOW"`, `"MEDIUM"`, `"HIGH"`. */
  probability: string;
  /** True when this rating blocked the content. */
  blocked?: boolean;
}

/** Sources the answer recites. */
export interface GeminiCitationMetadata {
  /** The sources, with the character ranges of the answer that cite them. */
  citationSources?: {
    startIndex?: number;
    endIndex?: number;
    uri?: string;
    license?: string;
  }[];
}

/** One generated answer. */
export interface GeminiCandidate {
  /** The answer's content (role `"model"`). */
  content?: GeminiContent;
  /** Why it ended (on the last event of a stream). */
  finishReason?: GeminiFinishReason;
  /** A message with the finish reason, when there is one. */
  finishMessage?: string;
  /** Safety ratings. */
  safetyRatings?: GeminiSafetyRating[];
  /** Recited sources. */
  citationMetadata?: GeminiCitationMetadata;
  /** Grounding (Google Search) sources and supports, as sent. */
  groundingMetadata?: Record<string, unknown>;
  /** URL context retrieval, as sent. */
  urlContextMetadata?: Record<string, unknown>;
  /** The candidate's index (0 for the first). */
  index?: number;
  /** The average log probability of the tokens. */
  avgLogprobs?: number;
  /** Any field added later, kept as received. */
  [field: string]: unknown;
}

/** Why the prompt was blocked, when it was (then there are no candidates). */
export interface GeminiPromptFeedback {
  /** `"SAFETY"`, `"OTHER"`, `"BLOCKLIST"`, `"PROHIBITED_CONTENT"`, `"IMAGE_SAFETY"`. */
  blockReason?: string;
  /** The prompt's safety ratings. */
  safetyRatings?: GeminiSafetyRating[];
}

/** Token counts as Gemini reports them (cumulative: the last event's are the totals). */
export interface GeminiUsageMetadata {
  /** Prompt tokens, cached ones included. */
  promptTokenCount?: number;
  /** Tokens of the candidates' answers (thoughts not included). */
  candidatesTokenCount?: number;
  /** Tokens spent thinking. */
  thoughtsTokenCount?: number;
  /** Prompt tokens read from the cached content. */
  cachedContentTokenCount?: number;
  /** Tokens of tool-use prompts (code execution, search results). */
  toolUsePromptTokenCount?: number;
  /** Everything counted. */
  totalTokenCount?: number;
  /** Per-modality breakdowns and any field added later, as sent. */
  [field: string]: unknown;
}

/**
 * A `GenerateContentResponse`: the complete answer of a non-streaming call,
 * and each event of a stream (every event is a whole response with the parts
 * that arrived since the last one).
 */
export interface GeminiGenerateContentResponse {
  /** The answers (one unless `candidateCount` asked for more; none when the prompt was blocked). */
  candidates?: GeminiCandidate[];
  /** Why the prompt was blocked, when it was. */
  promptFeedback?: GeminiPromptFeedback;
  /** Token counts. */
  usageMetadata?: GeminiUsageMetadata;
  /** The model version that answered (`"gemini-2.5-flash"`). */
  modelVersion?: string;
  /** The response's id. */
  responseId?: string;
  /** Any field added later, kept as received. */
  [field: string]: unknown;
}

/** An error body: a `google.rpc.Status`. */
export interface GeminiErrorBody {
  /** The status. */
  error: {
    /** The HTTP status code. */
    code: number;
    /** What went wrong. */
    message: string;
    /** The canonical status (`"RESOURCE_EXHAUSTED"`, `"INVALID_ARGUMENT"`, …). */
    status: string;
    /** Details (`RetryInfo`, `ErrorInfo`, …), as sent. */
    details?: unknown[];
  };
}
