// The console's connection: one WebSocket to /ws/agent that sends typed frames, hands the
// server's frames to onFrame, says when it goes online or offline, and reconnects with backoff
// after every drop until stop() or the end of the session. No Preact and no globals beyond the
// defaults of its options: web/test/socket.test.mjs drives it with a fake WebSocket and timers.
import type { AgentClientFrame, AgentServerFrame } from '../protocol.gen';
import { backoff, restarting, RESTART_TRIES } from '../widget/logic';

export const CLOSE_SESSION_ENDED = 4001;  // the server closed the socket: the session ended
export const PING_MS = 25000;
const OPEN = 1;  // WebSocket.OPEN

// The part of a WebSocket this uses.
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((e: Event) => void) | null;
  onmessage: ((e: MessageEvent) => void) | null;
  onclose: ((e: CloseEvent) => void) | null;
}

export interface Timers {
  setTimeout(f: () => void, ms: number): number;
  clearTimeout(id: number | undefined): void;
  setInterval(f: () => void, ms: number): number;
  clearInterval(id: number | undefined): void;
}

export interface AgentSocketOptions {
  url: string;
  onFrame: (f: AgentServerFrame) => void;
  onOnline?: (online: boolean) => void;
  // The server ended the session (or it was gone): no more reconnects; log in again.
  onSessionEnded?: () => void;
  // Asked when a reconnect was refused before it opened (the browser hides the HTTP status):
  // resolves true if the session is gone.
  sessionGone?: () => Promise<boolean>;
  connect?: (url: string) => SocketLike;
  timers?: Timers;
  random?: () => number;
}

const browserTimers: Timers = {
  setTimeout: (f, ms) => window.setTimeout(f, ms),
  clearTimeout: (id) => window.clearTimeout(id),
  setInterval: (f, ms) => window.setInterval(f, ms),
  clearInterval: (id) => window.clearInterval(id),
};

// A server frame from a message's data; null for anything that is not one (the frame is dropped).
export function parseFrame(data: unknown): AgentServerFrame | null {
  if (typeof data !== 'string') return null;
  try {
    const f: unknown = JSON.parse(data);
    return f && typeof f === 'object' && typeof (f as { t?: unknown }).t === 'string' ? (f as AgentServerFrame) : null;
  } catch {
    return null;
  }
}

export class AgentSocket {
  private ws: SocketLike | null = null;
  private attempt = 0;  // failed connects since the last one that opened
  private stopped = true;
  private ping: number | undefined;
  private retry: number | undefined;
  private isOnline = false;
  private readonly timers: Timers;
  private readonly connectTo: (url: string) => SocketLike;

  constructor(private readonly o: AgentSocketOptions) {
    this.timers = o.timers ?? browserTimers;
    this.connectTo = o.connect ?? ((url) => new WebSocket(url));
  }

  get online(): boolean {
    return this.isOnline;
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  // For good: no more frames, no more reconnects, no more callbacks.
  stop() {
    this.stopped = true;
    this.timers.clearTimeout(this.retry);
    this.timers.clearInterval(this.ping);
    const ws = this.ws;
    this.ws = null;
    this.isOnline = false;
    ws?.close();
  }

  // Sends a frame if the socket is open; false if it is not (the frame is not queued).
  send(f: AgentClientFrame): boolean {
    if (!this.ws || this.ws.readyState !== OPEN || !this.isOnline) return false;
    this.ws.send(JSON.stringify(f));
    return true;
  }

  private open() {
    this.retry = undefined;
    let ws: SocketLike;
    try {
      ws = this.connectTo(this.o.url);
    } catch {
      this.again();
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      opened = true;
      this.attempt = 0;
      this.setOnline(true);
      this.ping = this.timers.setInterval(() => this.send({ t: 'ping' }), PING_MS);
    };
    ws.onmessage = (e) => {
      if (this.ws !== ws) return;
      const f = parseFrame(e.data);
      if (f) this.o.onFrame(f);
    };
    ws.onclose = (e) => void this.closed(ws, opened, e.code);
  }

  private async closed(ws: SocketLike, opened: boolean, code: number) {
    if (this.ws !== ws) return;  // stopped, or an old socket
    this.ws = null;
    this.timers.clearInterval(this.ping);
    this.setOnline(false);
    if (code === CLOSE_SESSION_ENDED) return this.end();
    if (opened && restarting(code)) this.attempt = RESTART_TRIES;
    if (!opened && this.attempt >= 1 && this.o.sessionGone) {
      const gone = await this.o.sessionGone().catch(() => false);
      if (this.stopped) return;
      if (gone) return this.end();
    }
    this.again();
  }

  private again() {
    if (this.stopped) return;
    this.retry = this.timers.setTimeout(() => this.open(), backoff(this.attempt++, (this.o.random ?? Math.random)()));
  }

  private end() {
    this.stop();
    this.o.onSessionEnded?.();
  }

  private setOnline(on: boolean) {
    if (on === this.isOnline) return;
    this.isOnline = on;
    this.o.onOnline?.(on);
  }
}
