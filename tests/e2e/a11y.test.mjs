// Accessibility with axe-core (WCAG 2.1 A and AA, and axe's best practices) over what the three
// kinds of users see: the demo shop with the widget closed, its leave-a-message form, a chat and
// its answer, on a phone; the console's login, chat list, an open chat with its suggestions and
// visitor context, and every view a supervisor opens (reports with four weeks of history, the
// desk, search with results, quality, the live view, Hallinta), at 1280×800 and on a phone.
// Any violation fails, with the rule, the elements and axe's summary in the message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { startServer, launch, shots, repo } from './harness.mjs';

const require = createRequire(join(repo, 'web/package.json'));
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

let server, browser;
before(async () => {
  server = await startServer({ demo: ['--history', '28'] });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// axe runs inside the page (the console's CSP allows only its own scripts, so the contexts
// bypass it for the injected axe): the shadow DOM of the widget is part of the document it reads.
const desktop = { bypassCSP: true, locale: 'fi-FI', viewport: { width: 1280, height: 800 } };
const phone = { bypassCSP: true, locale: 'fi-FI', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

async function audit(page, name) {
  await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.slice(0, 5).map((n) =>
      `    ${JSON.stringify(n.target)} ${(n.failureSummary ?? '').split('\n').slice(1).join(' ')}`).join('\n'));
  }, TAGS);
  await page.screenshot({ path: join(shots, `a11y-${name}.png`) });
  assert.deepEqual(found, [], `${name}:\n  ${found.join('\n  ')}`);
}

async function login(page) {
  await page.goto(server.url + '/console/');
  await page.fill('input[type=email]', server.email);
  await page.fill('input[type=password]', server.password);
  await page.keyboard.press('Enter');
  await page.locator('aside.side').waitFor();
}

// The visitor's launcher, the panel's message box.
const launcher = (page) => page.locator('#tiski-widget').locator('button').first();
const box = (page) => page.locator('#tiski-widget textarea');

test('the shop and its widget on a phone: closed, the leave-a-message form, a chat and its answer', async () => {
  const v = await browser.newContext(phone);
  const shop = await v.newPage();
  await shop.goto(server.url + '/demo/teltta.html');
  await launcher(shop).waitFor();
  await audit(shop, 'shop-closed');
  await launcher(shop).click();  // nobody online yet: the form
  await shop.locator('#tiski-widget form').first().waitFor();
  await audit(shop, 'widget-offline-form');
  await v.close();

  const a = await browser.newContext(desktop);
  const con = await a.newPage();
  await login(con);
  const w = await browser.newContext(phone);
  const page = await w.newPage();
  await page.goto(server.url + '/demo/');
  await launcher(page).click();
  await box(page).fill('Hei, onko Tunturi 2 -teltta vedenpitävä?');
  await box(page).press('Enter');
  await page.locator('#tiski-widget').getByText('Tunturi 2 -teltta vedenpitävä').waitFor();
  await audit(page, 'widget-chat');
  await con.locator('.lists li', { hasText: 'vedenpitävä' }).first().click();
  await con.locator('main.chat textarea').fill('Kyllä on: 3 000 mm vesipilari ja teipatut saumat.');
  await con.locator('main.chat textarea').press('Enter');
  await page.locator('#tiski-widget').getByText('teipatut saumat').waitFor();
  await audit(page, 'widget-answered');
  await audit(con, 'console-chat');
  await w.close();
  await a.close();
});

test('the console: login, the chat list and every view of a supervisor', async () => {
  const a = await browser.newContext(desktop);
  const con = await a.newPage();
  await con.goto(server.url + '/console/');
  await con.locator('input[type=email]').waitFor();
  await audit(con, 'console-login');
  await login(con);
  await audit(con, 'console-list');
  const views = {
    reports: 'main.reports[aria-busy=false] .tile',
    desk: 'main.desk-page',
    quality: 'main.quality-page',
    live: 'main.live-page',
    admin: 'main.admin-page',
    visitors: 'main.visitors',
    recent: 'main.recent',
  };
  for (const [view, ready] of Object.entries(views)) {
    await con.goto(`${server.url}/console/#${view}`);
    await con.locator(ready).first().waitFor();
    await con.waitForLoadState('networkidle');
    await audit(con, 'console-' + view);
  }
  await con.goto(`${server.url}/console/#search`);
  await con.locator('main input[type=search]').fill('teltta');
  await con.locator('main input[type=search]').press('Enter');
  await con.locator('main mark').first().waitFor();
  await audit(con, 'console-search');
  await a.close();
});

test('the console on a phone: the chat list and the reports', async () => {
  const a = await browser.newContext(phone);
  const con = await a.newPage();
  await login(con);
  await audit(con, 'phone-console-list');
  await con.goto(`${server.url}/console/#reports`);
  await con.locator('main.reports[aria-busy=false] .tile').first().waitFor();
  await con.waitForLoadState('networkidle');
  await audit(con, 'phone-console-reports');
  await a.close();
});
