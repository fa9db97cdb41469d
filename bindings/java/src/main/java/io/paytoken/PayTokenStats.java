package io.paytoken;

import java.time.Duration;
import java.util.Map;

/**
 * Counters of a client's token-cache entry, shared by every client with the same gateway,
 * origin and credentials in this process, and the library's async pool. Every key of the
 * library's stats (docs/c-api.md, "Stats") has a typed getter; durations are
 * {@code Duration}s, as the timeouts.
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

    /** {@code "nicepay"}, {@code "portone-v1"} or {@code "portone-v2"}. */
    public String getGateway() {
        Object value = values.get("gateway");
        return value instanceof String ? (String) value : "";
    }

    /** 401s answered at once, without a token request (the token-storm bound). */
    public long getFetchesSkippedAfterRefusal() {
        return counter("fetchesSkippedAfterRefusal");
    }

    /** Tokens taken from the {@code cacheDir} file instead of a token request. */
    public long getHostCacheReads() {
        return counter("hostCacheReads");
    }

    /** Requests resent with the same idempotency key ({@code retryUnknownOutcome}). */
    public long getUnknownOutcomeRetries() {
        return counter("unknownOutcomeRetries");
    }

    /** How long the cached token stays servable; null when none is cached. */
    public Duration getTokenValidFor() {
        return millis("tokenValidForMs");
    }

    /** The gateway's clock minus this host's at the last token answer; null before one. */
    public Duration getGatewayClockSkew() {
        return millis("gatewayClockSkewMs");
    }

    /** The library's async I/O threads (process-wide). */
    public long getAsyncThreads() {
        return counter("asyncThreads");
    }

    /** Async calls running now (process-wide). */
    public long getAsyncRunning() {
        return counter("asyncRunning");
    }

    /** Async calls waiting for a thread (process-wide). */
    public long getAsyncQueued() {
        return counter("asyncQueued");
    }

    /** Every key by name, as the library sends it, including keys newer than this class. Unmodifiable. */
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

    private Duration millis(String key) {
        Object value = values.get(key);
        return value instanceof Number ? Duration.ofMillis(((Number) value).longValue()) : null;
    }

    @Override
    public String toString() {
        return "PayTokenStats" + json;
    }
}
