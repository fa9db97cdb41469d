package io.paytoken;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Optional config for {@link PayTokenClient#nicepay}, {@link PayTokenClient#portoneV1} and
 * {@link PayTokenClient#portoneV2}: chain the setters you need, leave the rest at the
 * library's defaults.
 *
 * <pre>{@code
 * new PayTokenOptions().sandbox(true).timeout(Duration.ofSeconds(10))
 * }</pre>
 *
 * Which keys a gateway accepts is checked by the library when the client is created; an
 * option it does not know is an {@link InvalidArgumentException} that names the key.
 * The client copies the options when it is created; changing them later has no effect on it.
 */
public final class PayTokenOptions {
    /** Keys whose values are safe to show in {@link #toString()}; anything else is masked. */
    private static final Set<String> SHOWN = new HashSet<>(Arrays.asList(
            "auth", "sandbox", "baseUrl", "connectTimeoutMs", "timeoutMs", "refreshBeforeSecs",
            "returnCharSet", "tier", "storeId", "maxResponseBytes", "userAgent", "caFile", "maxInFlight", "cacheDir"));

    private final Map<String, Object> values = new LinkedHashMap<>();

    /** NICEPAY {@code "token"} (default) or {@code "basic"}; PortOne V2 {@code "secret"} (default) or {@code "token"}. */
    public PayTokenOptions auth(String scheme) {
        return set("auth", scheme);
    }

    /** NICEPAY: use the sandbox origin. */
    public PayTokenOptions sandbox(boolean sandbox) {
        return set("sandbox", sandbox);
    }

    /** Another origin, e.g. a simulator; plain {@code http://} only for loopback hosts. */
    public PayTokenOptions baseUrl(String baseUrl) {
        return set("baseUrl", baseUrl);
    }

    /**
     * Connect deadline (default 5 s): a {@code Duration}, as the JDK {@code HttpClient}'s
     * {@code connectTimeout} and the per-call {@link PayTokenRequestOptions#timeout}.
     *
     * @throws IllegalArgumentException outside the library's range (1 ms to 10 min)
     */
    public PayTokenOptions connectTimeout(Duration timeout) {
        return set("connectTimeoutMs", Timeouts.millis("connectTimeout", timeout, "connectTimeoutMs"));
    }

    /**
     * Whole-request deadline (default 30 s; PortOne V2 60 s); a call's
     * {@link PayTokenRequestOptions#timeout} replaces it for that call.
     *
     * @throws IllegalArgumentException outside the library's range (1 ms to 10 min)
     */
    public PayTokenOptions timeout(Duration timeout) {
        return set("timeoutMs", Timeouts.millis("timeout", timeout, "timeoutMs"));
    }

    /**
     * Connect deadline in milliseconds.
     *
     * @deprecated the 0.1 name: use {@link #connectTimeout(Duration)}.
     */
    @Deprecated
    public PayTokenOptions connectTimeoutMs(long millis) {
        return set("connectTimeoutMs", millis);
    }

    /**
     * Whole-request deadline in milliseconds.
     *
     * @deprecated the 0.1 name: use {@link #timeout(Duration)}.
     */
    @Deprecated
    public PayTokenOptions timeoutMs(long millis) {
        return set("timeoutMs", millis);
    }

    /** At most this many of the client's asynchronous calls run at once; more wait (default 256). */
    public PayTokenOptions maxInFlight(int calls) {
        return set("maxInFlight", calls);
    }

    /** Refresh a token this many seconds before it expires (token schemes). */
    public PayTokenOptions refreshBeforeSecs(long seconds) {
        return set("refreshBeforeSecs", seconds);
    }

    /** NICEPAY: {@code "utf-8"} (default) or {@code "euc-kr"} for the token endpoint. */
    public PayTokenOptions returnCharSet(String charset) {
        return set("returnCharSet", charset);
    }

    /** PortOne V1: the sub-merchant's {@code Tier} header, sent on every request. */
    public PayTokenOptions tier(String tier) {
        return set("tier", tier);
    }

    /** PortOne V2: the {@code storeId} of a sub-store. */
    public PayTokenOptions storeId(String storeId) {
        return set("storeId", storeId);
    }

    /** Larger response bodies are a {@link GatewayException} (default 8 MiB). */
    public PayTokenOptions maxResponseBytes(long bytes) {
        return set("maxResponseBytes", bytes);
    }

    /** Appended to the default {@code User-Agent}. */
    public PayTokenOptions userAgent(String userAgent) {
        return set("userAgent", userAgent);
    }

    /**
     * A PEM file of root certificates <b>added</b> to the built-in Mozilla roots (a
     * TLS-inspecting proxy's CA, or the simulator's {@code --cert-out}). A missing or
     * unreadable file is an {@code InvalidArgumentException} when the client is created.
     */
    public PayTokenOptions caFile(String path) {
        return set("caFile", path);
    }

    /** A directory for the host-wide token cache shared by this host's processes (token schemes). */
    public PayTokenOptions cacheDir(String path) {
        return set("cacheDir", path);
    }

    /** PortOne V2: send an {@code Idempotency-Key} on every POST/PUT/PATCH/DELETE (default true). */
    public PayTokenOptions idempotency(boolean enabled) {
        return set("idempotency", enabled);
    }

    /**
     * Resend a request that carries an idempotency key (PortOne V2 POST/PUT/PATCH/DELETE)
     * with the same key after a timeout or a lost connection, within its deadline (default
     * false). NICEPAY and PortOne V1 requests are never resent.
     */
    public PayTokenOptions retryUnknownOutcome(boolean enabled) {
        return set("retryUnknownOutcome", enabled);
    }

    /**
     * Any config key by name, for keys newer than this class. {@code value} is a String,
     * Number, Boolean or null.
     */
    public PayTokenOptions set(String key, Object value) {
        if (key == null) {
            throw new NullPointerException("key");
        }
        values.put(key, value);
        return this;
    }

    /** Appends the options as JSON object members, each preceded by a comma. */
    void appendJsonMembers(StringBuilder json) {
        for (Map.Entry<String, Object> option : values.entrySet()) {
            json.append(',');
            Json.quote(json, option.getKey());
            json.append(':');
            Json.value(json, option.getValue());
        }
    }

    Object get(String key) {
        return values.get(key);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("PayTokenOptions{");
        String separator = "";
        for (Map.Entry<String, Object> option : values.entrySet()) {
            sb.append(separator).append(option.getKey()).append('=')
                    .append(SHOWN.contains(option.getKey()) ? option.getValue() : "***");
            separator = ", ";
        }
        return sb.append('}').toString();
    }
}
