// In a real browser: the agent records what came of a chat (the outcome, tags, where a
// redirected visitor was sent) in the chat's outcome bar; a tenant that requires an outcome
// stops the close until one is chosen; the visitor's satisfaction answer after the close shows
// in the chat and the lists; after a reload all of it comes back from the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launch, shots } from './harness.mjs';
import { answer, consoleLogin, rawVisitor } from './report_helpers.mjs';

let server, browser;
before(async () => {
  server = await startServer({
    admin: [['tenant', 'update', '--slug', 'eramaa', '--outcome-required', 'true'],
      ['agent', 'create', '--email', 'bertta@eramaa.demo', '--name', 'Bertta Berg', '--password', 'demo1234', '--tenant', 'eramaa', '--role', 'agent']],
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});


const noSidewaysScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

test('outcome and tags before the close, the visitor\'s rating after it, all kept over a reload', async () => {
  const { page, ctx, errors } = await consoleLogin(browser, server, { width: 1400, height: 900 });
  const v = await rawVisitor(browser, server, 'Onko Vaellus 2 -telttaa varastossa?');
  await answer(page, v.conv, 'On, kolme kappaletta. Laitanko yhden varaukseen?');

  // The tenant requires an outcome: the close waits, says why and brings the select forward.
  const bar = page.locator('.outcome');
  const select = bar.getByLabel('Tulos', { exact: true });
  assert.equal(await select.inputValue(), '');
  await page.getByRole('button', { name: 'Lopeta keskustelu' }).click();
  await bar.locator('.oc-error', { hasText: 'Valitse tulos ennen sulkemista' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('oc-select')), true, 'the select has the focus');
  assert.equal(await page.locator('.taken-note', { hasText: 'vain luku' }).count(), 0, 'still open');
  await page.screenshot({ path: join(shots, 'outcome-required.png') });

  // Kauppa, and two tags: one with Enter, one with a comma.
  await select.selectOption({ label: 'Kauppa' });
  await bar.locator('.oc-error').waitFor({ state: 'detached' });
  const row = page.locator(`.item[data-conv="${v.conv}"]`);
  await row.locator('.tag.oc.sale', { hasText: 'Kauppa' }).waitFor();  // the server's answer reached the list
  const tagInput = bar.getByLabel('Lisää tunniste');
  await tagInput.fill('teltat');
  await tagInput.press('Enter');
  await bar.locator('.chip', { hasText: 'teltat' }).waitFor();
  await tagInput.pressSequentially('kampanja,');
  await bar.locator('.chip', { hasText: 'kampanja' }).waitFor();
  assert.equal(await tagInput.inputValue(), '');
  // The new tags joined the tenant's list (the tags frame).
  await page.waitForFunction(() => document.querySelectorAll('.outcome .chip').length === 2);
  // A chip goes with its × and comes back.
  await bar.getByRole('button', { name: 'Poista tunniste kampanja' }).click();
  await bar.locator('.chip', { hasText: 'kampanja' }).waitFor({ state: 'detached' });
  await tagInput.fill('kampanja');
  await tagInput.press('Enter');
  await bar.locator('.chip', { hasText: 'kampanja' }).waitFor();
  // Give the last change its answer before the close.
  await page.waitForTimeout(300);

  await page.getByRole('button', { name: 'Lopeta keskustelu' }).click();
  await page.getByRole('button', { name: 'Kyllä, lopeta' }).click();
  await page.locator('.taken-note', { hasText: 'vain luku' }).waitFor();
  assert.equal(await select.inputValue(), 'sale', 'the outcome stays editable after the close');

  // The visitor answers the satisfaction survey.
  const visitorPage = v.ctx.pages()[0];
  await visitorPage.evaluate((conv) => window.__ws.send(JSON.stringify({ t: 'csat', conv, score: 5, comment: 'Loistavaa palvelua' })), v.conv);
  const csat = page.locator('.chat header .csatline');
  await csat.waitFor();
  assert.match(await csat.innerText(), /Asiakastyytyväisyys/);
  assert.match(await csat.innerText(), /Loistavaa palvelua/);
  assert.equal(await csat.getByRole('img', { name: '5/5' }).count(), 1);
  await row.locator('.tag.csat', { hasText: '★5' }).waitFor();
  await page.screenshot({ path: join(shots, 'outcome.png') });

  // The closed list shows them as well.
  await page.getByRole('button', { name: 'Viimeisimmät' }).click();
  const closed = page.locator(`main.recent .item[data-conv="${v.conv}"]`);
  await closed.waitFor();
  assert.match(await closed.innerText(), /Kauppa/);
  assert.match(await closed.innerText(), /★5/);
  assert.match(await closed.innerText(), /teltat/);
  await page.screenshot({ path: join(shots, 'outcome-recent.png') });

  // After a reload all of it comes from the server.
  await page.reload();
  await page.locator('.presence-bar').waitFor();
  await page.getByRole('button', { name: 'Viimeisimmät' }).click();
  await closed.click();
  await page.locator('.chat h1').waitFor();
  assert.equal(await page.locator('.outcome').getByLabel('Tulos', { exact: true }).inputValue(), 'sale');
  assert.deepEqual(await page.locator('.outcome .chip bdi').allInnerTexts(), ['teltat', 'kampanja']);
  assert.match(await page.locator('.chat header .csatline').innerText(), /Loistavaa palvelua/);
  assert.deepEqual(errors, []);
  await v.ctx.close();
  await ctx.close();
});

test('on a phone: redirected to a channel, tags from the tenant\'s list, nothing scrolls sideways', async () => {
  const { page, ctx, errors } = await consoleLogin(browser, server, { width: 390, height: 844 });
  const v = await rawVisitor(browser, server, 'Voinko tilata puhelimitse?');
  await page.locator(`.item[data-conv="${v.conv}"]`).click();
  await page.locator('.chat h1').waitFor();
  await page.getByLabel(/Kirjoita vastaus/).fill('Toki, soita numeroon 010 123 4567.');
  await page.keyboard.press('Enter');
  const bar = page.locator('.outcome');
  await bar.getByLabel('Tulos', { exact: true }).selectOption({ label: 'Ohjattu muualle' });
  const channel = bar.getByLabel('Minne ohjattiin');
  await channel.waitFor();
  // The suggestions, in the console's language.
  assert.deepEqual(await bar.locator('datalist[id^=oc-chan] option').evaluateAll((o) => o.map((x) => x.value)),
    ['puhelin', 'sähköposti', 'myymälä', 'verkkolomake']);
  await channel.fill('puhelin');
  await channel.press('Enter');
  // The tenant's tags from the first test are offered.
  await page.waitForFunction(() => [...document.querySelectorAll('.outcome datalist[id^=oc-tags] option')].map((o) => o.value).join() === 'kampanja,teltat');
  const tagInput = bar.getByLabel('Lisää tunniste');
  await tagInput.fill('puhelintilaus');
  await tagInput.press('Enter');
  await bar.locator('.chip', { hasText: 'puhelintilaus' }).waitFor();
  await page.locator('.msgs').click({ position: { x: 20, y: 20 } });  // done: the keyboard would be down
  assert.equal(await noSidewaysScroll(page), true);
  await page.screenshot({ path: join(shots, 'outcome-phone.png') });
  // The server has them: the list row shows the outcome with its channel.
  await page.locator('.chat .back').click();
  const row = page.locator(`.item[data-conv="${v.conv}"]`);
  await row.locator('.tag.oc.redirected', { hasText: 'Ohjattu muualle → puhelin' }).waitFor();
  assert.equal(await noSidewaysScroll(page), true);
  assert.deepEqual(errors, []);
  await v.ctx.close();
  await ctx.close();
});

test('a plain agent sees a colleague\'s outcome but cannot change it', async () => {
  const aino = await consoleLogin(browser, server, { width: 1400, height: 900 });
  const v = await rawVisitor(browser, server, 'Kysymys, jonka tulos on jo valittu');
  await answer(aino.page, v.conv, 'Hoidetaan.');
  await aino.page.locator('.outcome').getByLabel('Tulos', { exact: true }).selectOption({ label: 'Liidi' });
  await aino.page.locator(`.item[data-conv="${v.conv}"] .tag.oc.lead`).waitFor();

  const bertta = await consoleLogin(browser, server, { width: 1400, height: 900 }, 'bertta@eramaa.demo');
  await bertta.page.locator(`[data-list=others] .item[data-conv="${v.conv}"]`).click();
  const bar = bertta.page.locator('.outcome');
  const select = bar.getByLabel('Tulos', { exact: true });
  assert.equal(await select.inputValue(), 'lead');
  assert.equal(await select.isDisabled(), true);
  assert.equal(await bar.getByLabel('Lisää tunniste').count(), 0);

  // With the outcome chosen, Aino's close goes through at once.
  await aino.page.getByRole('button', { name: 'Lopeta keskustelu' }).click();
  await aino.page.getByRole('button', { name: 'Kyllä, lopeta' }).click();
  await aino.page.locator('.taken-note', { hasText: 'vain luku' }).waitFor();
  assert.deepEqual([...aino.errors, ...bertta.errors], []);
  await v.ctx.close();
  await aino.ctx.close();
  await bertta.ctx.close();
});
