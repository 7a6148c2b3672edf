// In a real browser: one person, one history (docs/contacts.md). With nobody online a visitor
// leaves a message with her email on the demo shop; later, logged in at the shop on another
// device (a verified customer with that email), she chats, the shop's social-media bridge
// posts her message there through the API channel and her email arrives through the email
// channel. The agent sees one customer beside the chat: her keys and her whole history over
// chat, form, email and the API, the earlier message a click away; a
// contact the agent made by phone is merged in from the panel, and the visitor split off again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { identifiedShopPage, launch, ownerSession, shots, startServer, startShop } from './harness.mjs';
import { consoleLogin } from './report_helpers.mjs';

let server, browser, shop, cookie, headers;
before(async () => {
  server = await startServer();
  browser = await launch();
  ({ cookie, headers } = await ownerSession(server));
  shop = await startShop(await identifiedShopPage(server, cookie,
    { id: 'asiakas-77', name: 'Aino Virtanen', email: 'aino.virtanen@example.fi' }));
});
after(async () => {
  await browser?.close();
  await server?.stop();
  shop?.close();
});

test('a form and a verified chat are one customer with one history; merge and split in the panel', async () => {
  // Nobody online: the phone leaves a message with her address.
  const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 800 }, locale: 'fi-FI' });
  const phone = await phoneCtx.newPage();
  await phone.goto(server.url + '/demo/');
  const pw = phone.locator('#tiski-widget');
  await pw.locator('button.l', { hasText: 'Jätä viesti' }).click();
  const form = pw.locator('form.lf');
  await form.getByLabel('Nimi (vapaaehtoinen)').fill('Aino Virtanen');
  await form.getByLabel('Sähköposti', { exact: true }).fill('Aino.Virtanen@example.fi');
  await form.getByLabel('Viesti', { exact: true }).fill('Sopiiko Vaellus 2 -teltta talviretkelle?');
  await form.getByLabel(/Annan luvan/).check();
  await form.locator('button.lb').click();
  await pw.locator('li.v', { hasText: 'talviretkelle' }).waitFor();

  // An agent comes online; the laptop, logged in at the shop, chats.
  const desk = await consoleLogin(browser, server, { width: 1400, height: 900 });
  const laptop = await (await browser.newContext({ viewport: { width: 1200, height: 800 }, locale: 'fi-FI' })).newPage();
  await laptop.goto(shop.url);
  const lw = laptop.locator('#tiski-widget');
  await lw.locator('button.l').click();
  await lw.locator('textarea').fill('Tilasin teltan eilen, milloin se lähtee?');
  await laptop.keyboard.press('Enter');
  await lw.locator('li.v:not(.q)', { hasText: 'milloin se lähtee' }).waitFor();

  // She also wrote on the shop's social-media page; its bridge posts through the API channel.
  const token = (await (await fetch(`${server.url}/api/tenants/1/tokens`, { method: 'POST', headers,
    body: JSON.stringify({ name: 'Some-silta', scopes: ['read', 'write'] }) })).json()).token;
  const bridged = await fetch(`${server.url}/api/tenants/1/channel/messages`, { method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ thread: 'messenger:4471', cid: 'mid.1', name: 'Aino V.', body: 'Onko teillä talvimakuupusseja?',
      keys: [{ kind: 'email', value: 'aino.virtanen@example.fi' }] }) });
  assert.equal(bridged.status, 201, await bridged.text());
  // And she emailed the shop; the mail provider posts the email to the email channel's door.
  const mailed = await fetch(`${server.url}/api/tenants/1/mail/inbound`, { method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'message/rfc822' },
    body: 'From: Aino Virtanen <aino.virtanen@example.fi>\r\nSubject: Palautus\r\nMessage-ID: <p1@example.fi>\r\n\r\n' +
      'Voinko palauttaa liian pienen makuualustan?\r\n' });
  assert.equal(mailed.status, 201, await mailed.text());

  // Beside the chat: one customer, her keys and her history over both devices and the API.
  await desk.page.locator('.item', { hasText: 'milloin se lähtee' }).first().click();
  const panel = desk.page.locator('aside.ctx .person');
  await panel.locator('.ct-name', { hasText: 'Aino Virtanen' }).waitFor();
  await panel.locator('.ct-name', { hasText: 'Laitteita tai kanavia: 4' }).waitFor();
  await panel.locator('.ct-history .item', { hasText: 'Palautus' }).locator('.tag', { hasText: 'Sähköposti' }).waitFor();
  await panel.locator('.ct-history .item', { hasText: 'talvimakuupusseja' }).locator('.tag', { hasText: 'Rajapinta' }).waitFor();
  await panel.locator('.ct-keys li', { hasText: 'aino.virtanen@example.fi' }).waitFor();
  await panel.locator('.ct-keys li', { hasText: 'asiakas-77' }).waitFor();
  const earlier = panel.locator('.ct-history .item', { hasText: 'talviretkelle' });
  await earlier.waitFor();
  assert.match(await earlier.innerText(), /Jätetty viesti|viesti/i);
  await panel.scrollIntoViewIfNeeded();
  await desk.page.screenshot({ path: join(shots, 'console-contact-history.png') });

  // The earlier message opens with a click.
  await earlier.click();
  await desk.page.locator('.msgs .m.visitor', { hasText: 'Sopiiko Vaellus 2 -teltta talviretkelle?' }).waitFor();

  // A phone call the agent logged as a contact of its own is merged in from the panel.
  const made = await fetch(`${server.url}/api/tenants/1/contacts`, { method: 'POST', headers,
    body: JSON.stringify({ name: 'A. Virtanen (puhelin)', keys: [{ kind: 'phone', value: '+358 50 765 4321' }] }) });
  assert.equal(made.status, 201, await made.text());
  await desk.page.locator('.item', { hasText: 'milloin se lähtee' }).first().click();
  await desk.page.locator('main.chat .msgs', { hasText: 'milloin se lähtee' }).waitFor();
  await panel.locator('.ct-merge summary').click();
  await panel.getByLabel('Nimi, sähköposti tai puhelin').fill('765');
  await panel.getByRole('button', { name: 'Hae' }).click();
  desk.page.once('dialog', (d) => void d.accept());
  await panel.locator('.ct-found li', { hasText: 'A. Virtanen (puhelin)' }).getByRole('button', { name: 'Yhdistä tähän' }).click();
  await panel.locator('.ct-keys li', { hasText: '+358507654321' }).waitFor();
  await desk.page.screenshot({ path: join(shots, 'console-contact-merged.png') });

  // This visitor split off: a customer of its own, the form stays with the other.
  desk.page.once('dialog', (d) => void d.accept());
  await panel.locator('.ct-split').click();
  await panel.locator('.ct-name', { hasText: 'Laitteita tai kanavia: 1' }).waitFor();
  await panel.locator('.ct-history', { hasText: 'talviretkelle' }).waitFor({ state: 'detached' });
  const audit = await (await fetch(`${server.url}/api/tenants/1/audit?action=contact`, { headers: { cookie } })).json();
  assert.deepEqual(audit.entries.map((e) => e.action), ['contact.split', 'contact.merge']);
  assert.deepEqual(desk.errors, []);
});

