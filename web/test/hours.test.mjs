// Unit tests of the business hours editor's pure part (web/src/console/hours.ts): the server's
// canonical text taken apart into a week and put back together unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const load = (file) => {
  const src = fileURLToPath(new URL(file, import.meta.url));
  const code = buildSync({ entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral' }).outputFiles[0].text;
  return import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
};
const { parseHours, hoursText, emptyHours, alwaysHours, isAlways } = await load('../src/console/hours.ts');

test('no hours is always open', () => {
  assert.equal(parseHours(''), null);
  assert.equal(parseHours('  '), null);
  assert.equal(isAlways(null), true);
});

test('always open in a time zone: every day from midnight to midnight, as the server prints it', () => {
  const text = 'tz=Europe/Helsinki; mon 00:00-24:00; tue 00:00-24:00; wed 00:00-24:00; thu 00:00-24:00; fri 00:00-24:00; sat 00:00-24:00; sun 00:00-24:00';
  assert.equal(hoursText(alwaysHours('Europe/Helsinki')), text);
  assert.equal(isAlways(parseHours(text)), true);
  assert.equal(isAlways(parseHours('tz=Europe/Helsinki; mon-sun 00:00-24:00')), true);
  assert.equal(isAlways(parseHours(text + '; 2026-12-24 closed')), false, 'a day closed is not always open');
  assert.equal(isAlways(emptyHours('UTC')), false);
});

test('the canonical text round-trips', () => {
  const text = 'tz=Europe/Helsinki; mon 09:00-17:00; tue 09:00-12:00,13:00-17:00; sat 10:00-14:00; 2026-12-24 closed; 2026-12-31 10:00-13:00';
  const h = parseHours(text);
  assert.equal(h.tz, 'Europe/Helsinki');
  assert.deepEqual(h.week, ['09:00-17:00', '09:00-12:00,13:00-17:00', '', '', '', '10:00-14:00', '']);
  assert.deepEqual(h.exceptions, [{ date: '2026-12-24', hours: '' }, { date: '2026-12-31', hours: '10:00-13:00' }]);
  assert.equal(hoursText(h), text);
});

test('day ranges spread over their days', () => {
  const h = parseHours('tz=UTC; mon-fri 08:00-16:00; sun 24:00-24:00');
  assert.deepEqual(h.week.slice(0, 6), ['08:00-16:00', '08:00-16:00', '08:00-16:00', '08:00-16:00', '08:00-16:00', '']);
});

test('what the editor typed: spaces dropped, closed days left out, exceptions by date, empty date ignored', () => {
  const h = emptyHours('Europe/Stockholm');
  h.week[0] = ' 09:00 - 12:00, 13:00-17:00 ';
  h.exceptions = [{ date: '2026-12-31', hours: '' }, { date: '2026-06-19', hours: ' 10:00-14:00' }, { date: '', hours: '' }];
  assert.equal(hoursText(h), 'tz=Europe/Stockholm; mon 09:00-12:00,13:00-17:00; tue 09:00-17:00; wed 09:00-17:00; thu 09:00-17:00; fri 09:00-17:00; 2026-06-19 10:00-14:00; 2026-12-31 closed');
});
