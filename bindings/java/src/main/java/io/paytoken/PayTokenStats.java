package io.paytoken;

import java.util.Map;

/**
 * Counters of a client's token-cache entry, shared by every client with the same gateway,
 * origin and credentials in this process.
 */
public final class PayTokenStats {
    private final String json;
    private final Map<String, Object> values;

    PayTokenStats(String json) {
        this.json = json;
        this.values = Json.parseObject(json);
    }

    /** Token requests sent to the gateway. */
    public long getTokenFetches() {
        return counter("tokenFetches");
    }

    /** Tokens served from memory without a request. */
    public long getCacheHits() {
        return counter("cacheHits");
    }

    /** Refreshes that failed (the cached token, while valid, was served meanwhile). */
    public long getRefreshFailures() {
        return counter("refreshFailures");
    }

    /** Requests retried once with a fresh token after a 401. */
    public long getRetriesAfter401() {
        return counter("retriesAfter401");
    }

    /** Every counter by name, including keys newer than this class. Unmodifiable. */
    public Map<String, Object> asMap() {
        return values;
    }

    /** The stats as the library returned them (JSON). */
    public String toJson() {
        return json;
    }

    private long counter(String key) {
        Object value = values.get(key);
        return value instanceof Number ? ((Number) value).longValue() : 0L;
    }

    @Override
    public String toString() {
        return "PayTokenStats" + json;
    }
}
