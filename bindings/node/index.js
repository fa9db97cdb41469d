'use strict';
// paytoken for Node: cached gateway access tokens and authorized requests, computed by
// libpaytoken.so (Rust) and called through koffi on libuv's thread pool.

const { Client } = require('./lib/client');
const { Response } = require('./lib/response');
const { native } = require('./lib/native');
const errors = require('./lib/errors');
const { logs, setLevel, droppedLogs } = require('./lib/logs');
const { verifyWebhook } = require('./lib/verify');

/** The library's config key table: `{version, keys: [{name, type, gateways, required, default?, ...}]}`. */
function configSchema() {
  return JSON.parse(native().configSchema());
}

/** Version of the loaded libpaytoken.so, e.g. "0.1.0". */
function libraryVersion() {
  return native().version();
}

module.exports = {
  Client,
  Response,
  PayTokenError: errors.PayTokenError,
  InvalidArgumentError: errors.InvalidArgumentError,
  AuthError: errors.AuthError,
  GatewayError: errors.GatewayError,
  NetworkError: errors.NetworkError,
  PayTokenTimeoutError: errors.PayTokenTimeoutError,
  TokenTimeoutError: errors.TokenTimeoutError,
  /** @deprecated the 0.1 name of PayTokenTimeoutError (the same class). */
  TimeoutError: errors.PayTokenTimeoutError,
  TlsError: errors.TlsError,
  InternalError: errors.InternalError,
  ErrorCode: errors.ErrorCode,
  libraryVersion,
  configSchema,
  /** EventEmitter of the library's log records: `logs.on('log', ({level, message}) => ...)`. */
  logs,
  setLogLevel: setLevel,
  droppedLogs,
  verifyWebhook,
};
