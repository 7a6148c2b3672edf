// In a real browser: quality review, suggested replies and the supervisor's live view
// (docs/desk.md). A supervisor scores a flagged chat and sees it in the agent's trend; a
// question like an earlier answered one gets that answer suggested, and one click puts it in the
// composer; the supervisor follows a colleague's chat, whispers, and takes it over.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shots } from './harness.mjs';
import { answer, consoleLogin as login, rawVisitor, startWithPlainAgent } from './report_helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startWithPlainAgent()));
after(async () => {
  await browser?.close();
  await server?.stop();
});

const consoleLogin = (viewport, email) => login(browser, server, viewport, email);
const visitor = (body) => rawVisitor(browser, server, body);
const composer = (page) => page.getByRole('textbox', { name: /Kirjoita vastaus/ });

// Opens the chat, answers it and closes it from the console.
async function answerAndClose(page, conv, body) {
  await answer(page, conv, body);
  await page.locator('.chat header').getByRole('button', { name: 'Lopeta keskustelu' }).click();
  await page.getByRole('button', { name: 'Kyllä, lopeta' }).click();
  await page.locator('.chat .status.closed').waitFor();
}

// Polls a REST answer (from the page, with its session) until `ok` holds.
async function until(page, path, ok) {
  for (let i = 0; i < 300; i++) {
    const got = await page.evaluate(async (p) => (await fetch(p)).json(), path);
    if (ok(got)) return got;
    await page.waitForTimeout(100);
  }
  throw new Error('timed out waiting for ' + path);
}

test('a supervisor scores a flagged chat and sees it in the agent\'s trend', async () => {
  const { page, ctx, errors } = await consoleLogin({ width: 1400, height: 900 });
  const v = await visitor('Onko teltta varastossa?');
  await answerAndClose(page, v.conv, 'On varastossa, senkin idiootti.');
  await until(page, '/api/reviews/queue', (q) => q.items.some((x) => x.conv.id === v.conv));

  await page.getByRole('button', { name: /Laatu/ }).click();
  await page.getByRole('heading', { name: 'Tarkistettavat keskustelut' }).waitFor();
  const item = page.locator(`.review-queue .item[data-conv="${v.conv}"]`);
  await item.waitFor();
  assert.match(await item.innerText(), /Epäasiallinen sana · “idiootti”/);
  assert.match(await item.innerText(), /Ei yhtään kysymystä/);
  await page.screenshot({ path: join(shots, 'quality-queue.png') });

  await item.click();
  const panel = page.locator('.ctx .review');
  await panel.getByRole('group', { name: 'Tavoitettavuus' }).waitFor();
  for (const [name, n] of [['Tavoitettavuus', '5'], ['Tehokkuus', '4'], ['Tunnelma', '1'], ['Myyntihenkisyys', '2']]) {
    await panel.getByRole('group', { name }).getByRole('radio', { name: n, exact: true }).check();
  }
  await panel.getByLabel('Kommentti asiakaspalvelijalle').fill('Asiallinen sävy aina, kiitos.');
  await panel.getByRole('button', { name: 'Tallenna arvio' }).click();
  await panel.locator('.saved-note', { hasText: 'Arvio tallennettu' }).waitFor();
  assert.match(await panel.locator('.reviewed').innerText(), /Arvioi Aino Virtanen/);
  await page.screenshot({ path: join(shots, 'quality-review.png') });

  // On a narrower screen the context panel folds away; the review folds under the chat instead.
  await page.setViewportSize({ width: 900, height: 900 });
  const fold = page.locator('.review-inline');
  await fold.locator('summary').click();
  assert.equal(await fold.getByRole('group', { name: 'Tavoitettavuus' }).getByRole('radio', { name: '5', exact: true }).isChecked(), true);
  await page.screenshot({ path: join(shots, 'quality-review-narrow.png') });
  await page.setViewportSize({ width: 1400, height: 900 });

  // The trend: this week's row, average (5+4+1+2)/4 = 3.0; the chat has left the queue.
  await page.getByRole('button', { name: /Laatu/ }).click();
  const trend = page.locator('table.trend tbody tr');
  await trend.first().waitFor();
  const row = await trend.first().innerText();
  assert.match(row, /\t1\t/);
  assert.match(row, /3\.0/);
  await page.locator('.review-list', { hasText: 'Asiallinen sävy aina' }).waitFor();
  assert.equal(await page.locator(`.review-queue .item[data-conv="${v.conv}"]`).count(), 0);
  await page.screenshot({ path: join(shots, 'quality-trend.png'), fullPage: true });
  assert.deepEqual(errors, []);
  // The workspace owner serves no tenant: the trend offers the tenant's agents and shows one.
  const owner = await login(browser, server, { width: 1400, height: 900 }, 'omistaja@tiski.demo', 'nav.views');
  await owner.page.getByRole('button', { name: /Laatu/ }).click();
  await owner.page.locator('table.trend tbody tr', { hasText: '3.0' }).waitFor();
  const pick = owner.page.locator('.trend-section select');
  assert.equal(await pick.locator('option:checked').innerText(), 'Aino Virtanen');
  assert.deepEqual(await pick.locator('option').allInnerTexts(), ['Aino Virtanen', 'Bertta Berg']);
  assert.deepEqual(owner.errors, []);
  await owner.ctx.close();
  await v.ctx.close();
  await ctx.close();
});

