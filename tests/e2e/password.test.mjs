// In a real browser, with a real SMTP server (tests/smtp_sink.py): an admin invites a new agent
// by email, who opens the mailed link, sets a password, logs in, turns on two-factor login and
// logs in again with a code; an agent who forgot their
// password asks for a link on the login screen, sets a new one (a mismatch is caught first) and
// logs in with it, while the old one no longer works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shots, startServer, startSmtp, launch } from './harness.mjs';
import { totp, turnOnTotp } from './totp_helpers.mjs';
import { consoleLogin } from './report_helpers.mjs';

let server, browser, smtp;
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

// The link in the n-th mail (1-based), once it has arrived.
async function linkInMail(n) {
  for (let i = 0; i < 600 && smtp.messages().length < n; i++) await new Promise((r) => setTimeout(r, 50));
  const eml = smtp.messages()[n - 1];
  assert.ok(eml, `mail ${n} arrived`);
  const body = Buffer.from(eml.slice(eml.indexOf('\r\n\r\n') + 4).replace(/\s+/g, ''), 'base64').toString('utf8');
  const link = /(http:\/\/\S+\/console\/#password=[\w-]+)/.exec(body)?.[1];
  assert.ok(link, body);
  return { link, body, eml };
}

test('an admin invites a new agent by email; the link sets their password; they log in with two-factor', async () => {
  const { page, ctx, errors } = await consoleLogin(browser, server, { width: 1300, height: 900 }, 'omistaja@tiski.demo', '.side .me');
  await page.getByRole('button', { name: /Hallinta/ }).click();
  const agents = page.locator('section.ad-agents');
  await agents.getByLabel('Sähköposti').fill('ulla.uusi@eramaa.demo');
  await agents.getByLabel('Nimi').fill('Ulla Uusi');
  await agents.getByRole('button', { name: 'Lisää', exact: true }).click();
  await agents.locator('.saved-note', { hasText: 'Kutsu lähetetty osoitteeseen ulla.uusi@eramaa.demo' }).waitFor();
  await agents.locator('tr[data-agent]', { hasText: 'Ulla Uusi' }).waitFor();
  const { link, body } = await linkInMail(1);
  assert.match(body, /Outi Omistaja kutsui sinut/);
  await ctx.close();

  const newCtx = await browser.newContext({ viewport: { width: 1200, height: 800 }, locale: 'fi-FI' });
  const ulla = await newCtx.newPage();
  await ulla.goto(link);
  await ulla.getByRole('heading', { name: 'Aseta salasana' }).waitFor();
  await ulla.screenshot({ path: join(shots, 'console-set-password.png') });
  await ulla.getByLabel('Uusi salasana', { exact: true }).fill('ullan-oma-salasana');
  await ulla.getByLabel('Uusi salasana uudelleen').fill('ullan-oma-salasana');
  await ulla.getByRole('button', { name: 'Aseta salasana' }).click();
  await ulla.locator('.notice', { hasText: 'Salasana on asetettu' }).waitFor();
  assert.equal(await ulla.getByLabel('Sähköposti').inputValue(), 'ulla.uusi@eramaa.demo');
  assert.equal(new URL(ulla.url()).hash, '');  // the spent link is gone from the address
  await ulla.getByLabel('Salasana').fill('ullan-oma-salasana');
  await ulla.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await ulla.locator('.presence-bar').waitFor();
  // She turns on two-factor login, and logs in again with her password and a code.
  const key = await turnOnTotp(ulla);
  await ulla.locator('button.link', { hasText: 'Kirjaudu ulos' }).click();
  await ulla.getByLabel('Sähköposti').fill('ulla.uusi@eramaa.demo');
  await ulla.getByLabel('Salasana').fill('ullan-oma-salasana');
  await ulla.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await ulla.getByLabel('Vahvistuskoodi').fill(totp(key, 1));
  await ulla.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await ulla.locator('.presence-bar').waitFor();
  // The same link again: refused with the reason.
  await ulla.goto(link);
  await ulla.getByLabel('Uusi salasana', { exact: true }).fill('toinen-salasana');
  await ulla.getByLabel('Uusi salasana uudelleen').fill('toinen-salasana');
  await ulla.getByRole('button', { name: 'Aseta salasana' }).click();
  await ulla.locator('.error', { hasText: 'expired or has been used' }).waitFor();
  assert.deepEqual(errors, []);
  await newCtx.close();
});

test('a forgotten password: a link from the login screen, a new password, the old one stops working', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 }, locale: 'fi-FI' });
  const page = await ctx.newPage();
  await page.goto(server.url + '/console/');
  await page.getByLabel('Sähköposti').fill('agentti@pyorapaja.demo');
  await page.getByRole('button', { name: 'Unohditko salasanan?' }).click();
  assert.equal(await page.getByLabel('Sähköposti').inputValue(), 'agentti@pyorapaja.demo');
  const before = smtp.messages().length;
  await page.getByRole('button', { name: 'Lähetä linkki' }).click();
  await page.locator('.notice', { hasText: 'Jos osoitteella on Tiski-tunnus' }).waitFor();
  await page.screenshot({ path: join(shots, 'console-forgot-password.png') });
  const { link } = await linkInMail(before + 1);

  await page.goto(link);
  await page.getByLabel('Uusi salasana', { exact: true }).fill('pekan-uusi-salasana');
  await page.getByLabel('Uusi salasana uudelleen').fill('pekan-uusi-salsana');
  await page.getByRole('button', { name: 'Aseta salasana' }).click();
  await page.locator('.error', { hasText: 'Salasanat eivät täsmää' }).waitFor();
  await page.getByLabel('Uusi salasana uudelleen').fill('pekan-uusi-salasana');
  await page.getByRole('button', { name: 'Aseta salasana' }).click();
  await page.locator('.notice', { hasText: 'Salasana on asetettu' }).waitFor();
  await page.getByLabel('Salasana').fill(server.password);
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.locator('.error', { hasText: /Väärä|sähköposti tai salasana/i }).waitFor();
  await page.getByLabel('Salasana').fill('pekan-uusi-salasana');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.locator('.presence-bar').waitFor();
  await ctx.close();
});
