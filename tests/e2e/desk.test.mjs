// In a real browser: the agent's desk. An agent who serves two shops types /toim and sends the
// delivery terms in the visitor's language with the variables filled; the policy card beside
// each chat is that chat's shop's; a second chat arriving while one is on screen rings and
// counts; a supervisor keeps the canned answers and the card on the desk page (docs/desk.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launch, shots, instrument } from './harness.mjs';

let server, browser;
before(async () => {
  // Aino (supervisor of Erämaa) also answers for Pyöräpaja, as an outsourced agent does.
  server = await startServer({ admin: [['agent', 'update', '--email', 'agentti@eramaa.demo', '--tenant', 'pyorapaja', '--role', 'agent']] });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function consoleLogin(viewport) {
  const ctx = await browser.newContext({ viewport, locale: 'fi-FI' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(instrument);
  await page.goto(server.url + '/console/');
  await page.getByLabel('Sähköposti').fill(server.email);
  await page.getByLabel('Salasana').fill(server.password);
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.locator('.presence-bar').waitFor();
  return { page, ctx, errors };
}

// A visitor over a raw WebSocket (what the widget sends) who writes one line; the frames it
// receives are kept in window.__frames.
async function visitor(site, lang, body) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(server.url + '/healthz');
  const conv = await page.evaluate(async ({ site, lang, body }) => {
    const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws/visitor');
    window.__frames = [];
    ws.addEventListener('message', (e) => window.__frames.push(JSON.parse(e.data)));
    const next = (t) => new Promise((ok) => ws.addEventListener('message', function on(e) {
      const f = JSON.parse(e.data);
      if (f.t === t) { ws.removeEventListener('message', on); ok(f); }
    }));
    await new Promise((ok) => ws.addEventListener('open', ok));
    ws.send(JSON.stringify({ t: 'hello', site, lang }));
    await next('welcome');
    ws.send(JSON.stringify({ t: 'send', cid: 'c1', body }));
    return (await next('ack')).conv;
  }, { site, lang, body });
  return { conv, ctx, page };
}

const composer = (page) => page.getByRole('textbox', { name: /Kirjoita vastaus/ });

test('/toim sends the delivery terms in the visitor\'s language, variables filled, beside the right shop\'s card', async () => {
  const { page, ctx, errors } = await consoleLogin({ width: 1400, height: 900 });
  const v = await visitor(server.siteKey, 'sv', 'Hur lång är leveranstiden?');
  const row = page.locator(`.item[data-conv="${v.conv}"]`);
  await row.click();
  await page.locator('.chat h1').waitFor();
  // The shop's name on its colour in the list row and the chat's header; its card beside the chat.
  assert.match(await row.locator('.tag.tenant').innerText(), /Erämaa Outdoor Oy/);
  const card = page.locator('.ctx .policy');
  await card.locator('.policy-text', { hasText: 'Chatissa saa' }).waitFor();
  assert.match(await card.locator('h2').innerText(), /Erämaa Outdoor Oy/);
  // A transfer offers this shop's agents only (Pekka serves Pyöräpaja alone: a probe picked him
  // for an Erämaa chat and lost the note to the refusal).
  const transferTo = async () => {
    await page.locator('.chat header').getByRole('button', { name: 'Siirrä' }).click();
    const names = await page.locator('form.transfer option').allInnerTexts();
    await page.locator('form.transfer').getByRole('button', { name: 'Peruuta' }).click();
    return names.join(' | ');
  };
  assert.doesNotMatch(await transferTo(), /Pekka/);
  assert.match(await card.innerText(), /Palvelee aina/);
  assert.equal(await card.locator('a[href="https://eramaa.example/oma-tili"]').count(), 1, 'the card\'s link');

  // "/" lists the answers; arrows move, Esc closes and leaves the text.
  const box = composer(page);
  await box.click();
  await box.pressSequentially('/');
  const options = page.locator('.canned-pop [role=option]');
  await options.first().waitFor();
  assert.ok(await options.count() >= 5, 'the shop\'s four and the workspace\'s kiitos');
  await box.press('ArrowDown');
  assert.equal(await options.nth(1).getAttribute('aria-selected'), 'true');
  await box.press('Escape');
  await page.locator('.canned-pop').waitFor({ state: 'detached' });
  assert.equal(await box.inputValue(), '/');
  await box.fill('');

  await box.pressSequentially('/toim');
  await options.first().waitFor();
  assert.match(await options.first().innerText(), /\/toimitus/);
  assert.match(await options.first().innerText(), /Vi levererar/, 'the preview is in the visitor\'s language');
  // The agent may pick another language (a visitor writing English on a Swedish page), and back.
  await page.locator('.canned-langs').getByRole('button', { name: 'en', exact: true }).click();
  await options.first().filter({ hasText: /We deliver|deliver/ }).waitFor();
  assert.equal(await box.evaluate((el) => el === document.activeElement), true, 'the focus stays in the box');
  await page.locator('.canned-langs').getByRole('button', { name: 'sv', exact: true }).click();
  await options.first().filter({ hasText: /Vi levererar/ }).waitFor();
  await page.screenshot({ path: join(shots, 'desk-canned.png') });
  await box.press('Enter');
  await page.locator('.canned-pop').waitFor({ state: 'detached' });
  const expected = 'Vi levererar på 2–4 vardagar, fri frakt för beställningar över 79 €. Vår kundtjänst är öppen i dag dygnet runt. – Aino Virtanen, Erämaa Outdoor verkkokauppa';
  assert.equal(await box.inputValue(), expected);
  // The agent may edit before sending.
  await box.press('End');
  await box.pressSequentially(' 🙂');
  await box.press('Enter');
  await page.locator('.msgs .m.agent:not(.pending)', { hasText: 'Vi levererar' }).waitFor();
  await v.page.waitForFunction((text) => JSON.stringify(window.__frames).includes(text), expected + ' 🙂');

  // A second chat, of the other shop, while this one is on screen: it rings and counts.
  // The console rings at most once in 1.5 s however many chats come: let the first one's pass.
  await page.waitForTimeout(1600);
  const tones = await page.evaluate(() => window.__tones);
  const counted = await page.evaluate(() => Number(/^\((\d+)\)/.exec(document.title)?.[1] ?? 0));
  const v2 = await visitor(server.siteKey2, 'fi', 'Paljonko perushuolto maksaa?');
  const row2 = page.locator(`.item[data-conv="${v2.conv}"]`);
  await row2.waitFor();
  await page.waitForFunction((n) => Number(/^\((\d+)\) Tiski$/.exec(document.title)?.[1] ?? 0) > n, counted);
  await page.waitForFunction((n) => window.__tones > n, tones);
  assert.match(await row2.locator('.tag.tenant').innerText(), /Pyöräpaja Oy/);
  const colours = await page.evaluate(() => [...document.querySelectorAll('.item .tag.tenant')].map((e) => e.style.getPropertyValue('--tc')));
  assert.ok(new Set(colours).size >= 2, 'each shop in its own colour');
  await page.screenshot({ path: join(shots, 'desk-second-chat.png') });

  // Its chat has Pyöräpaja's card and Pyöräpaja's answers only.
  await row2.click();
  await page.locator('.ctx .policy h2', { hasText: 'Pyöräpaja Oy' }).waitFor();
  assert.doesNotMatch(await page.locator('.ctx').innerText(), /Erämaa/);
  assert.match(await page.locator('.ctx .policy').innerText(), /Takuuasiat/);
  assert.match(await transferTo(), /Pekka/);
  await composer(page).click();
  await composer(page).pressSequentially('/toim');
  await options.first().waitFor();
  const texts = await options.allInnerTexts();
  assert.equal(texts.length, 1, texts.join(' | '));
  assert.match(texts[0], /Pyörät toimitetaan koottuina/);
  await composer(page).press('Enter');
  assert.equal(await composer(page).inputValue(), 'Pyörät toimitetaan koottuina 5–7 arkipäivässä.');
  await page.screenshot({ path: join(shots, 'desk-chat.png') });
  assert.deepEqual(errors, []);
  await v.ctx.close();
  await v2.ctx.close();
  await ctx.close();
});

test('a supervisor keeps the answers and the card on the desk page; clashes and bad variables are told', async () => {
  const { page, ctx, errors } = await consoleLogin({ width: 1400, height: 900 });
  await page.getByRole('button', { name: /Vastauspohjat/ }).click();
  await page.getByRole('heading', { name: 'Vastauspohjat ja ohjeet' }).waitFor();
  const tenant = page.getByLabel('Asiakasyritys');
  await tenant.selectOption({ label: 'Erämaa Outdoor Oy' });
  await page.locator('.canned-list li[data-canned="toimitus"]').waitFor();

  await page.getByRole('button', { name: 'Uusi vastauspohja' }).click();
  const form = page.locator('.canned-form');
  await form.getByLabel('Pikakomento').fill('toimitus');
  await form.getByLabel('Otsikko').fill('Toinen');
  await form.getByLabel('Teksti suomeksi').fill('Hei {visitor.email}');
  await form.getByRole('button', { name: 'Tallenna' }).click();
  await form.locator('.chat-error', { hasText: /visitor\.email/ }).waitFor();
  await form.getByLabel('Teksti suomeksi').fill('Lahjakortti on voimassa vuoden, {visitor.name}.');
  await form.getByRole('button', { name: 'Tallenna' }).click();
  await form.locator('.chat-error', { hasText: '/toimitus' }).waitFor();
  await form.getByLabel('Pikakomento').fill('lahjakortti');
  await form.getByRole('button', { name: 'Tallenna' }).click();
  await page.locator('.canned-list li[data-canned="lahjakortti"]').waitFor();

  // The card: a new line of policy shows in the preview at once.
  const editor = page.locator('.policy-editor');
  const text = editor.getByLabel('Asiakkaan ohjeet');
  await text.fill((await text.inputValue()) + '\n\n**Uutta:** lahjakortit myynnissä.');
  await editor.getByRole('button', { name: 'Tallenna' }).click();
  await editor.locator('.saved-note', { hasText: 'Tallennettu' }).waitFor();
  await page.locator('.desk-policy .policy strong', { hasText: 'Uutta:' }).waitFor();
  await page.screenshot({ path: join(shots, 'desk-page.png'), fullPage: true });

  // Pyöräpaja: Aino is a plain agent there and reads only.
  await tenant.selectOption({ label: 'Pyöräpaja Oy' });
  await page.locator('.canned-list li[data-canned="huolto"]').waitFor();
  await page.getByText('Vain esimiehet ja ylläpitäjät voivat muuttaa näitä.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Uusi vastauspohja' }).count(), 0);
  assert.equal(await page.locator('.policy-editor').count(), 0);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('on a phone the card folds above the chat and the answer list fits the screen', async () => {
  const { page, ctx, errors } = await consoleLogin({ width: 390, height: 844 });
  const v = await visitor(server.siteKey, 'fi', 'Miten valitsen teltan?');
  await page.locator(`.item[data-conv="${v.conv}"]`).click();
  await page.locator('.chat h1').waitFor();
  const fold = page.locator('.policy-inline');
  assert.equal(await fold.isVisible(), true);
  await fold.locator('summary').click();
  await fold.locator('.policy-text', { hasText: 'Chatissa saa' }).waitFor();
  await composer(page).click();
  await composer(page).pressSequentially('#telt');
  await page.locator('.canned-pop [role=option]').first().waitFor();
  const box = await page.locator('.canned-pop').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, 'the list stays on the screen');
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), true);
  await page.screenshot({ path: join(shots, 'desk-phone.png') });
  await composer(page).press('Enter');
  assert.match(await composer(page).inputValue(), /^Kerrotko, montako henkeä/);
  assert.deepEqual(errors, []);
  await v.ctx.close();
  await ctx.close();
});

