'use strict';
// `npm pack` makes a tarball that installs into a fresh project and works there with the
// library it carries (no PAYTOKEN_LIB, no repository around it).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startSim } = require('./helpers/sim');

const PACKAGE_DIR = path.resolve(__dirname, '..');

let sim;
let scratch;
before(async () => {
  sim = await startSim();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'paytoken-pack-'));
});
after(() => {
  sim.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

function run(cmd, args, cwd, env = process.env) {
  return execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const APP_CJS = `
const fs = require('node:fs');
const { Client, AuthError } = require('paytoken');
(async () => {
  const pg = Client.portoneV1(JSON.parse(process.argv[2]));
  const token = await pg.token();
  const res = await pg.get('/payments/imp_packed');
  const wrong = await Client.portoneV1({ ...JSON.parse(process.argv[2]), impSecret: 'nope' }).token().catch((e) => e);
  const mapped = fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').find((l) => l.includes('libpaytoken.so'));
  console.log(JSON.stringify({ tokenLength: token.length, status: res.status, authError: wrong instanceof AuthError,
    lib: mapped && mapped.slice(mapped.indexOf('/')) }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

const APP_ESM = `
import { Client } from 'paytoken';
const pg = Client.portoneV1(JSON.parse(process.argv[2]));
console.log(JSON.stringify({ tokenLength: (await pg.token()).length }));
`;

test('the packed tarball installs into a scratch project and works', { timeout: 180000 }, () => {
  const tarball = run('npm', ['pack', '--silent', '--pack-destination', scratch], PACKAGE_DIR).trim().split('\n').pop();
  const tarPath = path.join(scratch, tarball);
  const listing = run('tar', ['tzf', tarPath], scratch).split('\n');
  for (const file of ['package/package.json', 'package/index.js', 'package/index.mjs', 'package/index.d.ts', 'package/lib/libpaytoken.so', 'package/README.md',
    'package/lib/metrics.js', 'package/lib/metrics.json', 'package/metrics.d.ts']) {
    assert.ok(listing.includes(file), `${file} missing from ${tarball}: ${listing.join(' ')}`);
  }
  assert.ok(!listing.some((f) => f.startsWith('package/test/') || f.startsWith('package/node_modules/')), listing.join(' '));

  const app = path.join(scratch, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', version: '1.0.0', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarPath], app);
  fs.writeFileSync(path.join(app, 'app.cjs'), APP_CJS);
  fs.writeFileSync(path.join(app, 'app.mjs'), APP_ESM);

  const env = { ...process.env };
  delete env.PAYTOKEN_LIB;
  const config = JSON.stringify(sim.config('portone-v1'));
  const cjs = JSON.parse(run(process.execPath, ['app.cjs', config], app, env));
  assert.deepEqual(
    { ...cjs, lib: undefined },
    { tokenLength: 40, status: 200, authError: true, lib: undefined },
  );
  assert.equal(cjs.lib, path.join(fs.realpathSync(app), 'node_modules', 'paytoken', 'lib', 'libpaytoken.so'));
  const esm = JSON.parse(run(process.execPath, ['app.mjs', config], app, env));
  assert.equal(esm.tokenLength, 40);
});
