// In a real browser: an agent turns on two-factor login in Hallinta (the key shown as text and as
// an otpauth:// link), confirms it with a code computed here as a phone would (RFC 6238 with
// Node's own HMAC), logs out, and logs in again: the login screen asks for the code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shots, startServer, launch } from './harness.mjs';
import { consoleLogin } from './report_helpers.mjs';
import { base32, totp } from './totp_helpers.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an agent turns on two-factor login; the next login asks for the code', async () => {
  const { page, ctx, errors } = await consoleLogin(browser, server, { width: 1300, height: 900 });
  await page.getByRole('button', { name: /Oma tili|Hallinta/ }).click();
  const tf = page.locator('section.tf');
  await tf.getByRole('button', { name: 'Ota käyttöön' }).click();
  const key = base32(await tf.locator('.tf-key').innerText());
  assert.equal(key.length, 20);
  assert.match(await tf.getByRole('link', { name: 'Avaa todennussovelluksessa' }).getAttribute('href'), /^otpauth:\/\/totp\/Tiski:/);
  await page.screenshot({ path: join(shots, 'totp-setup.png') });
  await tf.getByLabel('Vahvistuskoodi').fill('000000');
  await tf.getByRole('button', { name: 'Vahvista' }).click();
  await tf.locator('.error').waitFor();
  await tf.getByLabel('Vahvistuskoodi').fill(totp(key));
  await tf.getByRole('button', { name: 'Vahvista' }).click();
  await tf.locator('.tag', { hasText: /^käytössä$/ }).first().waitFor();  // not "ei käytössä", shown before
  await page.locator('button.link', { hasText: 'Kirjaudu ulos' }).click();

  // The login form's fields: until the logout is answered the Hallinta page is still there, with
  // an "Sähköposti" of its own (the add-agent form) — under load the email went there, and the
  // login was sent without one (both earlier whole-run failures of this test).
  const login = page.locator('.login');
  await login.getByLabel('Sähköposti').fill(server.email);
  await login.getByLabel('Salasana').fill(server.password);
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  const code = page.getByLabel('Vahvistuskoodi');
  // What the login page said if the prompt does not come.
  await code.waitFor().catch(async (e) => {
    await page.screenshot({ path: join(shots, 'totp-login-failed.png') });
    throw new Error(`${e.message}\nthe login page said: ${await page.locator('.login').innerText().catch(() => '?')}`);
  });
  await page.screenshot({ path: join(shots, 'totp-login.png') });
  await code.fill('123456');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.locator('.login .error', { hasText: 'Väärä' }).waitFor();
  await code.fill(totp(key, 1));
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.locator('.presence-bar').waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
});
