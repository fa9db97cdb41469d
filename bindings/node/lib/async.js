'use strict';
// token() and request() without libuv's thread pool. The library runs each call on its
// own I/O threads (paytoken_request_async, paytoken_get_token_async,
// paytoken_nicepay_netcancel_async) and reports the
// outcome through one callback registered with koffi once per thread; koffi queues that
// call from the library's thread onto this thread's event loop. So any number of calls
// can be in flight (the client's `maxInFlight` bounds how many run at once, the rest
// wait inside the library), none of them holds a UV_THREADPOOL_SIZE thread, and a
// hung gateway never stalls fs, dns or crypto.
//
// A warm token() is answered by paytoken_get_token_cached on this thread: no I/O, no
// thread hop, no lock.

const koffi = require('koffi');
const { native } = require('./native');
const { fromStatus } = require('./errors');
const { readResponse } = require('./response');

let bound = null;
/** Calls in flight by id: the id is the C call's user_data. */
const pending = new Map();
let nextId = 1;
/**
 * Keeps the event loop alive exactly while calls are in flight. koffi's queue from other
 * threads does not hold the loop, so without it the process could exit under a pending
 * call; with it always held, it could never exit on its own.
 */
let keepAlive = null;

function bind() {
  const n = native();
  const { lib, ErrorStruct, ClientPtr } = n.raw;
  const Completion = koffi.proto('void', ['uintptr_t', 'int32_t', 'void *', koffi.pointer(ErrorStruct)]);
  const CompletionPtr = koffi.pointer(Completion);
  const errOut = koffi.out(koffi.pointer(ErrorStruct));
  const fn = (name, args) => lib.func(name, 'int32_t', args);
  return {
    n,
    ErrorStruct,
    requestAsync: fn('paytoken_request_async', [
      ClientPtr,
      'const char *', // method
      'const char *', // path
      'const char *', // headers_json
      'const uint8_t *',
      'size_t',
      'const char *', // options_json
      CompletionPtr,
      'uintptr_t', // user_data: the call's id
      errOut,
    ]),
    tokenAsync: fn('paytoken_get_token_async', [ClientPtr, CompletionPtr, 'uintptr_t', errOut]),
    netcancelAsync: fn('paytoken_nicepay_netcancel_async', [
      ClientPtr,
      'const char *', // order_id
      'const char *', // options_json
      CompletionPtr,
      'uintptr_t',
      errOut,
    ]),
    tokenCached: fn('paytoken_get_token_cached', [ClientPtr, koffi.out(koffi.pointer('void *')), errOut]),
    // One registration for the life of the thread: it is never unregistered, because the
    // library may call it for as long as calls are in flight.
    callback: koffi.register(complete, CompletionPtr),
  };
}

function api() {
  if (bound === null) bound = bind();
  return bound;
}

/** Runs on the event loop thread (koffi queued it there); the library thread waits meanwhile. */
function complete(id, status, result, errPtr) {
  const call = pending.get(id);
  if (call === undefined) return; // not one of ours (cannot happen): not knowing its type, free nothing
  pending.delete(id);
  if (pending.size === 0 && keepAlive) keepAlive.unref();
  const { n, ErrorStruct } = api();
  try {
    // Read and free the result here: `result` and `errPtr` are valid only during this call.
    let value = null;
    let error = null;
    if (status === 0) {
      value = call.kind === 'request' ? takeResponse(n, result, call.request) : takeString(n, result);
    } else {
      error = koffi.decode(errPtr, ErrorStruct);
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

/** Registers a call and starts it with `start(id)`; resolves with its raw outcome. */
function track(kind, start, request) {
  const a = api();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { kind, resolve, reject, request });
    if (keepAlive === null) keepAlive = setInterval(() => {}, 2 ** 31 - 1);
    keepAlive.ref();
    const err = {};
    const rc = start(a, id, err);
    if (rc !== 0) {
      // Refused before it was accepted (only a NULL callback can do that): no callback comes.
      pending.delete(id);
      if (pending.size === 0) keepAlive.unref();
      resolve({ status: rc, value: null, error: err });
    }
  });
}

/**
 * Starts paytoken_request_async. The arguments are the C ones (NUL-terminated Buffers
 * from args.js); the library copies them before returning.
 */
function requestAsync(handle, method, path, headers, body, optionsJson, request) {
  return track(
    'request',
    (a, id, err) =>
      a.requestAsync(handle, method, path, headers, body, body ? body.length : 0, optionsJson, a.callback, id, err),
    request,
  );
}

function tokenAsync(handle) {
  return track('token', (a, id, err) => a.tokenAsync(handle, a.callback, id, err));
}

/** Starts paytoken_nicepay_netcancel_async; resolves with the outcome JSON. */
function netcancelAsync(handle, orderId, optionsJson) {
  return track('netcancel', (a, id, err) => a.netcancelAsync(handle, orderId, optionsJson, a.callback, id, err));
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
