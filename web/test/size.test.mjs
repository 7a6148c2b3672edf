// The widget must not slow the shop's page: at most 16 KB gzipped (15 KB until file sending came;
// issue 16 splits off a small loader), styles and fi/sv/en
// strings included (they are all inside widget.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 16 * 1024;

test(`widget.js is at most ${BUDGET} bytes gzipped`, () => {
  const js = readFileSync(new URL('../dist/widget.js', import.meta.url));
  const gz = gzipSync(js, { level: 9 }).length;
  console.log(`widget.js: ${js.length} bytes, ${gz} bytes gzipped (budget ${BUDGET})`);
  assert.ok(gz <= BUDGET, `widget.js is ${gz} bytes gzipped, over the ${BUDGET}-byte budget`);
  for (const s of ['Kysy meiltä', 'Fråga oss', 'Chat with us', 'border-radius']) assert.ok(js.includes(s), `missing ${s}`);
});

test('the survey is its own file, named by its content, that widget.js fetches when needed', () => {
  const dist = new URL('../dist/', import.meta.url);
  const chunk = readdirSync(dist).find((f) => /^widget-survey\.[0-9a-f]{10}\.js$/.test(f));
  assert.ok(chunk, 'dist/widget-survey.HASH.js is built');
  const js = readFileSync(new URL('widget.js', dist), 'utf8');
  assert.ok(js.includes(chunk), 'widget.js names the chunk it was built with');
  const gz = gzipSync(readFileSync(new URL(chunk, dist)), { level: 9 }).length;
  console.log(`${chunk}: ${gz} bytes gzipped, fetched only when a closed chat is to be asked about`);
});
