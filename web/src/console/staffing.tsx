// The Staffing tab of the Reports view: what GET /api/tenants/{id}/reports/staffing planned
// (Erlang A or C, docs/metrics.md "Staffing") — the measured inputs and the week's agent hours in
// tiles, then an hour × weekday grid of the agents each hour needs, coloured by how many were
// actually online, with the details of the chosen hour beside it and the 168 hours as CSV.
// reports.tsx fetches; the logic that is not rendering is in staffing_format.ts.
import { useMemo, useState } from 'preact/hooks';
import type { UiStrings } from './i18n';
import { durationText, percentText } from './report_format';
import { put } from './fill';
import {
  STAFFED, byDayHour, cellLines, decimalText, euroText, hourSpan, hourText, hoursText, modelName, nowIn, staffed, staffingCsv,
  staffingCsvName, visibleHours, weekTotals, weekdayNames,
  type CellWords, type Staffed, type Staffing as Plan, type StaffingHour,
} from './staffing_format';

const fill = (s: string, key: 'n' | 't', v: string) => put(s, key, v);

type Props = { st: Plan; t: UiStrings; lang: string; tenantName: string; stale: boolean };

export function StaffingBody({ st, t, lang, tenantName, stale }: Props) {
  const totals = useMemo(() => weekTotals(st.hours), [st]);
  if (!totals.withChats) {
    return (
      <div class={'rp-empty' + (stale ? ' stale' : '')}>
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 20V10M10 20V4M16 20v-7M22 20H2" /></svg>
        <h2>{t.sf_empty}</h2>
        <p>{t.sf_emptySub}</p>
      </div>
    );
  }
  const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(st.target);
  return (
    <div class={'rp-body sf-body' + (stale ? ' stale' : '')}>
      <p class="rp-vs">
        {st.weeks < 2 ? fill(t.sf_basisDays, 'n', decimalText(st.weeks * 7, lang, 1)) : fill(t.sf_basis, 'n', decimalText(st.weeks, lang, 1))} · {fill(fill(t.sf_goal, 'n', pct), 't', durationText(st.within_s * 1000, lang, t.days))}
      </p>
      <Tiles st={st} t={t} lang={lang} />
      <Grid st={st} t={t} lang={lang} tenantName={tenantName} totals={totals} />
    </div>
  );
}

function Tiles({ st, t, lang }: { st: Plan; t: UiStrings; lang: string }) {
  const gap = st.online_agent_hours_per_week - st.agent_hours_per_week;
  const gapText = hoursText(Math.abs(gap), lang);
  const pill = gap <= -0.5 ? { tone: 'bad', text: fill(t.sf_gapShort, 'n', gapText) }
    : gap >= 0.5 ? { tone: 'info', text: fill(t.sf_gapOver, 'n', gapText) }
    : { tone: 'good', text: t.sf_gapOk };
  const perMonth = st.agent_hours_per_week * 4.345;
  return (
    <ul class="tiles sf-tiles">
      <li class="tile" data-kpi="handling">
        <h3>{t.sf_handling}</h3>
        <p class="kpi">{durationText(st.handling_s * 1000, lang, t.days)}</p>
        <p class="sub">{t.sf_handlingSub}</p>
      </li>
      <li class="tile" data-kpi="concurrency">
        <h3>{t.sf_concurrency}</h3>
        <p class="kpi">{decimalText(st.concurrency, lang, 1, 1)}</p>
        <p class="sub">{t.sf_concurrencySub}</p>
      </li>
      <li class="tile" data-kpi="patience">
        <h3>{t.sf_patience}</h3>
        <p class="kpi">{st.patience_s != null ? durationText(st.patience_s * 1000, lang, t.days) : '–'}</p>
        <p class="sub">{st.gave_up ? fill(t.sf_patienceSub, 'n', String(st.gave_up)) : t.sf_patienceNone}
          {' · '}{fill(t.sf_modelUsed, 'n', modelName(st.model, ''))}</p>
      </li>
      <li class="tile" data-kpi="hours">
        <h3>{t.sf_needed}</h3>
        <p class="kpi">{hoursText(st.agent_hours_per_week, lang)}</p>
        <p class={'delta ' + pill.tone}>{pill.text}</p>
        <p class="sub">{fill(t.sf_onlineSub, 'n', hoursText(st.online_agent_hours_per_week, lang))}</p>
      </li>
      {st.monthly_cost != null && (
        <li class="tile" data-kpi="cost">
          <h3>{t.sf_monthly}</h3>
          <p class="kpi">{euroText(st.monthly_cost, lang)}</p>
          <p class="sub">{fill(fill(t.sf_monthlySub, 'n', euroText(st.hourly_cost, lang)), 't', hoursText(Math.round(perMonth * 10) / 10, lang))}</p>
        </li>
      )}
    </ul>
  );
}

