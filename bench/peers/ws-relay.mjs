// A plain Node `ws` chat relay: the peer that `scripts/bench.sh peer` runs beside Tiski, so
// that the figures in docs/performance.md are ratios measured in the same run by the same
// client (bench/loadgen.cc), not absolutes from another day.
//
// It speaks exactly the part of Tiski's protocol (docs/protocol.md) the load generator uses and
// nothing more — what a minimal live chat needs and no more:
//   POST /api/login             -> 200 and a session cookie
//   GET  /healthz, /metrics     -> ok; tiski_heap_in_use_bytes (V8's heap) for the idle phase
//   /ws/visitor  hello          -> welcome {visitor}; the hello (page, visit, cart) is kept
//                page, track     -> the page kept (tracking state, like Tiski's live list)
//                send {cid,body} -> ack {cid, conv, seq}; msg {conv, m} to the agents watching
//   /ws/agent    (on open)      -> snapshot
//                watch {conv}    -> history {conv}; from then on the conversation's messages
// It keeps messages in memory only: nothing is persisted, nothing survives a restart. That is
// the point of comparison: Tiski persists and acknowledges every message durably.
//
// Usage: node bench/peers/ws-relay.mjs PORT   (127.0.0.1 only; stops on SIGTERM)
import http from 'node:http';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2] ?? 18441);
let nextVisitor = 1;
let nextConv = 1;
const watchers = new Map();  // conv -> Set of agent sockets
const seqs = new Map();      // conv -> last seq

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/api/login') {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Set-Cookie': 'relay_session=1; HttpOnly; Path=/' });
      res.end('{"ok":true}');
    });
    return;
  }
  if (req.url === '/healthz') return res.end('ok');
  if (req.url === '/metrics') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    return res.end(`# relay\ntiski_heap_in_use_bytes ${process.memoryUsage().heapUsed}\n`);
  }
  res.writeHead(404);
  res.end();
});

const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
server.on('upgrade', (req, socket, head) => {
  const path = req.url.split('?')[0];
  if (path !== '/ws/visitor' && path !== '/ws/agent') return socket.destroy();
  wss.handleUpgrade(req, socket, head, (ws) => (path === '/ws/agent' ? agent(ws) : visitor(ws)));
});

function visitor(ws) {
  const me = { id: 0, conv: 0, hello: null, page: null };
  ws.on('message', (data) => {
    let f;
    try {
      f = JSON.parse(data);
    } catch {
      return ws.send('{"t":"error","code":"bad_request","message":"not JSON"}');
    }
    if (f.t === 'hello') {
      me.id = nextVisitor++;
      me.hello = f;
      me.page = f.page;
      ws.send(JSON.stringify({ t: 'welcome', visitor: me.id }));
    } else if (f.t === 'page') {
      me.page = f.page;
    } else if (f.t === 'track') {
      me.idle = f.idle === true;
    } else if (f.t === 'send') {
      if (!me.conv) me.conv = nextConv++;
      const seq = (seqs.get(me.conv) ?? 0) + 1;
      seqs.set(me.conv, seq);
      ws.send(JSON.stringify({ t: 'ack', cid: f.cid, conv: me.conv, seq }));
      const out = JSON.stringify({ t: 'msg', conv: me.conv, m: { seq, author: 'visitor', body: f.body, at: Date.now() } });
      for (const a of watchers.get(me.conv) ?? []) a.send(out);
    }
  });
}

function agent(ws) {
  const mine = new Set();
  ws.send('{"t":"snapshot"}');
  ws.on('message', (data) => {
    let f;
    try {
      f = JSON.parse(data);
    } catch {
      return;
    }
    if (f.t === 'watch' && Number.isInteger(f.conv)) {
      if (!watchers.has(f.conv)) watchers.set(f.conv, new Set());
      watchers.get(f.conv).add(ws);
      mine.add(f.conv);
      ws.send(JSON.stringify({ t: 'history', conv: f.conv, lines: [] }));
    }
  });
  ws.on('close', () => {
    for (const c of mine) watchers.get(c)?.delete(ws);
  });
}

server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
