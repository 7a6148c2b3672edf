// Quality review (docs/desk.md): the review queue of flagged conversations, an agent's weekly
// trend and latest reviews, the review panel beside a closed chat (flags, scores, comment), and
// the suggested replies above the composer.
import { useEffect, useState } from 'preact/hooks';
import type { Conversation, TenantRole } from '../protocol.gen';
import type { UiStrings } from './i18n';
import { call, errorText } from './desk';
import { dateTime, day, who } from './format';
import { TenantTag } from './desk_view';
import { fill, type Vars } from './canned';

export const SCORES = ['reachability', 'efficiency', 'atmosphere', 'sales'] as const;
export const FLAGS = ['slow_reply', 'left_waiting', 'signal_not_acted', 'no_question', 'rude_word'] as const;
type Score = (typeof SCORES)[number];
type Flags = { flags: string[]; detail: Record<string, Record<string, unknown>>; closed_at: number };
type Review = Record<Score, number> & { comment: string; reviewer_name: string; at: number; conv: number; agent: number | null };
type Week = { start: number; count: number; average?: number } & Partial<Record<Score, number>>;

const scoreText = (s: Score, t: UiStrings) => t[`q_${s}` as keyof UiStrings];
export const flagText = (f: string, t: UiStrings) => (t as Record<string, string>)[`q_flag_${f}`] ?? f;
const supervises = (tenants: TenantRole[], id: number) => tenants.some((x) => x.id === id && x.role !== 'agent');

// What triggered a flag, in a few words: the slowest reply, the rude word.
function flagDetail(f: string, d: Record<string, unknown> | undefined): string {
  if (!d) return '';
  if (f === 'slow_reply' && typeof d.slowest_ms === 'number') return `${Math.round(d.slowest_ms / 1000)} s`;
  if (f === 'rude_word' && typeof d.word === 'string') return `“${d.word}”`;
  return '';
}

export const FlagChips = ({ flags, t }: { flags: Flags; t: UiStrings }) => (
  <span class="flag-chips">{flags.flags.map((f) => {
    const more = flagDetail(f, flags.detail[f]);
    return <span key={f} class={'flag ' + f}>{flagText(f, t)}{more && <> · <bdi>{more}</bdi></>}</span>;
  })}</span>
);

