'use strict';
// paytoken from Node: cached tokenSync() and await token() beside a bare koffi call of the
// library (the reference), and await get() against the built-in fetch (undici, kept-alive
// connections) on the same endpoint.
//
//   node bench.js BASE_URL [RUNS]
//
// One JSON line per measurement and run on stdout (scripts/bench.sh reads them),
// progress on stderr. Any failed call rejects and ends with a non-zero status.

const path = require('node:path');
const binding = path.join(__dirname, '..', '..', 'bindings', 'node');
const { Client } = require(binding);
const koffi = require(path.join(binding, 'node_modules', 'koffi'));
const { libraryPath } = require(path.join(binding, 'lib', 'locate'));

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

/**
 * The floor from Node: paytoken_get_token_cached + paytoken_string_free through koffi,
 * declared here (koffi copies the string out and frees it), on a raw client of the same
 * account (so the same cached token), one reused out-parameter, no error struct, no check.
 */
function bareToken(config) {
  const lib = koffi.load(libraryPath());
  const free = lib.func('paytoken_string_free', 'void', ['void *']);
  const OwnedString = koffi.disposable('str', free);
  const clientNew = lib.func('paytoken_client_new', 'int32_t', ['const char *', koffi.out(koffi.pointer('void *')), 'void *']);
  const cached = lib.func('paytoken_get_token_cached', 'int32_t', ['void *', koffi.out(koffi.pointer(OwnedString)), 'void *']);
  const handle = [null];
  if (clientNew(JSON.stringify(config), handle, null) !== 0) throw new Error('bare paytoken_client_new failed');
  const out = [null];
  return () => {
    cached(handle[0], out, null);
    return out[0];
  };
}

async function main() {
  const [baseUrl, runsArg] = process.argv.slice(2);
  const runs = Number(runsArg || 7);
  const pg = Client.portoneV1({ impKey: 'sim_imp_key', impSecret: 'sim_imp_secret', baseUrl });
  const authorization = `Bearer ${await pg.token()}`;
  const bare = bareToken({ gateway: 'portone-v1', impKey: 'sim_imp_key', impSecret: 'sim_imp_secret', baseUrl });
  if (bare() !== pg.tokenSync()) throw new Error('the bare call did not return the cached token');
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
  const syncNs = (call) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < SYNC_TOKEN_CALLS; i++) call();
    return Number(process.hrtime.bigint() - started) / SYNC_TOKEN_CALLS;
  };
  syncNs(bare); // JIT warm-up of the reference, as the wrapper's calls above warmed it
  for (let run = 0; run < runs; run++) {
    // Side by side in every run (the ratio is taken run by run), order alternating.
    const order = [['node.token.sync', () => pg.tokenSync()], ['node.token.bare', bare]];
    for (const [id, call] of run % 2 === 0 ? order : order.reverse()) emit(id, run, syncNs(call));
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
