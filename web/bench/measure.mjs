// The dashboard's speed in Debian's Chromium against a running `steward
// serve`: time to first render of pages, and for the lineage graph time to
// interactive and the frame rate while panning. Prints one JSON line per
// measurement. Used by scripts/bench/web-perf.sh.
//
//   STEWARD_URL=... STEWARD_USER=... STEWARD_PASSWORD=... node measure.mjs PAGE...
// where PAGE is `first-render|<path>|<selector>` or `lineage|<path>`.
import { chromium } from "@playwright/test";

const base = process.env.STEWARD_URL;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/lib/chromium/chromium" });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.goto(`${base}/login`);
await page.getByLabel("User").fill(process.env.STEWARD_USER);
await page.getByLabel("Password").fill(process.env.STEWARD_PASSWORD);
await page.getByRole("button", { name: "Log in" }).click();
await page.waitForURL((url) => !url.pathname.startsWith("/login"));

for (const spec of process.argv.slice(2)) {
  const [kind, path, selector] = spec.split("|");
  // A fresh load each time: nothing cached in the page's memory.
  await page.goto("about:blank");
  const started = Date.now();
  await page.goto(`${base}${path}`, { waitUntil: "commit" });
  if (kind === "first-render") {
    await page.locator(selector).first().waitFor({ timeout: 120_000 });
    console.log(JSON.stringify({ page: path, first_render_ms: Date.now() - started }));
  } else if (kind === "lineage") {
    const nodes = page.locator(".react-flow__node");
    await nodes.first().waitFor({ timeout: 300_000 });
    // Interactive: the graph drawn and the main thread free for a frame.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0))));
    const interactive = Date.now() - started;
    const tables = Number((await page.getByText(/\d+ tables, \d+ links/).textContent()).match(/(\d+) tables/)[1]);
    // Pan for two seconds with the mouse, counting frames.
    const box = await page.getByTestId("lineage-canvas").boundingBox();
    const counting = page.evaluate(
      () =>
        new Promise((done) => {
          let frames = 0;
          const t0 = performance.now();
          const tick = () => {
            frames += 1;
            if (performance.now() - t0 < 2000) requestAnimationFrame(tick);
            else done(frames / ((performance.now() - t0) / 1000));
          };
          requestAnimationFrame(tick);
        }),
    );
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 0; i < 60; i++) {
      await page.mouse.move(cx + 200 * Math.sin(i / 6), cy + 120 * Math.cos(i / 6), { steps: 2 });
    }
    await page.mouse.up();
    const fps = await counting;
    console.log(JSON.stringify({ page: path, tables, time_to_interactive_ms: interactive, pan_fps: Math.round(fps * 10) / 10 }));
  }
}
await browser.close();
