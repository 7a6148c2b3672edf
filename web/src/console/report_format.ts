// The Reports view's logic that is not rendering: the shape of GET /api/tenants/{id}/reports/summary
// (docs/openapi.yaml; every figure is defined in docs/metrics.md), the change of a figure against
// the period before, durations and percentages in words, the dates of the quick choices, and the
// per-agent CSV. Pure — no DOM, no fetch — so it is unit-tested in Node (web/test/reports.test.mjs).
import type { Origin } from '../protocol.gen';
import type { AgentEarnings, Breakdown, Earnings } from './report_money';

export type Durations = { avg: number; p50: number; p90: number; n: number } | null;

// The KPIs, and what the chats earned (report_money.ts).
export interface Summary extends Earnings {
  conversations: number;
  chats: number;
  answered: number;
  missed: number;
  abandoned: number;
  slow: number;
  transferred: number;
  service_level: number | null;  // 0..1
  missed_rate: number | null;    // 0..1
  wait_ms: Durations;
  first_response_ms: Durations;
  first_response_business_ms: Durations;
  reply_ms: Durations;
  handling_ms: Durations;
}

export type AgentSummary = Summary & AgentEarnings & { agent: number };

export interface Report {
  tenant: number;
  from: string;  // YYYY-MM-DD, the tenant's local days, both included
  to: string;
  tz: string;
  days: number;
  summary: Summary;
  previous: Summary;
  agents: AgentSummary[];
  thresholds: { slow_ms: number; service_level_ms: number };
  breakdown?: Breakdown;       // the day series, the hour x weekday heat map, first responses
  attribution_days?: number;   // an order is credited to a chat within this many days
  // Answers against each inbox channel's expected response time (the whole tenant only).
  response_targets?: TargetRow[];
}

export type TargetRow = { origin: Origin; target: string; on_time: number; late: number; overdue: number; waiting: number; unanswered: number };

export type Filters = { from: string; to: string; origin: Origin | '' };

// The query string of a report request: only what was chosen (the server's defaults otherwise).
export function reportQuery(f: Partial<Filters>): string {
  const q = new URLSearchParams();
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  if (f.origin) q.set('origin', f.origin);
  const s = q.toString();
  return s ? '?' + s : '';
}

// ---- change against the previous period ----

// Which way is better for a figure: more answered chats is good, more missed ones or longer
// waits are bad; more conversations (or longer handling) is neither.
export type Better = 'up' | 'down' | 'none';

