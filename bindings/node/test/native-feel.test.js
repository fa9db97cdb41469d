'use strict';
// Issue 15 for Node: query and unknown request options, the package's error from json(),
// the library's one text decoder (EUC-KR), the per-call timeout, the config key table,
// the ABI check at load and log records as events.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const paytoken = require('..');
const { Client, Response, GatewayError, InvalidArgumentError, TimeoutError } = paytoken;
const { startSim } = require('./helpers/sim');

let sim;
before(async () => {
  sim = await startSim();
});
after(() => sim.stop());

test('query is appended; unknown options (params, signal) are refused by name', async () => {
  const pg = Client.portoneV1(sim.config('portone-v1'));
  const res = await pg.get('/payments/imp_q', { query: { status: 'paid', tag: ['a', 'b'] } });
  assert.equal(res.status, 200);
  assert.equal(res.url, '/payments/imp_q?status=paid&tag=a&tag=b');
  const seen = await sim.admin('GET', '/__sim/last-request');
  assert.match(JSON.stringify(seen), /status=paid/);
  assert.doesNotMatch(JSON.stringify(seen.headers ?? {}), /"status"/);
  for (const bad of ['params', 'signal']) {
    await assert.rejects(pg.get('/payments/imp_q', { [bad]: {} }), (e) => {
      assert.ok(e instanceof InvalidArgumentError);
      assert.match(e.message, new RegExp(`unknown request option "${bad}"`));
      return true;
    });
  }
});

test('json() on a body that is not JSON throws GatewayError with status and excerpt', () => {
  const res = new Response(502, { 'content-type': 'text/html' }, Buffer.from('<html>bad gateway</html>'), {
    method: 'GET',
    url: '/x',
  });
  assert.throws(() => res.json(), (e) => {
    assert.ok(e instanceof GatewayError);
    assert.equal(e.httpStatus, 502);
    assert.match(e.message, /HTTP 502/);
    assert.match(e.message, /<html>bad gateway<\/html>/);
    return true;
  });
});

test('an EUC-KR NICEPAY answer reads correctly through the library decoder', async () => {
  // The simulator answers the payment's own orderId: create the payment with it.
  const pg = Client.nicepay({ ...sim.config('nicepay'), returnCharSet: 'euc-kr' });
  await sim.createPayment({ gateway: 'nicepay', id: 'tid_k', orderId: '주문-똠', amount: 1004 });
  const res = await pg.post('/v1/payments/tid_k/cancel', {
    json: { reason: '고객 요청', orderId: '주문-똠', returnCharSet: 'euc-kr' },
  });
  assert.match(res.header('content-type'), /euc-kr/i);
  assert.notEqual(res.body.toString('utf8').includes('주문-똠'), true, 'raw bytes are not UTF-8');
  assert.equal(res.json().orderId, '주문-똠');
  assert.ok(res.text().includes('주문-똠'));
});

test('timeoutMs per call replaces the client default', async () => {
  const pg = Client.portoneV1({ ...sim.config('portone-v1'), timeoutMs: 30000 });
  await pg.token();
  await sim.fault({ endpoint: 'api', kind: 'delay', delayMs: 3000, count: 1 });
  const started = Date.now();
  await assert.rejects(pg.get('/payments/imp_slow', { timeoutMs: 300 }), TimeoutError);
  assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
  await assert.rejects(pg.get('/payments/imp_1', { timeoutMs: 0 }), InvalidArgumentError);
});

test('every config key of the library is in the TypeScript config types, and no other', () => {
  const schema = paytoken.configSchema();
  const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  const configPart = dts.slice(dts.indexOf('export interface CommonOptions'), dts.indexOf('export type ClientConfig'));
  const typed = new Set([...configPart.matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1]));
  typed.add('gateway');
  const names = new Set(schema.keys.map((k) => k.name));
  assert.deepEqual([...typed].sort(), [...names].sort());
});

test('a library without the ABI functions is refused, naming what it needs', () => {
  const run = spawnSync(process.execPath, ['-e', "require('./').libraryVersion()"], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, PAYTOKEN_LIB: 'libc.so.6' },
    encoding: 'utf8',
  });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /too old .*needs ABI 1\.5/);
});

test('log records arrive as events, with no token in them', async () => {
  const records = [];
  const listener = (r) => records.push(r);
  paytoken.logs.on('log', listener);
  try {
    const pg = Client.portoneV2({ ...sim.config('portone-v2'), auth: 'token' });
    const token = await pg.token();
    await pg.get('/payments/p_log');
    const deadline = Date.now() + 10000;
    while (!records.some((r) => /fetch/.test(r.message)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(records.some((r) => /fetch/.test(r.message)), JSON.stringify(records));
    assert.ok(records.every((r) => r.level === 'debug'));
    assert.ok(records.every((r) => !r.message.includes(token)));
  } finally {
    paytoken.logs.off('log', listener);
  }
});

test("the README's options table names exactly the library's keys", () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.split('\n## Options\n')[1].split('\n## ')[0];
  const documented = [...section.matchAll(/^\| `(\w+)`/gm)].map((m) => m[1]).sort();
  assert.deepEqual(documented, paytoken.configSchema().keys.map((k) => k.name).sort());
});
