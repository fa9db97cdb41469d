package io.paytoken;

/**
 * The gateway refused the credentials, or a request still got HTTP 401 after one retry
 * with a fresh token. Check the keys and sandbox vs production. (PHP's
 * {@code AuthException}, Python's and Node's {@code AuthError}.)
 */
@SuppressWarnings("deprecation")
public final class AuthException extends AuthenticationException {
    private static final long serialVersionUID = 1L;

    AuthException(String message, int httpStatus, String gatewayCode) {
        super(message, httpStatus, gatewayCode);
    }
}
