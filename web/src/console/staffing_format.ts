// The staffing planner's logic that is not rendering (the Staffing tab of reports.tsx): the shape
// of GET /api/tenants/{id}/reports/staffing (docs/openapi.yaml; the Erlang C model is in
// docs/metrics.md, "Staffing"), the planner's inputs and their limits, how an hour of the week is
// coloured, which hours the grid may fold away, the numbers in words and the 168-row CSV. Pure —
// no DOM, no fetch — so it is unit-tested in Node (web/test/staffing.test.mjs).
import { csvStyle, toCsv, type Cell } from './report_format';
import { put } from './fill';

export interface StaffingHour {
  weekday: number;        // 0 = Monday, in the tenant's time zone
  hour: number;           // 0..23
  arrivals: number;       // live chats per hour, average over the weeks
  erlangs: number;        // arrivals x handling time
  seats: number;          // chat seats for the target, by the plan's model
  seats_erlang_c?: number;  // ...and by Erlang C (nobody gives up); an older server: absent
  agents_needed: number;  // seats / concurrency, rounded up
  agents_online: number;  // average agents online
  awaited: number;        // chats in which the visitor waited for an answer
  within: number;         // ...answered within the target time
  service_level: number | null;  // within / awaited; null when awaited is 0
  target_missed: boolean;
}

export interface Staffing {
  tenant: number;
  from: string;
  to: string;
  tz: string;
  weeks: number;
  target: number;      // 0.5..0.99
  within_s: number;
  hourly_cost: number;
  handling_s: number;
  concurrency: number;
  model?: 'erlang_a' | 'erlang_c';  // the seats' model (absent from an older server: Erlang C)
  gave_up?: number;                 // awaited chats the visitor left unanswered
  patience_s?: number | null;       // their mean patience; null: nobody gave up
  agent_hours_per_week: number;
  online_agent_hours_per_week: number;
  monthly_cost: number | null;
  hours: StaffingHour[];  // 168, Monday 00:00 first
}

// ---- the planner's inputs, as the form holds them (text) ----

// Target in percent (what people type: 80), seconds, the cost of an agent hour in euros
// ('' or 0: no cost) and the model (auto: Erlang A once enough visitors gave up). The limits
// are the server's (docs/openapi.yaml).
export type Model = 'auto' | 'erlang_a' | 'erlang_c';
export const MODELS: readonly Model[] = ['auto', 'erlang_a', 'erlang_c'];
// A model's name as people write it; auto: the caller's word for it.
export const modelName = (m: Model | undefined, auto: string) => (m === 'erlang_a' ? 'Erlang A' : m === 'erlang_c' || !m ? 'Erlang C' : auto);
export type Ask = { target: string; within: string; cost: string; model?: Model };
export const ASK_DEFAULT: Ask = { target: '80', within: '20', cost: '', model: 'auto' };
export const ASK_LIMITS = {
  target: { min: 50, max: 99, step: 1 },
  within: { min: 1, max: 600, step: 1 },
  cost: { min: 0, max: 1000, step: 0.5 },
} as const;

// "80", "80,5" and " 80 " are numbers; "", "8o" and "1e3" are not. A comma is a decimal point.
export function parseNumber(s: string): number | null {
  const t = s.trim().replace(',', '.');
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : null;
}

// Which inputs are wrong (out of range or not a number); none: the query is asked.
export function askProblems(a: Ask): (keyof Ask)[] {
  const bad: (keyof Ask)[] = [];
  for (const k of ['target', 'within', 'cost'] as const) {
    if (k === 'cost' && !a.cost.trim()) continue;
    const v = parseNumber(a[k]);
    const l = ASK_LIMITS[k];
    if (v === null || v < l.min || v > l.max || (k !== 'cost' && !Number.isInteger(v))) bad.push(k);
  }
  return bad;
}

// The query string of a staffing request: the period when chosen (the server's default, the
// last 28 days, otherwise), the target as a share ("80" -> 0.8), the seconds and the cost.
export function staffingQuery(period: { from?: string; to?: string }, a: Ask): string {
  const q = new URLSearchParams();
  if (period.from) q.set('from', period.from);
  if (period.to) q.set('to', period.to);
  const target = parseNumber(a.target);
  const within = parseNumber(a.within);
  const cost = parseNumber(a.cost);
  if (target !== null) q.set('target', String(Math.round(target) / 100));
  if (within !== null) q.set('within_s', String(within));
  if (cost) q.set('hourly_cost', String(cost));
  if (a.model && a.model !== 'auto') q.set('model', a.model);
  const s = q.toString();
  return s ? '?' + s : '';
}

