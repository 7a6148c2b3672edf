// Files in a real browser (docs/attachments.md): on a shop's page of another origin (the widget
// calls Tiski across origins, CORS), the visitor sends a photo with the paperclip; the agent sees
// the picture in the console and answers with a PDF, which the visitor downloads from the
// widget; a file the shop does not take is refused in the visitor's words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { startServer, startShop, launch, shots } from './harness.mjs';
import { consoleLogin } from './report_helpers.mjs';

let server, shop, browser;
before(async () => {
  server = await startServer();
  shop = await startShop(`<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Erämaa – Teltat</title></head>
<body style="font-family:sans-serif;background:#f4f1ea"><h1>Vaellus 2 -teltta</h1><p>Kevyt kahden hengen teltta.</p>
<script async src="${server.url}/widget.js" data-site="${server.siteKey}"></script></body></html>`);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  shop?.close();
  await server?.stop();
});

// A w×h PNG of a tent on a hillside (truecolour, drawn pixel by pixel).
function tentPng(w, h) {
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) {
      const hill = y > h * 0.62 + Math.sin(x / 23) * 8;
      const tent = y > h * 0.3 && y < h * 0.7 && Math.abs(x - w / 2) < (y - h * 0.3) * 0.9;
      const [r, g, b] = tent ? [214, 110, 40] : hill ? [70, 120, 70] : [150 + y / 4, 190 + y / 8, 235];
      row.set([r, g, b], 1 + x * 3);
    }
    rows.push(row);
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

