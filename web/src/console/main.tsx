// The agent console: login, the live queue and my chats, several conversations at once.
// One WebSocket (/ws/agent) carries everything; REST only for login/logout. Protocol:
// docs/protocol.md. Messages are kept per conversation by seq, so a resync never duplicates.
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AgentInfo, AgentPresence, AgentServerFrame, Cart, Conversation, LiveVisitor, MailStatus, Message, Team, TenantRole, AgentClientFrame, VisitorContext } from '../protocol.gen';
import { AGENT_PATH } from '../protocol.gen';
import { ui, type UiLang, type UiStrings } from './i18n';

type Me = { agent: AgentInfo; tenants: TenantRole[]; csrf: string };

async function api(path: string, body?: unknown, csrf?: string): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  return fetch(path, { method: body === undefined && !csrf ? 'GET' : 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
}

const cid = () => Math.random().toString(36).slice(2) + Date.now().toString(36);
const clock = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
const time = (at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
// How long ago, coarsely: for inbox items that may wait for hours or days.
const ago = (ms: number, t: UiStrings) => {
  const m = Math.floor(ms / 60000);
  return m < 1 ? t.justNow : m < 60 ? `${m} min` : m < 48 * 60 ? `${Math.floor(m / 60)} h` : `${Math.floor(m / 1440)} ${t.days}`;
};
// Who the conversation is with: the name from the leave-a-message form, else its address
// (offline messages), else the visitor number.
const who = (c: Conversation, t: UiStrings) => c.contact_name || (c.origin === 'offline' && c.contact_email) || `${t.visitor} #${c.visitor}`;
const isOffline = (c: Conversation) => c.origin === 'offline';
const money = (c: Cart) => (c.cents / 100).toLocaleString(undefined, { style: 'currency', currency: c.currency || 'EUR' });
const minutes = (ms: number) => {
  const m = Math.max(0, Math.floor(ms / 60000));
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
};
// A buying signal in words: "tuotteita ostoskorissa", "“hinta”".
const signalText = (s: string, t: UiStrings) => (s.startsWith('phrase:') ? `“${s.slice(7)}”` : (t as any)['sig_' + s] ?? s);

// An envelope; with a label it is announced and shows it as a tooltip.
const Env = ({ label }: { label?: string }) => (
  <svg class="env" viewBox="0 0 24 24" role={label ? 'img' : undefined} aria-label={label} aria-hidden={label ? undefined : 'true'}>
    {label && <title>{label}</title>}
    <path d="M4 5h16a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm-1 2 9 6 9-6" />
  </svg>
);

// The email delivery of one agent reply.
function MailLine({ s, t }: { s: MailStatus; t: UiStrings }) {
  const [cls, text] =
    s.status === 'sent' ? ['sent', t.mailSent + s.to]
    : s.status === 'failed' ? ['failed', t.mailFailed + (s.error || '–')]
    : s.attempts > 0 && s.error ? ['retry', t.mailRetry.replace('{n}', String(s.attempts)) + s.error]
    : ['queued', t.mailQueued + (s.error ? ': ' + s.error : '')];
  return <span class={'mail ' + cls} title={s.to}>✉ {text}</span>;
}

// A short, quiet notification tone for a new visitor message (no audio file needed).
function beep() {
  try {
    const ctx = new AudioContext();
    const o = ctx.createOscillator();
    const g = ctx.createGain();
    o.frequency.value = 880;
    g.gain.setValueAtTime(0.05, ctx.currentTime);
    g.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.25);
    o.connect(g).connect(ctx.destination);
    o.start();
    o.stop(ctx.currentTime + 0.25);
  } catch {}
}

function Login({ t, onLogin }: { t: UiStrings; onLogin: (m: Me) => void }) {
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
    else setError(r && r.status === 401 ? t.badLogin : ((await r?.json().catch(() => null))?.error?.message ?? 'Network error'));
  };
  return (
    <div class="login">
      <form onSubmit={submit} class="card">
        <div class="brand big"><span class="logo">T</span> Tiski</div>
        <h1>{t.login}</h1>
        <label>{t.email}<input type="email" autocomplete="username" required value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} /></label>
        <label>{t.password}<input type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} /></label>
        {error && <p class="error" role="alert">{error}</p>}
        <button class="primary" disabled={busy}>{t.login}</button>
      </form>
    </div>
  );
}

