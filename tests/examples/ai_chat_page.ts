/**
 * The browser half of `ai_chat_chromium_test.ts`: bundled with esbuild (the
 * `ai` package from tools/runtimes/node_modules) and loaded by the test's
 * page, it publishes `globalThis.aiChat(api, options)`, which runs one turn of
 * the real `ai` package's chat (`AbstractChat` + `DefaultChatTransport`, the
 * engine of `useChat`) against the test's sluice edge handler at `api`.
 *
 * @module
 */
import { Chat } from "../_ai_chat.ts";

/** How one chat turn ended, as the test reads it. */
export interface ChatOutcome {
  /** The chat's status at the end: `"ready"` or `"error"`. */
  status: string;
  /** The chat's error message, if it ended in error. */
  error: string | null;
  /** The assistant message's parts (none when no assistant message was made). */
  parts: unknown[];
  /** The answer's text when Stop was pressed (with `stopWhenStreaming`). */
  textAtStop: string | null;
}

/** Options of {@linkcode runChat}. */
export interface ChatRunOptions {
  /** Press Stop once the answer has started streaming text. @default {false} */
  stopWhenStreaming?: boolean;
}

/** The assistant's text so far. */
function textOf(chat: Chat): string {
  const last = chat.messages.at(-1);
  if (last?.role !== "assistant") return "";
  return last.parts.map((part) => part.type === "text" ? part.text : "").join("");
}

/** Sends "Hello" to `api` and waits for the chat to settle. */
async function runChat(api: string, options: ChatRunOptions = {}): Promise<ChatOutcome> {
  const chat = new Chat(api);
  const sent = chat.sendMessage({ text: "Hello" });
  let textAtStop: string | null = null;
  if (options.stopWhenStreaming) {
    const deadline = performance.now() + 5_000;
    while (chat.status !== "streaming" || textOf(chat) === "") {
      if (performance.now() > deadline) throw new Error(`Never streamed: ${chat.status}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    textAtStop = textOf(chat);
    await chat.stop();
  }
  await sent;
  const last = chat.messages.at(-1);
  return {
    status: chat.status,
    error: chat.error?.message ?? null,
    parts: last?.role === "assistant" ? last.parts : [],
    textAtStop,
  };
}

(globalThis as { aiChat?: typeof runChat }).aiChat = runChat;