test('a photo from the shop page to the console, a PDF back, a refused file explained', async () => {
  // The agent first: online, so the widget offers live chat.
  const agentCtx = await browser.newContext({ viewport: { width: 1400, height: 860 }, locale: 'fi-FI' });
  const agent = await agentCtx.newPage();
  await agent.goto(server.url + '/console/');
  await agent.getByLabel('Sähköposti').fill(server.email);
  await agent.getByLabel('Salasana').fill(server.password);
  await agent.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await agent.locator('.presence-bar', { hasText: 'Paikalla' }).waitFor();  // connected: online

  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fi-FI' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(shop.url);
  const w = page.locator('#tiski-widget');
  await w.locator('button.l').click();
  await w.locator('textarea').waitFor();
  await w.locator('textarea').fill('Onko tämä teltta teillä varastossa?');
  await page.keyboard.press('Enter');
  await w.locator('li.v:not(.q)', { hasText: 'Onko tämä teltta' }).waitFor();

  // The paperclip: a photo, shown in the widget once it is stored and fetched back.
  const photo = tentPng(320, 200);
  await w.getByRole('button', { name: 'Liitä tiedosto' }).waitFor();
  await w.locator('input[type=file]').setInputFiles({ name: 'teltta.png', mimeType: 'image/png', buffer: photo });
  const img = w.locator('li.v img.fi');
  await img.waitFor();
  await page.waitForFunction(() => {
    const i = document.querySelector('#tiski-widget').shadowRoot.querySelector('li.v img.fi');
    return i && i.complete && i.naturalWidth === 320;
  });
  await page.screenshot({ path: join(shots, 'files-widget-photo.png') });

  // The console: the chat with the picture, decoded at its size.
  const item = agent.locator('.item', { hasText: 'teltta.png' }).or(agent.locator('.item', { hasText: 'Onko tämä teltta' })).first();
  await item.click();
  const pic = agent.locator('.msgs .m.visitor .file.picture img');
  await pic.waitFor();
  await agent.waitForFunction(() => {
    const i = document.querySelector('.msgs .m.visitor .file.picture img');
    return i && i.complete && i.naturalWidth === 320;
  });

  // The agent answers with a PDF through the composer's paperclip.
  await agent.locator('.composer textarea').fill('Kyllä on! Tässä tuotekortti.');
  await agent.keyboard.press('Enter');
  await agent.locator('.composer input[type=file]').setInputFiles({ name: 'Vaellus 2 – tuotekortti.pdf', mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n% Vaellus 2\n') });
  await agent.locator('.msgs .m.agent .file a', { hasText: 'Vaellus 2 – tuotekortti.pdf' }).waitFor();
  await agent.screenshot({ path: join(shots, 'files-console.png') });

  // The visitor downloads it from the widget.
  const link = w.locator('li.a button.fb', { hasText: 'Vaellus 2 – tuotekortti.pdf' });
  await link.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), 'Vaellus 2 – tuotekortti.pdf');

  // A program is not taken: said in Finnish, nothing sent.
  await w.locator('input[type=file]').setInputFiles({ name: 'ohjelma.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
  await w.locator('.e', { hasText: 'Tätä tiedostoa ei voi lähettää täällä.' }).waitFor();
  assert.equal(await w.locator('li.v', { hasText: 'ohjelma.exe' }).count(), 0);
  await page.screenshot({ path: join(shots, 'files-widget-refused.png') });
  assert.deepEqual(errors, []);

  // A phone: the picture fits the screen.
  await page.setViewportSize({ width: 390, height: 780 });
  const box = await img.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `the picture fits a phone screen: ${JSON.stringify(box)}`);
  await page.screenshot({ path: join(shots, 'files-widget-phone.png') });

  // The demo shop is served with a strict Content-Security-Policy, as a careful shop is: the
  // photo shows there too (its img-src lacked blob: and the picture was broken).
  const demo = await ctx.newPage();
  await demo.goto(server.url + '/demo/');
  const dw = demo.locator('#tiski-widget');
  await dw.locator('button.l').click();
  await dw.locator('textarea').fill('Entä tämä?');
  await demo.keyboard.press('Enter');
  await dw.locator('li.v:not(.q)', { hasText: 'Entä tämä?' }).waitFor();
  await dw.locator('input[type=file]').setInputFiles({ name: 'teltta.png', mimeType: 'image/png', buffer: photo });
  await demo.waitForFunction(() => {
    const i = document.querySelector('#tiski-widget').shadowRoot.querySelector('li.v img.fi');
    return i && i.complete && i.naturalWidth === 320;
  });
});

test('an admin narrows what files the company takes, and the widget says so', async () => {
  const { page } = await consoleLogin(browser, server, { width: 1400, height: 900 }, 'omistaja@tiski.demo', '.side .me');
  await page.getByRole('button', { name: /Hallinta/ }).click();
  const box = page.locator('section.ad-attachments');
  await box.getByLabel('Suurin tiedosto (Mt)').fill('0.5');
  await box.getByLabel(/Sallitut tiedostotyypit/).fill('jpg png pdf');
  await box.getByRole('button', { name: 'Tallenna' }).click();
  await box.locator('.ok', { hasText: 'Liiteasetukset tallennettu.' }).waitFor();
  // Over the 20 MB anyone may send: the form itself refuses it; the server would too (400).
  await box.getByLabel('Suurin tiedosto (Mt)').fill('50');
  assert.equal(await box.getByLabel('Suurin tiedosto (Mt)').evaluate((e) => e.validity.valid), false);
  await box.getByLabel('Suurin tiedosto (Mt)').fill('0.5');
  await box.screenshot({ path: join(shots, 'files-admin-policy.png') });

  const ctx = await browser.newContext({ viewport: { width: 390, height: 780 }, locale: 'fi-FI' });
  const shopPage = await ctx.newPage();
  await shopPage.goto(shop.url);
  const w = shopPage.locator('#tiski-widget');
  await w.locator('button.l').click();
  await w.locator('textarea').waitFor();
  await w.locator('.t b', { hasText: 'Erämaa' }).waitFor();  // welcomed: the upload has its token
  // A 600 kB PDF is over the company's 0.5 MB; a text file is not a type it takes.
  await w.locator('input[type=file]').setInputFiles({ name: 'iso.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(600_000, 65) });
  await w.locator('.e', { hasText: 'Tiedosto on liian suuri.' }).waitFor();
  await w.locator('input[type=file]').setInputFiles({ name: 'muistio.txt', mimeType: 'text/plain', buffer: Buffer.from('hei') });
  await w.locator('.e', { hasText: 'Tätä tiedostoa ei voi lähettää täällä.' }).waitFor();
  assert.equal(await w.locator('li.v').count(), 0);
});

test('an HTML email is shown sanitised in the console, its web pictures only on request', async () => {
  const { ownerSession } = await import('./harness.mjs');
  const owner = await ownerSession(server);
  const tok = await (await fetch(server.url + '/api/tenants/1/tokens', { method: 'POST', headers: owner.headers,
    body: JSON.stringify({ name: 'Posti', scopes: ['read', 'write'] }) })).json();
  const html = '<html><body onload="parent.document.title=\'pwned\'"><h2 style="color:#1d5c3f">Tilaus 4521</h2>' +
    '<p>Hei, <b>paketti</b> ei ole vielä tullut.</p><img src="https://track.example/pixel.gif" alt="logo">' +
    '<script>parent.document.body.innerHTML=""</script><a href="https://eramaa.example/t/4521">Seuranta</a></body></html>';
  const eml = ['From: Liisa <liisa@example.fi>', 'Subject: Tilaus 4521', 'Message-ID: <h2@example.fi>', 'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8', '', html, ''].join('\r\n');
  const r = await fetch(server.url + '/api/tenants/1/mail/inbound', { method: 'POST', headers: { Authorization: 'Bearer ' + tok.token }, body: eml });
  assert.equal(r.status, 201);

  const { page } = await consoleLogin(browser, server, { width: 1400, height: 900 });
  await page.locator('[data-list=inbox] .item', { hasText: 'liisa@example.fi' }).or(page.locator('[data-list=inbox] .item', { hasText: 'Liisa' })).first().click();
  await page.getByRole('button', { name: 'Näytä alkuperäinen HTML-viesti' }).click();
  const frame = page.frameLocator('.html-body iframe');
  await frame.locator('h2', { hasText: 'Tilaus 4521' }).waitFor();
  assert.equal(await frame.locator('img').getAttribute('src'), null, 'the web picture is left out');
  assert.equal(await frame.locator('a', { hasText: 'Seuranta' }).getAttribute('target'), '_blank');
  await page.screenshot({ path: join(shots, 'files-html-email.png') });
  await page.getByRole('button', { name: 'Näytä kuvat' }).click();
  await frame.locator('img[src="https://track.example/pixel.gif"]').waitFor({ state: 'attached' });
  assert.notEqual(await page.title(), 'pwned');
  assert.ok(await page.locator('.side').count() > 0, 'the console is intact');
});
