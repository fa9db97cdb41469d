'use strict';
// token() and request() without libuv's thread pool. The library runs each call on its
// own I/O threads (paytoken_request_queued, paytoken_get_token_queued,
// paytoken_nicepay_netcancel_queued) and posts the outcome to a completion queue
// (paytoken_queue); this thread watches the queue's descriptor as a pipe stream and, once
// per batch, drains every finished call with one synchronous C call. No library thread
// ever calls into JavaScript (koffi's cross-thread callbacks cost a hop per call and
// crashed with ~300 of them at once), so any number of calls can be in flight (the
// client's `maxInFlight` bounds how many run at once, the rest wait inside the library),
// none of them holds a UV_THREADPOOL_SIZE thread, and a hung gateway never stalls fs,
// dns or crypto. Why: bench/BENCHMARKS.analysis.md, "Asynchronous calls".
//
// A warm token() is answered by paytoken_get_token_cached on this thread: no I/O, no
// thread hop, no lock.

const net = require('node:net');
const koffi = require('koffi');
const { native } = require('./native');
const { fromStatus } = require('./errors');
const { readResponse } = require('./response');

/** sizeof(paytoken_completion) and its fields' offsets (tag, status, result, error). */
const COMPLETION = { size: 576, status: 8, result: 16, error: 24 };
/** Completions taken per drain call. */
const BATCH = 256;

let bound = null;
/** Calls in flight by tag (the tag given to the C call). */
const pending = new Map();
let nextTag = 1;
/** This thread's queue: { handle, stream, out }; made on the first call. */
let queue = null;

function bind() {
  const n = native();
  const { lib, ErrorStruct, ClientPtr } = n.raw;
  const QueuePtr = koffi.pointer(koffi.opaque('paytoken_queue'));
  const errOut = koffi.out(koffi.pointer(ErrorStruct));
  const fn = (name, args) => lib.func(name, 'int32_t', args);
  return {
    n,
    ErrorStruct,
    queueNew: fn('paytoken_queue_new', [koffi.out(koffi.pointer(QueuePtr)), errOut]),
    queueFd: fn('paytoken_queue_fd', [QueuePtr]),
    // The completions are read from a Buffer (no per-field decode of unused slots).
    queueDrain: lib.func('paytoken_queue_drain', 'size_t', [QueuePtr, 'void *', 'size_t']),
    requestQueued: fn('paytoken_request_queued', [
      ClientPtr,
      'const char *', // method
      'const char *', // path
      'const char *', // headers_json
      'const uint8_t *',
      'size_t',
      'const char *', // options_json
      QueuePtr,
      'uint64_t', // tag
      errOut,
    ]),
    tokenQueued: fn('paytoken_get_token_queued', [ClientPtr, QueuePtr, 'uint64_t', errOut]),
    netcancelQueued: fn('paytoken_nicepay_netcancel_queued', [
      ClientPtr,
      'const char *', // order_id
      'const char *', // options_json
      QueuePtr,
      'uint64_t',
      errOut,
    ]),
    tokenCached: fn('paytoken_get_token_cached', [ClientPtr, koffi.out(koffi.pointer('void *')), errOut]),
  };
}

function api() {
  if (bound === null) bound = bind();
  return bound;
}

/**
 * This thread's completion queue, watched as a readable pipe stream. The stream holds
 * the event loop exactly while calls are in flight (ref/unref), so the process neither
 * exits under a pending call nor stays up without one. The queue lives as long as the
 * thread: the library may post to it whenever a call ends.
 */
function theQueue(a) {
  if (queue !== null) return queue;
  const out = [null];
  const err = {};
  const rc = a.queueNew(out, err);
  if (rc !== 0) throw fromStatus(rc, err);
  const fd = a.queueFd(out[0]); // our own descriptor: the stream owns and closes it
  if (fd < 0) throw fromStatus(7, { message: 'no descriptor left for the completion queue' });
  const stream = new net.Socket({ fd, readable: true, writable: false });
  // Reading the bytes is allowed: the queue rings again after each drain that empties it.
  stream.on('data', drain);
  stream.unref();
  queue = { handle: out[0], stream, out: Buffer.alloc(COMPLETION.size * BATCH) };
  return queue;
}

