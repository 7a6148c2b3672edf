// In a real browser: an agent transfers a chat to a colleague with an internal note.
// The visitor sees a system line, never the note; the colleague sees both and answers. Then
// the colleague hands it on to a team, whose free member gets it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launch, shots } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer({
    admin: [['agent', 'create', '--email', 'bertta@eramaa.demo', '--name', 'Bertta Berg', '--password', 'demo1234',
      '--tenant', 'eramaa'],
    ['team', 'create', '--tenant', 'eramaa', '--team', 'Huolto'],
    ['team', 'add', '--tenant', 'eramaa', '--team', 'Huolto', '--agent', 'agentti@eramaa.demo']],
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function login(email) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 860 }, locale: 'fi-FI' });
  const page = await ctx.newPage();
  await page.goto(server.url + '/console/');
  await page.getByLabel('Sähköposti').fill(email);
  await page.getByLabel('Salasana').fill('demo1234');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.locator('.presence-bar').waitFor();
  return page;
}

test('transfer with an internal note', async () => {
  const aino = await login('agentti@eramaa.demo');
  const shopCtx = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'fi-FI' });
  const shop = await shopCtx.newPage();
  await shop.goto(server.url + '/demo/');
  await shop.locator('#tiski-widget button.l').click();
  await shop.locator('#tiski-widget textarea').fill('Haluan palauttaa makuupussin');
  await shop.keyboard.press('Enter');
  await shop.locator('#tiski-widget .t span', { hasText: 'Aino Virtanen auttaa sinua' }).waitFor();

  const bertta = await login('bertta@eramaa.demo');
  await aino.locator('[data-list=agents] li', { hasText: 'Bertta Berg' }).waitFor();
  await aino.locator('[data-list=mine] .item').first().click();
  await aino.getByRole('button', { name: 'Siirrä', exact: true }).click();
  await aino.getByLabel('Valitse asiakaspalvelija').selectOption({ label: 'Bertta Berg · Paikalla · 0/3' });
  await aino.getByLabel('Muistiinpano vastaanottajalle (ei näy asiakkaalle)').fill('Palautus, tilaus 4711');
  await aino.screenshot({ path: join(shots, 'console-transfer.png') });
  await aino.locator('.transfer').getByRole('button', { name: 'Siirrä' }).click();

  await shop.locator('#tiski-widget li.s', { hasText: 'Keskustelu siirrettiin asiakaspalvelijalle Bertta Berg.' }).waitFor();
  await shop.locator('#tiski-widget .t span', { hasText: 'Bertta Berg auttaa sinua' }).waitFor();
  assert.doesNotMatch(await shop.locator('#tiski-widget .m').innerText(), /4711/);

  await bertta.locator('[data-list=mine] .item').first().click();
  await bertta.locator('.msgs .m.note', { hasText: 'Palautus, tilaus 4711' }).waitFor();
  // The handover note is a note, not a supervisor's whisper.
  assert.equal(await bertta.locator('.msgs .m.note.whisper').count(), 0, 'the handover note shown as a whisper');
  await bertta.locator('.composer textarea').fill('Hei, hoidan palautuksesi.');
  await bertta.keyboard.press('Enter');
  await shop.locator('#tiski-widget li.a', { hasText: 'Hei, hoidan palautuksesi.' }).waitFor();
  await bertta.screenshot({ path: join(shots, 'console-after-transfer.png') });
  await shop.reload();
  await shop.locator('#tiski-widget li.a', { hasText: 'Hei, hoidan palautuksesi.' }).waitFor();
  assert.doesNotMatch(await shop.locator('#tiski-widget .m').innerText(), /4711/);

  // Bertta hands it to the Huolto team; Aino, its only member, gets it back.
  await bertta.getByRole('button', { name: 'Siirrä', exact: true }).click();
  await bertta.getByLabel('Valitse asiakaspalvelija').selectOption({ label: 'Tiimi: Huolto · 1 paikalla' });
  await bertta.locator('.transfer').getByRole('button', { name: 'Siirrä' }).click();
  await shop.locator('#tiski-widget li.s', { hasText: 'Keskustelu siirrettiin tiimille Huolto.' }).waitFor();
  await shop.locator('#tiski-widget .t span', { hasText: 'Aino Virtanen auttaa sinua' }).waitFor();
  await aino.locator('[data-list=mine] .item .tag.team', { hasText: 'Huolto' }).waitFor();
});
