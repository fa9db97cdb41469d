package io.paytoken;

/**
 * A bug in the native library (a panic caught at its boundary). Please report it.
 */
public class InternalException extends PayTokenException {
    private static final long serialVersionUID = 1L;

    InternalException(String message, int httpStatus, String gatewayCode) {
        super(ErrorCode.INTERNAL, httpStatus, gatewayCode, message);
    }
}
