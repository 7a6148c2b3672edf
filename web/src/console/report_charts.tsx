// The Overview tab's charts, plain SVG drawn to the width of their card: conversations and
// missed chats per day with the chat's sales below them, the hour x weekday heat map of arriving
// chats with their average wait, and the distribution of first response times. Each chart is an
// image with a summary for screen readers and its figures in a visually hidden table. The
// scales and words are in report_money.ts.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { UiStrings } from './i18n';
import { countText, durationText, percentText, periodText, type Report } from './report_format';
import {
  HEAT_EMPTY, bucketLabels, dayLabelEvery, heatColor, heatPeak, isWeekend, moneyText, niceScale, seriesStats, shareWithin, shortDay,
  type DayPoint,
} from './report_money';
import { fill } from './report_sales';
import { hourSpan, hourText, weekdayNames } from './staffing_format';

type P = { t: UiStrings; lang: string };

// The width of a box, kept up to date (the charts are drawn in its pixels: crisp text at any
// size). A callback ref: the box may appear only with a later report.
function useWidth() {
  const [w, setW] = useState(0);
  const ro = useRef<ResizeObserver | null>(null);
  const ref = useCallback((el: HTMLDivElement | null) => {
    ro.current?.disconnect();
    ro.current = null;
    if (!el) return;
    setW(el.clientWidth);
    if (typeof ResizeObserver === 'undefined') return;
    ro.current = new ResizeObserver(() => setW(el.clientWidth));
    ro.current.observe(el);
  }, []);
  useEffect(() => () => ro.current?.disconnect(), []);
  return [ref, w] as const;
}

// ---- by day ----

const PAD = { left: 44, right: 10 };

