// In a real browser, the Staffing tab of the console's Reports view (web/src/console/staffing.tsx)
// against the real GET /api/tenants/{id}/reports/staffing: after a visitor's chat is answered, the
// supervisor opens Reports → Staffing (by keyboard too), sees the Erlang C tiles and the hour ×
// weekday grid with seven day columns, the hour of the chat needing at least one agent (the demo
// tenant has no business hours: its zone is UTC), every figure of a cell in its title, changes the
// target, types a value out of range (named beside the input, not asked), downloads the 168 hours
// as CSV. On a phone the grid fits the width. A plain agent is told the plan is for supervisors
// (the server's 403). A last test feeds the tab a full synthetic week (page.route, not the
// server) to check the layout of a busy grid.
// Screenshots: build/screenshots/staffing.png and staffing-phone.png (the top of the view), *-grid.png
// (scrolled to the grid), staffing-week*.png (the synthetic week).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shots } from './harness.mjs';
import { consoleLogin, rawVisitor, startWithPlainAgent } from './report_helpers.mjs';

let server, browser, chatAt;
before(async () => {
  ({ server, browser } = await startWithPlainAgent());
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const login = (viewport, email) => consoleLogin(browser, server, viewport, email);
const visitor = (body) => rawVisitor(browser, server, body);

// The hour of the week in UTC: weekday 0 = Monday.
const hourOfWeek = (d = new Date()) => ({ weekday: (d.getUTCDay() + 6) % 7, hour: d.getUTCHours() });
const noSidewaysScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
// Scrolls the report so that `sel` is at the top (the report scrolls, not the page).
const scrollTo = (page, sel) => page.locator('main.reports').evaluate((m, sel) => {
  m.scrollTop += m.querySelector(sel).getBoundingClientRect().top - m.getBoundingClientRect().top - 12;
}, sel);
const cell = (page, at) => page.locator(`.sf-grid td[data-weekday="${at.weekday}"][data-hour="${at.hour}"]`);

async function openStaffing(page) {
  await page.getByRole('button', { name: 'Raportit' }).click();
  await page.getByRole('tab', { name: 'Miehitys' }).click();
}

test('a supervisor plans staffing from the chats: tiles, the hour × weekday grid, the target, CSV', async () => {
  const { page, errors } = await login({ width: 1280, height: 800 });

  // One chat answered, now.
  const v1 = await visitor('Onko teltta varastossa?');
  chatAt = hourOfWeek();
  await page.locator(`.item[data-conv="${v1.conv}"]`).click();
  await page.getByRole('button', { name: 'Ota keskustelu' }).click({ timeout: 1000 }).catch(() => {});
  await page.locator('.composer textarea').fill('On, 12 kpl.');
  await page.keyboard.press('Enter');
  await page.locator('.msgs .m.agent:not(.pending)', { hasText: 'On, 12 kpl.' }).waitFor();
  await page.getByRole('button', { name: 'Lopeta keskustelu' }).click();
  await page.getByRole('button', { name: 'Kyllä, lopeta' }).click();
  await page.locator('.taken-note', { hasText: 'vain luku' }).waitFor();

  // The tabs by keyboard: the overview first, the arrow key moves to Staffing.
  await page.getByRole('button', { name: 'Raportit' }).click();
  await page.locator('main.reports .tiles.counts').waitFor();
  const overviewTab = page.getByRole('tab', { name: 'Yleiskatsaus' });
  assert.equal(await overviewTab.getAttribute('aria-selected'), 'true');
  await overviewTab.focus();
  await page.keyboard.press('ArrowRight');
  const staffingTab = page.getByRole('tab', { name: 'Miehitys' });
  assert.equal(await staffingTab.getAttribute('aria-selected'), 'true');
  assert.ok(await staffingTab.evaluate((el) => el === document.activeElement), 'focus follows the tab');
  await page.locator('.sf-grid').waitFor();

  // The server's default period: the last 28 days, the 4-week quick choice; no origin filter here.
  assert.equal(await page.getByRole('button', { name: '4 viikkoa' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByLabel('Alkuperä').count(), 0);
  assert.equal(await page.getByRole('textbox', { name: 'Tavoite', exact: true }).inputValue(), '80');
  assert.equal(await page.getByLabel('Vastattu ajassa').inputValue(), '20');

  // Tiles: handling time, concurrency, agent hours needed against online; no cost tile without a cost.
  assert.match(await page.locator('.tile[data-kpi=handling] .kpi').innerText(), /\d+(,\d)? s|min/);
  assert.match(await page.locator('.tile[data-kpi=concurrency] .kpi').innerText(), /^\d+,\d$/);
  assert.match(await page.locator('.tile[data-kpi=hours] .kpi').innerText(), /^\d+(,\d)? h$/);
  assert.match(await page.locator('.tile[data-kpi=hours] .sub').innerText(), /^paikalla \d+(,\d)? h \/ vko$/);
  assert.equal(await page.locator('.tile[data-kpi=cost]').count(), 0);

  // The grid: seven day columns, Monday first; the chat's hour needs at least one agent.
  const heads = await page.locator('.sf-grid thead th:not(.sf-corner)').allInnerTexts();
  assert.deepEqual(heads.map((s) => s.toLowerCase()), ['ma', 'ti', 'ke', 'to', 'pe', 'la', 'su']);
  assert.equal(await page.locator('.sf-grid tbody tr:not(.sf-fold)').first().locator('td').count(), 7);
  const c = cell(page, chatAt);
  assert.ok(Number(await c.getAttribute('data-needed')) >= 1, 'the chat hour needs an agent');
  assert.ok(Number(await c.locator('.sf-v b').innerText()) >= 1);
  assert.notEqual(await c.getAttribute('data-state'), 'none');
  const title = await c.getAttribute('title');
  for (const word of [/chatti(a)? \/ h/, 'erlangia', 'chat-paikka', 'tarvitaan', 'paikalla keskimäärin', /palvelutaso|jonottanut/]) {
    assert.match(title, word instanceof RegExp ? word : new RegExp(word), title);
  }
  // The quiet night is folded away; the toggle shows all 24 hours.
  const shownRows = await page.locator('.sf-grid tbody tr:not(.sf-fold)').count();
  assert.ok(shownRows < 24, `${shownRows} rows`);
  await page.getByLabel('Näytä kaikki tunnit').check();
  assert.equal(await page.locator('.sf-grid tbody tr:not(.sf-fold)').count(), 24);
  await page.getByLabel('Näytä kaikki tunnit').uncheck();
  // The details beside the grid follow the cell chosen; the arrow keys move between cells.
  await c.click();
  assert.match(await page.locator('.sf-detail h3').innerText(), /\d\d:00–\d\d:00/);
  assert.match(await page.locator('.sf-detail').innerText(), /tarvitaan (1 asiakaspalvelija(?!a)|\d+ asiakaspalvelijaa)/);
  await page.keyboard.press(chatAt.weekday < 6 ? 'ArrowRight' : 'ArrowLeft');
  // The focus moves on the next animation frame: wait for it rather than read it at once.
  const target = String(chatAt.weekday < 6 ? chatAt.weekday + 1 : chatAt.weekday - 1);
  await page.waitForFunction((w) => document.activeElement?.getAttribute('data-weekday') === w, target,
    { timeout: 5000 });
  assert.match(await page.locator('.sf-legend').innerText(), /Vajaa[\s\S]*Sopiva[\s\S]*Ylimiehitys/);
  assert.match(await page.locator('.sf-assume').innerText(), /^Erlang C: satunnaiset saapumiset/);
  // Nobody gave up waiting in this tenant: no patience, so the plan is Erlang C's even when A is chosen.
  assert.match(await page.locator('[data-kpi="patience"]').innerText(), /kukaan ei luopunut odottaessaan · laskettu: Erlang C/);
  const [modelResp] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('model=erlang_a')),
    page.getByLabel('Malli').selectOption('erlang_a'),
  ]);
  assert.equal(modelResp.status(), 200);
  assert.equal((await modelResp.json()).model, 'erlang_c');
  await page.getByLabel('Malli').selectOption('auto');
  assert.ok(await noSidewaysScroll(page));

  // A cost: the monthly cost tile. A stricter target is asked again.
  await page.getByLabel('Tuntihinta').fill('25');
  await page.locator('.tile[data-kpi=cost] .kpi', { hasText: '€' }).waitFor();
  await page.getByRole('textbox', { name: 'Tavoite', exact: true }).fill('95');
  await page.locator('.rp-vs', { hasText: '95 %' }).waitFor();
  await page.locator('main.reports[aria-busy=false]').waitFor();
  await c.click();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(shots, 'staffing.png') });
  await scrollTo(page, '.sf-card');
  await page.screenshot({ path: join(shots, 'staffing-grid.png') });
  await scrollTo(page, '.rp-head');

  // Out of range: named beside the input, not asked; fixed, asked again.
  await page.getByRole('textbox', { name: 'Tavoite', exact: true }).fill('120');
  await page.locator('.sf-bad', { hasText: 'Sallittu 50–99' }).waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Tavoite', exact: true }).getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('.rp-error').count(), 0);
  await page.getByRole('textbox', { name: 'Tavoite', exact: true }).fill('80');
  await page.locator('.rp-vs', { hasText: '80 %' }).waitFor();

  // The 168 hours as CSV.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Lataa viikon 168 tuntia/ }).click()]);
  assert.match(download.suggestedFilename(), /^tiski-staffing-eramaa-outdoor-oy-\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv$/);
  const lines = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trimEnd().split('\r\n');
  assert.equal(lines.length, 169);
  assert.equal(lines[0], 'Viikonpäivä;Tunti;Chatit / h;Erlangit;Chat-paikat;Chat-paikat (Erlang C);Tarvitaan;Paikalla (ka.);Jonottaneet;Vastattu ajassa;Palvelutaso (%);Tavoite alittui');
  assert.match(lines[1], /^maanantai;00:00;/);
  const row = lines[1 + chatAt.weekday * 24 + chatAt.hour].split(';').map((x) => x.replace(',', '.'));  // decimal commas
  assert.ok(Number(row[2]) > 0 && Number(row[6]) >= 1, lines[1 + chatAt.weekday * 24 + chatAt.hour]);

  // Back to the overview: its report, the origin filter again.
  await page.getByRole('tab', { name: 'Yleiskatsaus' }).click();
  await page.locator('main.reports .tiles.counts').waitFor();
  assert.equal(await page.getByLabel('Alkuperä').count(), 1);
  assert.deepEqual(errors, []);
});

