// In a real browser, the sales parts of the Reports view (web/src/console/report_sales.tsx and
// report_charts.tsx) against the real GET /api/tenants/{id}/reports/summary: a visitor's chat is
// answered, marked a sale with a tag and rated 5; the shop reports that visitor's order and one
// more without a chat over the signed POST /api/sites/{key}/conversions. The supervisor sees the
// money tiles, chat vs the other visitors with its caveat, the funnel, how to switch the holdout
// on, the outcomes, tags and ratings, the three charts and the per-agent sales, downloads the CSV
// with its new columns, and on a phone every section fits the width. A plain agent sees their own
// sales and no comparisons.
// Screenshots: build/screenshots/report-sales-e2e.png and report-sales-e2e-phone.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, shots } from './harness.mjs';
import { answer, consoleLogin, rawVisitor, startWithPlainAgent } from './report_helpers.mjs';

let server, browser, secret;
before(async () => {
  ({ server, browser } = await startWithPlainAgent());
  const shown = execFileSync(bin, ['site', 'show', '--data', server.data, '--site', server.siteKey], { encoding: 'utf8' });
  secret = /^\s*secret \(.*\): (\S+)$/m.exec(shown)?.[1];
  assert.ok(secret, shown);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const login = (viewport, email) => consoleLogin(browser, server, viewport, email);
const nb = (s) => s.replace(/[\u00a0\u202f]/g, ' ').replace(/\u2212/g, '-');
const text = async (loc) => nb(await loc.innerText());
const kpi = (page, id) => text(page.locator(`.tile[data-kpi=${id}] .kpi`));
const noSidewaysScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

// What a shop's server does after a purchase: the order, signed with the site's secret.
async function order(body) {
  const raw = JSON.stringify(body);
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = 'sha256=' + createHmac('sha256', secret).update(`${ts}.${raw}`).digest('hex');
  const r = await fetch(`${server.url}/api/sites/${server.siteKey}/conversions`, {
    method: 'POST', body: raw, headers: { 'Content-Type': 'application/json', 'X-Tiski-Timestamp': ts, 'X-Tiski-Signature': sig },
  });
  return { status: r.status, body: await r.json() };
}


// An agent frame over a socket of the console's own session (the outcome bar is another view's).
async function agentFrame(page, frame, answered) {
  return page.evaluate(async ({ frame, answered }) => {
    const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws/agent');
    const got = new Promise((ok, fail) => {
      setTimeout(() => fail(new Error('no answer to ' + frame.t)), 5000);
      ws.addEventListener('message', (e) => {
        const f = JSON.parse(e.data);
        if (f.t === 'error') fail(new Error(JSON.stringify(f)));
        if (f.t === 'conv' && f.conv?.id === frame.conv && f.conv[answered.key] === answered.value) ok(f.conv);
      });
    });
    await new Promise((ok) => ws.addEventListener('open', ok));
    ws.send(JSON.stringify(frame));
    try { return await got; } finally { ws.close(); }
  }, { frame, answered });
}

test('a supervisor sees what the chats sold, the comparisons, the charts and the sales per agent', async () => {
  const { page, ctx, errors } = await login({ width: 1400, height: 1000 });

  // A chat answered, marked a sale with a tag, closed and rated 5 by the visitor.
  const v = await rawVisitor(browser, server, 'Onko Vaellus 2 -telttaa varastossa?');
  await answer(page, v.conv, 'On, kolme kappaletta.');
  await agentFrame(page, { t: 'outcome', conv: v.conv, outcome: 'sale', tags: ['teltat'] }, { key: 'outcome', value: 'sale' });
  await page.getByRole('button', { name: 'Lopeta keskustelu' }).click();
  await page.getByRole('button', { name: 'Kyllä, lopeta' }).click();
  await page.locator('.taken-note', { hasText: 'vain luku' }).waitFor();
  await v.page.evaluate((conv) => new Promise((ok) => {
    const ws = window.__ws;
    ws.addEventListener('message', function on(e) {
      const f = JSON.parse(e.data);
      if (f.t === 'conv' && f.conv?.csat === 5) { ws.removeEventListener('message', on); ok(); }
    });
    ws.send(JSON.stringify({ t: 'survey', conv }));
    ws.send(JSON.stringify({ t: 'csat', conv, score: 5 }));
  }), v.conv);

  // The shop's orders: the visitor's (credited to the chat) and one from somebody who did not chat.
  const credited = await order({ kind: 'order', id: 'E2E-1001', value: 49.9, currency: 'EUR', visitor: v.token });
  assert.equal(credited.status, 201, JSON.stringify(credited.body));
  assert.equal(credited.body.credited, true, 'the order follows the answered chat');
  const other = await order({ kind: 'order', id: 'E2E-1002', value: 100, currency: 'EUR' });
  assert.equal(other.status, 201, JSON.stringify(other.body));
  assert.equal(other.body.credited, false);

  await page.getByRole('button', { name: 'Raportit' }).click();
  const money = page.locator('main.reports .tiles.money');
  await money.locator('.tile[data-kpi=chat_revenue] .kpi', { hasText: '49,90' }).waitFor();
  assert.equal(await kpi(page, 'chat_revenue'), '49,90 €');
  assert.match(await text(money.locator('.tile[data-kpi=chat_revenue] .sub')), /^koko myynti 149,90 €$/);
  assert.match(await text(money.locator('.tile[data-kpi=chat_revenue] .delta')), /^↑ \+49,90 €$/, 'from nothing: the amount');
  assert.equal(await kpi(page, 'chat_share'), '33,3 %');
  assert.equal(await kpi(page, 'chat_orders'), '1');
  assert.match(await kpi(page, 'csat'), /^100,0 %\s*4–5 ★$/);
  assert.match(await text(money.locator('.tile[data-kpi=csat]')), /keskiarvo 5,0 ★ · 1 vastaus(?!ta)/);

  // Chatters against the others: the chatter bought; the caveat is on screen.
  const cv = page.locator('.rp-cv');
  assert.equal(await text(cv.locator('[data-group=chatters] [data-figure=rate]')), '100,0 %');
  assert.equal(await text(cv.locator('[data-group=chatters] [data-figure=aov]')), '49,90 €');
  await cv.getByText('Chattailijat ovat itse valikoituneita ostajia: ero ei kerro, mitä chat aiheuttaa. Katso kokeilu (holdout) alla.').waitFor();
  // No invitations, no experiment: the funnel says so, the holdout card tells how to start one.
  await page.locator('.rp-fn', { hasText: 'Ei proaktiivisia kutsuja jaksolla.' }).waitFor();
  const ho = page.locator('.rp-ho');
  await ho.locator('code', { hasText: 'tiski site update --holdout 10' }).waitFor();
  assert.match(await text(ho), /Aseta sivustolle holdout-osuus, esim\. 10 %/);

  // Outcomes, tags, ratings.
  const oc = page.locator('.rp-oc');
  assert.equal(await text(oc.locator('[data-outcome=sale] .bl-label')), 'Kauppa');
  assert.equal(await text(oc.locator('[data-outcome=sale] .bl-n')), '1');
  assert.equal(await text(oc.locator('[data-outcome=unset] .bl-label')), 'Ei valittu');
  assert.equal(await text(oc.locator('[data-tag=teltat] .bl-n')), '1');
  assert.equal(await text(oc.locator('[data-stars="5"] .bl-n')), '1');

  // The charts: images with a summary, their figures in a table for screen readers.
  const days = page.locator('.rp-days svg[role=img]').first();
  assert.match(await days.getAttribute('aria-label'), /^Päivittäin: Keskustelut päivittäin, yhteensä [1-9]\d*; vilkkain päivä /);
  assert.match(await page.locator('.rp-days svg.ch-rev').getAttribute('aria-label'), /^Chatin myynti päivittäin, yhteensä 49,90\s€/);
  assert.ok(await page.locator('.rp-days table tbody tr').count() >= 7, 'a row a day');
  const busy = await page.locator('.rp-heat .hm-cell').evaluateAll((cells) => cells.filter((c) => Number(c.dataset.n) > 0).length);
  assert.ok(busy >= 1, 'the chats arrived in some hour');
  assert.match(await page.locator('.rp-heat svg').getAttribute('aria-label'), /kiireisin tunti .+, (1 chatti|[1-9]\d+ chattia|[2-9] chattia)\./);
  assert.match(await page.locator('.rp-fr svg').getAttribute('aria-label'), /^Ensimmäisen vastauksen ajat: ≤ 10 s: \d+, 10–20 s/);
  assert.equal(await page.locator('.rp-fr [data-bucket]').count(), 8);

  // The day chart's details on hover.
  const box = await days.boundingBox();
  await page.mouse.move(box.x + box.width - 20, box.y + box.height / 2);
  await page.locator('.rp-days .ch-tip', { hasText: 'keskustelu' }).waitFor();

  // Per agent: satisfaction, sales, the revenue and orders credited.
  const row = page.locator('.rp-table tbody tr', { hasText: 'Aino Virtanen' });
  const cells = (await row.locator('td').allInnerTexts()).map(nb);
  assert.deepEqual(cells.slice(-3), ['100 % (1)', '1', '49,90 € (1)']);
  assert.match(nb(await page.locator('.rp-table tfoot tr').innerText()), /49,90 € \(1\)$/);
  assert.ok(await noSidewaysScroll(page));
  const full = await page.evaluate(() => { const m = document.querySelector('main.reports'); return m.scrollHeight + m.getBoundingClientRect().top; });
  await page.setViewportSize({ width: 1400, height: Math.ceil(full) });
  await page.screenshot({ path: join(shots, 'report-sales-e2e.png') });
  await page.setViewportSize({ width: 1400, height: 1000 });

  // The CSV: the new columns, the agent's and the total's sales.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Lataa CSV' }).click()]);
  const lines = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trimEnd().split('\r\n');
  assert.equal(lines[0], 'ID;Asiakaspalvelija;Chatit;Vastattu;Vastaamatta;Palvelutaso (%);"Odotus (keskiarvo, s)";"1. vastaus (keskiarvo, s)";'
    + '"Käsittely (keskiarvo, s)";Tyytyväisyys (%);Tyytyväisyysvastaukset;Kaupat;Tilaukset;Myynti (EUR)');
  assert.ok(lines.some((l) => /^\d+;Aino Virtanen;(?:[^;]*;){7}100;1;1;1;49,9$/.test(l)), lines.join('\n'));
  assert.match(lines.at(-1), /^;Yhteensä;(?:[^;]*;){7}100;1;1;1;49,9$/);
  assert.deepEqual(errors, []);
  await ctx.close();
  await v.ctx.close();
});

test('on a phone the sales sections stack and fit the width', async () => {
  const { page, ctx, errors } = await login({ width: 390, height: 844 });
  await page.getByRole('button', { name: 'Raportit' }).click();
  await page.locator('main.reports .tiles.money .tile[data-kpi=chat_revenue] .kpi', { hasText: '49,90' }).waitFor();
  await page.locator('.rp-ho').scrollIntoViewIfNeeded();
  assert.ok(await noSidewaysScroll(page));
  // Chatters and the others side by side even here; the funnel under chat vs the others.
  const [a, b] = await Promise.all(['[data-group=chatters]', '[data-group=others]'].map((s) => page.locator(s).boundingBox()));
  assert.ok(Math.abs(a.y - b.y) < 2 && a.x < b.x, 'two columns');
  const [cv, fn] = await Promise.all(['.rp-cv', '.rp-fn'].map((s) => page.locator(s).boundingBox()));
  assert.ok(fn.y > cv.y + cv.height - 1, 'stacked');
  for (const sel of ['.rp-cv', '.rp-fn', '.rp-ho', '.rp-oc', '.rp-days', '.rp-heat', '.rp-fr']) {
    const r = await page.locator(sel).boundingBox();
    assert.ok(r.x >= 0 && r.x + r.width <= 390 + 0.5, `${sel} within the screen: ${JSON.stringify(r)}`);
  }
  const full = await page.evaluate(() => { const m = document.querySelector('main.reports'); return m.scrollHeight + m.getBoundingClientRect().top; });
  await page.setViewportSize({ width: 390, height: Math.ceil(full) });
  await page.screenshot({ path: join(shots, 'report-sales-e2e-phone.png') });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a plain agent sees their own sales and no comparisons', async () => {
  const { page, errors } = await login({ width: 1280, height: 800 }, 'bertta@eramaa.demo');
  const v = await rawVisitor(browser, server, 'Onko makuupusseja alennuksessa?');
  await answer(page, v.conv, 'On, -20 % tällä viikolla.');
  assert.equal((await order({ kind: 'order', id: 'E2E-2001', value: 20, currency: 'EUR', visitor: v.token })).body.credited, true);

  await page.getByRole('button', { name: 'Raportit' }).click();
  await page.locator('.rp-own', { hasText: 'Näet vain omat lukusi.' }).waitFor();
  await page.locator('.tile[data-kpi=chat_revenue] .kpi', { hasText: '20' }).waitFor();
  assert.equal(await kpi(page, 'chat_revenue'), '20 €');
  assert.equal(await text(page.locator('.tile[data-kpi=chat_revenue] .sub')), 'chateille kirjatut tilaukset');
  assert.equal(await kpi(page, 'chat_orders'), '1');
  assert.equal(await page.locator('.tile[data-kpi=chat_share]').count(), 0, 'all of an agent\'s own sales are the chat\'s');
  assert.equal(await kpi(page, 'csat'), '–');
  for (const sel of ['.rp-cv', '.rp-fn', '.rp-ho']) assert.equal(await page.locator(sel).count(), 0, `${sel} is not an agent's`);
  await page.locator('.rp-days svg[role=img]').first().waitFor();
  assert.equal(await page.locator('.rp-error').count(), 0);
  assert.deepEqual(errors, []);
});
