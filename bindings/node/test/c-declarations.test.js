'use strict';
// The koffi declarations match include/paytoken_ffi.h: every C function this package
// declares (lib/native.js, lib/async.js) has the header's argument count and types, and
// every function of the header is either declared or listed in NOT_DECLARED with the
// reason. The header is read by the repository's one parser (scripts/ffi-signatures.py,
// shared with the Python and Java tests); scripts/test-binding-declarations.sh proves
// this test fails on a changed signature. PAYTOKEN_FFI_HEADER checks another header.

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const koffi = require('koffi');

const SCRIPT = path.join(__dirname, '..', '..', '..', 'scripts', 'ffi-signatures.py');

/** Header functions this package does not call, and why. A new C function fails this test
 * until it is declared or listed here. */
const NOT_DECLARED = {
  paytoken_response_header: 'headers are read once as JSON (paytoken_response_headers_json)',
  paytoken_request_async: 'completed through a paytoken_queue (the _queued twin): no library thread calls into JavaScript',
  paytoken_get_token_async: 'completed through a paytoken_queue (the _queued twin)',
  paytoken_nicepay_netcancel_async: 'completed through a paytoken_queue (the _queued twin)',
  paytoken_queue_free: "the thread's queue lives as long as the thread: the library may post to it whenever a call ends",
  paytoken_queue_wait: 'the event loop watches the queue descriptor instead of a thread waiting',
  paytoken_heap_in_use: 'a diagnostic for leak checks (the soak reads it directly); the API needs no wrapper',
  paytoken_response_read: "one call for a whole response, made for PHP's FFI (each foreign call costs there); this package reads the parts it needs",
  paytoken_idempotency_key_drawn: 'lets PHP skip the pin call per GET; this package pins the key on every call',
};

