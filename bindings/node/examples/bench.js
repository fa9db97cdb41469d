'use strict';
// Cached token() and request throughput against $PAYTOKEN_SIM_URL (run by `make bench`).

const { Client } = require('..');

const baseUrl = process.env.PAYTOKEN_SIM_URL;
if (!baseUrl) {
  console.error('bench: set PAYTOKEN_SIM_URL to a running paytoken-sim');
  process.exit(2);
}

/** Runs `fn` for about `ms` milliseconds; returns calls per second and microseconds per call. */
async function measure(fn, ms = 1000) {
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < ms) calls += await fn();
  const elapsed = performance.now() - started;
  return { perSecond: Math.round((calls * 1000) / elapsed), usPerCall: ((elapsed * 1000) / calls).toFixed(1) };
}

function report(what, { perSecond, usPerCall }) {
  console.log(`[node] ${what.padEnd(44)} ${String(perSecond).padStart(9)} /s  ${usPerCall.padStart(8)} us/call`);
}

async function main() {
  const pg = Client.portoneV1({ impKey: 'sim_imp_key', impSecret: 'sim_imp_secret', baseUrl });
  await pg.token();

  report('tokenSync(), cached', await measure(async () => {
    for (let i = 0; i < 1000; i++) pg.tokenSync();
    return 1000;
  }));
  report('await token(), cached, one at a time', await measure(async () => {
    await pg.token();
    return 1;
  }));
  report('token(), cached, 1000 concurrent', await measure(async () => {
    await Promise.all(Array.from({ length: 1000 }, () => pg.token()));
    return 1000;
  }));
  report('GET request, 100 concurrent (loopback sim)', await measure(async () => {
    await Promise.all(Array.from({ length: 100 }, () => pg.get('/payments/imp_bench')));
    return 100;
  }, 2000));
  console.log(`[node] (UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE || '4 (default)'})`);
}

main().catch((error) => {
  console.error('[node] bench failed:', error);
  process.exit(1);
});
