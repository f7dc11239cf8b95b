// Drives the edge chat page (examples/edge) in headless Chromium with
// playwright-core, as tests/examples/chromium_chat_test.ts asks: one answer
// streamed to the end, sampled while it renders; one stopped mid-stream.
// Prints one `CHAT_RESULT {json}` line. Plain JavaScript so Node 20 runs it.
//
// Usage: node tests/examples/chromium_chat.mjs <page-url> <screenshot-path>

import { createRequire } from "node:module";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

// playwright-core lives in tools/runtimes/node_modules (tools/runtimes/install.sh).
const require = createRequire(new URL("../../tools/runtimes/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [pageUrl, screenshotPath] = process.argv.slice(2);
if (pageUrl === undefined || screenshotPath === undefined) {
  console.error("usage: chromium_chat.mjs <page-url> <screenshot-path>");
  process.exit(2);
}

/** Sends a prompt and samples the newest answer's text until it settles. */
async function sendAndSample(page, prompt, { stopAfterSamples } = {}) {
  await page.fill("#prompt", prompt);
  const answers = await page.locator(".message.assistant").count();
  await page.click("#send");
  const answer = page.locator(".message.assistant").nth(answers);
  await answer.waitFor();
  // Sample inside the page at every animation frame: what the user would see.
  return await answer.evaluate((element, stopAfter) =>
    new Promise((resolve) => {
      const samples = [];
      let stopped = false;
      const tick = () => {
        const text = element.textContent;
        if (element.dataset.state === "streaming") {
          if (text !== "" && samples.at(-1) !== text) samples.push(text);
          if (!stopped && stopAfter !== undefined && samples.length >= stopAfter) {
            stopped = true;
            document.getElementById("stop").click();
          }
          requestAnimationFrame(tick);
          return;
        }
        const final = text;
        // Watch a little longer: after the end nothing may change any more.
        setTimeout(() =>
          resolve({
            samples,
            final,
            later: element.textContent,
            state: element.dataset.state,
            status: document.getElementById("status").textContent,
            sendEnabled: !document.getElementById("send").disabled,
          }), 300);
      };
      tick();
    }), stopAfterSamples);
}

const profile = await mkdtemp(join(tmpdir(), "sluice-chat-"));
let context;
const errors = [];
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
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  await page.goto(pageUrl);
  const full = await sendAndSample(page, "What does sluice do?");
  const stopped = await sendAndSample(page, "Tell me a long story", { stopAfterSamples: 3 });
  await page.screenshot({ path: screenshotPath, fullPage: true });
  console.log(`CHAT_RESULT ${JSON.stringify({ full, stopped, errors })}`);
} finally {
  await context?.close();
  await rm(profile, { recursive: true, force: true });
}
