// In a real browser: with no agent online the widget shows the leave-a-message form;
// the message appears in the console's inbox; the agent's reply arrives as an email at a real
// SMTP server (Debian's python3-aiosmtpd) and the console shows it was sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, startSmtp, launch, shots } from './harness.mjs';

let server, smtp, browser;
before(async () => {
  smtp = await startSmtp();
  server = await startServer({ config: smtp.config });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.stop();
});

// The decoded text/plain part of a message Tiski rendered.
function plainText(eml) {
  const m = /Content-Type: text\/plain[^]*?\r\n\r\n([^]*?)\r\n--/.exec(eml);
  return m ? Buffer.from(m[1].replace(/\s+/g, ''), 'base64').toString('utf8') : '';
}

test('nobody online: leave a message, the agent answers by email', async () => {
  const shopCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fi-FI' });
  const shop = await shopCtx.newPage();
  const logged = [];
  shop.on('console', (m) => logged.push(m.text()));
  shop.on('pageerror', (e) => logged.push(String(e)));
  await shop.goto(server.url + '/demo/');
  const w = shop.locator('#tiski-widget');
  await w.locator('button.l', { hasText: 'Jätä viesti' }).click();
  const form = w.locator('form.lf');
  await form.waitFor();
  assert.match(await form.innerText(), /Emme ole juuri nyt paikalla/);
  assert.equal(await w.locator('textarea').count(), 1, 'only the form, no live chat input');

  // A malformed address is refused in Finnish, and nothing is sent.
  await form.getByLabel('Nimi (vapaaehtoinen)').fill('Matti Meikäläinen');
  await form.getByLabel('Sähköposti', { exact: true }).fill('matti@example');
  await form.getByLabel('Viesti', { exact: true }).fill('Onko Vaellus 2 -telttaa varastossa? Tarvitsisin sen perjantaiksi.');
  await form.getByLabel(/Annan luvan/).check();
  await shop.screenshot({ path: join(shots, 'offline-form.png') });
  await form.locator('button.lb').click();
  await form.getByText('Tarkista sähköpostiosoite').waitFor();
  await form.getByLabel('Sähköposti', { exact: true }).fill('matti@example.fi');
  await form.locator('button.lb').click();
  await w.locator('li.k', { hasText: 'Vastaamme osoitteeseen matti@example.fi' }).waitFor();
  await w.locator('li.v', { hasText: 'Onko Vaellus 2 -telttaa varastossa?' }).waitFor();
  await shop.screenshot({ path: join(shots, 'offline-thanks.png') });

  // The agent logs in: the message waits in the inbox, marked, with the contact.
  const agentCtx = await browser.newContext({ viewport: { width: 1400, height: 860 }, locale: 'fi-FI' });
  const agent = await agentCtx.newPage();
  await agent.goto(server.url + '/console/');
  await agent.getByLabel('Sähköposti').fill(server.email);
  await agent.getByLabel('Salasana').fill(server.password);
  await agent.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  const item = agent.locator('[data-list=inbox] .item', { hasText: 'matti@example.fi' });
  await item.waitFor();
  assert.equal(await agent.locator('[data-list=mine] .item').count(), 0, 'an inbox item is not routed');
  await agent.screenshot({ path: join(shots, 'console-inbox.png') });
  await item.click();
  await agent.locator('.mailline', { hasText: 'matti@example.fi' }).waitFor();
  await agent.locator('.msgs .m.visitor', { hasText: 'Tarvitsisin sen perjantaiksi' }).waitFor();
  assert.equal(await agent.locator('.mail-off').count(), 0, 'warned of missing email with a relay set');
  await agent.locator('.composer textarea').fill('Hei Matti! Vaellus 2 on varastossa, ja ehdit hyvin: toimitus 1–2 arkipäivää.');
  await agent.keyboard.press('Enter');
  await agent.locator('.msgs .mail.sent', { hasText: 'matti@example.fi' }).waitFor({ timeout: 30000 });
  await agent.screenshot({ path: join(shots, 'console-email-sent.png') });

  // The email at the SMTP server: to the visitor, threaded, with the reply and the question.
  const mails = smtp.messages();
  assert.equal(mails.length, 1);
  const eml = mails[0];
  assert.match(eml, /^To: .*<matti@example\.fi>/m);
  assert.match(eml, /^Message-ID: <tiski\.\d+\.\d+\.[0-9a-f]+@eramaa\.example>/m);
  assert.match(eml, /^In-Reply-To: <tiski\.\d+\.[0-9a-f]+@eramaa\.example>/m);
  const text = plainText(eml);
  assert.match(text, /Vaellus 2 on varastossa/);
  assert.match(text, /> Onko Vaellus 2 -telttaa varastossa\?/);

  // The visitor, still on the page, sees the answer too.
  await w.locator('li.a', { hasText: 'Vaellus 2 on varastossa' }).waitFor();
  await shop.screenshot({ path: join(shots, 'offline-answer-in-widget.png') });
  assert.deepEqual(logged, [], 'the widget wrote nothing to the shop page console');
  await shopCtx.close();
  await agentCtx.close();
});
