// deno-lint-ignore-file no-import-prefix
/**
 * `useChat`'s engine without React, for the tests that prove the UI message
 * stream with the real `ai` package: its `AbstractChat` over a plain state,
 * with `DefaultChatTransport` posting to `api`. Used in Deno
 * (`tests/response_stream/ui_message_test.ts`) and bundled for Chromium
 * (`tests/examples/ai_chat_page.ts`).
 */
import {
  AbstractChat,
  type ChatState,
  type ChatStatus,
  DefaultChatTransport,
  type UIMessage,
} from "npm:ai@7.0.173";

/** A chat whose state is a plain object (what a UI framework would hold). */
export class Chat extends AbstractChat<UIMessage> {
  /** Creates a chat that posts to `api` with the `ai` package's default transport. */
  constructor(api: string) {
    const state: ChatState<UIMessage> = {
      status: "ready" as ChatStatus,
      error: undefined,
      messages: [],
      pushMessage(message) {
        state.messages = [...state.messages, message];
      },
      popMessage() {
        state.messages = state.messages.slice(0, -1);
      },
      replaceMessage(index, message) {
        state.messages = state.messages.map((m, i) => i === index ? message : m);
      },
      snapshot: (thing) => structuredClone(thing),
    };
    super({ state, transport: new DefaultChatTransport({ api }) });
  }
}
