// The generated protocol files must match proto/protocol.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('generated protocol types are up to date', () => {
  const gen = fileURLToPath(new URL('../../proto/gen.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [gen, '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
