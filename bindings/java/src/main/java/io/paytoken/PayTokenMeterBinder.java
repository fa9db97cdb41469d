package io.paytoken;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Micrometer meters of a client's {@link PayTokenClient#stats()}, read at each scrape, with
 * the names of the README's "Metrics" table (the same in Python, Node and
 * {@code paytoken stats --format prometheus}), tagged {@code gateway} and {@code client}.
 * Micrometer is not a dependency of this jar: the application brings it (Spring Boot
 * Actuator does), and only this class needs it.
 *
 * <pre>{@code
 * new PayTokenMeterBinder(client, "shop").bindTo(registry);   // or a @Bean MeterBinder
 * }</pre>
 *
 * <p>Micrometer names are dotted and its Prometheus registry adds the suffixes: the counter
 * {@code paytoken.token.fetches} is scraped as {@code paytoken_token_fetches_total}, the
 * gauge {@code paytoken.token.valid.for} (base unit seconds) as
 * {@code paytoken_token_valid_for_seconds}. A stats key that is null (no token cached) is
 * NaN, as Micrometer reports a gauge without a value.
 */
public final class PayTokenMeterBinder implements MeterBinder {
    private static final String VOCABULARY = "/io/paytoken/metrics.json";

    private final PayTokenClient client;
    private final String name;

    /** Meters of {@code client}, tagged {@code client=default}. */
    public PayTokenMeterBinder(PayTokenClient client) {
        this(client, "default");
    }

    /** Meters of {@code client}, tagged {@code client=name}. */
    public PayTokenMeterBinder(PayTokenClient client, String name) {
        if (client == null || name == null) {
            throw new IllegalArgumentException("client and name are required");
        }
        this.client = client;
        this.name = name;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Object gateway = statsOrEmpty(client).get("gateway");
        Tags tags = Tags.of("gateway", String.valueOf(gateway), "client", name);
        for (Map<String, Object> metric : vocabulary()) {
            final String key = (String) metric.get("statsKey");
            final double scale = ((Number) metric.get("scale")).doubleValue();
            String unit = (String) metric.get("unit");
            String help = (String) metric.get("help");
            boolean counter = "counter".equals(metric.get("type"));
            String id = micrometerName((String) metric.get("name"), counter, unit);
            String baseUnit = unit.isEmpty() ? null : unit;
            // Micrometer holds the measured object weakly: the client, which the application
            // keeps, not this binder, which it may drop after bindTo (the meters then froze).
            if (counter) {
                FunctionCounter.builder(id, client, c -> value(c, key, scale))
                        .description(help).baseUnit(baseUnit).tags(tags).register(registry);
            } else {
                Gauge.builder(id, client, c -> value(c, key, scale))
                        .description(help).baseUnit(baseUnit).tags(tags).register(registry);
            }
        }
    }

    /**
     * The metrics every integration reports, one map each: {@code name}, {@code type},
     * {@code unit}, {@code statsKey}, {@code scale}, {@code help}.
     */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> vocabulary() {
        Map<String, Object> file = Json.parseObject(readResource());
        List<Map<String, Object>> metrics = new ArrayList<>();
        for (Object metric : (List<Object>) file.get("metrics")) {
            metrics.add(Collections.unmodifiableMap((Map<String, Object>) metric));
        }
        return Collections.unmodifiableList(metrics);
    }

    /** The Prometheus name without the suffixes Micrometer adds, dotted. */
    static String micrometerName(String prometheusName, boolean counter, String unit) {
        String base = prometheusName;
        if (counter && base.endsWith("_total")) {
            base = base.substring(0, base.length() - "_total".length());
        }
        if (!unit.isEmpty() && base.endsWith("_" + unit)) {
            base = base.substring(0, base.length() - unit.length() - 1);
        }
        return base.replace('_', '.');
    }

    private static double value(PayTokenClient client, String key, double scale) {
        Object value = statsOrEmpty(client).get(key);
        return value instanceof Number ? ((Number) value).doubleValue() * scale : Double.NaN;
    }

    /** The client's stats, or nothing once it is closed (its meters then read NaN). */
    private static Map<String, Object> statsOrEmpty(PayTokenClient client) {
        try {
            return client.stats().asMap();
        } catch (PayTokenException | IllegalStateException e) {
            return Collections.emptyMap();
        }
    }

    private static String readResource() {
        try (InputStream in = PayTokenMeterBinder.class.getResourceAsStream(VOCABULARY)) {
            if (in == null) {
                throw new IllegalStateException(VOCABULARY + " is missing from the jar");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
            return new String(out.toByteArray(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + VOCABULARY, e);
        }
    }
}
