package io.paytoken;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the shop expects of a payment, for {@link PayTokenClient#verifyPayment}: the
 * gateway's id (PortOne V2 {@code paymentId}, V1 {@code imp_uid}, NICEPAY {@code tid}) or
 * the shop's order id ({@link #byOrderId}), the amount (a {@code long}: never a float), and
 * optionally the currency and order id to check.
 */
public final class PaymentCheck {
    private final Map<String, Object> fields = new LinkedHashMap<String, Object>();

    private PaymentCheck(String key, String id, long amount) {
        fields.put(key, id);
        fields.put("amount", amount);
    }

    /** Look the payment up by the gateway's id. */
    public static PaymentCheck of(String paymentId, long amount) {
        return new PaymentCheck("paymentId", paymentId, amount);
    }

    /** Look it up by the shop's order id (V1 merchant_uid; NICEPAY needs {@link #orderDate}). */
    public static PaymentCheck byOrderId(String orderId, long amount) {
        return new PaymentCheck("orderId", orderId, amount);
    }

    /** The currency the shop expects, e.g. "KRW". */
    public PaymentCheck currency(String currency) {
        fields.put("currency", currency);
        return this;
    }

    /** The shop's order id the payment must carry (checked when looked up by paymentId). */
    public PaymentCheck orderId(String orderId) {
        fields.put("orderId", orderId);
        return this;
    }

    /** NICEPAY's order date, YYYYMMDD, for a lookup by order id. */
    public PaymentCheck orderDate(String yyyymmdd) {
        fields.put("orderDate", yyyymmdd);
        return this;
    }

    String json() {
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            if (out.length() > 1) {
                out.append(',');
            }
            Json.quote(out, field.getKey());
            out.append(':');
            Json.value(out, field.getValue());
        }
        return out.append('}').toString();
    }
}
