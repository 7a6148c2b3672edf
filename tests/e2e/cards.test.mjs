// Channel cards in a real browser (docs/channels.md, "Steering to the right channel"): a
// supervisor keeps the company's cards on the desk page; in a chat about an order change the agent
// sends "this needs strong identification", the widget shows the card with its button to the
// page, and the chat's outcome says redirected to that channel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launch, shots } from './harness.mjs';
import { consoleLogin } from './report_helpers.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a supervisor keeps the cards; the agent points the visitor to Oma tili with one', async () => {
  const { page: agent, errors } = await consoleLogin(browser, server, { width: 1400, height: 860 });
  // The desk page opened before the company's desk has arrived (a slow network, a busy server):
  // the editor shows the cards when they come.
  let release;
  const held = new Promise((ok) => { release = ok; });
  await agent.route('**/api/desk*', async (route) => { await held; await route.continue(); });
  await agent.reload();
  await agent.locator('.presence-bar').waitFor();
  await agent.getByRole('button', { name: /Vastauspohjat/ }).click();
  const editor = agent.locator('form.cards-editor');
  await editor.waitFor();
  assert.equal(await editor.locator('.card-row').count(), 0);
  release();
  // The desk page: the demo's cards, one more added and saved.
  await editor.locator('.card-row[data-card="oma-tili"]').waitFor();
  await editor.getByRole('button', { name: 'Lisää kortti' }).click();
  const row = editor.locator('.card-row').last();
  await row.getByLabel('Tunniste').fill('puhelin');
  await row.getByLabel('Otsikko', { exact: true }).fill('Soita asiakaspalveluun');
  await row.getByLabel('Teksti', { exact: true }).fill('Laskutusasiat hoidetaan puhelimessa arkisin 9–16.');
  await row.getByLabel('Osoite').fill('https://eramaa.example/yhteystiedot');
  await row.getByLabel('Painikkeen teksti').fill('Näytä puhelinnumero');
  await row.getByLabel('Kanava (raporteille)').fill('Puhelin');
  await editor.getByRole('button', { name: 'Tallenna' }).click();
  await editor.locator('.saved-note').waitFor();
  await editor.screenshot({ path: join(shots, 'cards-desk-editor.png') });

  // A visitor asks about changing an order's address.
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fi-FI' });
  const shop = await ctx.newPage();
  await shop.goto(server.url + '/demo/');
  const w = shop.locator('#tiski-widget');
  await w.locator('button.l').click();
  await w.locator('textarea').fill('Voitteko vaihtaa tilaukseni toimitusosoitteen?');
  await shop.keyboard.press('Enter');

  await agent.getByRole('button', { name: /Asiakaspalvelu|Jonossa|Omat/ }).first().waitFor().catch(() => {});
  await agent.locator('.item', { hasText: 'toimitusosoitteen' }).first().click();
  await agent.getByRole('button', { name: 'Ohjaa kanavaan' }).click();
  const picker = agent.locator('.card-picker');
  assert.match(await picker.innerText(), /Soita asiakaspalveluun/);
  await picker.locator('li', { hasText: 'Tämä vaatii vahvan tunnistautumisen' }).getByRole('button', { name: 'Lähetä kortti' }).click();
  await agent.locator('.chat-notice', { hasText: 'ohjattu kanavaan Oma tili' }).waitFor();
  await agent.locator('.msgs .channel-card', { hasText: 'Tämä vaatii vahvan tunnistautumisen' }).waitFor();
  await agent.screenshot({ path: join(shots, 'cards-console.png') });

  // The widget: the card with its button to the page, opened in a new tab.
  const card = w.locator('li.a .cd', { hasText: 'Tämä vaatii vahvan tunnistautumisen' });
  await card.waitFor();
  const button = card.getByRole('link', { name: 'Jatka Oma tili -palvelussa' });
  assert.equal(await button.getAttribute('href'), 'https://eramaa.example/oma-tili');
  assert.equal(await button.getAttribute('target'), '_blank');
  assert.match(await button.getAttribute('rel'), /noopener/);
  await shop.screenshot({ path: join(shots, 'cards-widget.png') });
  assert.deepEqual(errors, []);
});
