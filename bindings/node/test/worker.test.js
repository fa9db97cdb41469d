'use strict';
// worker_threads: each worker loads its own koffi instance, but the library (and so the
// token cache) is loaded once per process: all threads share one token.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { Client } = require('..');
const { startSim } = require('./helpers/sim');

let sim;
before(async () => {
  sim = await startSim(['--delay-ms', '100']);
});
after(() => sim.stop());

function runWorker(config) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'helpers', 'worker.js'), { workerData: { config } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
  });
}

test('four workers and the main thread share one cached token', async () => {
  const config = sim.config('nicepay');
  const main = Client.nicepay(config);
  const [mainToken, ...results] = await Promise.all([main.token(), ...Array.from({ length: 4 }, () => runWorker(config))]);
  for (const result of results) {
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.token, mainToken);
    assert.equal(result.status, 200);
    assert.equal(result.errorClass, 'AuthError');
  }
  assert.equal((await sim.stats()).tokenRequests.nicepay, 1);
});

test('a worker can be terminated while its call is in flight', async () => {
  await sim.fault({ gateway: 'portone-v2', endpoint: 'api', kind: 'delay', delayMs: 500, count: 1 });
  const worker = new Worker(
    `const { Client } = require(${JSON.stringify(path.resolve(__dirname, '..'))});
     Client.portoneV2(${JSON.stringify(sim.config('portone-v2'))}).get('/payments/pay_terminated');
     require('node:worker_threads').parentPort.postMessage('sent');`,
    { eval: true },
  );
  await new Promise((resolve) => worker.once('message', resolve));
  await worker.terminate();
  // The process survives and the library still works here.
  const res = await Client.portoneV2(sim.config('portone-v2')).get('/payments/pay_after_terminate');
  assert.equal(res.status, 200);
});
