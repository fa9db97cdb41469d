'use strict';
// Unknown outcomes made safe (issue 13), end to end against the simulator in its faithful
// mode: payments exist only once created through its admin API.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { Client, TimeoutError, NetworkError, InvalidArgumentError } = require('..');
const { startSim, CREDENTIALS } = require('./helpers/sim');

let sim;
before(async () => {
  sim = await startSim();
  await sim.setConfig({ implicitPayments: false });
});
after(() => sim.stop());

const processed = async (gateway) => (await sim.stats()).processed[gateway];
const createPayment = (payment) => sim.admin('POST', '/__sim/payments', payment);

async function rejectsWith(promise, Class) {
  let caught;
  await assert.rejects(promise, (error) => {
    caught = error;
    return error instanceof Class;
  });
  return caught;
}

test('a V2 cancel that timed out after the gateway processed it is retried with the same key', async () => {
  await createPayment({ gateway: 'portone-v2', id: 'node-pay-1', amount: 5000 });
  const client = new Client(sim.config('portone-v2'));
  const before = await processed('portone-v2');
  await sim.fault({ gateway: 'portone-v2', endpoint: 'api', kind: 'process-then-hang' });
  const cancel = { json: { reason: 'r', amount: 1000 } };
  const lost = await rejectsWith(client.post('/payments/node-pay-1/cancel', { ...cancel, timeoutMs: 500 }), TimeoutError);
  assert.equal(lost.idempotencyKey.length, 32);
  assert.equal(await processed('portone-v2'), before + 1, 'the gateway acted on it');

  const again = await client.post('/payments/node-pay-1/cancel', { ...cancel, idempotencyKey: lost.idempotencyKey });
  assert.equal(again.status, 200);
  assert.equal(again.idempotencyKey, lost.idempotencyKey);
  assert.equal(again.json().cancellation.totalAmount, 1000);
  assert.equal(await processed('portone-v2'), before + 1, 'processed once');
  assert.equal((await client.get('/payments/node-pay-1')).json().amount.cancelled, 1000);
  client.close();
});

test('every V2 mutating request carries a fresh key; NICEPAY and V1 carry none', async () => {
  await createPayment({ gateway: 'portone-v2', id: 'node-pay-2', amount: 5000 });
  const v2 = new Client(sim.config('portone-v2'));
  const first = await v2.post('/payments/node-pay-2/cancel', { json: { reason: 'r', amount: 10 } });
  const second = v2.requestSync('POST', '/payments/node-pay-2/cancel', { json: { reason: 'r', amount: 10 } });
  assert.notEqual(first.idempotencyKey, second.idempotencyKey);
  assert.equal((await sim.lastRequest()).headers['idempotency-key'], `"${second.idempotencyKey}"`);
  assert.equal((await v2.get('/payments/node-pay-2')).idempotencyKey, null);
  for (const gateway of ['nicepay', 'portone-v1']) {
    const client = new Client(sim.config(gateway));
    const answer = await client.post(gateway === 'nicepay' ? '/v1/payments/no-such-tid/cancel' : '/payments/cancel', { json: { reason: 'r' } });
    assert.equal(answer.idempotencyKey, null);
    assert.equal((await sim.lastRequest()).headers['idempotency-key'], undefined);
    client.close();
  }
  // A caller's key, by option or header; both at once, or a malformed one, is refused.
  const own = 'node-order-1-cancel-01';
  const byOption = await v2.post('/payments/node-pay-2/cancel', { json: { reason: 'r' }, idempotencyKey: own });
  const byHeader = await v2.post('/payments/node-pay-2/cancel', {
    json: { reason: 'r' },
    headers: { 'Idempotency-Key': `"${own}"` },
  });
  assert.equal(byHeader.idempotencyKey, own);
  assert.deepEqual(byHeader.body, byOption.body, 'the same key replays the first answer');
  await rejectsWith(
    v2.post('/payments/node-pay-2/cancel', { idempotencyKey: own, headers: { 'Idempotency-Key': `"${own}"` } }),
    InvalidArgumentError,
  );
  await rejectsWith(v2.post('/payments/node-pay-2/cancel', { idempotencyKey: 'short' }), InvalidArgumentError);
  v2.close();
});

