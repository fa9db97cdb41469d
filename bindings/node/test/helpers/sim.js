'use strict';
// Starts a real paytoken-sim on a free loopback port and talks to its admin API.
// The token cache is process-global and keyed by origin, so a fresh simulator (new port)
// also means a cold cache for the clients pointed at it.

const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const SIM_BIN = process.env.PAYTOKEN_SIM || path.join(REPO, 'target', 'release', 'paytoken-sim');

/** The simulator's default credentials (sim/README.md). */
const CREDENTIALS = Object.freeze({
  nicepay: { clientKey: 'S2_sim_client_key', secretKey: 'sim_nicepay_secret_key' },
  'portone-v1': { impKey: 'sim_imp_key', impSecret: 'sim_imp_secret' },
  'portone-v2': { apiSecret: 'sim_portone_v2_api_secret' },
});

class Sim {
  constructor(child, url) {
    this.child = child;
    this.url = url;
  }

  /** A client config for `gateway` pointed at this simulator. */
  config(gateway, extra = {}) {
    return { gateway, ...CREDENTIALS[gateway], baseUrl: this.url, ...extra };
  }

  async admin(method, route, body) {
    const res = await fetch(this.url + route, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sim ${method} ${route}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  stats() {
    return this.admin('GET', '/__sim/stats');
  }

  fault(spec) {
    return this.admin('POST', '/__sim/fault', spec);
  }

  clearFaults() {
    return this.admin('DELETE', '/__sim/fault');
  }

  /** Holds the next `count` requests of `gateway`'s `endpoint` ("api", "token", ...) at the
   * simulator until release() (or clearFaults()/reset): a request that stays in flight for
   * as long as the test needs, instead of a delay a loaded machine may outlive. */
  hold(gateway, endpoint, count) {
    return this.fault({ gateway, endpoint, kind: 'hold', count });
  }

  /** Resolves once exactly `n` requests are held (stats `held`). */
  waitHeld(n) {
    return this.waitFor(`${n} held requests`, (stats) => stats.held === n);
  }

  /** Lets every held request go on to its normal answer; resolves to how many waited. */
  async release() {
    return (await this.admin('POST', '/__sim/release')).released;
  }

  /** Resolves to the simulator's stats once `ready(stats)` holds: its counters are the
   * events a test synchronizes on. */
  waitFor(what, ready) {
    let stats;
    const shown = async () => ready((stats = await this.stats())) && stats;
    return waitUntil(() => `the simulator showing ${what}: ${JSON.stringify(stats)}`, shown);
  }

  lastRequest() {
    return this.admin('GET', '/__sim/last-request');
  }

  revoke(gateway) {
    return this.admin('POST', '/__sim/revoke', { gateway });
  }

  setConfig(changes) {
    return this.admin('POST', '/__sim/config', changes);
  }

  /** Creates a payment through the admin API (POST /__sim/payments). */
  createPayment(payment) {
    return this.admin('POST', '/__sim/payments', payment);
  }

  stop() {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}

/** Resolves to the first truthy value of `ready()` (sync or async), checked every 2 ms.
 * The bound only turns a broken test into a failure that says what it waited for (`what`:
 * text, or a function giving it); it is not a timing assumption. */
async function waitUntil(what, ready) {
  const bound = Date.now() + 120000;
  for (;;) {
    const value = await ready();
    if (value) return value;
    if (Date.now() > bound) throw new Error(`never saw ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Starts a simulator; `flags` are extra command-line flags (sim/README.md). */
function startSim(flags = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(SIM_BIN, ['--port', '0', '--exit-on-stdin-eof', '--implicit-payments', ...flags], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${SIM_BIN} printed no listening line within 20 s`));
    }, 20000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${SIM_BIN} (build it with: make -C ${REPO} sim): ${error.message}`));
    });
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      // "paytoken-sim listening on http://127.0.0.1:PORT" (https with --tls)
      const url = line.trim().split(' ').pop();
      if (!/^https?:\/\//.test(url)) return reject(new Error(`unexpected first line from simulator: ${line}`));
      child.unref();
      child.stdin.unref?.();
      child.stdout.unref?.();
      resolve(new Sim(child, url));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited early with code ${code}`));
    });
  });
}

module.exports = { startSim, waitUntil, CREDENTIALS, REPO };
