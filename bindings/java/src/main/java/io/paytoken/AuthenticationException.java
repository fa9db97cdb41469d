package io.paytoken;

/**
 * The gateway refused the credentials, or a request still got HTTP 401 after one retry
 * with a fresh token. Check the keys and sandbox vs production.
 */
public class AuthenticationException extends PayTokenException {
    private static final long serialVersionUID = 1L;

    AuthenticationException(String message, int httpStatus, String gatewayCode) {
        super(ErrorCode.AUTH, httpStatus, gatewayCode, message);
    }
}
