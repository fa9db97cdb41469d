'use strict';
// paytoken/metrics (issue 26.3): a real prom-client scrape (register.metrics()) of real
// clients against the simulator must emit exactly the metrics of the README's "Metrics"
// table (the one list: names, types, help texts), with each client's stats() values in
// the table's units.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { Client } = require('..');
const { startSim, REPO } = require('./helpers/sim');

let prom;
try {
  prom = require('prom-client');
} catch {
  prom = null;
}
const skip = prom === null && 'prom-client is not installed (make deps)';
const metrics = require('paytoken/metrics');

function readmeTable() {
  const text = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const table = text.slice(text.indexOf('<!-- metrics:start -->'), text.indexOf('<!-- metrics:end -->'));
  const rows = table.split('\n').filter((l) => l.startsWith('| `')).map((line) => {
    const cells = line.replace(/^\||\|$/g, '').split('|').map((c) => c.trim().replace(/^`|`$/g, ''));
    return { name: cells[0], type: cells[1], unit: cells[2] === '—' ? '' : cells[2], statsKey: cells[3], help: cells[4] };
  });
  assert.ok(rows.length >= 12);
  return rows;
}

/** name -> {type, help, samples: {client label: value}} */
function parse(text) {
  const out = {};
  const entry = (name) => (out[name] ??= { type: '', help: '', samples: {} });
  for (const line of text.split('\n')) {
    if (line.startsWith('# HELP ')) {
      const [name, ...help] = line.slice(7).split(' ');
      entry(name).help = help.join(' ');
    } else if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      entry(name).type = type;
    } else if (line) {
      const m = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
      assert.ok(m, line);
      const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
      assert.deepEqual(Object.keys(labels).sort(), ['client', 'gateway'], line);
      entry(m[1]).samples[labels.client] = Number(m[3]);
    }
  }
  return out;
}

function mismatches(table, scraped) {
  const wanted = new Map(table.map((row) => [row.name, row]));
  const found = Object.keys(scraped).filter((n) => !wanted.has(n)).map((n) => `not in the README: ${n}`);
  for (const name of wanted.keys()) if (!(name in scraped)) found.push(`not emitted: ${name}`);
  for (const [name, { type, help }] of Object.entries(scraped)) {
    const row = wanted.get(name);
    if (row && (row.type !== type || row.help !== help)) found.push(`${name}: ${type} ${help}`);
  }
  return found;
}

let sim;
before(async () => {
  sim = await startSim(['--clock-offset', '120']);
});
after(() => sim.stop());

test('a scrape emits exactly the README metrics with each client\'s stats', { skip }, async () => {
  const web = new Client(sim.config('nicepay'));
  // A scheme without a token: its token gauges are null, so they have no sample.
  const worker = new Client(sim.config('portone-v2'));
  const registry = new prom.Registry();
  try {
    await web.get('/v1/payments/tid_metrics_1');
    await web.get('/v1/payments/tid_metrics_2');
    metrics.collectMetrics(web, { name: 'web', register: registry });
    metrics.collectMetrics(worker, { name: 'worker', register: registry });
    const scraped = parse(await registry.metrics());
    const stats = { web: web.stats(), worker: worker.stats() };

    const table = readmeTable();
    assert.deepEqual(mismatches(table, scraped), []);
    for (const row of table) {
      const samples = scraped[row.name].samples;
      for (const [label, s] of Object.entries(stats)) {
        const raw = s[row.statsKey];
        if (raw === null) {
          assert.equal(samples[label], undefined, `${row.name} ${label}`);
          continue;
        }
        const expected = row.unit === 'seconds' ? raw / 1000 : raw;
        // Token life goes down between the scrape and stats(): a few ms.
        assert.ok(Math.abs(samples[label] - expected) <= 5, `${row.name} ${label}: ${samples[label]} vs ${expected}`);
      }
    }
    assert.deepEqual(scraped.paytoken_token_fetches_total.samples, { web: 1, worker: 0 });
    const skew = scraped.paytoken_gateway_clock_skew_seconds.samples.web;
    assert.ok(skew >= 119 && skew <= 121, `seconds, not ms: ${skew}`);
    // A closed client is skipped at the next scrape.
    web.close();
    const after = parse(await registry.metrics());
    assert.deepEqual(after.paytoken_token_fetches_total.samples, { worker: 0 });
  } finally {
    web.close();
    worker.close();
  }
});

test('the check fails when a name drifts', { skip }, async () => {
  const drifted = structuredClone(require('../lib/metrics.json'));
  drifted.metrics[0].name = 'paytoken_token_fetch_total';
  // The collector as shipped, loaded over a drifted copy of its vocabulary.
  const jsonPath = require.resolve('../lib/metrics.json');
  const libPath = require.resolve('../lib/metrics.js');
  const saved = require.cache[jsonPath];
  delete require.cache[libPath];
  require.cache[jsonPath] = { ...saved, exports: drifted };
  let driftedMetrics;
  try {
    driftedMetrics = require('../lib/metrics.js');
  } finally {
    require.cache[jsonPath] = saved;
    delete require.cache[libPath];
  }
  const client = new Client(sim.config('portone-v2'));
  const registry = new prom.Registry();
  try {
    driftedMetrics.collectMetrics(client, { register: registry });
    assert.deepEqual(mismatches(readmeTable(), parse(await registry.metrics())), [
      'not in the README: paytoken_token_fetch_total',
      'not emitted: paytoken_token_fetches_total',
    ]);
  } finally {
    client.close();
  }
});

test("require('paytoken') does not load prom-client", () => {
  const code = "require('.'); process.exit(Object.keys(require.cache).some((p) => p.includes('prom-client')) ? 1 : 0)";
  const run = spawnSync(process.execPath, ['-e', code], { cwd: path.join(__dirname, '..') });
  assert.equal(run.status, 0, String(run.stderr));
});
