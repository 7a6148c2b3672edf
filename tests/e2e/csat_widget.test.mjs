// In a real browser on the demo shop: after the agent closes the chat the widget asks "Miten
// onnistuimme?" (five stars, a comment, Send, Skip), once per conversation; the answer reaches
// the agent's side. The shop's checkout reports the order with tiski('track', 'order', ...), the
// server confirms it (converted) and the widget forgets it; calls queued before the widget
// loaded count too, malformed ones are ignored. The agent's side is a plain agent WebSocket.
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

// An agent online through an agent WebSocket opened from a page of the server's origin; convs
// keeps the latest conv frame of each conversation.
async function agentOnline() {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(server.url + '/healthz');
  await page.evaluate(async ({ email, password }) => {
    const r = await fetch('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
    if (!r.ok) throw new Error('login: ' + r.status);
    window.convs = new Map();
    window.sock = await new Promise((ok, fail) => {
      const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws/agent');
      ws.onmessage = (e) => {
        const f = JSON.parse(e.data);
        if (f.t === 'snapshot') ok(ws);
        if (f.t === 'conv') convs.set(f.conv.id, f.conv);
        if (f.t === 'list') for (const c of f.convs) convs.set(c.id, c);
      };
      ws.onerror = () => fail(new Error('agent socket'));
    });
  }, { email: server.email, password: server.password });
  return {
    ctx,
    // The id of the conversation whose latest message contains text.
    async conv(text) {
      await page.waitForFunction((t) => [...convs.values()].some((c) => c.preview?.includes(t)), text);
      return page.evaluate((t) => [...convs.values()].find((c) => c.preview?.includes(t)).id, text);
    },
    async send(conv, body) {
      await page.evaluate(({ conv, body }) => sock.send(JSON.stringify({ t: 'send', conv, cid: Math.random().toString(36).slice(2), body })), { conv, body });
    },
    async close(conv) {
      await page.evaluate((conv) => sock.send(JSON.stringify({ t: 'close', conv })), conv);
      await page.waitForFunction((conv) => convs.get(conv)?.status === 'closed', conv);
    },
    // The conversation as the agent sees it once the visitor has answered the survey (with a
    // comment, if one is awaited: it follows the star).
    async answered(conv, comment = false) {
      await page.waitForFunction(({ conv, comment }) => convs.get(conv)?.csat && (!comment || convs.get(conv).csat_comment), { conv, comment });
      return page.evaluate((conv) => convs.get(conv), conv);
    },
  };
}

// A shopper on the demo shop; frames records the visitor socket: ['>', to the server] or ['<', from it].
async function shopper({ viewport = { width: 1280, height: 800 }, mobile = false, init } = {}) {
  const ctx = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, locale: 'fi-FI', timezoneId: 'Europe/Helsinki' });
  const page = await ctx.newPage();
  const logged = [];
  const frames = [];
  page.on('console', (m) => logged.push(m.text()));
  page.on('pageerror', (e) => logged.push(String(e)));
  await page.routeWebSocket(/\/ws\/visitor$/, (ws) => {
    const srv = ws.connectToServer();
    ws.onMessage((m) => {
      frames.push(['>', JSON.parse(m)]);
      srv.send(m);
    });
    srv.onMessage((m) => {
      frames.push(['<', JSON.parse(m)]);
      ws.send(m);
    });
  });
  if (init) await page.addInitScript(init);
  await page.goto(server.url + '/demo/');
  const w = page.locator('#tiski-widget');
  await w.locator('button.l').waitFor();
  const sent = (t) => frames.filter(([d, f]) => d === '>' && f.t === t).map(([, f]) => f);
  const got = (t) => frames.filter(([d, f]) => d === '<' && f.t === t).map(([, f]) => f);
  return { ctx, page, w, logged, frames, sent, got };
}

