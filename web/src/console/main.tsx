// The agent console: login, the lists of my tenants' conversations, several chats at once,
// the live visitor list and the recently closed conversations. One WebSocket (/ws/agent)
// carries everything; REST only for login/logout. The state lives in model.ts; this file wires
// the socket, the alarms and the panels. Protocol: docs/protocol.md.
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AgentClientFrame, AgentServerFrame, Conversation, TenantRole, AgentInfo } from '../protocol.gen';
import { AGENT_PATH } from '../protocol.gen';
import { pickUiLang, ui, UI_LANGS, type UiLang, type UiStrings } from './i18n';
import { ConsoleModel, isOffline, type Effect, type ListName } from './model';
import * as persist from './persist';
import * as alerts from './alerts';
import { ago, clock, signalText, time, who } from './format';
import { Bell, Boundary, Countdown, Env } from './ui';
import { Chat } from './chat';
import { Context, Recent, Visitors } from './panels';

type Me = { agent: AgentInfo; tenants: TenantRole[]; csrf: string };
type View = 'chat' | 'visitors' | 'recent';

async function api(path: string, body?: unknown, csrf?: string): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  return fetch(path, { method: body === undefined && !csrf ? 'GET' : 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
}

const cid = () => Math.random().toString(36).slice(2) + Date.now().toString(36);
const CLOSE_SESSION_ENDED = 4001;

function Login({ t, notice, onLogin }: { t: UiStrings; notice: string; onLogin: (m: Me) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    const r = await api('/api/login', { email, password }).catch(() => null);
    setBusy(false);
    if (r && r.ok) onLogin(await r.json());
    else setError(r && r.status === 401 ? t.badLogin : ((await r?.json().catch(() => null))?.error?.message ?? t.networkError));
  };
  return (
    <div class="login">
      <form onSubmit={submit} class="card">
        <div class="brand big"><span class="logo">T</span> Tiski</div>
        <h1>{t.login}</h1>
        {notice && <p class="notice" role="status">{notice}</p>}
        <label>{t.email}<input type="email" autocomplete="username" required value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} /></label>
        <label>{t.password}<input type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} /></label>
        {error && <p class="error" role="alert">{error}</p>}
        <button class="primary" disabled={busy}>{t.login}</button>
      </form>
    </div>
  );
}

