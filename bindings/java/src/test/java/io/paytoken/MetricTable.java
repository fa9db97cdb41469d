package io.paytoken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The README's "Metrics" table and a Prometheus scrape, compared: what MeterBinderTest and
 * the Spring Boot starter's suite (through this suite's test jar) check. Free of any
 * Micrometer class, so that it loads beside every Micrometer a Spring Boot line brings.
 */
final class MetricTable {
    private MetricTable() {
    }

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
}
