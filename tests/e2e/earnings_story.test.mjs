// The earnings story end to end in real browsers, one server: a shopper on the demo shop puts a
// tent in the cart and asks in the real widget; the supervisor answers in the real console, marks
// the chat a sale with a tag and closes it; the shopper rates it 5 stars with a comment and checks
// out (the shop's tiski('track', 'order', ...)); another shopper buys without chatting. The
// supervisor's Reports overview (default 7 days) then shows the chat, the chat's sales credited to
// it and to Aino Virtanen, the satisfaction, and chatters against the other visitors; the REST
// summary behind it agrees to the cent.
// Screenshots: build/screenshots/earnings-dashboard.png (the whole overview, 1400 wide) and
// earnings-staffing.png (the Miehitys tab).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launch, shots } from './harness.mjs';
import { consoleLogin } from './report_helpers.mjs';

const LONG = { timeout: 60000 };  // the machine may be busy with another test run

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const nb = (s) => s.replace(/[\u00a0\u202f]/g, ' ').replace(/\u2212/g, '-');
const text = async (loc) => nb(await loc.innerText(LONG));

// A shopper on the demo shop with the real widget; the visitor socket's frames are recorded
// (['>', to the server] or ['<', from it]).
async function shopper() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fi-FI', timezoneId: 'Europe/Helsinki' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(LONG.timeout);
  const logged = [];
  const frames = [];
  page.on('console', (m) => logged.push(m.text()));
  page.on('pageerror', (e) => logged.push(String(e)));
  await page.routeWebSocket(/\/ws\/visitor$/, (ws) => {
    const srv = ws.connectToServer();
    ws.onMessage((m) => { frames.push(['>', JSON.parse(m)]); srv.send(m); });
    srv.onMessage((m) => { frames.push(['<', JSON.parse(m)]); ws.send(m); });
  });
  await page.goto(server.url + '/demo/');
  const w = page.locator('#tiski-widget');
  await w.locator('button.l').waitFor();
  const sent = (t) => frames.filter(([d, f]) => d === '>' && f.t === t).map(([, f]) => f);
  const got = (t) => frames.filter(([d, f]) => d === '<' && f.t === t).map(([, f]) => f);
  return { ctx, page, w, logged, frames, sent, got };
}

