// The widget must not slow the shop's page: at most 15 KB gzipped, styles and fi/sv/en
// strings included (they are all inside widget.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 15 * 1024;

test(`widget.js is at most ${BUDGET} bytes gzipped`, () => {
  const js = readFileSync(new URL('../dist/widget.js', import.meta.url));
  const gz = gzipSync(js, { level: 9 }).length;
  console.log(`widget.js: ${js.length} bytes, ${gz} bytes gzipped (budget ${BUDGET})`);
  assert.ok(gz <= BUDGET, `widget.js is ${gz} bytes gzipped, over the ${BUDGET}-byte budget`);
  for (const s of ['Kysy meiltä', 'Fråga oss', 'Chat with us', 'border-radius']) assert.ok(js.includes(s), `missing ${s}`);
});
