// The agent console: login, the lists of my tenants' conversations, several chats at once,
// the live visitor list, the recently closed conversations and the reports. One WebSocket
// (/ws/agent, socket.ts) carries everything; REST only for login/logout and the reports
// (api.ts, reports.tsx). The state lives in model.ts; this file wires the socket, the alarms
// and the panels. Protocol: docs/protocol.md.
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AgentClientFrame, AgentServerFrame, Conversation } from '../protocol.gen';
import { AGENT_PATH } from '../protocol.gen';
import { pickUiLang, ui, type UiLang, type UiStrings } from './i18n';
import { ConsoleModel, type Alarm, type Effect } from './model';
import { api, type Me } from './api';
import { serverText, setServerTexts } from './server_text';
import { AgentSocket } from './socket';
import * as persist from './persist';
import * as alerts from './alerts';
import { formatIn, localeOf, who } from './format';
import { Boundary } from './ui';
import { Chat } from './chat';
import { Context, Recent, Visitors } from './panels';
import { Login } from './login';
import { TotpGate } from './totp_view';
import { Reports } from './reports';
import { Sidebar, type View } from './sidebar';
import { outcomeFrame } from './outcome';
import { desk } from './desk';
import { DeskPage } from './desk_view';
import { SearchPage } from './search_view';
import { QualityPage, ReviewPanel } from './quality_view';
import { LivePage, supervisesAny } from './live_view';
import { AdminPage } from './admin_view';
import { SetPassword, linkToken } from './password_view';
import { BlocksSection } from './block_view';
import { parseRoute, routeOf } from './route';

const cid = () => Math.random().toString(36).slice(2) + Date.now().toString(36);
// My replies and internal notes not acknowledged yet, by cid (sent again after a reconnect).
type Pending = Map<string, { conv: number; body: string; internal?: boolean }>;
type Send = (f: AgentClientFrame) => void;
// The server's refusal of an outcome change, or of a close for want of an outcome: shown at the
// chat's outcome bar. seq tells one refusal from the next.
type OutcomeError = { conv: number; text: string; seq: number; focus: boolean };

// Frames can arrive by the thousand per second (the live visitor list of a busy tenant):
// one render per `ms` at most, however many frames came in between.
function useThrottledRender(ms: number) {
  const [, force] = useState(0);
  const timer = useRef<number | undefined>(undefined);
  return () => {
    if (timer.current === undefined) timer.current = window.setTimeout(() => { timer.current = undefined; force((n) => n + 1); }, ms);
  };
}

type ConsoleProps = { me: Me; t: UiStrings; lang: UiLang; setLang: (l: UiLang) => void; onLogout: () => void; onSessionEnded: () => void };

