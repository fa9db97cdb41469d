'use strict';
// The event loop never waits on the library: calls run on libuv's thread pool, and the
// core's single-flight turns a burst of cold-cache callers into one token fetch.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const dns = require('node:dns');
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');
const { Client, InvalidArgumentError, TimeoutError } = require('..');
const { startSim, waitUntil } = require('./helpers/sim');
const { runNode, heldWhileRunning } = require('./helpers/child');
const { nativeHeapBytes } = require('./helpers/malloc');

// A full collection on demand, so the heap checks see freed JS Buffers as freed.
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

/** C heap bytes in use once collected JS Buffers have released their memory. */
async function settledHeap() {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20)); // ArrayBuffer sweeping may lag
  }
  return nativeHeapBytes();
}

/** Resolves after `n` callbacks of a 10 ms interval: `n` event loop turns with timers. */
function intervalTicks(n) {
  return new Promise((resolve) => {
    let ticks = 0;
    const timer = setInterval(() => ++ticks === n && (clearInterval(timer), resolve()), 10);
  });
}

/** Counts the ticks of a 10 ms interval while `work` runs. */
async function ticksDuring(work) {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const started = performance.now();
  try {
    const result = await work();
    return { ticks, elapsed: performance.now() - started, result };
  } finally {
    clearInterval(timer);
  }
}

test('200 concurrent token() calls on a cold cache cause one token fetch', async () => {
  const pg = Client.nicepay(sim.config('nicepay'));
  await sim.hold('nicepay', 'token', 0); // every token request waits at the gateway
  try {
    const calls = Array.from({ length: 200 }, () => pg.token());
    await sim.waitHeld(1);
    // All 200 calls are inside the library (running on its I/O threads, the pool's
    // counter says so) while the one fetch is held: 199 of them can only be waiting on it.
    await waitUntil('200 token() calls running', () => pg.stats().asyncRunning === 200);
    const during = await sim.stats();
    assert.equal(during.tokenRequests.nicepay, 1, 'a caller fetched a token of its own');
    assert.equal(during.held, 1);
    await sim.release();
    const tokens = await Promise.all(calls);
    assert.equal(new Set(tokens).size, 1);
  } finally {
    await sim.clearFaults();
  }
  assert.equal((await sim.stats()).tokenRequests.nicepay, 1);
  assert.equal(pg.stats().tokenFetches, 1);
});

test('a timer keeps ticking while a request waits at the gateway', async () => {
  const pg = Client.portoneV1(sim.config('portone-v1'));
  await pg.token();
  await sim.hold('portone-v1', 'api', 1);
  try {
    let settled = false;
    const pending = pg.get('/payments/imp_slow').finally(() => (settled = true));
    await sim.waitHeld(1);
    await intervalTicks(20); // 20 timer callbacks ...
    assert.equal(settled, false, 'the request was answered before the ticks: they prove nothing');
    assert.equal((await sim.stats()).held, 1); // ... while the request was held at the gateway
    await sim.release();
    assert.equal((await pending).status, 200);
  } finally {
    await sim.clearFaults();
  }
});

test('control: requestSync() on a held request blocks the loop (the measure can fail)', async () => {
  const pg = Client.portoneV1(sim.config('portone-v1'));
  await pg.token();
  await sim.hold('portone-v1', 'api', 1);
  try {
    // Nothing can release it while this thread is blocked: the call ends at its timeout.
    const { ticks } = await ticksDuring(async () =>
      assert.throws(() => pg.requestSync('GET', '/payments/imp_sync_slow', { timeoutMs: 500 }), TimeoutError),
    );
    assert.equal((await sim.stats()).held, 1, 'the sync call was held at the gateway');
    assert.ok(ticks <= 1, `${ticks} ticks while a sync call held the thread`);
  } finally {
    await sim.clearFaults();
  }
});

test('1000 concurrent requests (more than koffi queues at once) all succeed', async () => {
  const pg = Client.portoneV2(sim.config('portone-v2'));
  const responses = await Promise.all(Array.from({ length: 1000 }, (_, i) => pg.get(`/payments/burst_${i}`)));
  assert.ok(responses.every((res) => res.status === 200));
  assert.equal(responses[999].json().echo.path, '/payments/burst_999');
});

test('large bodies are copied out and freed: 150 x 1 MiB responses leave the C heap flat', async () => {
  const pg = Client.portoneV2({ ...sim.config('portone-v2'), maxResponseBytes: 4 << 20 });
  await sim.fault({ gateway: 'portone-v2', endpoint: 'api', kind: 'oversized', bytes: 1 << 20, count: 0 });
  try {
    const fetchMany = async (n) => {
      for (let i = 0; i < n; i++) {
        const res = await pg.get(`/payments/big_${i}`);
        assert.equal(res.body.length, 1 << 20);
      }
    };
    await fetchMany(20); // warm up allocators and pools
    const before = await settledHeap();
    await fetchMany(150);
    const grown = ((await settledHeap()) - before) / (1 << 20);
    // A leaked native response would add 150 MiB.
    assert.ok(grown < 8, `the C heap grew by ${grown.toFixed(1)} MiB over 150 MiB of responses`);
  } finally {
    await sim.clearFaults();
  }
});

