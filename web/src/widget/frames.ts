// What each frame from the server does to the state and the screen (docs/protocol.md), and
// fetching earlier messages: on request ("show earlier messages") and, after a reconnect that
// missed more than one page, down to the last message held (the gap; afterWelcome() in logic.ts).
import type { Message, VisitorServerAck, VisitorServerConv, VisitorServerError, VisitorServerFrame, VisitorServerInvite, VisitorServerOlder, VisitorServerWelcome } from '../protocol.gen';
import { errorText, type Strings } from './i18n';
import { afterWelcome, nextGapPage, queueLine } from './logic';
import { store } from './storage';
import { keepPending, left, markSeen, unseen, type State } from './state';
import type { Connection } from './connection';
import type { LazyConversions } from './convert_lazy';
import type { Survey } from './survey';
import type { LeaveParts } from './leave';
import type { MessageList } from './messages';
import type { PanelControl } from './panel';
import type { View } from './view';

export interface FrameDeps {
  v: View;
  lp: LeaveParts;
  st: State;
  T: Strings;
  conn: Connection;
  msgs: MessageList;
  ui: PanelControl;
  invite: (f: VisitorServerInvite) => void;
  cv: LazyConversions;
  sv: Survey;
  heard: (m: Message) => void;  // an agent's new message (the page's 'message' listeners)
}

// The handlers' own bookkeeping, beside their parts.
interface Ctx extends FrameDeps {
  asking: boolean;  // an older frame is on its way
  fill: number;  // filling the gap after a reconnect: fetch older pages down to this seq
  typingHide?: number;  // hides "… is typing" if its off never comes
}

const ask = (c: Ctx, before: number) => {
  c.asking = true;
  c.conn.send({ t: 'older', before });
};

const welcome = (c: Ctx, f: VisitorServerWelcome) => {
  const { st, conn, msgs, ui } = c;
  const same = !!st.conv && f.conv?.id === st.conv.id;
  st.info = f.site;
  st.conv = f.conv || null;
  if (f.ended) st.ended = f.ended.id;  // closed a moment ago: its lines (msgs) shown, as ended
  st.live = f.open !== false;
  st.opensAt = f.opens_at;
  if (left(st)?.c !== st.conv?.id) store(localStorage, st.mailKey, null);  // that conversation is over
  st.thread.merge(f.msgs);
  c.asking = false;
  const u = afterWelcome(same, conn.sentLast(), !!st.conv, f.more, f.msgs[0]?.seq, st.earlier);
  c.fill = u.fill;
  st.earlier = u.earlier;
  if (u.ask) ask(c, u.ask);
  msgs.render();
  ui.update();
  ui.showError('');
  for (const [cid, p] of st.pending) {
    if (p.tok && p.tok !== f.token) {  // typed by another customer of this browser: not theirs to send
      p.li.remove();
      st.pending.delete(cid);
    } else {
      conn.send({ t: 'send', cid, body: p.body });  // same cid: never stored twice
    }
  }
  st.tok = f.token;
  keepPending(st);
  if (st.lv) conn.send(st.lv);
  if (!c.v.panel.hidden) conn.send({ t: 'window', open: true });  // a new connection knows it closed
  c.sv.welcome(f.conv || f.ended, !f.conv && !!f.ended);
  // A page load with the panel closed: the answers that came since the visitor last looked.
  if (!c.v.panel.hidden) markSeen(st);
  const n = !same && c.v.panel.hidden ? unseen(st, f.msgs) : 0;
  if (n) {
    c.v.badge.textContent = String((st.unread = n));
    c.v.badge.hidden = false;
  }
};

const older = (c: Ctx, f: VisitorServerOlder) => {
  const { st, msgs } = c;
  c.asking = false;
  if (f.conv !== st.conv?.id) return;
  st.thread.merge(f.msgs);
  if (!c.fill) {
    st.earlier = f.more;
    msgs.render(true);
    return;
  }
  const next = nextGapPage(c.fill, f.more, f.msgs[0]?.seq);
  if (next) ask(c, next);
  else c.fill = 0;
  msgs.render();
};

// The leave frame was stored: remember the address, show the message and the thank-you note.
const leaveDone = ({ v, lp, st, T, msgs, ui }: Ctx, f: VisitorServerAck) => {
  const { email, body } = st.lv!;
  st.lv = null;
  store(localStorage, st.mailKey, JSON.stringify({ c: f.conv, e: email, s: body ? f.seq : 0 }));
  if (st.conv?.id !== f.conv) st.conv = { id: f.conv, status: 'waiting' };
  if (body) {
    msgs.dropGreeting();
    if (st.thread.merge([{ conv: f.conv, seq: f.seq, author: 'visitor', body, at: f.at, cid: f.cid }]).length) msgs.bubble('v', body, '', f.at);
    msgs.thanks(email);
    lp.lf.reset();
  } else lp.bn.reset();
  v.sr.textContent = (body ? T.thanks + ' ' + T.answerTo : T.byMailTo) + email + '.';
  ui.update();
};

