package io.paytoken;

/**
 * The gateway answered, but not usefully: a 5xx or a failure code from the token endpoint,
 * a malformed, undecodable or oversized body, or a token already expired on arrival.
 */
public class GatewayException extends PayTokenException {
    private static final long serialVersionUID = 1L;

    GatewayException(String message, int httpStatus, String gatewayCode) {
        super(ErrorCode.GATEWAY, httpStatus, gatewayCode, message);
    }
}
