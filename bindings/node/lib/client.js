'use strict';
// The Client: a handle on one gateway account. Token caching, single-flight, the retry on
// 401 and all validation of what reaches the gateway live in the Rust core; this class
// checks JavaScript types, moves bytes and turns statuses into typed errors.

const util = require('node:util');
const { isMainThread } = require('node:worker_threads');
const { native, runSync, callAsync, check } = require('./native');
const { requestAsync, tokenAsync, netcancelAsync, tokenCached, settle } = require('./async');
const { Gate } = require('./gate');

// The main thread runs calls on the library's own I/O threads (lib/async.js). A worker
// thread uses libuv's pool instead: koffi cannot deliver a library thread's callback to a
// worker that was terminated meanwhile (the process would abort), while libuv waits for
// its pool work before a worker goes away.
const onLibraryThreads = isMainThread;
const gate = new Gate();
const { describe, requireObject, toJson, cString, checkTimeoutMs, unknownOption } = require('./args');
const { invalidArgument, fromStatus } = require('./errors');
const {
  pinKey,
  callOptions,
  rethrowWithKey,
  nicepaySign,
  netcancelArgs,
  netcancelResult,
  netcancelOp,
} = require('./recovery');
const { verifyPaymentOp, verifyWebhookOp } = require('./verify');
const { readResponse } = require('./response');
const { drainLogs, debugCollected, collectWarningsByDefault } = require('./logs');

// Config keys safe to show in util.inspect / JSON: everything else may be a credential.
const SHOWN_KEYS = ['gateway', 'auth', 'sandbox', 'baseUrl', 'tier', 'storeId'];

// Frees the native client of a Client that was garbage-collected without close().
const finalizer = new FinalizationRegistry((handle) => native().clientFree(handle));

class Client {
  #handle;
  #summary;
  #inFlight = 0;
  #closed = false;
  #tokenOut = [null]; // tokenSync()'s out-parameter (one thread per client: no sharing)

