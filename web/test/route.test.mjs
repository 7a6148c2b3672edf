// The console's addresses in the browser's history (web/src/console/route.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/console/route.ts', import.meta.url));
const code = buildSync({ entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral' }).outputFiles[0].text;
const { routeOf, parseRoute } = await import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));

test('each view and each open chat has an address, and the address names it again', () => {
  assert.equal(routeOf('reports', 5), '#reports');
  assert.equal(routeOf('chat', 42), '#c42');
  assert.equal(routeOf('chat', null), '');
  for (const v of ['visitors', 'recent', 'reports', 'desk', 'search', 'quality', 'live', 'admin']) {
    assert.deepEqual(parseRoute(routeOf(v, null)), { view: v, conv: null });
  }
  assert.deepEqual(parseRoute('#c42'), { view: 'chat', conv: 42 });
  assert.deepEqual(parseRoute('#c999999999999999'), { view: 'chat', conv: 999999999999999 });
  assert.deepEqual(parseRoute(''), { view: 'chat', conv: null });
});

test('an address that names nothing is the chat list', () => {
  for (const h of ['#', '#c', '#c0', '#c-1', '#c12x', '#chat', '#Reports', '#c9999999999999999', '#c1000000000000000', '#__proto__', '#constructor']) {
    assert.deepEqual(parseRoute(h), { view: 'chat', conv: null }, h);
  }
});
