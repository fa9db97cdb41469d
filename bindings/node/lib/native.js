'use strict';
// The C ABI of libpaytoken.so (include/paytoken.h) declared for koffi, and the two ways
// to run a call: on the calling thread (sync) or on libuv's thread pool (async).
//
// Every pointer argument handed to koffi is one this package made (a NUL-terminated
// Buffer from args.js, a handle it got from the library).

const koffi = require('koffi');
const { fromStatus } = require('./errors');

const { libraryPath } = require('./locate');

let bound = null;

/** Loads the library once per thread (each worker thread has its own koffi instance). */
function native() {
  if (bound === null) bound = bind(libraryPath());
  return bound;
}

function bind(libPath) {
  let lib;
  try {
    lib = koffi.load(libPath);
  } catch (cause) {
    throw new Error(
      `paytoken: cannot load ${libPath} (${cause.message}). ` +
        'Reinstall paytoken, or set PAYTOKEN_LIB to the path of a libpaytoken.so.',
      { cause },
    );
  }

  // Anonymous types: two copies of this package in one process must not clash on names.
  const ErrorStruct = koffi.struct({
    code: 'int32_t',
    http_status: 'int32_t',
    gateway_code: koffi.array('char', 32), // decoded by koffi as a UTF-8 string
    message: koffi.array('char', 512),
  });
  const ClientPtr = koffi.pointer(koffi.opaque());
  const ResponsePtr = koffi.pointer(koffi.opaque());
  // The struct lives in koffi's per-call memory: each call, sync or async, fills its own.
  const errOut = koffi.out(koffi.pointer(ErrorStruct));
  const fn = (name, result, args) => lib.func(name, result, args);

  const stringFree = fn('paytoken_string_free', 'void', ['void *']);
  // A string the library allocated: koffi copies it to JS, then hands the pointer to
  // paytoken_string_free, even when the call failed (a NULL is fine there).
  const OwnedString = koffi.disposable('str', stringFree);

  return {
    version: fn('paytoken_version', 'const char *', []),
    strerror: fn('paytoken_strerror', 'const char *', ['int32_t']),
    clientNew: fn('paytoken_client_new', 'int32_t', ['const char *', koffi.out(koffi.pointer(ClientPtr)), errOut]),
    clientFree: fn('paytoken_client_free', 'void', [ClientPtr]),
    getToken: fn('paytoken_get_token', 'int32_t', [ClientPtr, koffi.out(koffi.pointer(OwnedString)), errOut]),
    invalidate: fn('paytoken_invalidate', 'int32_t', [ClientPtr, 'const char *', errOut]),
    request: fn('paytoken_request', 'int32_t', [
      ClientPtr,
      'const char *', // method
      'const char *', // path
      'const char *', // headers_json
      'const uint8_t *',
      'size_t',
      koffi.out(koffi.pointer(ResponsePtr)),
      errOut,
    ]),
    responseStatus: fn('paytoken_response_status', 'int32_t', [ResponsePtr]),
    responseBody: fn('paytoken_response_body', 'const void *', [ResponsePtr, koffi.out(koffi.pointer('size_t'))]),
    responseHeadersJson: fn('paytoken_response_headers_json', 'const char *', [ResponsePtr]),
    responseFree: fn('paytoken_response_free', 'void', [ResponsePtr]),
    clientStats: fn('paytoken_client_stats', 'int32_t', [ClientPtr, koffi.out(koffi.pointer(OwnedString)), errOut]),
  };
}

// A call is described once as {fn, args, finish}: `finish(status)` reads the outputs,
// frees what the library allocated and throws the typed error. It then runs either way.

function runSync(op) {
  return op.finish(op.fn(...op.args));
}

/**
 * Runs the C call on libuv's thread pool and resolves with its status on the event loop
 * thread. The caller runs `op.finish(status)` after awaiting this, so a typed error is
 * built inside the caller's async function and its stack shows the caller's frames.
 */
function callAsync(op) {
  return new Promise((resolve, reject) => {
    op.fn.async(...op.args, (callError, status) => (callError ? reject(callError) : resolve(status)));
  });
}

/** Throws the typed error for a failed call. */
function check(status, err) {
  if (status !== 0) throw fromStatus(status, err);
}

module.exports = { native, runSync, callAsync, check };
