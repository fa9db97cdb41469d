'use strict';
// The soak's Node driver: the paytoken package (bindings/node) the way a busy Node shop
// uses it — SOAK_INFLIGHT promises in flight (lookups, token lookups, partial cancels),
// clients created and closed, logs on. Events go to SOAK_EVENTS as JSON lines in the C
// driver's format (see driver.c), tokens to SOAK_TOKENS, log records to SOAK_LOG.
// (Node has no fork(): the C and Python drivers fork.)
const fs = require('node:fs');
const path = require('node:path');
const { Client, PayTokenError, logs } = require(path.join(__dirname, '..', 'bindings', 'node'));
const koffi = require(path.join(__dirname, '..', 'bindings', 'node', 'node_modules', 'koffi'));

const env = process.env;
const URL = env.SOAK_URL;
const NAME = env.SOAK_NAME || 'node';
const POOL = Number(env.SOAK_POOL || 0);
const INFLIGHT = Number(env.SOAK_INFLIGHT || 100);
// How far past its own timeout a call may end: SOAK_OVER_MS, from soak/checks.py's
// allowed_over_ms(); "late" counts calls past their own timeout alone (see driver_util.h).
const LOOKUP_MS = 2000, CANCEL_MS = 4000, LATE_MS = 250;
const OVER_MS = Number(env.SOAK_OVER_MS || 3500);
// The library the package loaded ($PAYTOKEN_LIB: the same handle) for its heap count, and
// libc for malloc_trim at the end (see driver.c's emit_memory_end).
const heapInUse = koffi.load(env.PAYTOKEN_LIB).func('uint64_t paytoken_heap_in_use(void)');
const libc = koffi.load('libc.so.6');
const mallocTrim = libc.func('int malloc_trim(size_t)');
const MallInfo2 = koffi.struct('mallinfo2', Object.fromEntries(['arena', 'ordblks', 'smblks', 'hblks', 'hblkhd',
  'usmblks', 'fsmblks', 'uordblks', 'fordblks', 'keepcost'].map((name) => [name, 'size_t'])));
const mallinfo2 = libc.func('mallinfo2 mallinfo2(void)');
// [in use, free in its arenas] of the process's malloc, in KiB (see driver.c).
const mallocKib = () => {
  const mi = mallinfo2();
  return [Math.floor((Number(mi.uordblks) + Number(mi.hblkhd)) / 1024), Math.floor(Number(mi.fordblks) / 1024)];
};
const START = performance.now();
const STOP = START + 1000 * Number(env.SOAK_SECONDS || 60);

const base = { baseUrl: URL, timeoutMs: LOOKUP_MS, connectTimeoutMs: 1000, userAgent: `soak-${NAME}` };
const CONFIGS = [
  { gateway: 'nicepay', clientKey: 'S2_sim_client_key', secretKey: 'sim_nicepay_secret_key', ...base },
  { gateway: 'portone-v1', impKey: 'sim_imp_key', impSecret: 'sim_imp_secret', refreshBeforeSecs: 2, ...base },
  // The API secret: the C driver owns PortOne V2's token scheme (see sim/src/stale_tokens.rs).
  { gateway: 'portone-v2', apiSecret: 'sim_portone_v2_api_secret', retryUnknownOutcome: true, ...base },
];

const events = fs.openSync(env.SOAK_EVENTS, 'w');
const tokensOut = fs.openSync(env.SOAK_TOKENS, 'w');
const logOut = fs.openSync(env.SOAK_LOG, 'w');
const emit = (event) => fs.writeSync(events, JSON.stringify(event) + '\n');
const counts = { calls: 0, tick: 0, errors: [0, 0, 0, 0, 0, 0, 0, 0], overruns: 0, doubles: 0, late: 0 };
let worst = [-1e9, ''];
const seenTokens = new Set();
const poolNext = [0, 0, 0];
logs.on('log', ({ level, message }) => fs.writeSync(logOut, `${level} ${message}\n`));

function record(op, deadlineMs, elapsedMs, error) {
  counts.calls++;
  counts.tick++;
  if (elapsedMs - deadlineMs > worst[0]) worst = [elapsedMs - deadlineMs, op];
  if (error) {
    const code = error instanceof PayTokenError ? error.errno : 7;
    counts.errors[code]++;
    emit({ ev: 'error', op, rc: code, http: error.httpStatus || 0, msg: String(error.message) });
  }
  if (elapsedMs > deadlineMs + LATE_MS) counts.late++;
  if (elapsedMs > deadlineMs + OVER_MS) {
    counts.overruns++;
    emit({ ev: 'overrun', op, elapsed_ms: elapsedMs, deadline_ms: deadlineMs + OVER_MS });
  }
}

function noteToken(token) {
  if (seenTokens.has(token)) return;
  seenTokens.add(token);
  fs.writeSync(tokensOut, token + '\n');
}

