package io.paytoken;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The gateway's answer about a payment compared with what the shop expects
 * ({@link PayTokenClient#verifyPayment}). Fulfil the order only when {@link #verified()}.
 *
 * <p>Reason codes: {@code notFound}, {@code notPaid}, {@code cancelled},
 * {@code partiallyCancelled}, {@code amountDiffers}, {@code currencyDiffers},
 * {@code orderIdDiffers}. {@link #status()} is normalized across gateways: {@code paid},
 * {@code ready}, {@code pending}, {@code virtualAccountIssued}, {@code failed},
 * {@code cancelled}, {@code partialCancelled}, {@code expired}, {@code notFound},
 * {@code unknown}.
 */
public final class PaymentVerdict {
    /** Why a payment is not verified; {@code expected}/{@code actual} for the ...Differs ones. */
    public static final class Reason {
        private final Map<String, Object> value;

        Reason(Map<String, Object> value) {
            this.value = value;
        }

        public String code() {
            return (String) value.get("code");
        }

        public String message() {
            return (String) value.get("message");
        }

        public Object expected() {
            return value.get("expected");
        }

        public Object actual() {
            return value.get("actual");
        }

        @Override
        public String toString() {
            return code() + ": " + message();
        }
    }

    private final Map<String, Object> value;
    private final List<Reason> reasons;

    @SuppressWarnings("unchecked")
    PaymentVerdict(String json) {
        value = Json.parseObject(json);
        List<Reason> list = new ArrayList<Reason>();
        for (Object r : (List<Object>) value.get("reasons")) {
            list.add(new Reason((Map<String, Object>) r));
        }
        reasons = Collections.unmodifiableList(list);
    }

    public boolean verified() {
        return Boolean.TRUE.equals(value.get("verified"));
    }

    public List<Reason> reasons() {
        return reasons;
    }

    /** The reason codes, in order. */
    public List<String> reasonCodes() {
        List<String> codes = new ArrayList<String>();
        for (Reason r : reasons) {
            codes.add(r.code());
        }
        return codes;
    }

    public String status() {
        return (String) value.get("status");
    }

    public String paymentId() {
        return (String) value.get("paymentId");
    }

    public String orderId() {
        return (String) value.get("orderId");
    }

    /** The gateway's amount, or null when it sent none readable. */
    public Long amount() {
        return (Long) value.get("amount");
    }

    public Long cancelledAmount() {
        return (Long) value.get("cancelledAmount");
    }

    public String currency() {
        return (String) value.get("currency");
    }

    /** The gateway's answer, parsed (maps, lists, strings, numbers). */
    public Object raw() {
        return value.get("raw");
    }

    @Override
    public String toString() {
        return "PaymentVerdict{verified=" + verified() + ", status=" + status() + ", reasons=" + reasons + "}";
    }
}
