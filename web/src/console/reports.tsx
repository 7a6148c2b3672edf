// The Reports view, two tabs over the same tenant and period. Overview: a tenant's KPIs for a
// period (GET /api/tenants/{id}/reports/summary, docs/openapi.yaml), each against the period
// before, and per agent with a CSV download. Staffing (staffing.tsx): the Erlang C plan of
// GET /api/tenants/{id}/reports/staffing for a service-level target, supervisors and admins only.
// The Overview's sales parts are in report_sales.tsx and its charts in report_charts.tsx.
// Every figure is defined in docs/metrics.md; the logic that is not rendering is in
// report_format.ts, report_money.ts and staffing_format.ts.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ORIGIN_VALUES, type Origin } from '../protocol.gen';
import type { UiStrings } from './i18n';
import { api, type Me } from './api';
import { originText } from './format';
import { put } from './fill';
import {
  QUICK, QUICK_WEEKS, agentCsv, change, countText, credited, csvName, durationText, isDay, localToday, percentText, periodText,
  previousPeriod, quickOf, quickRange, reportQuery, sortAgents, unassigned,
  type AgentSummary, type Filters, type Quick, type Report, type Summary, type TargetRow,
} from './report_format';
import { csatCell, moneyText } from './report_money';
import { serverText } from './server_text';
import { MoneyTiles, OutcomesCard, SalesSections, TileRow, type Tile } from './report_sales';
import { DayChart, FirstResponse, HeatMap } from './report_charts';
import { ASK_DEFAULT, ASK_LIMITS, MODELS, askProblems, modelName, staffingQuery, type Ask, type Model, type Staffing } from './staffing_format';
import { StaffingBody } from './staffing';

type Props = { t: UiStrings; lang: string; me: Me; nameOf: (agent: number) => string };
type Load<T> = { state: 'loading' } | { state: 'error'; status: number; message: string } | { state: 'ok'; value: T };
type Tab = 'overview' | 'staffing';
const TABS: readonly Tab[] = ['overview', 'staffing'];

const fill = (s: string, key: 'n' | 't', v: string) => put(s, key, v);

// GET `url` while it is not null; the last answer stays while another tab is on screen, and the
// same url is asked again only on a refresh (`nonce`). `valid` takes a successful body apart.
function useReport<T>(url: string | null, nonce: number, valid: (body: any) => T | null, onOk: (v: T) => void, t: UiStrings) {
  const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
  const [busy, setBusy] = useState(true);
  const asked = useRef('');
  useEffect(() => {
    if (url === null) return;
    const key = `${nonce} ${url}`;
    if (key === asked.current) return;
    asked.current = key;
    let live = true;
    let done = false;
    setBusy(true);
    api(url)
      .then(async (r) => {
        const body = await r.json().catch(() => null);
        if (!live) return;
        const v = r.ok ? valid(body) : null;
        if (!v) {
          setLoad({ state: 'error', status: r.status, message: body?.error?.message ? serverText(body.error.message) : `HTTP ${r.status}` });
          return;
        }
        onOk(v);
        setLoad({ state: 'ok', value: v });
      })
      .catch(() => live && setLoad({ state: 'error', status: 0, message: t.networkError }))
      .finally(() => { done = true; if (live) setBusy(false); });
    return () => {
      live = false;
      if (!done) asked.current = '';  // cut off (another tab, other filters): ask again when back
    };
  }, [url, nonce]);
  return { load, busy };
}

