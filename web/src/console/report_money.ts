// The logic of the Reports view's sales parts that is not rendering (report_sales.tsx and
// report_charts.tsx): the shapes the summary gained (sales, chat vs non-chat, the proactive
// funnel, the holdout, outcomes, tags, CSAT and the breakdown; docs/openapi.yaml), money in the
// language's way, intervals and the holdout's verdict, relative differences, and the scales of
// the charts. Pure — no DOM, no fetch — so it is unit-tested in Node (web/test/report_money.test.mjs).
import { countText, percentText } from './report_format';

// ---- the shapes ----

export const OUTCOMES = ['sale', 'lead', 'redirected', 'resolved', 'none', 'spam', 'unset'] as const;
export type OutcomeKey = (typeof OUTCOMES)[number];
export type Outcomes = Partial<Record<OutcomeKey, number>>;
export type TagCount = { tag: string; n: number };

export interface Csat {
  shown: number;
  answers: number;
  response_rate: number | null;  // answers / shown
  score: number | null;          // share of 4-5 answers, 0..1
  average: number | null;        // 1..5
  by_score: number[];            // answers with 1..5 stars
}

export interface Sales {
  currency: string | null;  // of most orders; money is summed in it
  orders: number;
  revenue_cents: number;
  chat_orders: number;      // credited to a chat
  chat_revenue_cents: number;
  chat_share: number | null;  // chat_revenue / revenue
  leads: number;
  chat_leads: number;
  other_currency_orders: number;
}

export interface VisitorGroup {
  visitor_days: number;
  converted: number;
  rate: number | null;
  orders: number;
  revenue_cents: number;
  aov_cents: number | null;
}
export type ChatVsNonchat = { unit: 'visitor_day'; chatters: VisitorGroup; non_chatters: VisitorGroup };

export interface Funnel {
  shown: number;
  accepted: number;
  converted: number;
  held_out: number;
  accept_rate: number | null;
  convert_rate: number | null;
}

export type Interval = [number, number];
export interface Arm {
  visits: number;
  converted: number;
  rate: number | null;
  rate_ci: Interval;
  revenue_cents: number;
  revenue_per_visit_cents: number | null;
  aov_cents: number | null;
}
export interface Uplift {
  rate: number;                       // invited - held out, 0..1 scale
  rate_ci: Interval;
  revenue_per_1000_cents: number;     // per 1,000 eligible visits
  revenue_per_1000_ci: Interval | null;
}
export type Holdout = { invited: Arm; held_out: Arm; uplift: Uplift };

// What a summary (and the period before) holds beside the KPIs of report_format.ts. Optional:
// an older server leaves them out and the sections stay away.
export interface Earnings {
  outcomes?: Outcomes;
  tags?: TagCount[];
  csat?: Csat;
  sales?: Sales;
  chat_vs_nonchat?: ChatVsNonchat | null;  // null: a plain agent's report
  funnel?: Funnel | null;
  holdout?: Holdout | null;                // null: no experiment (or a plain agent)
}
// ...and each per-agent row: the orders and leads credited to the agent.
export type AgentEarnings = Earnings & { orders?: number; revenue_cents?: number; leads?: number };

