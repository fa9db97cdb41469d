'use strict';
// Issue 25 in Node: every verdict reason of each gateway through the simulator's payment
// states; the simulator's own webhooks accepted and every tampered variant refused (the
// same cases as tests/verify_*.rs in the core).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { Client, GatewayError, InvalidArgumentError, verifyWebhook } = require('..');
const { startSim } = require('./helpers/sim');

const SECRET = 'whsec_c2ltLXdlYmhvb2stc2VjcmV0LWtleS0zMmJ5dGVzISE=';
let sim;
before(async () => {
  sim = await startSim();
  await sim.setConfig({ implicitPayments: false });
});
after(() => sim.stop());

const create = (gateway, id, extra = {}) =>
  sim.admin('POST', '/__sim/payments', { gateway, id, orderId: `order-${id}`, amount: 1000, ...extra });

async function cancel(client, gateway, id, amount) {
  const [path, json] =
    gateway === 'nicepay'
      ? [`/v1/payments/${id}/cancel`, { reason: 't', orderId: `order-${id}`, cancelAmt: amount }]
      : gateway === 'portone-v1'
        ? ['/payments/cancel', { imp_uid: id, amount, reason: 't' }]
        : [`/payments/${id}/cancel`, { reason: 't', amount }];
  assert.equal((await client.post(path, { json })).status, 200);
}

/** A loopback endpoint; next() resolves with the next webhook, exactly as sent. */
async function inbox(answer = () => [200, 'OK']) {
  const waiting = [];
  const arrived = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const [status, text] = answer();
      res.writeHead(status).end(text);
      const hook = { headers: req.headers, body: Buffer.concat(chunks) };
      if (waiting.length > 0) waiting.shift()(hook);
      else arrived.push(hook);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    next: () => (arrived.length > 0 ? Promise.resolve(arrived.shift()) : new Promise((resolve) => waiting.push(resolve))),
    close: () => server.close(),
  };
}

for (const gateway of ['portone-v2', 'portone-v1', 'nicepay']) {
  test(`${gateway}: every verdict reason`, async () => {
    const client = new Client(sim.config(gateway));
    await create(gateway, 'p1', { currency: 'KRW' });
    const order = gateway === 'portone-v2' ? 'p1' : 'order-p1';
    let v = await client.verifyPayment({ paymentId: 'p1', amount: 1000, currency: 'KRW', orderId: order });
    assert.equal(v.verified, true, JSON.stringify(v));
    assert.deepEqual([v.status, v.amount, v.reasonCodes], ['paid', 1000, []]);

    await create(gateway, 'p2', { amount: 900, currency: 'USD' });
    v = await client.verifyPayment({ paymentId: 'p2', amount: 1000, currency: 'KRW', orderId: 'other' });
    assert.deepEqual(v.reasonCodes, ['amountDiffers', 'currencyDiffers', 'orderIdDiffers']);
    assert.deepEqual([v.reasons[0].expected, v.reasons[0].actual], [1000, 900]);

    await create(gateway, 'r1', { status: 'ready' });
    assert.deepEqual((await client.verifyPayment({ paymentId: 'r1', amount: '1000' })).reasonCodes, ['notPaid']);
    await create(gateway, 'f1', { status: 'failed' });
    assert.equal((await client.verifyPayment({ paymentId: 'f1', amount: 1000n })).status, 'failed');
    await create(gateway, 'c1');
    await cancel(client, gateway, 'c1', 300);
    v = await client.verifyPayment({ paymentId: 'c1', amount: 1000 });
    assert.deepEqual([v.reasonCodes, v.cancelledAmount], [['partiallyCancelled'], 300]);
    await create(gateway, 'c2');
    await cancel(client, gateway, 'c2', null);
    assert.deepEqual((await client.verifyPayment({ paymentId: 'c2', amount: 1000 })).reasonCodes, ['cancelled']);
    v = await client.verifyPayment({ paymentId: 'nobody', amount: 1000 });
    assert.deepEqual([v.reasonCodes, v.status], [['notFound'], 'notFound']);
    client.close();
  });
}

test('errors stay errors', async () => {
  const client = new Client(sim.config('portone-v2'));
  await assert.rejects(client.verifyPayment({ paymentId: 'x', amount: 10.5 }), InvalidArgumentError);
  await sim.fault({ gateway: 'portone-v2', endpoint: 'api', kind: 'status', status: 503, count: 1 });
  await assert.rejects(client.verifyPayment({ paymentId: 'x', amount: 1 }), GatewayError);
  client.close();
});

