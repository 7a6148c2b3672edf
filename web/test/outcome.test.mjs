// Unit tests of what came of a conversation (web/src/console/outcome.ts) and the model's part in
// it (the tenant's tags, the closed list, who may set an outcome), bundled on the fly like
// console.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const load = (file) => {
  const src = fileURLToPath(new URL(file, import.meta.url));
  const code = buildSync({ entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral' }).outputFiles[0].text;
  return import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
};
const O = await load('../src/console/outcome.ts');
const { ConsoleModel } = await load('../src/console/model.ts');

test('a tag is one trimmed line without commas, at most 40 bytes cut between characters', () => {
  assert.equal(O.cleanTag('  teltat  '), 'teltat');
  assert.equal(O.cleanTag('kesä\n  kampanja'), 'kesä kampanja');
  assert.equal(O.cleanTag('a,b'), 'a b');
  assert.equal(O.cleanTag(' , '), '');
  assert.equal(O.cleanTag('x'.repeat(60)), 'x'.repeat(40));
  // ä is two bytes in UTF-8: 25 of them are 50 bytes, 20 fit.
  assert.equal(O.cleanTag('ä'.repeat(25)), 'ä'.repeat(20));
  assert.equal(O.utf8Bytes(O.cleanTag('a' + 'ä'.repeat(25))), 39);
  assert.equal(O.cleanTag('😀'.repeat(11)), '😀'.repeat(10));
});

test('adding tags drops empties and case-insensitive duplicates and stops at ten', () => {
  assert.deepEqual(O.addTags(['teltat'], ['Teltat', ' kampanja ', '', 'KAMPANJA']), { tags: ['teltat', 'kampanja'], full: false });
  const many = Array.from({ length: 12 }, (_, i) => `t${i}`);
  const r = O.addTags([], many);
  assert.equal(r.tags.length, 10);
  assert.equal(r.full, true);
  assert.deepEqual(O.addTags(r.tags, ['t0']), { tags: r.tags, full: false }, 'a duplicate is not "full"');
  assert.deepEqual(O.normalizeTags(['Ä', 'ä', 'b']), ['Ä', 'b']);
});

test('what the tag input holds: finished tags before each comma, the rest still typed', () => {
  assert.deepEqual(O.splitTags('teltat, kampanja, ka'), { done: ['teltat', ' kampanja'], rest: ' ka' });
  assert.deepEqual(O.splitTags('teltat,'), { done: ['teltat'], rest: '' });
  assert.deepEqual(O.splitTags('teltat'), { done: [], rest: 'teltat' });
});

test('removing a tag and the suggestions ignore case', () => {
  assert.deepEqual(O.removeTag(['teltat', 'Kampanja'], 'kampanja'), ['teltat']);
  assert.deepEqual(O.suggestTags(['reppu', 'Teltat', 'kampanja'], ['teltat']), ['kampanja', 'reppu']);
  assert.deepEqual(O.suggestTags(undefined, []), []);
});

test('the outcome frame carries the whole state; a channel only with redirected', () => {
  assert.deepEqual(O.outcomeFrame(5, { outcome: 'sale', channel: '', tags: ['teltat', 'Teltat'] }),
    { t: 'outcome', conv: 5, outcome: 'sale', tags: ['teltat'] });
  assert.deepEqual(O.outcomeFrame(5, { outcome: '', channel: 'puhelin', tags: [] }), { t: 'outcome', conv: 5, tags: [] });
  assert.deepEqual(O.outcomeFrame(5, { outcome: 'redirected', channel: '  puhelin ', tags: [] }),
    { t: 'outcome', conv: 5, outcome: 'redirected', channel: 'puhelin', tags: [] });
  assert.deepEqual(O.outcomeFrame(5, { outcome: 'lead', channel: 'puhelin', tags: [] }), { t: 'outcome', conv: 5, outcome: 'lead', tags: [] });
  assert.equal(O.outcomeFrame(5, { outcome: 'redirected', channel: 'ö'.repeat(30), tags: [] }).channel, 'ö'.repeat(20));
  assert.deepEqual(O.withOutcome({ outcome: 'redirected', channel: 'puhelin', tags: ['a'] }, 'sale'), { outcome: 'sale', channel: '', tags: ['a'] });
  assert.deepEqual(O.withOutcome({ outcome: '', channel: 'x', tags: [] }, 'redirected'), { outcome: 'redirected', channel: 'x', tags: [] });
});

test('the state of a conversation, and when the close must wait for an outcome', () => {
  const c = { id: 1, outcome: 'redirected', outcome_channel: 'puhelin', tags: ['a'] };
  assert.deepEqual(O.stateOf(c), { outcome: 'redirected', channel: 'puhelin', tags: ['a'] });
  assert.deepEqual(O.stateOf({ id: 1 }), { outcome: '', channel: '', tags: [] });
  assert.equal(O.sameState(O.stateOf(c), { outcome: 'redirected', channel: 'puhelin', tags: ['a'] }), true);
  assert.equal(O.sameState(O.stateOf(c), { outcome: 'redirected', channel: 'puhelin', tags: ['A'] }), false);
  assert.equal(O.mustChoose(true, O.stateOf({ id: 1 })), true);
  assert.equal(O.mustChoose(true, O.stateOf(c)), false);
  assert.equal(O.mustChoose(false, O.stateOf({ id: 1 })), false);
  assert.equal(O.mustChoose(undefined, O.stateOf({ id: 1 })), false);
});

test('a satisfaction score is five stars, n of them filled', () => {
  assert.deepEqual(O.stars(4), { n: 4, filled: '★★★★', empty: '★' });
  assert.deepEqual(O.stars(5), { n: 5, filled: '★★★★★', empty: '' });
  assert.equal(O.stars(9).n, 5);
  assert.equal(O.stars(0).n, 1);
  assert.equal(O.stars(Number.NaN).n, 1);
});

const ME = 7;
const conv = (id, over = {}) => ({
  id, tenant: 1, tenant_name: 'Erämaa', site: 1, site_name: 'eramaa.fi', visitor: 100 + id, visitor_no: id, status: 'active',
  origin: 'reactive', created_at: id, last_seq: 1, last_at: id, ...over,
});
const snapshot = (role) => ({
  t: 'snapshot', agent: { id: ME, name: 'Aino', email: 'a@x' }, presence: [], teams: [], counts: [],
  tenants: [{ id: 1, name: 'Erämaa', role, tags: ['teltat'], outcome_required: true }, { id: 2, name: 'Pyöräpaja', role: 'agent' }],
});

test('the tenant\'s tag list comes with the snapshot and grows with tags frames', () => {
  const m = new ConsoleModel();
  m.apply(snapshot('agent'));
  assert.deepEqual(m.tenant(1).tags, ['teltat']);
  assert.equal(m.tenant(1).outcome_required, true);
  m.apply({ t: 'tags', tenant: 1, tags: ['kampanja', 'teltat'] });
  assert.deepEqual(m.tenant(1).tags, ['kampanja', 'teltat']);
  assert.equal(m.tenant(1).outcome_required, true, 'the rest of the tenant stays');
  assert.equal(m.tenant(2).tags, undefined);
  m.apply({ t: 'tags', tenant: 9, tags: ['x'] });
  assert.equal(m.tenant(9), undefined, 'a tenant not mine is not added');
});

test('who may set an outcome: the chat\'s agent, anyone while it has none, supervisors and admins', () => {
  const agent = new ConsoleModel();
  agent.apply(snapshot('agent'));
  assert.equal(agent.canSetOutcome(conv(1, { assignee: ME })), true);
  assert.equal(agent.canSetOutcome(conv(2, { status: 'waiting' })), true);
  assert.equal(agent.canSetOutcome(conv(3, { assignee: 8 })), false);
  const sup = new ConsoleModel();
  sup.apply(snapshot('supervisor'));
  assert.equal(sup.canSetOutcome(conv(3, { assignee: 8 })), true);
  assert.equal(sup.canSetOutcome(conv(4, { tenant: 2, assignee: 8 })), false, 'a supervisor of another tenant only');
});

test('a closed chat\'s later changes (outcome, satisfaction) reach the closed list and the chat on screen', () => {
  const m = new ConsoleModel();
  m.apply(snapshot('agent'));
  m.apply({ t: 'list', which: 'closed', convs: [conv(1, { status: 'closed' }), conv(2, { status: 'closed' })] });
  m.apply({ t: 'conv', conv: conv(2, { status: 'closed', csat: 5, csat_comment: 'Loistavaa palvelua' }) });
  assert.deepEqual(m.closed.map((c) => [c.id, c.csat]), [[1, undefined], [2, 5]], 'replaced in place, not added again');
  m.select(1);
  m.convs.set(1, m.closed[0]);
  m.apply({ t: 'conv', conv: conv(1, { status: 'closed', outcome: 'sale', tags: ['teltat'] }) });
  assert.equal(m.convs.get(1).outcome, 'sale');
  assert.equal(m.closed[0].outcome, 'sale');
  m.apply({ t: 'conv', conv: conv(3, { status: 'closed' }) });
  assert.deepEqual(m.closed.map((c) => c.id), [3, 1, 2], 'a chat closed now comes first');
});
