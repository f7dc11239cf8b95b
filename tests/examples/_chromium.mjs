// What the Chromium drivers (chromium_chat.mjs, ai_chat_chromium.mjs) share: headless Chromium
// launched with playwright-core from tools/runtimes/node_modules (tools/runtimes/install.sh) on a
// throwaway profile, the page's errors collected. Plain JavaScript so Node 20 runs it.

import { createRequire } from "node:module";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

const require = createRequire(new URL("../../tools/runtimes/package.json", import.meta.url));
const { chromium } = require("playwright-core");

/**
 * Runs `fn(page, errors)` in a fresh headless Chromium page; `errors` collects the page's
 * uncaught errors and console errors. The browser and its profile are gone afterwards.
 */
export async function withChromiumPage(fn) {
  const profile = await mkdtemp(join(tmpdir(), "sluice-chromium-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.SLUICE_CHROMIUM ?? "/usr/bin/chromium",
      headless: true,
      viewport: { width: 900, height: 640 },
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const page = context.pages()[0] ?? await context.newPage();
    page.setDefaultTimeout(8_000);
    const errors = [];
    page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console: ${message.text()}`);
    });
    return await fn(page, errors);
  } finally {
    await context?.close();
    await rm(profile, { recursive: true, force: true });
  }
}
