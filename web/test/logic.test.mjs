// Unit tests of the widget's pure logic (web/src/widget/logic.ts), bundled on the fly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/widget/logic.ts', import.meta.url));
const code = buildSync({ entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral' }).outputFiles[0].text;
const { pickLang, Thread, backoff, newCid, isEmail, bytes, layout, toCart, nextVisit, visitFacts, afterWelcome, nextGapPage, statusText, queueLine, leaveErrors, splitLinks, clock, opensWhen, brandColor, rgbOf, inkOn, DEFAULT_COLOR, toConversion, addPending, dropPending, shouldAsk, asked, surveyNext, askAgain } = await import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));

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
  assert.equal(t.firstSeq(1), 1);
  assert.equal(t.firstSeq(9), 0);
  // An earlier page (older) goes in front of what is held, each message still once.
  const u = new Thread();
  u.merge([m(4, 51), m(4, 52)]);
  assert.equal(u.firstSeq(4), 51);
  assert.equal(u.merge([m(4, 49), m(4, 50), m(4, 51)]).length, 2);
  assert.deepEqual(u.all().map((x) => x.seq), [49, 50, 51, 52]);
  assert.equal(u.firstSeq(4), 49);
});

test('reconnect backoff grows, is capped and jittered', () => {
  assert.equal(backoff(0, 0.5), 500);
  assert.equal(backoff(3, 0.5), 4000);
  assert.equal(backoff(20, 0.5), 30000);
  assert.equal(backoff(2000, 0.5), 30000);
  assert.equal(backoff(-5, 0.5), 500, 'below zero (after a restart): 0.5 s');
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
  assert.deepEqual(toCart({ value: 329.9, currency: 'EUR', items: 2 }), { cents: 32990, currency: 'EUR', items: 2 });
  assert.deepEqual(toCart({ value: 0, currency: 'SEK', items: 0 }), { cents: 0, currency: 'SEK', items: 0 });
  // The currency is an ISO 4217 code, three capital letters A-Z, as the server requires.
  for (const bad of [null, 'x', {}, { value: -1, currency: 'EUR', items: 1 }, { value: NaN, currency: 'EUR', items: 1 },
    { value: 1, currency: 'EURO', items: 1 }, { value: 1, currency: 'EUR', items: 1.5 }, { value: '1', currency: 'EUR', items: 1 },
    { value: 1, currency: 'eur', items: 1 }, { value: 1, currency: 'Eur', items: 1 }, { value: 1, currency: '€', items: 1 },
    { value: 1, currency: 'ÄÖÅ', items: 1 }, { value: 1, currency: 'EU1', items: 1 }, { value: 1, currency: ' EUR', items: 1 },
    { value: 1, currency: 'EUR\n', items: 1 }, { value: 1, items: 1 }, { value: 1, currency: 'EUR' }, { currency: 'EUR', items: 1 },
    [], [1, 'EUR', 1], 42, true, { value: 1, currency: 'EUR', items: '1' }, { value: 1, currency: 'EUR', items: null }]) {
    assert.equal(toCart(bad), null, JSON.stringify(bad));
  }
  // Extra keys are dropped; a cart whose fields come from its prototype is still a cart.
  assert.deepEqual(toCart({ value: 1, currency: 'EUR', items: 1, x: 2 }), { cents: 100, currency: 'EUR', items: 1 });
  assert.deepEqual(toCart(Object.create({ value: 2, currency: 'EUR', items: 3 })), { cents: 200, currency: 'EUR', items: 3 });
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

test('visit in hello: its age in whole seconds instead of its start, never negative', () => {
  const v = { id: 'v1', start: 10_000, pages: 3, ref: 'https://www.google.fi/', utm_source: 'news' };
  assert.deepEqual(visitFacts(v, 71_600), { id: 'v1', age_s: 62, pages: 3, ref: 'https://www.google.fi/', utm_source: 'news' });
  assert.deepEqual(Object.keys(visitFacts(v, 0)), ['id', 'age_s', 'pages', 'ref', 'utm_source']);
  assert.equal(visitFacts(v, 0).age_s, 0, 'a clock that went back');
  assert.equal(visitFacts(v, 10_499).age_s, 0);
  assert.equal(visitFacts(v, 10_500).age_s, 1);
});

test('catching up after a welcome: fill the gap of a reconnect, or show a conversation from its welcome', () => {
  // A page load (last_seq 0): earlier messages exist if the welcome says more.
  assert.deepEqual(afterWelcome(false, 0, true, true, 51, false), { fill: 0, earlier: true });
  assert.deepEqual(afterWelcome(false, 0, true, false, 1, true), { fill: 0, earlier: false });
  assert.deepEqual(afterWelcome(false, 0, false, false, undefined, true), { fill: 0, earlier: false }, 'no conversation');
  // A reconnect to the same conversation: more means a gap below the welcome's first message.
  assert.deepEqual(afterWelcome(true, 40, true, true, 91, false), { fill: 40, ask: 91, earlier: false });
  assert.deepEqual(afterWelcome(true, 40, true, true, 91, true), { fill: 40, ask: 91, earlier: true }, 'earlier stays as it was');
  assert.deepEqual(afterWelcome(true, 40, true, false, 41, true), { fill: 0, earlier: true }, 'no gap');
  assert.deepEqual(afterWelcome(true, 40, true, false, undefined, false), { fill: 0, earlier: false }, 'nothing missed');
  // A reconnect that finds another conversation (the one asked about was closed): from its start,
  // unless its first message is not 1.
  assert.deepEqual(afterWelcome(false, 40, true, false, 1, true), { fill: 0, earlier: false });
  assert.deepEqual(afterWelcome(false, 40, true, false, 7, false), { fill: 0, earlier: true });
  assert.deepEqual(afterWelcome(false, 40, true, false, undefined, false), { fill: 0, earlier: true });
  // Filling: ask again while the page has more and does not reach down to fill.
  assert.equal(nextGapPage(40, true, 42), 42);
  assert.equal(nextGapPage(40, true, 41), 0, 'reached the message after the last one held');
  assert.equal(nextGapPage(40, false, 60), 0, 'no more');
  assert.equal(nextGapPage(40, true, undefined), 0, 'an empty page');
});

test('header status: offline, who helps, by email, away, queue, online, in that order', () => {
  const T = { offline: 'OFF', joined: ' JOINED', byMail: 'MAIL', away: 'AWAY', waiting: 'WAIT', online: 'ON' };
  const s = (o) => statusText(T, { down: false, conv: null, mailTo: '', live: true, queue: '', ...o });
  const active = { id: 1, status: 'active', agent: 'Aino' };
  const waiting = { id: 1, status: 'waiting' };
  assert.equal(s({}), 'ON');
  assert.equal(s({ down: true, conv: active, mailTo: 'a@b.fi', live: false }), 'OFF');
  assert.equal(s({ conv: active, mailTo: 'a@b.fi', live: false }), 'Aino JOINED');
  assert.equal(s({ conv: { id: 1, status: 'active' } }), 'ON', 'active without an agent name');
  assert.equal(s({ conv: waiting, mailTo: 'a@b.fi', live: false }), 'MAIL');
  assert.equal(s({ conv: waiting, live: false, queue: 'Q' }), 'AWAY');
  assert.equal(s({ conv: waiting, queue: 'Q' }), 'Q');
  assert.equal(s({ conv: waiting }), 'WAIT');
});

test('queue line: the position, and the wait in whole minutes, at least one', () => {
  const T = { queue: 'You are number {n} in the queue', eta: ' · about ', mins: ' min wait' };
  assert.equal(queueLine(T, 3, 0), 'You are number 3 in the queue');
  assert.equal(queueLine(T, 2, 10), 'You are number 2 in the queue · about 1 min wait');
  assert.equal(queueLine(T, 2, 150), 'You are number 2 in the queue · about 3 min wait');
  assert.equal(queueLine(T, 2, 149), 'You are number 2 in the queue · about 2 min wait');
});

test('leave-a-message checks: address, message (at most 4000 UTF-8 bytes), consent', () => {
  const T = { badEmail: 'E', needMsg: 'M', too_large: 'L', needOk: 'OK' };
  assert.deepEqual(leaveErrors(T, 'a@b.fi', 'Hei', true), ['', '', '']);
  assert.deepEqual(leaveErrors(T, 'a@b', '', false), ['E', 'M', 'OK']);
  assert.deepEqual(leaveErrors(T, 'a@b.fi', 'ä'.repeat(2000), true), ['', '', '']);
  assert.deepEqual(leaveErrors(T, 'a@b.fi', 'ä'.repeat(2001), true), ['', 'L', '']);
});

test('links: only http(s) URLs, without the punctuation that ends a sentence', () => {
  const links = (t) => splitLinks(t).filter((_, i) => i % 2);
  assert.deepEqual(splitLinks('Katso https://eramaa.fi/teltat?koko=2#x ja kerro.'), ['Katso ', 'https://eramaa.fi/teltat?koko=2#x', ' ja kerro.']);
  assert.deepEqual(splitLinks('no links here'), ['no links here']);
  assert.deepEqual(splitLinks('http://a.fi'), ['', 'http://a.fi', '']);
  assert.deepEqual(links('See https://a.fi/x. And http://b.fi/y, or (https://c.fi/z)! Really? https://d.fi?'),
    ['https://a.fi/x', 'http://b.fi/y', 'https://c.fi/z', 'https://d.fi']);
  // A closing bracket is part of the URL only when the URL opened it.
  assert.deepEqual(links('(wiki: https://en.wikipedia.org/wiki/Tent_(disambiguation))'), ['https://en.wikipedia.org/wiki/Tent_(disambiguation)']);
  assert.deepEqual(links('HTTPS://EXAMPLE.COM/A'), ['HTTPS://EXAMPLE.COM/A']);
  assert.deepEqual(links('"https://a.fi/q"'), ['https://a.fi/q']);
  // Other schemes and lookalikes are text.
  for (const t of ['javascript:alert(1)', 'JavaScript://%0aalert(1)', 'data:text/html,<b>x</b>', 'ftp://a.fi/f', 'file:///etc/passwd',
    'vbscript:msgbox', 'https://', 'https://.', 'xhttps://a.fi', 'mailto:a@b.fi']) {
    assert.deepEqual(splitLinks(t), [t], t);
  }
  // Text around and between links is kept whole, in order.
  const t = 'a https://x.fi b\nhttps://y.fi/<script> c';
  assert.equal(splitLinks(t).join(''), t);
  assert.deepEqual(links(t), ['https://x.fi', 'https://y.fi/']);
});

test('times in the widget language: HH:MM, weekday when chat opens again', () => {
  const tz = 'Europe/Helsinki';
  const at = Date.UTC(2026, 11, 7, 7, 5);  // Monday 7 Dec 2026 09:05 in Helsinki
  const sp = (s) => s.replace(/\s/g, ' ');  // ICU may use a narrow no-break space before AM
  assert.equal(clock(at, 'fi', tz), '9.05');
  assert.equal(clock(at, 'sv', tz), '9:05');
  assert.equal(sp(clock(at, 'en', tz)), '9:05 AM');
  assert.equal(clock(Date.UTC(2026, 11, 7, 13, 30), 'fi', tz), '15.30');
  const nine = Date.UTC(2026, 11, 7, 7, 0);
  const thu = Date.UTC(2026, 11, 3, 16, 0);  // Thursday 18:00
  assert.equal(opensWhen(nine, thu, 'fi', 'tänään', tz), 'ma 9.00');
  assert.equal(opensWhen(nine, thu, 'sv', 'i dag', tz), 'mån 9:00');
  assert.equal(sp(opensWhen(nine, thu, 'en', 'today', tz)), 'Mon 9:00 AM');
  // The same day: today's word; a week or more ahead: the date too.
  assert.equal(opensWhen(nine, Date.UTC(2026, 11, 7, 5, 0), 'fi', 'tänään', tz), 'tänään 9.00');
  assert.equal(sp(opensWhen(nine, Date.UTC(2026, 11, 6, 23, 0), 'en', 'today', tz)), 'today 9:00 AM', 'after midnight in Helsinki');
  assert.equal(opensWhen(nine, Date.UTC(2026, 11, 6, 21, 0), 'fi', 'tänään', tz), 'ma 9.00', 'before midnight in Helsinki');
  assert.equal(opensWhen(nine, Date.UTC(2026, 10, 28, 12, 0), 'fi', 'tänään', tz), 'ma 7.12. 9.00');
});

test('brand colour: a valid colour or the default; readable text on it', () => {
  // A stand-in for CSS.supports('color', v).
  const supports = (v) => /^(#[0-9a-f]{3}([0-9a-f]{3})?|rgb\(.*\)|[a-z]+|var\(.*\))$/i.test(v) && !/[;:]/.test(v);
  assert.equal(brandColor('#c0392b', supports), '#c0392b');
  assert.equal(brandColor(' rebeccapurple ', supports), 'rebeccapurple');
  for (const bad of [undefined, '', 'javascript:alert(1)', '#zzz', 'red; background:url(x)', 'var(--x)', 'inherit', 'currentColor',
    'transparent', 'unset', 'x'.repeat(200)]) {
    assert.equal(brandColor(bad, supports), DEFAULT_COLOR, String(bad));
  }
  assert.equal(DEFAULT_COLOR, '#1d5c3f');
  assert.deepEqual(rgbOf('rgb(29, 92, 63)'), [29, 92, 63, 1]);
  assert.deepEqual(rgbOf('rgba(0, 0, 0, 0)'), [0, 0, 0, 0]);
  assert.deepEqual(rgbOf('rgb(10 20 30 / 50%)'), [10, 20, 30, 0.5]);
  assert.deepEqual(rgbOf('color(srgb 1 0.5 0)'), [255, 127.5, 0, 1]);
  assert.equal(rgbOf('oklch(0.7 0.1 200)'), null);
  // White on dark and saturated colours, near-black on light ones.
  for (const dark of [[29, 92, 63], [0, 0, 0], [192, 57, 43], [0, 90, 200], [102, 51, 153]]) assert.equal(inkOn(dark), '#fff', String(dark));
  for (const light of [[255, 255, 255], [245, 183, 0], [255, 221, 0], [144, 238, 144], [0, 200, 255]]) assert.equal(inkOn(light), '#111', String(light));
});

test('conversions from the page: checked, value in cents, currency uppercased; malformed ones are null', () => {
  assert.deepEqual(toConversion('order', { id: 'T-1001', value: 349.9, currency: 'eur' }), { kind: 'order', id: 'T-1001', cents: 34990, currency: 'EUR' });
  assert.deepEqual(toConversion('order', { id: 1001, value: 0.1 + 0.2, currency: 'SEK' }), { kind: 'order', id: '1001', cents: 30, currency: 'SEK' });
  assert.deepEqual(toConversion('lead', { id: 'L7' }), { kind: 'lead', id: 'L7' }, 'a lead needs no value or currency');
  assert.deepEqual(toConversion('lead', { id: 'L8', value: 0, currency: null }), { kind: 'lead', id: 'L8', cents: 0 });
  assert.deepEqual(toConversion('lead', { id: 'L9', value: 50, currency: 'eur' }), { kind: 'lead', id: 'L9', cents: 5000, currency: 'EUR' });
  assert.deepEqual(toConversion('order', { id: 'x'.repeat(100), currency: 'EUR' }), { kind: 'order', id: 'x'.repeat(100), currency: 'EUR' });
  for (const [kind, d] of [
    ['sale', { id: 'A', value: 1, currency: 'EUR' }],  // not a kind
    ['order', null], ['order', 'A'],
    ['order', { id: 'A', value: 10 }],  // an order needs a currency
    ['lead', { id: 'A', value: 10 }],  // so does a lead with a value
    ['order', { value: 10, currency: 'EUR' }], ['order', { id: '', currency: 'EUR' }], ['order', { id: '  ', currency: 'EUR' }],
    ['order', { id: 'x'.repeat(101), currency: 'EUR' }], ['order', { id: 'ä'.repeat(51), currency: 'EUR' }],  // 102 bytes
    ['order', { id: 'A\nB', currency: 'EUR' }], ['order', { id: NaN, currency: 'EUR' }], ['order', { id: {}, currency: 'EUR' }],
    ['order', { id: 'A', value: -1, currency: 'EUR' }], ['order', { id: 'A', value: Infinity, currency: 'EUR' }],
    ['order', { id: 'A', value: '12.50', currency: 'EUR' }], ['order', { id: 'A', value: 1e7 + 1, currency: 'EUR' }],
    ['order', { id: 'A', value: 1, currency: 'EURO' }], ['order', { id: 'A', value: 1, currency: 'E1R' }], ['order', { id: 'A', value: 1, currency: 978 }],
  ]) assert.equal(toConversion(kind, d), null, JSON.stringify([kind, d]));
});

test('pending conversions: oldest first, each kind and id once, at most 20; dropped when answered', () => {
  const o = (id) => ({ kind: 'order', id, cents: 100, currency: 'EUR' });
  let l = addPending([], o('A'));
  l = addPending(l, { kind: 'lead', id: 'A' });
  l = addPending(l, { ...o('A'), cents: 999 });  // already waiting: stays as it was
  assert.deepEqual(l, [o('A'), { kind: 'lead', id: 'A' }]);
  assert.deepEqual(dropPending(l, 'order', 'A'), [{ kind: 'lead', id: 'A' }]);
  assert.deepEqual(dropPending(l, 'order', 'B'), l);
  for (let i = 0; i < 30; i++) l = addPending(l, o('N' + i));
  assert.equal(l.length, 20);
  assert.deepEqual([l[0].id, l[19].id], ['N10', 'N29'], 'the oldest go first');
});

test('the survey: asked once per closed conversation an agent took part in, not when answered', () => {
  const closed = { id: 7, status: 'closed', agent: 'Aino' };
  assert.equal(shouldAsk(closed, { a: [] }), true);
  assert.equal(shouldAsk({ ...closed, csat: 4 }, { a: [] }), false, 'answered');
  assert.equal(shouldAsk(closed, { a: [3, 7] }), false, 'asked before');
  assert.equal(shouldAsk({ ...closed, status: 'active' }, { a: [] }), false, 'still open');
  assert.equal(shouldAsk({ id: 7, status: 'closed' }, { a: [] }), false, 'nobody answered it');
  assert.equal(shouldAsk({ id: 7, status: 'closed' }, { a: [], c: 7 }), true, 'an agent had joined it');

  // asked: the last 20, the newest last, each once; the conversation to ask about is done.
  let m = { a: [] };
  for (let i = 1; i <= 25; i++) m = asked(m, i);
  assert.deepEqual(m.a, Array.from({ length: 20 }, (_, i) => i + 6));
  assert.deepEqual(asked({ a: [1, 2, 3], c: 2 }, 2), { a: [1, 3, 2] });
  assert.deepEqual(asked({ a: [], c: 9 }, 2), { a: [2], c: 9 });
});

test('the survey comes back with its ended chat unless answered or skipped', () => {
  const ended = { id: 7, status: 'closed', agent: 'Aino' };
  assert.equal(askAgain(ended, []), true);
  assert.equal(askAgain(ended, [3, 7]), false, 'skipped');
  assert.equal(askAgain({ ...ended, csat: 5 }, []), false, 'answered');
  assert.equal(askAgain({ id: 7, status: 'closed' }, []), false, 'no agent took part');
  assert.equal(askAgain({ ...ended, status: 'active' }, []), false);
  assert.equal(askAgain(null, []), false);
});

test('the survey: what a conv frame or a welcome means', () => {
  // An agent joins: remembered; it closes: ask (and keep it until the survey is seen).
  let r = surveyNext({ a: [] }, { id: 5, status: 'waiting' });
  assert.deepEqual(r, { ask: 0, m: { a: [] } });
  r = surveyNext(r.m, { id: 5, status: 'active', agent: 'Aino' });
  assert.deepEqual(r, { ask: 0, m: { a: [], c: 5 } });
  assert.deepEqual(surveyNext(r.m, { id: 5, status: 'closed', agent: 'Aino' }), { ask: 5, m: { a: [], c: 5 } });
  // Closed while the widget was away (a welcome without it), also after a page load.
  assert.deepEqual(surveyNext(r.m, null), { ask: 5, m: { a: [], c: 5 } });
  assert.deepEqual(surveyNext({ a: [5], c: 5 }, null).ask, 0, 'asked already');
  assert.deepEqual(surveyNext({ a: [] }, null), { ask: 0, m: { a: [] } });
  // A new chat replaces the one to ask about; one nobody joined is not remembered.
  assert.deepEqual(surveyNext({ a: [1], c: 5 }, { id: 6, status: 'waiting' }), { ask: 0, m: { a: [1] } });
  assert.deepEqual(surveyNext({ a: [1], c: 5 }, { id: 6, status: 'active', agent: 'Bertta' }), { ask: 0, m: { a: [1], c: 6 } });
  assert.deepEqual(surveyNext({ a: [], c: 6 }, { id: 6, status: 'waiting' }), { ask: 0, m: { a: [], c: 6 } }, 'transferred back to the queue');
  // Closed unanswered, answered (the conv frame with csat), asked before.
  assert.deepEqual(surveyNext({ a: [] }, { id: 8, status: 'closed' }), { ask: 0, m: { a: [] } });
  assert.deepEqual(surveyNext({ a: [], c: 8 }, { id: 8, status: 'closed', agent: 'Aino', csat: 5 }), { ask: 0, m: { a: [] } });
  assert.deepEqual(surveyNext({ a: [8], c: 9 }, { id: 8, status: 'closed', agent: 'Aino' }), { ask: 0, m: { a: [8], c: 9 } });
});
