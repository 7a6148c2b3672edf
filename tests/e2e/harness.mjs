// Starts a real `tiski serve` with a freshly seeded demo workspace on a free port, and
// Debian's Chromium through playwright-core. Used by the browser tests.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(repo, 'web/package.json'));
const { chromium } = require('playwright-core');
export const bin = process.env.TISKI_BIN || join(repo, 'build/tiski');
export const shots = join(repo, 'build/screenshots');

async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

// `admin`: extra admin commands (argument lists) to run on the data directory before serving;
// `config`: TOML text for --config; `demo`: more arguments of `tiski demo` (['--history', '7']).
export async function startServer({ admin = [], config = '', demo = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tiski-browser-'));
  const out = execFileSync(bin, ['demo', '--data', join(dir, 'data'), ...demo], { encoding: 'utf8' });
  for (const args of admin) execFileSync(bin, [...args, '--data', join(dir, 'data')], { stdio: 'ignore' });
  const email = /^agent: (.+)$/m.exec(out)[1];
  const password = /^password: (.+)$/m.exec(out)[1];
  const siteKey = /^site key: (.+)$/m.exec(out)[1];
  const siteKey2 = /^second site key \(Pyöräpaja\): (.+)$/m.exec(out)?.[1];
  // The port is free when asked but may be taken before the server binds it (tests run side by
  // side): then the server exits, and another process may answer on that port. Ours is the one
  // whose demo page carries our site key; otherwise try another port.
  let proc, url;
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const args = ['serve', '--data', join(dir, 'data'), '--listen', `127.0.0.1:${port}`,
      '--web', join(repo, 'web/dist'), '--log-level', 'warn'];
    if (config) {
      writeFileSync(join(dir, 'tiski.toml'), config);
      args.push('--config', join(dir, 'tiski.toml'));
    }
    proc = spawn(bin, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    let exited = false;
    proc.once('exit', () => { exited = true; });
    url = `http://127.0.0.1:${port}`;
    let ours = false;
    for (let i = 0; i < 200 && !exited && !ours; i++) {
      try {
        ours = (await fetch(url + '/readyz')).ok && (await (await fetch(url + '/demo/')).text()).includes(siteKey);
      } catch {}
      if (!ours) await new Promise((r) => setTimeout(r, 50));
    }
    if (ours && !exited) break;
    if (!exited) {
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
    }
    if (attempt >= 4) throw new Error('the server did not start');
  }
  return {
    url, email, password, siteKey, siteKey2,
    data: join(dir, 'data'),  // for admin commands while it runs (e.g. `tiski site show` for the site's secret)
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launch() {
  mkdirSync(shots, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

// A Python test server of tests/ (smtp_sink.py, hook_sink.py) on 127.0.0.1: it writes its port
// to dir/port once it listens and what it receives into dir.
async function startSink(script, name) {
  const dir = mkdtempSync(join(tmpdir(), `tiski-${name}-`));
  const proc = spawn('/usr/bin/python3', [join(repo, 'tests', script), dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 200 && !existsSync(join(dir, 'port')); i++) await new Promise((r) => setTimeout(r, 25));
  const port = Number(readFileSync(join(dir, 'port'), 'utf8'));
  const files = (ext) => readdirSync(dir).filter((f) => f.endsWith(ext)).sort().map((f) => readFileSync(join(dir, f), 'utf8'));
  return {
    dir, port, files,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A real SMTP server (Debian's python3-aiosmtpd, tests/smtp_sink.py) on 127.0.0.1. messages()
// returns what it accepted, as raw RFC 5322 text.
export async function startSmtp() {
  const sink = await startSink('smtp_sink.py', 'smtp');
  return {
    port: sink.port,
    config: `[smtp]\nurl = "smtp://127.0.0.1:${sink.port}"\ntls = "none"\nfrom = "asiakaspalvelu@eramaa.example"\nretry_seconds = 1\n`,
    messages: () => sink.files('.eml'),
    stop: sink.stop,
  };
}

// A real IMAP server (Debian's Dovecot, tests/imap_server.py) on 127.0.0.1: users support and
// other (password "secret"); append() delivers an email to a user's INBOX with curl.
export async function startImap() {
  const sink = await startSink('imap_server.py', 'imap');
  const url = `imap://127.0.0.1:${sink.port}/INBOX`;
  return {
    url,
    config: '[imap]\npoll_seconds = 1\nallow_private = true\n',
    append(raw, user = 'support') {
      // curl needs the size first (an IMAP literal): the email goes through a file.
      const file = join(sink.dir, `append-${Date.now()}-${Math.random().toString(36).slice(2)}.eml`);
      writeFileSync(file, raw.replace(/\r?\n/g, '\r\n'));
      const r = spawnSync('curl', ['-sS', '-u', `${user}:secret`, '-T', file, url]);
      rmSync(file);
      if (r.status !== 0) throw new Error(`IMAP append failed: ${r.stderr}`);
    },
    stop: sink.stop,
  };
}

// A webhook receiver (tests/hook_sink.py) on 127.0.0.1: received() returns every POST as
// {path, headers, body, valid}, `valid` being the signature checked with Python's own HMAC and
// the secret given to setSecret().
export async function startHookSink() {
  const sink = await startSink('hook_sink.py', 'hooks');
  return {
    url: (path) => `http://127.0.0.1:${sink.port}${path}`,
    setSecret: (secret) => writeFileSync(join(sink.dir, 'secret'), secret),
    received: () => sink.files('.json').map((text) => JSON.parse(text)),
    stop: sink.stop,
  };
}

// For page.addInitScript: counts the pages' tones and desktop notifications, and lets a test hide the tab.
export const instrument = () => {
  window.__tones = 0;
  window.__notes = [];
  const Real = window.AudioContext;
  window.AudioContext = class extends Real {
    createOscillator() {
      const o = super.createOscillator();
      const start = o.start.bind(o);
      o.start = (...a) => { window.__tones++; return start(...a); };
      return o;
    }
  };
  window.Notification = class {
    static permission = 'granted';
    static requestPermission() { return Promise.resolve('granted'); }
    constructor(title, opts) { window.__notes.push({ title, body: opts?.body }); }
    close() {}
  };
  window.__hide = (hidden) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    document.dispatchEvent(new Event('visibilitychange'));
  };
};

// A shop's own page on an origin of its own (a second loopback server: browsers refuse a public
// page's requests to loopback), serving `html` at every path. { url, close }.
export async function startShop(html) {
  const shop = http.createServer((q, r) => {
    r.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    r.end(html);
  });
  await new Promise((ok) => shop.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${shop.address().port}/`, close: () => shop.close() };
}

// The workspace owner's session over REST: { cookie, csrf, headers } (headers for writes).
export async function ownerSession(server) {
  const login = await fetch(server.url + '/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'omistaja@tiski.demo', password: server.password }) });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const { csrf } = await login.json();
  return { cookie, csrf, headers: { cookie, 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, Origin: server.url } };
}

// The page of a shop whose logged-in customer is `who` ({id, name, email}), identified with the
// HMAC of the site's secret as the shop's server computes it, plus any more queued calls.
export async function identifiedShopPage(server, cookie, who, more = '') {
  const secret = (await (await fetch(`${server.url}/api/sites/${server.siteKey}/secret`, { headers: { cookie } })).json()).secret;
  const hash = createHmac('sha256', secret).update(who.id).digest('hex');
  return `<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Oma tili</title></head><body><h1>Hei ${who.name.split(' ')[0]}</h1>
<script>window.tiski=window.tiski||function(){(tiski.q=tiski.q||[]).push(arguments)};
${more}tiski('identify',${JSON.stringify({ ...who, hash })});</script>
<script async src="${server.url}/widget.js" data-site="${server.siteKey}"></script></body></html>`;
}
