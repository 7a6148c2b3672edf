// Unit tests of the Reports view's logic (web/src/console/report_format.ts), bundled on the fly:
// the change against the previous period, durations and percentages in words, the quick
// periods, and the per-agent CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/console/report_format.ts', import.meta.url));
const code = buildSync({ entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral' }).outputFiles[0].text;
const R = await import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));

const nb = (s) => s.replace(/[\u00a0\u202f]/g, ' ').replace(/\u2212/g, '-');  // Intl's no-break spaces and minus

test('change: relative for counts and durations, points for rates, coloured by which way is better', () => {
  assert.deepEqual(R.change(12, 10, { kind: 'relative', better: 'up' }), { dir: 'up', tone: 'good', unit: 'pct', value: 20 });
  assert.deepEqual(R.change(12, 10, { kind: 'relative', better: 'down' }), { dir: 'up', tone: 'bad', unit: 'pct', value: 20 });
  assert.deepEqual(R.change(8, 10, { kind: 'relative', better: 'down' }), { dir: 'down', tone: 'good', unit: 'pct', value: -20 });
  assert.deepEqual(R.change(8, 10, { kind: 'relative', better: 'none' }), { dir: 'down', tone: 'neutral', unit: 'pct', value: -20 });
  assert.equal(R.change(2, 3, { kind: 'relative', better: 'up' }).value, -33.3, 'one decimal');
  // Rates change in percentage points, not relatively.
  assert.deepEqual(R.change(0.9, 0.75, { kind: 'points', better: 'up' }), { dir: 'up', tone: 'good', unit: 'pt', value: 15 });
  assert.deepEqual(R.change(0.8, 0.8, { kind: 'points', better: 'up' }), { dir: 'flat', tone: 'neutral', unit: 'pt', value: 0 });
  assert.equal(R.change(0.12345, 0.1, { kind: 'points', better: 'down' }).value, 2.3);
  // From zero: the difference in units; zero to zero: no change.
  assert.deepEqual(R.change(3, 0, { kind: 'relative', better: 'down' }), { dir: 'up', tone: 'bad', unit: 'abs', value: 3 });
  assert.deepEqual(R.change(0, 0, { kind: 'relative', better: 'up' }), { dir: 'flat', tone: 'neutral', unit: 'pct', value: 0 });
  // Nothing to compare.
  assert.equal(R.change(null, 5, { kind: 'relative', better: 'up' }), null);
  assert.equal(R.change(5, null, { kind: 'points', better: 'up' }), null);
  assert.equal(R.change(undefined, undefined, { kind: 'relative', better: 'up' }), null);
  assert.equal(R.change(NaN, 1, { kind: 'relative', better: 'up' }), null);
  // A tiny change rounds to no change (and never to "-0").
  const tiny = R.change(1000.01, 1000.02, { kind: 'relative', better: 'down' });
  assert.equal(tiny.dir, 'flat');
  assert.ok(Object.is(tiny.value, 0));
});

test('change in words: arrow, sign, one decimal, the language\'s percent and points', () => {
  const c = (cur, prev, kind = 'relative') => R.change(cur, prev, { kind, better: 'up' });
  assert.equal(nb(R.changeText(c(12, 10), 'en')), '↑ +20.0%');
  assert.equal(nb(R.changeText(c(12, 10), 'fi')), '↑ +20,0 %');
  assert.equal(nb(R.changeText(c(8, 10), 'en')), '↓ -20.0%');
  assert.equal(nb(R.changeText(c(0.9, 0.75, 'points'), 'fi', '{n} %-yks.')), '↑ +15,0 %-yks.');
  assert.equal(nb(R.changeText(c(0.7, 0.75, 'points'), 'en')), '↓ -5.0 pp');
  assert.equal(nb(R.changeText(c(3, 0), 'en')), '↑ +3');
  assert.equal(nb(R.changeText(c(0, 0), 'en')), '→ 0.0%');
});

