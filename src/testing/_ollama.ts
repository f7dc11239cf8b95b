import {
  type Call,
  field,
  goTime,
  interval,
  isRecord,
  type Provider,
  replyComplete,
  replyStream,
} from "./_call.ts";
import type { Frame, Transcript } from "./_emit.ts";
import { type Conversation, lastPrompt, type Plan, planReply, textOf, type Turn } from "./_plan.ts";
import { hash32, Random } from "./_random.ts";
import type { JsonSchema } from "./_schema_value.ts";
import { mockEmbedding, mockTokens, requestedDimensions } from "./_embeddings.ts";

const JSON_TYPE = "application/json; charset=utf-8";
const NDJSON_TYPE = "application/x-ndjson";
const RUNNER_STOPPED =
  "model runner has unexpectedly stopped, this may be due to resource limitations or an internal error, check ollama server logs for details";

const GO_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/** JSON as Go's `encoding/json` writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] as string);
}

function line(value: unknown, token = false): Frame {
  return { text: `${goJson(value)}\n`, token };
}

function json(value: unknown, status = 200): Response {
  return new Response(goJson(value), { status, headers: { "content-type": JSON_TYPE } });
}

function empty(): Response {
  return new Response(null, { status: 200 });
}

const STATUS_MESSAGES: Record<number, string> = {
  400: "invalid request",
  403: "remote model access is disabled",
  429: "too many requests, please try again later",
  500: RUNNER_STOPPED,
  502: "an error was encountered while running the model: upstream unreachable",
  503: "server busy, please try again.  maximum pending requests exceeded",
};

function statusError(call: Call, status: number, retryAfter?: number): Response {
  let body: Record<string, unknown>;
  if (status === 401) {
    body = {
      error: "unauthorized",
      signin_url: "https://ollama.com/connect?name=mock&key=c3NoLWVkMjU1MTkgbW9jaw",
    };
  } else if (status === 404) {
    body = { error: `model '${call.model || "unknown"}' not found` };
  } else {
    body = { error: STATUS_MESSAGES[status] ?? `mock error ${status}` };
  }
  const response = json(body, status);
  if (retryAfter !== undefined) response.headers.set("retry-after", String(retryAfter));
  return response;
}

function badRequest(_call: Call, message: string): Response {
  return json({ error: message }, 400);
}

function options(call: Call): Record<string, unknown> {
  const value = call.body.options;
  return isRecord(value) ? value : {};
}

function conversation(call: Call, turns: Turn[], toolResult: string | undefined): Conversation {
  const { body } = call;
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const numPredict = options(call).num_predict;
  const format = body.format;
  return {
    model: call.model,
    turns,
    toolResult,
    tools: tools.map((t) => ({
      name: String(field(field(t, "function"), "name") ?? ""),
      parameters: (field(field(t, "function"), "parameters") ?? {}) as JsonSchema,
    })),
    toolChoice: "auto",
    thinking: body.think === true || (typeof body.think === "string" && body.think !== "false"),
    json: format === "json"
      ? { schema: undefined }
      : isRecord(format)
      ? { schema: format }
      : undefined,
    maxTokens: typeof numPredict === "number" && numPredict > 0 ? numPredict : undefined,
    variant: 0,
  };
}

function stats(call: Call, plan: Plan): Record<string, number> {
  const random = new Random(hash32("stats", plan.seed));
  const tps = call.settings.tokensPerSecond;
  const load = random.int(15_000_000, 30_000_000);
  const promptEval = plan.inputTokens * random.int(900_000, 1_300_000);
  const evalDuration = Number.isFinite(tps) && tps > 0
    ? Math.round(plan.outputTokens / tps * 1e9)
    : plan.outputTokens * random.int(11_000_000, 14_000_000);
  const total = load + promptEval + evalDuration +
    Math.round(call.settings.timeToFirstToken * 1e6) + random.int(1_000_000, 5_000_000);
  const result: Record<string, number> = {
    total_duration: total,
    load_duration: load,
    prompt_eval_count: plan.inputTokens,
    prompt_eval_duration: promptEval,
    eval_count: plan.outputTokens,
    eval_duration: evalDuration,
  };
  // Go's omitempty: zero metrics are absent.
  for (const key of Object.keys(result)) if (result[key] === 0) delete result[key];
  return result;
}

function doneReason(plan: Plan): string {
  return plan.truncated ? "length" : "stop";
}

/** A clock for `created_at`: advances by the paced delay of each frame. */
function clock(call: Call, plan: Plan): () => string {
  const random = new Random(hash32("time", plan.seed));
  let ms = call.settings.now() + call.settings.timeToFirstToken;
  const step = interval(call.settings) || 12.5;
  return () => {
    const time = goTime(ms, random);
    ms += step;
    return time;
  };
}

