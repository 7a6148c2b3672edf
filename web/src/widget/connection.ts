// The visitor's socket (/ws/visitor, docs/protocol.md). On open it says hello with the token it
// keeps and, on a reconnect within the page, last_seq: the newest message held, so that welcome
// brings only what was missed. Ready for other frames once welcomed; until then (and while
// down) send() drops them, and their owners send again after the next welcome. After a drop it
// reconnects with backoff(); a ping every 25 s keeps proxies from closing an idle socket.
// Refused as forbidden (the site's agents blocked this visitor): it stops, and stays stopped
// for this page. Closed with 4003 (the page is not among the site's pages, a copied snippet, or
// the snippet's site key is unknown): the launcher goes and the reason is written to the
// browser's console for the page's developer.
import type { VisitorClientFrame, VisitorClientHello, VisitorServerFrame } from '../protocol.gen';
import { backoff, restarting, RESTART_TRIES } from './logic';
import { store } from './storage';

export type Send = (f: VisitorClientFrame) => void;

export interface ConnectionOptions {
  url: string;
  tokenKey: string;  // where the token is kept (localStorage)
  hello: () => VisitorClientHello;  // the hello without token and last_seq
  lastSeq: () => number;  // the newest seq held of the open conversation (0: none)
  onFrame: (f: VisitorServerFrame) => void;
  onDown: () => void;  // the socket closed
}

export const connection = (o: ConnectionOptions) => {
  let ws: WebSocket | null = null;
  let ready = false;
  let welcomed = false;  // at least once on this page
  let attempt = 0;
  let sentLast = 0;  // last_seq of the latest hello
  let stopped = false;  // chat is not available to this visitor

  const send: Send = (f) => {
    if (ws && ready) ws.send(JSON.stringify(f));
  };

  const connect = () => {
    let sock: WebSocket;
    try {
      sock = new WebSocket(o.url);
    } catch {
      // Refused at once (a blocked scheme, too many sockets in this page): try again later.
      setTimeout(connect, backoff(attempt++));
      return;
    }
    ws = sock;
    sock.onopen = () => {
      const hello = o.hello();
      const token = store(localStorage, o.tokenKey);
      if (token) hello.token = token;
      // On a reconnect within this page ask only for what we miss; on a page load for the newest.
      sentLast = welcomed ? o.lastSeq() : 0;
      if (sentLast) hello.last_seq = sentLast;
      sock.send(JSON.stringify(hello));
    };
    sock.onmessage = (e) => {
      try {
        const f: VisitorServerFrame = JSON.parse(e.data);
        if (f.t === 'error' && f.code === 'forbidden' && !f.cid) stopped = true;
        if (f.t === 'welcome') {
          store(localStorage, o.tokenKey, f.token);
          welcomed = ready = true;
          attempt = 0;
        }
        o.onFrame(f);
      } catch {}
    };
    sock.onclose = (e) => {
      if (ready && restarting(e.code)) attempt = RESTART_TRIES;
      ready = false;
      if (ws !== sock) return;
      ws = null;
      // 4003: no chat on this page (not among the site's pages, or an unknown site key).
      if (e.code === 4003) console.warn('Tiski:', e.reason);
      if (stopped || e.code === 4003) return void (e.code === 4003 && document.getElementById('tiski-widget')?.remove());
      o.onDown();
      setTimeout(connect, backoff(attempt++));
    };
  };
  setInterval(() => send({ t: 'ping' }), 25000);

  // A new hello now (the language or the identity changed). fresh: as on a page load, asking for
  // the newest messages rather than those after the ones held (the visitor may change).
  const restart = (fresh: boolean) => {
    const old = ws;
    ws = null;
    ready = false;
    if (fresh) welcomed = false;
    if (old) {
      old.onclose = null;
      old.close();
    }
    if (!stopped) connect();
  };

  return {
    connect,
    restart,
    send,
    down: () => welcomed && !ready && !stopped,  // it was welcomed, and the socket is gone: "offline"
    ready: () => ready,  // welcomed on this socket: send() delivers
    sentLast: () => sentLast,
  };
};
export type Connection = ReturnType<typeof connection>;
