package io.paytoken;

/**
 * A bad argument: malformed or unknown config key, bad credentials format (e.g. a
 * trailing newline), bad method, path or headers, text that is not valid Unicode.
 */
public class InvalidArgumentException extends PayTokenException {
    private static final long serialVersionUID = 1L;

    InvalidArgumentException(String message, int httpStatus, String gatewayCode) {
        super(ErrorCode.INVALID_ARGUMENT, httpStatus, gatewayCode, message);
    }
}
