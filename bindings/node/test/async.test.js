'use strict';
// token() and request() on the library's own I/O threads (lib/async.js): not capped by
// UV_THREADPOOL_SIZE, fs and dns keep answering while hundreds of gateway calls hang,
// a warm token() needs no thread hop, every promise settles exactly once, nothing leaks,
// and the process exits on its own when nothing is pending.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const dns = require('node:dns');
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');
const { Client, InvalidArgumentError, AuthError, TimeoutError } = require('..');
const { inFlight } = require('../lib/async');
const { startSim } = require('./helpers/sim');
const { runNode, heldWhileRunning } = require('./helpers/child');
const { nativeHeapBytes } = require('./helpers/malloc');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

let sim;
before(async () => {
  sim = await startSim();
});
after(() => sim.stop());

/** Resolves once the simulator has counted `count` business requests of `gateway`: the
 * calls reached it (an event, not a guess of how long that takes). */
function apiRequestsReach(gateway, count) {
  return sim.waitFor(`${count} ${gateway} requests`, (stats) => stats.apiRequests[gateway] >= count);
}

async function settledHeap() {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return nativeHeapBytes();
}

test('fs and dns answer while 300 gateway calls hang', async () => {
  await sim.fault({ gateway: 'portone-v1', endpoint: 'api', kind: 'hang', count: 300 });
  const pg = Client.portoneV1(sim.config('portone-v1', { timeoutMs: 4000 }));
  await pg.token();
  const before = (await sim.stats()).apiRequests['portone-v1'];
  let settled = 0;
  const hanging = Array.from({ length: 300 }, (_, i) =>
    pg.get(`/payments/hang_${i}`).then(
      (res) => ({ res, n: ++settled }),
      (error) => ({ error, n: ++settled }),
    ),
  );
  await apiRequestsReach('portone-v1', before + 100); // 100 of them hang at the gateway
  const running = pg.stats().asyncRunning;
  assert.ok(running >= 100, `only ${running} calls ran at once: capped by a pool?`);
  const started = performance.now();
  await fs.promises.readFile(__filename);
  await dns.promises.lookup('localhost');
  const waited = performance.now() - started;
  assert.ok(waited < 1000, `fs + dns.lookup waited ${Math.round(waited)} ms behind paytoken calls`);
  const outcomes = await Promise.all(hanging);
  assert.ok(outcomes.every((o) => o.error instanceof TimeoutError), String(outcomes.find((o) => !o.error)?.res));
  assert.equal(settled, 300);
  assert.equal(inFlight(), 0, 'every call was called back');
  await sim.clearFaults();
});

test('512 calls in flight at once (maxInFlight: 512) all settle', async () => {
  // With a koffi callback per call, ~300 at once crashed the process (napi_create_error,
  // then SIGSEGV); completions now arrive through the queue, on this thread only.
  await sim.fault({ gateway: 'portone-v1', endpoint: 'api', kind: 'hang', count: 512 });
  const pg = Client.portoneV1(sim.config('portone-v1', { maxInFlight: 512, timeoutMs: 3000 }));
  await pg.token();
  const before = (await sim.stats()).apiRequests['portone-v1'];
  const calls = Array.from({ length: 512 }, (_, i) => pg.get(`/payments/many_${i}`).then(() => null, (e) => e));
  await apiRequestsReach('portone-v1', before + 512); // all 512 reached the gateway: in flight together
  assert.equal(inFlight(), 512);
  const outcomes = await Promise.all(calls);
  assert.ok(outcomes.every((o) => o instanceof TimeoutError), String(outcomes.find((o) => !(o instanceof TimeoutError))));
  assert.equal(inFlight(), 0);
  await sim.clearFaults();
});

test('a warm token() resolves without a thread hop; a cold one fetches on a library thread', async () => {
  const pg = Client.nicepay(sim.config('nicepay', { userAgent: 'warm-test' }));
  const cold = pg.token();
  assert.equal(inFlight(), 1, 'a cold token() is a library call');
  const token = await cold;
  // A warm token() settles in the microtask queue: before any event loop turn.
  let order = [];
  setImmediate(() => order.push('loop turn'));
  const warm = pg.token().then((t) => order.push(t === token ? 'token' : 'other'));
  assert.equal(inFlight(), 0, 'no library call for a warm token');
  await warm;
  assert.deepEqual(order, ['token']);
  await new Promise((resolve) => setImmediate(resolve));
});

