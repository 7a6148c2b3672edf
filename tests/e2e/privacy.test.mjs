// In a real browser: a visitor writes something personal in the shop's widget; the tenant's
// admin finds them by visitor number in Hallinta → Tietosuoja, downloads their data, erases it,
// and afterwards the text is in neither database file (read as bytes while the server runs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { shots, startServer, launch } from './harness.mjs';
import { consoleLogin } from './report_helpers.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const secret = 'Henkilotunnus-131052-308T';
const inFiles = () => ['tiski.db', 'tiski.db-wal'].some((f) => {
  const p = join(server.data, f);
  return existsSync(p) && readFileSync(p).includes(secret);
});

test('an admin exports a visitor\'s data and erases it; nothing stays in the database files', async () => {
  // An agent is online, so the widget offers live chat.
  const desk = await consoleLogin(browser, server, { width: 1200, height: 800 });
  const shopCtx = await browser.newContext({ viewport: { width: 1200, height: 800 }, locale: 'fi-FI' });
  const shop = await shopCtx.newPage();
  await shop.goto(server.url + '/demo/');
  await shop.locator('#tiski-widget button.l').click();
  await shop.locator('#tiski-widget textarea').fill(`Tunnukseni on ${secret}`);
  await shop.keyboard.press('Enter');
  await shop.locator('#tiski-widget li.v:not(.q)', { hasText: secret }).waitFor();

  const { page, ctx, errors } = await consoleLogin(browser, server, { width: 1400, height: 900 }, 'omistaja@tiski.demo', '.side .me');
  page.on('dialog', (d) => void d.accept());
  // The visitor's number, as the console's search shows it (indexed within a second or two).
  let number = 0;
  for (let i = 0; i < 200 && !number; i++) {
    number = await page.evaluate(async (q) => {
      const r = await (await fetch(`/api/search?q=${q}`)).json();
      return r.hits?.[0]?.conv?.visitor_no ?? 0;
    }, secret.slice(0, 12));
    if (!number) await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(number > 0, 'the search found the line');
  assert.ok(inFiles(), 'before the erasure the text is in the files');

  await page.getByRole('button', { name: /Hallinta/ }).click();
  const pv = page.locator('section.pv');
  await pv.getByLabel('Kävijänumero tai sähköposti').fill(`Kävijä #${number}`);
  const [download] = await Promise.all([page.waitForEvent('download'), pv.getByRole('button', { name: 'Vie tiedot (JSON)' }).click()]);
  const exported = readFileSync(await download.path(), 'utf8');
  assert.ok(exported.includes(`Tunnukseni on ${secret}`));
  await pv.getByRole('button', { name: 'Poista tiedot' }).click();
  await pv.locator('[role=status]', { hasText: 'Poistettu: 1 keskustelu,' }).waitFor();
  await page.locator('.ad-audit tr[data-action="privacy.erase"]').first().waitFor();
  // The consoles' lists drop the erased preview at once.
  await page.locator('.side').getByText(secret).waitFor({ state: 'detached' });
  await desk.page.getByText(secret).first().waitFor({ state: 'detached' });
  await page.screenshot({ path: join(shots, 'privacy.png'), fullPage: true });
  let clean = false;
  for (let i = 0; i < 300 && !clean; i++) {
    clean = !inFiles();
    if (!clean) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(clean, 'the erased text is in neither tiski.db nor tiski.db-wal');
  assert.deepEqual(errors, []);
  await shopCtx.close();
  await desk.ctx.close();
  await ctx.close();
});
