// Unit tests of web/src/console/fill.ts: values put into the console's strings, a count with its
// word in the singular or the plural.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';

const load = async (rel) => {
  const src = new URL(rel, import.meta.url).pathname;
  const code = buildSync({ entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral' }).outputFiles[0].text;
  return import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
};
const { put, putAll } = await load('../src/console/fill.ts');

test('a count takes its word: the first form for exactly 1', () => {
  assert.equal(put('{n|order|orders} in all', 'n', 1), '1 order in all');
  assert.equal(put('{n|order|orders} in all', 'n', 2), '2 orders in all');
  assert.equal(put('{n|order|orders} in all', 'n', '0'), '0 orders in all');
  assert.equal(put('{n|tilaus|tilausta}', 'n', '1 234'), '1 234 tilausta');  // formatted for the language
  assert.equal(put('{n|chat|chats} / h', 'n', '1.5'), '1.5 chats / h');
  assert.equal(put('{n} and {n}', 'n', 3), '3 and 3');
  assert.equal(put('{t} stays', 'n', 3), '{t} stays');
});

test('several values at once', () => {
  assert.equal(putAll('Poistettu: {c|keskustelu|keskustelua}, {m|viesti|viestiä}.', { c: 1, m: 12 }), 'Poistettu: 1 keskustelu, 12 viestiä.');
});

test("the console's word forms are whole: {n|one|many}, two forms", () => {
  const strings = JSON.parse(readFileSync(new URL('../src/console/strings.json', import.meta.url), 'utf8'));
  for (const [key, byLang] of Object.entries(strings)) {
    if (typeof byLang !== 'object') continue;
    for (const s of Object.values(byLang)) {
      for (const m of s.matchAll(/\{\w+\|[^}]*\}/g)) assert.match(m[0], /^\{\w+\|[^|}]*\|[^|}]*\}$/, `${key}: ${m[0]}`);
      assert.doesNotMatch(s, /\{\w+\|[^}]*$/, `${key}: an unclosed form`);
    }
  }
});