test('every failure settles its promise once, with the typed error', async () => {
  const pg = Client.portoneV1(sim.config('portone-v1'));
  const wrong = Client.portoneV1({ ...sim.config('portone-v1'), impSecret: 'wrong' });
  const outcomes = await Promise.allSettled([
    pg.request('TRACE', '/payments/x'),
    pg.get('https://elsewhere.example/x'),
    wrong.get('/payments/x'),
    wrong.token(),
  ]);
  assert.ok(outcomes[0].reason instanceof InvalidArgumentError);
  assert.ok(outcomes[1].reason instanceof InvalidArgumentError);
  assert.ok(outcomes[2].reason instanceof AuthError);
  assert.ok(outcomes[3].reason instanceof AuthError);
  assert.equal(inFlight(), 0);
});

test('10,000 async requests leave the C heap flat', async () => {
  const pg = Client.portoneV2(sim.config('portone-v2'));
  const batch = async (n) => {
    for (let done = 0; done < n; done += 500) {
      const responses = await Promise.all(Array.from({ length: 500 }, (_, i) => pg.get(`/payments/leak_${done + i}`)));
      assert.ok(responses.every((res) => res.status === 200));
    }
  };
  // Warm up allocators, threads and connections. Every call running at once has its own
  // I/O thread and connection (up to maxInFlight, 256), and both stay on the C heap while
  // they live: hold calls until 256 run, so that the batches below find all of them made.
  // (A warm-up that happened to run fewer at once, as on a loaded machine, let the pool
  // grow while the heap was counted: 6 MiB with nothing leaked.)
  await sim.hold('portone-v2', 'api', 256);
  const warmUp = Promise.all(Array.from({ length: 500 }, (_, i) => pg.get(`/payments/warm_${i}`)));
  try {
    await sim.waitHeld(256);
  } finally {
    await sim.clearFaults();
  }
  await warmUp;
  await batch(1000);
  const before = await settledHeap();
  await batch(10000);
  const grown = ((await settledHeap()) - before) / (1 << 20);
  // A leaked response (with its body and headers) per call would add several MiB.
  assert.ok(grown < 4, `the C heap grew by ${grown.toFixed(2)} MiB over 10,000 requests`);
});

test('the process exits on its own once nothing is pending, and not before', async () => {
  const config = sim.config('portone-v2');
  const script = `
    const { Client } = require(${JSON.stringify(path.resolve(__dirname, '..'))});
    // Not awaited: the pending call alone must keep the process alive until it settles.
    Client.portoneV2(${JSON.stringify(config)}).get('/payments/exit_check').then((res) => console.log('settled', res.status));`;
  await sim.hold('portone-v2', 'api', 1);
  try {
    const { exited } = runNode(script);
    await heldWhileRunning(sim, 1, exited); // the child is alive with its call held at the gateway
    assert.equal(await sim.release(), 1);
    const child = await exited;
    assert.equal(child.signal, null, 'it exited by itself (no leaked handle): ' + child.stderr);
    assert.equal(child.code, 0, child.stderr);
    assert.match(child.stdout, /settled 200/, 'it waited for the call');
  } finally {
    await sim.clearFaults();
  }
});

test('process.exit() while answers are arriving exits cleanly with its code', async () => {
  const config = sim.config('portone-v1');
  // The 200 calls are held at the gateway, then released together; the child exits from
  // the callback of the k-th answer (code 3 says it got there), while the other 200 - k
  // are still to reach JavaScript: on the wire, on a library thread or in the completion
  // queue (how many in which is up to the scheduler, as in production).
  const script = `
    const { Client } = require(${JSON.stringify(path.resolve(__dirname, '..'))});
    const pg = Client.portoneV1(${JSON.stringify(config)});
    const exitAt = Number(process.argv[1]);
    let settled = 0;
    const onAnswer = () => {
      if (++settled === exitAt) process.exit(3);
    };
    pg.token().then(() => {
      for (let i = 0; i < 200; i++) pg.get('/payments/exit_' + i).then(onAnswer, onAnswer);
    });`;
  for (const exitAt of [1, 50, 100, 199]) {
    await sim.hold('portone-v1', 'api', 200);
    try {
      const { exited } = runNode(script, [String(exitAt)]);
      await heldWhileRunning(sim, 200, exited); // all 200 wait at the gateway
      await sim.release(); // ... and are answered together
      const child = await exited;
      assert.equal(child.signal, null, child.stderr);
      assert.equal(child.code, 3, `exit at answer ${exitAt}: ${child.stderr}`);
    } finally {
      await sim.clearFaults();
    }
  }
});
