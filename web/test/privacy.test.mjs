// Unit tests of the privacy page's pure part (web/src/console/privacy.ts): what the admin typed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const load = (file) => {
  const src = fileURLToPath(new URL(file, import.meta.url));
  const code = buildSync({ entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral' }).outputFiles[0].text;
  return import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
};
const { subjectOf } = await load('../src/console/privacy.ts');

test('a visitor number is found however the console wrote it', () => {
  for (const s of ['12', ' #12 ', 'Kävijä #12', 'Visitor #12', 'Besökare #12']) assert.deepEqual(subjectOf(s), { visitor: 12 }, s);
});

test('an address is an email; anything else is refused', () => {
  assert.deepEqual(subjectOf(' matti@example.com '), { email: 'matti@example.com' });
  for (const s of ['', 'Matti', '#', '0', '#0', '12a', '1234567890123', 'DROP TABLE']) assert.equal(subjectOf(s), null, s);
});