// ---- an hour of the week, classified ----

// short: at least one whole agent fewer online than needed; low: short by less than one (but more
// than SLACK); ok: within SLACK below to under one agent above; over: at least one agent to spare,
// or anybody online (SLACK or more) in an hour with no chats; none: no chats and nobody online.
export type Staffed = 'short' | 'low' | 'ok' | 'over' | 'none';
export const STAFFED: readonly Staffed[] = ['short', 'low', 'ok', 'over', 'none'];
export const SLACK = 0.25;  // a quarter of an agent on average: "about right"

export function staffed(h: Pick<StaffingHour, 'arrivals' | 'agents_needed' | 'agents_online'>): Staffed {
  const online = Number.isFinite(h.agents_online) ? h.agents_online : 0;
  if (h.agents_needed <= 0 && !(h.arrivals > 0)) return online >= SLACK ? 'over' : 'none';
  const diff = online - h.agents_needed;
  if (diff <= -1) return 'short';
  if (diff < -SLACK) return 'low';
  if (diff >= 1) return 'over';
  return 'ok';
}

// An hour worth showing: chats arrived, somebody was needed or online.
export const busy = (h: StaffingHour) => staffed(h) !== 'none' || h.agents_needed > 0 || h.arrivals > 0;

// The hours of the day (0..23) the grid shows: all of them, or the span from an hour before the
// first busy hour (on any day) to an hour after the last, so the quiet night folds away but the
// day stays in one piece. Nothing busy at all: every hour.
export function visibleHours(hours: StaffingHour[], all: boolean): number[] {
  const every = Array.from({ length: 24 }, (_, i) => i);
  if (all) return every;
  const used = new Set(hours.filter(busy).map((h) => h.hour));
  if (!used.size) return every;
  const first = Math.max(0, Math.min(...used) - 1);
  const last = Math.min(23, Math.max(...used) + 1);
  return every.filter((h) => h >= first && h <= last);
}

// The 168 hours by weekday and hour; missing ones (an older server) are undefined.
export function byDayHour(hours: StaffingHour[]): (StaffingHour | undefined)[][] {
  const grid: (StaffingHour | undefined)[][] = Array.from({ length: 7 }, () => new Array(24).fill(undefined));
  for (const h of hours) if (h.weekday >= 0 && h.weekday < 7 && h.hour >= 0 && h.hour < 24) grid[h.weekday][h.hour] = h;
  return grid;
}

// How many hours of the week missed the target, were short of agents, had chats.
export function weekTotals(hours: StaffingHour[]) {
  let missed = 0, short = 0, withChats = 0, peak = 0;
  for (const h of hours) {
    if (h.target_missed) missed++;
    const s = staffed(h);
    if (s === 'short' || s === 'low') short++;
    if (h.arrivals > 0) withChats++;
    peak = Math.max(peak, h.agents_needed);
  }
  return { missed, short, withChats, peak };
}

// ---- numbers in words ----

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

// A number with at most `max` decimals in the language's way ("1,25", "1.25"); none: "–".
export function decimalText(v: number | null | undefined, lang: string, max = 1, min = 0): string {
  if (!isNum(v)) return '–';
  return new Intl.NumberFormat(lang, { minimumFractionDigits: min, maximumFractionDigits: max }).format(v);
}

// Agent hours: "42 h", "38,5 h".
export const hoursText = (v: number | null | undefined, lang: string) => (isNum(v) ? `${decimalText(v, lang, 1)} h` : '–');

// Money in euros without cents when large: "4 565 €", "€4,565"; "12,50 €" under 100.
export function euroText(v: number | null | undefined, lang: string): string {
  if (!isNum(v)) return '–';
  const cents = Math.abs(v) < 100 && !Number.isInteger(v);
  return new Intl.NumberFormat(lang, { style: 'currency', currency: 'EUR', minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: cents ? 2 : 0 }).format(v);
}

