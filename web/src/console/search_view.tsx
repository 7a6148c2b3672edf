// Transcript search (docs/desk.md): words in any inflection, filters, the newest matching
// conversations first with the matching words marked; a result opens the transcript.
import { useRef, useState } from 'preact/hooks';
import type { AgentPresence, Conversation, Outcome, TenantRole } from '../protocol.gen';
import { ORIGIN_VALUES } from '../protocol.gen';
import type { UiStrings } from './i18n';
import { call, errorText } from './desk';
import { dateTime, originText, outcomeText, who } from './format';
import { TenantTag } from './desk_view';

export type Hit = { id: number; conv: Conversation; seq: number; at: number; author: string; author_name: string; snippet: string[] };

const ORIGINS = ORIGIN_VALUES;  // every channel: chat, invitation, agent-started, form, email, API
const OUTCOMES: Outcome[] = ['sale', 'lead', 'redirected', 'resolved', 'none', 'spam'];

// A local date (yyyy-mm-dd) as the milliseconds of its start; `end`: of the next day's start.
const dayMs = (d: string, end: boolean) => {
  if (!d) return 0;
  const [y, m, day] = d.split('-').map(Number);
  return new Date(y, m - 1, day + (end ? 1 : 0)).getTime();
};

// The snippet's parts: odd places are the matching words.
export const Snippet = ({ parts }: { parts: string[] }) => (
  <>{parts.map((p, i) => (i % 2 ? <mark key={i}>{p}</mark> : <span key={i}>{p}</span>))}</>
);

export function SearchPage(p: { t: UiStrings; tenants: TenantRole[]; agents: AgentPresence[]; onOpen: (c: Conversation) => void }) {
  const { t } = p;
  const [q, setQ] = useState('');
  const [f, setF] = useState({ tenant: '', agent: '', origin: '', outcome: '', tag: '', from: '', to: '' });
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const since = useRef(0);  // when the first page was asked for
  const params = (before?: number) => {
    const u = new URLSearchParams({ q });
    for (const k of ['tenant', 'agent', 'origin', 'outcome', 'tag'] as const) if (f[k]) u.set(k, f[k]);
    if (f.from) u.set('from', String(dayMs(f.from, false)));
    // A later page is read as of the first (`since`): lines written since would hide their
    // conversations from it (the server skips those with a match above the cursor).
    const to = f.to ? dayMs(f.to, true) : Infinity;
    if (before && since.current) u.set('to', String(Math.min(to, since.current)));
    else if (f.to) u.set('to', String(to));
    if (before) u.set('before', String(before));
    return u.toString();
  };
  const run = async (before?: number) => {
    if (!q.trim()) return;
    setBusy(true);
    if (!before) since.current = Date.now();
    const r = await call('GET', '/api/search?' + params(before));
    setBusy(false);
    if (!r.ok) { setError(errorText(r, t.sr_failed)); if (!before) setHits(null); return; }  // no stale hits under it
    setError('');
    setHits(before ? [...(hits ?? []), ...r.body.hits] : r.body.hits);
    setNext(r.body.next);
  };
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  return (
    <main class="search-page">
      <header><h1>{t.sr_title}</h1></header>
      <form class="search-form" role="search" onSubmit={(e) => { e.preventDefault(); void run(); }}>
        <div class="search-row">
          <input type="search" aria-label={t.sr_title} placeholder={t.sr_placeholder} value={q} maxLength={200}
            onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
          <button class="primary" disabled={busy}>{t.sr_button}</button>
        </div>
        <div class="search-filters">
          {p.tenants.length > 1 && <select aria-label={t.tenant} value={f.tenant} onChange={set('tenant')}>
            <option value="">{t.sr_allTenants}</option>
            {p.tenants.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
          </select>}
          <select aria-label={t.agent} value={f.agent} onChange={set('agent')}>
            <option value="">{t.sr_anyAgent}</option>
            {[...p.agents].sort((a, b) => a.name.localeCompare(b.name)).map((a) => <option key={a.agent} value={a.agent}>{a.name}</option>)}
          </select>
          <select aria-label={t.origin} value={f.origin} onChange={set('origin')}>
            <option value="">{t.sr_anyOrigin}</option>
            {ORIGINS.map((o) => <option key={o} value={o}>{originText(o, t)}</option>)}
          </select>
          <select aria-label={t.sr_outcome} value={f.outcome} onChange={set('outcome')}>
            <option value="">{t.sr_anyOutcome}</option>
            {OUTCOMES.map((o) => <option key={o} value={o}>{outcomeText(o, t)}</option>)}
          </select>
          <input aria-label={t.sr_tag} placeholder={t.sr_tag} value={f.tag} maxLength={40} onInput={set('tag')} />
          <label>{t.sr_from} <input type="date" value={f.from} onInput={set('from')} /></label>
          <label>{t.sr_to} <input type="date" value={f.to} onInput={set('to')} /></label>
        </div>
        <p class="hint">{t.sr_hint}</p>
      </form>
      {error && <p class="chat-error" role="alert">{error}</p>}
      {hits && (hits.length === 0 ? <p class="empty big" role="status">{t.sr_none}</p> : (
        <ul class="search-hits" aria-label={t.sr_title}>
          {hits.map((h) => (
            <li key={h.id}>
              <button class="item" data-conv={h.conv.id} onClick={() => p.onOpen(h.conv)}>
                <div class="row"><strong><bdi>{who(h.conv, t)}</bdi></strong><span class="when">{dateTime(h.at)}</span></div>
                <div class="tags"><TenantTag id={h.conv.tenant} name={h.conv.tenant_name} /><bdi class="site">{h.conv.site_name}</bdi>
                  {h.conv.assignee_name && <span>· <bdi>{h.conv.assignee_name}</bdi></span>}
                  {h.conv.outcome && <span class="tag">{outcomeText(h.conv.outcome as Outcome, t)}</span>}</div>
                <p class="snippet"><span class="by">{h.author === 'visitor' ? t.visitor : h.author === 'note' ? t.note : h.author_name}:</span> <bdi><Snippet parts={h.snippet} /></bdi></p>
              </button>
            </li>
          ))}
        </ul>
      ))}
      {next != null && hits && hits.length > 0 && <button class="ghost more-btn" disabled={busy} onClick={() => void run(next)}>{t.loadMore}</button>}
    </main>
  );
}