// Waits until f() is truthy (frames arrive in their own time; at most 30 s on a busy machine).
async function until(f, what = 'the condition') {
  for (let i = 0; i < 1200; i++) {
    if (f()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail('timed out waiting for ' + what);
}

// The visitor writes, the agent answers and closes the chat.
async function chatAndClose(s, agent, question, answer) {
  const { w } = s;
  if (await w.locator('section.p').isHidden()) await w.locator('button.l').click();
  await w.locator('form.f textarea').fill(question);
  await w.locator('form.f textarea').press('Enter');
  await w.locator('li.v:not(.q)', { hasText: question }).waitFor();
  const conv = await agent.conv(question);
  await agent.send(conv, answer);
  await w.locator('li.a', { hasText: answer }).waitFor();
  await agent.close(conv);
  await w.locator('li.n', { hasText: 'Keskustelu päättyi' }).last().waitFor();
  return conv;
}

const pending = (page) => page.evaluate((k) => localStorage.getItem('tiski:cv:' + k), server.siteKey);

test('the survey after a closed chat: four stars and a comment reach the agent; the checkout reports the order', async () => {
  const agent = await agentOnline();
  const s = await shopper();
  const { page, w } = s;

  // Something in the cart first (the checkout needs it).
  const checkout = page.getByRole('button', { name: 'Kassalle' });
  assert.equal(await checkout.isDisabled(), true, 'an empty cart cannot be checked out');
  await page.locator('button.add').first().click();
  await page.locator('.cart', { hasText: 'Ostoskori (1)' }).waitFor();

  const conv = await chatAndClose(s, agent, 'Onko Tunturi 2 varastossa?', 'On, lähtee tänään!');
  const card = w.locator('li.sv');
  await card.waitFor();
  assert.equal(await card.locator('b').innerText(), 'Miten onnistuimme?');
  assert.equal(await w.locator('.m > li').last().evaluate((li) => li.className), 'sv', 'the survey is last, after the notice');
  // Seen in the open panel: the server is told once.
  await until(() => s.sent('survey').length, 'survey');
  assert.deepEqual(s.sent('survey'), [{ t: 'survey', conv }]);

  // Five toggle buttons named 1/5 … 5/5 in a group named by the question; the comment and Send
  // come with a score.
  const stars = w.getByRole('group', { name: 'Miten onnistuimme?' }).getByRole('button');
  assert.deepEqual(await stars.evaluateAll((bs) => bs.map((b) => [b.getAttribute('aria-label'), b.getAttribute('aria-pressed')])),
    [1, 2, 3, 4, 5].map((i) => [i + '/5', 'false']));
  const comment = card.getByRole('textbox', { name: 'Kerro halutessasi lisää' });
  assert.equal(await comment.isVisible(), false);
  assert.equal(await card.getByRole('button', { name: 'Ohita' }).isVisible(), true);
  // By keyboard: Tab to the fourth star, Space picks it.
  await w.getByRole('button', { name: '3/5' }).focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  assert.deepEqual(await stars.evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-pressed'))), ['false', 'false', 'false', 'true', 'false']);
  assert.deepEqual(await stars.evaluateAll((bs) => bs.map((b) => b.classList.contains('on'))), [true, true, true, true, false], 'four stars lit');
  await comment.waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await comment.evaluate((t) => t.getRootNode().activeElement === t), true, 'Tab goes on to the comment');
  await page.keyboard.type('Nopea vastaus, kiitos!');
  assert.equal(await comment.getAttribute('maxlength'), '1000');
  await page.mouse.move(0, 0);
  await page.evaluate(() => scrollTo(0, 0));  // clicking "Lisää koriin" scrolled the shop
  await page.screenshot({ path: join(shots, 'csat-widget.png') });

  await card.getByRole('button', { name: 'Lähetä palaute' }).click();
  const thanks = w.locator('li.k', { hasText: 'Kiitos palautteesta!' });
  await thanks.waitFor();
  assert.equal(await card.count(), 0);
  // The star counted when it was pressed; Send added the comment to it.
  assert.deepEqual(s.sent('csat'), [{ t: 'csat', conv, score: 4 }, { t: 'csat', conv, score: 4, comment: 'Nopea vastaus, kiitos!' }]);
  const answered = await agent.answered(conv, true);
  assert.deepEqual([answered.csat, answered.csat_comment], [4, 'Nopea vastaus, kiitos!']);
  await until(() => s.got('conv').some((f) => f.conv.id === conv && f.conv.csat === 4), 'the answer confirmed');
  assert.equal(await w.locator('li.n', { hasText: 'Keskustelu päättyi' }).count(), 1, 'the confirmation does not end the chat twice');
  await page.screenshot({ path: join(shots, 'csat-widget-thanks.png') });

  // A page load does not ask again.
  await page.reload();
  await w.locator('.t b', { hasText: 'Erämaa' }).waitFor();  // welcomed
  await page.waitForTimeout(500);
  assert.equal(await w.locator('li.sv').count(), 0, 'asked once');
  assert.equal(s.sent('survey').length, 1);
  // What was said is still there on the next page, ended (the welcome's `ended`), no greeting.
  await w.locator('.m > li.a', { hasText: 'On, lähtee tänään!' }).waitFor();
  assert.equal(await w.locator('li.n', { hasText: 'Keskustelu päättyi' }).count(), 1);
  assert.equal(await w.locator('.m > li.n').last().evaluate((li) => li === li.parentElement.lastElementChild), true, 'the notice ends the list');

  // The checkout reports the order; the server's converted empties the pending list.
  await page.locator('.cart', { hasText: 'Ostoskori (1)' }).waitFor();
  await checkout.click();
  const done = page.locator('#order-confirmation');
  await done.waitFor();
  const text = await done.innerText();
  const id = /Tilausnumero (DEMO-[0-9A-Z]+)/.exec(text)?.[1];
  assert.ok(id, text);
  assert.match(text, /^Kiitos tilauksesta!/);
  await page.locator('.cart', { hasText: 'Ostoskori (0)' }).waitFor();
  assert.equal(await checkout.isDisabled(), true);
  await until(() => s.got('converted').length, 'converted');
  assert.deepEqual(s.sent('convert'), [{ t: 'convert', kind: 'order', id, cents: 34900, currency: 'EUR' }]);
  assert.deepEqual(s.got('converted'), [{ t: 'converted', kind: 'order', id, duplicate: false }]);
  assert.equal(await pending(page), null, 'nothing left to send');
  // The same order again (a reloaded thank-you page): the server keeps it once.
  await page.evaluate((id) => tiski('track', 'order', { id, value: 349, currency: 'EUR' }), id);
  await until(() => s.got('converted').length === 2, 'the second converted');
  assert.equal(s.got('converted')[1].duplicate, true);
  assert.deepEqual(s.sent('track').at(-1), { t: 'track', cart: { cents: 0, currency: 'EUR', items: 0 } }, 'the cart is empty again');
  // The visitor token as a first-party cookie, for the shop's server.
  const token = await page.evaluate((k) => localStorage.getItem('tiski:v:' + k), server.siteKey);
  const cookie = (await s.ctx.cookies()).find((c) => c.name === 'tiski_visitor');
  assert.equal(cookie?.value, token);
  assert.equal(cookie.path, '/');
  assert.equal(cookie.sameSite, 'Lax');
  assert.ok(cookie.expires * 1000 > Date.now() + 29 * 864e5, 'kept 30 days');
  await page.screenshot({ path: join(shots, 'csat-checkout.png') });
  assert.deepEqual(s.logged, [], 'nothing written to the shop page console');
  await s.ctx.close();
  await agent.ctx.close();
});

test('on a phone: the survey fits the full-screen panel; Skip never asks again; conversions queued before the widget loaded are sent', async () => {
  const agent = await agentOnline();
  // Calls made before the widget loads wait in tiski.q; the malformed ones are ignored.
  const init = () => {
    window.tiski = function () { (tiski.q = tiski.q || []).push(arguments); };
    tiski('track', 'lead', { id: 'UUTISKIRJE-7' });
    tiski('track', 'order', { id: 'ILMAN-VALUUTTAA', value: 10 });
    tiski('track', 'order', { id: '', value: 10, currency: 'EUR' });
    tiski('track', 'purchase', { id: 'X', value: 10, currency: 'EUR' });
    tiski('track', 'order', { id: 42, value: 19.9, currency: 'sek' });
  };
  const s = await shopper({ viewport: { width: 390, height: 844 }, mobile: true, init });
  const { page, w } = s;
  await until(() => s.got('converted').length === 2, 'two converted');
  assert.deepEqual(s.sent('convert'), [{ t: 'convert', kind: 'lead', id: 'UUTISKIRJE-7' }, { t: 'convert', kind: 'order', id: '42', cents: 1990, currency: 'SEK' }], 'one at a time, in order');
  assert.deepEqual(s.got('converted').map((f) => f.id), ['UUTISKIRJE-7', '42']);
  assert.equal(await pending(page), null);

  const conv = await chatAndClose(s, agent, 'Mahtuuko Kaira 45 lentokoneen käsimatkatavaroihin?', 'Ei mahdu, se on 45 litraa – Kaira 30 mahtuu.');
  const card = w.locator('li.sv');
  await card.waitFor();
  const box = await w.locator('section.p').boundingBox();
  assert.deepEqual([box.x, box.y, box.width, box.height].map(Math.round), [0, 0, 390, 844]);
  await w.getByRole('button', { name: '5/5' }).tap();
  await card.getByRole('button', { name: 'Lähetä palaute' }).waitFor();
  await card.evaluate((c) => c.scrollIntoView({ block: 'end' }));
  const cb = await card.boundingBox();
  assert.ok(cb.x >= 0 && cb.x + cb.width <= 390, 'the card fits the screen');
  await page.screenshot({ path: join(shots, 'csat-widget-phone.png') });

  // Skip after a star: the card goes (and stays gone after a page load); the star counts.
  await card.getByRole('button', { name: 'Ohita' }).tap();
  assert.equal(await card.count(), 0);
  assert.deepEqual(s.sent('csat'), [{ t: 'csat', conv, score: 5 }]);
  assert.equal((await agent.answered(conv)).csat, 5);
  await page.reload();
  await w.locator('.t b', { hasText: 'Erämaa' }).waitFor();  // welcomed, the panel open as it was
  await page.waitForTimeout(500);
  assert.equal(await w.locator('li.sv').count(), 0, 'skipped: never asked again');
  assert.deepEqual(s.sent('survey'), [{ t: 'survey', conv }]);

  // A new chat after a survey: the card goes when the visitor writes.
  const c2 = await chatAndClose(s, agent, 'Vielä yksi kysymys makuupusseista', 'Kysy vain!');
  await card.waitFor();
  await w.locator('form.f textarea').fill('Ja toinen kysymys');
  await w.locator('form.f textarea').press('Enter');
  assert.equal(await card.count(), 0, 'a new chat takes the survey away');
  const c3 = await agent.conv('Ja toinen kysymys');
  assert.notEqual(c3, c2);
  // The new chat's greeting comes before the visitor's first line of it, not after.
  await w.locator('li.s + li.v', { hasText: 'Ja toinen kysymys' }).waitFor();
  await agent.close(c3);
  // Seen, neither answered nor skipped: the next page shows it again with the ended chat (the
  // server was told once); skipped, it does not come back.
  await card.waitFor();
  await until(() => s.sent('survey').some((f) => f.conv === c3), 'c3 seen');
  await page.reload();
  await w.locator('li.n', { hasText: 'Keskustelu päättyi' }).waitFor();
  await card.waitFor();
  assert.equal(s.sent('survey').filter((f) => f.conv === c3).length, 1, 'told once');
  await card.getByRole('button', { name: 'Ohita' }).tap();
  await page.reload();
  await w.locator('li.n', { hasText: 'Keskustelu päättyi' }).waitFor();
  await page.waitForTimeout(500);
  assert.equal(await card.count(), 0, 'skipped: not again');
  assert.deepEqual(s.logged, []);
  await s.ctx.close();
  await agent.ctx.close();
});
