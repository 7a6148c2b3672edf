// In a real browser: three visitors, one agent with capacity 2. The third visitor
// sees queue position 1 and is served as soon as the agent closes a chat.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launch, shots } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer({
    admin: [['agent', 'create', '--email', 'bertta@eramaa.demo', '--name', 'Bertta Berg', '--password', 'demo1234',
      '--tenant', 'eramaa', '--max-chats', '2']],
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// Bertta (capacity 2) in the console, no chats yet.
async function berttaOnline() {
  const agentCtx = await browser.newContext({ viewport: { width: 1400, height: 860 }, locale: 'fi-FI' });
  const agent = await agentCtx.newPage();
  await agent.goto(server.url + '/console/');
  await agent.getByLabel('Sähköposti').fill('bertta@eramaa.demo');
  await agent.getByLabel('Salasana').fill('demo1234');
  await agent.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await agent.locator('.presence-bar', { hasText: 'Paikalla · 0/2' }).waitFor();
  return { agentCtx, agent };
}

// A visitor on the demo shop who asks `question`.
async function asks(question) {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'fi-FI' });
  const page = await ctx.newPage();
  await page.goto(server.url + '/demo/');
  await page.locator('#tiski-widget button.l').click();
  await page.locator('#tiski-widget textarea').fill(question);
  await page.keyboard.press('Enter');
  await page.locator('#tiski-widget li.v:not(.q)').waitFor();
  return { ctx, page };
}

// The agent opens their chat whose first line is `question` and ends it.
async function ends(agent, question) {
  await agent.locator('[data-list=mine] .item', { hasText: question }).click();
  await agent.locator('main.chat .msgs', { hasText: question }).waitFor();  // that chat is on screen now
  await agent.getByRole('button', { name: 'Lopeta keskustelu' }).click();
  await agent.getByRole('button', { name: 'Kyllä, lopeta' }).click();
}

test('three visitors, one agent with capacity 2: the third queues and is served on close', async () => {
  const { agentCtx, agent } = await berttaOnline();

  const visitors = [];
  for (let i = 1; i <= 3; i++) visitors.push(await asks(`Kysymys numero ${i}`));
  for (const { page } of visitors.slice(0, 2)) {
    await page.locator('#tiski-widget .t span', { hasText: 'Bertta Berg auttaa sinua' }).waitFor();
  }
  const third = visitors[2].page;
  await third.locator('#tiski-widget .t span', { hasText: /Olet jonossa sijalla 1 · arvioitu odotus noin \d+ min/ }).waitFor();
  await third.screenshot({ path: join(shots, 'queue-position.png') });
  await agent.locator('[data-list=waiting] .item').first().waitFor();
  assert.equal(await agent.locator('[data-list=mine] .item').count(), 2);
  await agent.locator('.presence-bar', { hasText: 'Paikalla · 2/2' }).waitFor();
  await agent.screenshot({ path: join(shots, 'console-full-capacity.png') });

  // The agent finishes the first chat: the third visitor is served.
  await ends(agent, 'Kysymys numero 1');
  await third.locator('#tiski-widget .t span', { hasText: 'Bertta Berg auttaa sinua' }).waitFor();
  await agent.locator('[data-list=mine] .item', { hasText: 'Kysymys numero 3' }).waitFor();
  assert.equal(await agent.locator('[data-list=waiting] .item').count(), 0);
  // The other two are finished too: the agent's seats are free for the next test.
  for (const q of ['Kysymys numero 2', 'Kysymys numero 3']) await ends(agent, q);
  await agent.locator('.presence-bar', { hasText: 'Paikalla · 0/2' }).waitFor();
  for (const v of visitors) await v.ctx.close();
  await agentCtx.close();
});

// A queued visitor who closes the tab: after the grace period the console marks the chat
// "Poistui" (and says so in the chat), and a seat that frees up does not go to it.
test('a queued visitor who leaves is marked and not handed to the agent', async () => {
  const { agentCtx, agent } = await berttaOnline();
  const visitors = [];
  for (const q of ['Ensimmäinen kysymys', 'Toinen kysymys', 'Kolmas, joka lähtee']) visitors.push((await asks(q)).ctx);
  const gone = agent.locator('[data-list=waiting] .item', { hasText: 'Kolmas, joka lähtee' });
  await gone.waitFor();
  await visitors[2].close();  // the tab closes for good
  await gone.locator('.tag.left', { hasText: 'Poistui' }).waitFor({ timeout: 20000 });  // 10 s of grace
  await gone.click();
  await agent.locator('.chat header .leftline', { hasText: 'Kävijä poistui sivustolta' }).waitFor();
  await agent.screenshot({ path: join(shots, 'console-visitor-left.png') });
  // A seat frees up: the chat of the visitor who left stays in the queue.
  await ends(agent, 'Ensimmäinen kysymys');
  await agent.locator('.presence-bar', { hasText: 'Paikalla · 1/2' }).waitFor();
  await agent.waitForTimeout(1500);
  assert.equal(await agent.locator('[data-list=mine] .item', { hasText: 'Kolmas, joka lähtee' }).count(), 0, 'handed to the agent');
  assert.equal(await gone.count(), 1);
  for (const ctx of visitors.slice(0, 2)) await ctx.close();
  await agentCtx.close();
});
