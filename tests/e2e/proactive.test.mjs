// In a real browser: the demo shop's rule invites a visitor idle on a tent page (the
// supervisor shortens the idle time in the rules form), never one on another page, never when
// no agent is free;
// answering makes a proactive conversation that the console shows with the path and cart;
// the live visitor list follows a visitor between pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launch, shots } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const rules = [{
  id: 1, name: 'Teltat: 2 s paikallaan',
  when: { all: [{ category: 'teltat' }, { idle_s: 2 }] },
  action: { mode: 'open', text: { fi: 'Hei! Voinko auttaa teltan valinnassa?', en: 'Hi! Can I help you choose a tent?' } },
  cap: { once_per_visit: true, after_dismiss_days: 7 },
}];

async function shopper(path, viewport = { width: 1280, height: 800 }) {
  const ctx = await browser.newContext({ viewport, locale: 'fi-FI' });
  const page = await ctx.newPage();
  const logged = [];
  page.on('pageerror', (e) => logged.push(String(e)));
  await page.goto(server.url + '/demo/' + path);
  await page.locator('#tiski-widget button.l').waitFor();
  return { ctx, page, logged };
}

const panelOpen = (page) => page.locator('#tiski-widget section.p').isVisible();

test('idle on a tent page: invited only with a free agent; answering is proactive', async () => {
  const agentCtx = await browser.newContext({ viewport: { width: 1400, height: 860 }, locale: 'fi-FI' });
  const agent = await agentCtx.newPage();
  await agent.goto(server.url + '/console/');
  await agent.getByLabel('Sähköposti').fill(server.email);
  await agent.getByLabel('Salasana').fill(server.password);
  await agent.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await agent.locator('.presence-bar', { hasText: 'Paikalla' }).waitFor();
  // The supervisor shortens the demo rule's idle time in Administration's rules form.
  await agent.locator('nav.views button', { hasText: 'Hallinta' }).click();
  const form = agent.locator('.rules-editor');
  // A supervisor's Hallinta: the sites, hours and targets; what only admins may change is not there.
  await agent.locator('section.ad-hours').waitFor();
  await agent.locator('section.ad-targets').waitFor();
  for (const admins of ['section.ad-attachments', '.ad-agents', '.ad-audit']) assert.equal(await agent.locator(admins).count(), 0, admins);
  const idle = form.locator('.rule-card').first().getByLabel('Ehto 2: arvo');
  await idle.waitFor();
  assert.equal(await idle.inputValue(), '10');
  await idle.fill('2');
  await form.locator('.rule-card').first().getByLabel('Nimi').fill(rules[0].name);
  await form.getByRole('button', { name: 'Tallenna säännöt' }).click();
  await form.locator('.saved-note', { hasText: 'Tallennettu' }).waitFor();
  const saved = await (await agent.request.get(`${server.url}/api/sites/${server.siteKey}/rules`)).json();
  assert.deepEqual(saved.rules[0].when, rules[0].when);
  assert.equal(saved.rules[0].name, rules[0].name);

  // No free agent (the only one is away): nobody is invited, however idle.
  await agent.getByRole('button', { name: 'Siirry tauolle' }).click();
  await agent.locator('.presence-bar', { hasText: 'Tauolla' }).waitFor();
  const early = await shopper('teltta.html');
  await early.page.waitForTimeout(7500);  // the widget reports idle after 5 s at the earliest
  assert.equal(await panelOpen(early.page), false, 'invited although no agent was free');
  await early.ctx.close();
  await agent.getByRole('button', { name: /Palaa paikalle|Paikalla/ }).click();
  await agent.locator('.presence-bar', { hasText: 'Paikalla' }).waitFor();

  // A visitor on the front page (no category) is not invited.
  const front = await shopper('');
  // A visitor on the tent page who adds the tent to the cart and then sits still is.
  const tent = await shopper('teltta.html');
  await tent.page.getByRole('button', { name: /Lisää ostoskoriin/ }).click();
  await tent.page.mouse.move(10, 10);
  await tent.page.locator('#tiski-widget .m li', { hasText: 'Voinko auttaa teltan valinnassa?' }).waitFor({ timeout: 20000 });
  assert.equal(await panelOpen(tent.page), true);
  await tent.page.screenshot({ path: join(shots, 'proactive-invitation.png') });
  assert.equal(await panelOpen(front.page), false, 'a visitor without the category was invited');

  // Answering: a proactive conversation, shown with the path and the cart.
  await tent.page.locator('#tiski-widget textarea').fill('Joo, mahtuuko tähän kaksi ja rinkat?');
  await tent.page.keyboard.press('Enter');
  await tent.page.locator('#tiski-widget li.v:not(.q)', { hasText: 'mahtuuko' }).waitFor();
  const item = agent.locator('[data-list=mine] .item', { hasText: 'mahtuuko' });
  await item.waitFor();
  await item.click();
  await agent.locator('.msgs .m.system', { hasText: 'Voinko auttaa teltan valinnassa?' }).waitFor();
  const side = agent.locator('aside.ctx');
  await side.getByText('Chat-kutsu').waitFor();
  await side.locator('.path li', { hasText: 'Tunturi 2 -vaellusteltta' }).waitFor();
  await side.getByText(/349,00\s€ · 1 tuote$/).waitFor();  // one: "tuote", more: "tuotetta"
  await agent.locator('[data-list=mine] .item .tag.pro').waitFor();
  await agent.screenshot({ path: join(shots, 'console-proactive-context.png') });

  // A visitor who opened the chat window is at the chat already: not invited while it is open
  // (the widget would not show it, yet it would count as shown); closed, the invitation comes.
  const reading = await shopper('teltta.html');
  await reading.page.locator('#tiski-widget button.l').click();
  await reading.page.locator('#tiski-widget textarea').waitFor();
  await reading.page.mouse.move(10, 10);
  await reading.page.waitForTimeout(8000);  // idle after 5 s, the rule's 2 s, the round's second
  const invited = reading.page.locator('#tiski-widget .m li', { hasText: 'Voinko auttaa teltan valinnassa?' });
  assert.equal(await invited.count(), 0, 'invited with the chat window open');
  await reading.page.keyboard.press('Escape');
  assert.equal(await panelOpen(reading.page), false);
  await invited.waitFor({ timeout: 20000 });
  assert.equal(await panelOpen(reading.page), true);
  assert.deepEqual(reading.logged, []);
  await reading.ctx.close();

  // On a phone the open panel would cover the shop: the invitation is the teaser instead.
  const phone = await shopper('teltta.html', { width: 390, height: 844 });
  await phone.page.mouse.move(10, 10);
  await phone.page.locator('#tiski-widget .tz', { hasText: 'Voinko auttaa teltan valinnassa?' }).waitFor({ timeout: 20000 });
  assert.equal(await panelOpen(phone.page), false, 'the invitation took over a phone screen');
  await phone.page.screenshot({ path: join(shots, 'proactive-phone-teaser.png') });
  await phone.ctx.close();

  // The live visitor list follows the front-page visitor to the tent page.
  await agent.getByRole('button', { name: /Kävijät nyt/ }).click();
  const rows = agent.locator('main.visitors tbody tr');
  await rows.filter({ hasText: 'Erämaa Outdoor – retkeilyvarusteet' }).waitFor();
  await front.page.getByRole('link', { name: 'Teltat' }).first().click();
  await front.page.waitForURL(/teltta\.html/);
  await rows.filter({ hasText: 'Tunturi 2 -vaellusteltta – Erämaa Outdoor' }).nth(1).waitFor();
  await rows.locator('.vpath', { hasText: 'Erämaa Outdoor – retkeilyvarusteet › Tunturi 2' }).waitFor();
  await agent.screenshot({ path: join(shots, 'console-visitors.png') });
  // Every column's header is whole at this width, in each language (the English "Language"
  // was once cut to "LANGUA").
  for (const [lang, lastButOne] of [['English', 'Language'], ['Svenska', 'Språk'], ['Suomeksi', 'Kieli']]) {
    await agent.getByRole('button', { name: lang, exact: true }).click();
    await agent.locator('main.visitors th', { hasText: lastButOne }).waitFor();
    const clipped = await agent.$$eval('main.visitors th', (ths) =>
      ths.filter((th) => th.scrollWidth > th.clientWidth).map((th) => th.textContent));
    assert.deepEqual(clipped, [], `clipped headers in ${lang}`);
  }
  assert.deepEqual(tent.logged, []);
  await tent.ctx.close();
  await front.ctx.close();
  await agentCtx.close();
});
