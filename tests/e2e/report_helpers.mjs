// Shared by the Reports and Staffing browser tests: a server whose demo tenant also has a plain
// agent (Bertta), a console session in Finnish, and a visitor over a raw WebSocket (what the
// widget sends) who writes one line.
import { startServer, launch } from './harness.mjs';

export async function startWithPlainAgent() {
  const server = await startServer({
    admin: [['agent', 'create', '--email', 'bertta@eramaa.demo', '--name', 'Bertta Berg', '--password', 'demo1234',
      '--tenant', 'eramaa', '--role', 'agent']],
  });
  return { server, browser: await launch() };
}

// `ready`: what shows the console is in (an owner serving no tenant has no presence bar).
export async function consoleLogin(browser, server, viewport, email = server.email, ready = '.presence-bar') {
  const ctx = await browser.newContext({ viewport, locale: 'fi-FI', acceptDownloads: true });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url + '/console/');
  await page.getByLabel('Sähköposti').fill(email);
  await page.getByLabel('Salasana').fill(server.password);
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.locator(ready).waitFor();
  return { page, ctx, errors };
}

export async function rawVisitor(browser, server, body) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(server.url + '/healthz');
  const { conv, token } = await page.evaluate(async ({ site, body }) => {
    const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws/visitor');
    window.__ws = ws;
    window.__frames = [];
    ws.addEventListener('message', (e) => window.__frames.push(JSON.parse(e.data)));
    const next = (t) => new Promise((ok) => ws.addEventListener('message', function on(e) {
      const f = JSON.parse(e.data);
      if (f.t === t) { ws.removeEventListener('message', on); ok(f); }
    }));
    await new Promise((ok) => ws.addEventListener('open', ok));
    ws.send(JSON.stringify({ t: 'hello', site, lang: 'fi' }));
    const { token } = await next('welcome');
    ws.send(JSON.stringify({ t: 'send', cid: 'c1', body }));
    return { conv: (await next('ack')).conv, token };
  }, { site: server.siteKey, body });
  // token: the visitor's (a shop's signed order call names the visitor with it); page: where the
  // socket is (window.__ws), to send more frames, and what it received (window.__frames).
  return { conv, ctx, token, page };
}

// Opens the visitor's chat in the console and answers it (an answer takes a waiting chat).
export async function answer(page, conv, body) {
  await page.locator(`.item[data-conv="${conv}"]`).click();
  await page.locator('.chat h1').waitFor();
  await page.getByLabel(/Kirjoita vastaus/).fill(body);
  await page.keyboard.press('Enter');
  await page.locator('.msgs .m.agent:not(.pending)', { hasText: body }).waitFor();
}
