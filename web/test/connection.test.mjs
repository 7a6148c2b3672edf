// Unit tests of the widget's socket (web/src/widget/connection.ts), bundled on the fly with a
// fake WebSocket, fake timers and a fake localStorage in place of the browser's: hello with the
// token and, on a reconnect, last_seq; nothing but hello before the welcome; reconnecting with
// backoff; the ping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/widget/connection.ts', import.meta.url));
const code = buildSync({
  entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral',
  // The module's globals, from the test's environment (globalThis.env, set before each connection).
  banner: {
    js: `const WebSocket = function (url) { return new globalThis.env.WebSocket(url); };
const localStorage = { getItem: (k) => globalThis.env.stored.get(k) ?? null, setItem: (k, v) => globalThis.env.stored.set(k, v), removeItem: (k) => globalThis.env.stored.delete(k) };
const setTimeout = (f, ms) => globalThis.env.setTimeout(f, ms);
const setInterval = (f, ms) => globalThis.env.setInterval(f, ms);`,
  },
}).outputFiles[0].text;
const { connection } = await import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));

class FakeWS {
  sent = [];
  constructor(url) {
    this.url = url;
  }
  send(s) { this.sent.push(JSON.parse(s)); }
  // What the server or the network does:
  open() { this.onopen?.({}); }
  receive(data) { this.onmessage?.({ data: typeof data === 'string' ? data : JSON.stringify(data) }); }
  drop(code = 1006) { this.onclose?.({ code }); }
}

function setup({ lastSeq = 0 } = {}) {
  const socks = [];
  const timers = [];
  const intervals = [];
  const stored = new Map([['tok-key', 'T0']]);
  const frames = [];
  let downs = 0;
  globalThis.env = {
    WebSocket: class extends FakeWS {
      constructor(url) {
        super(url);
        socks.push(this);
      }
    },
    stored,
    setTimeout: (f, ms) => timers.push({ f, ms }),
    setInterval: (f, ms) => intervals.push({ f, ms }),
  };
  const c = connection({
    url: 'ws://h/ws/visitor', tokenKey: 'tok-key',
    hello: () => ({ t: 'hello', site: 'S', lang: 'fi' }),
    lastSeq: () => lastSeq,
    onFrame: (f) => frames.push(f),
    onDown: () => downs++,
  });
  const welcome = (s, token = 'T1') => s.receive({ t: 'welcome', token, visitor: 1, site: {}, msgs: [], open: true, more: false });
  return { c, socks, timers, intervals, stored, frames, welcome, downs: () => downs };
}

test('hello carries the token; nothing else goes out before the welcome; the welcome token is kept', () => {
  const { c, socks, stored, frames, welcome } = setup({ lastSeq: 12 });
  c.connect();
  assert.equal(socks.length, 1);
  assert.equal(socks[0].url, 'ws://h/ws/visitor');
  c.send({ t: 'typing', on: true });  // before open
  socks[0].open();
  c.send({ t: 'typing', on: true });  // before welcome
  assert.deepEqual(socks[0].sent, [{ t: 'hello', site: 'S', lang: 'fi', token: 'T0' }], 'a page load asks for the newest: no last_seq');
  assert.equal(c.sentLast(), 0);
  welcome(socks[0]);
  assert.equal(stored.get('tok-key'), 'T1');
  assert.equal(frames[0].t, 'welcome');
  c.send({ t: 'typing', on: true });
  assert.deepEqual(socks[0].sent.at(-1), { t: 'typing', on: true });
  assert.equal(c.down(), false);
});

test('without a stored token hello has none', () => {
  const { c, socks, stored } = setup();
  stored.clear();
  c.connect();
  socks[0].open();
  assert.deepEqual(socks[0].sent, [{ t: 'hello', site: 'S', lang: 'fi' }]);
});

