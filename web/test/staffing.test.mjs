// Unit tests of the staffing planner's logic (web/src/console/staffing_format.ts), bundled on the
// fly: the inputs and their query, how an hour is coloured, which hours fold away, the numbers
// in words, the details of a cell and the 168-row CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/console/staffing_format.ts', import.meta.url));
const code = buildSync({ entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral' }).outputFiles[0].text;
const S = await import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));

const nb = (s) => s.replace(/[\u00a0\u202f]/g, ' ').replace(/\u2212/g, '-');

const hour = (weekday, h, over = {}) => ({
  weekday, hour: h, arrivals: 0, erlangs: 0, seats: 0, agents_needed: 0, agents_online: 0,
  awaited: 0, within: 0, service_level: null, target_missed: false, ...over,
});
// A week with chats on weekdays 9..16 and one Saturday hour.
const week = () => {
  const out = [];
  for (let d = 0; d < 7; d++) for (let h = 0; h < 24; h++) {
    const open = d < 5 && h >= 9 && h <= 16;
    out.push(hour(d, h, open ? { arrivals: 6, erlangs: 0.5, seats: 2, agents_needed: 2, agents_online: 2, awaited: 20, within: 18, service_level: 0.9 } : {}));
  }
  out.find((x) => x.weekday === 5 && x.hour === 11).arrivals = 0.25;
  return out;
};

test('inputs: numbers with a comma or a dot, the limits, and the query', () => {
  assert.equal(S.parseNumber('80'), 80);
  assert.equal(S.parseNumber(' 12,5 '), 12.5);
  assert.equal(S.parseNumber('12.5'), 12.5);
  assert.equal(S.parseNumber(''), null);
  assert.equal(S.parseNumber('8o'), null);
  assert.equal(S.parseNumber('1e3'), null);
  assert.equal(S.parseNumber('-5'), null);
  assert.deepEqual(S.askProblems(S.ASK_DEFAULT), []);
  assert.deepEqual(S.askProblems({ target: '99', within: '600', cost: '1000' }), []);
  assert.deepEqual(S.askProblems({ target: '49', within: '0', cost: '1000,5' }), ['target', 'within', 'cost']);
  assert.deepEqual(S.askProblems({ target: '80.5', within: '20', cost: '' }), ['target'], 'whole percents');
  assert.deepEqual(S.askProblems({ target: '', within: 'x', cost: '0' }), ['target', 'within']);
  assert.equal(S.staffingQuery({}, S.ASK_DEFAULT), '?target=0.8&within_s=20');
  assert.equal(S.staffingQuery({ from: '2026-11-05', to: '2026-12-02' }, { target: '95', within: '30', cost: '24,5' }),
    '?from=2026-11-05&to=2026-12-02&target=0.95&within_s=30&hourly_cost=24.5');
  assert.equal(S.staffingQuery({ from: '', to: '' }, { target: '57', within: '1', cost: '0' }), '?target=0.57&within_s=1', 'no cost: not asked');
  assert.equal(S.staffingQuery({}, { ...S.ASK_DEFAULT, model: 'erlang_c' }), '?target=0.8&within_s=20&model=erlang_c');
  assert.equal(S.staffingQuery({}, { ...S.ASK_DEFAULT, model: 'auto' }), '?target=0.8&within_s=20', 'auto is the default: not asked');
  assert.deepEqual(S.MODELS.map((m) => S.modelName(m, 'Automatic')), ['Automatic', 'Erlang A', 'Erlang C']);
  assert.equal(S.modelName(undefined, ''), 'Erlang C', 'an older server planned with Erlang C');
});

test('an hour is short, a little short, about right, over or empty', () => {
  const c = (needed, online, arrivals = 1) => S.staffed({ agents_needed: needed, agents_online: online, arrivals });
  assert.equal(c(3, 1), 'short');
  assert.equal(c(3, 2), 'short', 'one whole agent missing');
  assert.equal(c(3, 2.5), 'low');
  assert.equal(c(3, 2.75), 'ok', 'a quarter of an agent is about right');
  assert.equal(c(3, 3), 'ok');
  assert.equal(c(3, 3.9), 'ok');
  assert.equal(c(3, 4), 'over');
  assert.equal(c(1, 0), 'short');
  assert.equal(c(0, 0, 0), 'none', 'no chats, nobody online');
  assert.equal(c(0, 0.1, 0), 'none', 'a few minutes of somebody is not staffing');
  assert.equal(c(0, 0.5, 0), 'over', 'somebody online with no chats to answer');
  assert.equal(c(2, NaN), 'short', 'no figure counts as nobody');
  assert.deepEqual(S.STAFFED, ['short', 'low', 'ok', 'over', 'none']);
});