async function until(f, what) {
  const end = Date.now() + LONG.timeout;
  while (!f()) {
    if (Date.now() > end) assert.fail('timed out waiting for ' + (typeof what === 'function' ? what() : what));
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Checks out the cart; returns the order's id once the server confirmed it and the widget's
// pending conversions (localStorage) are empty again.
async function checkout(s) {
  const { page } = s;
  await page.getByRole('button', { name: 'Kassalle' }).click();
  const done = page.locator('#order-confirmation');
  await done.waitFor();
  const id = /Tilausnumero (DEMO-[0-9A-Z]+)/.exec(await done.innerText())?.[1];
  assert.ok(id, await done.innerText());
  await page.locator('.cart', { hasText: 'Ostoskori (0)' }).waitFor();
  await until(() => s.got('converted').some((f) => f.id === id), 'the order ' + id + ' confirmed');
  assert.deepEqual(s.got('converted').find((f) => f.id === id), { t: 'converted', kind: 'order', id, duplicate: false });
  await page.waitForFunction((k) => localStorage.getItem('tiski:cv:' + k) === null, server.siteKey, LONG);
  return id;
}

test('a chat sells a tent: the rating, the order and the other shopper all show in the supervisor\'s report', async () => {
  // The supervisor is online in the console (live chat is open only while someone is).
  const { page: con, ctx: conCtx, errors } = await consoleLogin(browser, server, { width: 1400, height: 900 });
  con.setDefaultTimeout(LONG.timeout);
  await con.locator('.presence-bar', { hasText: 'Paikalla' }).waitFor();
  const me = await con.evaluate(async () => (await fetch('/api/me')).json());
  assert.equal(me.agent.name, 'Aino Virtanen');

  // 1. The shopper: a tent in the cart, then a question in the widget.
  const question = 'Sopiiko tämä teltta talviretkelle?';
  const s = await shopper();
  const { page: shop, w } = s;
  // Welcomed first: a cart set between the widget's hello and the welcome is kept in the tab but
  // never sent to the server (connection.ts drops frames until welcomed; see the report).
  await until(() => s.got('welcome').length, 'the welcome');
  await shop.locator('article.card', { hasText: 'Tunturi 2' }).locator('button.add').click();
  await shop.locator('.cart', { hasText: 'Ostoskori (1)' }).waitFor();
  await w.locator('button.l').click();
  await w.locator('form.f textarea').fill(question);
  await w.locator('form.f textarea').press('Enter');
  await w.locator('li.v:not(.q)', { hasText: question }).waitFor();
  await until(() => [...s.sent('hello'), ...s.sent('track')].some((f) => f.cart?.cents === 34900), () => 'the cart told to Tiski: ' + JSON.stringify(s.frames));

  // 2. The supervisor takes and answers it, marks it a sale tagged "teltat", closes it.
  const item = con.locator('.item[data-conv]', { hasText: question });
  await item.first().waitFor();
  const conv = Number(await item.first().getAttribute('data-conv'));
  assert.ok(conv > 0);
  const row = con.locator(`.item[data-conv="${conv}"]`);
  await row.click();
  await con.getByRole('button', { name: 'Ota keskustelu' }).click({ timeout: 1000 }).catch(() => {});  // if not routed to me already
  await con.locator('.msgs .m.visitor', { hasText: question }).waitFor();
  const reply = 'Sopii hyvin: Tunturi 2 kestää tunturituulen, ota mukaan talvimakuupussi.';
  await con.locator('.composer textarea').fill(reply);
  await con.keyboard.press('Enter');
  await con.locator('.msgs .m.agent:not(.pending)', { hasText: reply }).waitFor();
  await w.locator('li.a', { hasText: reply }).waitFor();
  await shop.locator('#tiski-widget .t span', { hasText: 'Aino Virtanen' }).waitFor();

  const bar = con.locator('.outcome');
  await bar.getByLabel('Tulos', { exact: true }).selectOption({ label: 'Kauppa' });
  await row.locator('.tag.oc.sale', { hasText: 'Kauppa' }).waitFor();  // the server's answer reached the list
  const tagInput = bar.getByLabel('Lisää tunniste');
  await tagInput.fill('teltat');
  await tagInput.press('Enter');
  await bar.locator('.chip', { hasText: 'teltat' }).waitFor();
  await con.getByRole('button', { name: 'Lopeta keskustelu' }).click();
  await con.getByRole('button', { name: 'Kyllä, lopeta' }).click();
  await con.locator('.taken-note', { hasText: 'vain luku' }).waitFor();
  await w.locator('li.n', { hasText: 'Keskustelu päättyi' }).last().waitFor();

  // 3. The survey: five stars, a comment, sent; thanked; the console shows ★5.
  const card = w.locator('li.sv');
  await card.waitFor();
  assert.equal(await card.locator('b').innerText(), 'Miten onnistuimme?');
  await w.getByRole('button', { name: '5/5' }).click();
  const comment = 'Nopea ja asiantunteva vastaus!';
  await card.getByRole('textbox', { name: 'Kerro halutessasi lisää' }).fill(comment);
  await card.getByRole('button', { name: 'Lähetä palaute' }).click();
  await w.locator('li.k', { hasText: 'Kiitos palautteesta!' }).waitFor();
  assert.deepEqual(s.sent('csat'), [{ t: 'csat', conv, score: 5 }, { t: 'csat', conv, score: 5, comment }]);  // the star at once, then the comment
  await row.locator('.tag.csat', { hasText: '★5' }).waitFor();
  const csatLine = con.locator('.chat header .csatline');
  await csatLine.getByRole('img', { name: '5/5' }).waitFor();
  await csatLine.getByText('Nopea ja asiantunteva vastaus!').waitFor();  // the comment follows the star
  // The closed chats list (the server's record): the outcome, the rating and the tag.
  await con.getByRole('button', { name: 'Viimeisimmät' }).click();
  const closed = con.locator(`main.recent .item[data-conv="${conv}"]`);
  await closed.locator('.ctag', { hasText: 'teltat' }).waitFor();
  assert.match(await closed.innerText(), /Kauppa/);
  assert.match(await closed.innerText(), /★5/);

  // 4. The checkout: the order (the cart's 349 €) reaches the server.
  const chatOrder = await checkout(s);
  assert.deepEqual(s.sent('convert'), [{ t: 'convert', kind: 'order', id: chatOrder, cents: 34900, currency: 'EUR' }]);

  // 5. Another shopper buys a rucksack without chatting (the widget loaded: a page view).
  const o = await shopper();
  await o.page.locator('article.card', { hasText: 'Kaira 45' }).locator('button.add').click();
  await o.page.locator('.cart', { hasText: 'Ostoskori (1)' }).waitFor();
  const otherOrder = await checkout(o);
  assert.deepEqual(o.sent('convert'), [{ t: 'convert', kind: 'order', id: otherOrder, cents: 18900, currency: 'EUR' }]);
  assert.deepEqual(o.sent('send'), [], 'no chat');
  assert.notEqual(otherOrder, chatOrder);

  // 6. The supervisor's report: Yleiskatsaus, the last 7 days.
  const [resp] = await Promise.all([
    con.waitForResponse((r) => /\/api\/tenants\/\d+\/reports\/summary/.test(r.url()), LONG),
    con.getByRole('button', { name: 'Raportit' }).click(),
  ]);
  assert.equal(resp.status(), 200);
  const tenant = /\/api\/tenants\/(\d+)\//.exec(resp.url())[1];
  assert.equal(tenant, '1');
  // The default view (waited for: the response may come before the page has drawn it).
  await con.getByRole('tab', { name: 'Yleiskatsaus', selected: true }).waitFor();
  await con.getByRole('button', { name: '7 päivää', pressed: true }).waitFor();
  const money = con.locator('main.reports .tiles.money');
  await money.locator('.tile[data-kpi=chat_revenue] .kpi', { hasText: '349' }).waitFor();
  await con.locator('main.reports[aria-busy=false]').waitFor();

  // The REST answer (the console's session): what the tiles are drawn from.
  const rep = await con.evaluate(async (t) => {
    const r = await fetch(`/api/tenants/${t}/reports/summary`);
    return { status: r.status, body: await r.json() };
  }, tenant);
  assert.equal(rep.status, 200, JSON.stringify(rep.body));
  const sum = rep.body.summary;
  assert.ok(sum.conversations >= 1 && sum.answered >= 1, JSON.stringify(sum));
  assert.equal(sum.sales.currency, 'EUR');
  assert.equal(sum.sales.chat_revenue_cents, 34900);
  assert.equal(sum.sales.chat_orders, 1);
  assert.equal(sum.sales.orders, 2);
  assert.equal(sum.sales.revenue_cents, 34900 + 18900);
  assert.equal(sum.csat.answers, 1);
  assert.equal(sum.csat.score, 1);
  assert.equal(sum.outcomes.sale, 1);
  assert.deepEqual(sum.tags, [{ tag: 'teltat', n: 1 }]);
  const cv = sum.chat_vs_nonchat;
  assert.deepEqual([cv.chatters.visitor_days, cv.chatters.converted, cv.chatters.revenue_cents], [1, 1, 34900], JSON.stringify(cv));
  assert.ok(cv.non_chatters.visitor_days >= 1 && cv.non_chatters.converted >= 1, JSON.stringify(cv));
  assert.equal(cv.non_chatters.revenue_cents, 18900);
  const aino = rep.body.agents.find((a) => a.agent === me.agent.id);
  assert.ok(aino, JSON.stringify(rep.body.agents));
  assert.deepEqual([aino.orders, aino.revenue_cents], [1, 34900]);
  // The console's own request (its 7 days) says the same.
  assert.equal((await resp.json()).summary.sales.chat_revenue_cents, 34900);

  // The page: conversations, the chat's sales, satisfaction.
  assert.ok(Number(await text(con.locator('.tile[data-kpi=conversations] .kpi'))) >= 1);
  assert.equal(await text(money.locator('.tile[data-kpi=chat_revenue] .kpi')), '349 €');
  assert.equal(await text(money.locator('.tile[data-kpi=chat_revenue] .sub')), 'koko myynti 538 €');
  assert.equal(await text(money.locator('.tile[data-kpi=chat_orders] .kpi')), '1');
  assert.match(await text(money.locator('.tile[data-kpi=csat] .kpi')), /^100,0 %\s*4–5 ★$/);
  assert.match(await text(money.locator('.tile[data-kpi=csat]')), /keskiarvo 5,0 ★ · 1 vastaus(?!ta)/);
  // The agent table: Aino Virtanen's satisfaction, sales and revenue.
  const agentRow = con.locator('.rp-table tbody tr', { hasText: 'Aino Virtanen' });
  const cells = (await agentRow.locator('td').allInnerTexts()).map(nb);
  assert.deepEqual(cells.slice(-3), ['100 % (1)', '1', '349 € (1)']);
  // Chat vs. the other visitors: both groups, the other shopper's order among the others.
  const cvCard = con.locator('.rp-cv');
  await cvCard.getByRole('heading', { name: 'Chat vs. muut kävijät' }).waitFor();
  assert.equal(await text(cvCard.locator('[data-group=chatters] h3')), 'Chattailijat');
  assert.equal(await text(cvCard.locator('[data-group=chatters] [data-figure=rate]')), '100,0 %');
  assert.equal(await text(cvCard.locator('[data-group=chatters] [data-figure=aov]')), '349 €');
  assert.equal(await text(cvCard.locator('[data-group=chatters] .cv-counts')), '1 kävijäpäivä · 1 tilaus');
  assert.equal(await text(cvCard.locator('[data-group=others] h3')), 'Muut kävijät');
  assert.equal(await text(cvCard.locator('[data-group=others] [data-figure=aov]')), '189 €');
  assert.match(await text(cvCard.locator('[data-group=others] .cv-counts')), /^(1 kävijäpäivä|[1-9]\d+ kävijäpäivää|[2-9] kävijäpäivää) · 1 tilaus$/);
  // Outcomes and tags from the console's outcome bar.
  assert.equal(await text(con.locator('.rp-oc [data-outcome=sale] .bl-n')), '1');
  assert.equal(await text(con.locator('.rp-oc [data-tag=teltat] .bl-n')), '1');
  assert.equal(await text(con.locator('.rp-oc [data-stars="5"] .bl-n')), '1');

  // 7. Screenshots: the whole overview (the report scrolls inside the app), then Miehitys.
  await con.mouse.move(0, 0);
  const full = async () => Math.ceil(await con.evaluate(() => {
    const m = document.querySelector('main.reports');
    return m.scrollHeight + m.getBoundingClientRect().top;
  }));
  await con.setViewportSize({ width: 1400, height: await full() });
  await con.waitForFunction(() => document.querySelector('main.reports')?.getAttribute('aria-busy') === 'false', null, LONG);
  await con.setViewportSize({ width: 1400, height: await full() });  // the charts redrew to the new size
  await con.screenshot({ path: join(shots, 'earnings-dashboard.png') });
  await con.setViewportSize({ width: 1400, height: 900 });

  await con.getByRole('tab', { name: 'Miehitys' }).click();
  await con.locator('.sf-grid').waitFor();
  await con.locator('main.reports[aria-busy=false] .tile[data-kpi=hours]').waitFor();
  await con.setViewportSize({ width: 1400, height: await full() });
  await con.locator('.sf-grid').waitFor();
  await con.screenshot({ path: join(shots, 'earnings-staffing.png') });

  assert.deepEqual(errors, [], 'nothing thrown in the console');
  assert.deepEqual(s.logged, [], 'nothing written to the shop page console (chatter)');
  assert.deepEqual(o.logged, [], 'nothing written to the shop page console (other shopper)');
  await o.ctx.close();
  await s.ctx.close();
  await conCtx.close();
});
