'use strict';
// paytoken from Node: one token fetch, a cache hit, one authorized request, the counters.
// Run by `make demo` against the simulator at $PAYTOKEN_SIM_URL with its default credentials.

const util = require('node:util');
// In an application: require('paytoken'). `make demo` runs this file from a project that
// installed the packed tarball; in this checkout the name resolves to the package itself.
const { Client } = require('paytoken');

const baseUrl = process.env.PAYTOKEN_SIM_URL;
if (!baseUrl) {
  console.error('demo: set PAYTOKEN_SIM_URL to a running paytoken-sim (make demo does)');
  process.exit(2);
}

/** A token shown as a fingerprint: never print a whole token. */
const fingerprint = (token) => `${token.slice(0, 6)}… (${token.length} chars)`;

async function main() {
  const pg = Client.nicepay({
    clientKey: 'S2_sim_client_key',
    secretKey: 'sim_nicepay_secret_key',
    baseUrl,
  });
  console.log('[node] client   ', pg); // secrets are never shown

  let started = performance.now();
  const token = await pg.token();
  console.log(`[node] token     ${fingerprint(token)} fetched in ${(performance.now() - started).toFixed(1)} ms`);

  started = performance.now();
  const again = await pg.token();
  const fromCache = again === token && pg.stats().tokenFetches === 1;
  console.log(`[node] token     ${fingerprint(again)} again in ${(performance.now() - started).toFixed(1)} ms (${fromCache ? 'from cache' : 'FETCHED AGAIN'})`);

  const res = await pg.get('/v1/payments/demo_tid_0001');
  const body = res.json();
  console.log(`[node] GET /v1/payments/demo_tid_0001 -> ${res.status} ${body.resultCode} ${body.resultMsg}`);
  console.log('[node] stats    ', util.inspect(pg.stats(), { breakLength: Infinity }));
  pg.close();
}

main().catch((error) => {
  console.error('[node] demo failed:', error);
  process.exit(1);
});
