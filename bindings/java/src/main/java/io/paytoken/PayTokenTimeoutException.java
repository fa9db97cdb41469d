package io.paytoken;

/**
 * A connect or read deadline passed. For a business request the outcome at the gateway is
 * <b>unknown</b>: reconcile (NICEPAY network cancel, PortOne {@code Idempotency-Key}).
 * (Named so it does not clash with {@code java.util.concurrent.TimeoutException}.)
 */
public class PayTokenTimeoutException extends PayTokenException {
    private static final long serialVersionUID = 1L;

    PayTokenTimeoutException(String message, int httpStatus, String gatewayCode) {
        super(ErrorCode.TIMEOUT, httpStatus, gatewayCode, message);
    }
}
