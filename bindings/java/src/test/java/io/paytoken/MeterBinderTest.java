package io.paytoken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PayTokenMeterBinder (issue 26): a real Micrometer Prometheus scrape of real clients
 * against the simulator emits exactly the metrics of the README's "Metrics" table (names,
 * types, help texts), with each client's stats() values in the table's units.
 */
class MeterBinderTest {
    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)\\{(.*)\\} (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /** One row of the README table: name, type, unit, stats key, help. */
    static List<String[]> readmeTable() throws IOException {
        String text = new String(Files.readAllBytes(Paths.get("../../README.md")), StandardCharsets.UTF_8);
        String table = text.substring(text.indexOf("<!-- metrics:start -->"), text.indexOf("<!-- metrics:end -->"));
        List<String[]> rows = new ArrayList<>();
        for (String line : table.split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.substring(1, line.length() - 1).split("\\|");
            for (int i = 0; i < cells.length; i++) {
                cells[i] = cells[i].trim().replaceAll("^`|`$", "");
            }
            if (cells[2].equals("—")) {
                cells[2] = "";
            }
            rows.add(cells);
        }
        assertTrue(rows.size() >= 12);
        return rows;
    }

    /** name -> {type, help}; samples: name -> client label -> value. */
    static final class Scrape {
        final Map<String, String[]> families = new TreeMap<>();
        final Map<String, Map<String, Double>> samples = new HashMap<>();

        Scrape(String text) {
            for (String line : text.split("\n")) {
                if (line.startsWith("# HELP ")) {
                    String[] parts = line.substring(7).split(" ", 2);
                    families.computeIfAbsent(parts[0], k -> new String[2])[1] = parts[1];
                } else if (line.startsWith("# TYPE ")) {
                    String[] parts = line.substring(7).split(" ", 2);
                    families.computeIfAbsent(parts[0], k -> new String[2])[0] = parts[1];
                } else if (!line.isEmpty() && !line.startsWith("#")) {
                    Matcher m = SAMPLE.matcher(line);
                    assertTrue(m.matches(), line);
                    Map<String, String> labels = new TreeMap<>();
                    Matcher l = LABEL.matcher(m.group(2));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                    assertEquals(new TreeSet<>(labels.keySet()).toString(), "[client, gateway]", line);
                    samples.computeIfAbsent(m.group(1), k -> new HashMap<>())
                            .put(labels.get("client"), Double.parseDouble(m.group(3)));
                }
            }
        }
    }

    /** What differs between the table and a scrape. */
    static List<String> mismatches(List<String[]> table, Scrape scrape) {
        Map<String, String[]> wanted = new TreeMap<>();
        for (String[] row : table) {
            wanted.put(row[0], row);
        }
        List<String> found = new ArrayList<>();
        for (String name : scrape.families.keySet()) {
            if (!wanted.containsKey(name)) {
                found.add("not in the README: " + name);
            }
        }
        for (String name : wanted.keySet()) {
            String[] family = scrape.families.get(name);
            if (family == null) {
                found.add("not emitted: " + name);
            } else if (!family[0].equals(wanted.get(name)[1]) || !family[1].equals(wanted.get(name)[4])) {
                found.add(name + ": " + family[0] + " " + family[1]);
            }
        }
        return found;
    }

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
            Scrape scrape = new Scrape(registry.scrape());
            Map<String, Map<String, Object>> stats = new HashMap<>();
            stats.put("web", web.stats().asMap());
            stats.put("worker", worker.stats().asMap());

            List<String[]> table = readmeTable();
            assertEquals(new ArrayList<String>(), mismatches(table, scrape));
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

    @Test
    void theCheckFailsWhenANameDrifts() throws Exception {
        List<String[]> drifted = readmeTable();
        drifted.get(0)[0] = "paytoken_token_fetch_total";
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV2()) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new PayTokenMeterBinder(client).bindTo(registry);
            List<String> found = mismatches(drifted, new Scrape(registry.scrape()));
            List<String> expected = new ArrayList<>();
            expected.add("not in the README: paytoken_token_fetches_total");
            expected.add("not emitted: paytoken_token_fetch_total");
            assertEquals(expected, found);
        }
    }
}
