// The widget's cost to the shop's page (issue 16, goal 5), measured in Chromium on the demo shop:
// the bytes the page downloads for Tiski (transferred and gzipped size of widget.js and anything
// it fetches), the long tasks (> 50 ms) on the main thread and the layout shift, from page load
// until the widget's launcher is shown and the socket is welcomed, plus 3 s; then the launcher
// clicked, and the time until the chat's panel shows (its file fetched on the way) with what
// that costs. Five page loads, a fresh browser context each (nothing cached).
// Usage: node bench/widget_cost.mjs
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, repo, startServer } from '../tests/e2e/harness.mjs';

const server = await startServer();
const browser = await launch();
const rows = [];
try {
  for (let round = 0; round < 5; round++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    const tiski = [];
    page.on('response', async (r) => {
      const u = new URL(r.url());
      if (!u.pathname.startsWith('/widget')) return;
      const body = await r.body().catch(() => Buffer.alloc(0));
      tiski.push({ path: u.pathname, bytes: body.length, gz: gzipSync(body, { level: 9 }).length });
    });
    // Observers from the first script on: long tasks and layout shifts not caused by input.
    await page.addInitScript(() => {
      window.__cost = { long: [], shift: 0 };
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__cost.long.push(e.duration); })
        .observe({ type: 'longtask', buffered: true });
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cost.shift += e.value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    const t0 = Date.now();
    await page.goto(server.url + '/demo/');
    await page.locator('#tiski-widget button.l').first().waitFor({ timeout: 10000 });
    const shown = Date.now() - t0;
    await page.waitForTimeout(3000);
    const cost = await page.evaluate(() => window.__cost);
    const before = [...tiski];
    // The visitor reaches for the launcher: the chat's file is fetched, the panel opens.
    const t1 = Date.now();
    await page.locator('#tiski-widget button.l').first().click();
    await page.locator('#tiski-widget section.p').waitFor({ timeout: 10000 });
    const opened = Date.now() - t1;
    await page.waitForTimeout(500);
    const after = await page.evaluate(() => window.__cost);
    rows.push({ round, shown, long: cost.long, shift: cost.shift, tiski: before, opened, openLong: after.long.slice(cost.long.length), openFiles: tiski.slice(before.length) });
    await ctx.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
const widget = readFileSync(join(repo, 'web/dist/widget.js'));
console.log(`widget.js on disk: ${widget.length} bytes, ${gzipSync(widget, { level: 9 }).length} gzipped`);
for (const r of rows) {
  const files = r.tiski.map((f) => `${f.path} ${f.gz} B gz`).join(', ');
  console.log(`load ${r.round + 1}: launcher after ${r.shown} ms; long tasks ${r.long.length}` +
    (r.long.length ? ` (${r.long.map((d) => Math.round(d)).join(', ')} ms)` : '') +
    `; layout shift ${r.shift.toFixed(4)}; fetched: ${files}`);
  console.log(`        opened ${r.opened} ms after the click; long tasks ${r.openLong.length}` +
    (r.openLong.length ? ` (${r.openLong.map((d) => Math.round(d)).join(', ')} ms)` : '') +
    `; fetched: ${r.openFiles.map((f) => `${f.path} ${f.gz} B gz`).join(', ') || 'nothing more'}`);
}
