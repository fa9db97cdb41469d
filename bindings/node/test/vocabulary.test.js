'use strict';
// Issue 21 for Node: every stats key typed (index.d.ts) and present, mustRetry on the
// network cancel's result, a timeout error that does not shadow the builtin, mistakes
// refused in this package's names (not the C API's), and 'debug'/'warning' log levels.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const paytoken = require('..');
const { Client, InvalidArgumentError, PayTokenTimeoutError } = paytoken;
const { startSim } = require('./helpers/sim');

let sim;
before(async () => {
  sim = await startSim();
});
after(() => sim.stop());

test('stats() has every key index.d.ts declares, and nothing more', async () => {
  const pg = Client.portoneV1(sim.config('portone-v1'));
  await pg.token();
  const stats = pg.stats();
  const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  const block = dts.split('export interface ClientStats {')[1].split('\n}')[0];
  const declared = [...block.matchAll(/^ {2}(\w+):/gm)].map((m) => m[1]).sort();
  assert.deepEqual(Object.keys(stats).sort(), declared);
  assert.equal(stats.gateway, 'portone-v1');
  assert.equal(stats.tokenFetches, 1);
  assert.equal(typeof stats.tokenValidForMs, 'number');
});

test('the network cancel result says mustRetry, as in every binding', async () => {
  const pg = Client.nicepay(sim.config('nicepay'));
  const result = await pg.nicepayNetcancel('node-order-vocab');
  assert.equal(typeof result.mustRetry, 'boolean');
  assert.equal(result.mustRetry, result.outcome === 'retry');
});

test('the timeout error does not shadow the builtin; the 0.1 name is the same class', () => {
  assert.equal(PayTokenTimeoutError.name, 'PayTokenTimeoutError');
  assert.equal(paytoken.TimeoutError, PayTokenTimeoutError);
  assert.notEqual(PayTokenTimeoutError, globalThis.TimeoutError);
});

test('a timeout out of range and a misspelled option are refused in Node names', async () => {
  const pg = Client.portoneV1(sim.config('portone-v1'));
  await assert.rejects(pg.get('/payments/imp_1', { timeoutMs: 5_000_000 }), (e) => {
    assert.ok(e instanceof InvalidArgumentError);
    assert.match(e.message, /timeoutMs must be a whole number of milliseconds from 1 to 600000, got 5000000/);
    assert.doesNotMatch(e.message, /options_json/);
    return true;
  });
  await assert.rejects(pg.get('/payments/imp_1', { timeout: 5 }), /unknown request option "timeout" \(did you mean "timeoutMs"\?\)/);
});

test('log levels: routine records are debug; setLogLevel takes the names', async () => {
  const records = [];
  const listener = (record) => records.push(record);
  paytoken.logs.on('log', listener);
  try {
    const pg = Client.portoneV2({ ...sim.config('portone-v2'), auth: 'token' });
    await pg.token();
    await pg.get('/payments/pay_vocab');
  } finally {
    paytoken.logs.off('log', listener);
  }
  assert.ok(records.some((r) => /fetch/.test(r.message)), JSON.stringify(records));
  assert.ok(records.every((r) => r.level === 'debug'));
  paytoken.setLogLevel('warning');
  paytoken.setLogLevel('off');
  assert.throws(() => paytoken.setLogLevel('info'), /unknown log level "info" \(known: off, warning, debug\)/);
});

test('index.d.ts declares exactly the exports, and the README API table names real methods', () => {
  const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  const declared = new Set([...dts.matchAll(/^export (?:declare )?(?:class|function|const) (\w+)/gm)].map((m) => m[1]));
  assert.deepEqual([...declared].sort(), Object.keys(paytoken).sort());
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const api = readme.split('\n## API\n')[1].split('\n## ')[0];
  const shown = [...api.matchAll(/`(?:await )?pg\.(\w+)(?:\/(\w+))*\(/g)].flatMap((m) => m[0].match(/\w+(?=[/(])/g));
  const methods = new Set(Object.getOwnPropertyNames(Client.prototype));
  for (const name of shown.filter((n) => n !== 'pg' && n !== 'await')) {
    assert.ok(methods.has(name), `the README shows pg.${name}() but Client has no ${name}`);
  }
  assert.ok(shown.length >= 8, shown.join(','));
});