// Every lib.func(name, result, args) the package makes, recorded on its way to koffi:
// koffi.load is wrapped before the package loads the library.
const declared = new Map();
const realLoad = koffi.load;
koffi.load = (...loadArgs) => {
  const lib = realLoad(...loadArgs);
  return new Proxy(lib, {
    get(target, prop) {
      if (prop === 'func') {
        return (name, result, args) => {
          declared.set(name, { result, args });
          return target.func(name, result, args);
        };
      }
      const value = target[prop];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
};

// lib/native.js declares the header's `message[512]` as its text (char[511]) and its
// reserved last byte (phase_byte, read by paytoken_error_phase): the same 552 bytes.
const ERROR_FIELDS = 'code,http_status,gateway_code,message,phase_byte';
const ERROR_SIZE = 552;
const PHASE_OFFSET = 551;

/** A koffi type as the parser's shape (see scripts/ffi-signatures.py). */
function shape(type) {
  const info = koffi.type(type);
  return infoShape(info);
}

function infoShape(info) {
  const p = info.primitive;
  if (p === 'Void') return info.name === 'void' ? { kind: 'void' } : { kind: 'opaque' };
  if (p === 'Int8' || p === 'UInt8') return { kind: 'byte' };
  if (/^U?Int(16|32|64)$/.test(p)) return { kind: 'int', bytes: info.size, signed: !p.startsWith('U') };
  if (p === 'String') return { kind: 'ptr', to: { kind: 'byte' } };
  if (p === 'Pointer') return { kind: 'ptr', to: infoShape(info.ref) };
  if (p === 'Record') {
    const fields = Object.keys(info.members).join(',');
    const isError =
      fields === ERROR_FIELDS && info.size === ERROR_SIZE && info.members.phase_byte.offset === PHASE_OFFSET;
    return { kind: 'struct', name: isError ? 'paytoken_error' : `{${fields}}/${info.size}` };
  }
  if (p === 'Callback') {
    return {
      kind: 'proto',
      returns: infoShape(info.proto.result),
      args: info.proto.arguments.map((a) => infoShape(a.type)),
    };
  }
  throw new Error(`no C shape for the koffi type ${info.name} (${p})`);
}

const VOID_PTR = JSON.stringify({ kind: 'ptr', to: { kind: 'void' } });
const UINTPTR = JSON.stringify({ kind: 'int', bytes: 8, signed: false });

/**
 * Whether a declaration of type `mine` is right for the header's `header`. A `void *`
 * stands for any pointer; an opaque koffi type for any of the header's structs; a
 * `void *` user_data may be a uintptr_t (an id, never dereferenced); a callback typedef
 * is compared with the koffi.proto's own types.
 */
function matches(header, mine, callbacks) {
  if (header.kind === 'fn') {
    if (JSON.stringify(mine) === VOID_PTR) return true; // a NULL callback only
    if (mine.kind === 'ptr') mine = mine.to; // koffi.pointer(proto)
    const proto = callbacks[header.name];
    return (
      mine.kind === 'proto' &&
      mine.args.length === proto.args.length &&
      matches(proto.returns, mine.returns, callbacks) &&
      proto.args.every((a, i) => matches(a.type, mine.args[i], callbacks))
    );
  }
  if (JSON.stringify(header) === VOID_PTR && JSON.stringify(mine) === UINTPTR) return true;
  if (header.kind === 'ptr' && mine.kind === 'ptr') {
    return mine.to.kind === 'void' || matches(header.to, mine.to, callbacks);
  }
  if (header.kind === 'struct' && mine.kind === 'opaque') return true;
  return JSON.stringify(header) === JSON.stringify(mine);
}

function describe(t) {
  if (t.kind === 'ptr') return `${describe(t.to)} *`;
  if (t.kind === 'int') return `${t.signed ? '' : 'u'}int${t.bytes * 8}`;
  if (t.kind === 'struct' || t.kind === 'fn') return t.name;
  if (t.kind === 'proto') return `proto(${[t.returns, ...t.args].map(describe).join(', ')})`;
  return t.kind;
}

let header = null;

before(() => {
  if (!fs.existsSync(SCRIPT)) return;
  header = JSON.parse(execFileSync('python3', [SCRIPT], { encoding: 'utf8' }));
  // Load the package's declarations: native() binds lib/native.js; any call of
  // lib/async.js binds the asynchronous ones (a NULL client is refused, nothing runs);
  // lib/verify.js binds its two on first use.
  require('../lib/native').native();
  assert.throws(() => require('../lib/async').tokenCached(null));
  require('../lib/verify').functions();
});

test('each koffi declaration matches paytoken_ffi.h', (t) => {
  if (header === null) return t.skip(`${SCRIPT} is not here (run from the repository)`);
  const functions = new Map(header.functions.map((f) => [f.name, f]));
  const problems = [];
  for (const [name, { result, args }] of [...declared].sort()) {
    const c = functions.get(name);
    if (!c) {
      problems.push(`${name}: declared here but not in the header`);
      continue;
    }
    const mine = args.map(shape);
    if (mine.length !== c.args.length) {
      problems.push(`${name}: ${mine.length} arguments here, ${c.args.length} in the header`);
      continue;
    }
    c.args.forEach((arg, i) => {
      if (!matches(arg.type, mine[i], header.callbacks)) {
        problems.push(
          `${name}: argument ${i + 1} (${arg.name}) is ${describe(arg.type)} in the header, ${describe(mine[i])} here`,
        );
      }
    });
    const returns = shape(result);
    if (!matches(c.returns, returns, header.callbacks)) {
      problems.push(`${name}: returns ${describe(c.returns)} in the header, ${describe(returns)} here`);
    }
  }
  assert.deepEqual(problems, [], `koffi declarations differ from paytoken_ffi.h:\n${problems.join('\n')}`);
});

test('every header function is declared or listed in NOT_DECLARED', (t) => {
  if (header === null) return t.skip(`${SCRIPT} is not here (run from the repository)`);
  const names = new Set(header.functions.map((f) => f.name));
  const listed = Object.keys(NOT_DECLARED);
  const missing = [...names].filter((n) => !declared.has(n) && !listed.includes(n)).sort();
  assert.deepEqual(
    missing,
    [],
    `in paytoken_ffi.h but not declared by the Node package: ${missing}; ` +
      'declare them (lib/native.js, lib/async.js) or add them to NOT_DECLARED with the reason',
  );
  const stale = listed.filter((n) => declared.has(n) || !names.has(n));
  assert.deepEqual(stale, [], `NOT_DECLARED lists functions that are declared or not in the header: ${stale}`);
});
