// In a real browser, against a real IMAP server (Debian's Dovecot): a tenant admin adds the
// support mailbox in Administration (the password never shown again) and sets the channels'
// expected response times; an email delivered to the mailbox appears in the agents' inbox with
// when its answer is due, soonest first; the answer clears it and the report counts it on time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shots, startServer, startImap, startSmtp, launch } from './harness.mjs';
import { answer, consoleLogin, rawVisitor } from './report_helpers.mjs';

let server, browser, imap, smtp;
before(async () => {
  imap = await startImap();
  smtp = await startSmtp();
  server = await startServer({ config: imap.config + smtp.config });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  await imap?.stop();
  await smtp?.stop();
});

test('a mailbox is read into the inbox, each email shows when its answer is due', async () => {
  const { page, errors } = await consoleLogin(browser, server, { width: 1400, height: 900 }, 'omistaja@tiski.demo', '.side .me');
  page.on('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: /Hallinta/ }).click();

  // Response times: API messages within 8 business hours; a bad value gets the server's reason.
  const targets = page.locator('section.ad-targets');
  await targets.locator('input[data-target="api"]').fill('8h');
  await targets.getByRole('button', { name: 'Tallenna' }).click();
  await targets.locator('.ok').waitFor();

  // The mailbox: added, read within moments, its password never shown again.
  const boxes = page.locator('section.in-mailboxes');
  await boxes.locator('.empty').waitFor();
  await boxes.getByLabel('Palvelin ja kansio').fill(imap.url);
  await boxes.getByLabel('Käyttäjätunnus').fill('support');
  await boxes.getByLabel('Salasana', { exact: true }).fill('secret');
  await boxes.getByRole('button', { name: 'Lisää laatikko' }).click();
  const row = boxes.locator('li[data-mailbox]');
  await row.waitFor();
  assert.doesNotMatch(await boxes.innerText(), /secret/);
  await row.locator('.events', { hasText: /Luettu \d/ }).waitFor({ timeout: 30000 });
  assert.equal(await row.locator('.error').count(), 0, await row.innerText());
  await page.screenshot({ path: join(shots, 'mailboxes-admin.png'), fullPage: true });

  // Two emails arrive by IMAP: both in the inbox with their due times.
  imap.append('From: Liisa Lähde <liisa@example.fi>\nSubject: Makuupussi talveen\nMessage-ID: <l1@example.fi>\n\nMillainen makuupussi sopii talvivaellukselle?\n');
  imap.append('From: kalle@example.fi\nSubject: Palautus\nMessage-ID: <k1@example.fi>\n\nVoinko palauttaa kengät?\n');
  const desk = await consoleLogin(browser, server, { width: 1400, height: 900 });
  const inbox = desk.page.locator('section[data-list="inbox"]');
  await inbox.locator('.item', { hasText: 'Liisa Lähde' }).waitFor({ timeout: 30000 });
  await inbox.locator('.item', { hasText: 'kalle@example.fi' }).waitFor({ timeout: 30000 });
  for (const item of await inbox.locator('.item').all()) {
    assert.match(await item.locator('.due').innerText(), /Vastaa viimeistään/);
  }
  await desk.page.screenshot({ path: join(shots, 'inbox-due.png') });

  // The agent answers Liisa: her due time is gone.
  await inbox.locator('.item', { hasText: 'Liisa Lähde' }).click();
  const chat = desk.page.locator('main.chat');
  await chat.locator('.headline .due').waitFor();
  await chat.getByRole('textbox').first().fill('Suosittelen Talvi 3 -makuupussia.');
  await chat.getByRole('textbox').first().press('Enter');
  await chat.locator('.headline .due').waitFor({ state: 'detached' });
  const mine = desk.page.locator('section[data-list="mine"] .item', { hasText: 'Liisa Lähde' });
  await mine.waitFor();
  assert.equal(await mine.locator('.due').count(), 0);
  assert.deepEqual(errors, []);
  assert.deepEqual(desk.errors, []);
});

test('an agent continues a chat by email: the visitor gets the note and the chat so far', async () => {
  const { page, errors } = await consoleLogin(browser, server, { width: 1400, height: 900 });
  const visitor = await rawVisitor(browser, server, 'Sopiiko tämä teltta talvikäyttöön?');
  await answer(page, visitor.conv, 'Tarkistan valmistajalta.');
  const chat = page.locator('main.chat');
  await chat.getByRole('button', { name: 'Jatka sähköpostitse' }).click();
  const form = chat.locator('form.followup-form');
  await form.getByLabel('Asiakkaan sähköposti').fill('teltta@example.fi');
  await page.screenshot({ path: join(shots, 'followup-form.png') });
  await form.getByRole('button', { name: 'Lähetä ja jatka sähköpostitse' }).click();
  await chat.locator('.chat-notice', { hasText: 'teltta@example.fi' }).waitFor();
  await chat.locator('.mailline', { hasText: 'teltta@example.fi' }).waitFor();
  await chat.locator('.headline .due').waitFor();
  await chat.getByRole('button', { name: 'Jatka sähköpostitse' }).waitFor({ state: 'detached' });
  for (let i = 0; i < 300 && !smtp.messages().some((m) => m.includes('teltta@example.fi')); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(smtp.messages().some((m) => m.includes('teltta@example.fi')), 'the email went out');
  assert.deepEqual(errors, []);
  await visitor.ctx.close();
});
