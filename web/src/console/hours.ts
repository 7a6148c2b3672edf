// Business hours in the form the server prints (src/chat/presence/hours.h), taken apart for the
// editor and put back together:
//   tz=Europe/Helsinki; mon 09:00-17:00; sat 10:00-14:00; 2026-12-24 closed; 2026-12-31 10:00-13:00
// Pure; the server validates what is saved and answers with its own canonical text.
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export type Hours = {
  tz: string;
  week: string[];  // Monday first: "09:00-17:00" or "09:00-12:00,13:00-17:00"; '' = closed
  exceptions: { date: string; hours: string }[];  // hours: intervals, or '' = closed all day
};

export const emptyHours = (tz: string): Hours => ({
  tz, week: ['09:00-17:00', '09:00-17:00', '09:00-17:00', '09:00-17:00', '09:00-17:00', '', ''], exceptions: [],
});

// Open around the clock in a time zone (the zone still sets the reports' days): every day
// 00:00-24:00, no exceptions.
const ALL_DAY = '00:00-24:00';
export const alwaysHours = (tz: string): Hours => ({ tz, week: DAYS.map(() => ALL_DAY), exceptions: [] });
export const isAlways = (h: Hours | null) => !h || (h.week.every((d) => d === ALL_DAY) && !h.exceptions.length);

// '' (always open, in UTC: no hours were ever set) is null. Day ranges ("mon-fri") are spread over their days.
export function parseHours(text: string): Hours | null {
  if (!text.trim()) return null;
  const h: Hours = { tz: 'UTC', week: ['', '', '', '', '', '', ''], exceptions: [] };
  for (const part of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    if (part.startsWith('tz=')) { h.tz = part.slice(3).trim(); continue; }
    const [what, ...rest] = part.split(/\s+/);
    const hours = rest.join('') === 'closed' ? '' : rest.join('');
    if (/^\d{4}-\d{2}-\d{2}$/.test(what)) { h.exceptions.push({ date: what, hours }); continue; }
    const [a, b] = what.split('-');
    const from = DAYS.indexOf(a as typeof DAYS[number]), to = b ? DAYS.indexOf(b as typeof DAYS[number]) : from;
    if (from < 0 || to < 0) continue;
    for (let d = from; d <= to; d++) h.week[d] = hours;
  }
  return h;
}

// The text to PUT; exceptions by date.
export function hoursText(h: Hours): string {
  const parts = [`tz=${h.tz.trim()}`];
  h.week.forEach((v, d) => { if (v.trim()) parts.push(`${DAYS[d]} ${v.replace(/\s+/g, '')}`); });
  for (const e of [...h.exceptions].sort((x, y) => x.date.localeCompare(y.date))) {
    if (e.date) parts.push(`${e.date} ${e.hours.trim() ? e.hours.replace(/\s+/g, '') : 'closed'}`);
  }
  return parts.join('; ');
}
