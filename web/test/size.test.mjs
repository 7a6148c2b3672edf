// The widget must not slow the shop's page. widget.js, loaded on every page view (the launcher,
// the socket, tracking, the page's API), is at most 5 KiB gzipped (issue 16); the chat, the
// conversions and the survey are files of their own, fetched when first needed. A visitor who
// opens the chat loads widget.js and the chat's file: about 1.5 KB more than the single
// widget.js (15,961 bytes) was, since each file is compressed alone; at most 18 KiB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url);
const gz = (name) => gzipSync(readFileSync(new URL(name, dist)), { level: 9 }).length;
const chunk = (kind) => readdirSync(dist).find((f) => new RegExp(`^widget-${kind}\\.[0-9a-f]{10}\\.js$`).test(f));
const LOADER = 5 * 1024;
const CHAT = 18 * 1024;

test(`widget.js is at most ${LOADER} bytes gzipped`, () => {
  const js = readFileSync(new URL('widget.js', dist), 'utf8');
  console.log(`widget.js: ${js.length} bytes, ${gz('widget.js')} bytes gzipped (budget ${LOADER})`);
  assert.ok(gz('widget.js') <= LOADER, `widget.js is ${gz('widget.js')} bytes gzipped, over the ${LOADER}-byte budget`);
  // The launcher's names in every language and its styles are in it; the chat's are not.
  for (const s of ['Kysy meiltä', 'Fråga oss', 'Chat with us', 'Jätä viesti', 'border-radius']) assert.ok(js.includes(s), `missing ${s}`);
  for (const s of ['Kirjoita viesti', 'textarea']) assert.ok(!js.includes(s), `${s} belongs to the chat's file`);
});

test('the chat, the conversions and the survey are files named by their content', () => {
  const js = readFileSync(new URL('widget.js', dist), 'utf8');
  const [chat, convert, survey] = ['chat', 'convert', 'survey'].map(chunk);
  assert.ok(chat && convert && survey, 'dist/widget-{chat,convert,survey}.HASH.js are built');
  assert.ok(js.includes(chat) && js.includes(convert), 'widget.js names the chunks it was built with');
  assert.ok(readFileSync(new URL(chat, dist), 'utf8').includes(survey), 'the chat names the survey it was built with');
  const total = gz('widget.js') + gz(chat);
  console.log(`${chat}: ${gz(chat)}, ${convert}: ${gz(convert)}, ${survey}: ${gz(survey)} bytes gzipped; widget.js with the chat: ${total}`);
  assert.ok(total <= CHAT, `widget.js with the chat is ${total} bytes gzipped, over ${CHAT}`);
});
