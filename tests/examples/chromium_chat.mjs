// Drives the edge chat page (examples/edge) in headless Chromium with
// playwright-core, as tests/examples/chromium_chat_test.ts asks: a check that
// the page runs the bundled sluice (its fromResponse reads a stream); one answer
// streamed to the end, sampled while it renders; one stopped mid-stream; a
// third turn after the stop; then, on two more servers, a mid-stream error and
// a model server that is down. A screenshot of each state (`<name>-<state>.png`
// beside the screenshot path). Prints one `CHAT_RESULT {json}` line. Plain
// JavaScript so Node 20 runs it.
//
// Usage: node tests/examples/chromium_chat.mjs <page-url> <screenshot-path> [<error-url> <down-url>]

import process from "node:process";
import { withChromiumPage } from "./_chromium.mjs";

const [pageUrl, screenshotPath, errorUrl, downUrl] = process.argv.slice(2);
const shot = (state) => screenshotPath.replace(/\.png$/, `-${state}.png`);
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

await withChromiumPage(async (page, errors) => {
  await page.goto(pageUrl);
  // The page runs sluice's fromResponse, bundled into its script: read a stream with it.
  const bundle = await page.evaluate(async () => {
    const { fromResponse } = globalThis.sluiceChat ?? {};
    if (typeof fromResponse !== "function") return { loaded: false };
    const body = 'data: {"type":"text-delta","text":"from "}\n\n' +
      'data: {"type":"text-delta","text":"the bundle"}\n\n';
    const stream = fromResponse(
      new Response(body, { headers: { "content-type": "text/event-stream" } }),
    );
    const script = [...document.scripts].map((element) => new URL(element.src).pathname);
    return { loaded: true, text: await stream.text(), script };
  });
  const sampling = sendAndSample(page, "What does sluice do?");
  // Mid-answer (the first token after 100 ms, then 40 tokens/s).
  await page.waitForTimeout(450);
  await page.screenshot({ path: shot("streaming"), fullPage: true });
  const full = await sampling;
  await page.screenshot({ path: shot("done"), fullPage: true });
  const stopped = await sendAndSample(page, "Tell me a long story", { stopAfterSamples: 3 });
  await page.screenshot({ path: shot("stopped"), fullPage: true });
  const after = await sendAndSample(page, "What does sluice do?");
  await page.screenshot({ path: screenshotPath, fullPage: true });
  // Markdown from the model renders as Markdown; its HTML stays text.
  const markdown = await sendAndSample(page, "Reply with some html");
  const last = page.locator(".message.assistant").last();
  markdown.strong = await last.locator("strong").count();
  markdown.code = await last.locator("code").count();
  markdown.img = await page.locator(".message img").count();
  await page.evaluate(() => scrollTo(0, document.body.scrollHeight));
  await page.screenshot({ path: shot("markdown") });
  const result = { bundle, full, stopped, after, markdown, errors };
  for (const [state, url] of [["error", errorUrl], ["down", downUrl]]) {
    if (url === undefined) continue;
    await page.goto(url);
    result[state] = await sendAndSample(page, "What does sluice do?");
    result[state].note = await page.locator(".message.note").textContent().catch(() => null);
    result[state].failed = await page.locator(".message.assistant.failed").count();
    await page.screenshot({ path: shot(state), fullPage: true });
  }
  console.log(`CHAT_RESULT ${JSON.stringify(result)}`);
});
