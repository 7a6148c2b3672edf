// In a real browser, the agent's side: new chats ring (sound, title, desktop
// notification, a "new" mark, the answer countdown), work survives a reload, closed chats can
// be reread, the console works on a phone, the transfer dialog says when nobody is there, one
// broken panel does not stop the others, visitor-controlled text cannot become a script link or
// push buttons off screen, and an ended session returns to the login form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launch, shots, instrument } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function console_(opts = {}) {
  const ctx = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 860 }, locale: 'fi-FI' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(instrument);
  if (opts.init) await page.addInitScript(opts.init);
  await page.goto(server.url + '/console/');
  // Either the login form or (a saved session) the console: wait for one before asking which,
  // or a slow first render is taken for "already logged in".
  const email = page.getByLabel('Sähköposti');
  await email.or(page.locator('.presence-bar')).first().waitFor();
  if (await email.count()) {
    await page.getByLabel('Sähköposti').fill(opts.email ?? server.email);
    await page.getByLabel('Salasana').fill(server.password);
    await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  }
  await page.locator('.presence-bar').waitFor();
  return { page, ctx, errors };
}

// A visitor over a raw WebSocket from a page of the server's origin: what a widget would send,
// with whatever page data the test wants (a browser's widget could not report javascript: URLs).
async function visitor(hello = {}, body = 'Hei!') {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(server.url + '/healthz');
  const r = await page.evaluate(async ({ site, hello, body }) => {
    const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws/visitor');
    window.__ws = ws;
    const next = (t) => new Promise((ok) => ws.addEventListener('message', function on(e) {
      const f = JSON.parse(e.data);
      if (f.t === t) { ws.removeEventListener('message', on); ok(f); }
    }));
    await new Promise((ok) => ws.addEventListener('open', ok));
    ws.send(JSON.stringify({ t: 'hello', site, lang: 'fi', ...hello }));
    const w = await next('welcome');
    if (body) {
      ws.send(JSON.stringify({ t: 'send', cid: 'c1', body }));
      const a = await next('ack');
      return { visitor: w.visitor, conv: a.conv };
    }
    return { visitor: w.visitor };
  }, { site: server.siteKey, hello, body });
  return { ...r, page, ctx };
}