export interface Change {
  dir: 'up' | 'down' | 'flat';
  tone: 'good' | 'bad' | 'neutral';
  unit: 'pct' | 'pt' | 'abs';  // a relative change in %, a difference in percentage points, or in units
  value: number;               // signed, rounded (pct and pt to one decimal)
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const round1 = (v: number) => Math.round(v * 10) / 10 || 0;  // || 0: no "-0"

// How `cur` compares with `prev`. Counts and durations change relatively (%); a rate (0..1)
// changes in percentage points. From zero a relative change does not exist: the difference in
// units is given instead. Nothing to compare (a null on either side): null.
export function change(cur: number | null | undefined, prev: number | null | undefined,
  o: { kind: 'relative' | 'points'; better: Better }): Change | null {
  if (!isNum(cur) || !isNum(prev)) return null;
  let unit: Change['unit'];
  let value: number;
  if (o.kind === 'points') {
    unit = 'pt';
    value = round1((cur - prev) * 100);
  } else if (prev === 0) {
    unit = cur === 0 ? 'pct' : 'abs';
    value = cur;
  } else {
    unit = 'pct';
    value = round1(((cur - prev) / Math.abs(prev)) * 100);
  }
  const dir = value > 0 ? 'up' : value < 0 ? 'down' : 'flat';
  const tone = dir === 'flat' || o.better === 'none' ? 'neutral' : dir === o.better ? 'good' : 'bad';
  return { dir, tone, unit, value };
}

const ARROW = { up: '↑', down: '↓', flat: '→' } as const;

// "↑ +12.5 %", "↓ −3.0 pp", "↑ +4": the arrow, the signed change. `points` is the words for
// percentage points with {n} for the number ("{n} %-yks.", "{n} pp").
export function changeText(c: Change, lang: string, points = '{n} pp'): string {
  const one = { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' } as const;
  let text: string;
  if (c.unit === 'pct') text = new Intl.NumberFormat(lang, { style: 'percent', ...one }).format(c.value / 100);
  else if (c.unit === 'pt') text = points.replace('{n}', new Intl.NumberFormat(lang, one).format(c.value));
  else text = new Intl.NumberFormat(lang, { signDisplay: 'exceptZero', maximumFractionDigits: 1 }).format(c.value);
  return `${ARROW[c.dir]} ${text}`;
}

// ---- numbers in words ----

// A duration for people: "0.8 s", "42 s", "3 min 5 s", "1 h 2 min", "2 d 3 h"; no value: "–".
// `day` is the language's abbreviation of a day (strings.json "days").
export function durationText(ms: number | null | undefined, lang: string, day = 'd'): string {
  if (!isNum(ms) || ms < 0) return '–';
  if (ms < 9950) return `${new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(ms / 1000)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const m = Math.round(s / 60);
  if (m < 24 * 60) return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m / 60} h`;
  const h = Math.round(m / 60);
  return h % 24 ? `${Math.floor(h / 24)} ${day} ${h % 24} h` : `${h / 24} ${day}`;
}

// A share 0..1 as a percentage with one decimal in the language's way ("87,5 %", "87.5%"); null: "–".
export function percentText(rate: number | null | undefined, lang: string): string {
  if (!isNum(rate)) return '–';
  return new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(rate);
}

export const countText = (n: number | null | undefined, lang: string) => (isNum(n) ? new Intl.NumberFormat(lang).format(n) : '–');

// ---- dates (YYYY-MM-DD, calendar days: no time zone involved) ----

const dayMs = 86400000;
const parseDay = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
const dayText = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const isDay = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && dayText(parseDay(d)) === d;
export const addDays = (d: string, n: number) => dayText(parseDay(d) + n * dayMs);
export const daysBetween = (from: string, to: string) => Math.round((parseDay(to) - parseDay(from)) / dayMs) + 1;

// This browser's calendar day.
export function localToday(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

export type Quick = '7d' | '30d' | 'month' | '4w' | '8w' | '12w';
export const QUICK: readonly Quick[] = ['7d', '30d', 'month'];
// The staffing planner averages each hour of the week over the weeks: whole weeks.
export const QUICK_WEEKS: readonly Quick[] = ['4w', '8w', '12w'];
const QUICK_DAYS: Partial<Record<Quick, number>> = { '7d': 7, '30d': 30, '4w': 28, '8w': 56, '12w': 84 };

// The last 7 or 30 days (or 4, 8, 12 weeks) up to today, or this month so far.
export function quickRange(q: Quick, today: string): { from: string; to: string } {
  if (q === 'month') return { from: today.slice(0, 8) + '01', to: today };
  return { from: addDays(today, 1 - (QUICK_DAYS[q] ?? 7)), to: today };
}

// Which quick choice (of `list`) the period is, if any.
export const quickOf = (from: string, to: string, today: string, list: readonly Quick[] = QUICK): Quick | undefined =>
  list.find((q) => { const r = quickRange(q, today); return r.from === from && r.to === to; });

// The period the change is measured against: as many days, just before.
export const previousPeriod = (from: string, days: number) => ({ from: addDays(from, -days), to: addDays(from, -1) });

// "27.11.–3.12.2026", "27 nov.–3 dec. 2026", "Nov 27 – Dec 3, 2026"; one day is that day.
export function periodText(from: string, to: string, lang: string): string {
  const f = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const a = new Date(parseDay(from));
  const b = new Date(parseDay(to));
  if (from === to) return f.format(a);
  const range = (f as Intl.DateTimeFormat & { formatRange?: (x: Date, y: Date) => string }).formatRange;
  return range ? range.call(f, a, b) : `${f.format(a)} – ${f.format(b)}`;
}

// ---- the per-agent table and its CSV ----

// The busiest first; then by name.
export function sortAgents(rows: AgentSummary[], nameOf: (id: number) => string): AgentSummary[] {
  return [...rows].sort((a, b) => b.chats - a.chats || b.conversations - a.conversations || nameOf(a.agent).localeCompare(nameOf(b.agent)) || a.agent - b.agent);
}

export type Cell = string | number | null | undefined;

// One CSV field (RFC 4180): quoted when it holds a comma, a semicolon, a quote or a line break,
// quotes doubled. Text that a spreadsheet would run as a formula (=, +, -, @ first) gets a
// leading apostrophe; numbers stay numbers.
export function csvCell(v: Cell, comma = false): string {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '';
  if (typeof v === 'number') return comma ? String(v).replace('.', ',') : String(v);  // with ';' between
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// The file as a spreadsheet of the language opens it with a double click: English with commas
// and decimal points; Finnish and Swedish (whose spreadsheets take the comma for the decimal
// sign) with semicolons and decimal commas.
export const csvStyle = (lang: string) => ({ sep: lang === 'en' ? ',' : ';', comma: lang !== 'en' });
export const toCsv = (rows: Cell[][], style = csvStyle('en')): string =>
  rows.map((r) => r.map((v) => csvCell(v, style.comma)).join(style.sep)).join('\r\n') + '\r\n';

// The figures of one row as the CSV holds them: counts, the service level in % and the averages
// in seconds, one decimal, then satisfaction (share of 4-5 answers in %, the answers), the chats
// whose outcome was a sale, and the orders and revenue credited (an agent's own; the total row's
// are every order credited to a chat), the revenue in the currency's units with two decimals
// (the decimal sign as csvStyle says); no value is an empty field.
const pct1 = (r: number | null | undefined) => (isNum(r) ? round1(r * 100) : null);
const sec1 = (d: Durations) => (d && isNum(d.avg) ? round1(d.avg / 1000) : null);
export const credited = (s: Summary | AgentSummary): { orders: number | null; revenue_cents: number | null } =>
  'agent' in s ? { orders: s.orders ?? null, revenue_cents: s.revenue_cents ?? null }
    : { orders: s.sales?.chat_orders ?? null, revenue_cents: s.sales?.chat_revenue_cents ?? null };
export const csvFigures = (s: Summary | AgentSummary): Cell[] => {
  const c = credited(s);
  return [s.chats, s.answered, s.missed, pct1(s.service_level), sec1(s.wait_ms), sec1(s.first_response_ms), sec1(s.handling_ms),
    s.csat?.answers ? pct1(s.csat.score) : null, s.csat?.answers ?? null, s.outcomes?.sale ?? null,
    c.orders, isNum(c.revenue_cents) ? Math.round(c.revenue_cents) / 100 : null];
};

// The chats no agent had (missed before anyone took them): the total's counts less the agents'
// rows, which hold each conversation of its last assignee. Null when there are none, so that the
// agents' rows and this one add up to the total.
export type Unassigned = { chats: number; answered: number; missed: number };
export function unassigned(total: Summary, rows: AgentSummary[]): Unassigned | null {
  const rest = (k: keyof Unassigned) => Math.max(0, (total[k] || 0) - rows.reduce((n, r) => n + (r[k] || 0), 0));
  const u = { chats: rest('chats'), answered: rest('answered'), missed: rest('missed') };
  return u.chats || u.answered || u.missed ? u : null;
}

// The per-agent table as CSV: the header (the caller's words: ID, agent, then the twelve figures),
// one row per agent, the chats nobody had, and the total.
export function agentCsv(rows: AgentSummary[], nameOf: (id: number) => string, header: string[], total?: { label: string; s: Summary },
  nobody?: { label: string; u: Unassigned }, lang = 'en'): string {
  const out: Cell[][] = [header];
  for (const r of rows) out.push([r.agent, nameOf(r.agent), ...csvFigures(r)]);
  if (nobody) out.push(['', nobody.label, nobody.u.chats, nobody.u.answered, nobody.u.missed, ...Array<Cell>(9).fill(null)]);
  if (total) out.push(['', total.label, ...csvFigures(total.s)]);
  return toCsv(out, csvStyle(lang));
}

// A file name for the download: tiski-report-<tenant>-<from>_<to>.csv, only safe characters.
export function csvName(tenant: string, from: string, to: string): string {
  const slug = tenant.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return `tiski-report-${slug ? slug + '-' : ''}${from}_${to}.csv`;
}