// The panel follows the chat on screen: switching quickly between two customers' chats never
// leaves one person's panel beside the other's chat (it did about half the time: a merge from
// it joined the wrong people), and the merge asks naming both.
test('switching chats shows each chat\'s own customer; the merge confirmation names both', async () => {
  const token = (await (await fetch(`${server.url}/api/tenants/1/tokens`, { method: 'POST', headers,
    body: JSON.stringify({ name: 'Silta 2', scopes: ['read', 'write'] }) })).json()).token;
  const post = (thread, name, email, body) => fetch(`${server.url}/api/tenants/1/channel/messages`, { method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ thread, cid: thread, name, body, keys: [{ kind: 'email', value: email }] }) });
  assert.equal((await post('wa:1001', 'Matti Meikäläinen', 'matti@example.fi', 'Makuupussin vetoketju on rikki')).status, 201);
  assert.equal((await post('wa:1002', 'Liisa Laine', 'liisa@example.fi', 'Mitä maksaa Tunturi 2?')).status, 201);
  const desk = await consoleLogin(browser, server, { width: 1400, height: 900 });
  const panel = desk.page.locator('aside.ctx .person');
  const chats = [['vetoketju', 'Matti Meikäläinen'], ['Tunturi 2', 'Liisa Laine']];
  for (let i = 0; i < 8; i++) {
    const [text, name] = chats[i % 2];
    await desk.page.locator('.item', { hasText: text }).first().click();
    await desk.page.locator('main.chat .msgs', { hasText: text }).waitFor();
    await panel.locator('.ct-name', { hasText: name }).waitFor();
    await desk.page.waitForTimeout(150 * (i % 3));  // late answers of the previous chat's panel
    assert.match(await panel.locator('.ct-name').innerText(), new RegExp(name), `switch ${i}`);
    assert.equal(await panel.locator('.error').count(), 0, `switch ${i}: no error`);
  }
  // On Liisa's chat, Matti found and merged: the question names who goes where.
  await panel.locator('.ct-merge summary').click();
  await panel.getByLabel('Nimi, sähköposti tai puhelin').fill('matti@');
  await panel.getByRole('button', { name: 'Hae' }).click();
  const asked = new Promise((ok) => desk.page.once('dialog', (d) => { ok(d.message()); void d.dismiss(); }));
  await panel.locator('.ct-found li', { hasText: 'Matti' }).getByRole('button', { name: 'Yhdistä tähän' }).click();
  assert.match(await asked, /Matti Meikäläinen.*Liisa Laine/);
  assert.deepEqual(desk.errors, []);
});
