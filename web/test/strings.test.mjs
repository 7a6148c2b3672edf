// The fi/sv/en string files (proto/strings.json for the server, web/src/widget/strings.json and
// web/src/console/strings.json): every key has every language, no value is empty, and a key's
// {placeholders} are the same in each language (a count's word forms, {n|one|many}, are its own).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const LANGS = ['fi', 'sv', 'en'];
const FILES = { 'proto/strings.json': '../../proto/strings.json', 'web/src/widget/strings.json': '../src/widget/strings.json', 'web/src/console/strings.json': '../src/console/strings.json' };
// {n}, or {n|one|many}: the count with its word (web/src/console/fill.ts).
const placeholders = (s) => [...new Set([...s.matchAll(/\{(\w+)(?:\|[^|}]*\|[^}]*)?\}/g)].map((m) => m[1]))].sort();

for (const [name, file] of Object.entries(FILES)) {
  test(`${name}: every key in fi, sv and en, none empty, the same placeholders`, () => {
    const all = JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8'));
    assert.equal(typeof all.doc, 'string', `${name}: a "doc" string comes first`);
    const keys = Object.keys(all).filter((k) => k !== 'doc');
    assert.ok(keys.length > 0, `${name} has no strings`);
    const problems = [];
    for (const key of keys) {
      const entry = all[key];
      if (!entry || typeof entry !== 'object') { problems.push(`${key}: not an object of languages`); continue; }
      const extra = Object.keys(entry).filter((l) => !LANGS.includes(l));
      if (extra.length) problems.push(`${key}: unknown language ${extra.join(', ')}`);
      for (const l of LANGS) {
        if (typeof entry[l] !== 'string') problems.push(`${key}: no ${l}`);
        else if (!entry[l].trim()) problems.push(`${key}: empty ${l}`);
      }
      const have = LANGS.filter((l) => typeof entry[l] === 'string');
      const fi = placeholders(entry[have[0]] ?? '').join(', ');
      for (const l of have.slice(1)) {
        const p = placeholders(entry[l]).join(', ');
        if (p !== fi) problems.push(`${key}: ${have[0]} has {${fi}} but ${l} has {${p}}`);
      }
    }
    assert.deepEqual(problems, [], `${name}:\n  ${problems.join('\n  ')}`);
  });
}