function streamHeaders(): Record<string, string> {
  return { "content-type": NDJSON_TYPE };
}

function transcript(frames: Frame[], error = RUNNER_STOPPED): Transcript {
  return {
    frames,
    errorFrames: [`${goJson({ error })}\n`],
    malformed: '{"model":"mock","created_at":"2025-11-03T14:22:05Z","message":{"role":"assis\n',
    keepAlive: undefined,
  };
}

function replyInput(call: Call, turns: Turn[]) {
  return { path: call.url.pathname, model: call.model, body: call.body, prompt: lastPrompt(turns) };
}

function loadResponse(call: Call, kind: "chat" | "generate"): Response {
  const unload = call.body.keep_alive === 0 || call.body.keep_alive === "0" ||
    call.body.keep_alive === "0s";
  const time = goTime(call.settings.now(), new Random(call.record.id));
  const model = call.record.model;
  return json(
    kind === "chat"
      ? {
        model,
        created_at: time,
        message: { role: "assistant", content: "" },
        done: true,
        done_reason: unload ? "unload" : "load",
      }
      : {
        model,
        created_at: time,
        response: "",
        done: true,
        done_reason: unload ? "unload" : "load",
      },
  );
}

function toolCall(plan: Plan) {
  const call = plan.toolCall;
  if (call === undefined || !call.complete) return undefined;
  const id = `call_${new Random(hash32("tool", plan.seed)).alphanumeric(8)}`;
  return { id, function: { index: 0, name: call.name, arguments: call.arguments } };
}

function chat(call: Call): Promise<Response> | Response {
  const { body } = call;
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return loadResponse(call, "chat");
  }
  const messages = body.messages;
  const turns: Turn[] = messages.map((m) => ({
    role: String(field(m, "role") ?? "user").toLowerCase(),
    text: textOf(field(m, "content")),
  }));
  const last = messages[messages.length - 1];
  const toolResult = field(last, "role") === "tool" ? textOf(field(last, "content")) : undefined;
  const plan = planReply(
    conversation(call, turns, toolResult),
    call.settings.reply,
    replyInput(call, turns),
    call.faults.longLine,
  );
  const model = call.record.model;
  const tool = toolCall(plan);
  if (body.stream === false) {
    const message: Record<string, unknown> = { role: "assistant", content: plan.text.join("") };
    if (plan.thinking.length > 0) message.thinking = plan.thinking.join("");
    if (tool !== undefined) message.tool_calls = [tool];
    const text = goJson({
      model,
      created_at: goTime(call.settings.now(), plan.random),
      message,
      done: true,
      done_reason: doneReason(plan),
      ...stats(call, plan),
    });
    return replyComplete(
      call,
      text,
      plan.outputTokens,
      { "content-type": JSON_TYPE },
      () => statusError(call, 500),
    );
  }
  const time = clock(call, plan);
  const frames: Frame[] = [];
  for (const thinking of plan.thinking) {
    frames.push(line({
      model,
      created_at: time(),
      message: { role: "assistant", content: "", thinking },
      done: false,
    }, true));
  }
  for (const content of plan.text) {
    frames.push(line({
      model,
      created_at: time(),
      message: { role: "assistant", content },
      done: false,
    }, true));
  }
  if (tool !== undefined) {
    frames.push(line({
      model,
      created_at: time(),
      message: { role: "assistant", content: "", tool_calls: [tool] },
      done: false,
    }, true));
  }
  frames.push(line({
    model,
    created_at: time(),
    message: { role: "assistant", content: "" },
    done: true,
    done_reason: doneReason(plan),
    ...stats(call, plan),
  }));
  return replyStream(call, transcript(frames), plan.seed, streamHeaders());
}