// A message was stored: the leave frame's, or a pending one (no longer "Sending…").
const ack = (c: Ctx, f: VisitorServerAck) => {
  const { st, msgs } = c;
  if (st.lv?.cid === f.cid) return leaveDone(c, f);
  const p = st.pending.get(f.cid);
  if (!p) return;
  st.pending.delete(f.cid);
  keepPending(st);
  p.li.classList.remove('q');
  msgs.stamp(p.li, f.at);
  st.thread.merge([{ conv: f.conv, seq: f.seq, author: 'visitor', body: p.body, at: f.at, cid: f.cid }]);
};

// A short tone when the agent answers while the panel is closed (the visitor has typed, so the
// browser allows sound); at most one in two seconds.
let actx: AudioContext | undefined;
let rang = 0;
const chime = () => {
  if (Date.now() - rang < 2000) return;
  rang = Date.now();
  try {
    actx ??= new AudioContext();
    const o = actx.createOscillator(), g = actx.createGain(), t = actx.currentTime;
    o.frequency.value = 740;
    g.gain.setValueAtTime(0.05, t);
    g.gain.exponentialRampToValueAtTime(1e-4, t + 0.25);
    o.connect(g).connect(actx.destination);
    o.start(t);
    o.stop(t + 0.25);
  } catch {}
};

const msg = ({ v, st, msgs, ui, heard }: Ctx, m: Message) => {
  if (!st.thread.merge([m]).length) return;
  if (m.author === 'visitor' && m.cid && st.pending.has(m.cid)) return;  // shown already, acknowledged soon
  // A new chat's stored greeting: it takes the place of the site's on screen, or (none there: the
  // chat before it ended on this page) goes before the visitor's first line, as the thread has it.
  if (m.author === 'system' && m.seq === 1) return msgs.keepGreeting(m.at) || msgs.render();
  msgs.show(m);
  if (m.author === 'agent') {
    heard(m);
    ui.update();
    v.typing.textContent = '';
    if (v.panel.hidden) {
      v.badge.textContent = String(++st.unread);
      v.badge.hidden = false;
      chime();
    } else markSeen(st);
  }
};

// The conversation changed (joined, transferred, closed; answered the survey: an earlier one).
const conv = ({ v, st, T, msgs, ui, sv }: Ctx, f: VisitorServerConv) => {
  const closed = f.conv.status === 'closed';
  if (!closed || st.conv?.id === f.conv.id) {
    st.conv = f.conv;
    st.invite = null;  // answered: the conversation carries it now
    if (f.conv.status !== 'waiting') st.queueText = '';
    if (closed) {
      msgs.bubble('n', T.ended);
      st.ended = f.conv.id;
      st.conv = null;
      st.earlier = false;
      v.moLi.remove();
      v.typing.textContent = '';
      store(localStorage, st.mailKey, null);
    }
    ui.update();
  }
  sv.conv(f.conv);
};

const error = (c: Ctx, f: VisitorServerError) => {
  const { v, lp, st, T, ui } = c;
  // Refused as a whole (blocked by the site's agents): said neutrally, nothing more to do.
  if (f.code === 'forbidden' && !f.cid) return ui.showError(T.notAvailable);
  // The page's identify was refused (docs/integrations.md): the shop's to fix; the chat goes on.
  if (f.code === 'unauthorized' && !f.cid) return;
  // Without a cid: the answer to older (asking), csat (names its conversation) or convert.
  if (!f.cid && (c.sv.error(f) || (!c.asking && c.cv.error(f)))) return;
  c.asking = false;
  const lv = st.lv;
  if (lv && lv.cid === f.cid) {
    // Refused: keep what was typed, point at the field to fix, or say why.
    st.lv = null;
    if (!lp.turnedDown(f.code, !!lv.body, !v.panel.hidden)) ui.showError(errorText(f.code, T));
    ui.update();
    return;
  }
  const p = f.cid && st.pending.get(f.cid);
  if (p) {
    p.li.remove();
    st.pending.delete(f.cid!);
    keepPending(st);
  }
  ui.showError(errorText(f.code, T));
};

export const frameHandler = (deps: FrameDeps) => {
  const c: Ctx = { ...deps, asking: false, fill: 0 };
  const { v, st, T, ui } = c;
  v.moBtn.addEventListener('click', () => !c.asking && st.conv && ask(c, st.thread.firstSeq(st.conv.id) || 1e15));
  return (f: VisitorServerFrame) => {
    switch (f.t) {
      case 'welcome': return welcome(c, f);
      case 'older': return older(c, f);
      case 'ack': return ack(c, f);
      case 'msg': return msg(c, f.m);
      case 'conv': return conv(c, f);
      case 'error': return error(c, f);
      case 'invite': return c.invite(f);
      case 'avail':
        st.live = f.open;
        st.opensAt = f.opens_at;
        return ui.update();
      case 'queue':
        st.queueText = queueLine(T, f.position, f.eta);
        return ui.showStatus();
      case 'typing':
        v.typing.textContent = f.on ? (f.name || T.agent) + T.typing : '';
        clearTimeout(c.typingHide);
        if (f.on) c.typingHide = window.setTimeout(() => (v.typing.textContent = ''), 6000);
    }
  };
};