function Console(props: ConsoleProps) {
  const { me, t } = props;
  const rerender = useThrottledRender(50);
  const [m] = useState(() => withRoute(new ConsoleModel(persist.load(me.agent.id))));
  // A view the sidebar does not offer this account (an address typed or shared) is the chat list.
  const may = (v: View): View => (v === 'live' && !supervisesAny(me.tenants) ? 'chat' : v);
  const [view, setView] = useState<View>(() => may(parseRoute(location.hash).view));
  const [online, setOnline] = useState(false);
  const [error, setError] = useState('');
  const [now, setNow] = useState(Date.now());
  const ready = useRef(false);  // the snapshot of this connection came
  const pending = useRef<Pending>(new Map()).current;
  const sock = useRef<AgentSocket | null>(null);
  // What I last asked of a conversation, while unanswered: its error frame goes to the outcome bar.
  const asked = useRef(new Map<number, 'outcome' | 'close'>()).current;
  const [outcomeError, setOutcomeError] = useState<OutcomeError | null>(null);
  const errorSeq = useRef(0);
  desk.onChange = rerender;

  const send: Send = (f) => {
    if (f.t === 'outcome' || f.t === 'close') asked.set(f.conv, f.t);
    void sock.current?.send(f);
  };
  const run = (effects: Effect[]) => {
    for (const e of effects) {
      if (e.kind === 'watch') send({ t: 'watch', conv: e.conv, after: e.after });
      else if (e.kind === 'unwatch') send({ t: 'unwatch', conv: e.conv });
      else alarm(e.alarm, e.conv);
    }
  };
  const open = (id: number) => {
    setView('chat');
    run(m.select(id));
    rerender();
  };
  const alarm = useAlarm(m, t, open);
  const onFrame = (f: AgentServerFrame) => {
    run(m.apply(f, { hidden: document.hidden }));
    if (f.t === 'snapshot') {
      ready.current = true;
      for (const [id, p] of pending) send({ t: 'send', conv: p.conv, cid: id, body: p.body, ...(p.internal ? { internal: true } : {}) });
      if (view === 'visitors') send({ t: 'visitors', on: true });
      if (view === 'recent' || m.selected != null) send({ t: 'list', which: 'closed' });  // a closed chat on screen is there
    } else if (f.t === 'ack') {
      const p = pending.get(f.cid);
      pending.delete(f.cid);
      if (p) m.acked(f.conv, f.seq, f.at, f.cid, p.body, p.internal ?? false);
    } else if (f.t === 'conv') {
      asked.delete(f.conv.id);
    } else if (f.t === 'error') {
      if (f.cid) pending.delete(f.cid);
      const ask = f.conv != null ? asked.get(f.conv) : undefined;
      if (f.conv != null) asked.delete(f.conv);
      if (f.conv != null && ask === 'outcome') {
        setOutcomeError({ conv: f.conv, text: `${t.oc_failed}: ${f.message}`, seq: ++errorSeq.current, focus: false });
      } else if (f.conv != null && ask === 'close' && f.code === 'conflict' && !m.convs.get(f.conv)?.outcome) {
        // The tenant wants an outcome first (this console may not have known it yet).
        setOutcomeError({ conv: f.conv, text: t.oc_first, seq: ++errorSeq.current, focus: true });
      } else if (f.code !== 'unauthorized' && (f.cid || f.conv == null || view !== 'chat' || f.conv === m.selected)) {
        // A refusal about another chat than the one on screen is moot here (a take that lost its
        // race), but not a refused reply: its text would be lost unseen.
        setError(serverText(f.message));
      }
    }
    rerender();
  };

  // The socket lives as long as the console; its callbacks reach the latest render's functions.
  const latest = useRef({ onFrame, onSessionEnded: props.onSessionEnded });
  latest.current = { onFrame, onSessionEnded: props.onSessionEnded };
  useEffect(() => {
    const s = (sock.current = new AgentSocket({
      url: new URL(AGENT_PATH, location.href).href.replace(/^http/, 'ws'),
      onFrame: (f) => latest.current.onFrame(f),
      onOnline: (on) => { if (!on) ready.current = false; setOnline(on); },
      onSessionEnded: () => latest.current.onSessionEnded(),
      sessionGone: async () => (await api('/api/me')).status === 401,
    }));
    s.start();
    void desk.loadDesks();
    const tick = setInterval(() => { setNow(Date.now()); desk.freshen(); }, 1000);
    return () => { s.stop(); clearInterval(tick); };
  }, []);
  useFollow(view, ready, send, m);
  useKeep(m, me.agent.id, rerender);
  useEffect(() => setError(''), [view, m.selected]);  // a refusal belongs to the view and chat it happened in
  // On a narrow screen the customer's details are a panel over the chat, opened from its header.
  const [ctxOpen, setCtxOpen] = useState(false);
  useEffect(() => setCtxOpen(false), [view, m.selected]);
  useHistory(routeOf(view, view === 'chat' ? m.selected : null), (r) => {
    setView(may(r.view));
    if (r.view === 'chat') run(m.select(r.conv));
    rerender();
  });

  const sel = view === 'chat' && m.selected != null ? m.convs.get(m.selected) ?? m.closed.find((c) => c.id === m.selected) : undefined;
  const liveTotal = [...m.liveCount.values()].reduce((a, b) => a + b, 0);
  const pane = { m, t, me: me.agent.id, now, error, clearError: () => setError(''), send, open, back: () => setView('chat') };
  return (
    <div class={'app ' + (view === 'visitors' || view === 'recent' || view === 'reports' || view === 'desk' || view === 'search' || view === 'quality' || view === 'live' || view === 'admin' || sel ? 'has-main' : '')}>
      <Sidebar m={m} t={t} me={me} now={now} view={view} open={open} online={online} liveTotal={liveTotal}
        lang={props.lang} setLang={props.setLang} setView={setView} send={send} onLogout={props.onLogout} />
      {view === 'visitors' ? <VisitorsPane {...pane} liveTotal={liveTotal} />
        : view === 'recent' ? <RecentPane {...pane} />
        : view === 'reports' ? <ReportsPane {...pane} lang={props.lang} account={me} />
        : view === 'desk' ? <DeskPane {...pane} lang={props.lang} account={me} />
        : view === 'search' ? <SearchPane {...pane} account={me} />
        : view === 'quality' ? <QualityPane {...pane} account={me} />
        : view === 'live' ? <LivePane {...pane} account={me} />
        : view === 'admin' ? <AdminPane {...pane} lang={props.lang} account={me} />
        : sel ? <ChatPane {...pane} sel={sel} pending={pending} meName={me.agent.name} csrf={me.csrf} lang={props.lang} rerender={rerender} onBack={() => { run(m.select(null)); rerender(); }}
          onContext={() => setCtxOpen(true)}
          outcomeError={outcomeError?.conv === sel.id ? outcomeError : undefined} clearOutcomeError={() => setOutcomeError(null)} />
        : <Blank t={t} missing={view === 'chat' && m.selected != null && m.allListed()} />}
      {sel && <Boundary t={t} name="context"><Context c={sel} t={t} ctx={m.ctx.get(sel.id)} lang={props.lang} csrf={me.csrf}
        open={ctxOpen} onHide={() => setCtxOpen(false)}
        onOpen={(x) => { m.convs.set(x.id, m.convs.get(x.id) ?? x); open(x.id); }}
        extra={<ReviewPanel c={sel} t={t} may={me.tenants.some((x) => x.id === sel.tenant && x.role !== 'agent')} csrf={me.csrf} />} /></Boundary>}
    </div>
  );
}

