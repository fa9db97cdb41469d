package io.paytoken;

import java.time.Duration;
import java.util.Map;

/**
 * A {@code Duration} as the library's whole milliseconds, checked against the range the
 * library's key table gives the key (the core's rule), in Java's names and units.
 */
final class Timeouts {
    private static volatile Map<String, long[]> ranges;

    private Timeouts() {
    }

    static long millis(String name, Duration timeout, String key) {
        if (timeout == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        long[] range = range(key);
        Duration low = Duration.ofMillis(range[0]);
        Duration high = Duration.ofMillis(range[1]);
        if (timeout.compareTo(low) < 0 || timeout.compareTo(high) > 0) {
            throw new IllegalArgumentException(name + " must be from " + low + " to " + high + ", got " + timeout);
        }
        return Math.max(1, timeout.toMillis() + (timeout.minusMillis(timeout.toMillis()).isZero() ? 0 : 1));
    }

    @SuppressWarnings("unchecked")
    private static long[] range(String key) {
        Map<String, long[]> known = ranges;
        if (known == null) {
            known = new java.util.HashMap<>();
            try {
                Object keys = Json.parseObject(PayTokenClient.configSchema()).get("keys");
                for (Object entry : (Iterable<Object>) keys) {
                    Map<String, Object> k = (Map<String, Object>) entry;
                    if (k.get("min") instanceof Number && k.get("max") instanceof Number) {
                        known.put((String) k.get("name"), new long[] {
                            ((Number) k.get("min")).longValue(), ((Number) k.get("max")).longValue()});
                    }
                }
            } catch (PayTokenException | RuntimeException e) {
                // No library to ask: the library refuses a bad value when the client is made.
            }
            ranges = known;
        }
        long[] range = known.get(key);
        return range != null ? range : new long[] {1, Long.MAX_VALUE / 1_000_000};
    }
}
