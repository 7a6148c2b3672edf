// The foundation story in a real browser: a visitor on the demo shop chats with an agent in
// the console; both see typing; both reload and keep the conversation; the agent closes it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launch, shots } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a visitor and an agent chat from the shop page to the console', async () => {
  const shopCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fi-FI' });
  const agentCtx = await browser.newContext({ viewport: { width: 1400, height: 860 }, locale: 'fi-FI' });
  const shop = await shopCtx.newPage();
  const logged = [];
  shop.on('console', (m) => logged.push(m.text()));
  shop.on('pageerror', (e) => logged.push(String(e)));

  // The agent logs in first: live chat is open only while someone is online.
  const agent = await agentCtx.newPage();
  await agent.goto(server.url + '/console/');
  await agent.getByLabel('Sähköposti').fill(server.email);
  await agent.getByLabel('Salasana').fill(server.password);
  await agent.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await agent.locator('.presence-bar', { hasText: 'Paikalla · 0/3' }).waitFor();

  // The visitor opens the widget on the shop page and sees the greeting.
  await shop.goto(server.url + '/demo/');
  await shop.locator('#tiski-widget button.l').click();
  await shop.locator('#tiski-widget .m li').first().waitFor();
  assert.match(await shop.locator('#tiski-widget .m').innerText(), /Tervetuloa Erämaa Outdooriin/);
  await shop.locator('#tiski-widget textarea').fill('Onko teltta varastossa?');
  await shop.keyboard.press('Enter');
  await shop.locator('#tiski-widget li.v:not(.q)', { hasText: 'Onko teltta varastossa?' }).waitFor();

  // Routing gives the chat to the agent at once, labelled with tenant, site and page.
  await shop.locator('#tiski-widget .t span', { hasText: 'Aino Virtanen auttaa sinua' }).waitFor();
  await shop.screenshot({ path: join(shots, 'widget-open.png') });
  const mine = agent.locator('[data-list=mine] .item');
  await mine.first().waitFor();
  assert.match(await mine.first().innerText(), /Erämaa Outdoor Oy/);
  assert.match(await mine.first().innerText(), /Erämaa Outdoor – retkeilyvarusteet/);
  await agent.locator('.presence-bar', { hasText: 'Paikalla · 1/3' }).waitFor();
  await mine.first().click();
  await agent.locator('.msgs .m.visitor', { hasText: 'Onko teltta varastossa?' }).waitFor();

  // Typing indicators both ways.
  await shop.locator('#tiski-widget textarea').pressSequentially('Entä', { delay: 30 });
  await agent.locator('.msgs .typing').waitFor();
  await agent.locator('.composer textarea').pressSequentially('On, 12 kpl', { delay: 30 });
  await shop.locator('#tiski-widget .ty', { hasText: 'kirjoittaa' }).waitFor();
  await agent.locator('.composer textarea').fill('On, 12 kpl.');
  await agent.keyboard.press('Enter');
  await shop.locator('#tiski-widget li.a', { hasText: 'On, 12 kpl.' }).waitFor();
  assert.match(await shop.locator('#tiski-widget .t span').innerText(), /Aino Virtanen auttaa sinua/);
  await agent.locator('.msgs .m.agent:not(.pending)', { hasText: 'On, 12 kpl.' }).waitFor();
  await agent.screenshot({ path: join(shots, 'console-chat.png') });
  await shop.screenshot({ path: join(shots, 'widget-answer.png') });

  // Both reload and find the whole conversation.
  await shop.locator('#tiski-widget textarea').fill('');
  await shop.reload();
  await shop.locator('#tiski-widget li.a', { hasText: 'On, 12 kpl.' }).waitFor();  // stays open across loads
  const widgetText = await shop.locator('#tiski-widget .m').innerText();
  assert.match(widgetText, /Tervetuloa Erämaa Outdooriin/);
  assert.match(widgetText, /Onko teltta varastossa\?/);
  assert.equal((widgetText.match(/On, 12 kpl\./g) || []).length, 1, 'no duplicates after reload');
  await shop.screenshot({ path: join(shots, 'after-reload-visitor.png') });
  await agent.reload();
  await agent.locator('[data-list=mine] .item').first().click();
  await agent.locator('.msgs .m.agent', { hasText: 'On, 12 kpl.' }).waitFor();
  assert.equal(await agent.locator('.msgs .m.visitor', { hasText: 'Onko teltta varastossa?' }).count(), 1);
  await agent.screenshot({ path: join(shots, 'after-reload-agent.png') });

  // The agent closes the conversation; the visitor sees it ended.
  await agent.getByRole('button', { name: 'Lopeta keskustelu' }).click();
  await agent.getByRole('button', { name: 'Kyllä, lopeta' }).click();
  await shop.locator('#tiski-widget li.n', { hasText: 'Keskustelu päättyi' }).waitFor();
  await agent.locator('.msgs .m.system', { hasText: 'Keskustelu on päättynyt' }).waitFor();
  await shop.screenshot({ path: join(shots, 'closed.png') });
  await agent.screenshot({ path: join(shots, 'closed-console.png') });

  assert.deepEqual(logged, [], 'the widget wrote nothing to the shop page console');
  await shopCtx.close();
  await agentCtx.close();
});

test('the widget is usable full screen on a phone', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 780 }, isMobile: true, hasTouch: true, locale: 'fi-FI' });
  const page = await ctx.newPage();
  await page.goto(server.url + '/demo/');
  await page.locator('#tiski-widget button.l').click();
  const box = await page.locator('#tiski-widget .p').boundingBox();
  assert.equal(Math.round(box.width), 390);
  assert.equal(Math.round(box.height), 780);
  await page.screenshot({ path: join(shots, 'widget-phone.png') });
  // Escape minimises, and focus returns to the launcher.
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#tiski-widget .p').isHidden(), true);
  await ctx.close();
});