function generate(call: Call): Promise<Response> | Response {
  const { body } = call;
  const prompt = typeof body.prompt === "string" ? body.prompt : "";
  if (prompt === "") return loadResponse(call, "generate");
  const turns: Turn[] = [];
  if (typeof body.system === "string") turns.push({ role: "system", text: body.system });
  turns.push({ role: "user", text: prompt });
  const plan = planReply(
    conversation(call, turns, undefined),
    call.settings.reply,
    replyInput(call, turns),
    call.faults.longLine,
  );
  const model = call.record.model;
  const raw = body.raw === true;
  const context: number[] = [];
  if (!raw) {
    const random = new Random(hash32("context", plan.seed));
    for (let i = 0; i < plan.inputTokens + plan.outputTokens; i++) {
      context.push(random.int(100, 128_000));
    }
  }
  const final = {
    done: true,
    done_reason: doneReason(plan),
    ...(raw ? {} : { context }),
    ...stats(call, plan),
  };
  if (body.stream === false) {
    const text = goJson({
      model,
      created_at: goTime(call.settings.now(), plan.random),
      response: plan.text.join(""),
      ...(plan.thinking.length > 0 ? { thinking: plan.thinking.join("") } : {}),
      ...final,
    });
    return replyComplete(
      call,
      text,
      plan.outputTokens,
      { "content-type": JSON_TYPE },
      () => statusError(call, 500),
    );
  }
  const time = clock(call, plan);
  const frames: Frame[] = [];
  for (const thinking of plan.thinking) {
    frames.push(line({ model, created_at: time(), response: "", thinking, done: false }, true));
  }
  for (const response of plan.text) {
    frames.push(line({ model, created_at: time(), response, done: false }, true));
  }
  frames.push(line({ model, created_at: time(), response: "", ...final }));
  return replyStream(call, transcript(frames), plan.seed, streamHeaders());
}

function pull(call: Call): Promise<Response> | Response {
  const name = call.model;
  if (call.body.stream === false) {
    return replyComplete(
      call,
      goJson({ status: "success" }),
      0,
      { "content-type": JSON_TYPE },
      () => json({ error: "max retries exceeded: unexpected EOF" }, 500),
    );
  }
  const seed = hash32(`pull ${name}`);
  const random = new Random(seed);
  const layers = [
    random.int(20_000_000, 60_000_000),
    random.int(8_000, 15_000),
    random.int(80, 500),
  ]
    .map((total) => ({ digest: `sha256:${random.hex(64)}`, total }));
  const frames: Frame[] = [line({ status: "pulling manifest" })];
  const [big, ...small] = layers as [typeof layers[0], ...typeof layers];
  const status = (digest: string) => `pulling ${digest.slice(7, 19)}`;
  frames.push(line({ status: status(big.digest), digest: big.digest, total: big.total }, true));
  const ticks = random.int(6, 9);
  let completed = 0;
  for (let i = 1; i <= ticks; i++) {
    completed = i === ticks
      ? big.total
      : Math.min(big.total, Math.round(big.total * i / ticks * (0.9 + 0.1 * random.next())));
    frames.push(
      line({ status: status(big.digest), digest: big.digest, total: big.total, completed }, true),
    );
  }
  // The server re-emits the current state on a timer: the last line repeats.
  frames.push(
    line({ status: status(big.digest), digest: big.digest, total: big.total, completed }, true),
  );
  for (const layer of small) {
    frames.push(
      line({
        status: status(layer.digest),
        digest: layer.digest,
        total: layer.total,
        completed: layer.total,
      }, true),
    );
  }
  frames.push(line({ status: "verifying sha256 digest" }, true));
  frames.push(line({ status: "writing manifest" }, true));
  frames.push(line({ status: "success" }));
  return replyStream(
    call,
    transcript(frames, "max retries exceeded: unexpected EOF"),
    seed,
    streamHeaders(),
  );
}

function family(model: string): string {
  if (model.startsWith("qwen")) return "qwen3";
  if (model.startsWith("gemma")) return "gemma3";
  if (model.includes("embed")) return "nomic-bert";
  return "llama";
}

