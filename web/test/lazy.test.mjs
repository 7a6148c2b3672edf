// Unit tests of what widget.js does before the chat's and the conversions' files are there
// (web/src/widget/chat_lazy.ts, convert_lazy.ts), bundled on the fly with a fake document whose
// scripts "load" when the test says, and fake storage: which frames fetch the chat, that the
// frames since the latest welcome reach it in order, that a failed fetch is tried again, and that
// the page's tiski('track') calls wait in sessionStorage until the conversions' file takes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const bundle = (file, define) => buildSync({
  entryPoints: [fileURLToPath(new URL(`../src/widget/${file}`, import.meta.url))], bundle: true, format: 'esm', write: false,
  platform: 'neutral', define,
  banner: {
    js: `const document = { createElement: () => globalThis.env.script(), head: { append: (s) => globalThis.env.scripts.push(s) },
  set cookie(v) { globalThis.env.cookie = v; } };
const mem = (m) => ({ getItem: (k) => m().get(k) ?? null, setItem: (k, v) => m().set(k, String(v)), removeItem: (k) => m().delete(k) });
const localStorage = mem(() => globalThis.env.local), sessionStorage = mem(() => globalThis.env.session);
const window = new Proxy({}, { get: (_, k) => globalThis.env.window[k] });
const location = { protocol: 'https:' };`,
  },
}).outputFiles[0].text;
const load = async (file, define) => import('data:text/javascript;base64,' + Buffer.from(bundle(file, define)).toString('base64'));

function setEnv() {
  const env = {
    local: new Map(), session: new Map(), window: {}, scripts: [],
    script: () => ({ remove() { this.removed = true; } }),
  };
  globalThis.env = env;
  // The browser: the script ran (its file sets window.__tiski...), or it failed.
  env.run = (i = env.scripts.length - 1) => env.scripts[i].onload();
  env.fail = (i = env.scripts.length - 1) => env.scripts[i].onerror();
  return env;
}

setEnv();
const { lazyChat, MAX_HELD } = await load('chat_lazy.ts', { __CHAT_CHUNK__: '"widget-chat.0123456789.js"' });
const { lazyConversions, MAX_CALLS } = await load('convert_lazy.ts', { __CONVERT_CHUNK__: '"widget-convert.0123456789.js"' });

const keys = { survey: 's', conv: 'cv', calls: 'calls' };
const chatWith = (env) => {
  const got = [];
  let loaded = 0;
  env.window.__tiskiChat = (d, at) => ({ onFrame: (f) => got.push(f.t + (f.n ?? '')), at });
  const c = lazyChat({ src: 'https://chat.example/widget.js', k: keys }, () => ({ open: false }), () => loaded++);
  return { c, got, loaded: () => loaded };
};

test('a welcome with nothing to show needs no chat; the frames since the latest welcome wait for it', () => {
  const env = setEnv();
  const { c, got, loaded } = chatWith(env);
  c.onFrame({ t: 'welcome', n: 1 });
  c.onFrame({ t: 'avail', open: false });
  c.onFrame({ t: 'error', code: 'unauthorized' });
  assert.equal(env.scripts.length, 0, 'nothing fetched');
  c.onFrame({ t: 'welcome', n: 2 });  // a reconnect: all there is again
  c.onFrame({ t: 'invite', text: 'Hei' });
  assert.equal(env.scripts.length, 1);
  assert.equal(env.scripts[0].src, 'https://chat.example/widget-chat.0123456789.js');
  c.onFrame({ t: 'msg' });  // on its way: waits too, fetched once
  assert.equal(env.scripts.length, 1);
  env.run();
  assert.deepEqual(got, ['welcome2', 'invite', 'msg']);
  assert.equal(loaded(), 1);
  c.onFrame({ t: 'typing' });
  assert.deepEqual(got.at(-1), 'typing', 'straight to the chat once it is here');
});

test('the chat is fetched for an open conversation, a survey owed, an error of a message; a failed fetch is tried again', () => {
  for (const [frame, memo] of [[{ t: 'welcome', conv: { id: 3 } }], [{ t: 'welcome' }, { a: [1], c: 2 }], [{ t: 'error', cid: 'x' }]]) {
    const env = setEnv();
    if (memo) env.local.set('s', JSON.stringify(memo));
    chatWith(env).c.onFrame(frame);
    assert.equal(env.scripts.length, 1, JSON.stringify(frame));
  }
  const env = setEnv();
  env.local.set('s', JSON.stringify({ a: [2], c: 2 }));  // asked already
  const { c, got } = chatWith(env);
  c.onFrame({ t: 'welcome' });
  assert.equal(env.scripts.length, 0);
  c.load();
  env.fail();
  assert.equal(env.scripts[0].removed, true);
  c.load();
  assert.equal(env.scripts.length, 2, 'fetched again');
  env.run();
  assert.deepEqual(got, ['welcome']);
});

test(`at most ${MAX_HELD} frames wait: one more fetches the chat`, () => {
  const env = setEnv();
  const { c } = chatWith(env);
  c.onFrame({ t: 'welcome' });
  for (let i = 1; i < MAX_HELD; i++) c.onFrame({ t: 'avail', open: true });
  assert.equal(env.scripts.length, 0);
  c.onFrame({ t: 'avail', open: true });
  assert.equal(env.scripts.length, 1);
});

test('tiski(track) calls wait in sessionStorage, bounded, until the conversions file takes them in order', () => {
  const env = setEnv();
  const taken = [];
  env.window.__tiskiConvert = () => ({ track: (kind, d) => taken.push([kind, d]), welcome: () => taken.push('welcome'), converted() {}, error: () => true });
  const cv = lazyConversions(keys, {}, 'https://chat.example/widget.js');
  assert.equal(cv.error({ t: 'error', code: 'bad_request' }), false, 'no conversion is out before the file is here');
  cv.track('order', { id: 'A1', value: 10, currency: 'EUR' });
  const cyclic = {};
  cyclic.self = cyclic;
  cv.track('order', cyclic);  // not JSON: not kept
  cv.track('lead', { id: 'x'.repeat(3000) });  // too long: not kept
  for (let i = 0; i < MAX_CALLS + 5; i++) cv.track('lead', { id: 'L' + i });
  assert.equal(JSON.parse(env.session.get('calls')).length, MAX_CALLS);
  assert.equal(env.scripts.length, 1, 'fetched once');
  env.run();
  assert.equal(taken[0], 'welcome', 'ready first, so that the waiting ones are sent once');
  assert.deepEqual(taken[1], ['order', { id: 'A1', value: 10, currency: 'EUR' }]);
  assert.equal(taken.length, 1 + MAX_CALLS);
  assert.equal(env.session.has('calls'), false);
  cv.track('lead', { id: 'now' });
  assert.deepEqual(taken.at(-1), ['lead', { id: 'now' }]);
});

test('a welcome fetches the conversions file only when some wait unsent', () => {
  const env = setEnv();
  env.window.__tiskiConvert = () => ({ track() {}, welcome() {} });
  const cv = lazyConversions(keys, {}, 'https://chat.example/widget.js');
  cv.welcome('TOKEN');
  assert.match(env.cookie, /^tiski_visitor=TOKEN; path=\/; max-age=2592000; SameSite=Lax; Secure$/);
  assert.equal(env.scripts.length, 0);
  env.local.set('cv', '[{"kind":"order","id":"A1"}]');
  cv.welcome('TOKEN');
  assert.equal(env.scripts.length, 1);
});
