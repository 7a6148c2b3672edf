// In a real browser: an agent blocks an abusive visitor from the console; the visitor's widget
// says only that chat is not available, and stays so after a reload; the supervisor sees the
// block in the live view and lifts it, and the visitor can chat again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shots, startServer, launch } from './harness.mjs';
import { consoleLogin as login } from './report_helpers.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an agent blocks a visitor; the widget says chat is not available until a supervisor lifts it', async () => {
  const { page: agent, ctx, errors } = await login(browser, server, { width: 1400, height: 900 });
  const shopCtx = await browser.newContext({ viewport: { width: 1200, height: 800 }, locale: 'fi-FI' });
  const shop = await shopCtx.newPage();
  const logged = [];
  shop.on('pageerror', (e) => logged.push(String(e)));
  await shop.goto(server.url + '/demo/');
  await shop.locator('#tiski-widget button.l').click();
  await shop.locator('#tiski-widget textarea').fill('te olette kaikki idiootteja');
  await shop.keyboard.press('Enter');
  await shop.locator('#tiski-widget li.v:not(.q)', { hasText: 'idiootteja' }).waitFor();

  await agent.locator('[data-list=mine] .item').first().click();
  await agent.locator('.msgs .m.visitor', { hasText: 'idiootteja' }).waitFor();
  await agent.getByRole('button', { name: 'Estä', exact: true }).click();
  const form = agent.locator('form.block-form');
  await form.getByLabel('Kesto').selectOption('168');
  await form.getByLabel('Syy').fill('Kiroilee');
  await agent.screenshot({ path: join(shots, 'block-form.png') });
  await form.getByRole('button', { name: 'Estä kävijä' }).click();
  await agent.locator('.chat-notice', { hasText: 'Kävijä on estetty' }).waitFor();

  await shop.getByText('Chat ei ole nyt käytettävissä.').waitFor();
  await shop.screenshot({ path: join(shots, 'block-widget.png') });
  await shop.reload();  // the panel stays open across loads
  await shop.getByText('Chat ei ole nyt käytettävissä.').waitFor();
  assert.doesNotMatch(await shop.locator('#tiski-widget .p').innerText(), /estet|estä/i, 'the visitor is not told they were blocked');

  // The supervisor's live view lists it; lifting it lets the visitor back.
  await agent.getByRole('button', { name: /Tilannekuva/ }).click();
  const row = agent.locator('.block-list li', { hasText: 'Kiroilee' });
  await row.waitFor();
  await agent.screenshot({ path: join(shots, 'block-list.png'), fullPage: true });
  await row.getByRole('button', { name: 'Poista esto' }).click();
  await agent.locator('.live-blocks .empty').waitFor();
  await shop.reload();
  await shop.locator('#tiski-widget li.v', { hasText: 'idiootteja' }).waitFor();
  assert.equal(await shop.getByText('Chat ei ole nyt käytettävissä.').count(), 0);
  assert.deepEqual(errors, []);
  assert.deepEqual(logged, []);
  await shopCtx.close();
  await ctx.close();
});
