'use strict';
// Payment and webhook verification (issue 25): "trust nothing the browser says". The
// library does the work (the lookup through the usual authorized request path, the
// verdict, the Standard Webhooks and NICEPAY signatures, constant-time comparison); this
// module marshals. Verdicts and refusals are values, not rejections.

const koffi = require('koffi');
const { native, callAsync, check } = require('./native');
const { cString, describe } = require('./args');
const { invalidArgument } = require('./errors');

let bound = null;

/** The two C functions of ABI 1.4, declared on first use (per thread, like native()). */
function functions() {
  if (bound !== null) return bound;
  const n = native();
  const { lib, ErrorStruct, ClientPtr } = n.raw;
  const OwnedString = koffi.disposable('str', n.stringFree);
  const errOut = koffi.out(koffi.pointer(ErrorStruct));
  const out = koffi.out(koffi.pointer(OwnedString));
  const declare = (name, args) => {
    try {
      return lib.func(name, 'int32_t', args);
    } catch (cause) {
      throw Object.assign(invalidArgument(`the loaded libpaytoken has no ${name} (it needs ABI 1.4): upgrade it`), { cause });
    }
  };
  bound = {
    payment: declare('paytoken_verify_payment', [ClientPtr, 'const char *', out, errOut]),
    webhook: declare('paytoken_verify_webhook', [ClientPtr, 'const char *', 'const uint8_t *', 'size_t', out, errOut]),
  };
  return bound;
}

/** The verdict JSON with camelCase kept; `reasonCodes` added for convenience. */
function verdictOf(text) {
  const v = JSON.parse(text);
  return Object.freeze({ ...v, reasonCodes: v.reasons.map((r) => r.code) });
}

const PAYMENT_KEYS = ['paymentId', 'orderId', 'orderDate', 'amount', 'currency'];

/** The C call of Client#verifyPayment, run by the caller on libuv's pool. */
function verifyPaymentOp(handle, expected) {
  if (expected === null || typeof expected !== 'object') {
    throw invalidArgument(`verifyPayment takes {paymentId|orderId, amount, currency?, orderDate?}, got ${describe(expected)}`);
  }
  const unknown = Object.keys(expected).filter((k) => !PAYMENT_KEYS.includes(k));
  if (unknown.length > 0) throw invalidArgument(`unknown verifyPayment key "${unknown[0]}" (known: ${PAYMENT_KEYS.join(', ')})`);
  if (typeof expected.amount === 'number' && !Number.isSafeInteger(expected.amount)) {
    throw invalidArgument(`amount must be a whole number (a bigint or a string of digits beyond 2^53), got ${expected.amount}`);
  }
  const request = JSON.stringify(expected, (k, v) => (typeof v === 'bigint' ? v.toString() : v));
  const out = [null];
  const err = {};
  return {
    fn: functions().payment,
    args: [handle, cString(request, 'request'), out, err],
    finish(status) {
      check(status, err);
      return verdictOf(out[0]);
    },
  };
}

/** The C call of verifyWebhook (a null handle: PortOne V2 without a client). */
function verifyWebhookOp(handle, body, headers, options = {}) {
  if (!(body instanceof Uint8Array)) {
    throw invalidArgument('body must be the raw bytes received (a Buffer): a parsed and re-serialised body no longer matches its signature');
  }
  const known = ['secret', 'gateway', 'toleranceSecs', 'nowUnixSecs'];
  const unknown = Object.keys(options || {}).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw invalidArgument(`unknown webhook option "${unknown[0]}" (known: ${known.join(', ')})`);
  const request = JSON.stringify({ ...options, headers: headers || {} });
  const out = [null];
  const err = {};
  return {
    fn: functions().webhook,
    args: [handle, cString(request, 'request'), body, body.length, out, err],
    finish(status) {
      check(status, err);
      return Object.freeze(JSON.parse(out[0]));
    },
  };
}

/**
 * Verifies a PortOne V2 webhook (Standard Webhooks) with no client: resolves with the
 * event `{verified: true, type, paymentId, webhookId, timestamp, data}` or a refusal
 * `{verified: false, reason, message}`. `options`: `{secret, toleranceSecs?, nowUnixSecs?}`.
 * NICEPAY and PortOne V1: `client.verifyWebhook(body, headers)`.
 * @param {Buffer} body the raw body, exactly as received
 * @param {Record<string, string|string[]>} headers
 */
async function verifyWebhook(body, headers, options) {
  const op = verifyWebhookOp(null, body, headers, options);
  return op.finish(await callAsync(op));
}

module.exports = { verifyPaymentOp, verifyWebhookOp, verifyWebhook, functions };
