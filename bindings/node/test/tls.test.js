'use strict';
// HTTPS to a simulator with a self-signed certificate: trusted through caFile it works,
// untrusted it is a TlsError.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client, TlsError, InvalidArgumentError } = require('..');
const { startSim } = require('./helpers/sim');

let sim;
let dir;
let caFile;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paytoken-tls-'));
  caFile = path.join(dir, 'sim.pem');
  sim = await startSim(['--tls', '--cert-out', caFile]);
});
after(() => {
  sim.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the simulator serves https', () => {
  assert.match(sim.url, /^https:\/\/127\.0\.0\.1:\d+$/);
});

test('with caFile the token and a request go over TLS', async () => {
  const pg = Client.portoneV1(sim.config('portone-v1', { caFile }));
  assert.match(await pg.token(), /^[0-9a-f]{40}$/);
  const res = await pg.get('/payments/imp_tls');
  assert.equal(res.status, 200);
});

test('an untrusted certificate is a TlsError', async () => {
  const pg = Client.portoneV1(sim.config('portone-v1', { tier: 'untrusted' }));
  await assert.rejects(pg.token(), (error) => {
    assert.ok(error instanceof TlsError, String(error));
    assert.equal(error.code, 'PAYTOKEN_E_TLS');
    return true;
  });
});

test('caFile is checked when the client is made: a missing file is an InvalidArgumentError', () => {
  assert.throws(
    () => Client.portoneV1(sim.config('portone-v1', { caFile: path.join(dir, 'missing.pem') })),
    (error) => {
      assert.ok(error instanceof InvalidArgumentError, String(error));
      assert.match(error.message, /caFile/);
      return true;
    },
  );
});
