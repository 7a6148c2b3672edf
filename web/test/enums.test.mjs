// Every value of the protocol's enums that the console and the widget show has words in every
// language (web/src/console/format.ts, web/src/widget/i18n.ts), bundled on the fly like
// console.test.mjs. `tsc` already refuses a value without an entry in the maps; this checks the
// words behind the entries, in fi, sv and en.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const load = (file) => {
  const src = fileURLToPath(new URL(file, import.meta.url));
  const code = buildSync({ entryPoints: [src], bundle: true, format: 'esm', write: false, platform: 'neutral' }).outputFiles[0].text;
  return import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
};
const P = await load('../src/protocol.gen.ts');
const F = await load('../src/console/format.ts');
const { ui, UI_LANGS } = await load('../src/console/i18n.ts');
const W = await load('../src/widget/i18n.ts');

const LANGS = ['fi', 'sv', 'en'];
const ENUMS = [
  { name: 'ConvStatus', values: P.CONV_STATUS_VALUES, keys: F.STATUS_KEYS, text: F.statusText },
  { name: 'Origin', values: P.ORIGIN_VALUES, keys: F.ORIGIN_KEYS, text: F.originText },
  { name: 'PresenceStatus', values: P.PRESENCE_STATUS_VALUES, keys: F.PRESENCE_KEYS, text: F.presenceText },
  { name: 'Outcome', values: P.OUTCOME_VALUES, keys: F.OUTCOME_KEYS, text: F.outcomeText },
];

test('the console speaks fi, sv and en', () => {
  assert.deepEqual([...UI_LANGS], LANGS);
});

for (const e of ENUMS) {
  test(`every ${e.name} value has its own non-empty words in fi, sv and en`, () => {
    assert.ok(e.values.length > 0, `${e.name}: no values in protocol.gen.ts`);
    assert.deepEqual(Object.keys(e.keys).sort(), [...e.values].sort(), `${e.name}: the map must cover exactly the enum`);
    for (const lang of LANGS) {
      const t = ui(lang);
      const seen = new Map();
      for (const v of e.values) {
        const s = e.text(v, t);
        assert.equal(typeof s, 'string', `${e.name}.${v} in ${lang}`);
        assert.ok(s.trim(), `${e.name}.${v} has no words in ${lang}`);
        assert.equal(s, t[e.keys[v]], `${e.name}.${v} in ${lang}: "${s}" is not the string ${e.keys[v]} (a fallback?)`);
        assert.ok(!seen.has(s), `${e.name}.${v} and ${e.name}.${seen.get(s)} read the same in ${lang}: "${s}"`);
        seen.set(s, v);
      }
    }
  });
}

test('a value the console does not know yet (a newer server) shows as it is', () => {
  const t = ui('fi');
  assert.equal(F.statusText('paused', t), 'paused');
  assert.equal(F.originText('chatbot', t), 'chatbot');
  assert.equal(F.presenceText('busy', t), 'busy');
  assert.equal(F.originText('constructor', t), 'constructor', 'no inherited property is a string');
});

test('buying signals: the known ones in words, a phrase quoted, others as they are', () => {
  for (const lang of LANGS) {
    const t = ui(lang);
    for (const [sig, key] of Object.entries(F.SIGNAL_KEYS)) {
      assert.ok(t[key]?.trim(), `${key} in ${lang}`);
      assert.equal(F.signalText(sig, t), t[key]);
    }
  }
  const fi = ui('fi');
  assert.equal(F.signalText('cart', fi), 'tuotteita ostoskorissa');
  assert.equal(F.signalText('phrase:hinta', fi), '“hinta”');
  assert.equal(F.signalText('toString', fi), 'toString');
  assert.equal(F.signalText('coupon', fi), 'coupon');
});

test('the widget has words for every ErrorCode in fi, sv and en', () => {
  assert.ok(P.ERROR_CODE_VALUES.length > 0);
  for (const lang of LANGS) {
    const T = W.strings(lang);
    for (const code of P.ERROR_CODE_VALUES) assert.ok(W.errorText(code, T)?.trim(), `${code} in ${lang}`);
    assert.equal(W.errorText('rate_limited', T), T.rate_limited);
    assert.equal(W.errorText('too_large', T), T.too_large);
    assert.equal(W.errorText('internal', T), T.error);
  }
});