test('a new chat rings, is marked and counted, and shows how long is left to answer', async () => {
  const { page, errors } = await console_();
  await page.getByRole('button', { name: 'Siirry tauolle' }).click();  // nothing is assigned to me
  await page.locator('.presence-bar', { hasText: 'Tauolla' }).waitFor();
  const v = await visitor({}, 'Onko teltta varastossa?');
  const item = page.locator(`[data-list=waiting] .item[data-conv="${v.conv}"]`);
  await item.waitFor();
  assert.match(await item.innerText(), /Uusi/);
  assert.match(await item.innerText(), /Kävijä #\d+/);
  await page.waitForFunction(() => document.title === '(1) Tiski');
  assert.ok(await page.evaluate(() => window.__tones) >= 1, 'a tone for the new chat');
  // Hidden tab: a desktop notification too.
  await page.evaluate(() => window.__hide(true));
  const v2 = await visitor({}, 'Toinen kysymys');
  await page.waitForFunction(() => window.__notes.length >= 1);
  const note = await page.evaluate(() => window.__notes[0]);
  assert.equal(note.title, 'Uusi keskustelu jonossa');
  assert.match(note.body, /Erämaa Outdoor Oy/);
  await page.evaluate(() => window.__hide(false));
  // Mute: no more tones.
  await page.getByRole('button', { name: 'Mykistä äänet' }).click();
  const tones = await page.evaluate(() => window.__tones);
  await visitor({}, 'Kolmas');
  await page.waitForFunction(() => document.title === '(3) Tiski');
  assert.equal(await page.evaluate(() => window.__tones), tones);
  await page.getByRole('button', { name: 'Äänet päälle' }).click();
  // Online again: routing assigns a chat to me, and it counts down to its reassignment.
  await page.getByRole('button', { name: 'Palaa paikalle' }).click();
  const mine = page.locator('[data-list=mine] .item').first();
  await mine.waitFor();
  await mine.locator('.countdown', { hasText: /Vastaa 0:\d\d kuluessa/ }).waitFor();
  await page.screenshot({ path: join(shots, 'console-alarms.png') });
  await mine.click();
  await mine.locator('.tag.new').waitFor({ state: 'detached' });  // opened: no longer new
  assert.deepEqual(errors, []);
  void v2;
});

test('a reload keeps the open chat, the draft and the unread counts; closed chats can be reread', async () => {
  const { page, ctx } = await console_();
  const v = await visitor({}, 'Kysymys ennen uudelleenlatausta');
  const item = page.locator(`.item[data-conv="${v.conv}"]`);
  await item.click();
  await page.getByRole('button', { name: 'Ota keskustelu' }).click().catch(() => {});
  const reply = page.getByLabel(/Kirjoita vastaus/);
  await reply.fill('Keskeneräinen vastaus');
  await page.waitForTimeout(500);
  await page.reload();
  await page.locator('.presence-bar').waitFor();
  await page.locator('.chat h1').waitFor();
  assert.equal(await page.getByLabel(/Kirjoita vastaus/).inputValue(), 'Keskeneräinen vastaus');
  // The lines come with the answer to the console's watch, after the header.
  await page.locator('.msgs', { hasText: 'Kysymys ennen uudelleenlatausta' }).waitFor();
  // Closing asks first; Escape (or Peruuta) keeps the chat open.
  await page.getByRole('button', { name: 'Lopeta keskustelu' }).click();
  await page.getByRole('alertdialog').getByText('Lopetetaanko keskustelu?').waitFor();
  await page.getByRole('alertdialog').getByText('Kirjoittamasi vastaus jää lähettämättä.').waitFor();  // the draft
  await page.keyboard.press('Escape');
  await page.getByRole('alertdialog').waitFor({ state: 'detached' });
  assert.equal(await page.locator('.taken-note').count(), 0, 'closed although the agent did not confirm');
  // Close it and find it among the recent ones, read-only.
  await page.getByRole('button', { name: 'Lopeta keskustelu' }).click();
  await page.getByRole('button', { name: 'Kyllä, lopeta' }).click();
  await page.locator('.taken-note', { hasText: 'vain luku' }).waitFor();
  await page.getByRole('button', { name: 'Viimeisimmät' }).click();
  const closed = page.locator(`main.recent .item[data-conv="${v.conv}"]`);
  await closed.waitFor();
  await page.screenshot({ path: join(shots, 'console-recent.png') });
  await closed.click();
  await page.locator('.msgs', { hasText: 'Kysymys ennen uudelleenlatausta' }).waitFor();
  assert.equal(await page.getByLabel(/Kirjoita vastaus/).count(), 0, 'read only');
  // A reload keeps the closed chat on screen too (no list brings it back).
  await page.waitForTimeout(500);
  await page.reload();
  await page.locator('.msgs', { hasText: 'Kysymys ennen uudelleenlatausta' }).waitFor();
  await page.locator('.taken-note', { hasText: 'vain luku' }).waitFor();
  await ctx.close();
});

test('on a phone the list and the chat are separate views and nothing scrolls sideways', async () => {
  const v = await visitor({}, 'Puhelimelta katsottava kysymys');
  const { page } = await console_({ viewport: { width: 390, height: 844 } });
  const scrollsSideways = () => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(await scrollsSideways(), false);
  await page.screenshot({ path: join(shots, 'console-phone-list.png') });
  await page.locator(`.item[data-conv="${v.conv}"]`).click();
  await page.locator('.chat h1').waitFor();
  assert.equal(await page.locator('aside.side').isVisible(), false, 'the list gives way to the chat');
  assert.equal(await scrollsSideways(), false);
  await page.screenshot({ path: join(shots, 'console-phone-chat.png') });
  await page.locator('.chat .back').click();
  await page.locator('aside.side').waitFor();
  await page.getByRole('button', { name: /Kävijät nyt/ }).click();
  assert.equal(await scrollsSideways(), false);
});

test('the transfer dialog says when no colleague is there and offers the teams', async () => {
  const { page } = await console_();
  const v = await visitor({}, 'Siirrettävä kysymys');
  await page.locator(`.item[data-conv="${v.conv}"]`).click();
  await page.getByRole('button', { name: 'Ota keskustelu' }).click().catch(() => {});
  await page.getByRole('button', { name: 'Siirrä', exact: true }).first().click();
  await page.locator('.transfer .hint', { hasText: 'Kukaan kollega ei ole nyt paikalla' }).waitFor();
  await page.screenshot({ path: join(shots, 'console-transfer-nobody.png') });
});

test('visitor-controlled text: no script links, isolated names, nothing pushed off screen', async () => {
  const long = 'x'.repeat(400);
  const v = await visitor({ page: { url: 'javascript:alert(document.cookie)', title: '\u202Egnp.exe ' + long } }, long);
  const { page, errors } = await console_();
  await page.locator(`.item[data-conv="${v.conv}"]`).click();
  await page.locator('.ctx').waitFor();
  assert.equal(await page.locator('a[href^="javascript:"]').count(), 0);
  assert.ok(await page.locator('.item bdi').count() > 0, 'names and titles are isolated');
  for (const name of ['Lopeta keskustelu']) {
    const box = await page.getByRole('button', { name }).boundingBox();
    assert.ok(box && box.x + box.width <= 1400, `${name} stays on screen`);
  }
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1), false);
  await page.getByRole('button', { name: /Kävijät nyt/ }).click();
  const start = page.locator(`tr[data-visitor="${v.visitor}"] button`);
  await start.waitFor();
  const box = await start.boundingBox();
  assert.ok(box && box.x + box.width <= 1400, 'the start-chat column stays on screen');
  await page.screenshot({ path: join(shots, 'console-hostile-text.png') });
  // A web address in a message is a link that opens elsewhere; nothing else becomes one.
  const w = await visitor({}, 'Tämä teltta: https://eramaa.demo/teltat?id=1. Entä javascript:alert(1) tai <a href="x">?');
  await page.getByRole('button', { name: /Kävijät nyt/ }).click();
  await page.goto(server.url + `/console/#c${w.conv}`);
  const link = page.locator('.msgs .text a');
  await link.first().waitFor();
  assert.deepEqual(await link.evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.target, a.rel])),
    [['https://eramaa.demo/teltat?id=1', '_blank', 'noreferrer noopener']]);
  assert.equal(await page.locator('a[href^="javascript:"]').count(), 0);
  assert.deepEqual(errors, []);
});