// Beside a chat: its flags, its review, and for supervisors the form to score it once closed.
export function ReviewPanel({ c, t, may, csrf }: { c: Conversation; t: UiStrings; may: boolean; csrf: string }) {
  const [data, setData] = useState<{ flags: Flags | null; review: Review | null } | null>(null);
  const [form, setForm] = useState<Record<Score, number>>({ reachability: 0, efficiency: 0, atmosphere: 0, sales: 0 });
  const [comment, setComment] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    if (c.status !== 'closed') return;
    let live = true;
    void call('GET', `/api/conversations/${c.id}/review`).then((r) => {
      if (!live || !r.ok) return;
      setData(r.body);
      if (r.body.review) {
        setForm({ reachability: r.body.review.reachability, efficiency: r.body.review.efficiency, atmosphere: r.body.review.atmosphere, sales: r.body.review.sales });
        setComment(r.body.review.comment);
      }
    });
    return () => { live = false; };
  }, [c.id, c.status]);
  if (c.status !== 'closed') return may ? <section class="review"><h3>{t.q_review}</h3><p class="empty">{t.q_notYet}</p></section> : null;
  if (!data) return null;
  if (!may && !data.review) return null;
  const save = async (e: Event) => {
    e.preventDefault();
    setNote('');
    const r = await call('PUT', `/api/conversations/${c.id}/review`, { ...form, comment }, csrf);
    if (!r.ok) { setError(errorText(r, t.q_failed)); return; }
    setError('');
    setData(r.body);
    setNote(t.q_saved);
    if (c.assignee != null) lastReviewed = c.assignee;  // the quality page's trend shows them next
  };
  return (
    <section class="review" aria-label={t.q_review}>
      <h3>{t.q_review}</h3>
      {data.flags && (data.flags.flags.length ? <FlagChips flags={data.flags} t={t} /> : <p class="empty">{t.q_noFlags}</p>)}
      {data.review && <p class="reviewed">{t.q_by} <bdi>{data.review.reviewer_name}</bdi> · {dateTime(data.review.at)}</p>}
      {may ? (
        <form class="review-form" onSubmit={save}>
          {SCORES.map((s) => (
            <fieldset key={s} class="score">
              <legend>{scoreText(s, t)}</legend>
              {[1, 2, 3, 4, 5].map((n) => (
                <label key={n}><input type="radio" name={`score-${s}`} value={n} checked={form[s] === n}
                  onChange={() => setForm({ ...form, [s]: n })} /><span>{n}</span></label>
              ))}
            </fieldset>
          ))}
          <label class="comment">{t.q_comment}
            <textarea rows={2} maxLength={2000} value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} /></label>
          {error && <p class="chat-error" role="alert">{error}</p>}
          <div class="row-actions">{note && <span role="status" class="saved-note">{note}</span>}
            <button class="primary" disabled={SCORES.some((s) => !form[s])}>{t.q_save}</button></div>
        </form>
      ) : data.review && (
        <dl class="scores">{SCORES.map((s) => <div key={s}><dt>{scoreText(s, t)}</dt><dd>{data.review![s]} / 5</dd></div>)}
          {data.review.comment && <div><dt>{t.q_comment}</dt><dd><bdi>{data.review.comment}</bdi></dd></div>}</dl>
      )}
    </section>
  );
}

type Item = Flags & { conv: Conversation };

// The quality page: the review queue (supervisors), an agent's trend and latest reviews, and
// how often suggested replies were taken.
type Member = { id: number; name: string };

// The agent whose chat was reviewed last in this console: the trend opens on them (it opened on
// the supervisor, who had reviewed someone else, and said "no reviews yet").
let lastReviewed: number | null = null;

