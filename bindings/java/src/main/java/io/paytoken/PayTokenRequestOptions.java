package io.paytoken;

import java.io.UnsupportedEncodingException;
import java.net.URLEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one request sets for itself, beside the client's config, as the JDK's
 * {@code HttpRequest.Builder} and OkHttp's {@code Request.Builder} do: headers, query
 * parameters, a deadline, its own PortOne V2 idempotency key, and whether an unknown
 * outcome is resent. The per-call options of every binding (Node's options object, PHP's
 * Guzzle options, Python's keywords).
 *
 * <pre>{@code
 * client.get("/payments", PayTokenRequestOptions.create()
 *         .query("status", "paid").header("Accept-Language", "ko").timeout(Duration.ofSeconds(5)));
 * client.post("/payments/" + id + "/cancel", body,
 *         PayTokenRequestOptions.create().timeout(Duration.ofSeconds(10)).idempotencyKey(savedKey));
 * }</pre>
 */
public final class PayTokenRequestOptions {
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final List<String[]> query = new ArrayList<>();
    private Duration timeout;
    private String idempotencyKey;
    private Boolean retryUnknownOutcome;

    private PayTokenRequestOptions() {
    }

    /** No options: the client's defaults. */
    public static PayTokenRequestOptions create() {
        return new PayTokenRequestOptions();
    }

    /** Adds a header to this request (after the library's own; a repeated name replaces it). */
    public PayTokenRequestOptions header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Adds every header of {@code more} (see {@link #header(String, String)}). */
    public PayTokenRequestOptions headers(Map<String, String> more) {
        headers.putAll(more);
        return this;
    }

    /**
     * Adds a query parameter, percent-encoded as UTF-8, after any query the path carries
     * ({@code query("status", "paid")} sends {@code ?status=paid}); a name may repeat.
     */
    public PayTokenRequestOptions query(String name, String value) {
        query.add(new String[] {name, value});
        return this;
    }

    /**
     * The whole call's deadline (getting the token, the request, the one retry after a
     * 401), replacing the client's {@link PayTokenOptions#timeout};
     * null keeps it. Outside the library's range (1 ms to 10 min) the call is refused with
     * an {@link InvalidArgumentException} naming {@code timeout}.
     */
    public PayTokenRequestOptions timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /**
     * This request's {@code Idempotency-Key} (16–256 printable ASCII, no {@code "} or
     * {@code \}; checked by the library), e.g. the {@link PayTokenException#getIdempotencyKey()}
     * of a call that timed out. Not together with an {@code Idempotency-Key} header.
     */
    public PayTokenRequestOptions idempotencyKey(String key) {
        this.idempotencyKey = key;
        return this;
    }

    /** Overrides the client's {@code retryUnknownOutcome} for this call. */
    public PayTokenRequestOptions retryUnknownOutcome(boolean retry) {
        this.retryUnknownOutcome = retry;
        return this;
    }

    String idempotencyKey() {
        return idempotencyKey;
    }

    /** {@code path} with the options' query parameters appended (unchanged without any). */
    static String withQuery(String path, PayTokenRequestOptions options) {
        if (path == null || options == null || options.query.isEmpty()) {
            return path;
        }
        StringBuilder url = new StringBuilder(path);
        char separator = path.indexOf('?') < 0 ? '?' : '&';
        for (String[] pair : options.query) {
            url.append(separator).append(encode(pair[0])).append('=').append(encode(pair[1]));
            separator = '&';
        }
        return url.toString();
    }

    /** The call's headers: {@code given} (the deprecated argument), then the options'. */
    static Map<String, String> withHeaders(Map<String, String> given, PayTokenRequestOptions options) {
        if (options == null || options.headers.isEmpty()) {
            return given;
        }
        Map<String, String> all = new LinkedHashMap<>();
        if (given != null) {
            all.putAll(given);
        }
        all.putAll(options.headers);
        return all;
    }

    private static String encode(String text) {
        try {
            // Form encoding writes a space as '+': a query wants %20.
            return URLEncoder.encode(text == null ? "" : text, "UTF-8").replace("+", "%20");
        } catch (UnsupportedEncodingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** The options JSON of paytoken_request_ex with {@code key} as the key (null: none), or null. */
    static byte[] json(PayTokenRequestOptions options, String key) throws InvalidArgumentException {
        StringBuilder json = new StringBuilder("{");
        if (options != null && options.timeout != null) {
            long millis;
            try {
                millis = Timeouts.millis("timeout", options.timeout, "timeoutMs");
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException(e.getMessage(), 0, "");
            }
            json.append("\"timeoutMs\":").append(millis);
        }
        if (key != null) {
            json.append(json.length() > 1 ? "," : "").append("\"idempotencyKey\":");
            Json.quote(json, key);
        }
        if (options != null && options.retryUnknownOutcome != null) {
            json.append(json.length() > 1 ? "," : "").append("\"retryUnknownOutcome\":").append(options.retryUnknownOutcome);
        }
        return json.length() == 1 ? null : Utf8.encode(json.append('}').toString(), "options");
    }

    @Override
    public String toString() {
        return "PayTokenRequestOptions{headers=" + headers.keySet() + ", query=" + query.size()
                + " parameters, timeout=" + timeout + ", idempotencyKey=" + idempotencyKey
                + ", retryUnknownOutcome=" + retryUnknownOutcome + '}';
    }
}
