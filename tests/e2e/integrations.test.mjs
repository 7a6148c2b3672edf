// In a real browser: a tenant admin makes an API token (shown once, then used by an outside
// system, then revoked) and a webhook whose receiver (tests/hook_sink.py, which checks the
// signature with Python's HMAC) gets a signed message.created when a visitor writes in the
// widget; the delivery log shows it delivered. Hostile input is refused or shown as text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shots, startServer, startHookSink, launch } from './harness.mjs';
import { consoleLogin } from './report_helpers.mjs';

let server, browser, sink;
before(async () => {
  sink = await startHookSink();
  server = await startServer({ config: '[webhooks]\nallow_private = true\nretry_seconds = 1\n' });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.stop();
});

const hostile = '<img src=x onerror="window.__xss=1">CRM';

test('an admin makes an API token and a webhook; a visitor message reaches the receiver signed', async () => {
  const { page, ctx, errors } = await consoleLogin(browser, server, { width: 1400, height: 900 }, 'omistaja@tiski.demo', '.side .me');
  page.on('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: /Hallinta/ }).click();
  const tokens = page.locator('section.in-tokens');
  await tokens.locator('.empty').waitFor();

  // A token: shown once, works from outside, listed without its secret.
  await tokens.getByLabel('Nimi').fill(hostile);
  await tokens.getByRole('button', { name: 'Luo avain' }).click();
  const secret = await tokens.locator('.in-once code').innerText();
  assert.match(secret, /^tsk_[A-Za-z0-9_-]{40,}$/);
  await tokens.locator('tr[data-token]', { hasText: '<img src=x' }).waitFor();
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  const bearer = { headers: { Authorization: `Bearer ${secret}` } };
  assert.equal((await fetch(server.url + '/api/tenants/1/queue', bearer)).status, 200);
  assert.equal((await fetch(server.url + '/api/tenants/2/queue', bearer)).status, 404);

  // A webhook: a javascript: URL is refused with the server's reason; a real one is added.
  const hooks = page.locator('section.in-hooks');
  await hooks.getByLabel('Osoite (URL)').fill('javascript:alert(1)');
  await hooks.getByRole('button', { name: 'Lisää webhook' }).click();
  await hooks.locator('.error', { hasText: 'url' }).waitFor();
  await hooks.getByLabel('Osoite (URL)').fill(sink.url('/tiski'));
  await hooks.getByRole('checkbox', { name: 'conversation.created' }).check();
  await hooks.getByRole('button', { name: 'Lisää webhook' }).click();
  const hookSecret = await hooks.locator('.in-once code').innerText();
  assert.match(hookSecret, /^whsec_/);
  sink.setSecret(hookSecret);
  await hooks.locator('li[data-hook]').waitFor();

  // An agent is online, so the widget offers live chat.
  const desk = await consoleLogin(browser, server, { width: 1200, height: 800 });
  // A visitor writes in the shop's widget.
  const shopCtx = await browser.newContext({ viewport: { width: 1200, height: 800 }, locale: 'fi-FI' });
  const shop = await shopCtx.newPage();
  await shop.goto(server.url + '/demo/');
  await shop.locator('#tiski-widget button.l').click();
  await shop.locator('#tiski-widget textarea').fill('Paljonko rinkka maksaa?');
  await shop.keyboard.press('Enter');
  await shop.locator('#tiski-widget li.v:not(.q)', { hasText: 'rinkka' }).waitFor();
  let got = [];
  for (let i = 0; i < 600 && got.length < 2; i++) {
    got = sink.received();
    await new Promise((r) => setTimeout(r, 50));
  }
  const types = got.map((r) => JSON.parse(r.body).type).sort();
  assert.deepEqual(types, ['conversation.created', 'message.created']);
  for (const r of got) assert.equal(r.valid, true, 'the signature checks out with Python\'s HMAC');
  const msg = JSON.parse(got.find((r) => r.headers['tiski-event'] === 'message.created').body);
  assert.equal(msg.data.message.body, 'Paljonko rinkka maksaa?');
  assert.equal(msg.tenant, 1);

  // The delivery log shows both delivered; one is sent again.
  await hooks.getByRole('button', { name: 'Lähetykset' }).click();
  await hooks.locator('tr[data-status="delivered"]').nth(1).waitFor();
  await page.screenshot({ path: join(shots, 'integrations.png'), fullPage: true });
  await hooks.locator('tr[data-status="delivered"]').first().getByRole('button', { name: 'Lähetä uudelleen' }).click();
  for (let i = 0; i < 600 && sink.received().length < 3; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(sink.received().length, 3);

  // Revoked: the outside system is refused at once.
  await tokens.getByRole('button', { name: 'Mitätöi' }).click();
  await tokens.locator('tr[data-token] .tag.off').waitFor();
  assert.equal((await fetch(server.url + '/api/tenants/1/queue', bearer)).status, 401);
  await page.locator('.ad-audit tr[data-action="token.revoke"]').first().waitFor();

  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(shots, 'integrations-phone.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await shopCtx.close();
  await desk.ctx.close();
  await ctx.close();
});