test('on a phone the staffing grid fits the width', async () => {
  const { page, errors } = await login({ width: 390, height: 844 });
  await openStaffing(page);
  await page.locator('.sf-grid').waitFor();
  assert.ok(await noSidewaysScroll(page));
  const box = await page.locator('.sf-grid').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box));
  assert.ok(Number(await cell(page, chatAt).getAttribute('data-needed')) >= 1);
  await page.screenshot({ path: join(shots, 'staffing-phone.png') });
  await scrollTo(page, '.sf-card');
  await page.screenshot({ path: join(shots, 'staffing-phone-grid.png') });
  assert.deepEqual(errors, []);
});

test('a plain agent has no staffing tab (the plan is for supervisors)', async () => {
  const { page, errors } = await login({ width: 1280, height: 800 }, 'bertta@eramaa.demo');
  await page.getByRole('button', { name: 'Raportit' }).click();
  await page.locator('main.reports[aria-busy=false]').waitFor();
  assert.equal(await page.getByRole('tab', { name: 'Miehitys' }).count(), 0);
  assert.equal(await page.getByRole('tab', { name: 'Yleiskatsaus' }).count(), 1);
  assert.deepEqual(errors, []);
});

// A busy tenant's week, made up: weekdays 8–20 with a lunch peak, quieter weekends, a few hours
// short of agents, over, and under the target.
function syntheticWeek() {
  const hours = [];
  for (let d = 0; d < 7; d++) for (let h = 0; h < 24; h++) {
    const open = d < 5 ? h >= 8 && h < 20 : h >= 10 && h < 16;
    const shape = open ? (d < 5 ? 1 : 0.5) * (4 + 8 * Math.exp(-((h - 12.5) ** 2) / 8) + (h === 19 ? 2 : 0)) : 0;
    const arrivals = Math.round(shape * (1 + 0.08 * ((d * 7 + h) % 5)) * 100) / 100;
    const erlangs = Math.round(arrivals * 0.09 * 100) / 100;  // 5.4 min handling
    const seatsC = arrivals ? Math.ceil(erlangs + 1.2 * Math.sqrt(erlangs) + 1) : 0;
    const seats = Math.max(arrivals ? 1 : 0, seatsC - (erlangs > 0.8 ? 1 : 0));  // Erlang A: impatient visitors
    const needed = arrivals ? Math.ceil(seats / 1.6) : 0;
    const plan = open ? (d < 5 ? (h >= 9 && h < 17 ? 3 : 1.5) : 1) : 0;
    const online = Math.round((plan + (d === 2 && h === 15 ? 1.5 : 0) - (d === 4 && h >= 11 && h <= 13 ? 1.2 : 0)) * 10) / 10;
    const awaited = Math.round(arrivals * 4);
    const within = Math.round(awaited * Math.min(1, 0.55 + 0.3 * (online - needed + 1)));
    const sl = awaited ? within / awaited : null;
    hours.push({ weekday: d, hour: h, arrivals, erlangs, seats, seats_erlang_c: seatsC, agents_needed: needed, agents_online: Math.max(0, online),
      awaited, within: Math.max(0, within), service_level: sl, target_missed: sl != null && sl < 0.8 });
  }
  const need = hours.reduce((s, x) => s + x.agents_needed, 0);
  const online = hours.reduce((s, x) => s + x.agents_online, 0);
  return { tenant: 1, from: '2026-11-05', to: '2026-12-02', tz: 'Europe/Helsinki', weeks: 4, target: 0.8, within_s: 20, hourly_cost: 25,
    handling_s: 324, concurrency: 1.6, model: 'erlang_a', gave_up: 212, patience_s: 94, agent_hours_per_week: need, online_agent_hours_per_week: Math.round(online * 10) / 10,
    monthly_cost: need * 4.345 * 25, hours };
}