test('library-allocated token strings are freed: 200k tokenSync() calls leave the C heap flat', async () => {
  const pg = Client.portoneV1(sim.config('portone-v1'));
  await pg.token();
  for (let i = 0; i < 20000; i++) pg.tokenSync(); // warm up
  const before = await settledHeap();
  for (let i = 0; i < 200000; i++) pg.tokenSync();
  const grown = ((await settledHeap()) - before) / (1 << 20);
  // Unfreed 40-byte tokens would add about 10 MiB.
  assert.ok(grown < 2, `the C heap grew by ${grown.toFixed(2)} MiB over 200k tokens`);
});

test('failed calls leave the C heap flat too (50k errors from the library)', async () => {
  const pg = Client.portoneV2(sim.config('portone-v2'));
  const fail = () => assert.throws(() => pg.requestSync('GET', '/payments/a\r\nb'), InvalidArgumentError);
  for (let i = 0; i < 5000; i++) fail(); // warm up
  const before = await settledHeap();
  for (let i = 0; i < 50000; i++) fail();
  const rejected = await Promise.all(Array.from({ length: 2000 }, () => pg.get('/payments/a\r\nb').catch((e) => e)));
  assert.ok(rejected.every((error) => error instanceof InvalidArgumentError));
  const grown = ((await settledHeap()) - before) / (1 << 20);
  assert.ok(grown < 2, `the C heap grew by ${grown.toFixed(2)} MiB over 52k failed calls`);
});

test('a client dropped while its call is in flight stays alive until the call returns', async () => {
  let collected = 0;
  const collection = new FinalizationRegistry(() => collected++);
  await sim.hold('portone-v2', 'api', 8);
  try {
    // No reference to the clients is kept: only their pending calls.
    const pending = Array.from({ length: 8 }, (_, i) => {
      const client = Client.portoneV2(sim.config('portone-v2'));
      collection.register(client, i);
      return client.get(`/payments/gc_${i}`);
    });
    await sim.waitHeld(8); // collect while the gateway holds all 8
    for (let i = 0; i < 8; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve)); // finalizers run as tasks
    }
    assert.equal(collected, 0, 'a client was collected while its call was in flight');
    assert.equal(await sim.release(), 8);
    const responses = await Promise.all(pending);
    assert.deepEqual(responses.map((res) => res.status), Array(8).fill(200));
  } finally {
    await sim.clearFaults();
  }
  // Once the calls returned the clients go: the collections above could have seen them.
  await waitUntil('8 clients collected', () => (gc(), collected === 8));
});

test('process.exit() while a call is held at the gateway exits cleanly', async () => {
  // The call runs on a library thread; exit must not wait for it past timeoutMs, nor crash.
  // The child exits on a signal sent once its call is held: in flight for sure.
  await sim.hold('portone-v2', 'api', 1);
  try {
    const config = sim.config('portone-v2', { timeoutMs: 1500 });
    const script = `
      const { Client } = require(${JSON.stringify(path.resolve(__dirname, '..'))});
      process.on('SIGUSR2', () => process.exit(3));
      Client.portoneV2(${JSON.stringify(config)}).get('/payments/held_at_exit');`;
    const { child, exited } = runNode(script);
    await heldWhileRunning(sim, 1, exited);
    const started = performance.now();
    child.kill('SIGUSR2');
    const { code, signal, stderr } = await exited;
    const elapsed = performance.now() - started;
    assert.equal(signal, null, stderr);
    assert.equal(code, 3, stderr);
    assert.ok(elapsed < 10000, `exit took ${Math.round(elapsed)} ms with timeoutMs 1500`);
  } finally {
    await sim.clearFaults();
  }
});

test('hanging gateway calls leave a pool thread to fs and dns.lookup', async () => {
  await sim.fault({ gateway: 'portone-v2', endpoint: 'api', kind: 'hang', count: 12 });
  const pg = Client.portoneV2(sim.config('portone-v2', { timeoutMs: 2500 }));
  const before = (await sim.stats()).apiRequests['portone-v2'];
  const hanging = Array.from({ length: 12 }, (_, i) => pg.get(`/payments/hang_${i}`).catch((error) => error));
  await apiRequestsReach('portone-v2', before + 12); // all 12 hang at the gateway
  const started = performance.now();
  await fs.promises.readFile(__filename);
  await dns.promises.lookup('localhost');
  const waited = performance.now() - started;
  assert.ok(waited < 1000, `fs + dns.lookup waited ${Math.round(waited)} ms behind paytoken calls`);
  const errors = await Promise.all(hanging);
  assert.ok(errors.every((error) => error instanceof TimeoutError), errors.map(String).join('\n'));
  await sim.clearFaults();
});