/** Settles every finished call: one C call per BATCH of them. */
function drain() {
  const a = api();
  const { handle, out } = queue;
  for (;;) {
    const count = Number(a.queueDrain(handle, out, BATCH));
    for (let i = 0; i < count; i++) settleOne(a, out, i * COMPLETION.size);
    if (count < BATCH) break;
  }
  if (pending.size === 0) queue.stream.unref();
}

function settleOne(a, out, at) {
  const tag = Number(out.readBigUInt64LE(at));
  const status = out.readInt32LE(at + COMPLETION.status);
  const call = pending.get(tag);
  if (call === undefined) return; // cannot happen: each tag is posted once; free nothing unknown
  pending.delete(tag);
  try {
    let value = null;
    let error = null;
    if (status === 0) {
      const result = koffi.decode(out, at + COMPLETION.result, 'void *');
      value = call.kind === 'request' ? takeResponse(a.n, result, call.request) : takeString(a.n, result);
    } else {
      error = koffi.decode(out, at + COMPLETION.error, a.ErrorStruct);
    }
    call.resolve({ status, value, error });
  } catch (cause) {
    call.reject(cause);
  }
}

function takeString(n, ptr) {
  try {
    return koffi.decode(ptr, 'char', -1);
  } finally {
    n.stringFree(ptr);
  }
}

function takeResponse(n, ptr, request) {
  try {
    return readResponse(n, ptr, request);
  } finally {
    n.responseFree(ptr);
  }
}

/** Starts a call with `start(api, queue, tag, err)`; resolves with its raw outcome. */
function track(kind, start, request) {
  const a = api();
  const q = theQueue(a);
  const tag = nextTag++;
  return new Promise((resolve, reject) => {
    const err = {};
    const rc = start(a, q.handle, tag, err);
    if (rc !== 0) {
      // Refused before it was accepted (only a NULL queue can do that): nothing is posted.
      resolve({ status: rc, value: null, error: err });
      return;
    }
    pending.set(tag, { kind, resolve, reject, request });
    q.stream.ref();
  });
}

/**
 * Starts paytoken_request_queued. The arguments are the C ones (NUL-terminated Buffers
 * from args.js); the library copies them before returning.
 */
function requestAsync(handle, method, path, headers, body, optionsJson, request) {
  return track(
    'request',
    (a, q, tag, err) =>
      a.requestQueued(handle, method, path, headers, body, body ? body.length : 0, optionsJson, q, tag, err),
    request,
  );
}

function tokenAsync(handle) {
  return track('token', (a, q, tag, err) => a.tokenQueued(handle, q, tag, err));
}

/** Starts paytoken_nicepay_netcancel_queued; resolves with the outcome JSON. */
function netcancelAsync(handle, orderId, optionsJson) {
  return track('netcancel', (a, q, tag, err) => a.netcancelQueued(handle, orderId, optionsJson, q, tag, err));
}

/** The fresh cached token, or null when getting one needs I/O. Throws the typed error. */
function tokenCached(handle) {
  const a = api();
  const out = [null];
  const err = {};
  const status = a.tokenCached(handle, out, err);
  if (status !== 0) throw fromStatus(status, err);
  return out[0] === null ? null : takeString(a.n, out[0]);
}

/** The value of an outcome, or the typed error thrown (call it in the caller's async function). */
function settle({ status, value, error }) {
  if (status !== 0) throw fromStatus(status, error);
  return value;
}

/** How many asynchronous calls this thread has in flight. */
function inFlight() {
  return pending.size;
}

module.exports = { requestAsync, tokenAsync, netcancelAsync, tokenCached, settle, inFlight };
