'use strict';
// Unknown outcomes made safe (issue 13). The library draws PortOne V2 idempotency keys,
// resends safely and sends NICEPAY's network cancel; this module decides, before a
// request is sent, which key it carries (so an error can name it too), and shapes the
// network cancel's answer.

const { native, check } = require('./native');
const { cString, describe } = require('./args');
const { invalidArgument, PayTokenError } = require('./errors');

const HEADER = 'idempotency-key';

/**
 * The key this request carries and whether it goes in the per-call options (the header
 * the caller gave is sent as is). A fresh key is drawn only when the client sends one
 * for `methodArg` (PortOne V2, mutating, `idempotency` on). A key given both ways is
 * passed both ways: the library refuses that with an error naming both.
 */
function keyForCall(handle, methodArg, options) {
  if (options.idempotencyKey !== undefined) {
    if (typeof options.idempotencyKey !== 'string') {
      throw invalidArgument(`idempotencyKey must be a string, got ${describe(options.idempotencyKey)}`);
    }
    return { key: options.idempotencyKey, asOption: true };
  }
  const headers = options.headers && typeof options.headers === 'object' ? options.headers : {};
  const name = Object.keys(headers).find((n) => n.toLowerCase() === HEADER);
  if (name !== undefined && typeof headers[name] === 'string') {
    return { key: headers[name].trim().replace(/^"|"$/g, ''), asOption: false };
  }
  const n = native();
  const out = [null];
  const err = {};
  check(n.idempotencyKeyNew(handle, methodArg, out, err), err);
  return { key: out[0], asOption: true };
}

/** The per-call options JSON (null: the client's defaults). */
function callOptions({ timeoutMs, retryUnknownOutcome }, key) {
  const options = {};
  if (timeoutMs !== undefined) {
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
      throw invalidArgument(
        `timeoutMs must be a whole number of milliseconds >= 1, got ${describe(timeoutMs)} ${String(timeoutMs)}`,
      );
    }
    options.timeoutMs = timeoutMs;
  }
  if (key !== null && key !== undefined) options.idempotencyKey = key;
  if (retryUnknownOutcome !== undefined) {
    if (typeof retryUnknownOutcome !== 'boolean') {
      throw invalidArgument(`retryUnknownOutcome must be a boolean, got ${describe(retryUnknownOutcome)}`);
    }
    options.retryUnknownOutcome = retryUnknownOutcome;
  }
  return Object.keys(options).length === 0 ? null : cString(JSON.stringify(options), 'options');
}

/** Puts the request's key on a failed call's error, then rethrows it. */
function rethrowWithKey(error, key) {
  if (error instanceof PayTokenError) error.idempotencyKey = key ?? null;
  throw error;
}

/** NICEPAY signData over `parts` + the client's secret key (computed in the library). */
function nicepaySign(handle, parts) {
  const args = parts.map((part, i) => {
    cString(part, `parts[${i}]`); // same checks as every string argument
    return part;
  });
  const out = [null];
  const err = {};
  check(native().nicepaySign(handle, args, args.length, out, err), err);
  return out[0];
}

/** The C call of a network cancel, run by the caller on libuv's pool (never this thread). */
function netcancelOp(handle, orderId, options = {}) {
  if (options === null || typeof options !== 'object') {
    throw invalidArgument(`netcancel options must be an object, got ${describe(options)}`);
  }
  const unknown = Object.keys(options).filter((k) => k !== 'timeoutMs');
  if (unknown.length > 0) throw invalidArgument(`unknown netcancel option "${unknown[0]}" (known: timeoutMs)`);
  const n = native();
  const out = [null];
  const err = {};
  return {
    fn: n.nicepayNetcancel,
    args: [handle, cString(orderId, 'orderId'), callOptions({ timeoutMs: options.timeoutMs }, null), out, err],
    finish(status) {
      check(status, err);
      const { outcome, resultCode = '', resultMsg = '', httpStatus = 0 } = JSON.parse(out[0]);
      return Object.freeze({ outcome, resultCode, resultMsg, httpStatus });
    },
  };
}

module.exports = { keyForCall, callOptions, rethrowWithKey, nicepaySign, netcancelOp };
