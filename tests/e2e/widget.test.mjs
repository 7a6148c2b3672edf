// The widget's reported defects in a real browser: links in messages, message times, earlier
// messages on request and after a reconnect, the phone layout with its focus trap, the
// launcher's accessible name, the focus ring, a bad data-color, when live chat opens again,
// idle time reported with idle_ms, and long unbroken words. The agent's side is a plain agent
// WebSocket opened from a page of the server's origin (not the console, which is tested
// elsewhere).
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

// An agent online through `n` agent sockets (each may send 10 messages at once, then 5/s).
async function agentOnline(srv, n = 1) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(srv.url + '/healthz');
  await page.evaluate(async ({ email, password, n }) => {
    const r = await fetch('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
    if (!r.ok) throw new Error('login: ' + r.status);
    window.me = await r.json();
    window.convs = new Map();
    window.socks = await Promise.all(Array.from({ length: n }, () => new Promise((ok, fail) => {
      const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws/agent');
      ws.waits = new Map();
      ws.onmessage = (e) => {
        const f = JSON.parse(e.data);
        if (f.t === 'snapshot') ok(ws);
        if (f.t === 'conv') convs.set(f.conv.id, f.conv);
        if (f.t === 'list') for (const c of f.convs) convs.set(c.id, c);
        if ((f.t === 'ack' || f.t === 'error') && ws.waits.has(f.cid)) ws.waits.get(f.cid)(f);
      };
      ws.onerror = () => fail(new Error('agent socket'));
    })));
  }, { email: srv.email, password: srv.password, n });
  return {
    ctx,
    page,
    // The id of the conversation whose latest message contains text.
    async conv(text) {
      await page.waitForFunction((t) => [...convs.values()].some((c) => c.preview?.includes(t)), text);
      return page.evaluate((t) => [...convs.values()].find((c) => c.preview?.includes(t)).id, text);
    },
    // Sends the bodies in order, ten per socket (the next socket each time), each acknowledged.
    async send(conv, bodies) {
      await page.evaluate(async ({ conv, bodies }) => {
        for (let i = 0; i < bodies.length; i += 10) {
          const ws = socks[(window.turn = ((window.turn ?? -1) + 1) % socks.length)];
          for (const body of bodies.slice(i, i + 10)) {
            const cid = Math.random().toString(36).slice(2);
            const f = await new Promise((ok) => {
              ws.waits.set(cid, ok);
              ws.send(JSON.stringify({ t: 'send', conv, cid, body }));
            });
            if (f.t !== 'ack') throw new Error(body + ': ' + f.code + ' ' + f.message);
          }
        }
      }, { conv, bodies });
    },
    // Closes a conversation (frees the agent's seat for the next test).
    async close(conv) {
      await page.evaluate((conv) => socks[0].send(JSON.stringify({ t: 'close', conv })), conv);
      await page.waitForFunction((conv) => convs.get(conv)?.status === 'closed', conv);
    },
    // A REST call as this agent (supervisor of the demo tenant).
    rest(method, path, data) {
      return page.evaluate(async ({ method, path, data }) => {
        const r = await fetch(path, { method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf }, body: JSON.stringify(data) });
        return { status: r.status, body: await r.text() };
      }, { method, path, data });
    },
    tenant: () => page.evaluate(() => me.tenants[0].id),
  };
}

async function shopper({ viewport = { width: 1280, height: 800 }, mobile = false, setup } = {}, srv = server) {
  const ctx = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, locale: 'fi-FI', timezoneId: 'Europe/Helsinki' });
  const page = await ctx.newPage();
  const logged = [];
  page.on('console', (m) => logged.push(m.text()));
  page.on('pageerror', (e) => logged.push(String(e)));
  page.on('dialog', (d) => {
    logged.push('dialog: ' + d.message());
    d.dismiss();
  });
  if (setup) await setup(page);
  await page.goto(srv.url + '/demo/');
  const w = page.locator('#tiski-widget');
  await w.locator('button.l').waitFor();
  return { ctx, page, w, logged };
}

const say = async (s, text) => {
  await s.w.locator('textarea').fill(text);
  await s.w.locator('textarea').press('Enter');
  await s.w.locator('li.v:not(.q)', { hasText: text.slice(0, 30) }).waitFor();
};

