// In a real browser, the Reports view of the console (web/src/console/reports.tsx) against the
// real GET /api/tenants/{id}/reports/summary: after a visitor's chat is answered and another is
// closed unanswered, the supervisor sees them in the tiles and the per-agent table, downloads the
// table as CSV, narrows to an origin with no conversations (the empty state) and asks for a
// reversed range (the server's message). A plain agent is told they see their own figures only.
// Screenshots: build/screenshots/reports.png (desktop) and reports-phone.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shots } from './harness.mjs';
import { consoleLogin, rawVisitor, startWithPlainAgent } from './report_helpers.mjs';

let server, browser;
before(async () => {
  ({ server, browser } = await startWithPlainAgent());
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const login = (viewport, email) => consoleLogin(browser, server, viewport, email);
const visitor = (body) => rawVisitor(browser, server, body);

const kpi = (page, id) => page.locator(`.tile[data-kpi=${id}] .kpi`).innerText();
const noSidewaysScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

test('a supervisor sees the answered chat in the report, per agent, and downloads it as CSV', async () => {
  const { page, errors } = await login({ width: 1280, height: 800 });

  // One chat answered, one closed without a word to the visitor (missed).
  const v1 = await visitor('Onko teltta varastossa?');
  await page.locator(`.item[data-conv="${v1.conv}"]`).click();
  await page.getByRole('button', { name: 'Ota keskustelu' }).click({ timeout: 1000 }).catch(() => {});
  await page.locator('.composer textarea').fill('On, 12 kpl.');
  await page.keyboard.press('Enter');
  await page.locator('.msgs .m.agent:not(.pending)', { hasText: 'On, 12 kpl.' }).waitFor();
  const v2 = await visitor('Toimitatteko Ahvenanmaalle?');
  await page.locator(`.item[data-conv="${v2.conv}"]`).click();
  await page.getByRole('button', { name: 'Ota keskustelu' }).click({ timeout: 1000 }).catch(() => {});
  await page.getByRole('button', { name: 'Lopeta keskustelu' }).click();
  await page.getByRole('button', { name: 'Kyllä, lopeta' }).click();
  await page.locator('.taken-note', { hasText: 'vain luku' }).waitFor();

  await page.getByRole('button', { name: 'Raportit' }).click();
  await page.locator('main.reports .tiles.counts').waitFor();
  assert.ok(Number(await kpi(page, 'conversations')) >= 1, 'at least one conversation');
  assert.ok(Number(await kpi(page, 'answered')) >= 1, 'at least one answered');
  assert.ok(Number(await kpi(page, 'missed')) >= 1, 'the chat closed without an answer is missed');
  assert.match(await kpi(page, 'service_level'), /^\d{1,3},\d\s%$/, 'a percentage with one decimal');
  assert.match(await page.locator('.tile[data-kpi=wait] .kpi').innerText(), /\d+(,\d)? s|min/);
  // The period before had nothing: the change reads as a difference from zero.
  assert.match(await page.locator('.tile[data-kpi=answered] .delta').innerText(), /↑ \+\d/);
  const row = page.locator('.rp-table tbody tr', { hasText: 'Aino Virtanen' });
  await row.waitFor();
  assert.equal(await page.locator('.rp-table tfoot th').innerText(), 'Yhteensä');
  assert.equal(await page.locator('.rp-filters select').count(), 1, 'one tenant: no tenant choice, only the origin');
  assert.equal(await page.getByRole('button', { name: '7 päivää' }).getAttribute('aria-pressed'), 'true');
  assert.ok(await noSidewaysScroll(page));
  await page.screenshot({ path: join(shots, 'reports.png') });

  // The table as CSV: a header, the agent, the total.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Lataa CSV' }).click()]);
  assert.match(download.suggestedFilename(), /^tiski-report-eramaa-outdoor-oy-\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
  const lines = csv.trimEnd().split('\r\n');
  // No orders yet: no currency in the revenue's header (report_sales.test.mjs has one).
  // In Finnish: semicolons and decimal commas (a Finnish spreadsheet opens it as columns).
  assert.equal(lines[0], 'ID;Asiakaspalvelija;Chatit;Vastattu;Vastaamatta;Palvelutaso (%);"Odotus (keskiarvo, s)";"1. vastaus (keskiarvo, s)";"Käsittely (keskiarvo, s)";'
    + 'Tyytyväisyys (%);Tyytyväisyysvastaukset;Kaupat;Tilaukset;Myynti');
  assert.ok(lines.some((l) => /^\d+;Aino Virtanen;\d+;\d+;\d+;/.test(l)), csv);
  assert.ok(!/\d\.\d/.test(csv), 'decimal commas');
  assert.match(lines.at(-1), /^;Yhteensä;/);

  // An origin with no conversations: the empty state.
  await page.getByLabel('Alkuperä').selectOption('email');
  await page.locator('.rp-empty', { hasText: 'Ei keskusteluja tällä aikavälillä.' }).waitFor();
  await page.getByLabel('Alkuperä').selectOption('');
  await page.locator('main.reports .tiles.counts').waitFor();

  // A reversed range: the server's own words.
  const to = await page.getByLabel('Päättyen').inputValue();
  const after = new Date(Date.parse(to) + 2 * 86400000).toISOString().slice(0, 10);
  await page.getByLabel('Alkaen').fill(after);
  await page.locator('.rp-error', { hasText: 'Aikavälin loppu on ennen alkua' }).waitFor();
  await page.getByRole('button', { name: '30 päivää' }).click();
  await page.locator('main.reports .tiles.counts').waitFor();
  assert.equal(await page.getByRole('button', { name: '30 päivää' }).getAttribute('aria-pressed'), 'true');
  assert.deepEqual(errors, []);
});

test('on a phone the report fits the width; the table scrolls within its card', async () => {
  const { page, errors } = await login({ width: 390, height: 844 });
  await page.getByRole('button', { name: 'Raportit' }).click();
  await page.locator('main.reports .tiles.counts').waitFor();
  assert.equal(await page.locator('aside.side').isVisible(), false, 'the report takes the screen');
  assert.ok(await noSidewaysScroll(page));
  await page.screenshot({ path: join(shots, 'reports-phone.png') });
  await page.locator('main.reports .rp-card:has(.rp-table)').scrollIntoViewIfNeeded();  // the per-agent table's card
  await page.screenshot({ path: join(shots, 'reports-phone-table.png') });
  assert.ok(await noSidewaysScroll(page));
  await page.getByRole('button', { name: /Takaisin/ }).click();
  await page.locator('aside.side').waitFor();
  assert.deepEqual(errors, []);
});

test('a plain agent sees only their own figures', async () => {
  const { page, errors } = await login({ width: 1280, height: 800 }, 'bertta@eramaa.demo');
  await page.getByRole('button', { name: 'Raportit' }).click();
  await page.locator('.rp-own', { hasText: 'Näet vain omat lukusi.' }).waitFor();
  await page.locator('.rp-empty', { hasText: 'Ei keskusteluja tällä aikavälillä.' }).waitFor();
  assert.equal(await page.locator('.rp-error').count(), 0);
  assert.deepEqual(errors, []);
});
