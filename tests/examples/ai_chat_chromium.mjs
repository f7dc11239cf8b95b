// Drives the `ai` package's chat in headless Chromium with playwright-core, as
// tests/examples/ai_chat_chromium_test.ts asks: loads the test's page (which
// runs the bundled ai_chat_page.ts), then runs one chat turn against each of
// the test's edge handlers and prints one `AI_RESULT {json}` line. Plain
// JavaScript so Node 20 runs it.
//
// Usage: node tests/examples/ai_chat_chromium.mjs <page-url>

import process from "node:process";
import { withChromiumPage } from "./_chromium.mjs";

const [pageUrl] = process.argv.slice(2);
if (pageUrl === undefined) {
  console.error("usage: ai_chat_chromium.mjs <page-url>");
  process.exit(2);
}

const TURNS = [
  ["text", "/api/text", false],
  ["tools", "/api/tools", false],
  ["missing", "/api/missing", false],
  ["broken", "/api/broken", false],
  ["stopped", "/api/story", true],
];

await withChromiumPage(async (page, errors) => {
  await page.goto(pageUrl);
  await page.waitForFunction(() => typeof globalThis.aiChat === "function");
  const result = { errors, userAgent: await page.evaluate(() => navigator.userAgent) };
  for (const [name, api, stopWhenStreaming] of TURNS) {
    result[name] = await page.evaluate(
      ([api, stopWhenStreaming]) => globalThis.aiChat(api, { stopWhenStreaming }),
      [api, stopWhenStreaming],
    );
  }
  console.log(`AI_RESULT ${JSON.stringify(result)}`);
});
