package io.paytoken;

import java.util.Map;

/**
 * The answer to {@link PayTokenClient#nicepayNetcancel(String, java.time.Duration)}: what the
 * shop does next. A timeout or network error is not an exception here: it is
 * {@link Outcome#RETRY}, with the error's message in {@link #getResultMsg()}.
 */
public final class NetCancelResult {
    /** What the network cancel achieved. */
    public enum Outcome {
        /** NICEPAY cancelled the approved payment (resultCode 0000): the order is not charged. */
        CANCELLED,
        /** Nothing was approved for that order (2015): nothing to undo. */
        NOT_NEEDED,
        /** A timeout, a network error, a 5xx or any other answer: send it again within the hour. */
        RETRY
    }

    private final Outcome outcome;
    private final String resultCode;
    private final String resultMsg;
    private final int httpStatus;

    NetCancelResult(Outcome outcome, String resultCode, String resultMsg, int httpStatus) {
        this.outcome = outcome;
        this.resultCode = resultCode;
        this.resultMsg = resultMsg;
        this.httpStatus = httpStatus;
    }

    /** From the library's {@code {"outcome","resultCode","resultMsg","httpStatus"}}. */
    static NetCancelResult fromJson(String json) {
        Map<String, Object> value = Json.parseObject(json);
        Object outcome = value.get("outcome");
        Outcome parsed = "cancelled".equals(outcome) ? Outcome.CANCELLED
                : "notNeeded".equals(outcome) ? Outcome.NOT_NEEDED : Outcome.RETRY;
        Object status = value.get("httpStatus");
        return new NetCancelResult(parsed, text(value.get("resultCode")), text(value.get("resultMsg")),
                status instanceof Number ? ((Number) status).intValue() : 0);
    }

    private static String text(Object value) {
        return value == null ? "" : String.valueOf(value);
    }

    public Outcome getOutcome() {
        return outcome;
    }

    /** True for {@link Outcome#RETRY}. */
    public boolean mustRetry() {
        return outcome == Outcome.RETRY;
    }

    /** NICEPAY's resultCode ("0000", "2015", ...), "" when no answer came. */
    public String getResultCode() {
        return resultCode;
    }

    /** NICEPAY's resultMsg, or the transport error's message for a RETRY. */
    public String getResultMsg() {
        return resultMsg;
    }

    /** The answer's HTTP status, 0 when none came. */
    public int getHttpStatus() {
        return httpStatus;
    }

    @Override
    public String toString() {
        return "NetCancelResult{" + outcome + ", resultCode=" + resultCode + ", httpStatus=" + httpStatus + '}';
    }
}