test('a drop: offline, then a reconnect with backoff whose hello asks from last_seq', () => {
  const { c, socks, timers, welcome, downs } = setup({ lastSeq: 12 });
  c.connect();
  socks[0].open();
  assert.equal(c.down(), false, 'not offline before the first welcome');
  welcome(socks[0]);
  socks[0].drop();
  assert.equal(downs(), 1);
  assert.equal(c.down(), true);
  c.send({ t: 'typing', on: true });
  assert.equal(socks[0].sent.length, 1, 'dropped while down');
  // backoff(0): 0.5 s with +-30 % jitter.
  assert.equal(timers.length, 1);
  assert.ok(timers[0].ms >= 350 && timers[0].ms <= 650, String(timers[0].ms));
  timers[0].f();
  assert.equal(socks.length, 2);
  socks[1].open();
  assert.deepEqual(socks[1].sent, [{ t: 'hello', site: 'S', lang: 'fi', token: 'T1', last_seq: 12 }]);
  assert.equal(c.sentLast(), 12);
  assert.equal(c.down(), true, 'offline until welcomed again');
  welcome(socks[1], 'T2');
  assert.equal(c.down(), false);
});

test('drops without a welcome back off longer; a welcome starts over', () => {
  const { c, socks, timers, welcome } = setup();
  c.connect();
  for (let i = 0; i < 4; i++) {
    socks.at(-1).drop();
    timers.at(-1).f();
  }
  const [a, b, d, e] = timers.map((t) => t.ms);
  assert.ok(a <= 650 && b >= 700 && b <= 1300 && d >= 1400 && d <= 2600 && e >= 2800 && e <= 5200, timers.map((t) => t.ms).join());
  socks.at(-1).open();
  welcome(socks.at(-1));
  socks.at(-1).drop();
  assert.ok(timers.at(-1).ms <= 650, 'reset by the welcome');
});

test('a server that says it restarts (1001, 1012) is tried every 0.5 s six times, then with the doubling', () => {
  for (const code of [1001, 1012]) {
    const { c, socks, timers, welcome } = setup();
    c.connect();
    socks[0].open();
    welcome(socks[0]);
    socks[0].drop(code);
    for (let i = 0; i < 8; i++) {
      timers.at(-1).f();
      socks.at(-1).drop();  // refused while the server is down
    }
    const ms = timers.map((t) => t.ms);
    assert.ok(ms.slice(0, 6).every((x) => x >= 350 && x <= 650), ms.join());
    assert.ok(ms[6] >= 700 && ms[6] <= 1300 && ms[7] >= 1400 && ms[7] <= 2600, ms.join());
  }
  // Closed with 1001 before any welcome (a server going away again at once): the usual doubling.
  const { c, socks, timers } = setup();
  c.connect();
  socks[0].open();
  socks[0].drop(1001);
  timers[0].f();
  socks[1].drop();
  assert.ok(timers[1].ms >= 700, String(timers[1].ms));
});

test('a socket that closes after it was replaced does not reconnect again; bad frames are ignored', () => {
  const { c, socks, timers, frames, downs } = setup();
  c.connect();
  socks[0].receive('{not json');
  socks[0].receive('null');
  assert.deepEqual(frames, []);
  socks[0].drop();
  timers[0].f();
  socks[0].drop();  // the old socket's close again
  assert.equal(downs(), 1);
  assert.equal(timers.length, 1);
});

test('a socket the browser refuses at once is tried again after a backoff', () => {
  const { c, socks, timers } = setup();
  const Working = globalThis.env.WebSocket;
  let refusals = 1;
  globalThis.env.WebSocket = class extends Working {
    constructor(url) {
      if (refusals-- > 0) throw new Error('SecurityError');
      super(url);
    }
  };
  c.connect();
  assert.equal(socks.length, 0);
  assert.equal(timers.length, 1, 'a retry is scheduled');
  timers[0].f();
  assert.equal(socks.length, 1, 'the retry opens a socket');
});

test('a ping every 25 s, sent only while welcomed', () => {
  const { c, socks, intervals, welcome } = setup();
  assert.deepEqual(intervals.map((x) => x.ms), [25000]);
  c.connect();
  socks[0].open();
  intervals[0].f();
  assert.equal(socks[0].sent.length, 1);
  welcome(socks[0]);
  intervals[0].f();
  assert.deepEqual(socks[0].sent.at(-1), { t: 'ping' });
});
