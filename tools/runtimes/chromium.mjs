// Drives headless Chromium (Debian's /usr/bin/chromium) with playwright-core:
// opens the test server's page, waits for the suite's result global and
// prints it as one `SLUICE_RESULT {json}` line, with the browser's version.
//
// Usage: node tools/runtimes/chromium.mjs <page-url>
// Run by tools/runtimes/run.ts under Node; plain JavaScript so Node 20 runs it
// as it is.

import { createRequire } from "node:module";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

// Loaded at run time from tools/runtimes/node_modules (install.sh puts it there), so
// `deno check .` does not try to resolve it.
const { chromium } = createRequire(import.meta.url)("playwright-core");

const pageUrl = process.argv[2];
if (pageUrl === undefined) {
  console.error("usage: chromium.mjs <page-url>");
  process.exit(2);
}
const executablePath = process.env.SLUICE_CHROMIUM ?? "/usr/bin/chromium";
const profile = await mkdtemp(join(tmpdir(), "sluice-chromium-"));
let context;
try {
  // launch() refuses a --user-data-dir; a persistent context in a fresh
  // directory is the supported way to give Chromium a profile of its own.
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
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
  page.on(
    "pageerror",
    (error) => console.error(`[page error] ${error.message}`),
  );
  page.on("console", (message) => {
    // The 404 the HTTP error case asks for is logged too; it is expected.
    if (
      message.type() === "error" && !message.text().includes("status of 404")
    ) {
      console.error(`[page console] ${message.text()}`);
    }
  });
  await page.goto(pageUrl);
  const handle = await page.waitForFunction(
    () => globalThis.__sluiceResult,
    null,
    {
      timeout: 120_000,
    },
  );
  const result = await handle.jsonValue();
  // The user agent string is reduced to "150.0.0.0"; the protocol knows the full version.
  const session = await context.newCDPSession(page);
  const { product } = await session.send("Browser.getVersion");
  const version = product.replace(/^(Headless)?Chrome\//, "");
  console.log(`SLUICE_RESULT ${JSON.stringify({ ...result, version })}`);
  if (result.error !== undefined || result.failed > 0) process.exitCode = 1;
} finally {
  await context?.close();
  await rm(profile, { recursive: true, force: true });
}