const LEGEND_KEYS: Record<Staffed, keyof UiStrings> = { short: 'sf_l_short', low: 'sf_l_low', ok: 'sf_l_ok', over: 'sf_l_over', none: 'sf_l_none' };

function Grid({ st, t, lang, tenantName, totals }: { st: Plan; t: UiStrings; lang: string; tenantName: string; totals: ReturnType<typeof weekTotals> }) {
  const [all, setAll] = useState(false);
  const grid = useMemo(() => byDayHour(st.hours), [st]);
  const rows = useMemo(() => visibleHours(st.hours, all), [st, all]);
  const days = useMemo(() => weekdayNames(lang, 'short'), [lang]);
  const long = useMemo(() => weekdayNames(lang, 'long'), [lang]);
  // The hour first shown in the details: the busiest (most agents needed, then most chats).
  const peak = useMemo(() => st.hours.reduce<StaffingHour | undefined>((b, h) =>
    !b || h.agents_needed > b.agents_needed || (h.agents_needed === b.agents_needed && h.arrivals > b.arrivals) ? h : b, undefined), [st]);
  const [sel, setSel] = useState<{ d: number; h: number } | undefined>();
  const [hover, setHover] = useState<{ d: number; h: number } | undefined>();
  const now = nowIn(st.tz);
  const words: CellWords = {
    arrivals: t.sf_c_arrivals, erlangs: t.sf_c_erlangs, seats: t.sf_c_seats, seatsC: t.sf_c_seatsC, needed: t.sf_c_needed,
    online: t.sf_c_online, sl: t.sf_c_sl, slNone: t.sf_c_slNone, missed: t.sf_c_missed,
  };
  const chosen = sel && rows.includes(sel.h) ? sel : peak && rows.includes(peak.hour) ? { d: peak.weekday, h: peak.hour } : { d: 0, h: rows[0] };
  const shown = hover ?? chosen;
  const detail = grid[shown.d]?.[shown.h];

  const move = (e: KeyboardEvent, d: number, h: number) => {
    const i = rows.indexOf(h);
    const to = { ArrowLeft: [d - 1, i], ArrowRight: [d + 1, i], ArrowUp: [d, i - 1], ArrowDown: [d, i + 1],
      Home: [0, i], End: [6, i], PageUp: [d, 0], PageDown: [d, rows.length - 1] }[e.key];
    if (!to) return;
    e.preventDefault();
    const nd = Math.max(0, Math.min(6, to[0]));
    const nh = rows[Math.max(0, Math.min(rows.length - 1, to[1]))];
    setSel({ d: nd, h: nh });
    const table = (e.currentTarget as HTMLElement).closest('table');
    requestAnimationFrame(() => (table?.querySelector(`td[data-weekday="${nd}"][data-hour="${nh}"]`) as HTMLElement | null)?.focus());
  };

  const download = () => {
    const header = [t.sf_col_day, t.sf_col_hour, t.sf_col_arrivals, t.sf_col_erlangs, t.sf_col_seats, t.sf_col_seatsC, t.sf_col_needed,
      t.sf_col_online, t.sf_col_awaited, t.sf_col_within, `${t.rp_col_sl} (%)`, t.sf_col_missed];
    const csv = staffingCsv(st.hours, header, long, [t.sf_yes, t.sf_no], lang);
    const url = URL.createObjectURL(new Blob(['\ufeff' + csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = staffingCsvName(tenantName, st.from, st.to);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  };

  const before = rows[0] > 0 ? `${hourText(0)}–${hourText(rows[0])}` : '';
  const after = rows[rows.length - 1] < 23 ? `${hourText(rows[rows.length - 1] + 1)}–${hourText(0)}` : '';
  const fold = (span: string, where: string) => (
    <tr class={'sf-fold sf-fold-' + where}>
      <td colSpan={8}><button type="button" class="link" onClick={() => setAll(true)}>{fill(t.sf_folded, 't', span)}</button></td>
    </tr>
  );

  return (
    <section class="rp-card sf-card" aria-labelledby="sf-title">
      <header>
        <div>
          <h2 id="sf-title">{t.sf_gridTitle}</h2>
          <p class="sf-sum">
            {totals.missed ? <span class="sf-sum-bad"><span class="sf-flag-inline" aria-hidden="true">!</span>{fill(t.sf_missedHours, 'n', String(totals.missed))}</span>
              : <span class="sf-sum-good">{t.sf_allGood}</span>}
            {totals.short > 0 && <span class="sf-sum-more">{fill(t.sf_shortHours, 'n', String(totals.short))}</span>}
          </p>
        </div>
        <div class="sf-tools">
          <label class="sf-toggle">
            <input type="checkbox" checked={all} onChange={(e) => setAll((e.target as HTMLInputElement).checked)} />
            {t.sf_showAll}
          </label>
          <button type="button" class="ghost small rp-csv" onClick={download} title={t.sf_csvLabel} aria-label={t.sf_csvLabel}>
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 4v11m0 0-4-4m4 4 4-4M5 19h14" /></svg>{t.rp_csv}
          </button>
        </div>
      </header>
      <div class="sf-layout">
        <div class="sf-gridwrap">
          <table class="sf-grid" aria-labelledby="sf-title" aria-describedby="sf-help" onMouseLeave={() => setHover(undefined)}>
            <thead>
              <tr>
                <th scope="col" class="sf-corner"><span class="vh">{t.sf_hour}</span></th>
                {days.map((d, i) => (
                  <th key={i} scope="col" class={now?.weekday === i ? 'now' : ''} abbr={long[i]}>{d}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {before && fold(before, 'top')}
              {rows.map((h) => (
                <tr key={h}>
                  <th scope="row" class={now?.hour === h ? 'now' : ''}>{hourText(h)}</th>
                  {days.map((_, d) => {
                    const x = grid[d][h];
                    const cls = x ? staffed(x) : 'none';
                    const lines = x ? cellLines(x, long[d], words, lang) : [`${long[d]} ${hourSpan(h)}`];
                    const isSel = chosen.d === d && chosen.h === h;
                    return (
                      <td key={d} class={`sf-cell ${cls}${x?.target_missed ? ' missed' : ''}${isSel ? ' sel' : ''}${now?.weekday === d && now.hour === h ? ' now' : ''}`}
                        data-weekday={d} data-hour={h} data-state={cls} data-needed={x?.agents_needed ?? 0}
                        title={lines.join('\n')} tabIndex={isSel ? 0 : -1}
                        onClick={() => setSel({ d, h })} onFocus={() => setSel({ d, h })} onMouseEnter={() => setHover({ d, h })}
                        onKeyDown={(e) => move(e as unknown as KeyboardEvent, d, h)}>
                        {x && cls !== 'none' && (
                          <span class="sf-v" aria-hidden="true">
                            <b>{x.agents_needed}</b>
                            <small>{decimalText(x.agents_online, lang, 1)}</small>
                          </span>
                        )}
                        {x?.target_missed && <span class="sf-flag" aria-hidden="true">!</span>}
                        <span class="vh">{lines.join(', ')}</span>
                      </td>
                    );
                  })}
                </tr>
              ))}
              {after && fold(after, 'bottom')}
            </tbody>
          </table>
          <p id="sf-help" class="vh">{t.sf_gridHelp}</p>
        </div>
        <aside class="sf-side">
          <div class={'sf-detail ' + (detail ? staffed(detail) : 'none')} data-testid="sf-detail">
            {detail ? (() => {
              const [head, ...rest] = cellLines(detail, long[shown.d], words, lang);
              return <><h3>{head}</h3><ul>{rest.map((l, i) => <li key={i} class={detail.target_missed && i === rest.length - 1 ? 'bad' : ''}>{l}</li>)}</ul></>;
            })() : <h3>{`${long[shown.d]} ${hourSpan(shown.h)}`}</h3>}
          </div>
          <h3 class="sf-legend-title">{t.sf_legend}</h3>
          <ul class="sf-legend">
            {STAFFED.map((s) => <li key={s}><span class={'sf-swatch ' + s} aria-hidden="true" />{t[LEGEND_KEYS[s]]}</li>)}
            <li><span class="sf-swatch ok missed" aria-hidden="true"><span class="sf-flag">!</span></span>{fill(t.sf_l_missed, 'n', percentText(st.target, lang))}</li>
            <li class="sf-legend-cell"><span class="sf-swatch ok sample" aria-hidden="true"><b>2</b><small>{decimalText(1.5, lang, 1)}</small></span>{t.sf_l_cell}</li>
          </ul>
        </aside>
      </div>
      <p class="rp-note sf-assume">{st.model === 'erlang_a' ? t.sf_assumptionsA : t.sf_assumptions}</p>
    </section>
  );
}
