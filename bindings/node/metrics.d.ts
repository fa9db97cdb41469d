// Types of `paytoken/metrics` (lib/metrics.js): prom-client collectors of clients' stats().
import type { Client } from './index';

/** One metric of the vocabulary (README, "Metrics"). */
export interface MetricDefinition {
  /** The Prometheus name, e.g. `paytoken_token_fetches_total`. */
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  /** `seconds`, or empty for a count. */
  readonly unit: string;
  /** The stats() key it reports. */
  readonly statsKey: string;
  /** The factor from the stats value to the metric's unit (0.001: ms to seconds). */
  readonly scale: number;
  readonly help: string;
}

/**
 * Reports `client`'s stats() in `options.register` (default: prom-client's global
 * registry) at each scrape, labelled `gateway` and `client` (`options.name`, default
 * `"default"`); a client of the same name is replaced. Needs prom-client installed.
 */
export function collectMetrics(client: Client, options?: { name?: string; register?: object }): void;

/** The metrics every integration reports. */
export function vocabulary(): MetricDefinition[];
