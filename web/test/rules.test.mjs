// Unit tests of the proactive rules form's pure part (web/src/console/rules.ts): the server's
// JSON taken apart into the form and put back with the same meaning; what the form cannot show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const load = (file) => {
  const src = fileURLToPath(new URL(file, import.meta.url));
  const code = buildSync({ entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral' }).outputFiles[0].text;
  return import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
};
const { toForm, fromForm, problem, newRule, moved, freshCond, withField, opsFor } = await load('../src/console/rules.ts');

const demo = [{
  id: 1, name: 'Teltat: 10 s paikallaan',
  when: { all: [{ category: 'teltat' }, { idle_s: 10 }] },
  action: { mode: 'open', text: { fi: 'Hei!', sv: 'Hej!', en: 'Hi!' } },
  cap: { once_per_visit: true, after_dismiss_days: 7 },
}];

test('the demo rule round-trips unchanged', () => {
  const f = toForm(demo);
  assert.equal(f.length, 1);
  assert.deepEqual(f[0].conds, [{ field: 'category', op: '>=', value: 'teltat' }, { field: 'idle_s', op: '>=', value: '10' }]);
  assert.equal(f[0].match, 'all');
  assert.deepEqual(fromForm(f), [{ ...demo[0], enabled: true }]);
});

test('every kind of condition, operators and lists', () => {
  const rules = [{
    id: 4, enabled: false,
    when: { any: [{ cart_value: { '>': 49.9 } }, { pages: { '==': 3 } }, { lang: ['fi', 'sv'] }, { returning: false },
      { url: '/teltat/*' }, { utm_campaign: 'kesä' }, { in_hours: true }] },
    action: { mode: 'teaser', text: 'Kysy meiltä' },
  }];
  const f = toForm(rules);
  assert.equal(f[0].match, 'any');
  assert.equal(f[0].enabled, false);
  assert.equal(f[0].mode, 'teaser');
  assert.deepEqual(f[0].text, { fi: 'Kysy meiltä' }, 'one text for all: Finnish is every language\'s fallback');
  assert.equal(f[0].once, true, 'once per visit by default');
  assert.equal(f[0].days, 0);
  const back = fromForm(f)[0];
  assert.deepEqual(back.when, rules[0].when);
  assert.deepEqual(back.action, { mode: 'teaser', text: { fi: 'Kysy meiltä' } });
  assert.deepEqual(back.cap, { once_per_visit: true, after_dismiss_days: 0 });
});

test('a single condition without a group becomes a group of one', () => {
  const f = toForm([{ id: 2, when: { page_s: 30 }, action: { text: { en: 'Hi' } } }]);
  assert.deepEqual(f[0].conds, [{ field: 'page_s', op: '>=', value: '30' }]);
  assert.deepEqual(fromForm(f)[0].when, { all: [{ page_s: 30 }] });
});

test('nested groups and unknown shapes have no form', () => {
  assert.equal(toForm([{ id: 1, when: { all: [{ any: [{ idle_s: 5 }, { pages: 3 }] }, { category: 'x' }] }, action: { text: 'x' } }]), null);
  assert.equal(toForm([{ id: 1, when: { idle: 5 }, action: { text: 'x' } }]), null);
  assert.equal(toForm([{ id: 1, when: { idle_s: { '~': 5 } }, action: { text: 'x' } }]), null);
  assert.equal(toForm({ rules: [] }), null);
  assert.equal(toForm([{ id: 1, when: { category: 'Teltat, katokset' }, action: { text: 'x' } }]), null, 'a comma inside a value');
  assert.equal(toForm([{ id: 1, when: { pages: 2 }, action: { text: 'x' } }, { id: 1, when: { pages: 3 }, action: { text: 'y' } }]), null, 'an id twice');
  assert.deepEqual(toForm([]), []);
});

test('what the form writes: typed values, languages left empty left out', () => {
  const r = { ...newRule([]), conds: [{ field: 'cart_value', op: '>=', value: ' 49,90 ' }, { field: 'category', op: '>=', value: 'teltat, makuupussit ,' },
    { field: 'returning', op: '>=', value: 'true' }, { field: 'url', op: '>=', value: ' /kassa* ' }], text: { fi: ' Hei ', sv: '  ' } };
  const out = fromForm([r])[0];
  assert.deepEqual(out.when, { all: [{ cart_value: 49.9 }, { category: ['teltat', 'makuupussit'] }, { returning: true }, { url: '/kassa*' }] });
  assert.deepEqual(out.action.text, { fi: 'Hei' });
  assert.equal('name' in out, false, 'no name: none sent');
  // Not a number: sent as typed, for the server to name the rule and the problem.
  assert.deepEqual(fromForm([{ ...r, conds: [{ field: 'idle_s', op: '<', value: 'kymmenen' }] }])[0].when, { all: [{ idle_s: { '<': 'kymmenen' } }] });
});

test('what keeps a rule from being saved, in bytes as the server counts', () => {
  const r = { ...newRule([{ id: 3 }, { id: 9 }]), text: { sv: 'Hej' } };
  assert.equal(r.id, 10);
  assert.equal(newRule([{ id: 3 }], 7).id, 8, 'past a deleted rule\'s id');
  assert.equal(problem(r), null);
  assert.deepEqual(problem({ ...r, text: { fi: '  ' } }), { what: 'text' });
  assert.deepEqual(problem({ ...r, conds: [] }), { what: 'cond' });
  assert.deepEqual(problem({ ...r, text: { fi: 'ä'.repeat(251) } }), { what: 'textLong' }, '502 bytes');
  assert.equal(problem({ ...r, text: { fi: 'ä'.repeat(250) } }), null);
  assert.deepEqual(problem({ ...r, name: 'ö'.repeat(51) }), { what: 'name' });
  const cond = (c) => problem({ ...r, conds: [freshCond('pages'), c] });
  assert.deepEqual(cond({ field: 'idle_s', op: '>=', value: 'kymmenen' }), { what: 'number', cond: 2 });
  assert.deepEqual(cond({ field: 'idle_s', op: '>=', value: '' }), { what: 'number', cond: 2 });
  assert.equal(cond({ field: 'cart_value', op: '>', value: '49,90' }), null);
  assert.deepEqual(cond({ field: 'site_s', op: '>', value: '1000000001' }), { what: 'number', cond: 2 }, 'over the server\'s 1e9');
  assert.equal(cond({ field: 'site_s', op: '>', value: '1000000000' }), null);
  assert.deepEqual(cond({ field: 'category', op: '>=', value: ' , ' }), { what: 'value', cond: 2 });
  assert.deepEqual(cond({ field: 'url', op: '>=', value: '   ' }), { what: 'value', cond: 2 });
  assert.deepEqual(cond({ field: 'referrer', op: '>=', value: 'ä'.repeat(101) }), { what: 'valueLong', cond: 2 });
  assert.equal(cond({ field: 'returning', op: '>=', value: 'false' }), null);
});

test('changing a condition\'s field keeps what still fits', () => {
  assert.deepEqual(withField({ field: 'idle_s', op: '<', value: '10' }, 'page_s'), { field: 'page_s', op: '<', value: '10' });
  assert.deepEqual(withField({ field: 'pages', op: '==', value: '3' }, 'site_s'), { field: 'site_s', op: '>=', value: '3' }, 'no "exactly" for seconds');
  assert.deepEqual(withField({ field: 'category', op: '>=', value: 'teltat' }, 'url'), { field: 'url', op: '>=', value: 'teltat' });
  assert.deepEqual(withField({ field: 'category', op: '>=', value: 'teltat' }, 'in_hours'), freshCond('in_hours'));
  assert.equal(opsFor('idle_s').includes('=='), false);
  assert.equal(opsFor('cart_value').includes('=='), true);
});

test('moving a rule', () => {
  assert.deepEqual(moved([1, 2, 3], 2, -1), [1, 3, 2]);
  assert.deepEqual(moved([1, 2, 3], 0, -1), [1, 2, 3]);
  assert.deepEqual(moved([1, 2, 3], 2, 1), [1, 2, 3]);
  assert.deepEqual(freshCond('in_hours'), { field: 'in_hours', op: '>=', value: 'true' });
});