export interface DayPoint {
  day: string;
  conversations: number;
  chats: number;
  answered: number;
  missed: number;
  awaited: number;
  within_sl: number;
  chat_orders: number;
  chat_revenue_cents: number;
}
export interface Breakdown {
  series: DayPoint[];
  heatmap: { arrivals: number[][]; wait_avg_ms: (number | null)[][] };  // 7 x 24, Monday first
  first_response: { bounds_s: number[]; counts: number[] };  // counts has one more: over the last bound
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

// ---- money ----

// Cents in the currency, in the language's way: "12 430 €", "€12,430"; under 1,000 with the
// cents ("149,90 €", not "150 €"; "90 €" stays whole). `compact` for an axis ("12 t. €", "€12K"), `sign` for a difference
// ("+1 943 €"). No currency (nothing sold yet): the number alone. A code the browser does not
// know: the number and the code. No value: "–".
export function moneyText(cents: number | null | undefined, currency: string | null | undefined, lang: string,
  o: { compact?: boolean; sign?: boolean } = {}): string {
  if (!isNum(cents)) return '–';
  const v = cents / 100;
  const small = Math.abs(v) < (o.sign ? 100 : 1000) && !Number.isInteger(v);  // an estimate's difference: whole units sooner
  const opts: Intl.NumberFormatOptions = {
    minimumFractionDigits: small && !o.compact ? 2 : 0,
    maximumFractionDigits: small ? 2 : o.compact ? 1 : 0,
    ...(o.compact ? { notation: 'compact' } : {}),
    ...(o.sign ? { signDisplay: 'exceptZero' } : {}),
  };
  if (currency) {
    try {
      return new Intl.NumberFormat(lang, { ...opts, style: 'currency', currency }).format(v);
    } catch {
      return `${new Intl.NumberFormat(lang, opts).format(v)} ${String(currency).slice(0, 8)}`;
    }
  }
  return new Intl.NumberFormat(lang, opts).format(v);
}

// The average order of `cents` over `orders` (null without orders).
export const averageCents = (cents: number | null | undefined, orders: number | null | undefined) =>
  isNum(cents) && isNum(orders) && orders > 0 ? cents / orders : null;

// ---- differences and intervals ----

// How much bigger `a` is than `b`, relatively (0.37 = 37 % more); nothing to compare: null.
export function relativeDiff(a: number | null | undefined, b: number | null | undefined): number | null {
  if (!isNum(a) || !isNum(b) || b <= 0) return null;
  return (a - b) / b;
}

// A relative difference in words: "+37 %", "−12 %"; twice or more as a multiple, "6,0×", which
// reads better than "+498 %". Nothing to compare: null.
export function relativeText(a: number | null | undefined, b: number | null | undefined, lang: string): string | null {
  const d = relativeDiff(a, b);
  if (d === null) return null;
  if (d >= 1) return `${new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(d + 1)}×`;
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' }).format(d);
}

// A difference of two rates (0..1) in percentage points with one decimal and its sign:
// "+0,7 %-yks."; `points` is the words with {n} (strings.json rp_points).
export function pointsText(diff: number | null | undefined, lang: string, points = '{n} pp'): string {
  if (!isNum(diff)) return '–';
  const n = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(Math.round(diff * 1000) / 10 || 0);
  return points.replace('{n}', n);
}

// An interval as "A – B" (spaced: either end may carry a minus sign).
export const rangeText = (ci: Interval | null | undefined, f: (v: number) => string): string =>
  ci && isNum(ci[0]) && isNum(ci[1]) ? `${f(ci[0])} – ${f(ci[1])}` : '–';

// A rate's interval in percent: "7,4 – 9,2 %" (the unit once when the language puts it last).
export function rateRangeText(ci: Interval | null | undefined, lang: string): string {
  if (!ci || !isNum(ci[0]) || !isNum(ci[1])) return '–';
  return `${percentText(ci[0], lang)} – ${percentText(ci[1], lang)}`;
}

// The holdout's verdict: the 95 % interval of the uplift above zero (invitations add buying),
// below it (they take away), or across it (not significant yet).
export type Verdict = 'up' | 'down' | 'unclear';
export function verdict(ci: Interval | null | undefined): Verdict {
  if (!ci || !isNum(ci[0]) || !isNum(ci[1])) return 'unclear';
  if (ci[0] > 0) return 'up';
  if (ci[1] < 0) return 'down';
  return 'unclear';
}

// The verdict in words: `w` are the sentences with {n} (the uplift) and {t} (the interval).
export type VerdictWords = { up: string; down: string; unclear: string; points: string };
export function verdictText(u: Pick<Uplift, 'rate' | 'rate_ci'>, lang: string, w: VerdictWords): { kind: Verdict; text: string } {
  const kind = verdict(u.rate_ci);
  const ci = rangeText(u.rate_ci, (v) => pointsText(v, lang, '{n}'));
  const text = w[kind].replace('{n}', pointsText(u.rate, lang, w.points)).replace('{t}', `${ci} ${w.points.replace('{n}', '').trim()}`.trim());
  return { kind, text };
}

// ---- scales ----

// A "nice" axis over 0..max: the top and the step (1, 2, 2.5 or 5 times a power of ten), and the
// ticks; `integer` for counts (no step under 1). Nothing to show (max 0): 0..1 in steps of 1.
export function niceScale(max: number, ticks = 4, integer = false): { top: number; step: number; ticks: number[] } {
  if (!isNum(max) || max <= 0) return { top: 1, step: 1, ticks: [0, 1] };
  const raw = max / ticks;
  const pow = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  if (integer) step = step < 1 ? 1 : step === 2.5 ? 2 : step;
  if (integer && step * ticks < max) step = Math.ceil(raw);
  const top = Math.ceil(max / step - 1e-9) * step;
  const out: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) out.push(Math.round(v * 1e9) / 1e9);
  return { top, step, ticks: out };
}

