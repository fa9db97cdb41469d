'use strict';
// paytoken from Node: cached tokenSync() and await token(), and await get() against the
// built-in fetch (undici, kept-alive connections) on the same endpoint.
//
//   node bench.js BASE_URL [RUNS]
//
// One JSON line per measurement and run on stdout (scripts/bench.sh reads them),
// progress on stderr. Any failed call rejects and ends with a non-zero status.

const path = require('node:path');
const { Client } = require(path.join(__dirname, '..', '..', 'bindings', 'node'));

const API_PATH = '/payments/imp_bench';
const SYNC_TOKEN_CALLS = 200000;
const ASYNC_TOKEN_CALLS = 20000;
const BLOCK = 25;
const BLOCKS = 12;

function emit(id, run, ns) {
  console.log(JSON.stringify({ id, run, value: ns, unit: 'ns' }));
}

async function perCallNs(calls, fn) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await fn();
  return Number(process.hrtime.bigint() - started) / calls;
}

/** ns per call of each variant, in small blocks whose order rotates (drift hits all alike). */
async function interleaved(variants) {
  const names = Object.keys(variants);
  const spent = Object.fromEntries(names.map((n) => [n, 0n]));
  for (let block = 0; block < BLOCKS; block++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(block + k) % names.length];
      const started = process.hrtime.bigint();
      for (let i = 0; i < BLOCK; i++) await variants[name]();
      spent[name] += process.hrtime.bigint() - started;
    }
  }
  return names.map((n) => [n, Number(spent[n]) / (BLOCK * BLOCKS)]);
}

async function main() {
  const [baseUrl, runsArg] = process.argv.slice(2);
  const runs = Number(runsArg || 7);
  const pg = Client.portoneV1({ impKey: 'sim_imp_key', impSecret: 'sim_imp_secret', baseUrl });
  const authorization = `Bearer ${await pg.token()}`;
  const url = baseUrl + API_PATH;

  const variants = {
    'node.request.paytoken': async () => {
      const response = await pg.get(API_PATH);
      if (response.status !== 200 || response.body.length === 0) throw new Error(`paytoken GET answered ${response.status}`);
    },
    'node.request.fetch': async () => {
      const response = await fetch(url, { headers: { Authorization: authorization } });
      const body = await response.arrayBuffer();
      if (response.status !== 200 || body.byteLength === 0) throw new Error(`fetch GET answered ${response.status}`);
    },
  };
  for (const call of Object.values(variants)) for (let i = 0; i < 50; i++) await call();

  // Token runs first, then request runs: a CPU-bound loop right before a request block
  // slowed the requests that followed it (seen from PHP on a 2-core VM).
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < SYNC_TOKEN_CALLS; i++) pg.tokenSync();
    emit('node.token.sync', run, Number(process.hrtime.bigint() - started) / SYNC_TOKEN_CALLS);
    emit('node.token.async', run, await perCallNs(ASYNC_TOKEN_CALLS, () => pg.token()));
  }
  for (let run = 0; run < runs; run++) {
    for (const [id, ns] of await interleaved(variants)) emit(id, run, ns);
    process.stderr.write(`  node run ${run} done\n`);
  }
  pg.close();
}

main().catch((error) => {
  console.error('bench.js failed:', error);
  process.exit(1);
});
