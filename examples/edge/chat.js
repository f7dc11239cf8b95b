// The chat page's script, bundled with sluice for the browser (`deno task
// edge:build` writes dist/edge/chat.js, which the edge app serves as /chat.js).
// It posts the conversation to /api/chat and reads the answer with sluice's
// `fromResponse`: `textStream` renders each token as it comes, `result()` has
// the usage, `partial` what came before an error, and a non-2xx answer is a
// typed `HttpError`. The Stop button calls `cancel()`, which aborts the fetch;
// the server then cancels the model's request.
import { fromResponse, HttpError } from "../../mod.ts";

/** For the Chromium test: the sluice the page runs, bundled into this script. */
globalThis.sluiceChat = { fromResponse };

const log = document.getElementById("log");
const form = document.getElementById("composer");
const input = document.getElementById("prompt");
const send = document.getElementById("send");
const stop = document.getElementById("stop");
const status = document.getElementById("status");

/** The conversation so far, as sent to the server. */
const messages = [];

function addMessage(role, text) {
  const element = document.createElement("div");
  element.className = `message ${role}`;
  element.textContent = text;
  log.append(element);
  element.scrollIntoView({ block: "end" });
  return element;
}

/**
 * Renders a small Markdown subset (paragraphs, fenced code, `code`, **bold**,
 * *emphasis*) with DOM nodes and `textContent` only: no HTML from the model
 * ever reaches the page unescaped.
 */
function renderMarkdown(element, text) {
  const blocks = [];
  text.split(/^```[^\n]*\n?/m).forEach((chunk, i) => {
    if (i % 2 === 1) {
      const pre = document.createElement("pre");
      const code = document.createElement("code");
      code.textContent = chunk;
      pre.append(code);
      blocks.push(pre);
      return;
    }
    for (const paragraph of chunk.split(/\n{2,}/)) {
      if (paragraph === "") continue;
      const p = document.createElement("p");
      for (const token of paragraph.split(/(`[^`\n]+`|\*\*[^*\n]+\*\*|\*[^*\n]+\*)/)) {
        if (token === "") continue;
        const tag = token.startsWith("`")
          ? "code"
          : token.startsWith("**")
          ? "strong"
          : token.startsWith("*") && token.length > 2
          ? "em"
          : undefined;
        if (tag === undefined) {
          p.append(document.createTextNode(token));
          continue;
        }
        const node = document.createElement(tag);
        node.textContent = token.slice(tag === "strong" ? 2 : 1, tag === "strong" ? -2 : -1);
        p.append(node);
      }
      blocks.push(p);
    }
  });
  element.replaceChildren(...blocks);
}

/** The message to show for a failed answer. */
function describe(error) {
  if (error instanceof HttpError) {
    return `HTTP ${error.status}: ${error.providerMessage ?? error.message}`;
  }
  return error.message;
}

/** The stream of the answer being read, until it ends (Stop cancels it). */
let stream;

async function ask(prompt) {
  messages.push({ role: "user", content: prompt });
  addMessage("user", prompt);
  const answer = addMessage("assistant streaming", "");
  answer.dataset.state = "streaming";
  send.disabled = true;
  stop.disabled = false;
  status.textContent = "Waiting for the model…";
  const started = performance.now();
  let tokens = 0;
  let text = "";
  let state = "done";
  // The edge handler answers in the UI message format: text, finish, usage and errors as parts.
  stream = fromResponse(
    fetch("/api/chat?format=ui-message", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages }),
    }),
  );
  try {
    for await (const delta of stream.textStream) {
      text += delta;
      tokens++;
      renderMarkdown(answer, text);
      status.textContent = `Streaming… ${tokens} tokens`;
      answer.scrollIntoView({ block: "end" });
    }
    const { usage } = await stream.result();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    status.textContent = `Done: ${usage.outputTokens || tokens} tokens in ${seconds} s`;
  } catch (error) {
    // What arrived before the stop or the error, as sluice assembled it.
    text = stream.partial.text;
    if (text !== "") renderMarkdown(answer, text);
    if (error.name === "AbortError") {
      state = "stopped";
      status.textContent = `Stopped after ${tokens} tokens`;
    } else {
      // The partial answer stays readable, marked incomplete; the error is shown beside it.
      state = "error";
      answer.classList.add("failed");
      const note = addMessage("note error", `The answer failed: ${describe(error)}`);
      note.setAttribute("role", "alert");
      status.textContent = `Error: ${describe(error)}`;
    }
  } finally {
    answer.classList.remove("streaming");
    answer.dataset.state = state;
    if (text !== "") {
      // A stopped or failed answer goes back marked as cut off, never as a complete one.
      const content = state === "done"
        ? text
        : `${text}\n\n[This answer was cut off (${state}) and is incomplete.]`;
      messages.push({ role: "assistant", content });
    } else {
      // Nothing came back: forget the question, so that user and assistant keep alternating.
      messages.pop();
      answer.textContent = "(no answer)";
    }
    stream = undefined;
    send.disabled = false;
    stop.disabled = true;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const prompt = input.value.trim();
  if (prompt === "" || stream !== undefined) return;
  input.value = "";
  ask(prompt);
});

input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    form.requestSubmit();
  }
});

stop.addEventListener("click", () => stream?.cancel());
