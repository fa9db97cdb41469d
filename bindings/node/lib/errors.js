'use strict';
// Typed errors for the status codes of the C ABI (include/paytoken.h, 1..7).
// Like Node's own system errors, each carries a string `code` and a numeric `errno`.

const CODE_NAMES = Object.freeze({
  1: 'PAYTOKEN_E_INVALID_ARGUMENT',
  2: 'PAYTOKEN_E_AUTH',
  3: 'PAYTOKEN_E_GATEWAY',
  4: 'PAYTOKEN_E_NETWORK',
  5: 'PAYTOKEN_E_TIMEOUT',
  6: 'PAYTOKEN_E_TLS',
  7: 'PAYTOKEN_E_INTERNAL',
});

class PayTokenError extends Error {
  /**
   * @param {string} message what happened and what to check (never a secret)
   * @param {{errno?: number, httpStatus?: number, gatewayCode?: string}} [details]
   */
  constructor(message, { errno = 7, httpStatus = 0, gatewayCode = '' } = {}) {
    super(message);
    this.name = new.target.name;
    this.errno = errno;
    this.code = CODE_NAMES[errno] || 'PAYTOKEN_E_UNKNOWN';
    /** HTTP status of the gateway answer behind the error, 0 if none. */
    this.httpStatus = httpStatus;
    /** The gateway's own code ("U104", "-1", "UNAUTHORIZED"), "" if none. */
    this.gatewayCode = gatewayCode;
    /**
     * The Idempotency-Key the failed request carried (PortOne V2 POST/PUT/PATCH/DELETE),
     * or null. After a timeout, send it again with `{idempotencyKey}` (within 3 hours).
     */
    this.idempotencyKey = null;
  }
}

class InvalidArgumentError extends PayTokenError {}
class AuthError extends PayTokenError {}
class GatewayError extends PayTokenError {}
class NetworkError extends PayTokenError {}
/**
 * The outcome of a business request that timed out is unknown at the gateway: reconcile.
 * Named so that it does not shadow the builtin TimeoutError (exported too under that 0.1
 * name, deprecated: the same class).
 */
class PayTokenTimeoutError extends PayTokenError {}
/**
 * The token request timed out (or the call's timeoutMs ran out while getting its token):
 * nothing was sent to the payment API, so the outcome is known (not processed) and the
 * call can simply be made again.
 */
class TokenTimeoutError extends PayTokenTimeoutError {}
class TlsError extends PayTokenError {}
class InternalError extends PayTokenError {}

const CLASS_BY_ERRNO = {
  1: InvalidArgumentError,
  2: AuthError,
  3: GatewayError,
  4: NetworkError,
  5: PayTokenTimeoutError,
  6: TlsError,
  7: InternalError,
};

/** The text of the struct's `message` bytes, up to its NUL. */
function messageText(bytes) {
  if (!bytes || typeof bytes === 'string') return bytes || '';
  const end = bytes.indexOf(0);
  return Buffer.from(bytes.buffer, bytes.byteOffset, end < 0 ? bytes.length : end).toString('utf8');
}

/** Whether the failed call failed while getting its token (paytoken_error_phase). */
function inTokenPhase(err) {
  if (!err || typeof err.phase_byte !== 'number') return false;
  // Required here, not at the top: native.js requires this module.
  return require('./native').native().errorPhase(err) === 1;
}

/** Builds the typed error for a non-zero status and the filled `paytoken_error` struct. */
function fromStatus(errno, err) {
  const Class = errno === 5 && inTokenPhase(err) ? TokenTimeoutError : CLASS_BY_ERRNO[errno] || PayTokenError;
  const message = messageText(err && err.message) || `paytoken call failed with status ${errno}`;
  return new Class(message, {
    errno,
    httpStatus: (err && err.http_status) || 0,
    gatewayCode: (err && err.gateway_code) || '',
  });
}

/** A bad argument caught in JavaScript before it reaches the library. */
function invalidArgument(message) {
  return new InvalidArgumentError(message, { errno: 1 });
}

module.exports = {
  PayTokenError,
  InvalidArgumentError,
  AuthError,
  GatewayError,
  NetworkError,
  PayTokenTimeoutError,
  TokenTimeoutError,
  TimeoutError: PayTokenTimeoutError,
  TlsError,
  InternalError,
  ErrorCode: Object.freeze(Object.fromEntries(Object.entries(CODE_NAMES).map(([n, name]) => [name, Number(n)]))),
  fromStatus,
  invalidArgument,
};