test('the widget counts and chimes an answer that comes while its panel is closed', async () => {
  const agent = await consoleLogin({ width: 1280, height: 800 });  // an agent online: live chat is open
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fi-FI' });
  const shop = await ctx.newPage();
  await shop.addInitScript(instrument);
  await shop.goto(server.url + '/demo/');
  const w = shop.locator('#tiski-widget');
  await w.locator('button.l').click();
  await w.locator('textarea').fill('Onko retkikeitintä varastossa?');
  await w.locator('textarea').press('Enter');
  await w.locator('li.v:not(.q)', { hasText: 'retkikeitintä' }).waitFor();
  await w.locator('textarea').press('Escape');  // the panel closes
  await w.locator('section.p').waitFor({ state: 'hidden' });

  const row = agent.page.locator('.item', { hasText: 'retkikeitintä' });
  await row.click();
  await composer(agent.page).fill('On, kolme mallia.');
  await composer(agent.page).press('Enter');
  const badge = w.locator('button.l .b');
  await badge.filter({ hasText: '1' }).waitFor();
  await shop.waitForFunction(() => window.__tones >= 1);
  const tones = await shop.evaluate(() => window.__tones);
  // Read: the badge goes; an answer while the panel is open neither counts nor chimes.
  await w.locator('button.l').click();
  await badge.waitFor({ state: 'hidden' });
  await shop.waitForTimeout(2100);  // past the chime's two-second spacing, so a tone would show
  await composer(agent.page).fill('Haluatko linkit?');
  await composer(agent.page).press('Enter');
  await w.locator('li.a', { hasText: 'Haluatko linkit?' }).waitFor();
  assert.equal(await shop.evaluate(() => window.__tones), tones);
  // The visitor closes the panel and the tab; two answers come meanwhile; back on the shop, the
  // launcher counts them (it did not: the count lived only as long as the page).
  await w.locator('textarea').press('Escape');
  await w.locator('section.p').waitFor({ state: 'hidden' });
  await shop.close();
  for (const text of ['Tässä linkit.', 'Kysy vielä, jos tarvitset.']) {
    await composer(agent.page).fill(text);
    await composer(agent.page).press('Enter');
    await agent.page.locator('.m.agent', { hasText: text }).waitFor();
  }
  const back = await ctx.newPage();
  await back.goto(server.url + '/demo/');
  const b2 = back.locator('#tiski-widget button.l .b');
  await b2.filter({ hasText: '2' }).waitFor();
  await back.locator('#tiski-widget button.l').click();
  await b2.waitFor({ state: 'hidden' });
  await back.locator('#tiski-widget textarea').press('Escape');
  await back.reload();
  await back.locator('#tiski-widget button.l').waitFor();
  await back.waitForTimeout(1500);
  assert.equal(await back.locator('#tiski-widget button.l .b').isVisible(), false, 'read once, not counted again');
  await agent.ctx.close();
  await ctx.close();
});