// What the list shows: agent lines' text without the time.
const agentLines = (w) => w.locator('li.a').evaluateAll((lis) => lis.map((li) => [...li.childNodes].filter((n) => n.nodeName !== 'I' && n.nodeName !== 'TIME').map((n) => n.textContent).join('')));

test('links are links, times are shown, the launcher is named by its text, the focus ring shows', async () => {
  const agent = await agentOnline(server);
  const s = await shopper();
  const { page, w } = s;
  const launcher = w.locator('button.l');
  await launcher.filter({ hasText: 'Kysy meiltä' }).waitFor();

  // WCAG 2.5.3: the accessible name contains the visible text.
  const visible = (await launcher.innerText()).trim();
  assert.equal(visible, 'Kysy meiltä');
  const name = /button "([^"]*)"/.exec(await launcher.ariaSnapshot())[1];
  assert.ok(name.startsWith(visible), `accessible name "${name}" does not start with "${visible}"`);
  assert.equal(await w.getByRole('button', { name: visible }).count(), 1);

  // The focus ring: dark outline around a white ring, on the launcher (brand colour, page).
  await page.keyboard.press('Tab');  // keyboard use: focus shows
  await launcher.focus();
  const ring = await launcher.evaluate((b) => {
    const cs = getComputedStyle(b);
    return { visible: b.matches(':focus-visible'), style: cs.outlineStyle, color: cs.outlineColor, width: cs.outlineWidth, shadow: cs.boxShadow };
  });
  assert.ok(ring.visible, 'the launcher has keyboard focus');
  assert.deepEqual([ring.style, ring.color, ring.width], ['solid', 'rgb(17, 17, 17)', '2px']);
  assert.match(ring.shadow, /rgb\(255, 255, 255\) 0px 0px 0px 2px/);
  await page.screenshot({ path: join(shots, 'widget-launcher-focus.png'), clip: { x: 1280 - 260, y: 800 - 110, width: 260, height: 110 } });

  await page.keyboard.press('Enter');
  await w.locator('section.p').waitFor();
  const mine = 'Katsoin tätä: https://eramaa.example/teltat/tunturi-2. Entä javascript:alert(document.cookie) tai <b>lihavointi</b>?';
  await say(s, mine);
  const conv = await agent.conv('Katsoin tätä');
  const back = `${server.url}/healthz`;
  await agent.send(conv, [`Tunturi 2 on varastossa (katso ${back}). Kuvat: https://eramaa.example/kuvat/tunturi_(2).jpg, mitat http://eramaa.example/mitat?id=2&k=1!`]);
  const reply = w.locator('li.a', { hasText: 'Tunturi 2 on varastossa' });
  await reply.waitFor();

  // The visitor's own message: one link, without the full stop; the rest is text.
  const v = w.locator('li.v', { hasText: 'Katsoin tätä' });
  assert.deepEqual(await v.locator('a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent, a.target, a.rel])),
    [['https://eramaa.example/teltat/tunturi-2', 'https://eramaa.example/teltat/tunturi-2', '_blank', 'noopener noreferrer']]);
  assert.equal(await v.locator('b').count(), 0, 'message text is never HTML');
  assert.match(await v.innerText(), /javascript:alert\(document\.cookie\) tai <b>lihavointi<\/b>\?/);
  assert.equal(await w.locator('a[href^="javascript"], a:not([href^="http"])').count(), 0);
  // The agent's: three links, brackets and punctuation handled.
  assert.deepEqual(await reply.locator('a').evaluateAll((as) => as.map((a) => a.href)),
    [back, 'https://eramaa.example/kuvat/tunturi_(2).jpg', 'http://eramaa.example/mitat?id=2&k=1']);
  for (const a of await w.locator('li a').all()) {
    assert.equal(await a.getAttribute('target'), '_blank');
    assert.equal(await a.getAttribute('rel'), 'noopener noreferrer');
  }
  // Clicking opens a new tab without access to the shop's page.
  const [tab] = await Promise.all([s.ctx.waitForEvent('page'), reply.locator('a').first().click()]);
  await tab.waitForLoadState();
  assert.equal(tab.url(), back);
  assert.equal(await tab.evaluate(() => window.opener), null);
  await tab.close();

  // Every message shows its time (Finnish: 9.05), small and muted.
  const now = new Intl.DateTimeFormat('fi', { hour: 'numeric', minute: '2-digit', timeZone: 'Europe/Helsinki' });
  const times = await w.locator('.m li:not(.n):not(.k) time').allInnerTexts();
  assert.equal(times.length, await w.locator('.m li.v, .m li.a, .m li.s').count(), 'a time on every message');
  for (const t of times) assert.match(t, /^\d{1,2}\.\d{2}$/);
  const expected = [now.format(Date.now() - 60000), now.format(Date.now())];
  assert.ok(expected.includes(times.at(-1)), `${times.at(-1)} is now (${expected})`);
  const look = await reply.locator('time').evaluate((t) => ({ size: parseFloat(getComputedStyle(t).fontSize), color: getComputedStyle(t).color }));
  assert.ok(look.size <= 12, 'small');
  assert.equal(look.color, 'rgb(102, 112, 122)', 'muted');

  // A message on its way says so until it is acknowledged.
  await w.locator('textarea').fill('Kiitos, tilaan sen!');
  await page.evaluate(() => {
    const list = document.querySelector('#tiski-widget').shadowRoot.querySelector('.m');
    window.pendingText = new Promise((ok) => new MutationObserver((_, o) => {
      const q = list.querySelector('li.q time');
      if (q) {
        o.disconnect();
        ok(q.textContent);
      }
    }).observe(list, { childList: true, subtree: true }));
  });
  await w.locator('textarea').press('Enter');
  assert.equal(await page.evaluate(() => window.pendingText), 'Lähetetään…');
  await w.locator('li.v:not(.q)', { hasText: 'Kiitos, tilaan sen!' }).locator('time', { hasText: /^\d{1,2}\.\d{2}$/ }).waitFor();
  await page.screenshot({ path: join(shots, 'widget-links-times.png') });
  assert.deepEqual(s.logged, [], 'nothing written to the shop page console');
  await agent.close(conv);
  await s.ctx.close();
  await agent.ctx.close();
});

