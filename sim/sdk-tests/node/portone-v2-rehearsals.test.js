// PortOne's JavaScript server SDK on what a shop rehearses beyond the happy path:
// reconciliation lists with filters, tax-split cancels, and every typed error the
// simulator can give (tax errors, PG failure), as the SDK's own results and errors.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawn } = require('node:child_process');
const readline = require('node:readline');

const SDK_DIR = process.env.PAYTOKEN_SIM_SDK_NODE;
const { PortOneClient, Payment } = require(require.resolve('@portone/server-sdk', { paths: [SDK_DIR] }));
const SIM = process.env.PAYTOKEN_SIM || path.join(__dirname, '..', '..', '..', 'target', 'release', 'paytoken-sim');

async function startSim(t) {
  const child = spawn(SIM, ['--port', '0', '--exit-on-stdin-eof'], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.after(() => child.stdin.end());
  const line = await new Promise((resolve) => readline.createInterface({ input: child.stdout }).once('line', resolve));
  const url = line.split(' ').pop();
  const admin = async (p, body) => {
    const res = await fetch(url + p, { method: 'POST', body: JSON.stringify(body) });
    assert.equal(res.status, 200, `${p}: ${await res.clone().text()}`);
    return res.json();
  };
  return { client: PortOneClient({ secret: 'sim_portone_v2_api_secret', baseUrl: url }), admin };
}

test('a reconciliation list with filters, sort and paging', async (t) => {
  const { client, admin } = await startSim(t);
  const day = (d, h) => `2026-11-${d}T${h}:00:00+09:00`;
  await admin('/__sim/payments', { gateway: 'portone-v2', id: 'a', amount: 1000, requestedAt: day('01', '10') });
  await admin('/__sim/payments', { gateway: 'portone-v2', id: 'b', amount: 1000, status: 'ready', requestedAt: day('02', '10') });
  await admin('/__sim/payments', { gateway: 'portone-v2', id: 'c', amount: 1000, storeId: 'store-other', requestedAt: day('03', '10') });
  await admin('/__sim/payments', { gateway: 'portone-v2', id: 'd', amount: 1000, requestedAt: day('04', '10') });
  const filter = { storeId: 'store-sim', status: ['PAID'], from: day('01', '00'), until: day('30', '00'), sortOrder: 'ASC' };
  const asc = await client.payment.getPayments({ page: { number: 0, size: 10 }, filter });
  assert.deepEqual(asc.items.map((p) => p.id), ['a', 'd']);
  assert.equal(asc.page.totalCount, 2);
  const page = await client.payment.getPayments({ page: { number: 1, size: 1 }, filter: { ...filter, sortOrder: 'DESC' } });
  assert.deepEqual(page.items.map((p) => p.id), ['a']);
  await assert.rejects(client.payment.getPayments({ page: { number: 6000, size: 10 } }), (e) => {
    assert.ok(e instanceof Payment.GetPaymentsError, e.name);
    assert.equal(e.data.type, 'INVALID_REQUEST');
    return true;
  });
});

test('tax-split cancels and every typed cancel error', async (t) => {
  const { client, admin } = await startSim(t);
  await admin('/__sim/payments', { gateway: 'portone-v2', id: 'book', amount: 21000, taxFree: 10000 });
  await admin('/__sim/payments', { gateway: 'portone-v2', id: 'ready', amount: 1000, status: 'ready' });
  const paid = await client.payment.getPayment({ paymentId: 'book' });
  assert.equal(paid.amount.taxFree, 10000);
  const rejects = (promise, type, check) => assert.rejects(promise, (e) => {
    assert.ok(e instanceof Payment.CancelPaymentError, e.name);
    assert.equal(e.data.type, type);
    if (check) check(e.data);
    return true;
  });
  const cancel = (body) => client.payment.cancelPayment({ paymentId: 'book', reason: 'r', ...body });
  await rejects(cancel({ amount: 1000, taxFreeAmount: 2000 }), 'SUM_OF_PARTS_EXCEEDS_CANCEL_AMOUNT');
  await rejects(cancel({ amount: 12000, taxFreeAmount: 0 }), 'CANCEL_TAX_AMOUNT_EXCEEDS_CANCELLABLE_TAX_AMOUNT');
  const first = await cancel({ amount: 10000, taxFreeAmount: 10000, vatAmount: 0 });
  assert.equal(first.cancellation.taxFreeAmount, 10000);
  assert.equal(first.cancellation.vatAmount, 0);
  await rejects(cancel({ amount: 2000, taxFreeAmount: 2000 }), 'CANCEL_TAX_FREE_AMOUNT_EXCEEDS_CANCELLABLE_TAX_FREE_AMOUNT');
  await rejects(cancel({ currentCancellableAmount: 1 }), 'CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN');
  await rejects(client.payment.cancelPayment({ paymentId: 'ready', reason: 'r' }), 'PAYMENT_NOT_PAID');
  await admin('/__sim/fault', { gateway: 'portone-v2', endpoint: 'api', kind: 'pg-error', pgCode: '8031', pgMessage: '한도초과' });
  await rejects(cancel({}), 'PG_PROVIDER', (data) => {
    assert.equal(data.pgCode, '8031');
    assert.equal(data.pgMessage, '한도초과');
  });
  const rest = await cancel({});
  assert.equal(rest.cancellation.vatAmount, 1000);
  const done = await client.payment.getPayment({ paymentId: 'book' });
  assert.equal(done.status, 'CANCELLED');
  assert.equal(done.amount.cancelledTaxFree, 10000);
});

test('a pending payment and a PG-declined one, with optional fields', async (t) => {
  const { client, admin } = await startSim(t);
  const customer = { id: 'c-1', name: '홍길동', email: 'buyer@example.com' };
  await admin('/__sim/payments', { gateway: 'portone-v2', id: 'p', amount: 5000, status: 'pay-pending', customer, customData: '{"cart":1}' });
  const pending = await client.payment.getPayment({ paymentId: 'p' });
  assert.equal(pending.status, 'PAY_PENDING');
  assert.deepEqual(pending.customer, customer);
  await admin('/__sim/payments/update', { gateway: 'portone-v2', id: 'p', status: 'failed', failure: { pgCode: 'F113', pgMessage: '카드 확인 오류' } });
  const failed = await client.payment.getPayment({ paymentId: 'p' });
  assert.equal(failed.status, 'FAILED');
  assert.equal(failed.failure.pgCode, 'F113');
});
