package io.paytoken;

/**
 * The TLS handshake or certificate verification failed.
 */
public class TlsException extends PayTokenException {
    private static final long serialVersionUID = 1L;

    TlsException(String message, int httpStatus, String gatewayCode) {
        super(ErrorCode.TLS, httpStatus, gatewayCode, message);
    }
}
