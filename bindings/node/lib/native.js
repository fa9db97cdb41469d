'use strict';
// The C ABI of libpaytoken.so (include/paytoken.h) declared for koffi, and the two ways
// to run a call: on the calling thread (sync) or on libuv's thread pool (async, used in
// worker threads only: the main thread uses the library's own threads, lib/async.js).
//
// Every pointer argument handed to koffi is one this package made (a NUL-terminated
// Buffer from args.js, a handle it got from the library).

const koffi = require('koffi');
const { fromStatus } = require('./errors');

const { libraryPath } = require('./locate');
// The C ABI this package was written against (paytoken_abi_version): the library must have
// the same major and at least this minor.
const ABI_MAJOR = 1;
const ABI_MINOR = 5;
const ERROR_STRUCT_SIZE = 4 + 4 + 32 + 512;

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

  checkAbi(lib, libPath);

  // Anonymous types: two copies of this package in one process must not clash on names.
  const ErrorStruct = koffi.struct({
    code: 'int32_t',
    http_status: 'int32_t',
    gateway_code: koffi.array('char', 32), // decoded by koffi as a UTF-8 string
    // The C `message[512]` seen as its text (at most 511 bytes, decoded by koffi up to the
    // NUL) and its reserved last byte, which only paytoken_error_phase interprets. Not a
    // uint8_t[512]: koffi fills a typed array in place when an async call ends, and a
    // worker terminated meanwhile has freed it (SIGSEGV; test/worker.test.js).
    message: koffi.array('char', 511),
    phase_byte: 'uint8_t',
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
    // The warm tokenSync(): called with a NULL error struct (a failure takes getToken).
    getTokenCached: fn('paytoken_get_token_cached', 'int32_t', [ClientPtr, koffi.out(koffi.pointer(OwnedString)), errOut]),
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
    requestEx: fn('paytoken_request_ex', 'int32_t', [
      ClientPtr,
      'const char *', // method
      'const char *', // path
      'const char *', // headers_json
      'const uint8_t *',
      'size_t',
      'const char *', // options_json
      koffi.out(koffi.pointer(ResponsePtr)),
      errOut,
    ]),
    responseText: fn('paytoken_response_text', 'const void *', [ResponsePtr, koffi.out(koffi.pointer('size_t'))]),
    configSchema: fn('paytoken_config_schema', 'const char *', []),
    // Polling mode only (NULL callback): JavaScript must run on its own thread.
    logConfigure: fn('paytoken_log_configure', 'int32_t', ['int32_t', 'void *', 'void *', errOut]),
    logNext: fn('paytoken_log_next', 'int32_t', [koffi.out(koffi.pointer('int32_t')), koffi.out(koffi.pointer(OwnedString))]),
    logDropped: fn('paytoken_log_dropped', 'uint64_t', []),
    errorPhase: fn('paytoken_error_phase', 'int32_t', [koffi.pointer(ErrorStruct)]),
    responseIdempotencyKey: fn('paytoken_response_idempotency_key', 'const char *', [ResponsePtr]),
    idempotencyKeyNew: fn('paytoken_idempotency_key_new', 'int32_t', [
      ClientPtr,
      'const char *', // method
      koffi.out(koffi.pointer(OwnedString)),
      errOut,
    ]),
    idempotencyKeyPin: fn('paytoken_idempotency_key_pin', 'int32_t', [
      ClientPtr,
      'const char *', // method
      'const char *', // headers_json
      'const char *', // options_json
      koffi.out(koffi.pointer(OwnedString)), // key_out
      koffi.out(koffi.pointer(OwnedString)), // options_out
      errOut,
    ]),
    nicepaySign: fn('paytoken_nicepay_sign', 'int32_t', [
      ClientPtr,
      'const char **', // parts: a JS array of strings
      'size_t',
      koffi.out(koffi.pointer(OwnedString)),
      errOut,
    ]),
    nicepayNetcancel: fn('paytoken_nicepay_netcancel', 'int32_t', [
      ClientPtr,
      'const char *', // order_id
      'const char *', // options_json
      koffi.out(koffi.pointer(OwnedString)),
      errOut,
    ]),
    stringFree,
    // For lib/async.js, which declares the asynchronous calls with the same types.
    raw: { lib, ErrorStruct, ClientPtr },
  };
}

/** Refuses a library whose C ABI this package cannot use, naming both versions. */
function checkAbi(lib, libPath) {
  const need = `${ABI_MAJOR}.${ABI_MINOR}`;
  let abi;
  let errorSize;
  try {
    abi = lib.func('paytoken_abi_version', 'uint32_t', [])();
    errorSize = Number(lib.func('paytoken_error_size', 'size_t', [])());
  } catch (cause) {
    throw new Error(
      `paytoken: ${libPath} is too old (ABI 1.0, no paytoken_abi_version); this package needs ABI ${need}. ` +
        'Reinstall paytoken, or set PAYTOKEN_LIB to a matching libpaytoken.so.',
      { cause },
    );
  }
  const major = abi >>> 16;
  const minor = abi & 0xffff;
  if (major !== ABI_MAJOR || minor < ABI_MINOR) {
    throw new Error(
      `paytoken: ${libPath} has ABI ${major}.${minor}; this package needs ABI ${ABI_MAJOR}.x with x >= ${ABI_MINOR} (${need}). ` +
        'Reinstall paytoken, or set PAYTOKEN_LIB to a matching libpaytoken.so.',
    );
  }
  if (errorSize !== ERROR_STRUCT_SIZE) {
    throw new Error(`paytoken: ${libPath} has a paytoken_error of ${errorSize} bytes; this package needs ${ERROR_STRUCT_SIZE}`);
  }
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

module.exports = { native, runSync, callAsync, check, checkAbi, ABI_MAJOR, ABI_MINOR };
