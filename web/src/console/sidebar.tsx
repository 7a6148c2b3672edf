// The console's sidebar: who I am and my availability, the connection, the views (live visitors,
// recent conversations, reports), the lists of conversations (waiting, mine, inbox, others), my
// colleagues and the footer.
import { useState } from 'preact/hooks';
import type { AgentClientFrame, AgentPresence, Conversation } from '../protocol.gen';
import type { UiLang, UiStrings } from './i18n';
import type { Me } from './api';
import { isInbox, type ConsoleModel, type SideList } from './model';
import * as alerts from './alerts';
import { ago, byPresence, clock, originText, presenceText, signalText, tenantLine, time, when, who } from './format';
import { Bell, Boundary, Countdown, Due, Env, Langs } from './ui';
import { OfflineAgents, supervisesAny } from './live_view';
import { managesAny } from './admin_view';
import { Preview } from './files_view';
import { OutcomeBadges } from './outcome_view';
import { TenantTag } from './desk_view';

export type View = 'chat' | 'visitors' | 'recent' | 'reports' | 'desk' | 'search' | 'quality' | 'live' | 'admin';

type ListProps = { m: ConsoleModel; t: UiStrings; me: number; now: number; view: View; open: (id: number) => void };

function Item({ c, m, t, me, now, view, open }: ListProps & { c: Conversation }) {
  const unread = m.unread.get(c.id) ?? 0;
  const isNew = m.fresh.has(c.id);
  const offline = isInbox(c);
  const name = who(c, t);
  return (
    <li>
      <button class={'item' + (c.id === m.selected && view === 'chat' ? ' sel' : '') + (unread || isNew ? ' unread' : '') + (offline ? ' offline' : '') + (c.signals?.length ? ' buy' : '')}
        onClick={() => open(c.id)} data-conv={c.id}>
        <div class="row">
          {offline ? <Env /> : c.contact_email && <Env label={t.byEmail} />}
          <strong><bdi>{name}</bdi></strong>
          {isNew && <span class="tag new">{t.newTag}</span>}
          {c.status === 'closed' && <span class="tag off">{t.st_closed}</span>}
          {c.visitor_left_at && <span class="tag left" title={`${t.visitorLeftTitle} ${when(c.visitor_left_at)}`}>{t.visitorLeft}</span>}
          {c.status !== 'waiting' ? <span class="when">{time(c.last_at)}</span>
            : offline ? <span class="age" title={`${t.waitedSince} ${when(c.created_at)}`}>{ago(now - c.created_at, t)}</span>
            : <span class="wait" title={t.waited}>{clock(now - c.created_at)}</span>}
          {unread > 0 && <span class="badge" aria-label={t.unread.replace('{n}', String(unread))}>{unread}</span>}
        </div>
        {c.assignee === me && c.answer_by && <Countdown by={c.answer_by} now={now} t={t} />}
        {c.due_at && c.status !== 'closed' && <Due at={c.due_at} now={now} t={t} />}
        {c.contact_email && c.contact_email !== name && <div class="contact"><bdi>{c.contact_email}</bdi></div>}
        <div class="tags"><OutcomeBadges c={c} t={t} />{offline && c.status !== 'waiting' && <span class="tag off">{c.origin === 'offline' ? t.offlineMsg : originText(c.origin, t)}</span>}{c.signals?.length ? <span class="tag buy" title={c.signals.map((x) => signalText(x, t)).join(', ')}>€ {t.signals}</span> : null}{c.origin === 'proactive' && <span class="tag pro">{t.origin_proactive}</span>}{c.team_name && <span class="tag team">{t.team}: <bdi>{c.team_name}</bdi></span>}<TenantTag id={c.tenant} name={c.tenant_name} /><bdi class="site">{c.site_name}</bdi></div>
        {c.page && !offline && <div class="page"><bdi>{c.page.title || c.page.url}</bdi></div>}
        {c.preview && <Preview text={c.preview} />}
      </button>
    </li>
  );
}

function Section(p: ListProps & { name: SideList; title: string; empty?: string; icon?: boolean; onMore: () => void }) {
  const { m, t, name, icon } = p;
  const list = m.list(name);
  return (
    <section data-list={name} class={icon ? 'inbox' : undefined}>
      <h2>{icon && <Env />}{p.title} <span class="count">{m.count(name)}</span></h2>
      {list.length ? <ul>{list.map((c) => <Item key={c.id} c={c} m={m} t={t} me={p.me} now={p.now} view={p.view} open={p.open} />)}</ul> : <p class="empty">{p.empty ?? t.none}</p>}
      {m.next.has(name) && <button class="link more-link" onClick={p.onMore}>{t.loadMore}</button>}
    </section>
  );
}

// My availability and load, and the switch between online and away.
// Without a connection what it last said is not known to hold: it says so, and the switch waits.
function PresenceBar({ m, t, me, send, online }: { m: ConsoleModel; t: UiStrings; me: number; send: (f: AgentClientFrame) => void; online: boolean }) {
  const p = m.presence.get(me);
  if (!p) return null;
  return (
    <div class="presence-bar">
      <span class={'pdot ' + (online ? p.status : 'offline')} />
      <span class="pstatus">{online ? `${presenceText(p.status, t)} · ${p.active}/${p.capacity}` : t.noConnection}</span>
      <button class="ghost small" disabled={!online} onClick={() => send({ t: 'status', status: p.status === 'online' ? 'away' : 'online' })}>
        {p.status === 'online' ? t.setAway : t.setOnline}
      </button>
    </div>
  );
}