test('one panel failing does not stop the console', async () => {
  const v = await visitor({}, 'Kysymys rikkinäiselle paneelille');
  // Every list item formats a time: make that throw, as a bad value once did.
  const { page } = await console_({
    init: () => { Date.prototype.toLocaleTimeString = () => { throw new RangeError('broken'); }; },
  });
  await page.locator('[data-panel=lists]').waitFor();
  assert.match(await page.locator('[data-panel=lists]').innerText(), /Tätä osaa ei voitu näyttää/);
  // The rest still works: the views still switch. The live visitor list shows, or (when the
  // visitor's page view has arrived, its row formats a time too) its own panel says it failed.
  await page.getByRole('button', { name: /Kävijät nyt/ }).click();
  await page.locator('main.visitors, [data-panel=visitors]').first().waitFor();
  // ...and the presence switch answers.
  const before = await page.locator('.presence-bar .pstatus').innerText();
  await page.locator('.presence-bar button').click();
  await page.waitForFunction((b) => document.querySelector('.presence-bar .pstatus')?.textContent !== b, before);
  void v;
});

test('an ended session returns the console to the login form', async () => {
  const { page } = await console_();
  // Log out from another tab of the same browser (same cookie).
  await page.evaluate(async () => {
    const me = await (await fetch('/api/me')).json();
    await fetch('/api/logout', { method: 'POST', headers: { 'X-CSRF-Token': me.csrf } });
  });
  await page.locator('.login .notice', { hasText: 'Istunto päättyi' }).waitFor({ timeout: 5000 });
  assert.equal(await page.locator('.banner', { hasText: 'Yhdistetään' }).count(), 0);
});

test('the login page logs no error; a reload keeps the session, one after logging out shows the login', async () => {
  const ctx = await browser.newContext({ locale: 'fi-FI' });
  const page = await ctx.newPage();
  const logged = [];
  page.on('console', (m) => m.type() === 'error' && logged.push(m.text()));
  page.on('pageerror', (e) => logged.push(String(e)));
  await page.goto(server.url + '/console/');
  await page.getByLabel('Sähköposti').fill(server.email);
  await page.getByLabel('Salasana').fill(server.password);
  assert.deepEqual(logged, [], 'the login page, before signing in');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.locator('.presence-bar').waitFor();
  await page.reload();
  await page.locator('.presence-bar').waitFor();
  await page.evaluate(async () => {
    const me = await (await fetch('/api/me')).json();
    await fetch('/api/logout', { method: 'POST', headers: { 'X-CSRF-Token': me.csrf } });
  });
  await page.locator('.login .notice', { hasText: 'Istunto päättyi' }).waitFor({ timeout: 5000 });
  logged.length = 0;
  await page.reload();
  await page.getByLabel('Sähköposti').waitFor();
  assert.deepEqual(logged, [], 'the login page after logging out');
  await ctx.close();
});

