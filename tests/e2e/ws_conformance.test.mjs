// RFC 6455 conformance of the server's own WebSocket framing (src/net/ws/), by a client that
// writes the bytes itself — the cases of the Autobahn test suite's kinds that apply to a
// server speaking JSON text: the handshake, framing and fragmentation, pings and pongs,
// reserved bits and opcodes, UTF-8, sizes, and the closing handshake. Every case checks what
// the server sends back byte for byte, and whether it then closes the TCP connection.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { startServer } from './harness.mjs';

let server, port;
before(async () => {
  server = await startServer();
  port = Number(new URL(server.url).port);
});
after(() => server?.stop());

// A client frame, masked (or not, to break the rule), with the given first byte's bits.
function frame(opcode, payload = Buffer.alloc(0), { fin = true, rsv = 0, mask = true } = {}) {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const n = data.length;
  const head = [(fin ? 0x80 : 0) | rsv | opcode];
  if (n < 126) head.push((mask ? 0x80 : 0) | n);
  else if (n < 65536) head.push((mask ? 0x80 : 0) | 126, n >> 8, n & 255);
  else head.push((mask ? 0x80 : 0) | 127, 0, 0, 0, 0, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255);
  if (!mask) return Buffer.concat([Buffer.from(head), data]);
  const key = randomBytes(4);
  const body = Buffer.from(data.map((b, i) => b ^ key[i % 4]));
  return Buffer.concat([Buffer.from(head), key, body]);
}

