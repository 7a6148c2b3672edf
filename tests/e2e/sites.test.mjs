// In a real browser, the onboarding of a new client shop end to end: the workspace owner creates
// the tenant and its site in Administration, gives the widget the shop's colour, corner and
// launcher text (the live preview follows), copies the embed snippet, sets business hours and
// adds an agent of the outsourcing team and a team of the shop's own that the site routes to;
// the snippet pasted into the shop's own page (another origin) brings the widget in that look,
// and a visitor chats with that agent. The server's validation messages are shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launch, shots, startServer, startShop } from './harness.mjs';
import { consoleLogin } from './report_helpers.mjs';

let server, browser, shopSite;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  shopSite?.close();
});

test('an owner onboards a shop: tenant, site, look, snippet, hours; a visitor chats through the snippet', async () => {
  const { page, ctx, errors } = await consoleLogin(browser, server, { width: 1400, height: 1000 }, 'omistaja@tiski.demo', '.side .me');
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await page.getByRole('button', { name: /Hallinta/ }).click();

  // The tenant; the page turns to it, with no sites yet.
  const tenants = page.locator('section.ad-tenants');
  await tenants.getByLabel('Nimi').fill('Kenkä Oy');
  await tenants.getByLabel('Tunnus').fill('kenka');
  await tenants.getByRole('button', { name: 'Luo' }).click();
  const onKenka = () => page.waitForFunction(() => {
    const s = document.querySelector('.admin-page header select');
    return s && s.selectedOptions[0]?.textContent === 'Kenkä Oy';
  });
  await onKenka();
  await page.reload();  // Hallinta and the company chosen stay (the address, the browser's memory)
  await onKenka();
  // No agents yet: Hallinta says what the shop's visitors will see until there are.
  await page.locator('section.ad-agents .no-agents', { hasText: 'Jätä viesti' }).waitFor();
  const sites = page.locator('section.ad-sites');
  await sites.locator('.empty').waitFor();

  // The site, then its look.
  await sites.getByLabel('Nimi').last().fill('kenka.test');
  await sites.getByRole('button', { name: 'Luo sivusto' }).click();
  const editor = sites.locator('.site-editor');
  await editor.waitFor();
  await editor.getByLabel('Värisävy').fill('#aa3311');
  await editor.getByRole('radio', { name: 'Vasen alakulma' }).check();
  await editor.getByLabel('Tervehdys (kielille, joilla ei omaa)').fill('Tervetuloa Kenkään! Mitä etsit?');
  await editor.getByLabel('Painikkeen teksti (fi)').fill('Kysy kengistä');
  await editor.getByLabel('Nosto alakulmasta (px)').fill('100');  // clear of the shop's own buttons
  const preview = editor.locator('.widget-preview');
  await preview.locator('.wp-launcher', { hasText: 'Kysy kengistä' }).waitFor();
  assert.equal(await preview.locator('.wp-launcher').evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(170, 51, 17)');
  assert.match(await preview.getAttribute('class'), /left/);
  await preview.locator('.wp-bubble', { hasText: 'Tervetuloa Kenkään!' }).waitFor();
  // Without a language, the server says why and nothing is saved.
  for (const l of ['suomi', 'svenska', 'English']) await editor.getByRole('checkbox', { name: l }).uncheck();
  await editor.getByRole('button', { name: 'Tallenna sivusto' }).click();
  await editor.locator('.error', { hasText: 'at least one language' }).waitFor();
  await editor.getByRole('checkbox', { name: 'suomi' }).check();
  await editor.getByRole('button', { name: 'Tallenna sivusto' }).click();
  await editor.locator('.saved-note', { hasText: 'Tallennettu' }).waitFor();
  await page.screenshot({ path: join(shots, 'admin-site-editor.png'), fullPage: false });

  // The snippet, copied to the clipboard as it is shown.
  const code = await editor.getByLabel('Upotuskoodi').inputValue();
  assert.match(code, /^<script async src="http:\/\/127\.0\.0\.1:\d+\/widget\.js" data-site="[A-Za-z0-9_-]+"><\/script>$/);
  await editor.getByRole('button', { name: 'Kopioi koodi' }).click();
  await editor.locator('.saved-note', { hasText: 'Kopioitu' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code);

  // Rules in the form: none yet; a new rule without a text is stopped before the server; with a
  // text and a page condition it is saved as JSON the server reads back the same.
  const rules = editor.locator('.rules-editor');
  await rules.locator('.empty', { hasText: 'Ei sääntöjä' }).waitFor();
  await rules.getByRole('button', { name: '+ Lisää sääntö' }).click();
  const card = rules.locator('.rule-card').first();
  await card.getByLabel('Nimi').fill('Kengät: kassalla epäröivä');
  await rules.getByRole('button', { name: 'Tallenna säännöt' }).click();
  await rules.locator('.error', { hasText: 'Sääntö 1: kirjoita kutsun teksti' }).waitFor();
  await card.getByLabel('Ehto 1', { exact: true }).selectOption('url');
  await card.getByLabel('Ehto 1: arvo').fill('/kassa*');
  await card.getByRole('button', { name: '+ Lisää ehto' }).click();
  await card.getByLabel('Ehto 2: vertailu').selectOption('>');
  await card.getByLabel('Ehto 2: arvo').fill('kaksikymmentä');
  await rules.getByRole('button', { name: 'Tallenna säännöt' }).click();
  await rules.locator('.error', { hasText: 'Sääntö 1, ehto 2: anna luku' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Ehto 2: arvo', 'the field in question has the focus');
  await card.getByLabel('Ehto 2: arvo').fill('20');
  await card.getByRole('radio', { name: 'Avaa keskustelu' }).check();
  await card.getByLabel('Kutsun teksti (suomi)').fill('Tarvitsetko apua tilauksen kanssa?');
  await rules.getByRole('button', { name: 'Tallenna säännöt' }).click();
  await rules.locator('.saved-note', { hasText: 'Tallennettu' }).waitFor();
  const stored = await page.evaluate(async (key) => (await (await fetch(`/api/sites/${key}/rules`)).json()).rules,
    await editor.getByLabel('Upotuskoodi').inputValue().then((c) => c.match(/data-site="([^"]+)"/)[1]));
  assert.deepEqual(stored, [{ id: 1, name: 'Kengät: kassalla epäröivä', enabled: true, when: { all: [{ url: '/kassa*' }, { idle_s: { '>': 20 } }] },
    action: { mode: 'open', text: { fi: 'Tarvitsetko apua tilauksen kanssa?' } }, cap: { once_per_visit: true, after_dismiss_days: 7 } }]);
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'admin-rules-form.png') });
  // The JSON: the server's message for a bad rule is shown as it is; nested groups have no form.
  await rules.getByRole('button', { name: 'Muokkaa JSONina' }).click();
  await rules.getByLabel('Säännöt JSONina').fill('[{"name":"x"}]');
  await rules.getByRole('button', { name: 'Tallenna säännöt' }).click();
  await rules.locator('.error', { hasText: 'rule 1' }).waitFor();
  await rules.getByLabel('Säännöt JSONina').fill('[');
  await rules.getByRole('button', { name: 'Tallenna säännöt' }).click();
  await rules.locator('.error', { hasText: 'Ei kelvollista JSONia' }).waitFor();
  await rules.getByLabel('Säännöt JSONina').fill('[{"id":2,"when":{"any":[{"all":[{"pages":3},{"lang":"fi"}]},{"cart_value":100}]},"action":{"text":"Hei"}}]');
  await rules.getByRole('button', { name: 'Muokkaa lomakkeella' }).click();
  await rules.locator('.error', { hasText: 'sisäkkäisiä ehtoryhmiä' }).waitFor();
  await rules.getByRole('button', { name: 'Tallenna säännöt' }).click();
  await rules.locator('.saved-note', { hasText: 'Tallennettu' }).waitFor();
  await rules.getByLabel('Säännöt JSONina').fill(JSON.stringify(stored));
  await rules.getByRole('button', { name: 'Muokkaa lomakkeella' }).click();
  await rules.getByRole('button', { name: 'Tallenna säännöt' }).click();
  await rules.locator('.saved-note', { hasText: 'Tallennettu' }).waitFor();
  await card.getByLabel('Ehto 1: arvo').waitFor();
  assert.equal(await card.getByLabel('Ehto 1: arvo').inputValue(), '/kassa*');

  // Business hours: a bad time is refused with the server's reason; then open every day.
  const hours = page.locator('section.ad-hours');
  await hours.getByRole('status').waitFor();
  await hours.getByRole('checkbox', { name: /Aina auki/ }).uncheck();
  const days = hours.locator('.hours-week input');
  await days.first().fill('25:00-26:00');
  await hours.getByRole('button', { name: 'Tallenna aukioloajat' }).click();
  await hours.locator('.error').waitFor();
  for (let d = 0; d < 7; d++) await days.nth(d).fill('00:00-24:00');
  await hours.getByRole('button', { name: 'Tallenna aukioloajat' }).click();
  await hours.locator('.saved-note').waitFor();
  await hours.locator('.tag', { hasText: 'Auki nyt' }).waitFor();
  // Every day from midnight to midnight is "always open", in the time zone that was set.
  assert.equal(await hours.getByRole('checkbox', { name: /Aina auki/ }).isChecked(), true);
  assert.notEqual(await hours.getByLabel('Aikavyöhyke').inputValue(), '');
  await hours.screenshot({ path: join(shots, 'admin-hours.png') });

  // An agent of the outsourcing team (Aino, of Erämaa) now serves Kenkä too.
  const agents = page.locator('section.ad-agents');
  await agents.getByLabel('Sähköposti').fill('agentti@eramaa.demo');
  await agents.getByRole('button', { name: 'Lisää', exact: true }).click();
  await agents.locator('tr[data-agent]', { hasText: 'Aino' }).waitFor();
  // A team of the shop's own, with Aino in it; the site's chats go to it.
  const teams = page.locator('section.ad-teams');
  await teams.getByLabel('Uusi tiimi').fill('Kenkäasiantuntijat');
  await teams.getByRole('button', { name: 'Luo tiimi' }).click();
  const team = teams.locator('li[data-team]', { hasText: 'Kenkäasiantuntijat' });
  await team.getByRole('checkbox', { name: 'Aino Virtanen' }).check();
  await team.locator('.count', { hasText: '1' }).waitFor();
  const routing = page.locator('section.ad-sites .site-editor');
  await routing.getByLabel('Reititys').selectOption({ label: 'Kenkäasiantuntijat' });
  await routing.getByRole('button', { name: 'Tallenna sivusto' }).click();
  await routing.locator('.site-form .saved-note', { hasText: 'Tallennettu' }).waitFor();
  const aino = await consoleLogin(browser, server, { width: 1200, height: 800 });

  // The shop's own page on its own origin (another server; loopback, as browsers refuse a
  // public page's requests to loopback), with the snippet pasted in.
  shopSite = await startShop(`<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Kenkä Oy</title></head><body><h1>Kenkä Oy</h1><p>Kenkiä koko perheelle.</p>${code}</body></html>`);
  const shopCtx = await browser.newContext({ viewport: { width: 1200, height: 800 }, locale: 'fi-FI' });
  const shop = await shopCtx.newPage();
  const shopErrors = [];
  shop.on('pageerror', (e) => shopErrors.push(String(e)));
  await shop.goto(shopSite.url);
  const launcher = shop.locator('#tiski-widget button.l');
  await launcher.filter({ hasText: 'Kysy kengistä' }).waitFor();
  assert.equal(await launcher.evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(170, 51, 17)');
  const box = await launcher.boundingBox();
  assert.ok(box.x < 100, `the launcher is in the bottom-left corner (x ${box.x})`);
  assert.equal(Math.round(800 - box.y - box.height), 120, 'lifted 100 px above its 20 px from the bottom');
  await shop.screenshot({ path: join(shots, 'shop-new-site-widget.png') });
  await launcher.click();
  await shop.locator('#tiski-widget li.s', { hasText: 'Tervetuloa Kenkään!' }).waitFor();
  await shop.locator('#tiski-widget textarea').fill('Onko talvikenkiä koossa 44?');
  await shop.keyboard.press('Enter');

  // Aino answers from her console; the visitor sees it.
  await aino.page.locator('[data-list=mine] .item', { hasText: 'talvikenkiä' }).click();
  await aino.page.locator('.composer textarea').fill('On, kolmea mallia. Laitanko linkit?');
  await aino.page.keyboard.press('Enter');
  await shop.locator('#tiski-widget li.a', { hasText: 'kolmea mallia' }).waitFor();
  await shop.screenshot({ path: join(shots, 'shop-new-site-chat.png') });
  // The next page load draws the look at once, from what the widget kept (the panel stays open).
  await shop.reload();
  const head = shop.locator('#tiski-widget .p > .h');
  await head.waitFor();
  assert.equal(await head.evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(170, 51, 17)');
  await shop.locator('#tiski-widget li.a', { hasText: 'kolmea mallia' }).waitFor();

  // The pages the chat runs on: another shop's address listed, this page gets no chat (a copied
  // snippet); this shop's own address listed as typed, it works again.
  const origins = editor.getByLabel('Sivut, joilla chat toimii');
  await origins.fill('www.kenka.test\nhttps://*.kenka.test');
  await editor.getByRole('button', { name: 'Tallenna sivusto' }).click();
  await editor.locator('.site-form .saved-note', { hasText: 'Tallennettu' }).waitFor();
  assert.equal(await origins.inputValue(), 'https://www.kenka.test\nhttps://*.kenka.test', 'kept in normal form');
  await shop.reload();
  await shop.locator('#tiski-widget').waitFor({ state: 'detached' });  // no launcher at all on such a page
  assert.deepEqual(shopErrors, []);
  await origins.fill(shopSite.url.replace(/\/$/, '') + '/kengat');
  await editor.getByRole('button', { name: 'Tallenna sivusto' }).click();
  await editor.locator('.site-form .saved-note', { hasText: 'Tallennettu' }).waitFor();
  await shop.reload();
  await shop.locator('#tiski-widget li.a', { hasText: 'kolmea mallia' }).waitFor();
  assert.deepEqual(errors, []);
  assert.deepEqual(aino.errors, []);
  assert.deepEqual(shopErrors, []);
  await shopCtx.close();
  await aino.ctx.close();
  await ctx.close();
});

test('on a phone the site editor and its preview stack', async () => {
  const { page, ctx } = await consoleLogin(browser, server, { width: 1200, height: 900 }, 'omistaja@tiski.demo', '.side .me');
  await page.getByRole('button', { name: /Hallinta/ }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  const editor = page.locator('section.ad-sites .site-editor');
  await editor.waitFor();
  const form = await editor.locator('.site-form').boundingBox(), preview = await editor.locator('.widget-preview').boundingBox();
  assert.ok(preview.y >= form.y + form.height - 1, 'the preview is under the form');
  assert.ok(preview.width <= 390, 'the preview fits the screen');
  await page.screenshot({ path: join(shots, 'admin-site-editor-phone.png'), fullPage: false });
  await ctx.close();
});