test('durations for people', () => {
  const d = (ms, lang = 'en') => nb(R.durationText(ms, lang, 'pv'));
  assert.equal(d(null), '–');
  assert.equal(d(undefined), '–');
  assert.equal(d(-5), '–');
  assert.equal(d(0), '0 s');
  assert.equal(d(800), '0.8 s');
  assert.equal(d(800, 'fi'), '0,8 s');
  assert.equal(d(4250, 'sv'), '4,3 s');
  assert.equal(d(9960), '10 s');
  assert.equal(d(42000), '42 s');
  assert.equal(d(59600), '1 min', 'rounds up into minutes');
  assert.equal(d(185000), '3 min 5 s');
  assert.equal(d(180000), '3 min');
  assert.equal(d(3600000), '1 h');
  assert.equal(d(3725000), '1 h 2 min');
  assert.equal(d(26 * 3600000), '1 pv 2 h');
  assert.equal(d(48 * 3600000), '2 pv');
});

test('percentages with one decimal; counts grouped; nothing is a dash', () => {
  assert.equal(nb(R.percentText(0.875, 'fi')), '87,5 %');
  assert.equal(nb(R.percentText(0.875, 'en')), '87.5%');
  assert.equal(nb(R.percentText(1, 'sv')), '100,0 %');
  assert.equal(nb(R.percentText(0, 'en')), '0.0%');
  assert.equal(R.percentText(null, 'en'), '–');
  assert.equal(nb(R.countText(12345, 'fi')), '12 345');
  assert.equal(R.countText(null, 'fi'), '–');
});

test('dates: quick periods, the previous period, the period in words, the query', () => {
  assert.deepEqual(R.quickRange('7d', '2026-03-02'), { from: '2026-02-24', to: '2026-03-02' });
  assert.deepEqual(R.quickRange('30d', '2026-03-02'), { from: '2026-02-01', to: '2026-03-02' });  // 28 + 2 days
  assert.deepEqual(R.quickRange('month', '2026-03-02'), { from: '2026-03-01', to: '2026-03-02' });
  assert.equal(R.quickOf('2026-02-24', '2026-03-02', '2026-03-02'), '7d');
  assert.equal(R.quickOf('2026-02-23', '2026-03-02', '2026-03-02'), undefined);
  // Whole weeks, for the staffing planner.
  assert.deepEqual(R.quickRange('4w', '2026-03-02'), { from: '2026-02-03', to: '2026-03-02' });
  assert.equal(R.daysBetween(R.quickRange('12w', '2026-03-02').from, '2026-03-02'), 84);
  assert.equal(R.quickOf('2026-02-03', '2026-03-02', '2026-03-02', R.QUICK_WEEKS), '4w');
  assert.equal(R.quickOf('2026-02-03', '2026-03-02', '2026-03-02'), undefined, 'not one of the overview\'s choices');
  assert.deepEqual(R.previousPeriod('2026-03-01', 7), { from: '2026-02-22', to: '2026-02-28' });
  assert.equal(R.daysBetween('2024-02-01', '2024-03-01'), 30, 'a leap year');
  assert.equal(R.addDays('2026-03-29', 1), '2026-03-30', 'no time zone: the clocks changing does not matter');
  assert.ok(R.isDay('2024-02-29'));
  assert.ok(!R.isDay('2023-02-29'));
  assert.ok(!R.isDay(''));
  assert.equal(R.localToday(new Date(2026, 0, 5, 23, 59)), '2026-01-05');
  assert.equal(nb(R.periodText('2026-11-27', '2026-12-03', 'fi')), '27.11.–3.12.2026');
  assert.match(nb(R.periodText('2026-11-27', '2026-12-03', 'en')), /Nov 27.*Dec 3, 2026/);
  assert.equal(nb(R.periodText('2026-12-03', '2026-12-03', 'fi')), '3.12.2026');
  assert.equal(R.reportQuery({ from: '', to: '', origin: '' }), '');
  assert.equal(R.reportQuery({ from: '2026-01-01', to: '2026-01-31', origin: 'proactive' }), '?from=2026-01-01&to=2026-01-31&origin=proactive');
});