test('a full week lays out (synthetic data, routed): desktop and phone', async () => {
  for (const [viewport, name] of [[{ width: 1280, height: 800 }, 'staffing-week.png'], [{ width: 390, height: 844 }, 'staffing-week-phone.png']]) {
    const { page, errors } = await login(viewport);
    await page.route('**/reports/staffing*', (r) => r.fulfill({ json: syntheticWeek() }));
    await openStaffing(page);
    await page.locator('.sf-grid').waitFor();
    assert.equal(await page.locator('.sf-grid tbody tr:not(.sf-fold)').count(), 14, '07:00–20:00');
    assert.ok(await page.locator('.sf-cell.short').count() > 0);
    assert.ok(await page.locator('.sf-cell.over').count() > 0);
    assert.ok(await page.locator('.sf-cell.missed').count() > 0);
    // Planned with Erlang A from the measured patience: the tile, the model and the assumptions say so.
    assert.match(await page.locator('[data-kpi="patience"]').innerText(), /Kärsivällisyys\s+1 min 34 s[\s\S]*212 luopui odottaessaan · laskettu: Erlang A/i);
    assert.match(await page.locator('.sf-assume').innerText(), /^Erlang A: /);
    assert.ok(await noSidewaysScroll(page));
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(shots, name) });
    await scrollTo(page, '.sf-card');
    await page.screenshot({ path: join(shots, name.replace('.png', '-grid.png')) });
    assert.deepEqual(errors, []);
  }
});