test('writing an internal note shows the visitor no typing, and the composer says it is a note', async () => {
  const { page, ctx } = await console_();
  const v = await visitor({}, 'Hei, kysyisin kengistä');
  await v.page.evaluate(() => {
    window.__typing = [];
    window.__ws.addEventListener('message', (e) => {
      const f = JSON.parse(e.data);
      if (f.t === 'typing') window.__typing.push(f.on);
    });
  });
  const item = page.locator(`.item[data-conv="${v.conv}"]`);
  await item.click();
  const take = page.getByRole('button', { name: 'Ota keskustelu' });
  if (await take.count()) await take.click();
  await page.getByLabel('Sisäinen muistiinpano', { exact: true }).check();
  const area = page.getByRole('textbox', { name: /Sisäinen muistiinpano: vain kollegat/ });
  await area.pressSequentially('Asiakas kysyy kokoa 44', { delay: 20 });
  assert.equal(await page.locator('.composer button.primary').innerText(), 'Tallenna muistiinpano');
  await page.keyboard.press('Enter');
  await page.locator('.msgs .m.note', { hasText: 'Asiakas kysyy kokoa 44' }).waitFor();
  assert.equal(await page.getByLabel('Sisäinen muistiinpano', { exact: true }).isChecked(), false, 'one note at a time');
  // Unticked: a reply is typed where the visitor sees it.
  await page.getByLabel('Sisäinen muistiinpano', { exact: true }).uncheck();
  await page.getByRole('textbox', { name: /Kirjoita vastaus/ }).pressSequentially('Hei!', { delay: 20 });
  await v.page.waitForFunction(() => window.__typing.includes(true));
  assert.equal(await v.page.evaluate(() => window.__typing.length), 1, 'typing came only with the reply');
  await ctx.close();
  await v.ctx.close();
});

test("the browser's Back and Forward go through the console's views and chats; a reload keeps the view", async () => {
  const { page, ctx, errors } = await console_();
  const v = await visitor({}, 'Kysymys historiasta');
  await page.locator(`.item[data-conv="${v.conv}"]`).click();
  await page.locator('.chat h1').waitFor();
  assert.equal(new URL(page.url()).hash, `#c${v.conv}`);
  await page.getByRole('button', { name: 'Raportit' }).click();
  await page.locator('main.reports').waitFor();
  await page.getByRole('button', { name: 'Viimeisimmät' }).click();
  await page.locator('main.recent').waitFor();
  await page.waitForFunction(() => location.hash === '#recent');  // pushed after the view renders
  await page.goBack();
  await page.locator('main.reports').waitFor();
  await page.goBack();
  await page.locator('.msgs', { hasText: 'Kysymys historiasta' }).waitFor();
  assert.match(page.url(), /\/console\/#c\d+$/, 'still the console');
  await page.goForward();
  await page.locator('main.reports').waitFor();
  await page.reload();
  await page.locator('main.reports').waitFor();
  // An address of a chat none of my lists holds says so (not an empty "pick a chat").
  await page.goto(server.url + '/console/#c987654321');
  await page.locator('main.blank', { hasText: 'Tätä keskustelua ei ole listoillasi' }).waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
  await v.ctx.close();
});

// Two tabs of one agent share the drafts (a reload keeps them): a draft sent from one is gone
// from the other, so it is not sent twice (a probe's first tab kept it after the second sent it).
test('a draft sent from a second tab leaves the first tab\'s box empty', async () => {
  const { page, ctx, errors } = await console_();
  const v = await visitor({}, 'Kaksi välilehteä');
  await page.locator(`.item[data-conv="${v.conv}"]`).click();
  const box = (p) => p.getByRole('textbox', { name: /Kirjoita vastaus/ });
  await box(page).fill('Tilauksesi lähtee tänään.');
  await page.waitForTimeout(500);  // the draft is saved (300 ms)
  const second = await ctx.newPage();
  await second.goto(`${server.url}/console/#c${v.conv}`);
  await second.locator('.chat h1').waitFor();
  assert.equal(await box(second).inputValue(), 'Tilauksesi lähtee tänään.');
  await box(second).press('Enter');
  await second.locator('.msgs .m.agent', { hasText: 'Tilauksesi lähtee tänään.' }).waitFor();
  await page.locator('.msgs .m.agent', { hasText: 'Tilauksesi lähtee tänään.' }).waitFor();
  await page.waitForFunction(() => document.querySelector('main.chat textarea')?.value === '');
  assert.deepEqual(errors, []);
  await ctx.close();
  await v.ctx.close();
});
