package io.paytoken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PayTokenMeterBinder (issue 26): a real Micrometer Prometheus scrape of real clients
 * against the simulator emits exactly the metrics of the README's "Metrics" table (names,
 * types, help texts), with each client's stats() values in the table's units.
 */
class MeterBinderTest {
    @Test
    void aScrapeEmitsExactlyTheReadmeMetricsWithEachClientsStats() throws Exception {
        try (Simulator sim = Simulator.start("--clock-offset", "120");
             PayTokenClient web = sim.nicepay();
             PayTokenClient worker = sim.portoneV2()) {
            web.request("GET", "/v1/payments/tid_metrics_1");
            web.request("GET", "/v1/payments/tid_metrics_2");
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new PayTokenMeterBinder(web, "web").bindTo(registry);
            new PayTokenMeterBinder(worker, "worker").bindTo(registry);
            MetricTable.Scrape scrape = new MetricTable.Scrape(registry.scrape());
            Map<String, Map<String, Object>> stats = new HashMap<>();
            stats.put("web", web.stats().asMap());
            stats.put("worker", worker.stats().asMap());

            List<String[]> table = MetricTable.readmeTable();
            assertEquals(new ArrayList<String>(), MetricTable.mismatches(table, scrape));
            for (String[] row : table) {
                for (Map.Entry<String, Map<String, Object>> client : stats.entrySet()) {
                    double sample = scrape.samples.get(row[0]).get(client.getKey());
                    Object raw = client.getValue().get(row[3]);
                    if (raw == null) {
                        assertTrue(Double.isNaN(sample), row[0] + " " + client.getKey());
                        continue;
                    }
                    double value = ((Number) raw).doubleValue();
                    double expected = row[2].equals("seconds") ? value / 1000 : value;
                    // Token life goes down between the scrape and stats(): a few ms.
                    assertEquals(expected, sample, 5.0, row[0] + " " + client.getKey());
                }
            }
            assertEquals(1.0, scrape.samples.get("paytoken_token_fetches_total").get("web"));
            double skew = scrape.samples.get("paytoken_gateway_clock_skew_seconds").get("web");
            assertTrue(skew >= 119 && skew <= 121, "seconds, not ms: " + skew);
        }
    }

    /**
     * A binder made and dropped at once, as a Spring {@code MeterBinder} bean does: once the
     * garbage collector has taken it, the meters still read the client (Micrometer holds the
     * measured object weakly; it was the binder, so its meters froze at their first value).
     */
    @Test
    void theMetersKeepReadingTheClientAfterTheBinderIsCollected() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV1()) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            WeakReference<PayTokenMeterBinder> binder = bindAndDrop(client, registry);
            for (int i = 0; binder.get() != null; i++) {
                assertTrue(i < 1000, "the binder was never collected");
                System.gc();
            }
            client.token();
            assertEquals(1.0, registry.get("paytoken.token.fetches").functionCounter().count());
        }
    }

    private static WeakReference<PayTokenMeterBinder> bindAndDrop(PayTokenClient client, PrometheusMeterRegistry registry) {
        PayTokenMeterBinder binder = new PayTokenMeterBinder(client, "dropped");
        binder.bindTo(registry);
        return new WeakReference<>(binder);
    }

    @Test
    void theCheckFailsWhenANameDrifts() throws Exception {
        List<String[]> drifted = MetricTable.readmeTable();
        drifted.get(0)[0] = "paytoken_token_fetch_total";
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV2()) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new PayTokenMeterBinder(client).bindTo(registry);
            List<String> found = MetricTable.mismatches(drifted, new MetricTable.Scrape(registry.scrape()));
            List<String> expected = new ArrayList<>();
            expected.add("not in the README: paytoken_token_fetches_total");
            expected.add("not emitted: paytoken_token_fetch_total");
            assertEquals(expected, found);
        }
    }
}
