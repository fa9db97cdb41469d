'use strict';
// A user's program: paytoken from the installed npm package, against $PAYTOKEN_SIM_URL.
// Prints "token:", "request:" and "error:" lines (tests/packaging/lib.sh checks them).
const { Client, AuthError } = require('paytoken');

const baseUrl = process.env.PAYTOKEN_SIM_URL;
const creds = { clientKey: 'S2_sim_client_key', secretKey: 'sim_nicepay_secret_key', baseUrl };

(async () => {
  console.log(`library: ${require.resolve('paytoken')}`);
  const client = Client.nicepay(creds);
  const token = await client.token();
  console.log(`token: ${token.length} chars`);
  const res = await client.get('/v1/payments/packaging_smoke_tid');
  if (res.status !== 200 && res.status !== 404) throw new Error(`unexpected status ${res.status}`);
  if (typeof res.json() !== 'object') throw new Error('not a JSON answer');
  console.log(`request: HTTP ${res.status}`);
  const err = await Client.nicepay({ ...creds, secretKey: 'not-the-secret' }).token().catch((e) => e);
  if (!(err instanceof AuthError)) throw new Error(`expected an AuthError, got ${err}`);
  if (String(err.message).includes('not-the-secret')) throw new Error('the secret leaked into the error');
  console.log(`error: AuthError (HTTP ${err.httpStatus})`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