export function QualityPage(p: { t: UiStrings; tenants: TenantRole[]; me: number; onOpen: (c: Conversation) => void }) {
  const { t } = p;
  const supervised = p.tenants.filter((x) => x.role !== 'agent');
  const [tenant, setTenant] = useState((supervised[0] ?? p.tenants[0])?.id ?? 0);
  const [flag, setFlag] = useState('');
  const [items, setItems] = useState<Item[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [total, setTotal] = useState<{ n: number; capped: boolean } | null>(null);  // the backlog
  const may = supervises(p.tenants, tenant);
  const [agent, setAgent] = useState(lastReviewed ?? p.me);
  // The trend is one agent's of the chosen tenant: its members (an owner is often none of them),
  // me first if I am one.
  const [members, setMembers] = useState<Member[]>([]);
  useEffect(() => {
    if (!may) return;
    void call('GET', `/api/tenants/${tenant}/agents`).then((r) => {
      const list: Member[] = r.ok ? r.body.agents : [];
      setMembers(list);
      setAgent((a) => (list.some((m) => m.id === a) ? a : list.some((m) => m.id === p.me) ? p.me : list[0]?.id ?? p.me));
    });
  }, [tenant, may]);
  const load = async (before?: string) => {
    const u = new URLSearchParams({ tenant: String(tenant) });
    if (flag) u.set('flag', flag);
    if (before) u.set('before', before);
    const r = await call('GET', '/api/reviews/queue?' + u.toString());
    if (!r.ok) { setError(errorText(r, t.q_failed)); return; }
    setError('');
    setItems(before ? [...(items ?? []), ...r.body.items] : r.body.items);
    setNext(r.body.next);
    if (!before && typeof r.body.total === 'number') setTotal({ n: r.body.total, capped: !!r.body.total_capped });
  };
  useEffect(() => { if (may) void load(); }, [tenant, flag]);
  return (
    <main class="quality-page">
      <header><h1>{t.q_title}</h1>
        {p.tenants.length > 1 && <select aria-label={t.tenant} value={tenant} onChange={(e) => setTenant(Number((e.target as HTMLSelectElement).value))}>
          {p.tenants.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}</select>}
      </header>
      {may ? (
        <section class="queue-section">
          <div class="section-head"><h2>{t.q_queue}{total && <span class="count" title={t.q_backlog}>{new Intl.NumberFormat(document.documentElement.lang || 'fi').format(total.n)}{total.capped ? '+' : ''}</span>}</h2>
            <select aria-label={t.q_anyFlag} value={flag} onChange={(e) => setFlag((e.target as HTMLSelectElement).value)}>
              <option value="">{t.q_anyFlag}</option>
              {FLAGS.map((f) => <option key={f} value={f}>{flagText(f, t)}</option>)}
            </select></div>
          <p class="hint">{t.q_queueHint}</p>
          {error && <p class="chat-error" role="alert">{error}</p>}
          {items && (items.length === 0 ? <p class="empty" role="status">{t.q_empty}</p> : (
            <ul class="review-queue" aria-label={t.q_queue}>
              {items.map((x) => (
                <li key={x.conv.id}>
                  <button class="item" data-conv={x.conv.id} onClick={() => p.onOpen(x.conv)}>
                    <div class="row"><strong><bdi>{who(x.conv, t)}</bdi></strong><span class="when">{dateTime(x.closed_at)}</span></div>
                    <div class="tags"><TenantTag id={x.conv.tenant} name={x.conv.tenant_name} />{x.conv.assignee_name && <span>· <bdi>{x.conv.assignee_name}</bdi></span>}</div>
                    <FlagChips flags={x} t={t} />
                  </button>
                </li>
              ))}
            </ul>
          ))}
          {next && <button class="ghost more-btn" onClick={() => void load(next)}>{t.loadMore}</button>}
        </section>
      ) : <p class="hint">{t.q_agentsOnly}</p>}
      <Trend t={t} tenant={tenant} agent={may ? agent : p.me} agents={may ? members : []} setAgent={setAgent} />
      <SuggestionStats t={t} tenant={tenant} />
    </main>
  );
}

// An agent's weekly averages as bars (1–5), with the counts, and their latest reviews.
function Trend(p: { t: UiStrings; tenant: number; agent: number; agents: Member[]; setAgent: (a: number) => void }) {
  const { t } = p;
  const [weeks, setWeeks] = useState<Week[]>([]);
  const [reviews, setReviews] = useState<Review[]>([]);
  useEffect(() => {
    if (!p.tenant || !p.agent) return;
    let current = true;  // an answer for the agent chosen before is dropped
    void call('GET', `/api/tenants/${p.tenant}/reviews/trend?agent=${p.agent}&weeks=12`).then((r) => current && setWeeks(r.ok ? r.body.weeks : []));
    void call('GET', `/api/tenants/${p.tenant}/reviews?agent=${p.agent}`).then((r) => current && setReviews(r.ok ? r.body.reviews : []));
    return () => { current = false; };
  }, [p.tenant, p.agent]);
  const any = weeks.some((w) => w.count > 0);
  return (
    <section class="trend-section">
      <div class="section-head"><h2>{t.q_trend}</h2>
        {p.agents.length > 0 && <select aria-label={t.agent} value={p.agent} onChange={(e) => p.setAgent(Number((e.target as HTMLSelectElement).value))}>
          {[...p.agents].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true })).map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}</select>}</div>
      <p class="hint">{t.q_trendHint}</p>
      {!any ? <p class="empty" role="status">{t.q_noReviews}</p> : (
        <table class="trend">
          <thead><tr><th>{t.q_week}</th><th>{t.q_count}</th><th>{t.q_average}</th>{SCORES.map((s) => <th key={s}>{scoreText(s, t)}</th>)}</tr></thead>
          <tbody>{weeks.filter((w) => w.count > 0).reverse().map((w) => (
            <tr key={w.start}>
              <td>{day(w.start)}–{day(w.start + 7 * 86_400_000 - 1)}</td><td>{w.count}</td>
              <td><span class="bar" style={{ width: `${((w.average ?? 0) / 5) * 100}%` }} /><span class="num">{(w.average ?? 0).toFixed(1)}</span></td>
              {SCORES.map((s) => <td key={s}>{(w[s] ?? 0).toFixed(1)}</td>)}
            </tr>
          ))}</tbody>
        </table>
      )}
      {reviews.length > 0 && (
        <><h3>{t.q_recent}</h3>
          <ul class="review-list">{reviews.slice(0, 10).map((r) => (
            <li key={r.conv}><span class="when">{dateTime(r.at)}</span> {SCORES.map((s) => <span key={s} class="mini" title={scoreText(s, t)}>{scoreText(s, t)} {r[s]}</span>)}
              {r.comment && <q><bdi>{r.comment}</bdi></q>}</li>
          ))}</ul></>
      )}
    </section>
  );
}