function details(model: string) {
  const f = family(model);
  const size = /:(\d+(?:\.\d+)?)b\b/i.exec(model)?.[1];
  return {
    parent_model: "",
    format: "gguf",
    family: f,
    families: [f],
    parameter_size: size === undefined ? "3.2B" : `${size}B`,
    quantization_level: "Q4_K_M",
  };
}

function fullName(model: string): string {
  return model.includes(":") ? model : `${model}:latest`;
}

function modelEntry(call: Call, model: string) {
  const random = new Random(hash32(`model ${fullName(model)}`));
  return {
    name: fullName(model),
    model: fullName(model),
    modified_at: "2025-10-28T09:14:51.123456789Z",
    size: random.int(200_000_000, 5_000_000_000),
    digest: random.hex(64),
    details: details(model),
    ...(call.url.pathname === "/api/ps"
      ? {
        expires_at: new Date(call.settings.now() + 300_000).toISOString(),
        size_vram: random.int(200_000_000, 5_000_000_000),
        context_length: 4096,
      }
      : {}),
  };
}

function capabilities(model: string): string[] {
  return model.includes("embed") ? ["embedding"] : ["completion", "tools", "thinking"];
}

function show(call: Call): Response {
  const model = call.model;
  const f = family(model);
  return json({
    modelfile: `# Modelfile generated by "ollama show"\nFROM ${fullName(model)}\n`,
    parameters: 'stop                           "<|eot_id|>"',
    template: "{{ if .System }}{{ .System }}{{ end }}{{ .Prompt }}",
    details: details(model),
    model_info: {
      "general.architecture": f,
      "general.parameter_count": 3_212_749_888,
      [`${f}.context_length`]: 131_072,
      [`${f}.embedding_length`]: 3072,
    },
    capabilities: capabilities(model),
    modified_at: "2025-10-28T09:14:51.123456789Z",
  });
}

function embed(call: Call): Response {
  const input = call.body.input;
  const inputs = Array.isArray(input)
    ? input.map(String)
    : [typeof input === "string" ? input : ""];
  const dimensions = requestedDimensions(call.body);
  const embeddings = inputs.map((text) => mockEmbedding(call.model, text, dimensions));
  const tokens = inputs.reduce((sum, text) => sum + mockTokens(text), 0);
  return json({
    model: call.record.model,
    embeddings,
    total_duration: 14_143_917 + tokens * 100_000,
    load_duration: 1_019_500,
    prompt_eval_count: tokens,
  });
}

function route(call: Call): Promise<Response> | undefined {
  const method = call.request.method;
  const get = method === "GET" || method === "HEAD";
  const respond = (response: Response | Promise<Response>) => Promise.resolve(response);
  const usesModel = () => {
    if (call.model === "") return respond(badRequest(call, "model is required"));
    call.settings.loaded.add(fullName(call.model));
    return undefined;
  };
  switch (`${get ? "GET" : method} ${call.url.pathname}`) {
    case "GET /":
      return respond(
        new Response("Ollama is running", {
          headers: { "content-type": "text/plain; charset=utf-8" },
        }),
      );
    case "GET /api/version":
      return respond(json({ version: call.settings.ollamaVersion }));
    case "GET /api/tags":
      return respond(json({ models: call.settings.models.map((m) => modelEntry(call, m)) }));
    case "GET /api/ps":
      return respond(json({ models: [...call.settings.loaded].map((m) => modelEntry(call, m)) }));
    case "POST /api/chat":
      return usesModel() ?? respond(chat(call));
    case "POST /api/generate":
      return usesModel() ?? respond(generate(call));
    case "POST /api/embed":
      return usesModel() ?? respond(embed(call));
    case "POST /api/pull":
      return call.model === ""
        ? respond(badRequest(call, "model is required"))
        : respond(pull(call));
    case "POST /api/show":
      return call.model === ""
        ? respond(badRequest(call, "model is required"))
        : respond(show(call));
    case "DELETE /api/delete":
      call.settings.loaded.delete(fullName(call.model));
      return respond(empty());
    case "POST /api/copy":
      return respond(empty());
    default:
      return undefined;
  }
}

/** Ollama's native API (`/api/…`). */
export const ollama: Provider = { route, statusError, badRequest };