function Console({ me, t, lang, setLang, onLogout, onSessionEnded }: {
  me: Me; t: UiStrings; lang: UiLang; setLang: (l: UiLang) => void; onLogout: () => void; onSessionEnded: () => void;
}) {
  const [, force] = useState(0);
  // Frames can arrive by the thousand per second (the live visitor list of a busy tenant):
  // one render per 50 ms at most, however many frames came in between.
  const renderTimer = useRef<number | undefined>(undefined);
  const rerender = () => {
    if (renderTimer.current === undefined) {
      renderTimer.current = window.setTimeout(() => { renderTimer.current = undefined; force((n) => n + 1); }, 50);
    }
  };
  const m = useRef<ConsoleModel>(new ConsoleModel(persist.load(me.agent.id))).current;
  const [view, setView] = useState<View>('chat');
  const viewRef = useRef(view);
  viewRef.current = view;
  const ready = useRef(false);
  const pending = useRef(new Map<string, { conv: number; body: string }>()).current;
  const wsRef = useRef<WebSocket | null>(null);
  const [online, setOnline] = useState(false);
  const [error, setError] = useState('');
  const [now, setNow] = useState(Date.now());
  const [muted, setMuted] = useState(alerts.muted());
  const [notifyState, setNotifyState] = useState(alerts.notifyState());
  const lastTone = useRef(0);

  const send = (f: AgentClientFrame) => wsRef.current?.readyState === 1 && wsRef.current.send(JSON.stringify(f));
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
  // A sound (at most one every 1.5 s, however many chats arrive at once) and, while the tab is
  // hidden, a desktop notification that brings the chat forward.
  const alarm = (kind: 'new' | 'inbox' | 'assigned' | 'message', conv: number) => {
    const c = m.convs.get(conv);
    const nowMs = Date.now();
    if (nowMs - lastTone.current > 1500) {
      alerts.tone(kind === 'message' || kind === 'inbox' ? 'message' : 'chat');
      lastTone.current = nowMs;
    }
    const title = { new: t.alarmNew, inbox: t.alarmInbox, assigned: t.alarmAssigned, message: t.alarmMessage }[kind];
    const body = c ? `${c.tenant_name} · ${who(c, t)}${c.preview ? ': ' + c.preview : ''}` : '';
    alerts.notify(title, body, `tiski-${kind}-${conv}`, () => open(conv));
  };

  useEffect(() => {
    let attempt = 0;
    let stop = false;
    let ping: number | undefined;
    const connect = () => {
      const ws = new WebSocket(new URL(AGENT_PATH, location.href).href.replace(/^http/, 'ws'));
      wsRef.current = ws;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        attempt = 0;
        setOnline(true);
        ping = window.setInterval(() => send({ t: 'ping' }), 25000);
      };
      ws.onmessage = (e) => {
        const f = JSON.parse(e.data) as AgentServerFrame;
        run(m.apply(f, { hidden: document.hidden }));
        switch (f.t) {
          case 'snapshot':
            ready.current = true;
            for (const [id, p] of pending) send({ t: 'send', conv: p.conv, cid: id, body: p.body });
            if (viewRef.current === 'visitors') send({ t: 'visitors', on: true });
            if (viewRef.current === 'recent') send({ t: 'list', which: 'closed' });
            break;
          case 'ack': {
            const p = pending.get(f.cid);
            pending.delete(f.cid);
            if (p) m.acked(f.conv, f.seq, f.at, f.cid, p.body);
            break;
          }
          case 'error':
            if (f.cid) pending.delete(f.cid);
            if (f.code !== 'unauthorized') setError(f.message);
            break;
        }
        rerender();
      };
      ws.onclose = async (e) => {
        ready.current = false;
        setOnline(false);
        clearInterval(ping);
        if (stop) return;
        if (e.code === CLOSE_SESSION_ENDED) return onSessionEnded();
        if (!opened && attempt >= 1) {
          // Refused before it opened: was it the session? (the browser hides the HTTP status)
          const r = await api('/api/me').catch(() => null);
          if (r && r.status === 401) return onSessionEnded();
        }
        const delay = Math.min(30000, 500 * 2 ** attempt++) * (0.7 + Math.random() * 0.6);
        setTimeout(() => !stop && connect(), delay);
      };
    };
    connect();
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      stop = true;
      clearInterval(tick);
      wsRef.current?.close();
    };
  }, []);

  // The live visitor list is followed only while it is on screen; the closed list is read when shown.
  useEffect(() => {
    if (view === 'recent' && ready.current) send({ t: 'list', which: 'closed' });
    if (view !== 'visitors') return;
    if (ready.current) send({ t: 'visitors', on: true });
    return () => {
      if (ready.current) send({ t: 'visitors', on: false });
      m.visitors.clear();
    };
  }, [view]);

  // After every render: the tab title counts what is new, and the agent's work is kept.
  useEffect(() => {
    alerts.setTitle(m.unreadTotal());
    persist.save(me.agent.id, () => m.save());
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

  const sel = view === 'chat' && m.selected != null ? m.convs.get(m.selected) ?? m.closed.find((c) => c.id === m.selected) : undefined;
  const liveTotal = [...m.liveCount.values()].reduce((a, b) => a + b, 0);
  const myPresence = m.presence.get(me.agent.id);
  const main = view === 'visitors' || view === 'recent' || sel ? 'has-main' : '';

  const Item = ({ c }: { c: Conversation }) => {
    const unread = m.unread.get(c.id) ?? 0;
    const isNew = m.fresh.has(c.id);
    const offline = isOffline(c);
    const name = who(c, t);
    return (
      <li>
        <button class={'item' + (c.id === m.selected && view === 'chat' ? ' sel' : '') + (unread || isNew ? ' unread' : '') + (offline ? ' offline' : '') + (c.signals?.length ? ' buy' : '')}
          onClick={() => open(c.id)} data-conv={c.id}>
          <div class="row">
            {offline ? <Env /> : c.contact_email && <Env label={t.byEmail} />}
            <strong><bdi>{name}</bdi></strong>
            {isNew && <span class="tag new">{t.newTag}</span>}
            {c.status !== 'waiting' ? <span class="when">{time(c.last_at)}</span>
              : offline ? <span class="age" title={`${t.waitedSince} ${new Date(c.created_at).toLocaleString()}`}>{ago(now - c.created_at, t)}</span>
              : <span class="wait" title={t.waited}>{clock(now - c.created_at)}</span>}
            {unread > 0 && <span class="badge" aria-label={t.unread.replace('{n}', String(unread))}>{unread}</span>}
          </div>
          {c.assignee === me.agent.id && c.answer_by && <Countdown by={c.answer_by} now={now} t={t} />}
          {c.contact_email && c.contact_email !== name && <div class="contact"><bdi>{c.contact_email}</bdi></div>}
          <div class="tags">{offline && c.status !== 'waiting' && <span class="tag off">{t.offlineMsg}</span>}{c.signals?.length ? <span class="tag buy" title={c.signals.map((x) => signalText(x, t)).join(', ')}>€ {t.signals}</span> : null}{c.origin === 'proactive' && <span class="tag pro">{t.origin_proactive}</span>}{c.team_name && <span class="tag team">{t.team}: <bdi>{c.team_name}</bdi></span>}<span class="tag"><bdi>{c.tenant_name}</bdi></span><bdi class="site">{c.site_name}</bdi></div>
          {c.page && !offline && <div class="page"><bdi>{c.page.title || c.page.url}</bdi></div>}
          {c.preview && <div class="preview"><bdi>{c.preview}</bdi></div>}
        </button>
      </li>
    );
  };
  const Section = ({ name, title, empty = t.none, icon }: { name: ListName; title: string; empty?: string; icon?: boolean }) => {
    const list = m.list(name);
    const total = m.count(name);
    return (
      <section data-list={name} class={icon ? 'inbox' : undefined}>
        <h2>{icon && <Env />}{title} <span class="count">{total}</span></h2>
        {list.length ? <ul>{list.map((c) => <Item key={c.id} c={c} />)}</ul> : <p class="empty">{empty}</p>}
        {m.next.has(name) && <button class="link more-link" onClick={() => send({ t: 'list', which: name, after: m.next.get(name) })}>{t.loadMore}</button>}
      </section>
    );
  };
  const others = m.list('others');

  return (
    <div class={'app ' + main}>
      <aside class="side">
        <div class="top">
          <div class="brand"><span class="logo">T</span> Tiski</div>
          <div class="top-tools">
            <button class="icon-btn" aria-pressed={muted} title={muted ? t.unmute : t.mute} aria-label={muted ? t.unmute : t.mute}
              onClick={() => { alerts.setMuted(!muted); setMuted(!muted); }}><Bell off={muted} /></button>
            <span class={'dot ' + (online ? 'on' : 'off')} title={online ? t.connected : t.reconnecting} />
          </div>
        </div>
        <div class="me">
          <div class="avatar">{me.agent.name.charAt(0)}</div>
          <div class="who-am-i"><strong><bdi>{me.agent.name}</bdi></strong><small><bdi>{me.tenants.map((x) => x.name).join(', ')}</bdi></small></div>
        </div>
        {myPresence && (
          <div class="presence-bar">
            <span class={'pdot ' + myPresence.status} />
            <span class="pstatus">{(t as any)[myPresence.status]} · {myPresence.active}/{myPresence.capacity}</span>
            <button class="ghost small" onClick={() => send({ t: 'status', status: myPresence.status === 'online' ? 'away' : 'online' })}>
              {myPresence.status === 'online' ? t.setAway : t.setOnline}
            </button>
          </div>
        )}
        {!online && <p class="banner">{t.reconnecting}</p>}
        {notifyState === 'default' && (
          <button class="notify-ask" onClick={async () => setNotifyState(await alerts.askToNotify())}>{t.notifyAsk}</button>
        )}
        <nav class="views">
          <button class={'visitors-link' + (view === 'visitors' ? ' sel' : '')} onClick={() => setView('visitors')}>
            <span>{t.visitorsNow}</span><span class="count">{liveTotal}</span>
          </button>
          <button class={'visitors-link' + (view === 'recent' ? ' sel' : '')} onClick={() => setView('recent')}>
            <span>{t.recent}</span>
          </button>
        </nav>
        <Boundary t={t} name="lists">
          <div class="lists">
            <Section name="waiting" title={t.waiting} />
            <Section name="mine" title={t.mine} />
            <Section name="inbox" title={t.inbox} empty={t.inboxNone} icon />
            {others.length > 0 && <Section name="others" title={t.others} />}
            <section data-list="agents">
              <h2>{t.agents}</h2>
              <ul class="agents">
                {[...m.presence.values()].sort((a, b) => a.name.localeCompare(b.name)).map((p) => (
                  <li key={p.agent}><span class={'pdot ' + p.status} title={(t as any)[p.status]} /> <bdi>{p.name}</bdi><span class="load">{p.active}/{p.capacity}</span></li>
                ))}
              </ul>
            </section>
          </div>
        </Boundary>
        <div class="foot">
          <span class="langs">
            {UI_LANGS.filter((l) => l !== lang).map((l) => <button key={l} class="link" lang={l} onClick={() => setLang(l)}>{ui(l).langName}</button>)}
          </span>
          <button class="link" onClick={onLogout}>{t.logout}</button>
        </div>
      </aside>
      {view === 'visitors' ? (
        <Boundary t={t} name="visitors">
          <div class="main-wrap">
            <button class="back ghost small" onClick={() => setView('chat')}>‹ {t.back}</button>
            <Visitors list={[...m.visitors.values()]} total={liveTotal} t={t} now={now} onOpen={open}
              onStart={(visitor, body) => send({ t: 'start', visitor, cid: cid(), body })} error={error} clearError={() => setError('')} />
          </div>
        </Boundary>
      ) : view === 'recent' ? (
        <Boundary t={t} name="recent">
          <div class="main-wrap">
            <button class="back ghost small" onClick={() => setView('chat')}>‹ {t.back}</button>
            <Recent list={m.closed} loaded={m.closedLoaded} more={!!m.closedNext} t={t}
              onOpen={(c) => { m.convs.set(c.id, m.convs.get(c.id) ?? c); open(c.id); }}
              onMore={() => send({ t: 'list', which: 'closed', after: m.closedNext })} />
          </div>
        </Boundary>
      ) : sel ? (
        <Boundary t={t} name="chat">
          <Chat key={sel.id} c={sel} t={t} me={me.agent.id} msgs={[...(m.msgs.get(sel.id)?.values() ?? [])].sort((a, b) => a.seq - b.seq)}
            more={m.more.get(sel.id) ?? false}
            pendingList={[...pending.entries()].filter(([, p]) => p.conv === sel.id)}
            typing={(m.typing.get(sel.id) ?? 0) > now - 6000} draft={m.drafts.get(sel.id) ?? ''} now={now}
            mailOf={(seq) => m.mail.get(sel.id + ':' + seq)}
            setDraft={(v) => { m.drafts.set(sel.id, v); persist.save(me.agent.id, () => m.save()); }}
            colleagues={[...m.presence.values()].filter((p) => p.agent !== me.agent.id)}
            teams={m.teams.filter((x) => x.tenant === sel.tenant).map((x) => ({ ...x, online: x.members.filter((id) => m.presence.get(id)?.status === 'online').length }))}
            error={error} clearError={() => setError('')}
            onTransfer={(to, note) => send(to > 0 ? { t: 'transfer', conv: sel.id, to, note } : { t: 'transfer', conv: sel.id, team: -to, note })}
            onSend={(body, internal) => {
              const id = cid();
              if (internal) {
                send({ t: 'send', conv: sel.id, cid: id, body, internal: true });
                return;
              }
              if (!sel.assignee) m.claimed.add(sel.id);  // replying takes it: no alarm for it
              pending.set(id, { conv: sel.id, body });
              send({ t: 'send', conv: sel.id, cid: id, body });
              rerender();
            }}
            onTyping={(on) => send({ t: 'typing', conv: sel.id, on })}
            onTake={() => { m.claimed.add(sel.id); send({ t: 'take', conv: sel.id }); }}
            onClose={() => send({ t: 'close', conv: sel.id })}
            onOlder={() => send({ t: 'older', conv: sel.id, before: m.firstSeq(sel.id) })}
            onBack={() => { run(m.select(null)); rerender(); }} />
        </Boundary>
      ) : (
        <main class="blank"><div><svg class="bubble-art" viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z" /></svg><h2>{t.pick}</h2><p>{t.pickSub}</p></div></main>
      )}
      {sel && <Boundary t={t} name="context"><Context c={sel} t={t} ctx={m.ctx.get(sel.id)} /></Boundary>}
    </div>
  );
}

function App() {
  const [lang, setLangState] = useState<UiLang>(() => pickUiLang(localStorage.getItem('tiski:lang'), navigator.languages ?? [navigator.language]));
  const setLang = (l: UiLang) => { localStorage.setItem('tiski:lang', l); setLangState(l); };
  useEffect(() => { document.documentElement.lang = lang; }, [lang]);
  const t = useMemo(() => ui(lang), [lang]);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [notice, setNotice] = useState('');
  useEffect(() => {
    api('/api/me').then(async (r) => setMe(r.ok ? await r.json() : null)).catch(() => setMe(null));
  }, []);
  if (me === undefined) return null;
  if (!me) return <Login t={t} notice={notice} onLogin={(m) => { setNotice(''); setMe(m); }} />;
  return <Console key={me.agent.id} me={me} t={t} lang={lang} setLang={setLang}
    onLogout={async () => { await api('/api/logout', undefined, me.csrf).catch(() => null); persist.forget(me.agent.id); setMe(null); }}
    onSessionEnded={() => { setNotice(t.sessionEnded); setMe(null); alerts.setTitle(0); }} />;
}

render(<App />, document.getElementById('app')!);