type State = {
  presence: Map<number, AgentPresence>;
  convs: Map<number, Conversation>;
  msgs: Map<number, Map<number, Message>>;
  unread: Map<number, number>;
  typing: Map<number, number>;
  mail: Map<string, MailStatus>;  // by "conv:seq"
  ctx: Map<number, VisitorContext>;  // by conversation
  visitors: Map<number, LiveVisitor>;
  liveCount: Map<number, number>;  // tenant -> visitors on its sites now
  teams: Team[];
};

function Console({ me, t, lang, setLang, onLogout }: { me: Me; t: UiStrings; lang: UiLang; setLang: (l: UiLang) => void; onLogout: () => void }) {
  const [, force] = useState(0);
  // Frames can arrive by the thousand per second (the live visitor list of a busy tenant):
  // one render per 50 ms at most, however many frames came in between.
  const renderTimer = useRef<number | undefined>(undefined);
  const rerender = () => {
    if (renderTimer.current === undefined) {
      renderTimer.current = window.setTimeout(() => { renderTimer.current = undefined; force((n) => n + 1); }, 50);
    }
  };
  const st = useRef<State>({ presence: new Map(), convs: new Map(), msgs: new Map(), unread: new Map(), typing: new Map(), mail: new Map(), ctx: new Map(), visitors: new Map(), liveCount: new Map(), teams: [] as Team[] }).current;
  const [view, setView] = useState<'chat' | 'visitors'>('chat');
  const viewRef = useRef(view);
  viewRef.current = view;
  const ready = useRef(false);
  const [selected, setSelected] = useState<number | null>(null);
  const selectedRef = useRef<number | null>(null);
  selectedRef.current = selected;
  const drafts = useRef(new Map<number, string>()).current;
  const pending = useRef(new Map<string, { conv: number; body: string }>()).current;
  const wsRef = useRef<WebSocket | null>(null);
  const [online, setOnline] = useState(false);
  const [error, setError] = useState('');
  const [now, setNow] = useState(Date.now());
  const watched = useRef(new Set<number>()).current;

  const send = (f: AgentClientFrame) => wsRef.current?.readyState === 1 && wsRef.current.send(JSON.stringify(f));
  const lastSeq = (conv: number) => Math.max(0, ...(st.msgs.get(conv)?.keys() ?? []));
  const watch = (conv: number) => {
    watched.add(conv);
    send({ t: 'watch', conv, after: lastSeq(conv) });
  };
  const addMsgs = (list: Message[], live: boolean) => {
    for (const m of list) {
      let map = st.msgs.get(m.conv);
      if (!map) st.msgs.set(m.conv, (map = new Map()));
      if (map.has(m.seq)) continue;
      map.set(m.seq, m);
      if (live && m.author === 'visitor') {
        st.typing.delete(m.conv);
        if (m.conv !== selectedRef.current || document.hidden) {
          st.unread.set(m.conv, (st.unread.get(m.conv) ?? 0) + 1);
          beep();
        }
      }
    }
  };

  useEffect(() => {
    let attempt = 0;
    let stop = false;
    let ping: number | undefined;
    const connect = () => {
      const ws = new WebSocket(new URL(AGENT_PATH, location.href).href.replace(/^http/, 'ws'));
      wsRef.current = ws;
      ws.onopen = () => {
        attempt = 0;
        setOnline(true);
        ping = window.setInterval(() => send({ t: 'ping' }), 25000);
      };
      ws.onmessage = (e) => {
        const f = JSON.parse(e.data) as AgentServerFrame;
        switch (f.t) {
          case 'snapshot':
            st.convs = new Map(f.convs.map((c) => [c.id, c]));
            st.presence = new Map(f.presence.map((p) => [p.agent, p]));
            st.teams = f.teams ?? [];
            watched.clear();
            for (const c of f.convs) watch(c.id);
            for (const [cid, p] of pending) send({ t: 'send', conv: p.conv, cid, body: p.body });
            ready.current = true;
            st.visitors.clear();
            if (viewRef.current === 'visitors') send({ t: 'visitors', on: true });
            break;
          case 'visitors':
            st.visitors = new Map(f.list.map((v) => [v.id, v]));
            break;
          case 'live_count':
            st.liveCount.set(f.tenant, f.n);
            break;
          case 'visitor':
            st.visitors.set(f.v.id, f.v);
            break;
          case 'visitor_gone':
            st.visitors.delete(f.id);
            break;
          case 'conv': {
            const known = st.convs.has(f.conv.id);
            st.convs.set(f.conv.id, f.conv);
            if (!known && f.conv.status !== 'closed') watch(f.conv.id);
            if (!known && isOffline(f.conv) && f.conv.status === 'waiting') {  // a new message in the inbox
              st.unread.set(f.conv.id, 1);
              beep();
            }
            break;
          }
          case 'history':
            addMsgs(f.msgs, false);
            for (const m of f.mail ?? []) st.mail.set(m.conv + ':' + m.seq, m);
            if (f.context) st.ctx.set(f.conv, f.context);
            break;
          case 'mail':
            st.mail.set(f.mail.conv + ':' + f.mail.seq, f.mail);
            break;
          case 'presence':
            st.presence.set(f.presence.agent, f.presence);
            break;
          case 'msg':
            addMsgs([f.m], true);
            break;
          case 'ack': {
            const p = pending.get(f.cid);
            pending.delete(f.cid);
            if (p) addMsgs([{ conv: f.conv, seq: f.seq, author: 'agent', name: me.agent.name, body: p.body, at: f.at, cid: f.cid }], false);
            break;
          }
          case 'typing':
            if (f.on) st.typing.set(f.conv, Date.now());
            else st.typing.delete(f.conv);
            break;
          case 'error':
            if (f.cid) pending.delete(f.cid);
            setError(f.message);
            break;
        }
        rerender();
      };
      ws.onclose = (e) => {
        ready.current = false;
        setOnline(false);
        clearInterval(ping);
        if (e.code === 1008 || stop) return;
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

  // The live visitor list is followed only while it is on screen.
  useEffect(() => {
    if (view !== 'visitors') return;
    if (ready.current) send({ t: 'visitors', on: true });
    return () => {
      if (ready.current) send({ t: 'visitors', on: false });
      st.visitors.clear();
    };
  }, [view]);

  useEffect(() => {
    const total = [...st.unread.values()].reduce((a, b) => a + b, 0);
    document.title = (total ? `(${total}) ` : '') + 'Tiski';
  });

  const convs = [...st.convs.values()];
  const waiting = convs.filter((c) => c.status === 'waiting' && !isOffline(c)).sort((a, b) => a.created_at - b.created_at);
  const inbox = convs.filter((c) => c.status === 'waiting' && isOffline(c)).sort((a, b) => a.created_at - b.created_at);
  const mine = convs.filter((c) => c.status !== 'waiting' && c.assignee === me.agent.id && (c.status !== 'closed' || c.id === selected));
  const others = convs.filter((c) => c.status === 'active' && c.assignee !== me.agent.id);
  const open = (id: number) => {
    setView('chat');
    setSelected(id);
    st.unread.delete(id);
    rerender();
  };
  const sel = selected != null ? st.convs.get(selected) : undefined;
  const liveTotal = [...st.liveCount.values()].reduce((a, b) => a + b, 0);
  const myPresence = st.presence.get(me.agent.id);

  const Item = ({ c }: { c: Conversation }) => {
    const unread = st.unread.get(c.id) ?? 0;
    const offline = isOffline(c);
    const name = who(c, t);
    return (
      <li>
        <button class={'item' + (c.id === selected ? ' sel' : '') + (unread ? ' unread' : '') + (offline ? ' offline' : '') + (c.signals?.length ? ' buy' : '')} onClick={() => open(c.id)} data-conv={c.id}>
          <div class="row">
            {offline ? <Env /> : c.contact_email && <Env label={t.byEmail} />}
            <strong>{name}</strong>
            {c.status !== 'waiting' ? <span class="when">{time(c.last_at)}</span>
              : offline ? <span class="age" title={`${t.waitedSince} ${new Date(c.created_at).toLocaleString()}`}>{ago(now - c.created_at, t)}</span>
              : <span class="wait" title={t.waited}>{clock(now - c.created_at)}</span>}
            {unread > 0 && <span class="badge" aria-label={`${unread} unread`}>{unread}</span>}
          </div>
          {c.contact_email && c.contact_email !== name && <div class="contact">{c.contact_email}</div>}
          <div class="tags">{offline && c.status !== 'waiting' && <span class="tag off">{t.offlineMsg}</span>}{c.signals?.length ? <span class="tag buy" title={c.signals.map((x) => signalText(x, t)).join(', ')}>€ {t.signals}</span> : null}{c.origin === 'proactive' && <span class="tag pro">{t.origin_proactive}</span>}{c.team_name && <span class="tag team">{t.team}: {c.team_name}</span>}<span class="tag">{c.tenant_name}</span><span class="site">{c.site_name}</span></div>
          {c.page && !offline && <div class="page">{c.page.title || c.page.url}</div>}
          {c.preview && <div class="preview">{c.preview}</div>}
        </button>
      </li>
    );
  };
  const Section = ({ title, list, testid, empty = t.none, icon }: { title: string; list: Conversation[]; testid: string; empty?: string; icon?: boolean }) => (
    <section data-list={testid} class={icon ? 'inbox' : undefined}>
      <h2>{icon && <Env />}{title} <span class="count">{list.length}</span></h2>
      {list.length ? <ul>{list.map((c) => <Item key={c.id} c={c} />)}</ul> : <p class="empty">{empty}</p>}
    </section>
  );

  return (
    <div class="app">
      <aside class="side">
        <div class="top">
          <div class="brand"><span class="logo">T</span> Tiski</div>
          <span class={'dot ' + (online ? 'on' : 'off')} title={online ? t.connected : t.reconnecting} />
        </div>
        <div class="me">
          <div class="avatar">{me.agent.name.charAt(0)}</div>
          <div class="who-am-i"><strong>{me.agent.name}</strong><small>{me.tenants.map((x) => x.name).join(', ')}</small></div>
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
        <button class={'visitors-link' + (view === 'visitors' ? ' sel' : '')} onClick={() => { setView('visitors'); setSelected(null); }}>
          <span>{t.visitorsNow}</span><span class="count">{liveTotal}</span>
        </button>
        <div class="lists">
          <Section title={t.waiting} list={waiting} testid="waiting" />
          <Section title={t.mine} list={mine} testid="mine" />
          <Section title={t.inbox} list={inbox} testid="inbox" empty={t.inboxNone} icon />
          {others.length > 0 && <Section title={t.others} list={others} testid="others" />}
          <section data-list="agents">
            <h2>{t.agents}</h2>
            <ul class="agents">
              {[...st.presence.values()].sort((a, b) => a.name.localeCompare(b.name)).map((p) => (
                <li key={p.agent}><span class={'pdot ' + p.status} title={(t as any)[p.status]} /> {p.name}<span class="load">{p.active}/{p.capacity}</span></li>
              ))}
            </ul>
          </section>
        </div>
        <div class="foot">
          <button class="link" onClick={() => setLang(lang === 'fi' ? 'en' : 'fi')}>{lang === 'fi' ? 'English' : 'Suomeksi'}</button>
          <button class="link" onClick={onLogout}>{t.logout}</button>
        </div>
      </aside>
      {view === 'visitors' && !sel ? (
        <Visitors list={[...st.visitors.values()]} total={liveTotal} t={t} now={now} onOpen={open}
          onStart={(visitor, body) => send({ t: 'start', visitor, cid: cid(), body })} error={error} clearError={() => setError('')} />
      ) : sel ? (
        <Chat key={sel.id} c={sel} t={t} me={me} msgs={[...(st.msgs.get(sel.id)?.values() ?? [])].sort((a, b) => a.seq - b.seq)}
          pendingList={[...pending.entries()].filter(([, p]) => p.conv === sel.id)}
          typing={(st.typing.get(sel.id) ?? 0) > now - 6000} draft={drafts.get(sel.id) ?? ''}
          mailOf={(seq) => st.mail.get(sel.id + ':' + seq)}
          setDraft={(v) => drafts.set(sel.id, v)}
          colleagues={[...st.presence.values()].filter((p) => p.agent !== me.agent.id)}
          teams={st.teams.filter((x) => x.tenant === sel.tenant).map((x) => ({ ...x, online: x.members.filter((m) => st.presence.get(m)?.status === 'online').length }))}
          error={error} clearError={() => setError('')}
          onTransfer={(to, note) => send(to > 0 ? { t: 'transfer', conv: sel.id, to, note } : { t: 'transfer', conv: sel.id, team: -to, note })}
          onSend={(body, internal) => {
            const id = cid();
            if (internal) {
              send({ t: 'send', conv: sel.id, cid: id, body, internal: true });
              return;
            }
            pending.set(id, { conv: sel.id, body });
            send({ t: 'send', conv: sel.id, cid: id, body });
            rerender();
          }}
          onTyping={(on) => send({ t: 'typing', conv: sel.id, on })}
          onTake={() => send({ t: 'take', conv: sel.id })}
          onClose={() => send({ t: 'close', conv: sel.id })} />
      ) : (
        <main class="blank"><div><svg class="bubble-art" viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z" /></svg><h2>{t.pick}</h2><p>{t.pickSub}</p></div></main>
      )}
      {sel && <Context c={sel} t={t} ctx={st.ctx.get(sel.id)} />}
    </div>
  );
}

function Chat(p: {
  c: Conversation; t: UiStrings; me: Me; msgs: Message[]; pendingList: [string, { body: string }][]; typing: boolean; draft: string;
  setDraft: (v: string) => void; onSend: (b: string, internal: boolean) => void; onTyping: (on: boolean) => void; onTake: () => void; onClose: () => void;
  colleagues: AgentPresence[]; teams: (Team & { online: number })[]; onTransfer: (to: number, note: string) => void; error: string; clearError: () => void;
  mailOf: (seq: number) => MailStatus | undefined;
}) {
  const { c, t } = p;
  const [text, setText] = useState(p.draft);
  const [internal, setInternal] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const [target, setTarget] = useState(0);
  const [note, setNote] = useState('');
  const listRef = useRef<HTMLOListElement>(null);
  const typingAt = useRef(0);
  useEffect(() => {
    listRef.current?.scrollTo(0, listRef.current.scrollHeight);
  }, [p.msgs.length, p.pendingList.length, p.typing]);
  const submit = () => {
    const body = text.trim();
    if (!body) return;
    p.onSend(body, internal);
    setText('');
    p.setDraft('');
    if (typingAt.current) p.onTyping(false);
    typingAt.current = 0;
  };
  const closed = c.status === 'closed';
  const mineOrFree = !c.assignee || c.assignee === p.me.agent.id;
  return (
    <main class="chat">
      <header>
        <div>
          <h1>{who(c, t)}</h1>
          {c.signals?.length ? <p class="buyline">€ {t.buyHint}: {c.signals.map((x) => signalText(x, t)).join(', ')}</p> : null}
          <p>{isOffline(c) && <><span class="tag off">{t.offlineMsg}</span> </>}<span class="tag">{c.tenant_name}</span> {c.site_name} · <span class={'status ' + c.status}>{(t as any)['st_' + c.status]}</span></p>
          {c.contact_email && <p class="mailline"><Env /> <span>{t.repliesByEmail} <strong>{c.contact_email}</strong></span></p>}
        </div>
        <div class="actions">
          {c.status === 'waiting' && <button class="primary" onClick={p.onTake}>{t.take}</button>}
          {c.status === 'active' && c.assignee === p.me.agent.id && <button class="ghost" onClick={() => setTransferring(!transferring)}>{t.transfer}</button>}
          {!closed && mineOrFree && <button class="ghost" onClick={p.onClose}>{t.close}</button>}
        </div>
      </header>
      {transferring && (
        <form class="transfer" onSubmit={(e) => { e.preventDefault(); if (target) { p.onTransfer(target, note.trim()); setTransferring(false); setNote(''); } }}>
          <strong>{t.transferTo}</strong>
          <select aria-label={t.pickAgent} value={target} onChange={(e) => setTarget(Number((e.target as HTMLSelectElement).value))}>
            <option value={0}>{t.pickAgent}</option>
            {p.colleagues.map((a) => <option key={a.agent} value={a.agent}>{a.name} · {(t as any)[a.status]} · {a.active}/{a.capacity}</option>)}
            {p.teams.length > 0 && (
              <optgroup label={t.teams}>
                {p.teams.map((x) => <option key={'t' + x.id} value={-x.id}>{t.team}: {x.name} · {x.online} {t.onlineNow}</option>)}
              </optgroup>
            )}
          </select>
          <textarea aria-label={t.noteFor} placeholder={t.noteFor} rows={2} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
          <div class="row-actions"><button type="button" class="ghost" onClick={() => setTransferring(false)}>{t.cancel}</button><button class="primary" disabled={!target}>{t.transfer}</button></div>
        </form>
      )}
      {p.error && <p class="chat-error" role="alert" onClick={p.clearError}>{p.error}</p>}
      <ol class="msgs" ref={listRef} aria-live="polite">
        {p.msgs.map((m) => {
          const mail = m.author === 'agent' ? p.mailOf(m.seq) : undefined;
          return (
            <li key={m.seq} class={'m ' + m.author}>
              {m.author !== 'system' && <span class="who">{m.author === 'visitor' ? c.contact_name || t.visitor : m.author === 'note' ? `${t.note} · ${m.name}` : m.name || t.you} · {time(m.at)}</span>}
              <div class="text">{m.body}</div>
              {mail && <MailLine s={mail} t={t} />}
            </li>
          );
        })}
        {p.pendingList.map(([id, x]) => <li key={id} class="m agent pending"><div class="text">{x.body}</div></li>)}
        {p.typing && <li class="typing">{t.visitor} {t.typing}</li>}
        {closed && <li class="m system"><div class="text">{t.closedNote}</div></li>}
      </ol>
      {!closed && (mineOrFree ? (
        <form class={'composer' + (internal ? ' internal' : '')} onSubmit={(e) => { e.preventDefault(); submit(); }}>
          <label class="internal-toggle"><input type="checkbox" checked={internal} onChange={(e) => setInternal((e.target as HTMLInputElement).checked)} /> {t.internal}</label>
          <textarea aria-label={t.reply} placeholder={t.reply} value={text} rows={2} maxLength={4000}
            onInput={(e) => {
              const v = (e.target as HTMLTextAreaElement).value;
              setText(v);
              p.setDraft(v);
              if (Date.now() - typingAt.current > 2000) { p.onTyping(true); typingAt.current = Date.now(); }
            }}
            onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); } }} />
          <button class="primary">{t.send}</button>
        </form>
      ) : <p class="taken-note">{t.takenBy} {c.assignee_name}</p>)}
    </main>
  );
}

