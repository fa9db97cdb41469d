package io.paytoken;

/**
 * The token request timed out (or the call's deadline ran out while getting its token):
 * nothing was sent to the payment API, so the outcome is known (not processed) and the
 * call can simply be made again. A {@link PayTokenTimeoutException}, so existing handlers
 * still catch it.
 */
public final class TokenTimeoutException extends PayTokenTimeoutException {
    private static final long serialVersionUID = 1L;

    TokenTimeoutException(String message, int httpStatus, String gatewayCode) {
        super(message, httpStatus, gatewayCode);
    }
}