test('a conversation of more than 50 messages: show earlier messages keeps the place', async () => {
  const agent = await agentOnline(server, 6);
  const s = await shopper();
  const { page, w } = s;
  await w.locator('button.l').click();
  await say(s, 'Aloitetaan pitkä keskustelu');
  const conv = await agent.conv('Aloitetaan pitkä');
  const bodies = Array.from({ length: 60 }, (_, i) => `Viesti ${String(i + 1).padStart(2, '0')}/60`);
  await agent.send(conv, bodies);
  await w.locator('li.a', { hasText: 'Viesti 60/60' }).waitFor();
  assert.equal(await w.locator('.mo').count(), 0, 'everything is on screen: no button');

  const before = await w.locator('.m > li').evaluateAll((lis) => lis.map((li) => li.className));

  // A page load shows the newest 50 (greeting, question, Viesti 01/60 … 60/60: 62 in all).
  await page.reload();
  await w.locator('li.a', { hasText: 'Viesti 60/60' }).waitFor();
  const newest = await agentLines(w);
  assert.equal(await w.locator('.m > li:not(.mo)').count(), 50);
  assert.deepEqual(newest, bodies.slice(60 - newest.length));
  const more = w.getByRole('button', { name: 'Näytä aiemmat viestit' });
  await more.waitFor();
  assert.equal(await w.locator('.m > li').first().evaluate((li) => li.className), 'mo', 'the button is at the top');

  // Scrolled to the top: the button; clicking it puts the earlier ones above, the view stays.
  const list = w.locator('ol.m');
  await list.evaluate((l) => (l.scrollTop = 0));
  const anchor = w.locator('li.a', { hasText: newest[0] });
  const y0 = (await anchor.boundingBox()).y;
  await page.screenshot({ path: join(shots, 'widget-earlier-button.png') });
  await more.focus();
  await page.keyboard.press('Enter');
  await w.locator('li.a', { hasText: 'Viesti 01/60' }).waitFor();
  assert.ok(Math.abs((await anchor.boundingBox()).y - y0) <= 2, 'the messages on screen did not move');
  assert.equal(await more.count(), 0, 'no earlier messages left: the button is gone');
  assert.deepEqual(await agentLines(w), bodies);
  const all = await w.locator('.m > li').evaluateAll((lis) => lis.map((li) => li.className));
  assert.deepEqual(all, before, 'the whole conversation, as before the reload');
  assert.deepEqual(all.slice(0, 2), ['s', 'v'], 'the greeting and the question first');
  assert.equal(await list.evaluate((l) => l.getRootNode().activeElement === l), true, 'the focus stays in the list');
  await page.screenshot({ path: join(shots, 'widget-earlier-loaded.png') });
  assert.deepEqual(s.logged, []);
  await agent.close(conv);
  await s.ctx.close();
  await agent.ctx.close();
});

