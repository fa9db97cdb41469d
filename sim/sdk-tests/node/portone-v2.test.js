// PortOne's official JavaScript server SDK (@portone/server-sdk) against the simulator:
// lookups, cancels and errors come back as the SDK's results and errors, every field its
// generated types require is present, and its webhook verifier accepts our webhooks.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { spawn } = require('node:child_process');
const readline = require('node:readline');

// Installed by sim/sdk-tests/run.sh into the cache, never into the repository.
const SDK_DIR = process.env.PAYTOKEN_SIM_SDK_NODE;
const sdkPath = require.resolve('@portone/server-sdk', { paths: [SDK_DIR] });
const { PortOneClient, Webhook, Payment } = require(sdkPath);
const TYPES = path.join(path.dirname(sdkPath), 'generated');
const SIM = process.env.PAYTOKEN_SIM || path.join(__dirname, '..', '..', '..', 'target', 'release', 'paytoken-sim');
const SECRET = 'whsec_c2ltLXdlYmhvb2stc2VjcmV0LWtleS0zMmJ5dGVzISE=';

async function startSim(t) {
  const child = spawn(SIM, ['--port', '0', '--exit-on-stdin-eof'], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.after(() => child.stdin.end());
  const line = await new Promise((resolve) => readline.createInterface({ input: child.stdout }).once('line', resolve));
  assert.match(line, /^paytoken-sim listening on /);
  const url = line.split(' ').pop();
  const admin = async (method, p, body) => {
    const res = await fetch(url + p, { method, body: body && JSON.stringify(body) });
    assert.equal(res.status, 200, `${p}: ${await res.clone().text()}`);
    return res.json();
  };
  return { url, admin };
}

/** The required (non-optional) fields of an exported object type in the SDK's .d.ts. */
function requiredFields(file, typeName) {
  const text = fs.readFileSync(path.join(TYPES, file), 'utf8').replace(/\/\*\*[\s\S]*?\*\//g, '');
  const body = text.match(new RegExp(`export type ${typeName} = \\{([\\s\\S]*?)\\n\\};`));
  assert.ok(body, `${typeName} in ${file}`);
  const fields = [...body[1].matchAll(/^\s+(\w+)(\??):/gm)].filter((m) => m[2] === '').map((m) => m[1]);
  // A parse that finds nothing would let every check pass: refuse it.
  assert.ok(fields.length >= 2 && fields.includes('status') === /Payment$|Cancellation$/.test(typeName), `${typeName}: ${fields}`);
  return fields;
}

function assertFits(value, file, typeName) {
  for (const field of requiredFields(file, typeName)) {
    assert.ok(field in value && value[field] !== null, `${typeName}.${field} missing in ${JSON.stringify(value)}`);
  }
}

test('lookups of every status carry every field the SDK types require', async (t) => {
  const { url, admin } = await startSim(t);
  const client = PortOneClient({ secret: 'sim_portone_v2_api_secret', baseUrl: url });
  const kinds = { ready: 'ReadyPayment', paid: 'PaidPayment', failed: 'FailedPayment', 'virtual-account-issued': 'VirtualAccountIssuedPayment' };
  for (const [status, typeName] of Object.entries(kinds)) {
    await admin('POST', '/__sim/payments', { gateway: 'portone-v2', id: `p-${status}`, amount: 1000, status });
    const payment = await client.payment.getPayment({ paymentId: `p-${status}` });
    assertFits(payment, `payment/${typeName}.d.ts`, typeName);
    assertFits(payment.amount, 'payment/PaymentAmount.d.ts', 'PaymentAmount');
  }
  const paid = await client.payment.getPayment({ paymentId: 'p-paid' });
  assertFits(paid.channel, 'common/SelectedChannel.d.ts', 'SelectedChannel');
  assert.equal(typeof paid.storeId, 'string');
  const list = await client.payment.getPayments({ page: { number: 0, size: 10 } });
  assert.equal(list.page.totalCount, 4);
});

test('partial and full cancels, then the SDK errors', async (t) => {
  const { url, admin } = await startSim(t);
  const client = PortOneClient({ secret: 'sim_portone_v2_api_secret', baseUrl: url });
  const paymentId = '주문/2026 11';
  await admin('POST', '/__sim/payments', { gateway: 'portone-v2', id: paymentId, amount: 10000 });
  const partial = await client.payment.cancelPayment({ paymentId, amount: 4000, reason: '부분 환불' });
  assertFits(partial.cancellation, 'payment/SucceededPaymentCancellation.d.ts', 'SucceededPaymentCancellation');
  const after = await client.payment.getPayment({ paymentId });
  assert.equal(after.id, paymentId);
  assert.equal(after.status, 'PARTIAL_CANCELLED');
  assertFits(after, 'payment/PartialCancelledPayment.d.ts', 'PartialCancelledPayment');

  const rejects = (promise, type) => assert.rejects(promise, (e) => {
    assert.ok(e instanceof Payment.CancelPaymentError || e instanceof Payment.GetPaymentError, e.name);
    assert.equal(e.data.type, type);
    return true;
  });
  await rejects(client.payment.cancelPayment({ paymentId, amount: 6001, reason: 'x' }), 'CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT');
  await client.payment.cancelPayment({ paymentId, reason: '나머지' });
  assertFits(await client.payment.getPayment({ paymentId }), 'payment/CancelledPayment.d.ts', 'CancelledPayment');
  await rejects(client.payment.cancelPayment({ paymentId, reason: 'again' }), 'PAYMENT_ALREADY_CANCELLED');
  await rejects(client.payment.getPayment({ paymentId: 'never-existing' }), 'PAYMENT_NOT_FOUND');
  await rejects(client.payment.cancelPayment({ paymentId: 'never-existing', reason: 'x' }), 'PAYMENT_NOT_FOUND');
  await rejects(client.payment.cancelPayment({ paymentId }), 'INVALID_REQUEST');
});

test("the SDK's Webhook.verify accepts the simulator's webhooks", async (t) => {
  const { url, admin } = await startSim(t);
  const received = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { received.push({ headers: req.headers, body }); res.end(); });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  await admin('POST', '/__sim/webhooks', { gateway: 'portone-v2', url: `http://127.0.0.1:${server.address().port}/hook`, secret: SECRET });
  await admin('POST', '/__sim/payments', { gateway: 'portone-v2', id: 'hooked', amount: 2500 });
  const client = PortOneClient({ secret: 'sim_portone_v2_api_secret', baseUrl: url });
  await client.payment.cancelPayment({ paymentId: 'hooked', reason: '전액' });
  for (let i = 0; i < 500 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(received.length, 2);
  const paid = await Webhook.verify(SECRET, received[0].body, received[0].headers);
  assert.equal(paid.type, 'Transaction.Paid');
  assert.equal(paid.data.paymentId, 'hooked');
  const cancelled = await Webhook.verify(SECRET, received[1].body, received[1].headers);
  assert.equal(cancelled.type, 'Transaction.Cancelled');
  assert.ok(cancelled.data.cancellationId);
  await assert.rejects(Webhook.verify('whsec_b3RoZXItc2VjcmV0', received[0].body, received[0].headers), Webhook.WebhookVerificationError);
});
