package io.paytoken;

/**
 * The 0.1 name of {@link AuthException}, which is what is thrown: a {@code catch} of
 * either catches it.
 *
 * @deprecated catch {@link AuthException}, the name every binding uses.
 */
@Deprecated
public class AuthenticationException extends PayTokenException {
    private static final long serialVersionUID = 1L;

    AuthenticationException(String message, int httpStatus, String gatewayCode) {
        super(ErrorCode.AUTH, httpStatus, gatewayCode, message);
    }
}
