'use strict';
// The library's warnings are shown whatever the order of setup (process.emitWarning with
// no 'log' listener, a 'warning' record with one), and a token request that times out is
// a TokenTimeoutError: nothing reached the payment API. Waits are on the events.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { once } = require('node:events');
const paytoken = require('..');
const { Client, PayTokenTimeoutError, TokenTimeoutError, GatewayError } = paytoken;
const { startSim } = require('./helpers/sim');

let sim;
before(async () => {
  sim = await startSim();
});
after(() => sim.stop());

/** The first event of `emitter` for which `match` holds (a stuck test fails after 20 s). */
async function first(emitter, event, match) {
  const signal = AbortSignal.timeout(20000);
  for (;;) {
    const [value] = await once(emitter, event, { signal });
    if (match(value)) return value;
  }
}

test('with no listener, a failed token request is a process warning', async () => {
  const pg = Client.portoneV1({ ...sim.config('portone-v1'), tier: 'warn-default' });
  const warned = first(process, 'warning', (w) => w.name === 'PayTokenWarning' && /token fetch/.test(w.message));
  await sim.fault({ gateway: 'portone-v1', endpoint: 'token', kind: 'status', status: 503 });
  await assert.rejects(pg.get('/payments/imp_1'), GatewayError);
  const warning = await warned;
  assert.match(warning.message, /failed/);
});

test('a listener attached after the client was made gets the warning record', async () => {
  const pg = Client.portoneV1({ ...sim.config('portone-v1'), tier: 'warn-late' });
  const records = [];
  const listener = (r) => records.push(r);
  paytoken.logs.on('log', listener);
  try {
    const warned = first(paytoken.logs, 'log', (r) => r.level === 'warning' && /token fetch/.test(r.message));
    await sim.fault({ gateway: 'portone-v1', endpoint: 'token', kind: 'status', status: 503 });
    await assert.rejects(pg.get('/payments/imp_1'), GatewayError);
    await warned;
  } finally {
    paytoken.logs.off('log', listener);
  }
});

test('a token request that times out is a TokenTimeoutError; nothing is sent', async () => {
  const pg = Client.portoneV1({ ...sim.config('portone-v1'), tier: 'token-timeout', timeoutMs: 400 });
  const before = (await sim.stats()).apiRequests['portone-v1'];
  await sim.fault({ gateway: 'portone-v1', endpoint: 'token', kind: 'hang' });
  await assert.rejects(pg.post('/payments/cancel', { json: { imp_uid: 'imp_1' } }), (e) => {
    assert.ok(e instanceof TokenTimeoutError, `${e.name}: ${e.message}`);
    assert.ok(e instanceof PayTokenTimeoutError);
    assert.equal(e.code, 'PAYTOKEN_E_TIMEOUT');
    assert.doesNotMatch(e.message, /unknown/);
    return true;
  });
  assert.equal((await sim.stats()).apiRequests['portone-v1'], before, 'nothing reached the payment API');
});

test("a payment call's timeout stays a PayTokenTimeoutError with an unknown outcome", async () => {
  const pg = Client.portoneV1({ ...sim.config('portone-v1'), tier: 'call-timeout', timeoutMs: 400 });
  await pg.token();
  await sim.fault({ gateway: 'portone-v1', endpoint: 'api', kind: 'hang' });
  await assert.rejects(pg.post('/payments/cancel', { json: { imp_uid: 'imp_1' } }), (e) => {
    assert.ok(e instanceof PayTokenTimeoutError && !(e instanceof TokenTimeoutError), e.name);
    assert.match(e.message, /unknown/);
    return true;
  });
});