test('a reconnect that missed more than 50 messages fetches the gap', async () => {
  const agent = await agentOnline(server, 9);
  let blocked = false;
  let current = null;
  const frames = [];  // what went through the socket: ['>', to the server] or ['<', from it]
  const s = await shopper({
    setup: (page) => page.routeWebSocket(/\/ws\/visitor$/, (ws) => {
      if (blocked) return ws.close();  // the network is down: the widget keeps retrying
      const srv = ws.connectToServer();
      ws.onMessage((m) => {
        frames.push(['>', JSON.parse(m)]);
        srv.send(m);
      });
      srv.onMessage((m) => {
        frames.push(['<', JSON.parse(m)]);
        ws.send(m);
      });
      current = { page: ws, server: srv };
    }),
  });
  const { w } = s;
  await w.locator('button.l').click();
  await say(s, 'Yhteys pätkii');
  const conv = await agent.conv('Yhteys pätkii');
  const first = ['Ennen katkosta 1', 'Ennen katkosta 2', 'Ennen katkosta 3'];
  await agent.send(conv, first);
  await w.locator('li.a', { hasText: 'Ennen katkosta 3' }).waitFor();

  // The connection drops; 75 messages arrive meanwhile; the widget reconnects.
  blocked = true;
  await current.page.close();
  await current.server.close();
  await w.locator('.t span', { hasText: 'Yhteys katkesi' }).waitFor();
  const missed = Array.from({ length: 75 }, (_, i) => `Katkon aikana ${String(i + 1).padStart(2, '0')}`);
  await agent.send(conv, missed);
  blocked = false;
  await w.locator('li.a', { hasText: 'Katkon aikana 75' }).waitFor({ timeout: 20000 });
  await w.locator('li.a', { hasText: 'Katkon aikana 01' }).waitFor();
  assert.deepEqual(await agentLines(w), [...first, ...missed], 'every message once, in order');
  // The hello said what the widget held; the welcome had the newest 50 and a gap; older filled it.
  const after = frames.slice(frames.findLastIndex(([d, f]) => d === '>' && f.t === 'hello'));
  const hello = after[0][1];
  const welcome = after.find(([, f]) => f.t === 'welcome')[1];
  assert.ok(hello.last_seq >= 5, `hello.last_seq ${hello.last_seq}`);
  assert.equal(welcome.msgs.length, 50);
  assert.equal(welcome.more, true);
  assert.ok(welcome.msgs[0].seq > hello.last_seq + 1);
  const asked = after.filter(([d, f]) => d === '>' && f.t === 'older').map(([, f]) => f.before);
  assert.deepEqual(asked, [welcome.msgs[0].seq]);
  assert.equal(await w.locator('.mo').count(), 0, 'nothing earlier to show');
  assert.deepEqual(s.logged, []);
  await agent.close(conv);
  await s.ctx.close();
  await agent.ctx.close();
});