test('a question like an earlier answered one gets that answer suggested; one click puts it in the composer', async () => {
  const { page, ctx, errors } = await consoleLogin({ width: 1400, height: 900 });
  const earlier = 'Rovaniemelle toimitus maksaa 6,90 € ja kestää kolme arkipäivää.';
  const first = await visitor('Paljonko toimitus Rovaniemelle maksaa?');
  await answerAndClose(page, first.conv, earlier);
  // The search index takes the answer in within a second or so.
  await until(page, '/api/search?q=Rovaniemelle', (r) => r.hits.length > 0);

  const v = await visitor('Mitä maksaa toimitus Rovaniemelle?');
  await page.locator(`.item[data-conv="${v.conv}"]`).click();
  const offered = page.locator('.suggestions .suggestion', { hasText: 'kolme arkipäivää' });
  await offered.waitFor();
  assert.ok(await page.locator('.suggestions .suggestion').count() <= 3);
  await page.screenshot({ path: join(shots, 'quality-suggestions.png') });
  // A draft stays: the suggestion comes after it.
  await composer(page).fill('Hei!');
  await offered.click();
  assert.equal(await composer(page).inputValue(), `Hei!\n${earlier}`);
  await composer(page).fill('');
  await offered.click();
  assert.equal(await composer(page).inputValue(), earlier);
  await composer(page).press('Enter');
  await v.page.waitForFunction((text) => JSON.stringify(window.__frames).includes(text), earlier);
  // Answered: the suggestions for that line go away.
  await page.locator('.suggestions').waitFor({ state: 'detached' });
  const stats = await until(page, '/api/tenants/1/suggestions/stats', (s) => s.used >= 1);
  assert.ok(stats.offered >= 1);
  assert.deepEqual(errors, []);
  await first.ctx.close();
  await v.ctx.close();
  await ctx.close();
});

test('the supervisor follows a colleague\'s chat, whispers, and takes it over', async () => {
  const aino = await consoleLogin({ width: 1400, height: 900 });
  // Aino steps away so that routing gives the chat to Bertta.
  const bar = aino.page.locator('.presence-bar');
  if (/Paikalla/.test(await bar.innerText())) await bar.getByRole('button').click();
  await bar.getByText(/Tauolla/).waitFor();
  // Bertta is not signed in yet: a name in the folded offline line, not a card.
  await aino.page.getByRole('button', { name: /Tilannekuva/ }).click();
  const offline = aino.page.locator('.live-page .offline-agents');
  await offline.locator('summary').click();
  await offline.locator('li', { hasText: 'Bertta Berg' }).waitFor();
  assert.equal(await aino.page.locator('.agent-card', { hasText: 'Bertta Berg' }).count(), 0);
  // The sidebar folds her too, and lists her with her load once she signs in.
  const colleagues = aino.page.locator('[data-list="agents"]');
  assert.equal(await colleagues.locator('ul.agents li', { hasText: 'Bertta Berg' }).count(), 0);
  await colleagues.locator('.offline-agents summary').click();
  await colleagues.locator('.offline-agents li', { hasText: 'Bertta Berg' }).waitFor();
  const bertta = await consoleLogin({ width: 1200, height: 800 }, 'bertta@eramaa.demo');
  await colleagues.locator('ul.agents li', { hasText: 'Bertta Berg' }).waitFor();
  const v = await visitor('Hei, kysyisin teltoista');
  await bertta.page.locator(`.item[data-conv="${v.conv}"]`).waitFor();
  await until(aino.page, '/api/tenants/1/presence', (p) => p.agents.some((a) => a.name === 'Bertta Berg' && a.active >= 1));

  await aino.page.getByRole('button', { name: /Tilannekuva/ }).click();
  const card = aino.page.locator('.agent-card', { hasText: 'Bertta Berg' });
  const chat = card.locator(`.item[data-conv="${v.conv}"]`);
  await chat.waitFor();
  // Assigned to Bertta, not yet answered: the queue is empty, but the supervisor sees the wait
  // (a probe's visitor waited half a minute with nothing on this page saying so).
  await chat.locator('.age', { hasText: /^Vastaamatta \d+:\d\d$/ }).waitFor();
  await aino.page.locator('.live-agents h2', { hasText: 'vastaamatta nyt 1' }).waitFor();
  await aino.page.screenshot({ path: join(shots, 'live-view.png') });
  await chat.click();
  await aino.page.locator('.taken-note', { hasText: 'Seuraat keskustelua, jota hoitaa Bertta Berg' }).waitFor();
  const whisper = aino.page.getByRole('textbox', { name: /Kuiskaa asiakaspalvelijalle/ });
  await whisper.fill('Kysy, kuinka pitkälle retkelle teltta tulee.');
  await whisper.press('Enter');
  // Bertta sees it highlighted as a whisper; the visitor never sees it.
  await bertta.page.locator(`.item[data-conv="${v.conv}"]`).click();
  const seen = bertta.page.locator('.msgs .m.note.whisper', { hasText: 'kuinka pitkälle' });
  await seen.waitFor();
  assert.match(await seen.innerText(), /Kuiskaus · Aino Virtanen/);
  await bertta.page.screenshot({ path: join(shots, 'live-whisper.png') });
  await v.page.waitForTimeout(300);
  assert.equal(await v.page.evaluate(() => JSON.stringify(window.__frames).includes('kuinka pitkälle')), false);

  // Take over: the chat is Aino's, the composer is hers, Bertta's becomes read-only.
  await aino.page.getByRole('button', { name: 'Ota keskustelu itselle' }).click();
  await composer(aino.page).waitFor();
  await bertta.page.locator('.taken-note', { hasText: 'Aino Virtanen' }).waitFor();
  await v.page.waitForFunction(() => window.__frames.some((f) => f.t === 'msg' && f.m.author === 'system' && /Aino/.test(f.m.body)));
  assert.deepEqual(aino.errors, []);
  assert.deepEqual(bertta.errors, []);
  await v.ctx.close();
  await aino.ctx.close();
  await bertta.ctx.close();
});