// Opens a socket, performs the handshake and collects the server's frames.
async function open(path = '/ws/visitor', headers = {}) {
  const sock = connect(port, '127.0.0.1');
  sock.setNoDelay(true);
  await new Promise((ok, fail) => { sock.once('connect', ok); sock.once('error', fail); });
  const key = randomBytes(16).toString('base64');
  const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: Upgrade', 'Upgrade: websocket',
    `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13'];
  for (const [k, v] of Object.entries(headers)) {
    const i = lines.findIndex((l) => l.toLowerCase().startsWith(k.toLowerCase() + ':'));
    if (i >= 0) lines.splice(i, 1);
    if (v !== null) lines.push(`${k}: ${v}`);
  }
  sock.write(lines.join('\r\n') + '\r\n\r\n');
  const c = { sock, buf: Buffer.alloc(0), frames: [], closed: false, status: 0, head: '', waiters: [] };
  const wake = () => { for (const w of c.waiters.splice(0)) w(); };
  sock.on('data', (d) => {
    c.buf = Buffer.concat([c.buf, d]);
    if (!c.status) {
      const end = c.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      c.head = c.buf.subarray(0, end).toString();
      c.status = Number(c.head.split(' ')[1]);
      c.buf = c.buf.subarray(end + 4);
      if (c.status === 101) {
        const accept = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
        assert.match(c.head, new RegExp(`Sec-WebSocket-Accept: ${accept.replace(/[+/=]/g, '\\$&')}`));
      } else {
        c.body = c.buf.toString();
      }
    }
    while (c.status === 101 && c.buf.length >= 2) {
      const b0 = c.buf[0], b1 = c.buf[1];
      assert.equal(b1 & 0x80, 0, 'a server never masks');
      let len = b1 & 0x7f, off = 2;
      if (len === 126) { if (c.buf.length < 4) break; len = c.buf.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (c.buf.length < 10) break; len = Number(c.buf.readBigUInt64BE(2)); off = 10; }
      if (c.buf.length < off + len) break;
      c.frames.push({ fin: !!(b0 & 0x80), rsv: b0 & 0x70, op: b0 & 0x0f, data: c.buf.subarray(off, off + len) });
      c.buf = c.buf.subarray(off + len);
    }
    wake();
  });
  sock.on('close', () => { c.closed = true; wake(); });
  sock.on('error', () => {});
  await until(c, () => c.status);
  return c;
}

async function until(c, ok, ms = 5000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out; frames: ' + JSON.stringify(c.frames.map((f) => [f.op, f.data.toString()])));
    await new Promise((r) => { c.waiters.push(r); setTimeout(r, 50); });
  }
}

const texts = (c) => c.frames.filter((f) => f.op === 1).map((f) => JSON.parse(f.data.toString()));
const hello = () => JSON.stringify({ t: 'hello', site: server.siteKey, lang: 'fi', page: { url: 'https://shop.test/', title: 'Etusivu' } });

// The server fails the connection: a close frame with `code`, then the TCP connection ends.
async function failsWith(c, code) {
  await until(c, () => c.closed);
  const close = c.frames.find((f) => f.op === 8);
  assert.ok(close, 'a close frame before the end');
  assert.equal(close.data.readUInt16BE(0), code, close.data.subarray(2).toString());
}

test('handshake: 101 with the right accept key; a bad key is 400 and another version 426', async () => {
  const c = await open();
  assert.equal(c.status, 101);
  assert.match(c.head, /^Upgrade: websocket$/mi);
  c.sock.destroy();
  const noKey = await open('/ws/visitor', { 'Sec-WebSocket-Key': null });
  assert.equal(noKey.status, 400);
  assert.match(noKey.body, /Sec-WebSocket-Key/);
  const v8 = await open('/ws/visitor', { 'Sec-WebSocket-Version': '8' });
  assert.equal(v8.status, 426);
  assert.match(v8.head, /^Sec-WebSocket-Version: 13$/mi);
  for (const x of [noKey, v8]) x.sock.destroy();
});

test('framing: a message in one frame, in fragments with pings between, and one byte at a time', async () => {
  const c = await open();
  c.sock.write(frame(1, hello()));
  await until(c, () => texts(c).some((f) => f.t === 'welcome'));
  const w = c.frames.find((f) => f.op === 1);
  assert.ok(w.fin && w.rsv === 0, 'a whole, unextended text frame');
  // A page report in three fragments, pings interleaved: pongs carry the ping's data at once.
  const page = Buffer.from(JSON.stringify({ t: 'page', page: { url: 'https://shop.test/reput', title: 'Reput – ään' } }));
  c.sock.write(Buffer.concat([frame(1, page.subarray(0, 10), { fin: false }), frame(9, 'eka'),
    frame(0, page.subarray(10, 40), { fin: false }), frame(9, Buffer.alloc(125, 7)), frame(0, page.subarray(40))]));
  await until(c, () => c.frames.filter((f) => f.op === 10).length === 2);
  const pongs = c.frames.filter((f) => f.op === 10);
  assert.equal(pongs[0].data.toString(), 'eka');
  assert.deepEqual(pongs[1].data, Buffer.alloc(125, 7));
  // A message written one byte at a time: the server waits for the rest.
  const send = frame(1, JSON.stringify({ t: 'send', cid: 'c1', body: 'Hei, onko tämä varastossa?' }));
  for (const b of send) {
    c.sock.write(Buffer.from([b]));
    await new Promise((r) => setTimeout(r, 2));
  }
  await until(c, () => texts(c).some((f) => f.t === 'ack' && f.cid === 'c1'));
  assert.equal(c.closed, false);
  // A binary message is refused by the protocol, not by the framing: the connection stays.
  c.sock.write(frame(2, Buffer.from([1, 2, 3])));
  await until(c, () => texts(c).some((f) => f.t === 'error' && /binary/.test(f.message)));
  c.sock.write(frame(9, 'still here'));
  await until(c, () => c.frames.some((f) => f.op === 10 && f.data.toString() === 'still here'));
  c.sock.destroy();
});

test('closing handshake: the client closes, the server answers with the same code and ends', async () => {
  const c = await open();
  c.sock.write(frame(1, hello()));
  await until(c, () => texts(c).length > 0);
  const payload = Buffer.alloc(2 + 3);
  payload.writeUInt16BE(1000);
  payload.write('bye', 2);
  c.sock.write(frame(8, payload));
  await failsWith(c, 1000);
  // Without a code: answered with 1000.
  const d = await open();
  d.sock.write(frame(8));
  await failsWith(d, 1000);
  // Frames after the close are not read.
  const e = await open();
  e.sock.write(Buffer.concat([frame(8, Buffer.from([0x0b, 0xb8])), frame(1, hello())]));
  await failsWith(e, 3000);
  assert.equal(texts(e).length, 0);
});

test('protocol errors fail the connection with 1002, bad UTF-8 with 1007, too big with 1009', async () => {
  const cases = [
    ['an unmasked frame', frame(1, hello(), { mask: false }), 1002],
    ['RSV1 without an extension', frame(1, hello(), { rsv: 0x40 }), 1002],
    ['RSV3', frame(9, '', { rsv: 0x10 }), 1002],
    ['reserved data opcode 3', frame(3, 'x'), 1002],
    ['reserved control opcode 11', frame(11), 1002],
    ['a ping of 126 bytes', frame(9, Buffer.alloc(126)), 1002],
    ['a fragmented ping', frame(9, 'x', { fin: false }), 1002],
    ['a continuation without a message', frame(0, 'x'), 1002],
    ['a new message inside a fragmented one', Buffer.concat([frame(1, '{"t"', { fin: false }), frame(1, 'x')]), 1002],
    ['a close with one byte', frame(8, Buffer.from([3])), 1002],
    ['a close with code 999', frame(8, Buffer.from([0x03, 0xe7])), 1002],
    ['a close with code 1005', frame(8, Buffer.from([0x03, 0xed])), 1002],
    ['a close reason that is not UTF-8', frame(8, Buffer.from([0x03, 0xe8, 0xff])), 1007],
    ['text that is not UTF-8', frame(1, Buffer.from([0x7b, 0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xed, 0xa0, 0x80])), 1007],
    ['a message over 16 KiB', frame(1, Buffer.alloc(16 * 1024 + 1, 0x20)), 1009],
    ['fragments adding up to over 16 KiB', Buffer.concat([frame(1, Buffer.alloc(10000, 0x20), { fin: false }), frame(0, Buffer.alloc(7000, 0x20))]), 1009],
  ];
  for (const [name, bytes, code] of cases) {
    const c = await open();
    c.sock.write(bytes);
    await failsWith(c, code).catch((e) => { throw new Error(`${name}: ${e.message}`); });
  }
});

test('a message of 64-bit length header is refused before its body arrives', async () => {
  const c = await open();
  const head = Buffer.from([0x81, 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4]);  // 4 GiB announced
  c.sock.write(head);
  await failsWith(c, 1009);
});
