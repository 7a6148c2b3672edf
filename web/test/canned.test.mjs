// Unit tests of the agent's desk, pure parts (web/src/console/canned.ts): which canned answers
// match, which language's text, the variables filled, hours in words, the policy card's format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const load = (file) => {
  const src = fileURLToPath(new URL(file, import.meta.url));
  const code = buildSync({ entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral' }).outputFiles[0].text;
  return import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
};
const C = await load('../src/console/canned.ts');

const a = (id, shortcut, title, texts, workspace = false) => ({ id, workspace, shortcut, title, texts, updated_at: 0 });
const list = [
  a(1, 'toimitus', 'Toimitusehdot', { fi: 'Toimitus {hours.today}', sv: 'Leverans', en: 'Delivery' }),
  a(2, 'palautus', 'Palautus ja vaihto', { fi: 'Palautusoikeus 30 päivää, toimitus ilmainen' }),
  a(3, 'kiitos', 'Kiitos', { en: 'Thanks!' }, true),
  a(4, 'toimitus', 'Workspace delivery', { en: 'Generic delivery' }, true),
  a(5, 'hinta', 'Hintatakuu', { fi: 'Hintatakuu 14 pv' }),
];

test('the trigger is / or # at the start or after a space, up to the caret', () => {
  assert.deepEqual(C.trigger('/toim', 5), { start: 0, query: 'toim' });
  assert.deepEqual(C.trigger('Hei! #Pal', 9), { start: 5, query: 'pal' });
  assert.deepEqual(C.trigger('/', 1), { start: 0, query: '' });
  assert.equal(C.trigger('https://x.fi/toim', 17), null);  // inside a word
  assert.equal(C.trigger('/toim ', 6), null);  // a space ends it
  assert.deepEqual(C.trigger('/toim and more', 5), { start: 0, query: 'toim' });
});

test('matches: shortcut prefix first, then title words, then anywhere, texts from three letters; own hides the workspace one', () => {
  assert.deepEqual(C.matching(list, 'toim').map((x) => x.id), [1, 2]);  // 2 by its text
  assert.deepEqual(C.matching(list, 'pa').map((x) => x.id), [2]);
  assert.deepEqual(C.matching(list, 'vaihto').map((x) => x.id), [2]);  // a title word
  assert.deepEqual(C.matching(list, '').map((x) => x.id), [5, 3, 2, 1]);  // all, by shortcut; 4 hidden
  assert.deepEqual(C.matching(list, 'zz'), []);
  assert.equal(C.matching(list, '', 2).length, 2);
});

test("the visitor's language is chosen, else fi, sv, en", () => {
  assert.deepEqual(C.pickText(list[0], 'sv'), { text: 'Leverans', lang: 'sv' });
  assert.deepEqual(C.pickText(list[1], 'en'), { text: 'Palautusoikeus 30 päivää, toimitus ilmainen', lang: 'fi' });
  assert.deepEqual(C.pickText(list[2], 'fi'), { text: 'Thanks!', lang: 'en' });
  assert.deepEqual(C.pickText(list[0], undefined).lang, 'fi');
});

test('variables are filled; an empty one leaves no stray space; unknown names stay', () => {
  const v = { visitorName: 'Maija', agentName: 'Aino', siteName: 'eramaa.fi', hoursToday: ['09:00-17:00'] };
  assert.equal(C.fill('Hei {visitor.name}, olen {agent.name} / {site.name}. Auki {hours.today}.', 'fi', v),
    'Hei Maija, olen Aino / eramaa.fi. Auki 9.00–17.00.');
  assert.equal(C.fill('Hei {visitor.name}! Olen {agent.name}.', 'fi', { agentName: 'Aino' }), 'Hei! Olen Aino.');
  assert.equal(C.fill('Open {hours.today}', 'en', { hoursToday: ['08:30-12:00', '13:00-16:00'] }), 'Open 8:30–12:00, 13:00–16:00');
  assert.equal(C.fill('Auki {hours.today}', 'fi', { hoursToday: null }), 'Auki ympäri vuorokauden');
  assert.equal(C.fill('Auki {hours.today}', 'fi', { hoursToday: ['00:00-24:00'] }), 'Auki ympäri vuorokauden');
  assert.equal(C.fill('Idag {hours.today}', 'sv', { hoursToday: [] }), 'Idag stängt');
  assert.equal(C.fill('{tuntematon} jää', 'fi', {}), '{tuntematon} jää');
  assert.equal(C.fill('Rivi 1\nRivi {visitor.name}\n', 'fi', {}), 'Rivi 1\nRivi\n');
});

test('a tenant without a colour gets one from the palette by its id; a bad one is ignored', () => {
  assert.equal(C.tenantColor(1, '#a03020'), '#a03020');
  assert.equal(C.tenantColor(1, ''), C.tenantColor(9, ''));
  assert.notEqual(C.tenantColor(1, ''), C.tenantColor(2, ''));
  assert.equal(C.tenantColor(1, 'red;background:url(x)'), C.tenantColor(1));
});

test('the policy card: paragraphs, lists, bold and http(s) links only', () => {
  const b = C.policyBlocks('**Ei maksuja chatissa.**\nVahva tunnistus: https://eramaa.fi/tunnistus.\n\n- Toimitus 2-4 pv\n- Palautus 30 pv\nLopuksi javascript:alert(1)');
  assert.equal(b.length, 3);
  assert.equal(b[0].k, 'p');
  assert.deepEqual(b[0].lines[0], [{ k: 'b', v: 'Ei maksuja chatissa.' }]);
  assert.deepEqual(b[0].lines[1], [{ k: 'text', v: 'Vahva tunnistus: ' }, { k: 'a', v: 'https://eramaa.fi/tunnistus' }, { k: 'text', v: '.' }]);
  assert.equal(b[1].k, 'ul');
  assert.equal(b[1].lines.length, 2);
  assert.deepEqual(b[2].lines[0], [{ k: 'text', v: 'Lopuksi javascript:alert(1)' }]);
  assert.deepEqual(C.policyBlocks(''), []);
});