test('CSV: RFC 4180 quoting, no formulas, numbers as numbers', () => {
  assert.equal(R.csvCell('Aino Virtanen'), 'Aino Virtanen');
  assert.equal(R.csvCell('Virtanen, Aino'), '"Virtanen, Aino"');
  assert.equal(R.csvCell('Aino "Ace" V.'), '"Aino ""Ace"" V."');
  assert.equal(R.csvCell('two\nlines'), '"two\nlines"');
  assert.equal(R.csvCell('a;b'), '"a;b"');
  assert.equal(R.csvCell('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
  assert.equal(R.csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(R.csvCell(-2.5), '-2.5');
  assert.equal(R.csvCell(0), '0');
  assert.equal(R.csvCell(null), '');
  assert.equal(R.csvCell(undefined), '');
  assert.equal(R.csvCell(NaN), '');
  assert.equal(R.toCsv([['a', 'b'], [1, 'c,d']]), 'a,b\r\n1,"c,d"\r\n');
});

const summary = (over = {}) => ({
  conversations: 10, chats: 8, answered: 7, missed: 1, abandoned: 0, slow: 1, transferred: 0, service_level: 0.625, missed_rate: 0.125,
  wait_ms: { avg: 12345, p50: 10000, p90: 30000, n: 7 }, first_response_ms: { avg: 15000, p50: 12000, p90: 40000, n: 9 },
  first_response_business_ms: { avg: 15000, p50: 12000, p90: 40000, n: 9 }, reply_ms: null, handling_ms: { avg: 185000, p50: 120000, p90: 400000, n: 7 },
  ...over,
});

test('the per-agent table: the busiest first, and its CSV with the header, the agents and the total', () => {
  const names = { 1: 'Aino Virtanen', 2: 'Virtanen, "Bo"', 3: 'Cecilia' };
  const nameOf = (id) => names[id] ?? `#${id}`;
  const rows = R.sortAgents([
    { ...summary({ chats: 2, conversations: 2 }), agent: 3 },
    { ...summary({ chats: 5 }), agent: 1 },
    { ...summary({ chats: 2, conversations: 3, service_level: null, wait_ms: null }), agent: 2 },
  ], nameOf);
  assert.deepEqual(rows.map((r) => r.agent), [1, 2, 3]);
  const header = ['ID', 'Agent', 'Chats', 'Answered', 'Missed', 'Service level (%)', 'Avg wait (s)', 'Avg first response (s)', 'Avg handling (s)'];
  const csv = R.agentCsv(rows, nameOf, header, { label: 'All conversations', s: summary() });
  const lines = csv.split('\r\n');
  assert.equal(lines[0], header.join(','));
  // A summary without the sales parts (an older server): their five columns are empty
  // (web/test/report_money.test.mjs fills them).
  assert.equal(lines[1], '1,Aino Virtanen,5,7,1,62.5,12.3,15,185,,,,,');
  assert.equal(lines[2], '2,"Virtanen, ""Bo""",2,7,1,,,15,185,,,,,');
  assert.equal(lines[3], '3,Cecilia,2,7,1,62.5,12.3,15,185,,,,,');
  assert.equal(lines[4], ',All conversations,8,7,1,62.5,12.3,15,185,,,,,');
  assert.equal(lines[5], '');
  assert.equal(lines.length, 6);
  // In Finnish: semicolons and decimal commas, as a Finnish spreadsheet opens it.
  const fi = R.agentCsv(rows, nameOf, header, { label: 'Kaikki', s: summary() }, undefined, 'fi').split('\r\n');
  assert.equal(fi[0], header.join(';'));
  assert.equal(fi[1], '1;Aino Virtanen;5;7;1;62,5;12,3;15;185;;;;;');
  assert.equal(fi[2], '2;"Virtanen, ""Bo""";2;7;1;;;15;185;;;;;');
  assert.equal(R.csvName('Erämaa Outdoor Oy', '2026-11-27', '2026-12-03'), 'tiski-report-eramaa-outdoor-oy-2026-11-27_2026-12-03.csv');
  // The chats no agent had: what the total holds beyond the agents' rows, so that they add up.
  const total = summary({ chats: 12, answered: 21, missed: 6 });
  const nobody = R.unassigned(total, rows);
  assert.deepEqual(nobody, { chats: 3, answered: 0, missed: 3 });
  assert.equal(R.unassigned(summary({ chats: 9, answered: 21, missed: 3 }), rows), null, 'none: no row');
  const withNobody = R.agentCsv(rows, nameOf, header, { label: 'All', s: total }, { label: 'No agent', u: nobody }).split('\r\n');
  assert.equal(withNobody[4], ',No agent,3,0,3,,,,,,,,,');
  assert.equal(withNobody[5], ',All,12,21,6,62.5,12.3,15,185,,,,,');
  assert.equal(R.csvName('../../', '2026-11-27', '2026-12-03'), 'tiski-report-2026-11-27_2026-12-03.csv');
});