test('a V2 cancel with an unquoted Idempotency-Key header succeeds (sent as an RFC 8941 string)', async () => {
  await createPayment({ gateway: 'portone-v2', id: 'node-pay-hdr', amount: 5000 });
  const v2 = new Client(sim.config('portone-v2'));
  const res = await v2.post('/payments/node-pay-hdr/cancel', {
    json: { reason: 'r', amount: 100 },
    headers: { 'Idempotency-Key': 'cancel-order-0042' },
  });
  assert.equal(res.status, 200);
  assert.equal(res.idempotencyKey, 'cancel-order-0042');
  assert.equal((await sim.lastRequest()).headers['idempotency-key'], '"cancel-order-0042"');
  await rejectsWith(
    v2.post('/payments/node-pay-hdr/cancel', { headers: { 'Idempotency-Key': 'a"b' } }),
    InvalidArgumentError,
  );
  v2.close();
});

test('retryUnknownOutcome resends a lost answer with the same key by itself', async () => {
  await createPayment({ gateway: 'portone-v2', id: 'node-pay-3', amount: 5000 });
  const client = new Client(sim.config('portone-v2', { retryUnknownOutcome: true }));
  const before = await processed('portone-v2');
  await sim.fault({ gateway: 'portone-v2', endpoint: 'api', kind: 'process-then-close' });
  const answer = await client.post('/payments/node-pay-3/cancel', { json: { reason: 'r', amount: 700 } });
  assert.equal(answer.json().cancellation.totalAmount, 700);
  assert.equal(await processed('portone-v2'), before + 1);
  assert.equal(client.stats().unknownOutcomeRetries, 1);
  await sim.fault({ gateway: 'portone-v2', endpoint: 'api', kind: 'process-then-close' });
  const lost = await rejectsWith(
    client.post('/payments/node-pay-3/cancel', { json: { reason: 'r', amount: 700 }, retryUnknownOutcome: false }),
    NetworkError,
  );
  assert.ok(lost.idempotencyKey);
  client.close();
});

test('a NICEPAY approval that timed out is network-cancelled and shows cancelled', async () => {
  await createPayment({ gateway: 'nicepay', id: 'node-tid-9', orderId: 'node-order-9', amount: 7000, status: 'ready' });
  const client = new Client(sim.config('nicepay'));
  await client.token();
  await sim.fault({ gateway: 'nicepay', endpoint: 'api', kind: 'process-then-hang' });
  const lost = await rejectsWith(
    client.post('/v1/payments/node-tid-9', { json: { amount: 7000 }, timeoutMs: 500 }),
    TimeoutError,
  );
  assert.equal(lost.idempotencyKey, null);

  const result = await client.nicepayNetcancel('node-order-9');
  assert.deepEqual([result.outcome, result.resultCode, result.httpStatus], ['cancelled', '0000', 200]);
  assert.equal((await client.get('/v1/payments/node-tid-9')).json().status, 'cancelled');
  const again = await client.nicepayNetcancel('node-order-9');
  assert.deepEqual([again.outcome, again.resultCode], ['notNeeded', '2015']);

  await sim.fault({ gateway: 'nicepay', endpoint: 'api', kind: 'hang' });
  const hung = await client.nicepayNetcancel('node-order-9', { timeoutMs: 300 });
  assert.deepEqual([hung.outcome, hung.httpStatus], ['retry', 0]);
  assert.ok(hung.resultMsg.length > 0);
  client.close();
});

test('nicepaySign computes signData inside the library', () => {
  const client = new Client(sim.config('nicepay'));
  const expected = crypto
    .createHash('sha256')
    .update(`order-9${'2026-11-29T13:00:00.000+09:00'}${CREDENTIALS.nicepay.secretKey}`)
    .digest('hex');
  assert.equal(client.nicepaySign('order-9', '2026-11-29T13:00:00.000+09:00'), expected);
  assert.throws(() => client.nicepaySign('a', 1), InvalidArgumentError);
  const v2 = new Client(sim.config('portone-v2'));
  assert.throws(() => v2.nicepaySign('x'), InvalidArgumentError);
  client.close();
  v2.close();
});
