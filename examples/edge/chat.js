// The chat page's script: posts the conversation to /api/chat, reads the
// Server-Sent Events with fetch and a reader (no EventSource: it cannot POST
// or be aborted mid-answer the same way), and renders each token as it comes.
// The Stop button aborts the fetch; the server then cancels the model's request.

const log = document.getElementById("log");
const form = document.getElementById("composer");
const input = document.getElementById("prompt");
const send = document.getElementById("send");
const stop = document.getElementById("stop");
const status = document.getElementById("status");

/** The conversation so far, as sent to the server. */
const messages = [];
let controller;

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

/** Yields `{ event, data }` for each Server-Sent Event of a response body. */
async function* serverSentEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
        }
        if (data.length > 0) yield { event, data: data.join("\n") };
      }
    }
  } finally {
    reader.releaseLock();
  }
}

async function ask(prompt) {
  messages.push({ role: "user", content: prompt });
  addMessage("user", prompt);
  const answer = addMessage("assistant streaming", "");
  answer.dataset.state = "streaming";
  controller = new AbortController();
  send.disabled = true;
  stop.disabled = false;
  status.textContent = "Waiting for the model…";
  const started = performance.now();
  let tokens = 0;
  let text = "";
  let state = "done";
  try {
    const response = await fetch("/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages }),
      signal: controller.signal,
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(body.error?.message ?? `HTTP ${response.status}`);
    }
    for await (const { event, data } of serverSentEvents(response.body)) {
      const chunk = JSON.parse(data);
      if (event === "error") throw new Error(chunk.error.message);
      const delta = chunk.message?.content ?? "";
      if (delta === "") continue;
      text += delta;
      tokens++;
      renderMarkdown(answer, text);
      status.textContent = `Streaming… ${tokens} tokens`;
      answer.scrollIntoView({ block: "end" });
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    status.textContent = `Done: ${tokens} tokens in ${seconds} s`;
  } catch (error) {
    if (error.name === "AbortError") {
      state = "stopped";
      status.textContent = `Stopped after ${tokens} tokens`;
    } else {
      // The partial answer stays readable, marked incomplete; the error is shown beside it.
      state = "error";
      answer.classList.add("failed");
      const note = addMessage("note error", `The answer failed: ${error.message}`);
      note.setAttribute("role", "alert");
      status.textContent = `Error: ${error.message}`;
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
    controller = undefined;
    send.disabled = false;
    stop.disabled = true;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const prompt = input.value.trim();
  if (prompt === "" || controller !== undefined) return;
  input.value = "";
  ask(prompt);
});

input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    form.requestSubmit();
  }
});

stop.addEventListener("click", () => controller?.abort());