// A line typed while the connection is down shows "Sending…"; the shopper moves to another page
// of the shop before it comes back: the next page sends it (it was lost with the page).
test('a message sent while the connection is down is sent from the next page', async () => {
  const agent = await agentOnline(server);
  let blocked = false;
  let current = null;
  const s = await shopper({
    setup: (page) => page.routeWebSocket(/\/ws\/visitor$/, (ws) => {
      if (blocked) return ws.close();
      const srv = ws.connectToServer();
      ws.onMessage((m) => srv.send(m));
      srv.onMessage((m) => ws.send(m));
      current = { page: ws, server: srv };
    }),
  });
  const { w, page } = s;
  await w.locator('button.l').click();
  await say(s, 'Ennen katkosta kysyn');
  const conv = await agent.conv('Ennen katkosta kysyn');
  blocked = true;
  await current.page.close();
  await current.server.close();
  await w.locator('.t span', { hasText: 'Yhteys katkesi' }).waitFor();
  await w.locator('textarea').fill('Katkon aikana kirjoitettu viesti');
  await w.locator('textarea').press('Enter');
  await w.locator('li.v.q', { hasText: 'Katkon aikana' }).waitFor();
  blocked = false;
  await page.goto(server.url + '/demo/teltta.html');  // the next page, with the connection back
  await w.locator('li.v', { hasText: 'Katkon aikana kirjoitettu viesti' }).waitFor();
  await agent.page.waitForFunction((c) => convs.get(c)?.preview?.includes('Katkon aikana kirjoitettu'), conv, { timeout: 15000 });
  await w.locator('li.v.q').waitFor({ state: 'detached' });  // acknowledged: no longer "Sending…"
  assert.equal(await w.locator('li.v', { hasText: 'Katkon aikana kirjoitettu viesti' }).count(), 1, 'shown once');
  // A line typed and not sent is in the box on the next page; sent, it is gone from there.
  await w.locator('textarea').fill('Puolivalmis kysymys');
  await page.goto(server.url + '/demo/');
  assert.equal(await w.locator('textarea').inputValue(), 'Puolivalmis kysymys');
  await w.locator('textarea').press('Enter');
  await w.locator('li.v', { hasText: 'Puolivalmis kysymys' }).waitFor();
  await page.reload();
  await w.locator('li.v', { hasText: 'Puolivalmis kysymys' }).waitFor();
  assert.equal(await w.locator('textarea').inputValue(), '');
  await agent.close(conv);
  await s.ctx.close();
  await agent.ctx.close();
});

test('on a phone the panel is full screen and keeps the focus', async () => {
  const agent = await agentOnline(server);
  const s = await shopper({ viewport: { width: 390, height: 844 }, mobile: true });
  const { page, w } = s;
  await w.locator('button.l').click();
  const box = await w.locator('section.p').boundingBox();
  assert.deepEqual([box.x, box.y, box.width, box.height].map(Math.round), [0, 0, 390, 844]);
  assert.equal(await w.locator('section.p').getAttribute('aria-modal'), 'true');
  await say(s, 'Puhelimesta: onko https://eramaa.example/reput/kaira-45 vielä saatavilla?');
  const conv = await agent.conv('Puhelimesta');
  await agent.send(conv, ['On! Tilaa tästä: https://eramaa.example/kassa – toimitus 1–2 päivässä.']);
  await w.locator('li.a', { hasText: 'On! Tilaa' }).waitFor();

  // Tab and Shift+Tab stay inside the panel (links in messages included).
  const where = () => page.evaluate(() => {
    const host = document.activeElement;
    const el = host?.shadowRoot?.activeElement;
    return host?.id === 'tiski-widget' && el && el.closest('section.p') ? el.tagName + (el.className ? '.' + el.className : '') + (el.textContent ? ':' + el.textContent.slice(0, 20) : '') : 'OUTSIDE ' + (el || host)?.tagName;
  });
  const seen = new Set();
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    const at = await where();
    assert.doesNotMatch(at, /^OUTSIDE/, `Tab ${i + 1}`);
    seen.add(at);
  }
  assert.ok(seen.size >= 4, `Tab went round the panel: ${[...seen].join(', ')}`);
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Shift+Tab');
    assert.doesNotMatch(await where(), /^OUTSIDE/, `Shift+Tab ${i + 1}`);
  }
  await w.locator('textarea').focus();
  await page.screenshot({ path: join(shots, 'widget-phone-chat.png') });

  // Escape closes and returns the focus to the launcher.
  await page.keyboard.press('Escape');
  assert.equal(await w.locator('section.p').isHidden(), true);
  assert.equal(await w.locator('button.l').evaluate((b) => b.getRootNode().activeElement === b), true);
  await page.screenshot({ path: join(shots, 'widget-phone-closed.png') });
  assert.deepEqual(s.logged, []);
  await agent.close(conv);
  await s.ctx.close();

  // On a wide screen Tab leaves the panel (no trap).
  const d = await shopper();
  await d.w.locator('button.l').click();
  assert.equal(await d.w.locator('section.p').getAttribute('aria-modal'), 'false');
  let left = false;
  for (let i = 0; i < 12 && !left; i++) {
    await d.page.keyboard.press('Tab');
    left = await d.page.evaluate(() => !document.activeElement?.shadowRoot?.activeElement?.closest('section.p'));
  }
  assert.ok(left, 'focus can leave the panel on a wide screen');
  await d.ctx.close();
  await agent.ctx.close();
});

