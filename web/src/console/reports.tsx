// The Reports view: a tenant's KPIs for a period (GET /api/tenants/{id}/reports/summary,
// docs/openapi.yaml), each against the period before, and per agent with a CSV download. Every
// figure is defined in docs/metrics.md; the logic that is not rendering is in report_format.ts.
import { useEffect, useState } from 'preact/hooks';
import { ORIGIN_VALUES, type Origin } from '../protocol.gen';
import type { UiStrings } from './i18n';
import { api, type Me } from './api';
import { originText } from './format';
import {
  QUICK, agentCsv, change, changeText, countText, csvName, durationText, isDay, localToday, percentText, periodText,
  previousPeriod, quickOf, quickRange, reportQuery, sortAgents,
  type AgentSummary, type Change, type Filters, type Quick, type Report, type Summary,
} from './report_format';

type Props = { t: UiStrings; lang: string; me: Me; nameOf: (agent: number) => string };
type Load = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ok'; report: Report };

const fill = (s: string, key: 'n' | 't', v: string) => s.replace(`{${key}}`, v);

export function Reports({ t, lang, me, nameOf }: Props) {
  const [tenant, setTenant] = useState(me.tenants[0]?.id ?? 0);
  const [f, setF] = useState<Filters>({ from: '', to: '', origin: '' });  // '' = the server's default
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [busy, setBusy] = useState(true);
  const [today, setToday] = useState(localToday);
  const [tz, setTz] = useState('');  // the tenant's time zone, from the last report
  const [nonce, setNonce] = useState(0);  // a refresh asks again

  useEffect(() => {
    let live = true;
    setBusy(true);
    api(`/api/tenants/${tenant}/reports/summary${reportQuery(f)}`)
      .then(async (r) => {
        const body = await r.json().catch(() => null);
        if (!live) return;
        if (!r.ok || !body?.summary) {
          setLoad({ state: 'error', message: body?.error?.message || `HTTP ${r.status}` });
          return;
        }
        if (!f.to) setToday(body.to);  // the server's default ends today in the tenant's time zone
        setTz(body.tz);
        setLoad({ state: 'ok', report: body as Report });
      })
      .catch(() => live && setLoad({ state: 'error', message: t.networkError }))
      .finally(() => live && setBusy(false));
    return () => { live = false; };
  }, [tenant, f.from, f.to, f.origin, nonce]);

  const rep = load.state === 'ok' ? load.report : undefined;
  const from = f.from || rep?.from || '';
  const to = f.to || rep?.to || '';
  const role = me.tenants.find((x) => x.id === tenant)?.role;
  const tenantName = me.tenants.find((x) => x.id === tenant)?.name ?? '';
  const active = from && to ? quickOf(from, to, today) : undefined;
  const setDay = (which: 'from' | 'to', v: string) => { if (isDay(v)) setF({ ...f, from, to, [which]: v }); };

  return (
    <main class="reports" aria-busy={busy}>
      <header class="rp-head">
        <div>
          <h1>{t.rp_title}</h1>
          <p class="rp-period">
            {tenantName && <><bdi>{tenantName}</bdi> · </>}
            {rep ? periodText(rep.from, rep.to, lang) : isDay(from) && isDay(to) && from <= to ? periodText(from, to, lang) : '…'}
            {busy && rep && <span class="rp-spinner" role="status" aria-label={t.rp_loading} />}
          </p>
        </div>
        <button type="button" class="ghost small rp-refresh" onClick={() => setNonce(nonce + 1)} disabled={busy}>
          <span aria-hidden="true">↻</span> {t.rp_refresh}
        </button>
      </header>

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
            {QUICK.map((q: Quick) => (
              <button key={q} type="button" class={active === q ? 'on' : ''} aria-pressed={active === q}
                onClick={() => setF({ ...f, ...quickRange(q, today) })}>{{ '7d': t.rp_7d, '30d': t.rp_30d, month: t.rp_month }[q]}</button>
            ))}
          </div>
        </div>
        <label class="field"><span>{t.rp_from}</span>
          <input type="date" value={from} max={to || undefined} onChange={(e) => setDay('from', (e.target as HTMLInputElement).value)} />
        </label>
        <label class="field"><span>{t.rp_to}</span>
          <input type="date" value={to} min={from || undefined} onChange={(e) => setDay('to', (e.target as HTMLInputElement).value)} />
        </label>
        <label class="field"><span>{t.origin}</span>
          <select value={f.origin} onChange={(e) => setF({ ...f, from, to, origin: (e.target as HTMLSelectElement).value as Origin | '' })}>
            <option value="">{t.rp_allOrigins}</option>
            {ORIGIN_VALUES.map((o) => <option key={o} value={o}>{originText(o, t)}</option>)}
          </select>
        </label>
      </form>

      {role === 'agent' && <p class="rp-own">{t.rp_own}</p>}

      {load.state === 'loading' ? <p class="rp-status" role="status">{t.rp_loading}</p>
        : load.state === 'error' ? (
          <div class="rp-error" role="alert">
            <strong>{t.rp_failed}</strong>
            <p>{load.message}</p>
            <button type="button" class="ghost small" onClick={() => setNonce(nonce + 1)}>{t.rp_retry}</button>
          </div>
        ) : <Body rep={load.report} t={t} lang={lang} nameOf={nameOf} tenantName={tenantName} stale={busy} />}

      <p class="rp-caveat">{fill(t.rp_caveat, 't', rep?.tz || tz || '–')}</p>
    </main>
  );
}

