'use strict';
// `require('paytoken/metrics')`: every client's stats() as prom-client metrics, read at
// scrape time. prom-client is an optional peer dependency, required only here. The names,
// types and help texts are metrics.json beside this file: the copy of the vocabulary the
// `paytoken` command formats from (README, "Metrics"), the same in every binding.

const VOCABULARY = require('./metrics.json');

const LABELS = ['gateway', 'client'];
// registry -> { clients: Map<label, Client> }: one set of metrics per registry.
const perRegistry = new WeakMap();

function promClient() {
  try {
    return require('prom-client');
  } catch (e) {
    throw new Error("paytoken/metrics needs prom-client: npm install prom-client", { cause: e });
  }
}

/** The value of a stats key in the metric's unit, or null when the key is null. */
function metricValue(stats, metric) {
  const raw = stats[metric.statsKey];
  return raw === null || raw === undefined ? null : raw * metric.scale;
}

function define(prom, registry, state) {
  for (const metric of VOCABULARY.metrics) {
    const counter = metric.type === 'counter';
    const Kind = counter ? prom.Counter : prom.Gauge;
    // eslint-disable-next-line no-new -- the registry holds the metric
    new Kind({
      name: metric.name,
      help: metric.help,
      labelNames: LABELS,
      registers: [registry],
      collect() {
        this.reset();
        for (const [label, client] of state.clients) {
          if (client.closed) continue;
          const stats = client.stats();
          const value = metricValue(stats, metric);
          if (value === null) continue;
          const labels = { gateway: stats.gateway, client: label };
          if (counter) this.inc(labels, value);
          else this.set(labels, value);
        }
      },
    });
  }
}

/**
 * Reports `client`'s stats in `options.register` (default: prom-client's global
 * registry) under the label `client=options.name` (default "default"); a client of the
 * same name is replaced. Closed clients are skipped.
 * @param {import('..').Client} client
 * @param {{name?: string, register?: object}} [options]
 */
function collectMetrics(client, options = {}) {
  const prom = promClient();
  const registry = options.register ?? prom.register;
  let state = perRegistry.get(registry);
  if (state === undefined) {
    state = { clients: new Map() };
    perRegistry.set(registry, state);
    define(prom, registry, state);
  }
  state.clients.set(options.name ?? 'default', client);
}

/** The metrics: `{name, type, unit, statsKey, scale, help}` each. */
function vocabulary() {
  return VOCABULARY.metrics.map((metric) => ({ ...metric }));
}

module.exports = { collectMetrics, vocabulary };