test('a bad data-color falls back to the default; text on the brand colour stays readable', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 720 }, locale: 'fi-FI' });
  const page = await ctx.newPage();
  const logged = [];
  page.on('pageerror', (e) => logged.push(String(e)));
  page.on('dialog', (d) => {
    logged.push('dialog: ' + d.message());
    d.dismiss();
  });
  // A page of the server's origin with the embed snippet and a data-color (no CSP here). It is
  // written into a page the server sent (/healthz): a page Playwright made up would count as
  // public to Chromium's local network checks, which then block the socket to 127.0.0.1.
  const shop = async (color) => {
    await page.goto(server.url + '/healthz');
    const attr = color.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    await page.setContent(`<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Kauppa</title></head>
<body style="font-family:sans-serif;background:#f3efe6"><h1>Testikauppa</h1>
<script async src="/widget.js" data-site="${server.siteKey}" data-color="${attr}"></script></body></html>`);
  };
  const check = async (color, bg, ink) => {
    await shop(color);
    const w = page.locator('#tiski-widget');
    const l = w.locator('button.l');
    await l.waitFor();
    const got = await l.evaluate((b) => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]);
    assert.deepEqual(got, [bg, ink], color);
    await l.click();
    const h = await w.locator('.p > .h').evaluate((x) => [getComputedStyle(x).backgroundColor, getComputedStyle(x).color]);
    assert.deepEqual(h, [bg, ink], color + ' (header)');
    const btn = await w.locator('form.f button.sb, form.lf button.lb').evaluate((x) => [getComputedStyle(x).backgroundColor, getComputedStyle(x).color]);
    assert.deepEqual(btn, [bg, ink], color + ' (send button)');
    await page.evaluate(() => sessionStorage.clear());
    return w;
  };
  const green = 'rgb(29, 92, 63)';
  const white = 'rgb(255, 255, 255)';
  for (const bad of ['javascript:alert(1)', '#zzz', 'red; background:url(x)', 'var(--x)', 'transparent', 'rgba(200, 0, 0, 0.3)', 'inherit', '']) {
    await check(bad, green, white);
  }
  await check('#c0392b', 'rgb(192, 57, 43)', white);
  await check('rebeccapurple', 'rgb(102, 51, 153)', white);
  const w = await check('#ffd400', 'rgb(255, 212, 0)', 'rgb(17, 17, 17)');
  await w.locator('.t b', { hasText: 'Erämaa' }).waitFor();
  await w.locator('textarea, input').first().focus();
  await page.screenshot({ path: join(shots, 'widget-light-brand.png') });
  assert.deepEqual(logged, []);
  await ctx.close();
});