test('quiet hours fold away around the busy span; all hours on request or when nothing happened', () => {
  const w = week();
  assert.deepEqual(S.visibleHours(w, false), [8, 9, 10, 11, 12, 13, 14, 15, 16, 17], 'an hour either side of 9..16');
  assert.equal(S.visibleHours(w, true).length, 24);
  assert.equal(S.visibleHours(w.map((x) => ({ ...x, arrivals: 0, agents_needed: 0, agents_online: 0 })), false).length, 24);
  // Somebody online at 6 on a Sunday with no chats keeps that hour (and one before) on screen.
  const early = week();
  early.find((x) => x.weekday === 6 && x.hour === 6).agents_online = 1;
  assert.deepEqual(S.visibleHours(early, false), [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
  // The ends of the day are not padded past 0 and 23.
  const ends = [hour(0, 0, { arrivals: 1, agents_needed: 1 }), hour(2, 23, { arrivals: 1, agents_needed: 1 })];
  assert.deepEqual(S.visibleHours(ends, false), Array.from({ length: 24 }, (_, i) => i));
  const grid = S.byDayHour(w);
  assert.equal(grid.length, 7);
  assert.equal(grid[2][10].agents_needed, 2);
  assert.equal(grid[5][11].arrivals, 0.25);
  assert.equal(S.byDayHour([hour(9, 1), hour(1, 30)]).flat().filter(Boolean).length, 0, 'out of range: dropped');
  const totals = S.weekTotals(w.map((x) => (x.weekday === 0 && x.hour === 9 ? { ...x, target_missed: true, agents_online: 0.5 } : x)));
  assert.deepEqual(totals, { missed: 1, short: 1, withChats: 41, peak: 2 });
});

test('numbers, money, weekdays and hours in the language', () => {
  assert.equal(nb(S.decimalText(1.25, 'fi', 2)), '1,25');
  assert.equal(S.decimalText(1.25, 'en', 1), '1.3');
  assert.equal(S.decimalText(1, 'en', 1, 1), '1.0');
  assert.equal(S.decimalText(null, 'en'), '–');
  assert.equal(nb(S.hoursText(38.46, 'fi')), '38,5 h');
  assert.equal(S.hoursText(42, 'en'), '42 h');
  assert.equal(nb(S.euroText(4565.4, 'fi')), '4 565 €');
  assert.equal(S.euroText(4565.4, 'en'), '€4,565');
  assert.equal(nb(S.euroText(24.5, 'fi')), '24,50 €');
  assert.equal(nb(S.euroText(25, 'sv')), '25 €');
  assert.equal(S.euroText(null, 'fi'), '–');
  assert.deepEqual(S.weekdayNames('en'), ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
  assert.deepEqual(S.weekdayNames('fi'), ['ma', 'ti', 'ke', 'to', 'pe', 'la', 'su']);
  assert.equal(S.weekdayNames('sv', 'long')[0], 'måndag');
  assert.equal(S.hourText(8), '08:00');
  assert.equal(S.hourSpan(23), '23:00–00:00');
  assert.deepEqual(S.nowIn('UTC', new Date(Date.UTC(2026, 11, 3, 18, 30))), { weekday: 3, hour: 18 }, 'a Thursday');
  assert.deepEqual(S.nowIn('Europe/Helsinki', new Date(Date.UTC(2026, 11, 6, 22, 30))), { weekday: 0, hour: 0 }, 'Sunday in UTC is Monday in Helsinki');
  assert.equal(S.nowIn('Nowhere/Special', new Date()), undefined);
});

const words = {
  arrivals: '{n} chats / h', erlangs: '{n} Erlangs', seats: '{n} chat seats', seatsC: '{n} by Erlang C', needed: '{n} agents needed',
  online: '{n} online on average', sl: 'measured service level {n}', slNone: 'nobody waited', missed: 'below target',
};

test('a cell in words: the hour, then every figure', () => {
  const h = hour(0, 9, { arrivals: 6.333, erlangs: 0.5278, seats: 2, agents_needed: 2, agents_online: 1.25, awaited: 20, within: 15, service_level: 0.75, target_missed: true });
  assert.deepEqual(S.cellLines(h, 'Monday', words, 'en'), [
    'Monday 09:00–10:00', '6.33 chats / h', '0.53 Erlangs', '2 chat seats', '2 agents needed', '1.3 online on average',
    'measured service level 75% · below target',
  ]);
  assert.equal(S.cellLines(hour(6, 3), 'Sunday', words, 'en')[6], 'nobody waited');
  // Erlang A planned fewer seats than Erlang C would: both are told.
  const a = S.cellLines({ ...h, seats: 2, seats_erlang_c: 3 }, 'Monday', words, 'en');
  assert.deepEqual(a.slice(3, 5), ['2 chat seats', '3 by Erlang C']);
  assert.equal(S.cellLines({ ...h, seats_erlang_c: 2 }, 'Monday', words, 'en').length, 7, 'the same: said once');
});

test('the CSV: 168 rows by weekday and hour, figures with a dot, the service level in %', () => {
  const w = week().reverse();  // any order in, Monday 00:00 first out
  w.find((x) => x.weekday === 0 && x.hour === 9).target_missed = true;
  const header = ['Weekday', 'Hour', 'Chats / h', 'Erlangs', 'Chat seats', 'Chat seats (Erlang C)', 'Agents needed', 'Online (avg)', 'Waited', 'Answered in time', 'Service level (%)', 'Below target'];
  const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
  const lines = S.staffingCsv(w, header, days, ['yes', 'no']).split('\r\n');
  assert.equal(lines.length, 1 + 168 + 1);
  assert.equal(lines[0], header.join(','));
  assert.equal(lines[1], 'Monday,00:00,0,0,0,0,0,0,0,0,,no');
  assert.equal(lines[10], 'Monday,09:00,6,0.5,2,2,2,2,20,18,90,yes');
  assert.equal(lines[168], 'Sunday,23:00,0,0,0,0,0,0,0,0,,no');
  assert.equal(lines[169], '');
  assert.equal(S.staffingCsvName('Erämaa Outdoor Oy', '2026-11-05', '2026-12-02'), 'tiski-staffing-eramaa-outdoor-oy-2026-11-05_2026-12-02.csv');
});