// The domain of interval bars: from 0 (or below, for differences that may be negative) to a bit
// past the largest end, symmetric around 0 when something is negative so 0 sits in the middle.
export function intervalDomain(values: (number | null | undefined)[]): [number, number] {
  const v = values.filter(isNum);
  if (!v.length) return [0, 1];
  const hi = Math.max(0, ...v);
  const lo = Math.min(0, ...v);
  if (lo < 0) {
    const m = Math.max(-lo, hi) * 1.1 || 1;
    return [-m, m];
  }
  return [0, hi * 1.1 || 1];
}

// Where `v` falls on [d0, d1] as 0..1 (clamped).
export const frac = (v: number, d: [number, number]) => Math.max(0, Math.min(1, (v - d[0]) / (d[1] - d[0] || 1)));

// The heat map's colour for `v` of `max`: a pale paper for nothing, then from a light to the
// brand's dark green, in proportion (a busy hour twice another looks it).
const RAMP: [number, number, number][] = [[0xe4, 0xf1, 0xe8], [0xa8, 0xd5, 0xb8], [0x4f, 0xae, 0x75], [0x2a, 0x7a, 0x55], [0x14, 0x45, 0x2e]];
export const HEAT_EMPTY = '#f2f3f0';
export function heatColor(v: number | null | undefined, max: number): string {
  if (!isNum(v) || v <= 0 || !isNum(max) || max <= 0) return HEAT_EMPTY;
  const t = Math.min(1, v / max) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(t));
  const f = t - i;
  const c = RAMP[i].map((a, k) => Math.round(a + (RAMP[i + 1][k] - a) * f));
  return '#' + c.map((x) => x.toString(16).padStart(2, '0')).join('');
}
// Dark cells get light text (a heat map may print its numbers).
export const heatDark = (v: number | null | undefined, max: number) => isNum(v) && isNum(max) && max > 0 && v / max > 0.55;

// The most of a 7 x 24 grid and where: {weekday, hour, n}; an empty grid: null.
export function heatPeak(grid: number[][] | null | undefined): { weekday: number; hour: number; n: number } | null {
  let best: { weekday: number; hour: number; n: number } | null = null;
  (grid ?? []).forEach((row, weekday) => (row ?? []).forEach((n, hour) => {
    if (isNum(n) && n > 0 && (!best || n > best.n)) best = { weekday, hour, n };
  }));
  return best;
}

// ---- the first-response histogram ----

const secText = (s: number) => (s < 60 ? `${s} s` : `${s / 60} min`);

