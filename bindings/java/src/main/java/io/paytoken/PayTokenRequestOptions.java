package io.paytoken;

import java.time.Duration;

/**
 * What one request sets for itself, beside the client's config: a deadline, its own
 * PortOne V2 idempotency key, and whether an unknown outcome is resent.
 *
 * <pre>{@code
 * client.request("POST", "/payments/" + id + "/cancel", body, null,
 *         PayTokenRequestOptions.create().timeout(Duration.ofSeconds(10)).idempotencyKey(savedKey));
 * }</pre>
 */
public final class PayTokenRequestOptions {
    private Duration timeout;
    private String idempotencyKey;
    private Boolean retryUnknownOutcome;

    private PayTokenRequestOptions() {
    }

    /** No options: the client's defaults. */
    public static PayTokenRequestOptions create() {
        return new PayTokenRequestOptions();
    }

    /**
     * The whole call's deadline, replacing the client's {@link PayTokenOptions#timeout};
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
        return "PayTokenRequestOptions{timeout=" + timeout + ", idempotencyKey=" + idempotencyKey
                + ", retryUnknownOutcome=" + retryUnknownOutcome + '}';
    }
}