// A sound (at most one every 1.5 s, however many chats arrive at once) and, while the tab is
// hidden, a desktop notification that brings the chat forward.
function useAlarm(m: ConsoleModel, t: UiStrings, open: (id: number) => void) {
  const lastTone = useRef(0);
  return (kind: Alarm, conv: number) => {
    const c = m.convs.get(conv);
    if (Date.now() - lastTone.current > 1500) {
      alerts.tone(kind === 'message' || kind === 'inbox' ? 'message' : 'chat');
      lastTone.current = Date.now();
    }
    const title = { new: t.alarmNew, inbox: t.alarmInbox, assigned: t.alarmAssigned, message: t.alarmMessage }[kind];
    const body = c ? `${c.tenant_name} · ${who(c, t)}${c.preview ? ': ' + c.preview : ''}` : '';
    alerts.notify(title, body, `tiski-${kind}-${conv}`, () => open(conv));
  };
}

// A chat named by the address (#c42: a reload, a link) is the one on screen, over the one saved.
function withRoute(m: ConsoleModel): ConsoleModel {
  const r = parseRoute(location.hash);
  if (r.conv != null) m.selected = r.conv;
  return m;
}

// The browser's history follows the console (route.ts): a view or chat the agent goes to is a new
// entry; Back and Forward go to the entry's view or chat, without adding one.
function useHistory(route: string, go: (r: ReturnType<typeof parseRoute>) => void) {
  const latest = useRef(go);
  latest.current = go;
  const followed = useRef<string | null>(null);  // the route Back or Forward just went to
  const first = useRef(true);  // the console's first route replaces the page's entry
  useEffect(() => {
    const onPop = () => {
      const r = parseRoute(location.hash);
      followed.current = routeOf(r.view, r.conv);
      latest.current(r);
    };
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  useEffect(() => {
    const here = location.hash.length > 1 ? location.hash : '';
    const arrived = followed.current === route || first.current;
    followed.current = null;
    first.current = false;
    if (here === route) return;
    const url = route || location.pathname + location.search;
    if (arrived) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
  }, [route]);
}

// The live visitor list is followed only while it is on screen; the closed list is read when shown.
function useFollow(view: View, ready: { current: boolean }, send: Send, m: ConsoleModel) {
  useEffect(() => {
    if (view === 'recent' && ready.current) send({ t: 'list', which: 'closed' });
    if (view !== 'visitors') return;
    if (ready.current) send({ t: 'visitors', on: true });
    return () => {
      if (ready.current) send({ t: 'visitors', on: false });
      m.visitors.clear();
    };
  }, [view]);
}

// After every render the tab title counts what is new and the agent's work is kept; coming
// back to the tab reads the chat on screen.
function useKeep(m: ConsoleModel, agent: number, rerender: () => void) {
  useEffect(() => {
    alerts.setTitle(m.unreadTotal());
    persist.save(agent, () => m.save());
  });
  useEffect(() => {
    const seen = () => {
      if (!document.hidden && m.selected != null) {
        m.unread.delete(m.selected);
        rerender();
      }
    };
    document.addEventListener('visibilitychange', seen);
    return () => document.removeEventListener('visibilitychange', seen);
  }, []);
}

type PaneProps = {
  m: ConsoleModel; t: UiStrings; me: number; now: number; error: string; clearError: () => void;
  send: Send; open: (id: number) => void; back: () => void;
};

function VisitorsPane({ m, t, now, error, clearError, send, open, back, liveTotal }: PaneProps & { liveTotal: number }) {
  return (
    <Boundary t={t} name="visitors">
      <div class="main-wrap">
        <button class="back ghost small" onClick={back}>‹ {t.back}</button>
        <Visitors list={[...m.visitors.values()]} total={liveTotal} t={t} now={now} onOpen={open}
          onStart={(visitor, body) => send({ t: 'start', visitor, cid: cid(), body })} error={error} clearError={clearError} />
      </div>
    </Boundary>
  );
}

function RecentPane({ m, t, send, open, back }: PaneProps) {
  return (
    <Boundary t={t} name="recent">
      <div class="main-wrap">
        <button class="back ghost small" onClick={back}>‹ {t.back}</button>
        <Recent list={m.closed} loaded={m.closedLoaded} more={!!m.closedNext} t={t}
          onOpen={(c) => { m.convs.set(c.id, m.convs.get(c.id) ?? c); open(c.id); }}
          onMore={() => send({ t: 'list', which: 'closed', after: m.closedNext })} />
      </div>
    </Boundary>
  );
}

// A report's agents are named from the presence list (every agent of my tenants).
function ReportsPane({ m, t, back, lang, account }: PaneProps & { lang: UiLang; account: Me }) {
  const nameOf = (id: number) => m.presence.get(id)?.name ?? (id === account.agent.id ? account.agent.name : `#${id}`);
  return (
    <Boundary t={t} name="reports">
      <div class="main-wrap">
        <button class="back ghost small" onClick={back}>‹ {t.back}</button>
        <Reports t={t} lang={localeOf(lang)} me={account} nameOf={nameOf} />
      </div>
    </Boundary>
  );
}

function SearchPane({ m, t, back, open, account }: PaneProps & { account: Me }) {
  return (
    <Boundary t={t} name="search">
      <div class="main-wrap">
        <button class="back ghost small" onClick={back}>‹ {t.back}</button>
        <SearchPage t={t} tenants={account.tenants} agents={[...m.presence.values()]}
          onOpen={(c) => { m.convs.set(c.id, m.convs.get(c.id) ?? c); open(c.id); }} />
      </div>
    </Boundary>
  );
}

function QualityPane({ m, t, back, open, account }: PaneProps & { account: Me }) {
  return (
    <Boundary t={t} name="quality">
      <div class="main-wrap">
        <button class="back ghost small" onClick={back}>‹ {t.back}</button>
        <QualityPage t={t} tenants={account.tenants} me={account.agent.id}
          onOpen={(c) => { m.convs.set(c.id, m.convs.get(c.id) ?? c); open(c.id); }} />
      </div>
    </Boundary>
  );
}

function LivePane({ m, t, now, back, open, send, account }: PaneProps & { account: Me }) {
  return (
    <Boundary t={t} name="live">
      <div class="main-wrap">
        <button class="back ghost small" onClick={back}>‹ {t.back}</button>
        <LivePage m={m} t={t} now={now} onOpen={(c) => open(c.id)} onMore={() => send({ t: 'list', which: 'waiting', after: m.next.get('waiting') })}>
          <BlocksSection t={t} tenants={account.tenants} csrf={account.csrf} />
        </LivePage>
      </div>
    </Boundary>
  );
}

function AdminPane({ m, t, back, lang, account }: PaneProps & { lang: UiLang; account: Me }) {
  return (
    <Boundary t={t} name="admin">
      <div class="main-wrap">
        <button class="back ghost small" onClick={back}>‹ {t.back}</button>
        <AdminPage t={t} lang={lang} tenants={account.tenants} owner={!!account.agent.owner} me={account.agent.id} csrf={account.csrf}
          mailOff={!m.email} />
      </div>
    </Boundary>
  );
}

function DeskPane({ t, back, lang, account }: PaneProps & { lang: UiLang; account: Me }) {
  return (
    <Boundary t={t} name="desk">
      <div class="main-wrap">
        <button class="back ghost small" onClick={back}>‹ {t.back}</button>
        <DeskPage t={t} lang={lang} tenants={account.tenants} csrf={account.csrf} />
      </div>
    </Boundary>
  );
}

function ChatPane(p: PaneProps & { sel: Conversation; pending: Pending; rerender: () => void; onBack: () => void; onContext: () => void;
  outcomeError?: OutcomeError; clearOutcomeError: () => void; meName: string; lang: UiLang; csrf: string }) {
  const { m, t, me, sel, send, pending } = p;
  const tenant = m.tenant(sel.tenant);
  const onSend = (body: string, internal: boolean) => {
    const id = cid();
    if (internal) {
      // Shown once acknowledged, as a reply is (the server does not echo it to its sender).
      pending.set(id, { conv: sel.id, body, internal: true });
      send({ t: 'send', conv: sel.id, cid: id, body, internal: true });
      p.rerender();
      return;
    }
    if (!sel.assignee) m.claimed.add(sel.id);  // replying takes it: no alarm for it
    pending.set(id, { conv: sel.id, body });
    send({ t: 'send', conv: sel.id, cid: id, body });
    p.rerender();
  };
  return (
    <Boundary t={t} name="chat">
      <Chat key={sel.id} c={sel} t={t} me={me} msgs={[...(m.msgs.get(sel.id)?.values() ?? [])].sort((a, b) => a.seq - b.seq)}
        more={m.more.get(sel.id) ?? false}
        pendingList={[...pending.entries()].filter(([, x]) => x.conv === sel.id)}
        typing={(m.typing.get(sel.id) ?? 0) > p.now - 6000} draft={m.drafts.get(sel.id) ?? ''} now={p.now}
        mailOf={(seq) => m.mail.get(sel.id + ':' + seq)} emailOff={!m.email}
        setDraft={(v) => { m.drafts.set(sel.id, v); persist.save(me, () => m.save()); }}
        colleagues={[...m.presence.values()].filter((x) => x.agent !== me && x.tenants.includes(sel.tenant))}
        teams={m.teams.filter((x) => x.tenant === sel.tenant).map((x) => ({ ...x, online: x.members.filter((id) => m.presence.get(id)?.status === 'online').length }))}
        error={p.error} clearError={p.clearError}
        onTransfer={(to, note) => send(to > 0 ? { t: 'transfer', conv: sel.id, to, note } : { t: 'transfer', conv: sel.id, team: -to, note })}
        onSend={onSend}
        onTyping={(on) => send({ t: 'typing', conv: sel.id, on })}
        onTake={() => { m.claimed.add(sel.id); send({ t: 'take', conv: sel.id }); }}
        onTakeOver={() => send({ t: 'take', conv: sel.id, over: true })}
        onClose={() => send({ t: 'close', conv: sel.id })}
        onOlder={() => send({ t: 'older', conv: sel.id, before: m.firstSeq(sel.id) })}
        canOutcome={m.canSetOutcome(sel)} outcomeRequired={!!tenant?.outcome_required} tenantTags={tenant?.tags}
        outcomeError={p.outcomeError} clearOutcomeError={() => { if (p.outcomeError) p.clearOutcomeError(); }}
        onOutcome={(s) => send(outcomeFrame(sel.id, s))}
        canned={() => desk.cannedOf(sel.tenant)} lang={p.lang} meName={p.meName} csrf={p.csrf}
        supervises={m.tenant(sel.tenant)?.role === 'supervisor' || m.tenant(sel.tenant)?.role === 'admin'}
        vars={{ visitorName: sel.contact_name, agentName: p.meName, siteName: sel.site_name, hoursToday: desk.desks.get(sel.tenant)?.hours_today }}
        onBack={p.onBack} onContext={p.onContext} />
    </Boundary>
  );
}

// missing: a chat was asked for (an address, a reload) that none of my lists holds.
const Blank = ({ t, missing }: { t: UiStrings; missing?: boolean }) => (
  <main class="blank"><div><svg class="bubble-art" viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z" /></svg><h1>{t.pick}</h1><p>{missing ? t.notListed : t.pickSub}</p></div></main>
);

const signedIn = () => document.cookie.split('; ').some((c) => c.startsWith('tiski_in='));
// The session is gone (expired, ended elsewhere): so is the hint that one may be here.
const signedOut = () => { document.cookie = 'tiski_in=; Path=/; SameSite=Strict; Max-Age=0'; return null; };

function App() {
  const [lang, setLangState] = useState<UiLang>(() => pickUiLang(localStorage.getItem('tiski:lang'), navigator.languages ?? [navigator.language]));
  const setLang = (l: UiLang) => { localStorage.setItem('tiski:lang', l); setLangState(l); };
  formatIn(lang);  // before the views render: their dates in this language
  useEffect(() => { document.documentElement.lang = lang; }, [lang]);
  const t = useMemo(() => ui(lang), [lang]);
  setServerTexts(t);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [ended, setEnded] = useState(false);  // the session ended: the login screen says so
  const [token, setToken] = useState(() => linkToken(location.hash));  // a password link was opened
  const [passwordSet, setPasswordSet] = useState('');  // ...and used: log in as this address
  useEffect(() => {
    // Without the server's "tiski_in" cookie there is no session to ask about: the login at once,
    // without a 401 in the browser's console.
    // Only a 401 says the session is gone (a restart's 502 does not).
    if (signedIn()) api('/api/me').then(async (r) => setMe(r.ok ? await r.json() : r.status === 401 ? signedOut() : null)).catch(() => setMe(null));
    else setMe(null);
    const onHash = () => setToken(linkToken(location.hash));  // a link opened in a tab already here
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  if (token) {
    return <SetPassword t={t} lang={lang} setLang={setLang} token={token} onDone={(email) => {
      history.replaceState(null, '', location.pathname + location.search);  // the link is spent
      setToken(''); setPasswordSet(email); setMe(null);
    }} />;
  }
  if (me === undefined) return null;
  if (!me) return <Login key={passwordSet} t={t} lang={lang} setLang={setLang} email={passwordSet}
    notice={passwordSet ? t.pw_done : ended ? t.sessionEnded : ''} onLogin={(x) => { setEnded(false); setPasswordSet(''); setMe(x); }} />;
  if (me.agent.totp_setup_needed) {
    return <TotpGate t={t} lang={lang} setLang={setLang} csrf={me.csrf}
      onDone={() => void api('/api/me').then(async (r) => setMe(r.ok ? await r.json() : null))}
      onLogout={async () => { await api('/api/logout', undefined, me.csrf).catch(() => null); setMe(null); }} />;
  }
  return <Console key={me.agent.id} me={me} t={t} lang={lang} setLang={setLang}
    onLogout={async () => { await api('/api/logout', undefined, me.csrf).catch(() => null); persist.forget(me.agent.id); setMe(null); }}
    onSessionEnded={() => { signedOut(); setEnded(true); setMe(null); alerts.setTitle(0); }} />;
}

render(<App />, document.getElementById('app')!);
