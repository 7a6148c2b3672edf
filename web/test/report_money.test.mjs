// Unit tests of the Reports view's sales logic (web/src/console/report_money.ts), bundled on the
// fly: money in the language's way, relative differences, percentage points and intervals, the
// holdout's verdict, the scales and colours of the charts, the first-response buckets, outcomes,
// satisfaction in a cell, and the per-agent CSV's new columns (report_format.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const load = async (file) => {
  const src = fileURLToPath(new URL(file, import.meta.url));
  const code = buildSync({ entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral' }).outputFiles[0].text;
  return import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
};
const M = await load('../src/console/report_money.ts');
const R = await load('../src/console/report_format.ts');
const S = JSON.parse((await import('node:fs')).readFileSync(new URL('../src/console/strings.json', import.meta.url), 'utf8'));

const nb = (s) => s.replace(/[\u00a0\u202f]/g, ' ').replace(/\u2212/g, '-');  // Intl's no-break spaces and minus

test('money: the currency in the language\'s way, whole units when large, cents when small', () => {
  const m = (...a) => nb(M.moneyText(...a));
  assert.equal(m(1243000, 'EUR', 'fi'), '12 430 €');
  assert.equal(m(1243000, 'EUR', 'sv'), '12 430 €');
  assert.equal(m(1243000, 'EUR', 'en'), '€12,430');
  assert.equal(m(1243049, 'EUR', 'fi'), '12 430 €', 'no cents on large sums');
  assert.equal(m(8990, 'EUR', 'fi'), '89,90 €');
  assert.equal(m(9000, 'EUR', 'fi'), '90 €', 'whole euros need no ",00"');
  assert.equal(m(14990, 'EUR', 'fi'), '149,90 €', 'a small shop\'s sum is not rounded');
  assert.equal(m(123456, 'EUR', 'fi'), '1 235 €');
  assert.equal(m(1243000, 'SEK', 'sv'), '12 430 kr');
  // An axis: compact; a difference: signed.
  assert.equal(m(1243000, 'EUR', 'fi', { compact: true }), '12,4 t. €');
  assert.equal(m(1243000, 'EUR', 'en', { compact: true }), '€12.4K');
  assert.equal(m(194281.3, 'EUR', 'fi', { sign: true }), '+1 943 €');
  assert.equal(m(-16120.26, 'EUR', 'fi', { sign: true }), '-161 €');
  assert.equal(m(0, 'EUR', 'fi', { sign: true }), '0 €');
  // No currency yet (no orders), a code the browser does not know, no value.
  assert.equal(m(1243000, null, 'fi'), '12 430');
  assert.equal(m(1243000, 'EURO', 'fi'), '12 430 EURO');
  assert.equal(M.moneyText(null, 'EUR', 'fi'), '–');
  assert.equal(M.moneyText(NaN, 'EUR', 'fi'), '–');
  assert.equal(M.averageCents(12185218, 1356), 12185218 / 1356);
  assert.equal(M.averageCents(0, 0), null);
});

test('relative differences: percent, a multiple from twice up, nothing against zero', () => {
  assert.equal(M.relativeDiff(137, 100), 0.37);
  assert.equal(M.relativeDiff(1, 0), null);
  assert.equal(M.relativeDiff(null, 5), null);
  assert.equal(nb(M.relativeText(9010, 6506, 'fi')), '+38 %');  // the chatters' average order vs the others'
  assert.equal(nb(M.relativeText(0.1726, 0.0289, 'fi')), '6,0×', '+497 % reads better as six times');
  assert.equal(nb(M.relativeText(200, 100, 'en')), '2.0×');
  assert.equal(nb(M.relativeText(50, 100, 'en')), '-50%');
  assert.equal(nb(M.relativeText(100, 100, 'en')), '0%');
  assert.equal(M.relativeText(1, 0, 'en'), null);
});

test('percentage points and intervals', () => {
  assert.equal(nb(M.pointsText(0.006736, 'fi', '{n} %-yks.')), '+0,7 %-yks.');
  assert.equal(nb(M.pointsText(-0.0237, 'en')), '-2.4 pp');
  assert.equal(nb(M.pointsText(0.00001, 'en')), '0.0 pp', 'no "+0.0"');
  assert.equal(M.pointsText(null, 'en'), '–');
  assert.equal(nb(M.rateRangeText([0.0744, 0.0919], 'fi')), '7,4 % – 9,2 %');
  assert.equal(M.rateRangeText(null, 'fi'), '–');
  assert.equal(nb(M.rangeText([-16120, 404682], (c) => M.moneyText(c, 'EUR', 'fi', { sign: true }))), '-161 € – +4 047 €');
});

test('the holdout\'s verdict: significant when the interval leaves out zero', () => {
  assert.equal(M.verdict([0.005, 0.037]), 'up');
  assert.equal(M.verdict([-0.05, -0.01]), 'down');
  assert.equal(M.verdict([-0.0237, 0.0302]), 'unclear');
  assert.equal(M.verdict([0, 0.03]), 'unclear', 'an end at zero does not leave it out');
  assert.equal(M.verdict(null), 'unclear');
  const words = (l) => ({ up: S.rp_hoUp[l], down: S.rp_hoDown[l], unclear: S.rp_hoUnclear[l], points: S.rp_points[l] });
  const v = (rate, ci, l = 'fi') => { const r = M.verdictText({ rate, rate_ci: ci }, l, words(l)); return { kind: r.kind, text: nb(r.text) }; };
  assert.deepEqual(v(0.021, [0.0052, 0.0368]),
    { kind: 'up', text: 'Kutsut lisäävät ostamista: +2,1 %-yks. (95 % luottamusväli +0,5 – +3,7 %-yks.)' });
  assert.deepEqual(v(0.0067, [-0.0237, 0.0302]),
    { kind: 'unclear', text: 'Ero ei ole vielä tilastollisesti merkitsevä (luottamusväli -2,4 – +3,0 %-yks. sisältää nollan)' });
  assert.deepEqual(v(-0.03, [-0.05, -0.01]),
    { kind: 'down', text: 'Kutsut vähentävät ostamista: -3,0 %-yks. (95 % luottamusväli -5,0 – -1,0 %-yks.)' });
  assert.equal(v(0.021, [0.0052, 0.0368], 'en').text, 'Invitations increase buying: +2.1 pp (95% confidence interval +0.5 – +3.7 pp)');
  assert.match(v(0.0067, [-0.0237, 0.0302], 'sv').text, /^Skillnaden är ännu inte statistiskt signifikant \(konfidensintervallet -2,4 – \+3,0 p\.e\. innehåller noll\)$/);
});

test('chart scales: nice steps, integers for counts, intervals around zero', () => {
  assert.deepEqual(M.niceScale(312), { top: 400, step: 100, ticks: [0, 100, 200, 300, 400] });
  assert.deepEqual(M.niceScale(6123400), { top: 8000000, step: 2000000, ticks: [0, 2000000, 4000000, 6000000, 8000000] });
  assert.deepEqual(M.niceScale(6123400, 3).ticks, [0, 2500000, 5000000, 7500000]);
  assert.deepEqual(M.niceScale(0), { top: 1, step: 1, ticks: [0, 1] });
  assert.deepEqual(M.niceScale(2, 4).ticks, [0, 0.5, 1, 1.5, 2]);
  assert.deepEqual(M.niceScale(2, 4, true).ticks, [0, 1, 2], 'no half conversations');
  assert.deepEqual(M.niceScale(9, 4, true).ticks, [0, 3, 6, 9]);
  for (const max of [1, 3, 7, 13, 99, 117, 2454, 7892]) {
    const s = M.niceScale(max, 4, true);
    assert.ok(s.top >= max && Number.isInteger(s.step) && s.ticks.at(-1) === s.top, `${max}: ${JSON.stringify(s)}`);
  }
  const d = M.intervalDomain([0.074, 0.092, 0.054, 0.105]);
  assert.equal(d[0], 0);
  assert.ok(Math.abs(d[1] - 0.1155) < 1e-9);
  const z = M.intervalDomain([-0.0237, 0.0302]);
  assert.ok(z[0] < -0.0302 && Math.abs(z[0] + z[1]) < 1e-12, 'symmetric: zero in the middle');
  assert.equal(M.frac(0, z), 0.5);
  assert.equal(M.frac(5, [0, 1]), 1, 'clamped');
  assert.deepEqual(M.intervalDomain([]), [0, 1]);
});

test('the heat map\'s colours: paper for nothing, darker with more, the darkest at the most', () => {
  assert.equal(M.heatColor(0, 117), M.HEAT_EMPTY);
  assert.equal(M.heatColor(null, 117), M.HEAT_EMPTY);
  assert.equal(M.heatColor(5, 0), M.HEAT_EMPTY);
  assert.equal(M.heatColor(117, 117), '#14452e');
  assert.equal(M.heatColor(500, 117), '#14452e', 'over the top is the top');
  const lum = (hex) => { const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const steps = [1, 10, 30, 60, 90, 117].map((v) => lum(M.heatColor(v, 117)));
  for (let i = 1; i < steps.length; i++) assert.ok(steps[i] < steps[i - 1], `darker with more: ${steps}`);
  assert.ok(lum(M.heatColor(1, 117)) < lum(M.HEAT_EMPTY), 'one chat differs from none');
  assert.equal(M.heatDark(100, 117), true);
  assert.equal(M.heatDark(10, 117), false);
  const grid = Array.from({ length: 7 }, () => new Array(24).fill(0));
  assert.equal(M.heatPeak(grid), null);
  grid[2][11] = 117;
  grid[4][11] = 117;
  assert.deepEqual(M.heatPeak(grid), { weekday: 2, hour: 11, n: 117 }, 'the first of equals');
});

test('first responses: bucket labels and the share within the target', () => {
  const fr = { bounds_s: [10, 20, 30, 60, 120, 300, 600], counts: [595, 877, 881, 2454, 2442, 0, 0, 0] };
  assert.deepEqual(M.bucketLabels(fr.bounds_s), ['≤ 10 s', '10–20 s', '20–30 s', '30–60 s', '1–2 min', '2–5 min', '5–10 min', '> 10 min']);
  assert.deepEqual(M.bucketLabels([]), []);
  const w = M.shareWithin(fr, 20);
  assert.equal(w.bound, 20);
  assert.ok(Math.abs(w.share - (595 + 877) / 7249) < 1e-12);
  assert.equal(M.shareWithin(fr, 45).bound, 30, 'a target between bounds: the bound below it');
  assert.equal(M.shareWithin(fr, 5).bound, 10, 'under the first bound: the first bucket');
  assert.equal(M.shareWithin({ bounds_s: [10], counts: [0, 0] }, 20), null, 'nothing answered');
  assert.equal(M.shareWithin(undefined, 20), null);
});

test('the day series: labels that fit, totals, the best days, weekends', () => {
  assert.equal(M.dayLabelEvery(7, 700), 1);
  assert.equal(M.dayLabelEvery(30, 1040), 2);
  assert.equal(M.dayLabelEvery(30, 300), 7, 'a phone: weekly');
  assert.equal(M.dayLabelEvery(365, 700), 28);
  const day = (d, conv, missed, rev) => ({ day: d, conversations: conv, chats: conv, answered: conv - missed, missed, awaited: conv, within_sl: 0, chat_orders: rev ? 1 : 0, chat_revenue_cents: rev });
  const st = M.seriesStats([day('2026-11-04', 10, 1, 0), day('2026-11-05', 30, 3, 4990), day('2026-11-06', 20, 0, 9990)]);
  assert.deepEqual({ c: st.conversations, m: st.missed, r: st.revenue, o: st.orders }, { c: 60, m: 4, r: 14980, o: 2 });
  assert.equal(st.busiest.day, '2026-11-05');
  assert.equal(st.richest.day, '2026-11-06');
  assert.equal(M.seriesStats([day('2026-11-04', 1, 0, 0)]).richest, undefined, 'no sales: no best day');
  assert.equal(M.shortDay('2026-11-04', 'fi'), '4.11.');
  assert.equal(M.shortDay('2026-11-04', 'fi', true), 'ke 4.11.');
  assert.equal(M.isWeekend('2026-11-07'), true);
  assert.equal(M.isWeekend('2026-11-09'), false);
});

test('outcomes in the console\'s order with shares; satisfaction in a cell', () => {
  const rows = M.outcomeRows({ sale: 2, lead: 1, resolved: 4, none: 0, spam: 1, unset: 2 });
  assert.deepEqual(rows.map((r) => r.key), ['sale', 'lead', 'redirected', 'resolved', 'none', 'spam', 'unset']);
  assert.equal(rows.find((r) => r.key === 'redirected').n, 0, 'a missing outcome counts as none');
  assert.equal(rows.find((r) => r.key === 'resolved').share, 0.4);
  assert.deepEqual(M.outcomeRows({ sale: 0 }), []);
  assert.deepEqual(M.outcomeRows(undefined), []);
  for (const k of M.OUTCOMES) assert.ok(S[`rp_oc_${k}`], `a name for ${k}`);
  assert.equal(S.rp_oc_unset.fi, 'Ei valittu');
  assert.equal(nb(M.csatCell({ answers: 45, score: 0.7778 }, 'fi')), '78 % (45)');
  assert.equal(nb(M.csatCell({ answers: 1496, score: 0.75 }, 'en')), '75% (1,496)');
  assert.equal(M.csatCell({ answers: 0, score: null }, 'fi'), '–');
  assert.equal(M.csatCell(undefined, 'fi'), '–');
  assert.equal(M.starsText(4.0622, 'fi'), '4,1');
});

const summary = (over = {}) => ({
  conversations: 10, chats: 8, answered: 7, missed: 1, abandoned: 0, slow: 1, transferred: 0, service_level: 0.625, missed_rate: 0.125,
  wait_ms: { avg: 12345, p50: 10000, p90: 30000, n: 7 }, first_response_ms: { avg: 15000, p50: 12000, p90: 40000, n: 9 },
  first_response_business_ms: null, reply_ms: null, handling_ms: { avg: 185000, p50: 120000, p90: 400000, n: 7 },
  outcomes: { sale: 3, lead: 1, redirected: 0, resolved: 4, none: 1, spam: 0, unset: 1 }, tags: [],
  csat: { shown: 8, answers: 4, response_rate: 0.5, score: 0.75, average: 4.25, by_score: [0, 0, 1, 1, 2] },
  ...over,
});

test('the per-agent CSV: satisfaction, sale outcomes, the orders and revenue credited; the total from the chats\' sales', () => {
  const rows = [
    { ...summary(), agent: 1, orders: 3, revenue_cents: 24700, leads: 0 },
    { ...summary({ csat: { shown: 2, answers: 0, response_rate: 0, score: null, average: null, by_score: [0, 0, 0, 0, 0] }, outcomes: undefined }), agent: 2, orders: 0, revenue_cents: 0 },
  ];
  const total = summary({ sales: { currency: 'EUR', orders: 9, revenue_cents: 99990, chat_orders: 3, chat_revenue_cents: 24700, chat_share: 0.247, leads: 0, chat_leads: 0, other_currency_orders: 0 } });
  const header = ['ID', 'Agent', 'Chats', 'Answered', 'Missed', 'SL (%)', 'Wait (s)', 'First (s)', 'Handling (s)', 'CSAT (%)', 'CSAT answers', 'Sales', 'Orders', 'Revenue (EUR)'];
  const lines = R.agentCsv(rows, (id) => ['', 'Aino', 'Bo'][id], header, { label: 'All', s: total }).split('\r\n');
  assert.equal(lines[0], header.join(','));
  assert.equal(lines[1], '1,Aino,8,7,1,62.5,12.3,15,185,75,4,3,3,247');
  assert.equal(lines[2], '2,Bo,8,7,1,62.5,12.3,15,185,,0,,0,0', 'no answers: no percentage; no outcomes: empty');
  assert.equal(lines[3], ',All,8,7,1,62.5,12.3,15,185,75,4,3,3,247');
  assert.deepEqual(R.credited(rows[0]), { orders: 3, revenue_cents: 24700 });
  assert.deepEqual(R.credited(total), { orders: 3, revenue_cents: 24700 });
  assert.deepEqual(R.credited(summary()), { orders: null, revenue_cents: null }, 'an older server: empty');
  assert.equal(R.csvFigures({ ...summary(), agent: 3, orders: 1, revenue_cents: 4990 }).at(-1), 49.9, 'revenue in units, cents as decimals');
});
