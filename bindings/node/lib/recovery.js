'use strict';
// Unknown outcomes made safe (issue 13). The library decides and draws PortOne V2
// idempotency keys, resends safely and sends NICEPAY's network cancel; this module only
// marshals: the key the library pins before a request is sent (so an error can name it
// too), and the network cancel's arguments and answer.

const { native, check } = require('./native');
const { cString, describe } = require('./args');
const { invalidArgument, PayTokenError } = require('./errors');

/**
 * The key this request carries, decided by the library (the caller's Idempotency-Key
 * header, sent as an RFC 8941 string; the idempotencyKey option; or a fresh key for a
 * PortOne V2 mutating request), and the options to send so that it carries exactly
 * that key. Known before the request is sent, so that an error can name it too.
 */
function pinKey(handle, methodArg, headersArg, optionsArg) {
  const key = [null];
  const pinned = [null];
  const err = {};
  check(native().idempotencyKeyPin(handle, methodArg, headersArg, optionsArg, key, pinned, err), err);
  return { key: key[0], optionsArg: pinned[0] === null ? null : cString(pinned[0], 'options') };
}

/** The per-call options JSON (null: the client's defaults). */
function callOptions({ timeoutMs, retryUnknownOutcome }, key) {
  if (key !== null && key !== undefined && typeof key !== 'string') {
    throw invalidArgument(`idempotencyKey must be a string, got ${describe(key)}`);
  }
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

/** The C arguments of a network cancel: [order_id, options_json]. */
function netcancelArgs(orderId, options = {}) {
  if (options === null || typeof options !== 'object') {
    throw invalidArgument(`netcancel options must be an object, got ${describe(options)}`);
  }
  const unknown = Object.keys(options).filter((k) => k !== 'timeoutMs');
  if (unknown.length > 0) throw invalidArgument(`unknown netcancel option "${unknown[0]}" (known: timeoutMs)`);
  return [cString(orderId, 'orderId'), callOptions({ timeoutMs: options.timeoutMs }, null)];
}

/** The network cancel's outcome JSON as a frozen object. */
function netcancelResult(json) {
  const { outcome, resultCode = '', resultMsg = '', httpStatus = 0 } = JSON.parse(json);
  return Object.freeze({ outcome, mustRetry: outcome === 'retry', resultCode, resultMsg, httpStatus });
}

/** The C call of a network cancel, run on libuv's pool (worker threads only). */
function netcancelOp(handle, orderId, options = {}) {
  const [orderIdArg, optionsArg] = netcancelArgs(orderId, options);
  const out = [null];
  const err = {};
  return {
    fn: native().nicepayNetcancel,
    args: [handle, orderIdArg, optionsArg, out, err],
    finish(status) {
      check(status, err);
      return netcancelResult(out[0]);
    },
  };
}

module.exports = { pinKey, callOptions, rethrowWithKey, nicepaySign, netcancelArgs, netcancelResult, netcancelOp };