function Body({ rep, t, lang, nameOf, tenantName, stale }: { rep: Report; t: UiStrings; lang: string; nameOf: (a: number) => string; tenantName: string; stale: boolean }) {
  const s = rep.summary;
  if (!s.conversations) {
    return (
      <div class={'rp-empty' + (stale ? ' stale' : '')}>
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 20V10M10 20V4M16 20v-7M22 20H2" /></svg>
        <h2>{t.rp_empty}</h2>
        <p>{t.rp_emptySub}</p>
      </div>
    );
  }
  const prev = previousPeriod(rep.from, rep.days);
  return (
    <div class={'rp-body' + (stale ? ' stale' : '')}>
      <p class="rp-vs">{fill(t.rp_vsPrev, 't', periodText(prev.from, prev.to, lang))}</p>
      <Tiles rep={rep} t={t} lang={lang} />
      <AgentTable rep={rep} t={t} lang={lang} nameOf={nameOf} tenantName={tenantName} />
    </div>
  );
}

function Tiles({ rep, t, lang }: { rep: Report; t: UiStrings; lang: string }) {
  const s = rep.summary;
  const p = rep.previous;
  const dur = (ms: number | null | undefined) => durationText(ms, lang, t.days);
  type Tile = { id: string; label: string; value: string; sub?: string; c: Change | null };
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
      c: change(s.first_response_ms?.avg, p.first_response_ms?.avg, { kind: 'relative', better: 'down' }) },
    { id: 'handling', label: t.rp_handling, value: dur(s.handling_ms?.avg),
      sub: s.handling_ms ? fill(t.rp_median, 't', dur(s.handling_ms.p50)) : undefined,
      c: change(s.handling_ms?.avg, p.handling_ms?.avg, { kind: 'relative', better: 'none' }) },
  ];
  const list = (tiles: Tile[], cls: string) => (
    <ul class={'tiles ' + cls}>
      {tiles.map((x) => {
        const text = x.c ? changeText(x.c, lang, t.rp_points) : '';
        return (
          <li key={x.id} class="tile" data-kpi={x.id}>
            <h3>{x.label}</h3>
            <p class="kpi">{x.value}</p>
            {x.c ? <p class={'delta ' + x.c.tone} title={fill(t.rp_changeLabel, 't', text)} aria-label={fill(t.rp_changeLabel, 't', text)}>{text}</p>
              : <p class="delta none">{t.rp_noChange}</p>}
            {x.sub && <p class="sub">{x.sub}</p>}
          </li>
        );
      })}
    </ul>
  );
  return <>{list(counts, 'counts')}{list(times, 'times')}</>;
}

function AgentTable({ rep, t, lang, nameOf, tenantName }: { rep: Report; t: UiStrings; lang: string; nameOf: (a: number) => string; tenantName: string }) {
  const rows = sortAgents(rep.agents, nameOf);
  const dur = (ms: number | null | undefined) => durationText(ms, lang, t.days);
  const cells = (s: Summary) => [
    countText(s.chats, lang), countText(s.answered, lang), countText(s.missed, lang), percentText(s.service_level, lang),
    dur(s.wait_ms?.avg), dur(s.first_response_ms?.avg), dur(s.handling_ms?.avg),
  ];
  const cols = [t.rp_col_chats, t.rp_col_answered, t.rp_col_missed, t.rp_col_sl, t.rp_col_wait, t.rp_col_first, t.rp_col_handling];
  const download = () => {
    const avg = (col: string) => `${col} (${t.rp_avgSuffix}, s)`;
    const header = ['ID', t.rp_col_agent, t.rp_col_chats, t.rp_col_answered, t.rp_col_missed, `${t.rp_col_sl} (%)`,
      avg(t.rp_col_wait), avg(t.rp_col_first), avg(t.rp_col_handling)];
    const csv = agentCsv(rows, nameOf, header, { label: t.rp_total, s: rep.summary });
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
        <div class="table-wrap">
          <table class="rp-table">
            <thead><tr><th scope="col">{t.rp_col_agent}</th>{cols.map((c) => <th key={c} scope="col" class="num">{c}</th>)}</tr></thead>
            <tbody>
              {rows.map((r: AgentSummary) => (
                <tr key={r.agent} data-agent={r.agent}>
                  <th scope="row"><bdi>{nameOf(r.agent)}</bdi></th>
                  {cells(r).map((v, i) => <td key={i} class="num">{v}</td>)}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr><th scope="row">{t.rp_total}</th>{cells(rep.summary).map((v, i) => <td key={i} class="num">{v}</td>)}</tr>
            </tfoot>
          </table>
        </div>
      )}
      <p class="rp-note">{t.rp_agentNote}</p>
    </section>
  );
}
