// In a real browser: administration (docs/roles.md). The workspace owner creates a client
// company; a tenant admin adds an agent and promotes them, and the audit log shows who changed
// what, before and after; a plain agent sees only their own sessions and ends one, whose
// console returns to the login screen. Whatever an admin types is shown as text, never run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shots, startServer, launch } from './harness.mjs';
import { consoleLogin as login } from './report_helpers.mjs';

let server, browser;
before(async () => {
  server = await startServer({
    admin: [
      ['agent', 'create', '--email', 'adm@eramaa.demo', '--name', 'Aatu Admin', '--password', 'demo1234', '--tenant', 'eramaa', '--role', 'admin'],
      ['agent', 'create', '--email', 'bertta@eramaa.demo', '--name', 'Bertta Berg', '--password', 'demo1234', '--tenant', 'eramaa', '--role', 'agent'],
    ],
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const consoleLogin = (viewport, email, ready) => login(browser, server, viewport, email, ready);
const hostile = '<img src=x onerror="window.__xss=1">Kenkä';

test('the owner creates a client company; what they type stays text', async () => {
  const { page, ctx, errors } = await consoleLogin({ width: 1400, height: 900 }, 'omistaja@tiski.demo', '.side .me');
  await page.getByRole('button', { name: /Hallinta/ }).click();
  // The list arrives after the section: wait for its second line, then check there are two.
  await page.locator('.ad-tenants .tenant-list li').nth(1).waitFor();
  assert.equal(await page.locator('.ad-tenants .tenant-list li').count(), 2);
  // A bad slug: the server's message, nothing created.
  await page.getByLabel('Nimi', { exact: true }).last().fill('Kenkä Oy');
  await page.getByLabel('Tunnus', { exact: true }).fill('ab');
  await page.evaluate(() => document.querySelector('.ad-tenants input[pattern]').removeAttribute('pattern'));
  await page.getByLabel('Tunnus', { exact: true }).fill('Kenkä!');
  await page.locator('.ad-tenants').getByRole('button', { name: 'Luo', exact: true }).click();
  await page.locator('.ad-tenants .error', { hasText: 'slug' }).waitFor();
  await page.getByLabel('Nimi', { exact: true }).last().fill(hostile);
  await page.getByLabel('Tunnus', { exact: true }).fill('kenka');
  await page.locator('.ad-tenants').getByRole('button', { name: 'Luo', exact: true }).click();
  await page.locator('.ad-tenants .tenant-list li', { hasText: 'Kenkä' }).waitFor();
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.match(await page.locator('.ad-tenants .tenant-list').innerText(), /<img src=x/);
  // The workspace's audit log has the creation.
  await page.locator('.ad-audit tr[data-action="tenant.create"]').first().waitFor();
  await page.screenshot({ path: join(shots, 'admin-owner.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('an admin adds an agent, promotes them, and the audit log says so', async () => {
  const { page, ctx, errors } = await consoleLogin({ width: 1400, height: 900 }, 'adm@eramaa.demo');
  await page.getByRole('button', { name: /Hallinta/ }).click();
  const agents = page.locator('.ad-agents');
  await agents.locator('tr[data-agent]').first().waitFor();
  const form = agents.locator('form');
  await form.getByLabel('Sähköposti').fill('uusi@eramaa.demo');
  await form.getByLabel('Nimi').fill('Uuno Uusi');
  await form.getByLabel('Salasana').fill('short');
  await page.evaluate(() => document.querySelector('.ad-agents input[type=password]').removeAttribute('minlength'));
  await form.getByRole('button', { name: 'Lisää' }).click();
  await agents.locator('.error', { hasText: 'password' }).waitFor();
  await form.getByLabel('Salasana').fill('demo1234');
  await form.getByRole('button', { name: 'Lisää' }).click();
  const row = agents.locator('tr', { hasText: 'uusi@eramaa.demo' });
  await row.waitFor();
  await row.getByRole('combobox').selectOption('supervisor');
  await page.locator('.ad-audit tr[data-action="agent.update"]', { hasText: 'rooli: Asiakaspalvelija → Esihenkilö' }).waitFor();
  await page.locator('.ad-audit tr[data-action="agent.add"]').waitFor();
  await page.locator('.ad-audit tr[data-action="login.ok"]').first().waitFor();
  // The log says what happened in words (the code stays in the title).
  assert.match(await page.locator('.ad-audit tr[data-action="login.ok"]').first().locator('td').nth(2).innerText(), /^Kirjautui sisään/);
  assert.match(await page.locator('.ad-audit tr[data-action="agent.add"]').first().locator('td').nth(2).innerText(), /^Lisäsi asiakaspalvelijan/);
  // The capacity's 0 names the company's default.
  assert.match(await agents.locator('thead').innerText(), /0 = yrityksen oletus, 3/);
  // The page's parts as links at its top; one takes the reader to its part.
  const toc = page.getByRole('navigation', { name: 'Tämän sivun osiot' });
  await toc.getByRole('link', { name: 'Tiimit' }).waitFor();
  await toc.getByRole('link', { name: 'Tiimit' }).click();
  await page.waitForFunction(() => { const r = document.querySelector('.ad-teams').getBoundingClientRect(); return r.top >= -2 && r.top < 200; });
  // Their own row cannot be changed from here.
  assert.equal(await agents.locator('tr', { hasText: 'adm@eramaa.demo' }).getByRole('combobox').count(), 0);
  await page.screenshot({ path: join(shots, 'admin-agents.png'), fullPage: true });
  // On a phone the tables fold into rows.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(shots, 'admin-phone.png'), fullPage: true });
  // The new supervisor can log in and has the live view.
  const uusi = await consoleLogin({ width: 1200, height: 800 }, 'uusi@eramaa.demo');
  await uusi.page.getByRole('button', { name: /Tilannekuva/ }).waitFor();
  await uusi.ctx.close();
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a plain agent sees only their own sessions and ends one', async () => {
  const other = await consoleLogin({ width: 1200, height: 800 }, 'bertta@eramaa.demo');
  const { page, ctx, errors } = await consoleLogin({ width: 1200, height: 800 }, 'bertta@eramaa.demo');
  await page.getByRole('button', { name: /Oma tili/ }).click();
  await page.locator('.ad-sessions li').nth(1).waitFor();
  assert.equal(await page.locator('.ad-agents').count(), 0);
  assert.equal(await page.locator('.ad-audit').count(), 0);
  assert.equal(await page.locator('.ad-sites').count(), 0, 'a plain agent was shown the sites');
  await page.locator('.ad-sessions li:not(:has(.tag))').getByRole('button', { name: 'Kirjaa ulos' }).click();
  await page.locator('.ad-sessions li').nth(1).waitFor({ state: 'detached' });
  await other.page.getByRole('button', { name: 'Kirjaudu sisään' }).waitFor();
  await page.screenshot({ path: join(shots, 'admin-account.png') });
  assert.deepEqual(errors, []);
  await other.ctx.close();
  await ctx.close();
});