async function v2Webhook(box, id) {
  await sim.admin('POST', '/__sim/webhooks', { gateway: 'portone-v2', url: box.url, secret: SECRET });
  await create('portone-v2', id);
  return box.next();
}

test("the simulator's V2 webhook is accepted and every tampered variant refused", async () => {
  const box = await inbox();
  const { headers, body } = await v2Webhook(box, 'w1');
  const event = await verifyWebhook(body, headers, { secret: SECRET });
  assert.equal(event.verified, true, JSON.stringify(event));
  assert.deepEqual([event.type, event.paymentId, event.webhookId], ['Transaction.Paid', 'w1', headers['webhook-id']]);
  const text = body.toString('utf8');
  for (const changed of [
    Buffer.from(text.replace('w1', 'w9')),
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]),
    Buffer.from(text + '\r\n'),
    Buffer.from(JSON.stringify(JSON.parse(text), null, 2)),
  ]) {
    assert.equal((await verifyWebhook(changed, headers, { secret: SECRET })).reason, 'badSignature');
  }
  assert.equal((await verifyWebhook(body, headers, { secret: 'whsec_d3Jvbmc=' })).reason, 'badSignature');
  const ts = Number(headers['webhook-timestamp']);
  assert.equal((await verifyWebhook(body, headers, { secret: SECRET, nowUnixSecs: ts + 301 })).reason, 'tooOld');
  assert.equal((await verifyWebhook(body, headers, { secret: SECRET, nowUnixSecs: ts - 301 })).reason, 'tooNew');
  const { 'webhook-signature': _, ...unsigned } = headers;
  assert.equal((await verifyWebhook(body, unsigned, { secret: SECRET })).reason, 'malformed');
  await assert.rejects(verifyWebhook(text, headers, { secret: SECRET }), InvalidArgumentError);
  box.close();
});

test('a retried delivery verifies again with the same id', async () => {
  await sim.setConfig({ webhookRetryDelaysMs: [1] });
  let calls = 0;
  const box = await inbox(() => (calls++ === 0 ? [500, 'down'] : [200, 'OK']));
  const first = await v2Webhook(box, 'w4');
  const retry = await box.next();
  const a = await verifyWebhook(first.body, first.headers, { secret: SECRET });
  const b = await verifyWebhook(retry.body, retry.headers, { secret: SECRET });
  assert.ok(a.verified && b.verified);
  assert.equal(a.webhookId, b.webhookId);
  box.close();
});

test('no secret in any error', async () => {
  const error = await verifyWebhook(Buffer.from('{}'), {}, { secret: 'whsec_not base64 SECRETVALUE' }).catch((e) => e);
  assert.ok(error instanceof InvalidArgumentError);
  assert.ok(!error.message.includes('SECRETVALUE'), error.message);
});

test('NICEPAY and PortOne V1 webhooks', async () => {
  const box = await inbox();
  await sim.admin('POST', '/__sim/webhooks', { gateway: 'nicepay', url: box.url });
  await create('nicepay', 'tid-5');
  let hook = await box.next();
  const nicepay = new Client(sim.config('nicepay'));
  let event = await nicepay.verifyWebhook(hook.body, hook.headers);
  assert.deepEqual([event.verified, event.paymentId, event.orderId], [true, 'tid-5', 'order-tid-5']);
  const forged = { ...JSON.parse(hook.body), amount: 100 };
  assert.equal((await nicepay.verifyWebhook(Buffer.from(JSON.stringify(forged)))).reason, 'badSignature');
  await sim.admin('POST', '/__sim/webhooks', { gateway: 'portone-v1', url: box.url });
  await create('portone-v1', 'imp_000000000006');
  hook = await box.next();
  const v1 = new Client(sim.config('portone-v1'));
  event = await v1.verifyWebhook(hook.body, hook.headers);
  assert.deepEqual([event.verified, event.paymentId], [true, 'imp_000000000006']);
  const fake = Buffer.from(JSON.stringify({ imp_uid: 'imp_999999999999', merchant_uid: 'x', status: 'paid' }));
  assert.equal((await v1.verifyWebhook(fake)).reason, 'notFound');
  nicepay.close();
  v1.close();
  box.close();
});
