'use strict';
// index.d.ts is hand-written: compile usage files against it with tsc --strict, as a
// CommonJS file (usage.ts: this package.json has no "type") and as an ES module
// (usage-esm.mts), resolved through package.json "exports" like a user's project does.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

test('the TypeScript usage files type-check against index.d.ts', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const project = path.join(__dirname, 'types', 'tsconfig.json');
  const run = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
});
