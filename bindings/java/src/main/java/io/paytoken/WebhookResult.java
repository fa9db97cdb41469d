package io.paytoken;

import java.util.Map;

/**
 * A verified webhook event, or a refusal ({@link Verification#webhook}). When not
 * {@link #verified()}, {@link #reason()} is one of {@code malformed}, {@code badSignature},
 * {@code tooOld}, {@code tooNew}, {@code unsigned}, {@code notFound},
 * {@code orderIdDiffers}, and {@link #message()} says why (never a secret). A gateway retry
 * carries the same {@link #webhookId()}: deduplicate on it.
 */
public final class WebhookResult {
    private final Map<String, Object> value;

    WebhookResult(String json) {
        value = Json.parseObject(json);
    }

    public boolean verified() {
        return Boolean.TRUE.equals(value.get("verified"));
    }

    public String reason() {
        return (String) value.get("reason");
    }

    public String message() {
        return (String) value.get("message");
    }

    /** {@code Transaction.Paid} (V2), NICEPAY's status, V1's normalized status. */
    public String type() {
        return (String) value.get("type");
    }

    public String paymentId() {
        return (String) value.get("paymentId");
    }

    public String orderId() {
        return (String) value.get("orderId");
    }

    public String webhookId() {
        return (String) value.get("webhookId");
    }

    public Object timestamp() {
        return value.get("timestamp");
    }

    /** The event's data (V2), the notice (NICEPAY), the looked-up payment (V1). */
    public Object data() {
        return value.get("data");
    }

    @Override
    public String toString() {
        return verified() ? "WebhookResult{verified, type=" + type() + ", paymentId=" + paymentId() + "}"
                : "WebhookResult{refused: " + reason() + ", " + message() + "}";
    }
}
