// In a real browser: a chat's address is a link a supervisor can share. An older chat (closed
// weeks ago, in none of the console's lists) opens from its address, and again after a reload;
// an address of a chat that is not mine to see says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launch, shots } from './harness.mjs';
import { consoleLogin } from './report_helpers.mjs';

let server, browser;
before(async () => {
  server = await startServer({ demo: ['--history', '21'] });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a link to an older chat opens it, after a reload too', async () => {
  const { page, ctx, errors } = await consoleLogin(browser, server, { width: 1280, height: 800 });
  // A chat of two weeks ago, found by search (a probe's link to a flagged #c930 showed "pick a chat").
  const old = await page.evaluate(async () => {
    const to = Date.now() - 10 * 86_400_000;  // closed long before the console's week of closed chats
    const found = await (await fetch(`/api/search?q=teltta&to=${to}`)).json();
    return found.hits[0]?.conv;
  });
  assert.ok(old, 'an older flagged chat');
  await page.goto(`${server.url}/console/#c${old.id}`);
  await page.reload();
  const chat = page.locator('main.chat');
  await chat.locator('.msgs .m.visitor').first().waitFor();
  assert.match(await chat.locator('h1').innerText(), new RegExp(`${old.visitor_no}`));
  await page.screenshot({ path: join(shots, 'console-link-older-chat.png') });
  // Not mine: the other company's chats are no chat of mine, and nothing of them shows.
  await page.goto(`${server.url}/console/#c987654321`);
  await page.locator('main.blank', { hasText: 'Tätä keskustelua ei ole listoillasi' }).waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
});
