'use strict';
// paytoken's PortOne V2 webhook verifier accepts and refuses exactly what PortOne's own
// server SDK does, on the same vectors (valid, several signatures, other versions, a
// changed body, a BOM, the 5-minute window both ways, a wrong key, missing, upper-case,
// repeated and list-valued headers). The SDK is the one sim/sdk-tests/run.sh installs;
// without it this test says skipped.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { verifyWebhook } = require('..');

const sdkDir = path.join(
  process.env.PAYTOKEN_SIM_SDK_NODE || path.join(os.homedir(), '.cache/paytoken/sim-sdk/node'),
  'node_modules/@portone/server-sdk/dist/webhook.cjs',
);
const sdk = fs.existsSync(sdkDir) ? require(sdkDir) : null;

test('the PortOne SDK and paytoken agree on every vector', { skip: sdk ? false : `no PortOne SDK at ${sdkDir} (sim/sdk-tests/run.sh installs it)` }, async () => {
  const secret = 'whsec_' + Buffer.from('parity-key-32-bytes-long-0123456').toString('base64');
  const key = Buffer.from(secret.slice(6), 'base64');
  const sign = (ts, body, k = key) => 'v1,' + crypto.createHmac('sha256', k).update(`msg_1.${ts}.${body}`).digest('base64');
  const now = Math.floor(Date.now() / 1000);
  const body = '{"type":"Transaction.Paid","data":{"paymentId":"p"}}';
  const h = (ts, sig) => ({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': sig });
  const cases = {
    valid: [body, h(now, sign(now, body))],
    several: [body, h(now, 'v1,AAAA ' + sign(now, body))],
    otherVersion: [body, h(now, 'v1a,' + sign(now, body).slice(3))],
    tampered: [body.replace('p"', 'q"'), h(now, sign(now, body))],
    bom: ['\ufeff' + body, h(now, sign(now, body))],
    within: [body, h(now - 250, sign(now - 250, body))],
    tooOld: [body, h(now - 400, sign(now - 400, body))],
    tooNew: [body, h(now + 400, sign(now + 400, body))],
    wrongKey: [body, h(now, sign(now, body, Buffer.from('other')))],
    noId: [body, { 'webhook-timestamp': String(now), 'webhook-signature': sign(now, body) }],
    upperCase: [body, { 'Webhook-Id': 'msg_1', 'WEBHOOK-TIMESTAMP': String(now), 'Webhook-Signature': sign(now, body) }],
    repeated: [body, h(now, [sign(now, body), 'v1,AAAA'])],
    list: [body, h(now, [sign(now, body)])],
  };
  for (const [name, [text, headers]] of Object.entries(cases)) {
    const theirs = await sdk.verify(secret, text, headers).then(() => true, () => false);
    const ours = (await verifyWebhook(Buffer.from(text), headers, { secret })).verified;
    assert.equal(ours, theirs, `${name}: the SDK ${theirs ? 'accepts' : 'refuses'} it`);
  }
});