  /**
   * @param {object} config the C API config: `gateway` plus that gateway's credentials
   *   and options (see the README). Validated by the library; no network I/O happens here.
   */
  constructor(config) {
    const json = toJson(requireObject(config, 'config'), 'config');
    const n = native();
    const out = [null];
    const err = {};
    check(n.clientNew(cString(json, 'config'), out, err), err);
    collectWarningsByDefault();
    this.#handle = out[0];
    this.#summary = Object.fromEntries(SHOWN_KEYS.filter((k) => k in config).map((k) => [k, config[k]]));
    finalizer.register(this, this.#handle, this);
  }

  /** NICEPAY: `{clientKey, secretKey, sandbox?, auth?: 'token'|'basic', ...}`. */
  static nicepay(options) {
    return new Client(withGateway('nicepay', options));
  }

  /** PortOne V1 (iamport): `{impKey, impSecret, tier?, ...}`. */
  static portoneV1(options) {
    return new Client(withGateway('portone-v1', options));
  }

  /** PortOne V2: `{apiSecret, auth?: 'secret'|'token', storeId?, ...}`. */
  static portoneV2(options) {
    return new Client(withGateway('portone-v2', options));
  }

  get gateway() {
    return this.#summary.gateway;
  }

  /**
   * The current access token, fetched (once, for all concurrent callers) if needed. A
   * fresh cached token is answered at once on this thread (no I/O, no thread hop); a
   * fetch runs on the library's own I/O threads (see lib/async.js).
   */
  token() {
    let cached;
    try {
      cached = this.#freshToken();
      if (cached === null) cached = tokenCached(this.#live());
    } catch (error) {
      return Promise.reject(error);
    }
    if (cached !== null) return Promise.resolve(cached);
    if (!onLibraryThreads) return this.#onPool(() => this.#tokenOp());
    return this.#async(() => tokenAsync(this.#live()));
  }

  tokenSync() {
    const cached = this.#freshToken();
    return cached !== null ? cached : runSync(this.#tokenOp());
  }

  // The warm path of token() and tokenSync(): one C call that never waits and never does
  // I/O, with this client's out-parameter and no error struct (koffi would decode its 544
  // bytes on every call). null: the full call must run (no fresh token, an error, or debug
  // records collected: the library logs the cache hit on the full path).
  #freshToken() {
    if (debugCollected()) return null;
    const out = this.#tokenOut;
    if (native().getTokenCached(this.#live(), out, null) === 0 && out[0] !== null) return out[0];
    return null;
  }

  /**
   * Sends an authorized request to the configured origin.
   * @param {string} method GET, POST, PUT, PATCH or DELETE
   * @param {string} path starts with "/", may carry "?query"
   * @param {{json?: any, body?: Buffer|Uint8Array|ArrayBuffer|string, headers?: Record<string,string>,
   *   query?: Record<string,any>|URLSearchParams|string, timeoutMs?: number}} [options]
   *   `timeoutMs` replaces the client's for this call only. Any other key is an error.
   * @returns {Promise<import('./response').Response>}
   */
  request(method, path, options) {
    if (!onLibraryThreads) return this.#onPool(() => this.#requestOp(method, path, options));
    let op = null;
    return this.#async(() => {
      op = this.#requestOp(method, path, options);
      const [handle, methodArg, pathArg, headersArg, body, , optionsArg] = op.args;
      return requestAsync(handle, methodArg, pathArg, headersArg, body, optionsArg, op.request);
    }).catch((error) => rethrowWithKey(error, op && op.idempotencyKey));
  }

  requestSync(method, path, options) {
    return runSync(this.#requestOp(method, path, options));
  }

  get(path, options) {
    return this.request('GET', path, options);
  }

  post(path, options) {
    return this.request('POST', path, options);
  }

  put(path, options) {
    return this.request('PUT', path, options);
  }

  patch(path, options) {
    return this.request('PATCH', path, options);
  }

  delete(path, options) {
    return this.request('DELETE', path, options);
  }

  /**
   * NICEPAY's signData: lower-hex sha256 of `parts` joined, then the client's secret key
   * (which never leaves the library). NICEPAY clients only; no I/O.
   * @param {...string} parts
   */
  nicepaySign(...parts) {
    return nicepaySign(this.#live(), parts);
  }

  /**
   * Sends NICEPAY's network cancel for `orderId` (an approval whose outcome is unknown:
   * within one hour). Resolves with `{outcome: 'cancelled'|'notNeeded'|'retry',
   * mustRetry, resultCode, resultMsg, httpStatus}`; a timeout or network error is outcome
   * 'retry' (mustRetry true), never a rejection. Runs on the library's own I/O threads
   * (libuv's pool in worker threads): the event loop never waits.
   * @param {string} orderId
   * @param {{timeoutMs?: number}} [options]
   */
  nicepayNetcancel(orderId, options) {
    if (options !== null && typeof options === 'object') checkTimeoutMs(options.timeoutMs);
    if (!onLibraryThreads) return this.#onPool(() => netcancelOp(this.#live(), orderId, options));
    return this.#async(() => {
      const [orderIdArg, optionsArg] = netcancelArgs(orderId, options);
      return netcancelAsync(this.#live(), orderIdArg, optionsArg);
    }).then(netcancelResult);
  }

  /**
   * Looks the payment up and compares it with what the shop expects (issue 25):
   * `{paymentId|orderId, amount, currency?, orderDate?}`. Resolves with a verdict
   * `{verified, reasons, reasonCodes, status, amount, raw, ...}`, never rejects for "not
   * paid"; transport errors reject. Runs on libuv's pool.
   */
  verifyPayment(expected) {
    return this.#onPool(() => verifyPaymentOp(this.#live(), expected));
  }

  /**
   * Verifies a NICEPAY webhook (this client's secret key checks its signature) or a
   * PortOne V1 notice (looked up with this client); PortOne V2: `verifyWebhook()`.
   */
  verifyWebhook(body, headers, options) {
    return this.#onPool(() => verifyWebhookOp(this.#live(), body, headers, options));
  }

  /**
   * Drops the cached token if it is `token` (compare-and-invalidate), or whatever is
   * cached when `token` is omitted. Memory only: synchronous.
   */
  invalidate(token) {
    const tokenArg = token === undefined || token === null ? null : cString(token, 'token');
    const err = {};
    check(native().invalidate(this.#live(), tokenArg, err), err);
  }

  /**
   * Every key of the library's stats (docs/c-api.md, "Stats"): the counters of this
   * client's cache entry, `gateway`, `tokenValidForMs` and `gatewayClockSkewMs` (null when
   * unknown) and the async pool's `asyncThreads`, `asyncRunning`, `asyncQueued`.
   */
  stats() {
    const out = [null];
    const err = {};
    check(native().clientStats(this.#live(), out, err), err);
    return JSON.parse(out[0]);
  }

  /** Frees the native client now (after calls in flight finish). Later calls fail. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    finalizer.unregister(this);
    this.#freeIfIdle();
  }

  get closed() {
    return this.#closed;
  }

  [Symbol.dispose ?? Symbol.for('nodejs.dispose')]() {
    this.close();
  }

  toJSON() {
    return { ...this.#summary };
  }

  [util.inspect.custom](depth, options, inspect) {
    return `Client ${inspect(this.#summary, options)}`;
  }

  #tokenOp() {
    const out = [null];
    const err = {};
    return {
      fn: native().getToken,
      args: [this.#live(), out, err],
      finish(status) {
        check(status, err);
        return out[0];
      },
    };
  }

  #requestOp(method, path, options = {}) {
    requireObject(options, 'request options');
    const unknown = Object.keys(options).filter((k) => !REQUEST_OPTIONS.includes(k));
    if (unknown.length > 0) throw unknownOption(unknown[0], REQUEST_OPTIONS, 'request option');
    checkTimeoutMs(options.timeoutMs);
    const methodText = typeof method === 'string' ? method.toUpperCase() : method;
    const methodArg = cString(methodText, 'method');
    const fullPath = withQuery(path, options.query);
    const pathArg = cString(fullPath, 'path');
    const headersArg = options.headers === undefined ? null : cString(headersJson(options.headers), 'headers');
    const body = requestBody(options);
    const { key, optionsArg } = pinKey(this.#live(), methodArg, headersArg, callOptions(options, options.idempotencyKey));
    const n = native();
    const out = [null];
    const err = {};
    return {
      request: { method: methodText, url: fullPath },
      idempotencyKey: key,
      fn: n.requestEx,
      args: [this.#live(), methodArg, pathArg, headersArg, body, body ? body.length : 0, optionsArg, out, err],
      finish(status) {
        try {
          drainLogs();
          if (status !== 0) rethrowWithKey(fromStatus(status, err), key);
          return readResponse(n, out[0], { method: methodText, url: fullPath });
        } finally {
          n.responseFree(out[0]); // NULL-safe; outputs are written only on success
        }
      },
    };
  }

  // Starts an asynchronous C call (lib/async.js) and waits for its callback. The library
  // holds its own reference to the native client until the callback has run, so close()
  // or the FinalizationRegistry freeing it meanwhile is safe.
  async #async(start) {
    const started = start(); // a bad argument throws here: this async function turns it into a rejection
    this.#inFlight++;
    try {
      return settle(await started); // the typed error is thrown here, with the caller's stack
    } finally {
      drainLogs();
      this.#inFlight--;
      this.#freeIfIdle();
    }
  }

  // Runs the op on libuv's thread pool (worker threads). The closure holds `this` until
  // the C call returns, so the FinalizationRegistry cannot free the native client under it.
  async #onPool(makeOp) {
    const op = makeOp();
    this.#inFlight++;
    try {
      const status = await gate.run(() => callAsync(op));
      return op.finish(status);
    } finally {
      this.#inFlight--;
      this.#freeIfIdle();
    }
  }

  #live() {
    if (this.#closed) throw invalidArgument('this paytoken Client is closed');
    return this.#handle;
  }

  #freeIfIdle() {
    if (this.#closed && this.#inFlight === 0 && this.#handle !== null) {
      const handle = this.#handle;
      this.#handle = null;
      native().clientFree(handle);
    }
  }
}

// What request()/get()/post()... accept; anything else (params, signal, ...) is refused.
const REQUEST_OPTIONS = ['json', 'body', 'headers', 'query', 'timeoutMs', 'idempotencyKey', 'retryUnknownOutcome'];

/** `path` with `query` appended (an object, URLSearchParams or a string). */
function withQuery(path, query) {
  if (query === undefined || query === null || typeof path !== 'string') return path;
  let text;
  if (typeof query === 'string') text = query.replace(/^\?/, '');
  else if (query instanceof URLSearchParams) text = query.toString();
  else {
    requireObject(query, 'query');
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (v === undefined) continue;
        if (v !== null && typeof v === 'object') {
          throw invalidArgument(`query "${name}" must be a string, number or boolean, got ${describe(v)}`);
        }
        params.append(name, String(v));
      }
    }
    text = params.toString();
  }
  if (text === '') return path;
  return `${path}${path.includes('?') ? '&' : '?'}${text}`;
}

function withGateway(gateway, options) {
  requireObject(options, `${gateway} options`);
  if ('gateway' in options && options.gateway !== gateway) {
    throw invalidArgument(`options.gateway is "${options.gateway}" but this factory makes a ${gateway} client`);
  }
  return { ...options, gateway };
}

function headersJson(headers) {
  requireObject(headers, 'headers');
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') {
      throw invalidArgument(`header "${name}" must be a string, got ${describe(value)}`);
    }
  }
  return toJson(headers, 'headers');
}

/** The request body as bytes, or null for none. */
function requestBody({ json, body }) {
  if (json !== undefined && body !== undefined) {
    throw invalidArgument('give either json or body, not both');
  }
  if (json !== undefined) return Buffer.from(toJson(json, 'json'), 'utf8');
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw invalidArgument(`body must be a Buffer, Uint8Array, ArrayBuffer or string, got ${describe(body)}`);
}

module.exports = { Client };
