// Unit tests of the widget's pure logic (web/src/widget/logic.ts), bundled on the fly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/widget/logic.ts', import.meta.url));
const code = buildSync({ entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral' }).outputFiles[0].text;
const { pickLang, Thread, backoff, newCid, isEmail, bytes, layout, toCart, nextVisit } = await import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));

test('language: first supported candidate, Finnish by default', () => {
  assert.equal(pickLang(undefined, 'sv-FI', 'en'), 'sv');
  assert.equal(pickLang('de', 'EN-gb'), 'en');
  assert.equal(pickLang('de', '', null), 'fi');
});

test('thread: each (conversation, seq) once, in order', () => {
  const t = new Thread();
  const m = (conv, seq) => ({ conv, seq, author: 'agent', body: `${conv}/${seq}`, at: 0 });
  assert.equal(t.merge([m(1, 2), m(1, 1)]).length, 2);
  assert.equal(t.merge([m(1, 2), m(1, 3)]).length, 1, 'a resent message is not new');
  t.merge([m(2, 1)]);
  assert.deepEqual(t.all().map((x) => x.body), ['1/1', '1/2', '1/3', '2/1']);
  assert.equal(t.lastSeq(1), 3);
  assert.equal(t.lastSeq(9), 0);
});

test('reconnect backoff grows, is capped and jittered', () => {
  assert.equal(backoff(0, 0.5), 500);
  assert.equal(backoff(3, 0.5), 4000);
  assert.equal(backoff(20, 0.5), 30000);
  assert.ok(backoff(20, 0) >= 21000 && backoff(20, 1) <= 39000);
});

test('client ids are 16 URL-safe characters and unique', () => {
  const ids = new Set(Array.from({ length: 1000 }, () => newCid()));
  assert.equal(ids.size, 1000);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{16}$/);
});

test('email addresses: something@something.tld', () => {
  for (const ok of ['aino@example.fi', 'a.b+c@mail.example.co.uk', 'x@a-b.fi']) assert.ok(isEmail(ok), ok);
  for (const bad of ['', 'aino', 'aino@', '@example.fi', 'aino@example', 'aino@example.f', 'ai no@example.fi', 'a@b@example.fi', 'a@.fi', 'a@b..fi', 'a@b.fi.'])
    assert.ok(!isEmail(bad), bad);
  assert.ok(!isEmail('a'.repeat(250) + '@b.fi'), 'at most 254 characters');
});

test('byte length counts UTF-8 like the server', () => {
  assert.equal(bytes('abc'), 3);
  assert.equal(bytes('ä'), 2);
  assert.equal(bytes('😀'), 4);
});

test('layout: the leave-a-message form, the waiting banner, the email note', () => {
  const waiting = { status: 'waiting' };
  const active = { status: 'active' };
  // Live chat open: the normal chat, whatever else.
  assert.deepEqual(layout(true, null, false, '', false), { form: false, mail: false, banner: false });
  assert.deepEqual(layout(true, waiting, false, '', false), { form: false, mail: false, banner: false });
  // Closed without a conversation: the form.
  assert.deepEqual(layout(false, null, false, '', false), { form: true, mail: false, banner: false });
  // The form stays while its leave frame is on its way, even once the conversation exists or chat opens.
  assert.deepEqual(layout(false, waiting, true, '', false), { form: true, mail: false, banner: false });
  assert.deepEqual(layout(true, waiting, true, '', false), { form: true, mail: false, banner: false });
  // Closed while waiting unanswered: the banner; answered, active or with an address: none.
  assert.deepEqual(layout(false, waiting, false, '', false), { form: false, mail: false, banner: true });
  assert.equal(layout(false, waiting, false, '', true).banner, false);
  assert.equal(layout(false, active, false, '', false).banner, false);
  assert.deepEqual(layout(false, waiting, false, 'a@b.fi', false), { form: false, mail: true, banner: false });
  // The email note stays with the conversation when chat opens again.
  assert.deepEqual(layout(true, active, false, 'a@b.fi', true), { form: false, mail: true, banner: false });
});

test('cart from the page API: value in currency units to cents, malformed input ignored', () => {
  assert.deepEqual(toCart({ value: 329.9, currency: 'eur', items: 2 }), { cents: 32990, currency: 'EUR', items: 2 });
  assert.deepEqual(toCart({ value: 0, currency: 'SEK', items: 0 }), { cents: 0, currency: 'SEK', items: 0 });
  for (const bad of [null, 'x', {}, { value: -1, currency: 'EUR', items: 1 }, { value: NaN, currency: 'EUR', items: 1 },
    { value: 1, currency: 'EURO', items: 1 }, { value: 1, currency: 'EUR', items: 1.5 }, { value: '1', currency: 'EUR', items: 1 }]) {
    assert.equal(toCart(bad), null, JSON.stringify(bad));
  }
});

test('visit: a new one remembers its referrer and UTM; later pages count up', () => {
  let n = 0;
  const id = () => 'v' + ++n;
  const v = nextVisit(null, 'https://shop.fi/teltat?utm_source=news&utm_campaign=talvi&x=1', 'https://www.google.fi/search', 1000, id);
  assert.deepEqual(v, { id: 'v1', start: 1000, pages: 1, ref: 'https://www.google.fi/search', utm_source: 'news', utm_campaign: 'talvi' });
  const next = nextVisit(v, 'https://shop.fi/reput', 'https://shop.fi/teltat', 5000, id);
  assert.equal(next.id, 'v1');
  assert.equal(next.pages, 2);
  assert.equal(next.start, 1000);
  // An internal referrer is not a source; garbage in storage starts a new visit.
  assert.equal(nextVisit(null, 'https://shop.fi/', 'https://shop.fi/x', 0, id).ref, undefined);
  assert.equal(nextVisit({ bogus: 1 }, 'https://shop.fi/', '', 0, id).id, 'v3');
});