// Monday first, in the language: short ("ma", "mån", "Mon") or long ("maanantai").
export function weekdayNames(lang: string, width: 'short' | 'long' = 'short'): string[] {
  const f = new Intl.DateTimeFormat(lang, { weekday: width, timeZone: 'UTC' });
  return Array.from({ length: 7 }, (_, i) => f.format(new Date(Date.UTC(2024, 0, 1 + i))));  // 1.1.2024 was a Monday
}

export const hourText = (h: number) => `${String(h).padStart(2, '0')}:00`;
export const hourSpan = (h: number) => `${hourText(h)}–${hourText((h + 1) % 24)}`;

// The words a cell's details need (strings.json): {n} is the number.
export type CellWords = {
  arrivals: string;  // "{n} chats/h"
  erlangs: string;   // "{n} Erlangs"
  seats: string;     // "{n} chat seats"
  seatsC?: string;   // "{n} by Erlang C": shown when the plan's model gave fewer
  needed: string;    // "{n} agents needed"
  online: string;    // "{n} online on average"
  sl: string;        // "service level {n}"
  slNone: string;    // "nobody waited"
  missed: string;    // "under the target"
};

// The details of an hour, one fact a line: the day and hour, then each figure.
export function cellLines(h: StaffingHour, day: string, w: CellWords, lang: string): string[] {
  const n = (s: string, v: string) => put(s, 'n', v);
  const sl = h.service_level == null ? w.slNone
    : n(w.sl, new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(h.service_level));
  return [
    `${day} ${hourSpan(h.hour)}`,
    n(w.arrivals, decimalText(h.arrivals, lang, 2)),
    n(w.erlangs, decimalText(h.erlangs, lang, 2)),
    n(w.seats, String(h.seats)),
    ...(w.seatsC && h.seats_erlang_c != null && h.seats_erlang_c !== h.seats ? [n(w.seatsC, String(h.seats_erlang_c))] : []),
    n(w.needed, String(h.agents_needed)),
    n(w.online, decimalText(h.agents_online, lang, 1)),
    sl + (h.target_missed ? ` · ${w.missed}` : ''),
  ];
}

// ---- the CSV ----

// The 168 hours as CSV: the caller's header (day, hour, then the ten figures: Erlang C's seats
// after the plan's), the day's name,
// the hour as "08:00", the figures (the decimal sign and separator as report_format's csvStyle says), the service level in %,
// and whether the target was missed in the caller's words.
export function staffingCsv(hours: StaffingHour[], header: string[], days: string[], yesNo: [string, string], lang = 'en'): string {
  const r2 = (v: number) => (isNum(v) ? Math.round(v * 100) / 100 : null);
  const out: Cell[][] = [header];
  const sorted = [...hours].sort((a, b) => a.weekday - b.weekday || a.hour - b.hour);
  for (const h of sorted) {
    out.push([days[h.weekday] ?? h.weekday, hourText(h.hour), r2(h.arrivals), r2(h.erlangs), h.seats, h.seats_erlang_c ?? h.seats, h.agents_needed,
      r2(h.agents_online), h.awaited, h.within, isNum(h.service_level) ? Math.round(h.service_level * 1000) / 10 : null,
      h.target_missed ? yesNo[0] : yesNo[1]]);
  }
  return toCsv(out, csvStyle(lang));
}

// tiski-staffing-<tenant>-<from>_<to>.csv, only safe characters.
export function staffingCsvName(tenant: string, from: string, to: string): string {
  const slug = tenant.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return `tiski-staffing-${slug ? slug + '-' : ''}${from}_${to}.csv`;
}

// The hour of the week it is now in a time zone (the tenant's): {weekday 0 = Monday, hour}; a
// zone the browser does not know: undefined.
export function nowIn(tz: string, now = new Date()): { weekday: number; hour: number } | undefined {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz || 'UTC', weekday: 'short', hour: 'numeric', hourCycle: 'h23' }).formatToParts(now);
    const wd = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.find((p) => p.type === 'weekday')?.value ?? '');
    const hour = Number(parts.find((p) => p.type === 'hour')?.value) % 24;
    return wd < 0 || !Number.isInteger(hour) ? undefined : { weekday: wd, hour };
  } catch {
    return undefined;
  }
}
