// Unit test of the console's saved state (web/src/console/persist.ts) with fake timers and a
// fake localStorage: a console that re-renders more often than the save delay still saves.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const store = new Map();
globalThis.localStorage = {
  getItem: (k) => (store.has(k) ? store.get(k) : null),
  setItem: (k, v) => store.set(k, String(v)),
  removeItem: (k) => store.delete(k),
};
mock.timers.enable({ apis: ['setTimeout'] });
const src = fileURLToPath(new URL('../src/console/persist.ts', import.meta.url));
const code = buildSync({ entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral' }).outputFiles[0].text;
const persist = await import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));

const saved = (n) => ({ selected: n, drafts: {}, unread: {}, fresh: [] });

test('renders every 100 ms do not starve the save', () => {
  store.clear();
  for (let i = 1; i <= 10; i++) {
    persist.save(7, () => saved(i));
    mock.timers.tick(100);
  }
  assert.equal(persist.load(7)?.selected, 9, 'written within one delay of the latest request');
  mock.timers.tick(persist.SAVE_DELAY_MS);
  assert.equal(persist.load(7)?.selected, 10);
});

test('flush writes at once what is pending; forget drops it', () => {
  store.clear();
  persist.save(7, () => saved(3));
  persist.flush();
  assert.equal(persist.load(7)?.selected, 3);
  persist.save(7, () => saved(4));
  persist.forget(7);
  mock.timers.tick(persist.SAVE_DELAY_MS);
  assert.equal(persist.load(7), undefined);
});
