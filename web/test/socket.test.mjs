// Unit tests of the console's connection (web/src/console/socket.ts), bundled on the fly like
// console.test.mjs, driven by a fake WebSocket and fake timers: frames in and out, online and
// offline, reconnecting with backoff, the end of the session, stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const load = (file) => {
  const src = fileURLToPath(new URL(file, import.meta.url));
  const code = buildSync({ entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral' }).outputFiles[0].text;
  return import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
};
const { AgentSocket, parseFrame, CLOSE_SESSION_ENDED, PING_MS } = await load('../src/console/socket.ts');

// Timers that run only when the test advances the clock.
class Clock {
  now = 0;
  tasks = [];
  last = 0;
  setTimeout(f, ms) { this.tasks.push({ id: ++this.last, at: this.now + ms, f, ms }); return this.last; }
  setInterval(f, ms) { this.tasks.push({ id: ++this.last, at: this.now + ms, f, ms, every: ms }); return this.last; }
  clearTimeout(id) { this.tasks = this.tasks.filter((x) => x.id !== id); }
  clearInterval(id) { this.clearTimeout(id); }
  // The delays of the one-shot timers waiting now.
  waiting() { return this.tasks.filter((x) => !x.every).map((x) => x.ms); }
  advance(ms) {
    const end = this.now + ms;
    for (;;) {
      const due = this.tasks.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.now = due.at;
      if (due.every) due.at += due.every;
      else this.clearTimeout(due.id);
      due.f();
    }
    this.now = end;
  }
}

class FakeWS {
  readyState = 0;
  sent = [];
  closed = false;
  onopen = null;
  onmessage = null;
  onclose = null;
  constructor(url) { this.url = url; }
  send(s) { this.sent.push(JSON.parse(s)); }
  close() { this.closed = true; this.readyState = 2; }
  // What the server or the network does:
  open() { this.readyState = 1; this.onopen?.({}); }
  receive(data) { this.onmessage?.({ data: typeof data === 'string' ? data : JSON.stringify(data) }); }
  drop(code = 1006) { this.readyState = 3; this.onclose?.({ code }); }
}

const settle = () => new Promise((r) => setImmediate(r));

function setup(opts = {}) {
  const clock = new Clock();
  const sockets = [];
  const log = { frames: [], online: [], ended: 0, asked: 0 };
  const s = new AgentSocket({
    url: 'ws://x/ws/agent',
    connect: (url) => { const ws = new FakeWS(url); sockets.push(ws); return ws; },
    timers: clock,
    random: () => 0.5,  // no jitter: 0.7 + 0.6 * 0.5 = 1
    onFrame: (f) => log.frames.push(f),
    onOnline: (on) => log.online.push(on),
    onSessionEnded: () => log.ended++,
    ...(opts.gone ? { sessionGone: async () => { log.asked++; return opts.gone(); } } : {}),
  });
  s.start();
  const ws = () => sockets[sockets.length - 1];
  return { s, clock, sockets, log, ws };
}

test('frames: sent as JSON only while open; every server frame is parsed and handed on', () => {
  const { s, ws, log } = setup();
  assert.equal(ws().url, 'ws://x/ws/agent');
  assert.equal(s.send({ t: 'take', conv: 1 }), false, 'not open yet: nothing is sent');
  ws().open();
  assert.equal(s.online, true);
  assert.equal(s.send({ t: 'take', conv: 1 }), true);
  assert.deepEqual(ws().sent, [{ t: 'take', conv: 1 }]);
  ws().receive({ t: 'counts', tenant: 1, waiting: 2, inbox: 0, active: 1 });
  for (const junk of ['not json', '{"x":1}', '42', 'null', '[]']) ws().receive(junk);
  ws().onmessage({ data: new ArrayBuffer(2) });
  assert.deepEqual(log.frames, [{ t: 'counts', tenant: 1, waiting: 2, inbox: 0, active: 1 }]);
});

test('parseFrame takes only objects with a t', () => {
  assert.deepEqual(parseFrame('{"t":"pong"}'), { t: 'pong' });
  for (const x of ['', '{', '{"t":1}', '"pong"', 'true', undefined, 5]) assert.equal(parseFrame(x), null, String(x));
});

test('a ping every 25 s while open, none after a drop', () => {
  const { ws, clock } = setup();
  ws().open();
  clock.advance(PING_MS * 2);
  assert.deepEqual(ws().sent, [{ t: 'ping' }, { t: 'ping' }]);
  const first = ws();
  first.drop();
  clock.advance(PING_MS * 4);
  assert.equal(first.sent.length, 2);
});

test('reconnects with doubling delays up to 30 s; an open connection starts again from 0.5 s', () => {
  const { clock, sockets, ws, log } = setup();
  const delays = [];
  for (let i = 0; i < 9; i++) {
    ws().drop();
    delays.push(...clock.waiting());
    const n = sockets.length;
    clock.advance(clock.waiting()[0] - 1);
    assert.equal(sockets.length, n, 'not before the delay');
    clock.advance(1);
    assert.equal(sockets.length, n + 1, 'a new socket after the delay');
  }
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  assert.deepEqual(log.online, [], 'never online');
  ws().open();
  ws().drop();
  assert.deepEqual(clock.waiting(), [500]);
  assert.deepEqual(log.online, [true, false]);
  assert.equal(log.ended, 0);
});

test('a server that says it restarts (1001, 1012): every 0.5 s six times, then doubling', async () => {
  for (const code of [1001, 1012]) {
    const { clock, ws } = setup();
    ws().open();
    ws().drop(code);
    await settle();
    const delays = [];
    for (let i = 0; i < 8; i++) {
      delays.push(...clock.waiting());
      clock.advance(clock.waiting()[0]);
      ws().drop();  // refused while the server is down
      await settle();
    }
    assert.deepEqual(delays, [500, 500, 500, 500, 500, 500, 1000, 2000]);
  }
});

test('the delay has +-30 % jitter', () => {
  for (const [rnd, want] of [[0, 350], [1, 650]]) {
    const clock = new Clock();
    const sockets = [];
    const s = new AgentSocket({ url: 'ws://x', connect: () => { const w = new FakeWS(); sockets.push(w); return w; }, timers: clock, random: () => rnd, onFrame() {} });
    s.start();
    sockets[0].drop();
    assert.deepEqual(clock.waiting(), [want]);
  }
});

test('the server ending the session (close 4001) stops reconnecting', () => {
  const { ws, clock, sockets, log } = setup();
  ws().open();
  ws().drop(CLOSE_SESSION_ENDED);
  assert.equal(log.ended, 1);
  assert.deepEqual(log.online, [true, false]);
  assert.equal(clock.tasks.length, 0, 'no timer left');
  clock.advance(120000);
  assert.equal(sockets.length, 1);
});

test('a refused reconnect asks whether the session is gone', async () => {
  let gone = false;
  const { ws, clock, sockets, log } = setup({ gone: () => gone });
  ws().open();
  ws().drop();  // a drop after it was open: just reconnect
  assert.equal(log.asked, 0);
  clock.advance(500);
  ws().drop();  // refused before it opened: ask
  await settle();
  assert.equal(log.asked, 1);
  assert.equal(log.ended, 0);
  assert.deepEqual(clock.waiting(), [1000], 'the session is there: try again later');
  clock.advance(1000);
  gone = true;
  ws().drop();
  await settle();
  assert.equal(log.asked, 2);
  assert.equal(log.ended, 1);
  assert.equal(clock.tasks.length, 0);
  clock.advance(120000);
  assert.equal(sockets.length, 3);
});

test('the very first refusal does not ask: a server restarting is the likelier cause', async () => {
  const { ws, log, clock } = setup({ gone: () => true });
  ws().drop();
  await settle();
  assert.equal(log.asked, 0);
  assert.deepEqual(clock.waiting(), [500]);
});

test('stop: the socket is closed, nothing is reconnected and nothing more is reported', async () => {
  const { s, ws, clock, sockets, log } = setup();
  ws().open();
  const first = ws();
  s.stop();
  assert.equal(first.closed, true);
  assert.equal(s.online, false);
  first.drop();  // the browser's close event comes later
  first.receive({ t: 'pong' });
  clock.advance(120000);
  assert.equal(sockets.length, 1);
  assert.deepEqual(log.online, [true]);
  assert.deepEqual(log.frames, []);
  assert.equal(s.send({ t: 'ping' }), false);
});

test('stop while asking about the session: no reconnect afterwards', async () => {
  let answer;
  const { s, ws, clock, sockets } = setup({ gone: () => new Promise((r) => (answer = r)) });
  ws().drop();
  clock.advance(500);
  ws().drop();
  await settle();
  s.stop();
  answer(false);
  await settle();
  clock.advance(120000);
  assert.equal(sockets.length, 2);
});
