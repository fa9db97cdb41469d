'use strict';
// Many calls in flight from Node: paytoken's request() (the library's own I/O threads)
// against the built-in fetch, side by side, on a gateway that answers after a delay.
//
//   node in_flight.js SLOW_URL SLOWER_URL [RUNS]
//
// SLOW_URL: a simulator with --delay-ms 200 (256 calls in flight); SLOWER_URL: one with
// --delay-ms 1000 (1000 in flight). Per run and variant: the wall time of the whole burst
// (ns), and for paytoken the I/O threads it ran and the RSS it added during the burst.

const fs = require('node:fs');
const path = require('node:path');
const { Client } = require(path.join(__dirname, '..', '..', 'bindings', 'node'));

const API_PATH = '/payments/imp_bench';

function emit(id, run, value, unit = 'ns') {
  console.log(JSON.stringify({ id, run, value, unit }));
}

/** Threads of this process named paytoken-io, and the resident set in MiB. */
function sample() {
  let threads = 0;
  for (const task of fs.readdirSync('/proc/self/task')) {
    try {
      if (fs.readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim() === 'paytoken-io') threads++;
    } catch {
      // the thread exited meanwhile
    }
  }
  const rss = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
  return { threads, rss };
}

/** Starts n calls at once; returns the burst's wall time and a sample taken midway. */
async function burst(n, call, midwayMs) {
  const started = process.hrtime.bigint();
  const calls = Array.from({ length: n }, (_, i) => call(i));
  const mid = await new Promise((resolve) => setTimeout(() => resolve(sample()), midwayMs));
  const done = await Promise.all(calls);
  const ns = Number(process.hrtime.bigint() - started);
  if (!done.every((status) => status === 200)) throw new Error('a call did not answer 200');
  return { ns, mid };
}

async function main() {
  const [slowUrl, slowerUrl, runsArg] = process.argv.slice(2);
  const runs = Number(runsArg || 5);
  for (const [label, url, n, delayMs] of [
    ['conc256', slowUrl, 256, 200],
    ['conc1000', slowerUrl, 1000, 1000],
  ]) {
    // maxInFlight = n: the default (256) would queue the 1000-call burst in four waves.
    const pg = Client.portoneV1({ impKey: 'sim_imp_key', impSecret: 'sim_imp_secret', baseUrl: url, maxInFlight: n });
    const authorization = `Bearer ${await pg.token()}`;
    const variants = {
      paytoken: async (i) => (await pg.get(`${API_PATH}?n=${i}`)).status,
      fetch: async (i) => {
        const response = await fetch(`${url}${API_PATH}?n=${i}`, { headers: { Authorization: authorization } });
        await response.arrayBuffer();
        return response.status;
      },
    };
    for (const call of Object.values(variants)) await burst(Math.min(n, 64), call, 10); // warm up
    for (let run = 0; run < runs; run++) {
      const names = run % 2 ? ['fetch', 'paytoken'] : ['paytoken', 'fetch'];
      for (const name of names) {
        const before = sample().rss;
        const { ns, mid } = await burst(n, variants[name], delayMs / 2);
        emit(`node.${label}.${name}`, run, ns);
        if (name === 'paytoken') {
          emit(`node.${label}.threads`, run, mid.threads, 'threads');
          emit(`node.${label}.rss`, run, Math.max(0, mid.rss - before), 'MiB');
        }
      }
      process.stderr.write(`  node ${label} run ${run} done\n`);
    }
    pg.close();
  }
}

main().catch((error) => {
  console.error('in_flight.js failed:', error);
  process.exit(1);
});
