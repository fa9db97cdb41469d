'use strict';
// token() and request() on the library's own I/O threads (lib/async.js): not capped by
// UV_THREADPOOL_SIZE, fs and dns keep answering while hundreds of gateway calls hang,
// a warm token() needs no thread hop, every promise settles exactly once, nothing leaks,
// and the process exits on its own when nothing is pending.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const dns = require('node:dns');
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');
const { Client, InvalidArgumentError, AuthError, TimeoutError } = require('..');
const { inFlight } = require('../lib/async');
const { startSim } = require('./helpers/sim');
const { nativeHeapBytes } = require('./helpers/malloc');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

let sim;
before(async () => {
  sim = await startSim(['--delay-ms', '50']);
});
after(() => sim.stop());

/** Resolves once the simulator has counted `count` business requests of `gateway`: the
 * calls reached it (an event, not a guess of how long that takes). */
async function apiRequestsReach(gateway, count) {
  const deadline = Date.now() + 30000;
  while ((await sim.stats()).apiRequests[gateway] < count) {
    assert.ok(Date.now() < deadline, `fewer than ${count} ${gateway} requests reached the simulator`);
    await new Promise((resolve) => setImmediate(resolve));
  }
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
  await batch(1000); // warm up allocators, threads and connections
  const before = await settledHeap();
  await batch(10000);
  const grown = ((await settledHeap()) - before) / (1 << 20);
  // A leaked response (with its body and headers) per call would add several MiB.
  assert.ok(grown < 4, `the C heap grew by ${grown.toFixed(2)} MiB over 10,000 requests`);
});

test('the process exits on its own once nothing is pending, and not before', () => {
  const config = sim.config('portone-v2');
  const script = `
    const { Client } = require(${JSON.stringify(path.resolve(__dirname, '..'))});
    // Not awaited: the pending call alone must keep the process alive until it settles.
    Client.portoneV2(${JSON.stringify(config)}).get('/payments/exit_check').then((res) => console.log('settled', res.status));`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20000 });
  assert.equal(child.signal, null, 'it exited by itself (no leaked handle): ' + child.stderr);
  assert.equal(child.status, 0, child.stderr);
  assert.match(child.stdout, /settled 200/);
});

test('process.exit() while callbacks are arriving exits cleanly with its code', () => {
  const config = sim.config('portone-v1');
  const script = `
    const { Client } = require(${JSON.stringify(path.resolve(__dirname, '..'))});
    const pg = Client.portoneV1(${JSON.stringify(config)});
    pg.token().then(() => {
      for (let i = 0; i < 200; i++) pg.get('/payments/exit_' + i).catch(() => {});
      setTimeout(() => process.exit(3), Number(process.argv[1])); // as the answers come back (50 ms delay)
    });`;
  for (const delay of [40, 50, 60, 70]) {
    const child = spawnSync(process.execPath, ['-e', script, String(delay)], { encoding: 'utf8', timeout: 20000 });
    assert.equal(child.signal, null, child.stderr);
    assert.equal(child.status, 3, child.stderr);
  }
});