export function Reports({ t, lang, me, nameOf }: Props) {
  const [tab, setTab] = useState<Tab>('overview');
  const [tenant, setTenant] = useState(me.tenants[0]?.id ?? 0);
  const [f, setF] = useState<Filters>({ from: '', to: '', origin: '' });  // '' = the server's default
  const [ask, setAsk] = useState<Ask>(ASK_DEFAULT);      // what the planner's inputs hold
  const [asked, setAsked] = useState<Ask>(ASK_DEFAULT);  // ...and what was asked (valid, after a pause in typing)
  const [today, setToday] = useState(localToday);
  const [tz, setTz] = useState('');  // the tenant's time zone, from the last report
  const [nonce, setNonce] = useState(0);  // a refresh asks again

  const problems = askProblems(ask);
  useEffect(() => {
    if (problems.length) return;
    const id = setTimeout(() => setAsked(ask), 450);
    return () => clearTimeout(id);
  }, [ask.target, ask.within, ask.cost, ask.model]);

  const seen = (to: string, zone: string) => {
    if (!f.to) setToday(to);  // the server's default ends today in the tenant's time zone
    setTz(zone);
  };
  const overview = useReport<Report>(tab === 'overview' ? `/api/tenants/${tenant}/reports/summary${reportQuery(f)}` : null, nonce,
    (b) => (b?.summary ? b as Report : null), (r) => seen(r.to, r.tz), t);
  const staffing = useReport<Staffing>(tab === 'staffing' ? `/api/tenants/${tenant}/reports/staffing${staffingQuery(f, asked)}` : null, nonce,
    (b) => (Array.isArray(b?.hours) ? b as Staffing : null), (s) => seen(s.to, s.tz), t);
  const cur = tab === 'overview' ? overview : staffing;
  // The staffing plan is a supervisor's (a plain agent's answer is 403): no tab to find that out.
  const tabs = me.tenants.find((x) => x.id === tenant)?.role === 'agent' ? TABS.filter((x) => x !== 'staffing') : TABS;
  useEffect(() => { if (!tabs.includes(tab)) setTab('overview'); }, [tenant]);
  const busy = cur.busy;
  const shown = cur.load.state === 'ok' ? cur.load.value : undefined;

  const from = f.from || shown?.from || '';
  const to = f.to || shown?.to || '';
  const role = me.tenants.find((x) => x.id === tenant)?.role;
  const tenantName = me.tenants.find((x) => x.id === tenant)?.name ?? '';
  const quick = tab === 'staffing' ? QUICK_WEEKS : QUICK;
  const active = from && to ? quickOf(from, to, today, quick) : undefined;
  const setDay = (which: 'from' | 'to', v: string) => { if (isDay(v)) setF({ ...f, from, to, [which]: v }); };
  const quickText: Record<Quick, string> = { '7d': t.rp_7d, '30d': t.rp_30d, month: t.rp_month, '4w': t.rp_4w, '8w': t.rp_8w, '12w': t.rp_12w };
  const tabText: Record<Tab, string> = { overview: t.rp_tabOverview, staffing: t.rp_tabStaffing };

  // The tabs: arrow keys, Home and End move between them (and show the one reached).
  const tabKey = (e: KeyboardEvent) => {
    const i = tabs.indexOf(tab);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const n = tabs[(next + tabs.length) % tabs.length];
    setTab(n);
    document.getElementById(`rp-tab-${n}`)?.focus();
  };

  const askField = (k: 'target' | 'within' | 'cost', label: string, unit: string, extra: { placeholder?: string; mode: 'numeric' | 'decimal' }) => {
    const l = ASK_LIMITS[k];
    const bad = problems.includes(k);
    return (
      <div class={'sf-ask' + (bad ? ' invalid' : '')}>
        <label class="field"><span>{label}</span>
          <span class="sf-unit">
            <input type="text" inputMode={extra.mode} value={ask[k]} placeholder={extra.placeholder} aria-invalid={bad}
              aria-describedby={bad ? `sf-bad-${k}` : undefined} maxLength={7}
              onInput={(e) => setAsk({ ...ask, [k]: (e.target as HTMLInputElement).value })} />
            <i aria-hidden="true">{unit}</i>
          </span>
        </label>
        {bad && <small id={`sf-bad-${k}`} class="sf-bad">{fill(t.sf_allowed, 'n', `${l.min}–${l.max}`)}</small>}
      </div>
    );
  };

  return (
    <main class="reports" aria-busy={busy}>
      <header class="rp-head">
        <div>
          <h1>{t.rp_title}</h1>
          <p class="rp-period">
            {tenantName && <><bdi>{tenantName}</bdi> · </>}
            {shown ? periodText(shown.from, shown.to, lang) : isDay(from) && isDay(to) && from <= to ? periodText(from, to, lang) : '…'}
            {busy && shown && <span class="rp-spinner" role="status" aria-label={t.rp_loading} />}
          </p>
        </div>
        <button type="button" class="ghost small rp-refresh" onClick={() => setNonce(nonce + 1)} disabled={busy}>
          <span aria-hidden="true">↻</span> {t.rp_refresh}
        </button>
        <div class="rp-tabs" role="tablist" aria-label={t.rp_views} onKeyDown={(e) => tabKey(e as unknown as KeyboardEvent)}>
          {tabs.map((x) => (
            <button key={x} type="button" role="tab" id={`rp-tab-${x}`} aria-selected={tab === x} aria-controls="rp-panel"
              tabIndex={tab === x ? 0 : -1} class={tab === x ? 'on' : ''} onClick={() => setTab(x)}>{tabText[x]}</button>
          ))}
        </div>
      </header>

      <div id="rp-panel" role="tabpanel" aria-labelledby={`rp-tab-${tab}`}>
        <form class="rp-filters" aria-label={t.rp_filters} onSubmit={(e) => e.preventDefault()}>
          {me.tenants.length > 1 && (
            <label class="field"><span>{t.tenant}</span>
              <select value={tenant} onChange={(e) => setTenant(Number((e.target as HTMLSelectElement).value))}>
                {me.tenants.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
              </select>
            </label>
          )}
          <div class="field"><span id="rp-quick">{t.rp_quick}</span>
            <div class="seg" role="group" aria-labelledby="rp-quick">
              {quick.map((q: Quick) => (
                <button key={q} type="button" class={active === q ? 'on' : ''} aria-pressed={active === q}
                  onClick={() => setF({ ...f, ...quickRange(q, today) })}>{quickText[q]}</button>
              ))}
            </div>
          </div>
          <label class="field"><span>{t.rp_from}</span>
            <input type="date" value={from} max={to || undefined} onChange={(e) => setDay('from', (e.target as HTMLInputElement).value)} />
          </label>
          <label class="field"><span>{t.rp_to}</span>
            <input type="date" value={to} min={from || undefined} onChange={(e) => setDay('to', (e.target as HTMLInputElement).value)} />
          </label>
          {tab === 'overview' ? (
            <label class="field"><span>{t.origin}</span>
              <select value={f.origin} onChange={(e) => setF({ ...f, from, to, origin: (e.target as HTMLSelectElement).value as Origin | '' })}>
                <option value="">{t.rp_allOrigins}</option>
                {ORIGIN_VALUES.map((o) => <option key={o} value={o}>{originText(o, t)}</option>)}
              </select>
            </label>
          ) : (
            <div class="sf-asks" role="group" aria-label={t.sf_plan}>
              {askField('target', t.sf_target, '%', { mode: 'numeric' })}
              {askField('within', t.sf_within, 's', { mode: 'numeric' })}
              {askField('cost', t.sf_cost, '€', { mode: 'decimal' })}
              <div class="sf-ask">
                <label class="field"><span>{t.sf_model}</span>
                  <select value={ask.model ?? 'auto'} onChange={(e) => setAsk({ ...ask, model: (e.target as HTMLSelectElement).value as Model })}>
                    {MODELS.map((m) => <option key={m} value={m}>{modelName(m, t.sf_modelAuto)}</option>)}
                  </select>
                </label>
              </div>
            </div>
          )}
        </form>

        {tab === 'overview' && role === 'agent' && <p class="rp-own">{t.rp_own}</p>}

        {cur.load.state === 'loading' ? <p class="rp-status" role="status">{tab === 'staffing' ? t.sf_loading : t.rp_loading}</p>
          : cur.load.state === 'error' ? (
            tab === 'staffing' && cur.load.status === 403 ? (
              <div class="rp-empty sf-forbidden" role="alert">
                <svg viewBox="0 0 24 24" aria-hidden="true"><rect x="5" y="11" width="14" height="10" rx="2" /><path d="M8 11V8a4 4 0 0 1 8 0v3" /></svg>
                <h2>{t.sf_forbidden}</h2>
                <p>{t.sf_forbiddenSub}</p>
              </div>
            ) : (
              <div class="rp-error" role="alert">
                <strong>{t.rp_failed}</strong>
                <p>{cur.load.message}</p>
                <button type="button" class="ghost small" onClick={() => setNonce(nonce + 1)}>{t.rp_retry}</button>
              </div>
            )
          ) : tab === 'overview' && overview.load.state === 'ok' ? <Body rep={overview.load.value} t={t} lang={lang} nameOf={nameOf} tenantName={tenantName} stale={busy} />
          : staffing.load.state === 'ok' ? <StaffingBody st={staffing.load.value} t={t} lang={lang} tenantName={tenantName} stale={busy} />
          : null}

        <p class="rp-caveat">{fill(t.rp_caveat, 't', shown?.tz || tz || '–')}</p>
      </div>
    </main>
  );
}

function Body({ rep, t, lang, nameOf, tenantName, stale }: { rep: Report; t: UiStrings; lang: string; nameOf: (a: number) => string; tenantName: string; stale: boolean }) {
  const s = rep.summary;
  if (!s.conversations && !s.sales?.orders) {
    return (
      <div class={'rp-empty' + (stale ? ' stale' : '')}>
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 20V10M10 20V4M16 20v-7M22 20H2" /></svg>
        <h2>{t.rp_empty}</h2>
        <p>{rep.from > localToday() ? t.rp_futureSub : t.rp_emptySub}</p>
      </div>
    );
  }
  const prev = previousPeriod(rep.from, rep.days);
  return (
    <div class={'rp-body' + (stale ? ' stale' : '')}>
      <p class="rp-vs">{fill(t.rp_vsPrev, 't', periodText(prev.from, prev.to, lang))}
        {rep.to >= localToday() && <span class="rp-open"> {t.rp_todayOpen}</span>}</p>
      <h2 class="vh">{t.rp_keyFigures}</h2>
      <Tiles rep={rep} t={t} lang={lang} />
      <MoneyTiles rep={rep} t={t} lang={lang} />
      <DayChart rep={rep} t={t} lang={lang} />
      <SalesSections rep={rep} t={t} lang={lang} />
      <OutcomesCard rep={rep} t={t} lang={lang} />
      {rep.breakdown && (
        <div class="rp-pair rp-pair-charts">
          <HeatMap rep={rep} t={t} lang={lang} />
          <FirstResponse rep={rep} t={t} lang={lang} />
        </div>
      )}
      <TargetsCard rep={rep} t={t} lang={lang} />
      <AgentTable rep={rep} t={t} lang={lang} nameOf={nameOf} tenantName={tenantName} />
    </div>
  );
}

// Answers within the expected response time, per inbox channel (docs/channels.md).
function TargetsCard({ rep, t, lang }: { rep: Report; t: UiStrings; lang: string }) {
  const rows = (rep.response_targets ?? []).filter((r) => r.on_time + r.late + r.overdue + r.waiting + r.unanswered > 0);
  if (!rows.length) return null;
  const n = (v: number) => v.toLocaleString(lang);
  const share = (r: TargetRow) => {
    const decided = r.on_time + r.late + r.overdue;
    return decided ? `${Math.round((100 * r.on_time) / decided)} %` : '—';
  };
  return (
    <section class="rp-card rp-targets" aria-labelledby="rp-targets">
      <header><h2 id="rp-targets">{t.rp_targets}</h2></header>
      <div class="table-wrap" tabIndex={0} role="group" aria-labelledby="rp-targets">
        <table class="rp-table">
          <thead><tr><th scope="col">{t.rp_channel}</th><th scope="col">{t.rp_target}</th>
            {[t.rp_onTime, t.rp_late, t.rp_overdue, t.rp_waiting, t.rp_unanswered, t.rp_share].map((c) => <th key={c} scope="col" class="num">{c}</th>)}</tr></thead>
          <tbody>{rows.map((r) => (
            <tr key={r.origin} data-origin={r.origin}>
              <th scope="row">{r.origin === 'offline' ? t.offlineMsg : originText(r.origin, t)}</th><td>{r.target === '0' ? '—' : r.target}</td>
              <td class="num">{n(r.on_time)}</td><td class="num">{n(r.late)}</td><td class={'num' + (r.overdue ? ' bad' : '')}>{n(r.overdue)}</td>
              <td class="num">{n(r.waiting)}</td><td class="num">{n(r.unanswered)}</td><td class="num"><strong>{share(r)}</strong></td>
            </tr>))}</tbody>
        </table>
      </div>
    </section>
  );
}

function Tiles({ rep, t, lang }: { rep: Report; t: UiStrings; lang: string }) {
  const s = rep.summary;
  const p = rep.previous;
  const dur = (ms: number | null | undefined) => durationText(ms, lang, t.days);
  // Two rows: how many and how well, then how long.
  const counts: Tile[] = [
    { id: 'conversations', label: t.rp_conversations, value: countText(s.conversations, lang),
      sub: fill(t.rp_convSub, 'n', countText(s.chats, lang)),
      c: change(s.conversations, p.conversations, { kind: 'relative', better: 'none' }) },
    { id: 'answered', label: t.rp_answered, value: countText(s.answered, lang),
      sub: fill(t.rp_answeredSub, 'n', countText(s.chats, lang)),
      c: change(s.answered, p.answered, { kind: 'relative', better: 'up' }) },
    { id: 'missed', label: t.rp_missed, value: countText(s.missed, lang),
      sub: s.missed_rate == null ? undefined : fill(t.rp_missedSub, 'n', percentText(s.missed_rate, lang)),
      c: change(s.missed, p.missed, { kind: 'relative', better: 'down' }) },
    { id: 'service_level', label: t.rp_sl, value: percentText(s.service_level, lang),
      sub: fill(t.rp_slSub, 't', dur(rep.thresholds.service_level_ms)),
      c: change(s.service_level, p.service_level, { kind: 'points', better: 'up' }) },
  ];
  const times: Tile[] = [
    { id: 'wait', label: t.rp_wait, value: dur(s.wait_ms?.avg),
      sub: s.wait_ms ? fill(t.rp_median, 't', dur(s.wait_ms.p50)) : undefined,
      c: change(s.wait_ms?.avg, p.wait_ms?.avg, { kind: 'relative', better: 'down' }) },
    { id: 'first_response', label: t.rp_first, value: dur(s.first_response_ms?.avg),
      sub: s.first_response_business_ms ? fill(t.rp_firstSub, 't', dur(s.first_response_business_ms.avg)) : undefined,
      // Every channel counts (docs/metrics.md): a form answered the next day pulls the average far
      // from a chat's seconds, so the typical one is said too.
      sub2: s.first_response_ms ? fill(t.rp_median, 't', dur(s.first_response_ms.p50)) : undefined,
      c: change(s.first_response_ms?.avg, p.first_response_ms?.avg, { kind: 'relative', better: 'down' }) },
    { id: 'handling', label: t.rp_handling, value: dur(s.handling_ms?.avg),
      sub: s.handling_ms ? fill(t.rp_median, 't', dur(s.handling_ms.p50)) : undefined,
      c: change(s.handling_ms?.avg, p.handling_ms?.avg, { kind: 'relative', better: 'none' }) },
  ];
  return <><TileRow tiles={counts} cls="counts" t={t} lang={lang} /><TileRow tiles={times} cls="times" t={t} lang={lang} /></>;
}

function AgentTable({ rep, t, lang, nameOf, tenantName }: { rep: Report; t: UiStrings; lang: string; nameOf: (a: number) => string; tenantName: string }) {
  const rows = sortAgents(rep.agents, nameOf);
  const nobody = unassigned(rep.summary, rows);
  const dur = (ms: number | null | undefined) => durationText(ms, lang, t.days);
  const cur = rep.summary.sales?.currency ?? null;
  const cells = (s: Summary | AgentSummary) => {
    const c = credited(s);
    return [
      countText(s.chats, lang), countText(s.answered, lang), countText(s.missed, lang), percentText(s.service_level, lang),
      dur(s.wait_ms?.avg), dur(s.first_response_ms?.avg), dur(s.handling_ms?.avg),
      csatCell(s.csat, lang), countText(s.outcomes?.sale, lang),
      c.orders ? `${moneyText(c.revenue_cents, cur, lang)} (${countText(c.orders, lang)})` : c.orders === 0 ? '0' : '–',
    ];
  };
  const cols = [t.rp_col_chats, t.rp_col_answered, t.rp_col_missed, t.rp_col_sl, t.rp_col_wait, t.rp_col_first, t.rp_col_handling,
    t.rp_col_csat, t.rp_col_sale, t.rp_col_revenueOrders];
  const download = () => {
    const avg = (col: string) => `${col} (${t.rp_avgSuffix}, s)`;
    const header = ['ID', t.rp_col_agent, t.rp_col_chats, t.rp_col_answered, t.rp_col_missed, `${t.rp_col_sl} (%)`,
      avg(t.rp_col_wait), avg(t.rp_col_first), avg(t.rp_col_handling), `${t.rp_col_csat} (%)`, t.rp_col_csatN, t.rp_col_sale,
      t.rp_col_orders, cur ? `${t.rp_col_revenue} (${cur})` : t.rp_col_revenue];
    const csv = agentCsv(rows, nameOf, header, { label: t.rp_total, s: rep.summary }, nobody ? { label: t.rp_unassigned, u: nobody } : undefined, lang);
    // A byte order mark: spreadsheets then read the names' ä and å as UTF-8.
    const url = URL.createObjectURL(new Blob(['\ufeff' + csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = csvName(tenantName, rep.from, rep.to);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  };
  return (
    <section class="rp-card" aria-labelledby="rp-agents">
      <header>
        <h2 id="rp-agents">{t.rp_byAgent}</h2>
        <button type="button" class="ghost small rp-csv" onClick={download} disabled={!rows.length} title={t.rp_csvLabel}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 4v11m0 0-4-4m4 4 4-4M5 19h14" /></svg>{t.rp_csv}
        </button>
      </header>
      {rows.length === 0 ? <p class="empty rp-none">{t.rp_noAgents}</p> : (
        <div class="table-wrap" tabIndex={0} role="group" aria-labelledby="rp-agents">
          <table class="rp-table">
            <thead><tr><th scope="col">{t.rp_col_agent}</th>{cols.map((c, i) => <th key={c} scope="col" class={'num' + (i === 7 ? ' rp-sep' : '')}>{c}</th>)}</tr></thead>
            <tbody>
              {rows.map((r: AgentSummary) => (
                <tr key={r.agent} data-agent={r.agent}>
                  <th scope="row"><bdi>{nameOf(r.agent)}</bdi></th>
                  {cells(r).map((v, i) => <td key={i} class={'num' + (i === 7 ? ' rp-sep' : '')}>{v}</td>)}
                </tr>
              ))}
              {nobody && (
                <tr class="rp-unassigned" title={t.rp_unassignedTitle}>
                  <th scope="row">{t.rp_unassigned}</th>
                  {cols.map((_, i) => <td key={i} class={'num' + (i === 7 ? ' rp-sep' : '')}>{i < 3 ? countText([nobody.chats, nobody.answered, nobody.missed][i], lang) : '–'}</td>)}
                </tr>
              )}
            </tbody>
            <tfoot>
              <tr><th scope="row">{t.rp_total}</th>{cells(rep.summary).map((v, i) => <td key={i} class={'num' + (i === 7 ? ' rp-sep' : '')}>{v}</td>)}</tr>
            </tfoot>
          </table>
        </div>
      )}
      <p class="rp-note">{t.rp_agentNote} {rep.summary.sales && fill(t.rp_agentSalesNote, 'n', String(rep.attribution_days ?? 7))}</p>
    </section>
  );
}