// The buckets' labels from the upper bounds: "≤ 10 s", "10–20 s", "30–60 s", "1–2 min",
// "> 10 min". Within seconds or within minutes, the unit once.
export function bucketLabels(bounds: number[]): string[] {
  const out: string[] = [];
  bounds.forEach((b, i) => {
    if (i === 0) { out.push(`≤ ${secText(b)}`); return; }
    const a = bounds[i - 1];
    out.push(a < 60 ? `${a}–${b} s` : `${a / 60}–${b / 60} min`);
  });
  if (bounds.length) out.push(`> ${secText(bounds[bounds.length - 1])}`);
  return out;
}

// The share of first responses within `limit_s` when a bucket ends there (else the nearest
// bound below it), and that bound; nothing answered: null.
export function shareWithin(fr: Breakdown['first_response'] | null | undefined, limit_s: number): { share: number; bound: number } | null {
  if (!fr || !fr.bounds_s?.length) return null;
  const total = fr.counts.reduce((a, b) => a + (isNum(b) ? b : 0), 0);
  if (!total) return null;
  let k = -1;
  fr.bounds_s.forEach((b, i) => { if (b <= limit_s) k = i; });
  if (k < 0) k = 0;
  const n = fr.counts.slice(0, k + 1).reduce((a, b) => a + (isNum(b) ? b : 0), 0);
  return { share: n / total, bound: fr.bounds_s[k] };
}

// ---- the day series ----

// Which days get a label on an axis `width` px wide: every day when they fit (about 34 px
// each), else every 2nd, 7th...; the first and the last always.
export function dayLabelEvery(days: number, width: number): number {
  const fit = Math.max(1, Math.floor(width / 38));
  if (days <= fit) return 1;
  for (const k of [2, 3, 7, 14, 28, 56, 91, 182, 365]) if (Math.ceil(days / k) <= fit) return k;
  return Math.ceil(days / fit);
}

// Totals and the best day of a series, for the charts' summaries.
export function seriesStats(s: DayPoint[]) {
  let conversations = 0, missed = 0, revenue = 0, orders = 0;
  let busiest: DayPoint | undefined, richest: DayPoint | undefined;
  for (const d of s) {
    conversations += d.conversations || 0;
    missed += d.missed || 0;
    revenue += d.chat_revenue_cents || 0;
    orders += d.chat_orders || 0;
    if (!busiest || d.conversations > busiest.conversations) busiest = d;
    if (d.chat_revenue_cents > 0 && (!richest || d.chat_revenue_cents > richest.chat_revenue_cents)) richest = d;
  }
  return { conversations, missed, revenue, orders, busiest, richest };
}

// A day "2026-11-04" short, in the language and without a time zone: "4.11.", "4 nov.", "Nov 4".
export function shortDay(day: string, lang: string, weekday = false): string {
  const d = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))));
  return new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'numeric', ...(weekday ? { weekday: 'short' } : {}), timeZone: 'UTC' }).format(d);
}
export const isWeekend = (day: string) => {
  const w = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)))).getUTCDay();
  return w === 0 || w === 6;
};

// ---- outcomes, tags, CSAT ----

// The outcomes in the console's order with their counts and shares of the total; none at all: [].
export function outcomeRows(o: Outcomes | null | undefined): { key: OutcomeKey; n: number; share: number }[] {
  if (!o) return [];
  const total = OUTCOMES.reduce((a, k) => a + (isNum(o[k]) ? o[k]! : 0), 0);
  if (!total) return [];
  return OUTCOMES.map((key) => ({ key, n: isNum(o[key]) ? o[key]! : 0, share: (isNum(o[key]) ? o[key]! : 0) / total }));
}

// CSAT of a row in a table cell: "78 % (45)"; no answers: "–".
export function csatCell(c: Csat | null | undefined, lang: string): string {
  if (!c || !c.answers || !isNum(c.score)) return '–';
  const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(c.score);
  return `${pct} (${countText(c.answers, lang)})`;
}

// The average stars with one decimal: "4,1".
export const starsText = (avg: number | null | undefined, lang: string) =>
  isNum(avg) ? new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(avg) : '–';