test('long unbroken words wrap; idle time is reported so "idle 7 s" counts from the last activity', async () => {
  const agent = await agentOnline(server);
  const word = 'Tervetuloa' + 'x'.repeat(290);
  const put = await agent.rest('PUT', `/api/sites/${server.siteKey}/rules`, [{
    id: 7, name: 'Pitkä sana', when: { idle_s: 7 }, action: { mode: 'teaser', text: word }, cap: { once_per_visit: true },
  }]);
  assert.equal(put.status, 200, put.body);
  try {
    for (const [viewport, mobile, shot] of [[{ width: 1280, height: 800 }, false, 'widget-teaser-long.png'], [{ width: 390, height: 844 }, true, 'widget-phone-teaser-long.png']]) {
      const s = await shopper({ viewport, mobile });
      const { page, w } = s;
      await page.mouse.move(200, 200);
      await page.mouse.move(210, 200);
      const t0 = Date.now();
      const tz = w.locator('.tz');
      await tz.waitFor({ timeout: 20000 });
      const took = (Date.now() - t0) / 1000;
      // Reported idle after 5 s with idle_ms 5000: the rule fires 7 s after the last move
      // (it would take 12 s if the server counted from the report).
      assert.ok(took >= 6 && took < 11.5, `the 7 s idle invitation came after ${took} s`);
      const x = await tz.locator('.tx').boundingBox();
      const b = await tz.boundingBox();
      assert.ok(x.x + x.width <= viewport.width && b.x >= 0 && b.x + b.width <= viewport.width, 'the teaser and its × are on screen');
      assert.ok(await tz.locator('.tt').evaluate((t) => t.scrollWidth <= t.clientWidth + 1), 'the text wraps');
      await page.screenshot({ path: join(shots, shot) });
      // In the chat too: the invitation text and a long message stay inside the list.
      await tz.locator('.tt').click();
      await say(s, 'Ok ' + 'y'.repeat(300));
      const list = w.locator('ol.m');
      assert.ok(await list.evaluate((l) => l.scrollWidth <= l.clientWidth), 'nothing wider than the list');
      const x2 = await w.locator('button.x').boundingBox();
      assert.ok(x2.x + x2.width <= viewport.width);
      await page.screenshot({ path: join(shots, shot.replace('teaser', 'chat')) });
      assert.deepEqual(s.logged, []);
      await s.ctx.close();
    }
  } finally {
    await agent.rest('PUT', `/api/sites/${server.siteKey}/rules`, []);
    await agent.ctx.close();
  }
});

test('closed by business hours: the form says when chat opens again, and follows changes', async () => {
  // Closed now in Helsinki, open on the day after tomorrow (then: two days later) 09:00-17:00.
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const hel = (t, o) => new Intl.DateTimeFormat('fi', { ...o, timeZone: 'Europe/Helsinki' }).format(t);
  const dayIn = (n) => {
    const t = Date.now() + n * 864e5;
    const wd = new Intl.DateTimeFormat('en', { weekday: 'short', timeZone: 'Europe/Helsinki' }).format(t).toLowerCase();
    return { key: days.find((d) => wd.startsWith(d)), fi: hel(t, { weekday: 'short' }) };
  };
  const a = dayIn(2);
  const b = dayIn(4);
  const srv = await startServer({ admin: [['hours', 'set', '--tenant', 'eramaa', '--hours', `tz=Europe/Helsinki; ${a.key} 09:00-17:00`]] });
  try {
    const s = await shopper({}, srv);
    const { page, w } = s;
    await w.locator('button.l', { hasText: 'Jätä viesti' }).click();
    const intro = w.locator('form.lf p.in');
    await intro.getByText(`Chat avautuu taas ${a.fi} 9.00.`, { exact: true }).waitFor();
    assert.match(await intro.innerText(), /Emme ole juuri nyt paikalla/);
    await page.screenshot({ path: join(shots, 'widget-offline-opens.png') });

    // A supervisor changes the hours: open now (the chat), then closed until another day (the
    // form again, with the time from avail).
    const agent = await agentOnline(srv);
    const tenant = await agent.tenant();
    let put = await agent.rest('PUT', `/api/tenants/${tenant}/hours`, { hours: 'always' });
    assert.equal(put.status, 200, put.body);
    await w.locator('form.f textarea').waitFor();
    assert.equal(await w.locator('form.lf').count(), 0);
    put = await agent.rest('PUT', `/api/tenants/${tenant}/hours`, { hours: `tz=Europe/Helsinki; ${b.key} 09:00-17:00` });
    assert.equal(put.status, 200, put.body);
    await intro.getByText(`Chat avautuu taas ${b.fi} 9.00.`, { exact: true }).waitFor();

    // On a phone too.
    const p = await shopper({ viewport: { width: 390, height: 844 }, mobile: true }, srv);
    await p.w.locator('button.l').click();
    await p.w.locator('form.lf p.in').getByText(`Chat avautuu taas ${b.fi} 9.00.`).waitFor();
    await p.page.screenshot({ path: join(shots, 'widget-phone-offline.png') });
    assert.deepEqual([...s.logged, ...p.logged], []);
    await agent.ctx.close();
    await s.ctx.close();
    await p.ctx.close();
  } finally {
    await srv.stop();
  }
});