// The live visitor list: who is on the tenants' sites now, where, with what in the cart.
function Visitors(p: { list: LiveVisitor[]; total: number; t: UiStrings; now: number; onOpen: (conv: number) => void; onStart: (visitor: number, body: string) => void; error: string; clearError: () => void }) {
  const { t } = p;
  const [starting, setStarting] = useState<number | null>(null);
  const [text, setText] = useState('');
  const list = [...p.list].sort((a, b) => a.since - b.since);
  return (
    <main class="visitors">
      <header><h1>{t.visitorsTitle} <span class="count">{Math.max(list.length, p.total)}</span></h1>
        {p.total > list.length && <p class="more">{t.visitorsShown.replace('{n}', String(list.length))}</p>}</header>
      {p.error && <p class="chat-error" role="alert" onClick={p.clearError}>{p.error}</p>}
      {list.length === 0 ? <p class="empty big">{t.visitorsNone}</p> : (
        <table>
          <thead><tr><th>{t.col_page}</th><th>{t.col_path}</th><th>{t.col_time}</th><th>{t.col_cart}</th><th>{t.col_lang}</th><th>{t.col_chat}</th></tr></thead>
          <tbody>
            {list.map((v) => (
              <tr key={v.id} data-visitor={v.id}>
                <td><strong class="vpage">{v.page.title || v.page.url}</strong>{v.page.category && <span class="tag">{v.page.category}</span>}<small>{v.site_name}{v.returning ? ' · ' + t.returning : ''}</small></td>
                <td class="vpath" title={v.path.map((x) => `${time(x.at)} ${x.title || x.url}`).join('\n')}>{v.pages} · {v.path.slice(-3).map((x) => x.title || x.url).join(' › ')}</td>
                <td>{minutes(p.now - v.since)}</td>
                <td>{v.cart && v.cart.cents > 0 ? <span class="cartv">{money(v.cart)} · {v.cart.items} {t.items}</span> : '–'}</td>
                <td>{v.lang}</td>
                <td>{v.conv ? <button class="ghost small" onClick={() => p.onOpen(v.conv!)}>{t.chatting}</button>
                  : starting === v.id ? (
                    <form class="start" onSubmit={(e) => { e.preventDefault(); if (text.trim()) { p.onStart(v.id, text.trim()); setStarting(null); setText(''); } }}>
                      <textarea aria-label={t.startMsg} placeholder={t.startMsg} rows={2} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
                      <div class="row-actions"><button type="button" class="ghost small" onClick={() => setStarting(null)}>{t.cancel}</button><button class="primary small">{t.startSend}</button></div>
                    </form>
                  ) : <button class="primary small" onClick={() => setStarting(v.id)}>{t.startChat}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

function Context({ c, t, ctx }: { c: Conversation; t: UiStrings; ctx?: VisitorContext }) {
  const rows: [string, any][] = [
    ...(c.contact_name ? [[t.name, c.contact_name] as [string, any]] : []),
    ...(c.contact_email ? [[t.email, c.contact_email] as [string, any]] : []),
    [t.page, c.page ? <a href={c.page.url} target="_blank" rel="noreferrer noopener">{c.page.title || c.page.url}</a> : '–'],
    [t.tenant, c.tenant_name],
    [t.site, c.site_name],
    [t.status, (t as any)['st_' + c.status]],
    [t.agent, c.assignee_name || '–'],
    ...(c.team_name ? [[t.team, c.team_name] as [string, any]] : []),
    [t.origin, (t as any)['origin_' + c.origin] ?? c.origin],
    [t.started, new Date(c.created_at).toLocaleString()],
    ...(ctx ? [
      [t.lang, ctx.lang],
      [t.returning, ctx.returning ? t.yes : t.no],
      [t.cart, ctx.cart && ctx.cart.cents > 0 ? `${money(ctx.cart)} · ${ctx.cart.items} ${t.items}` : '–'],
    ] as [string, any][] : []),
    ...(c.signals?.length ? [[t.signals, c.signals.map((x) => signalText(x, t)).join(', ')] as [string, any]] : []),
  ];
  return (
    <aside class="ctx">
      <h2>{t.context} #{c.visitor}</h2>
      <dl>{rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
      {ctx && ctx.path.length > 0 && (
        <section class="path"><h3>{t.path}</h3>
          <ol>{ctx.path.map((x, i) => <li key={i}><time>{time(x.at)}</time> <a href={x.url} target="_blank" rel="noreferrer noopener">{x.title || x.url}</a>{x.category && <span class="tag">{x.category}</span>}</li>)}</ol>
        </section>
      )}
      {ctx && (
        <section class="earlier"><h3>{t.earlier}</h3>
          {ctx.earlier.length ? <ul>{ctx.earlier.map((e) => <li key={e.id}><span>{new Date(e.created_at).toLocaleDateString()}</span> {(t as any)['origin_' + e.origin] ?? e.origin}{e.preview && <q>{e.preview}</q>}</li>)}</ul>
            : <p class="empty">{t.earlierNone}</p>}
        </section>
      )}
    </aside>
  );
}

function App() {
  const [lang, setLangState] = useState<UiLang>(() => (localStorage.getItem('tiski:lang') as UiLang) || (navigator.language.startsWith('en') ? 'en' : 'fi'));
  const setLang = (l: UiLang) => { localStorage.setItem('tiski:lang', l); setLangState(l); document.documentElement.lang = l; };
  const t = useMemo(() => ui(lang), [lang]);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    api('/api/me').then(async (r) => setMe(r.ok ? await r.json() : null)).catch(() => setMe(null));
  }, []);
  if (me === undefined) return null;
  if (!me) return <Login t={t} onLogin={setMe} />;
  return <Console me={me} t={t} lang={lang} setLang={setLang} onLogout={async () => { await api('/api/logout', undefined, me.csrf); setMe(null); }} />;
}

render(<App />, document.getElementById('app')!);
