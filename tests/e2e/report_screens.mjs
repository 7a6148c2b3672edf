// Screenshots of the Reports view's Overview over the last 30 days from a running server, full
// length, desktop (1400 x 1000) and phone (390 x 844): build/screenshots/reports-sales.png and
// reports-sales-phone.png. Not a test; for a server with history, e.g. tiski_gen's 30 days:
//   build/tiski serve --data /tmp/gen30 --listen 127.0.0.1:18931 --web web/dist
//   node tests/e2e/report_screens.mjs http://127.0.0.1:18931 agentti@eramaa.demo demo1234
import { join } from 'node:path';
import { launch, shots } from './harness.mjs';

const [url = 'http://127.0.0.1:18931', email = 'agentti@eramaa.demo', password = 'demo1234', name = 'reports-sales'] = process.argv.slice(2);
const browser = await launch();
try {
  for (const [suffix, viewport] of [['', { width: 1400, height: 1000 }], ['-phone', { width: 390, height: 844 }]]) {
    const ctx = await browser.newContext({ viewport, locale: 'fi-FI' });
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url + '/console/');
    await page.getByLabel('Sähköposti').fill(email);
    await page.getByLabel('Salasana').fill(password);
    await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
    await page.locator('.presence-bar').waitFor();
    await page.getByRole('button', { name: 'Raportit' }).click();
    await page.locator('main.reports .tiles.counts').waitFor();
    await page.getByRole('button', { name: '30 päivää' }).click();
    await page.locator('main.reports[aria-busy=false] .tiles.money').waitFor({ timeout: 60000 });
    // The report scrolls inside the app (100vh): a viewport as tall as the report is its full page.
    const full = await page.evaluate(() => { const m = document.querySelector('main.reports'); return m.scrollHeight + m.getBoundingClientRect().top; });
    await page.setViewportSize({ width: viewport.width, height: Math.ceil(full) });
    await page.waitForTimeout(300);  // the charts redraw to the new size
    const path = join(shots, `${name}${suffix}.png`);
    await page.screenshot({ path, fullPage: true });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    console.log(path, wide ? 'WIDER THAN THE SCREEN' : 'fits', errors.length ? errors : '');
    await ctx.close();
  }
} finally {
  await browser.close();
}