export function Sidebar(p: Omit<ListProps, 'me'> & {
  me: Me; online: boolean; liveTotal: number; lang: UiLang; setLang: (l: UiLang) => void;
  setView: (v: View) => void; send: (f: AgentClientFrame) => void; onLogout: () => void;
}) {
  const { m, t, me, online, view, setView, send } = p;
  const [muted, setMuted] = useState(alerts.muted());
  const [notifyState, setNotifyState] = useState(alerts.notifyState());
  const lists = { m, t, me: me.agent.id, now: p.now, view, open: p.open };
  const more = (name: SideList) => () => send({ t: 'list', which: name, after: m.next.get(name) });
  return (
    <aside class="side" aria-label={t.sideLabel}>
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
        <div class="who-am-i"><strong><bdi>{me.agent.name}</bdi></strong><small title={me.tenants.length > 2 ? me.tenants.map((x) => x.name).join(', ') : undefined}><bdi>{tenantLine(me.tenants.map((x) => x.name), t)}</bdi></small></div>
      </div>
      <PresenceBar m={m} t={t} me={me.agent.id} send={send} online={online} />
      {!online && <p class="banner">{t.reconnecting}</p>}
      {notifyState === 'default' && (
        <button class="notify-ask" onClick={async () => setNotifyState(await alerts.askToNotify())}>{t.notifyAsk}</button>
      )}
      <nav class="views">
        <button class={'visitors-link' + (view === 'visitors' ? ' sel' : '')} onClick={() => setView('visitors')}>
          <span>{t.visitorsNow}</span><span class="count">{p.liveTotal}</span>
        </button>
        <button class={'visitors-link' + (view === 'recent' ? ' sel' : '')} onClick={() => setView('recent')}>
          <span>{t.recent}</span>
        </button>
        <button class={'visitors-link reports-link' + (view === 'reports' ? ' sel' : '')} onClick={() => setView('reports')}>
          <span>{t.reports}</span>
          <svg class="chart" viewBox="0 0 24 24" aria-hidden="true"><path d="M5 20V11M12 20V5M19 20v-6" /></svg>
        </button>
        <button class={'visitors-link search-link' + (view === 'search' ? ' sel' : '')} onClick={() => setView('search')}>
          <span>{t.sr_nav}</span><svg class="chart" viewBox="0 0 24 24" aria-hidden="true"><circle cx="10.5" cy="10.5" r="6" /><path d="M15 15l5 5" /></svg>
        </button>
        <button class={'visitors-link desk-link' + (view === 'desk' ? ' sel' : '')} onClick={() => setView('desk')}>
          <span>{t.dk_nav}</span><span class="cmd" aria-hidden="true">/</span>
        </button>
        <button class={'visitors-link quality-link' + (view === 'quality' ? ' sel' : '')} onClick={() => setView('quality')}>
          <span>{t.q_title}</span><svg class="chart" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3l2.6 5.6 6 .7-4.5 4.1 1.2 6L12 16.5 6.7 19.4l1.2-6L3.4 9.3l6-.7z" stroke-linejoin="round" /></svg>
        </button>
        {supervisesAny(me.tenants) && <button class={'visitors-link live-link' + (view === 'live' ? ' sel' : '')} onClick={() => setView('live')}>
          <span>{t.lv_title}</span><span class="count">{m.count('waiting')}</span>
        </button>}
        <button class={'visitors-link admin-link' + (view === 'admin' ? ' sel' : '')} onClick={() => setView('admin')}>
          <span>{managesAny(me.tenants, !!me.agent.owner) ? t.ad_title : t.ad_account}</span>
          <svg class="chart" viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="3.2" /><path d="M12 2.8v3M12 18.2v3M2.8 12h3M18.2 12h3M5.5 5.5l2.1 2.1M16.4 16.4l2.1 2.1M5.5 18.5l2.1-2.1M16.4 7.6l2.1-2.1" /></svg>
        </button>
      </nav>
      <Boundary t={t} name="lists">
        <div class="lists">
          {/* Mine first: the chats waiting for my answer (a few, with their countdowns) above the
              queue, which can be long (its count stays in its heading). */}
          <Section {...lists} name="mine" title={t.mine} onMore={more('mine')} />
          <Section {...lists} name="waiting" title={t.waiting} onMore={more('waiting')} />
          <Section {...lists} name="inbox" title={t.inbox} empty={t.inboxNone} icon onMore={more('inbox')} />
          {m.list('others').length > 0 && <Section {...lists} name="others" title={t.others} onMore={more('others')} />}
          <section data-list="agents">
            <h2>{t.agents}</h2>
            <AgentList t={t} agents={[...m.presence.values()]} />
          </section>
        </div>
      </Boundary>
      <div class="foot">
        <Langs lang={p.lang} setLang={p.setLang} />
        <button class="link" onClick={p.onLogout}>{t.logout}</button>
      </div>
    </aside>
  );
}

// Colleagues signed in (and anyone offline still holding chats) by presence; the others folded
// into one line that opens to their names: an owner of a hundred companies has hundreds.
function AgentList({ t, agents }: { t: UiStrings; agents: AgentPresence[] }) {
  const sorted = agents.sort(byPresence);
  const shown = sorted.filter((x) => x.status !== 'offline' || x.active > 0);
  const folded = sorted.filter((x) => x.status === 'offline' && x.active === 0);
  return (
    <>
      <ul class="agents">
        {shown.map((x) => (
          <li key={x.agent}><span class={'pdot ' + x.status} title={presenceText(x.status, t)} /> <bdi>{x.name}</bdi><span class="load">{x.active}/{x.capacity}</span></li>
        ))}
      </ul>
      <OfflineAgents t={t} agents={folded} />
    </>
  );
}
