// The supervisor's live view (docs/desk.md): who is waiting and for how long, every agent of my
// tenants with their status, load and chats. Any chat opens read-only with a whisper box and a
// take-over button (chat.tsx).
import type { ComponentChildren } from 'preact';
import type { AgentPresence, Conversation, TenantRole } from '../protocol.gen';
import type { UiStrings } from './i18n';
import { Preview } from './files_view';
import type { ConsoleModel } from './model';
import { byPresence, clock, presenceText, when, who } from './format';
import { TenantTag } from './desk_view';

export const supervisesAny = (tenants: TenantRole[]) => tenants.some((x) => x.role !== 'agent');

// `children`: more sections after the agents', in the same scrolling page (the blocks).
export function LivePage({ m, t, now, onOpen, onMore, children }: { m: ConsoleModel; t: UiStrings; now: number; onOpen: (c: Conversation) => void;
  onMore: () => void; children?: ComponentChildren }) {
  const waiting = [...m.list('waiting')].sort((a, b) => a.created_at - b.created_at);
  const active = [...m.convs.values()].filter((c) => c.status === 'active' && c.assignee != null);
  // Assigned but not yet answered (the queue is empty while a visitor waits on an agent): the
  // supervisor sees for how long (answer_by: a chat whose first answer is awaited).
  const unanswered = active.filter((c) => c.answer_by != null).length;
  // Offline colleagues with no chat get a name each in one folded line, not a card: a
  // supervisor of an outsourcing desk may have hundreds of them.
  const agents = [...m.presence.values()].sort(byPresence);
  const serving = new Set(active.map((c) => c.assignee));
  const carded = agents.filter((a) => a.status !== 'offline' || serving.has(a.agent));
  const folded = agents.filter((a) => a.status === 'offline' && !serving.has(a.agent));
  const Row = ({ c, wait }: { c: Conversation; wait?: boolean }) => (
    <li key={c.id}>
      <button class="item" data-conv={c.id} onClick={() => onOpen(c)}>
        <div class="row"><strong><bdi>{who(c, t)}</bdi></strong>
          {c.visitor_left_at ? <span class="tag left" title={`${t.visitorLeftTitle} ${when(c.visitor_left_at)}`}>{t.visitorLeft}</span>
            : wait ? <span class={'age' + (now - c.created_at > 60_000 ? ' late' : '')}>{t.lv_waited} {clock(now - c.created_at)}</span>
            : c.answer_by != null && <span class={'age' + (now - c.created_at > 30_000 ? ' late' : '')}>{t.lv_unanswered} {clock(now - c.created_at)}</span>}</div>
        <div class="tags"><TenantTag id={c.tenant} name={c.tenant_name} /><bdi class="site">{c.site_name}</bdi></div>
        {c.preview && <Preview text={c.preview} />}
      </button>
    </li>
  );
  return (
    <main class="live-page">
      <header><h1>{t.lv_title}</h1></header>
      <p class="hint">{t.lv_hint}</p>
      <section class="live-queue">
        {/* the whole queue's count (the list holds the pages loaded so far) */}
        <h2>{t.lv_queue} <span class="count">{m.count('waiting')}</span></h2>
        {waiting.length === 0 ? <p class="empty" role="status">{t.lv_noQueue}</p>
          : <ul class="live-list" aria-label={t.lv_queue}>{waiting.map((c) => <Row key={c.id} c={c} wait />)}</ul>}
        {m.next.has('waiting') && <button class="link more-link" onClick={onMore}>{t.loadMore}</button>}
      </section>
      <section class="live-agents">
        <h2>{t.lv_agents}{unanswered > 0 && <span class="age late"> {t.lv_unansweredCount.replace('{n}', String(unanswered))}</span>}</h2>
        {carded.length === 0 && <p class="empty">{t.lv_nobodyOn}</p>}
        <ul class="agent-cards">
          {carded.map((a) => {
            const chats = active.filter((c) => c.assignee === a.agent);
            return (
              <li key={a.agent} class="agent-card" data-agent={a.agent}>
                <div class="agent-head"><span class={'pdot ' + a.status} /><strong><bdi>{a.name}</bdi></strong>
                  <span class="pstatus">{presenceText(a.status, t)}</span>
                  <span class="load" title={t.chats}>{a.active}/{a.capacity}</span></div>
                <div class="loadbar" aria-hidden="true"><span style={{ width: `${Math.min(100, (a.active / Math.max(1, a.capacity)) * 100)}%` }} /></div>
                {chats.length === 0 ? <p class="empty">{t.lv_noChats}</p> : <ul class="live-list">{chats.map((c) => <Row key={c.id} c={c} />)}</ul>}
              </li>
            );
          })}
        </ul>
        <OfflineAgents t={t} agents={folded} />
      </section>
      {children}
    </main>
  );
}

// Colleagues offline with no chat: one folded line ("Offline 240") that opens to their names.
export function OfflineAgents({ t, agents }: { t: UiStrings; agents: AgentPresence[] }) {
  if (agents.length === 0) return null;
  return (
    <details class="offline-agents">
      <summary>{presenceText('offline', t)} <span class="count">{agents.length}</span></summary>
      <ul>{agents.map((a) => <li key={a.agent} data-agent={a.agent}><bdi>{a.name}</bdi></li>)}</ul>
    </details>
  );
}
