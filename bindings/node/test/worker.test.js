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
  sim = await startSim();
});
after(() => sim.stop());

/** Starts helpers/worker.js: `calling` resolves once its token() has started, `result`
 * to its report. */
function runWorker(config) {
  const worker = new Worker(path.join(__dirname, 'helpers', 'worker.js'), { workerData: { config } });
  const failed = new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
  });
  const messages = [];
  const next = () => Promise.race([failed, new Promise((resolve) => messages.push(resolve))]);
  worker.on('message', (message) => messages.shift()?.(message));
  const calling = next();
  return { calling, result: calling.then(next) };
}

test('four workers and the main thread share one cached token', async () => {
  const config = sim.config('nicepay');
  const main = Client.nicepay(config);
  await sim.hold('nicepay', 'token', 1); // the first token request waits at the gateway
  let mainToken, results;
  try {
    const workers = Array.from({ length: 4 }, () => runWorker(config));
    const all = Promise.all([main.token(), ...workers.map((w) => w.result)]);
    // The fetch is held until every worker's token() has started (a barrier: the worker
    // posts right after the call). A worker call that got into the library by then waits
    // on the one fetch; one that had not yet finds the cached token: both share it. A
    // second token request would show in the count below.
    await Promise.all(workers.map((w) => w.calling));
    await sim.waitHeld(1);
    await sim.release();
    [mainToken, ...results] = await all;
  } finally {
    await sim.clearFaults();
  }
  for (const result of results) {
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.token, mainToken);
    assert.equal(result.status, 200);
    assert.equal(result.errorClass, 'AuthError');
  }
  assert.equal((await sim.stats()).tokenRequests.nicepay, 1);
});

test('a worker can be terminated while its call is in flight', async () => {
  const pg = Client.portoneV2(sim.config('portone-v2'));
  await sim.hold('portone-v2', 'api', 1);
  const worker = new Worker(
    `const { Client } = require(${JSON.stringify(path.resolve(__dirname, '..'))});
     Client.portoneV2(${JSON.stringify(sim.config('portone-v2'))}).get('/payments/pay_terminated');
     require('node:worker_threads').parentPort.postMessage('sent');`,
    { eval: true },
  );
  try {
    await new Promise((resolve) => worker.once('message', resolve));
    await sim.waitHeld(1); // the worker's call is at the gateway
    await worker.terminate();
    // One released: the call was still at the gateway when the worker went, and its
    // answer now arrives for a thread that is gone.
    assert.equal(await sim.release(), 1);
  } finally {
    await sim.clearFaults();
  }
  // The process survives and the library still works here.
  const res = await pg.get('/payments/pay_after_terminate');
  assert.equal(res.status, 200);
});
