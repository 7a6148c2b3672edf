// Unit tests of what the widget keeps in the browser (web/src/widget/storage.ts), bundled on the
// fly like logic.test.mjs: the key names visitors already have, and storage that fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/widget/storage.ts', import.meta.url));
const code = buildSync({ entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral' }).outputFiles[0].text;
const { keys, store, readJson } = await import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));

class Mem {
  m = new Map();
  getItem(k) { return this.m.has(k) ? this.m.get(k) : null; }
  setItem(k, v) { this.m.set(k, String(v)); }
  removeItem(k) { this.m.delete(k); }
}
// Storage as a sandboxed or full browser has it: every call throws.
const blocked = { getItem() { throw new Error('SecurityError'); }, setItem() { throw new Error('QuotaExceededError'); }, removeItem() { throw new Error('SecurityError'); } };

test('keys: the names visitors have stored under stay the same', () => {
  assert.deepEqual(keys('S1'), {
    token: 'tiski:v:S1', open: 'tiski:o:S1', mail: 'tiski:e:S1', live: 'tiski:a:S1', visit: 'tiski:visit:S1', cart: 'tiski:cart:S1',
    conv: 'tiski:cv:S1', calls: 'tiski:cvin:S1', survey: 'tiski:s:S1', ident: 'tiski:id:S1', look: 'tiski:look:S1',
  });
});

test('store reads, writes and removes; blocked storage reads as empty and ignores writes', () => {
  const s = new Mem();
  assert.equal(store(s, 'k'), null);
  assert.equal(store(s, 'k', 'v'), null);
  assert.equal(store(s, 'k'), 'v');
  store(s, 'k', null);
  assert.equal(s.m.has('k'), false);
  assert.equal(store(blocked, 'k'), null);
  assert.doesNotThrow(() => store(blocked, 'k', 'v'));
  assert.doesNotThrow(() => store(blocked, 'k', null));
});

test('readJson: the stored value, or null if none, not JSON or blocked', () => {
  const s = new Mem();
  assert.equal(readJson(s, 'k'), null);
  s.setItem('k', JSON.stringify({ c: 5, e: 'a@b.fi', s: 0 }));
  assert.deepEqual(readJson(s, 'k'), { c: 5, e: 'a@b.fi', s: 0 });
  s.setItem('k', '{broken');
  assert.equal(readJson(s, 'k'), null);
  assert.equal(readJson(blocked, 'k'), null);
});
