package io.paytoken;

/**
 * DNS failure, connection refused, or the connection closed before a full response.
 * For a business request that may have reached the gateway, its outcome is unknown:
 * reconcile (NICEPAY network cancel, PortOne {@code Idempotency-Key}).
 */
public class NetworkException extends PayTokenException {
    private static final long serialVersionUID = 1L;

    NetworkException(String message, int httpStatus, String gatewayCode) {
        super(ErrorCode.NETWORK, httpStatus, gatewayCode, message);
    }
}