test('searching "teltta" finds the chat that said "telttojen" and opens its transcript', async () => {
  const { page, ctx, errors } = await consoleLogin({ width: 1400, height: 900 });
  const v = await visitor(server.siteKey, 'fi', 'Paljonko telttojen vuokra maksaa viikonlopuksi?');
  await page.locator(`.item[data-conv="${v.conv}"]`).waitFor();
  await page.getByRole('button', { name: 'Haku' }).click();
  const box = page.getByRole('searchbox', { name: 'Keskusteluhaku' });
  await box.fill('teltta');
  const hit = page.locator(`.search-hits .item[data-conv="${v.conv}"]`);
  // The indexer adds new lines every second: search again until it has.
  for (let i = 0; i < 50 && !(await hit.count()); i++) {
    await box.press('Enter');
    await page.waitForTimeout(200);
  }
  await hit.waitFor();
  assert.equal(await hit.locator('mark').first().innerText(), 'telttojen');
  assert.match(await hit.innerText(), /Erämaa Outdoor Oy/);
  await page.screenshot({ path: join(shots, 'desk-search.png') });
  // A malformed search says why.
  await box.fill('"avoin lainaus');
  await box.press('Enter');
  await page.locator('.search-page .chat-error', { hasText: 'lainausmerkki' }).waitFor();  // in Finnish
  assert.equal(await page.locator('.search-hits .item').count(), 0, 'no stale hits under the error');
  await box.fill('teltta');
  await box.press('Enter');
  await hit.click();
  await page.locator('.msgs .m.visitor', { hasText: 'telttojen vuokra' }).waitFor();
  // On a phone the filters wrap and nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('.chat .back').click();  // the phone's list
  await page.getByRole('button', { name: 'Haku' }).click();
  await box.fill('teltta');
  await box.press('Enter');
  await hit.waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), true);
  await page.screenshot({ path: join(shots, 'desk-search-phone.png') });
  assert.deepEqual(errors, []);
  await v.ctx.close();
  await ctx.close();
});