export function DayChart({ rep, t, lang }: P & { rep: Report }) {
  const series = rep.breakdown?.series ?? [];
  const [box, width] = useWidth();
  const [hover, setHover] = useState<number | null>(null);
  if (!series.length) return null;
  const cur = rep.summary.sales?.currency ?? null;
  const st = seriesStats(series);
  const money = !!rep.summary.sales && (st.revenue > 0 || !!cur);
  const n = series.length;
  const plotW = Math.max(0, width - PAD.left - PAD.right);
  const band = plotW / n;
  const barW = Math.max(1, Math.min(26, band * (band > 8 ? 0.68 : 0.86)));
  const x = (i: number) => PAD.left + band * i + band / 2;
  const every = dayLabelEvery(n, plotW);

  const H1 = 190, top1 = 12, bottom1 = 24;
  const y1 = niceScale(Math.max(...series.map((d) => d.conversations)), 4, true);
  const sy1 = (v: number) => top1 + (H1 - top1 - bottom1) * (1 - v / y1.top);
  const H2 = 120, top2 = 12, bottom2 = 24;
  const y2 = niceScale(Math.max(...series.map((d) => d.chat_revenue_cents)), 3);
  const sy2 = (v: number) => top2 + (H2 - top2 - bottom2) * (1 - v / y2.top);

  const dayWords = (d: DayPoint) => [
    fill(t.rp_tipConv, { n: countText(d.conversations, lang) }),
    fill(t.rp_tipMissed, { n: countText(d.missed, lang) }),
    ...(d.awaited ? [fill(t.rp_tipSl, { n: percentText(d.within_sl / d.awaited, lang) })] : []),
    ...(money ? [fill(t.rp_tipOrders, { n: countText(d.chat_orders, lang), t: moneyText(d.chat_revenue_cents, cur, lang) })] : []),
  ];
  const busiest = st.busiest ? `${shortDay(st.busiest.day, lang, true)} (${countText(st.busiest.conversations, lang)})` : '–';
  const richest = st.richest ? `${shortDay(st.richest.day, lang, true)} (${moneyText(st.richest.chat_revenue_cents, cur, lang)})` : '–';

  const xLabels = (H: number) => series.map((d, i) => (i % every === 0 || (i === n - 1 && (n - 1) % every > every / 2))
    ? <text key={d.day} x={x(i)} y={H - 7} class="ch-x" text-anchor="middle">{shortDay(d.day, lang)}</text> : null);
  const weekend = (H: number, top: number, bottom: number) => band >= 3 && series.map((d, i) => isWeekend(d.day)
    ? <rect key={d.day} x={PAD.left + band * i} y={top} width={band} height={H - top - bottom} class="ch-weekend" /> : null);
  const hoverCol = (H: number, top: number, bottom: number) => hover !== null &&
    <rect x={PAD.left + band * hover} y={top} width={band} height={H - top - bottom} class="ch-hover" />;
  const catcher = (H: number) => series.map((d, i) => (
    <rect key={d.day} x={PAD.left + band * i} y={0} width={band} height={H} fill="transparent"
      onMouseEnter={() => setHover(i)} onClick={() => setHover(i)} />
  ));

  // The revenue as an area under a line (a column per day when there are only a few days).
  const line = series.map((d, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${sy2(d.chat_revenue_cents).toFixed(1)}`).join('');
  const area = `${line}L${x(n - 1).toFixed(1)},${sy2(0)}L${x(0).toFixed(1)},${sy2(0)}Z`;
  const tip = hover !== null ? series[hover] : null;
  // Beside the day's column, on the side with more room.
  const tipRight = hover !== null && x(hover) > width / 2;
  const tipX = hover !== null ? x(hover) + (tipRight ? -1 : 1) * (band / 2 + 8) : 0;

  return (
    <section class="rp-card rp-days" aria-labelledby="rp-days-title">
      <header>
        <h2 id="rp-days-title">{t.rp_dayTitle}</h2>
        <ul class="ch-legend" aria-hidden="true">
          <li><i class="sw conv" />{t.rp_conversations}</li>
          <li><i class="sw missed" />{t.rp_dayMissed}</li>
          {money && <li><i class="sw rev" />{t.rp_chatRevenue}</li>}
        </ul>
      </header>
      <div class="ch-box" ref={box} onMouseLeave={() => setHover(null)}>
        {width > 0 && (
          <>
            <svg class="chart" width={width} height={H1} role="img"
              aria-label={`${t.rp_dayTitle}: ${fill(t.rp_dayAria, { n: countText(st.conversations, lang), t: busiest })}`}>
              {weekend(H1, top1, bottom1)}
              {hoverCol(H1, top1, bottom1)}
              {y1.ticks.map((v) => (
                <g key={v}>
                  <line x1={PAD.left} x2={width - PAD.right} y1={sy1(v)} y2={sy1(v)} class={v ? 'ch-grid' : 'ch-base'} />
                  <text x={PAD.left - 8} y={sy1(v) + 4} class="ch-y" text-anchor="end">{countText(v, lang)}</text>
                </g>
              ))}
              {series.map((d, i) => {
                const rest = Math.max(0, d.conversations - d.missed);
                const x0 = x(i) - barW / 2;
                const r = Math.min(3, barW / 3);
                return (
                  <g key={d.day} class={hover === i ? 'on' : ''}>
                    {d.conversations > 0 && <rect x={x0} y={sy1(d.conversations)} width={barW} height={sy1(0) - sy1(d.conversations)} rx={r} class={rest > 0 ? 'ch-conv' : 'ch-missed'} />}
                    {d.missed > 0 && rest > 0 && <rect x={x0} y={sy1(d.missed)} width={barW} height={sy1(0) - sy1(d.missed)} class="ch-missed" />}
                  </g>
                );
              })}
              {xLabels(H1)}
              {catcher(H1)}
            </svg>
            {money && (
              <svg class="chart ch-rev" width={width} height={H2} role="img"
                aria-label={fill(t.rp_revAria, { n: moneyText(st.revenue, cur, lang), t: richest })}>
                <defs>
                  <linearGradient id="rp-rev-fill" x1="0" x2="0" y1="0" y2="1">
                    <stop offset="0" stop-color="#f0a020" stop-opacity=".35" />
                    <stop offset="1" stop-color="#f0a020" stop-opacity=".04" />
                  </linearGradient>
                </defs>
                {weekend(H2, top2, bottom2)}
                {hoverCol(H2, top2, bottom2)}
                {y2.ticks.map((v) => (
                  <g key={v}>
                    <line x1={PAD.left} x2={width - PAD.right} y1={sy2(v)} y2={sy2(v)} class={v ? 'ch-grid' : 'ch-base'} />
                    <text x={PAD.left - 8} y={sy2(v) + 4} class="ch-y" text-anchor="end">{moneyText(v, cur, lang, { compact: true })}</text>
                  </g>
                ))}
                {n > 1 ? (
                  <>
                    <path d={area} fill="url(#rp-rev-fill)" />
                    <path d={line} class="ch-line" />
                  </>
                ) : <rect x={x(0) - barW / 2} y={sy2(series[0].chat_revenue_cents)} width={barW} height={sy2(0) - sy2(series[0].chat_revenue_cents)} class="ch-revbar" />}
                {hover !== null && <circle cx={x(hover)} cy={sy2(series[hover].chat_revenue_cents)} r={4} class="ch-point" />}
                {xLabels(H2)}
                {catcher(H2)}
              </svg>
            )}
            {tip && (
              <div class={'ch-tip' + (tipRight ? ' left' : '')} style={{ left: `${tipX}px` }} aria-hidden="true">
                <strong>{shortDay(tip.day, lang, true)}</strong>
                {dayWords(tip).map((l, i) => <span key={i}>{l}</span>)}
              </div>
            )}
          </>
        )}
      </div>
      <div class="vh"><table>
        <caption>{t.rp_dayTitle} · {periodText(rep.from, rep.to, lang)}</caption>
        <thead>
          <tr>
            <th scope="col">{t.rp_colDay}</th><th scope="col">{t.rp_conversations}</th><th scope="col">{t.rp_col_missed}</th>
            <th scope="col">{t.rp_col_sl}</th>{money && <><th scope="col">{t.rp_col_orders}</th><th scope="col">{t.rp_col_revenue}</th></>}
          </tr>
        </thead>
        <tbody>
          {series.map((d) => (
            <tr key={d.day}>
              <th scope="row">{shortDay(d.day, lang, true)}</th><td>{countText(d.conversations, lang)}</td><td>{countText(d.missed, lang)}</td>
              <td>{d.awaited ? percentText(d.within_sl / d.awaited, lang) : '–'}</td>
              {money && <><td>{countText(d.chat_orders, lang)}</td><td>{moneyText(d.chat_revenue_cents, cur, lang)}</td></>}
            </tr>
          ))}
        </tbody>
      </table></div>
    </section>
  );
}

// ---- the hour x weekday heat map ----

export function HeatMap({ rep, t, lang }: P & { rep: Report }) {
  const hm = rep.breakdown?.heatmap;
  const [box, width] = useWidth();
  const [hover, setHover] = useState<{ d: number; h: number } | null>(null);
  if (!hm?.arrivals?.length) return null;
  const days = weekdayNames(lang, 'short');
  const long = weekdayNames(lang, 'long');
  const max = Math.max(0, ...hm.arrivals.flat());
  const peak = heatPeak(hm.arrivals);
  const cellText = (d: number, h: number) => {
    const n = hm.arrivals[d]?.[h] ?? 0;
    const w = hm.wait_avg_ms?.[d]?.[h];
    const words = w == null ? fill(t.rp_heatCellNoWait, { n: countText(n, lang) })
      : fill(t.rp_heatCell, { n: countText(n, lang), t: durationText(w, lang, t.days) });
    return `${long[d]} ${hourSpan(h)}: ${words}`;
  };
  const peakAt = peak ? `${long[peak.weekday]} ${hourSpan(peak.hour)}` : '–';
  const left = 34, topH = 18, gap = 2;
  const cw = Math.max(6, (width - left) / 24);
  const ch = Math.min(26, Math.max(16, cw * 0.8));
  const H = topH + 7 * ch;
  const shown = hover ?? (peak ? { d: peak.weekday, h: peak.hour } : null);
  const labelEvery = cw >= 22 ? 2 : 3;
  return (
    <section class="rp-card rp-heat" aria-labelledby="rp-heat-title">
      <header><h2 id="rp-heat-title">{t.rp_heatTitle}</h2></header>
      <div class="ch-box" ref={box} onMouseLeave={() => setHover(null)}>
        {width > 0 && (
          <svg class="chart" width={width} height={H} role="img"
            aria-label={peak ? fill(t.rp_heatAria, { n: countText(peak.n, lang), t: peakAt }) : t.rp_heatTitle}>
            {Array.from({ length: 24 }, (_, h) => h % labelEvery === 0 && (
              <text key={h} x={left + cw * h + 1} y={12} class="ch-x">{String(h).padStart(2, '0')}</text>
            ))}
            {days.map((name, d) => (
              <g key={d}>
                <text x={left - 8} y={topH + ch * d + ch / 2 + 4} class="ch-y" text-anchor="end">{name}</text>
                {Array.from({ length: 24 }, (_, h) => {
                  const v = hm.arrivals[d]?.[h] ?? 0;
                  const on = shown?.d === d && shown.h === h;
                  return (
                    <rect key={h} x={left + cw * h + gap / 2} y={topH + ch * d + gap / 2} width={cw - gap} height={ch - gap} rx={3}
                      fill={heatColor(v, max)} class={'hm-cell' + (on ? ' on' : '')} data-weekday={d} data-hour={h} data-n={v}
                      onMouseEnter={() => setHover({ d, h })} onClick={() => setHover({ d, h })}>
                      <title>{cellText(d, h)}</title>
                    </rect>
                  );
                })}
              </g>
            ))}
          </svg>
        )}
      </div>
      <div class="hm-foot">
        <p class="hm-read" aria-live="polite">
          {hover ? cellText(hover.d, hover.h) : peak ? fill(t.rp_heatPeak, { t: peakAt, n: countText(peak.n, lang) }) : '–'}
        </p>
        <div class="hm-scale" aria-hidden="true">
          <span>0</span>
          <i style={{ background: `linear-gradient(90deg, ${HEAT_EMPTY}, ${[0.05, 0.25, 0.5, 0.75, 1].map((f) => heatColor(f * max, max)).join(', ')})` }} />
          <span>{countText(max, lang)}</span>
          <small>{t.rp_heatScale}</small>
        </div>
      </div>
      <div class="vh"><table>
        <caption>{t.rp_heatTitle}</caption>
        <thead><tr><th scope="col">{t.rp_colDay}</th>{Array.from({ length: 24 }, (_, h) => <th key={h} scope="col">{hourText(h)}</th>)}</tr></thead>
        <tbody>
          {long.map((name, d) => (
            <tr key={d}><th scope="row">{name}</th>{Array.from({ length: 24 }, (_, h) => <td key={h}>{countText(hm.arrivals[d]?.[h] ?? 0, lang)}</td>)}</tr>
          ))}
        </tbody>
      </table></div>
    </section>
  );
}

// ---- first responses ----

export function FirstResponse({ rep, t, lang }: P & { rep: Report }) {
  const fr = rep.breakdown?.first_response;
  const [box, width] = useWidth();
  if (!fr?.counts?.length) return null;
  const labels = bucketLabels(fr.bounds_s);
  const total = fr.counts.reduce((a, b) => a + (b || 0), 0);
  const target = Math.round(rep.thresholds.service_level_ms / 1000);
  const within = shareWithin(fr, target);
  const inTarget = (i: number) => i < fr.bounds_s.length && fr.bounds_s[i] <= (within?.bound ?? target);
  const H = 190, top = 22, bottom = 34, left = 8, right = 8;
  const n = fr.counts.length;
  const band = Math.max(0, (width - left - right) / n);
  const barW = Math.min(44, band * 0.72);
  const y = niceScale(Math.max(...fr.counts), 3, true);
  const sy = (v: number) => top + (H - top - bottom) * (1 - v / y.top);
  const pct = (v: number) => new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(v);
  const list = labels.map((l, i) => `${l}: ${countText(fr.counts[i] ?? 0, lang)}`).join(', ');
  return (
    <section class="rp-card rp-fr" aria-labelledby="rp-fr-title">
      <header>
        <div>
          <h2 id="rp-fr-title">{t.rp_frTitle}</h2>
          {within && <p class="ch-sub">{fill(t.rp_frWithin, { n: percentText(within.share, lang), t: durationText(within.bound * 1000, lang, t.days) })}</p>}
        </div>
        <ul class="ch-legend" aria-hidden="true">
          <li><i class="sw fast" />{t.rp_frInTarget}</li>
          <li><i class="sw slow" />{t.rp_frLate}</li>
        </ul>
      </header>
      {!total ? <p class="rp-none empty">{t.rp_frNone}</p> : (
        <div class="ch-box" ref={box}>
          {width > 0 && (
            <svg class="chart" width={width} height={H} role="img" aria-label={fill(t.rp_frAria, { t: list })}>
              <line x1={left} x2={width - right} y1={sy(0)} y2={sy(0)} class="ch-base" />
              {fr.counts.map((c, i) => {
                const cx = left + band * i + band / 2;
                const [a, b] = labels[i].length * 6.6 > band - 4 ? splitUnit(labels[i]) : [labels[i], ''];
                return (
                  <g key={i} data-bucket={i}>
                    {c > 0 && <rect x={cx - barW / 2} y={sy(c)} width={barW} height={sy(0) - sy(c)} rx={Math.min(4, barW / 4)} class={inTarget(i) ? 'fr-fast' : 'fr-slow'} />}
                    <text x={cx} y={sy(c) - 6} class="ch-val" text-anchor="middle">{c ? pct(c / total) : ''}</text>
                    <text x={cx} y={H - bottom + 15} class="ch-x" text-anchor="middle">{a}</text>
                    {b && <text x={cx} y={H - bottom + 28} class="ch-x" text-anchor="middle">{b}</text>}
                    <title>{`${labels[i]}: ${countText(c, lang)} (${pct(total ? c / total : 0)})`}</title>
                  </g>
                );
              })}
            </svg>
          )}
        </div>
      )}
      <div class="vh"><table>
        <caption>{t.rp_frTitle}</caption>
        <thead><tr><th scope="col">{t.rp_frRange}</th><th scope="col">{t.rp_frCount}</th></tr></thead>
        <tbody>{labels.map((l, i) => <tr key={i}><th scope="row">{l}</th><td>{countText(fr.counts[i] ?? 0, lang)}</td></tr>)}</tbody>
      </table></div>
    </section>
  );
}

// "10–20 s" as two lines on a narrow axis: "10–20" and "s".
function splitUnit(label: string): [string, string] {
  const i = label.lastIndexOf(' ');
  return i > 0 ? [label.slice(0, i), label.slice(i + 1)] : [label, ''];
}
