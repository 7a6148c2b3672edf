// In a real browser, the page's API on a shop of its own origin: calls queued before the widget
// loads (language, listeners, the logged-in customer with the HMAC the shop's server made),
// then open, close, hide, show and a language change at once. The verified customer writes on
// one device and finds the same chat, with the agent's answer, on another; the agent's console
// marks the customer verified. The satisfaction survey is fetched only when a chat closes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { identifiedShopPage, launch, ownerSession, shots, startServer, startShop } from './harness.mjs';
import { consoleLogin } from './report_helpers.mjs';

let server, browser, shop;
before(async () => {
  server = await startServer();
  browser = await launch();
  const { cookie } = await ownerSession(server);
  // The shop: its server computes the hash; its page queues calls before widget.js arrives.
  shop = await startShop(await identifiedShopPage(server, cookie, { id: 'cust-42', name: 'Maija Mäki', email: 'maija@example.com' },
    `window.__events=[];
tiski('set',{lang:'sv'});
tiski('on','message',function(d){__events.push('message:'+d.body)});
tiski('on','open',function(){__events.push('open')});
tiski('on','close',function(){__events.push('close')});
tiski('on','open',function(){throw new Error('a broken listener')});
tiski('nonsense',1,2);
`));
});
after(async () => {
  await browser?.close();
  await server?.stop();
  shop?.close();
});

async function device(viewport = { width: 1200, height: 800 }) {
  const ctx = await browser.newContext({ viewport, locale: 'fi-FI' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => { if (!/a broken listener/.test(String(e))) errors.push(String(e)); });
  const chunks = [];
  page.on('request', (r) => { if (/widget-survey\.[0-9a-f]+\.js$/.test(r.url())) chunks.push(r.url()); });
  await page.goto(shop.url);
  return { ctx, page, errors, chunks, w: (sel, o) => page.locator('#tiski-widget ' + sel, o) };
}

test('queued calls, open/close/hide/show/lang, one verified customer across two devices', async () => {
  const desk = await consoleLogin(browser, server, { width: 1300, height: 850 });
  const phone = await device({ width: 390, height: 800 });
  // Swedish, as queued before the widget loaded.
  await phone.page.locator('#tiski-widget button.l', { hasText: 'Fråga oss' }).waitFor();
  await phone.page.evaluate(() => window.tiski('open'));
  await phone.w('textarea[placeholder="Skriv ett meddelande…"]').waitFor();
  await phone.w('textarea').fill('Var är min beställning 1001?');
  await phone.page.keyboard.press('Enter');
  await phone.w('li.v:not(.q)', { hasText: '1001' }).waitFor();
  assert.deepEqual(await phone.page.evaluate(() => window.__events), ['open']);

  // The agent: the customer is verified, by name; the answer reaches the page's listener.
  await desk.page.locator('[data-list=mine] .item', { hasText: '1001' }).click();
  const ctxPanel = desk.page.locator('aside.ctx');
  await ctxPanel.locator('.tag.verified', { hasText: 'Vahvistettu' }).waitFor();
  await ctxPanel.locator('.identity', { hasText: 'Maija Mäki' }).waitFor();
  await desk.page.screenshot({ path: join(shots, 'console-verified-customer.png') });
  await desk.page.locator('.composer textarea').fill('Den skickades i går, spårningskoden kommer per e-post.');
  await desk.page.keyboard.press('Enter');
  await phone.w('li.a', { hasText: 'spårningskoden' }).waitFor();
  await phone.page.waitForFunction(() => window.__events.some((e) => e.startsWith('message:Den skickades')));

  // The laptop, never used before: the same chat with its answer.
  const laptop = await device();
  await laptop.page.evaluate(() => window.tiski('open'));
  await laptop.w('li.v', { hasText: 'beställning 1001' }).waitFor();
  await laptop.w('li.a', { hasText: 'spårningskoden' }).waitFor();

  // Hide and show the whole widget; a language change at once, the chat kept; close.
  await laptop.page.evaluate(() => window.tiski('hide'));
  assert.equal(await laptop.page.locator('#tiski-widget').evaluate((e) => getComputedStyle(e).display), 'none');
  await laptop.page.evaluate(() => window.tiski('show'));
  await laptop.w('li.a', { hasText: 'spårningskoden' }).waitFor();
  await laptop.page.evaluate(() => window.tiski('set', { lang: 'fi' }));
  await laptop.w('button.sb', { hasText: 'Lähetä' }).waitFor();
  await laptop.w('li.a', { hasText: 'spårningskoden' }).waitFor();
  await laptop.page.evaluate(() => window.tiski('close'));
  await laptop.w('button.l', { hasText: 'Kysy meiltä' }).waitFor();
  assert.deepEqual(await laptop.page.evaluate(() => window.__events.filter((e) => e === 'open' || e === 'close')), ['open', 'close']);
  await laptop.page.screenshot({ path: join(shots, 'shop-identified-laptop.png') });

  // No survey file fetched while nothing closed; once the agent closes, it comes and asks.
  assert.deepEqual(phone.chunks, []);
  await desk.page.getByRole('button', { name: 'Lopeta keskustelu' }).click();
  await desk.page.getByRole('button', { name: 'Kyllä, lopeta' }).click();
  await phone.w('li.sv').waitFor();
  assert.equal(phone.chunks.length, 1);
  assert.deepEqual(phone.errors, []);
  assert.deepEqual(laptop.errors, []);
  assert.deepEqual(desk.errors, []);
  for (const d of [phone, laptop, desk]) await d.ctx.close();
});