function SuggestionStats({ t, tenant }: { t: UiStrings; tenant: number }) {
  const [s, setS] = useState<{ offered: number; used: number; rate: number | null } | null>(null);
  useEffect(() => { if (tenant) void call('GET', `/api/tenants/${tenant}/suggestions/stats?days=30`).then((r) => setS(r.ok ? r.body : null)); }, [tenant]);
  if (!s) return null;
  return (
    <section class="suggest-stats"><h2>{t.q_suggestStats}</h2>
      <p><strong>{s.offered}</strong> {t.q_offered} · <strong>{s.used}</strong> {t.q_used}{s.rate != null && <> · <strong>{Math.round(s.rate * 100)} %</strong></>}</p>
    </section>
  );
}

type Suggestion = { kind: 'canned' | 'reply'; text: string; canned?: number; conv?: number; question?: string };

// Up to three replies to the visitor's last line, read again when a new visitor line arrives;
// one click puts it in the composer (canned texts with their variables filled).
export function Suggestions(p: { conv: number; seq: number; t: UiStrings; lang?: string; vars: Vars; csrf: string; onUse: (text: string) => void }) {
  const { t } = p;
  const [list, setList] = useState<Suggestion[]>([]);
  const [answers, setAnswers] = useState(0);  // the visitor line they answer
  useEffect(() => {
    if (!p.seq) { setList([]); return; }
    let live = true;
    void call('GET', `/api/conversations/${p.conv}/suggestions`).then((r) => {
      if (!live) return;
      setList(r.ok ? r.body.suggestions : []);
      setAnswers(r.ok ? r.body.seq : 0);
    });
    return () => { live = false; };
  }, [p.conv, p.seq]);
  if (!list.length) return null;
  const lang = p.lang === 'sv' || p.lang === 'en' ? p.lang : 'fi';
  const textOf = (s: Suggestion) => (s.kind === 'canned' ? fill(s.text, lang, p.vars) : s.text);
  return (
    <div class="suggestions" role="group" aria-label={t.sg_title}>
      <span class="sg-title">{t.sg_title}</span>
      {list.map((s, i) => (
        <button key={i} type="button" class="suggestion" title={s.question ? `${t.sg_reply}: “${s.question}”` : t.sg_canned}
          onClick={() => { p.onUse(textOf(s)); void call('POST', `/api/conversations/${p.conv}/suggestions/used`, { seq: answers }, p.csrf); }}>
          <span class="sg-kind">{s.kind === 'canned' ? t.sg_canned : t.sg_reply}</span>
          <span class="sg-text"><bdi>{textOf(s)}</bdi></span>
        </button>
      ))}
    </div>
  );
}