function lookupPath(gateway) {
  const n = Math.floor(Math.random() * 100000);
  if (gateway === 'nicepay') return `/v1/payments/T${n}`;
  if (gateway === 'portone-v1') return `/payments/imp_${String(n).padStart(12, '0')}`;
  return `/payments/p${n}`;
}

// Exactly once: a promise settling twice would be a bug of the binding; counted if seen.
async function timed(op, deadlineMs, fn) {
  const started = performance.now();
  let settled = 0;
  try {
    const value = await fn();
    settled++;
    record(op, deadlineMs, performance.now() - started);
    return value;
  } catch (e) {
    settled++;
    if (!(e instanceof PayTokenError)) throw e;
    record(op, deadlineMs, performance.now() - started, e);
    return null;
  } finally {
    if (settled !== 1) counts.doubles++;
  }
}

async function cancel(clients, gw) {
  const n = poolNext[gw]++;
  if (n >= POOL) return;
  const gateway = CONFIGS[gw].gateway;
  const id = `soak-${NAME}-${gateway}-${n}`;
  let p, json;
  if (gateway === 'nicepay') [p, json] = [`/v1/payments/${id}/cancel`, { reason: 'soak', orderId: `o-${id}`, cancelAmt: 100 }];
  else if (gateway === 'portone-v1') [p, json] = ['/payments/cancel', { imp_uid: id, reason: 'soak', amount: 100 }];
  else [p, json] = [`/payments/${id}/cancel`, { reason: 'soak', amount: 100 }];
  const answer = await timed('cancel', CANCEL_MS, () => clients[gw].post(p, { json, timeoutMs: CANCEL_MS }));
  // Confirmed: the gateway's answer says the cancel happened (a faulted 200 does not).
  const mark = { nicepay: '"resultCode":"0000"', 'portone-v1': '"code":0' }[gateway] || '"cancellation"';
  const confirmed = Boolean(answer && answer.status === 200 && answer.text().includes(mark));
  emit({ ev: 'cancel', gw: gateway, id, rc: answer ? 0 : 1, status: answer ? answer.status : 0, confirmed: Number(confirmed) });
}

async function one(clients) {
  const op = Math.floor(Math.random() * 100);
  const gw = Math.floor(Math.random() * 3);
  const gateway = CONFIGS[gw].gateway;
  if (op < 70) {
    await timed('async', LOOKUP_MS, () => clients[gw].get(lookupPath(gateway), { timeoutMs: LOOKUP_MS }));
  } else if (op < 82 && gw < 2) {
    const token = await timed('token', LOOKUP_MS, () => clients[gw].token());
    if (token) noteToken(token);
  } else if (op < 90) {
    await cancel(clients, gw);
  } else {
    const churned = new Client(CONFIGS[gw]);
    await timed('async', LOOKUP_MS, () => churned.get(lookupPath(gateway), { timeoutMs: LOOKUP_MS }));
    churned.close();
  }
}

const rssKib = () => Math.floor(process.memoryUsage.rss() / 1024);

// RSS before and after malloc_trim(0), every call settled (see driver.c).
function emitMemoryEnd() {
  const before = rssKib();
  const inUse = mallocKib()[0];
  mallocTrim(0);
  emit({ ev: 'memory_end', rss_kib: before, rss_trimmed_kib: rssKib(), lib_kib: Math.floor(Number(heapInUse()) / 1024),
    malloc_kib: inUse });
}

async function main() {
  const clients = CONFIGS.map((c) => new Client(c));
  let inflight = 0;
  const ticker = setInterval(() => {
    const m = process.memoryUsage(); // JS heap vs native, to tell lazy GC from a leak
    const [inUse, free] = mallocKib();
    emit({ ev: 'tick', t: Math.round((performance.now() - START) / 100) / 10, calls: counts.tick, inflight,
      js_kib: m.heapUsed >> 10, external_kib: m.external >> 10, malloc_kib: inUse, free_kib: free,
      lib_kib: Math.floor(Number(heapInUse()) / 1024) });
    counts.tick = 0;
  }, 1000);
  await new Promise((resolve) => {
    const start = () => {
      while (inflight < INFLIGHT && performance.now() < STOP) {
        inflight++;
        one(clients).finally(() => {
          inflight--;
          if (performance.now() < STOP) setImmediate(start);
          else if (inflight === 0) resolve();
        });
      }
    };
    start();
    // Every call gets its deadline and the margin to settle; what is left is lost.
    setTimeout(resolve, STOP - performance.now() + CANCEL_MS + OVER_MS);
  });
  clearInterval(ticker);
  for (let i = 0; i < inflight; i++) emit({ ev: 'lost', kind: 'async' });
  emitMemoryEnd();
  clients.forEach((c) => c.close());
  emit({
    ev: 'final', calls: counts.calls, errors: counts.errors, overruns: counts.overruns, doubles: counts.doubles, late: counts.late,
    lost: inflight, worst_over_ms: Math.round(worst[0] * 10) / 10, worst_op: worst[1], log_dropped: 0,
  });
  process.exit(0);
}

main().catch((e) => { console.error('driver.js:', e); process.exit(2); });
