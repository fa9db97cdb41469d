package io.paytoken;

/**
 * A failed paytoken call. Subclasses name the kind of failure ({@link AuthException},
 * {@link PayTokenTimeoutException}, ...), so callers can catch exactly what they handle.
 *
 * <p>The message is the library's English explanation, including the gateway's own message
 * (decoded to UTF-8). It never contains a secret, a credential or a token.
 */
public class PayTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final int httpStatus;
    private final String gatewayCode;
    private volatile String idempotencyKey;

    protected PayTokenException(ErrorCode code, int httpStatus, String gatewayCode, String message) {
        super(message);
        this.code = code;
        this.httpStatus = httpStatus;
        this.gatewayCode = gatewayCode == null ? "" : gatewayCode;
    }

    /** What kind of failure this is. */
    public ErrorCode getCode() {
        return code;
    }

    /** The HTTP status of the gateway answer behind the error, or 0 if there was none. */
    public int getHttpStatus() {
        return httpStatus;
    }

    /**
     * The gateway's own code ({@code "U104"}, {@code "-1"}, {@code "UNAUTHORIZED"}), or
     * {@code ""} when there is none (as in every other paytoken language).
     */
    public String getGatewayCode() {
        return gatewayCode;
    }

    /**
     * The {@code Idempotency-Key} the failed request carried (PortOne V2 POST/PUT/PATCH/DELETE),
     * or null. After a timeout, send the request again with
     * {@code PayTokenRequestOptions.create().idempotencyKey(e.getIdempotencyKey())} (within
     * 3 hours): the gateway answers the first outcome instead of acting twice.
     */
    public String getIdempotencyKey() {
        return idempotencyKey;
    }

    /** Records the key of the request that failed; returns this. */
    PayTokenException withIdempotencyKey(String key) {
        this.idempotencyKey = key;
        return this;
    }

    /** Builds the subclass that matches a native status code. */
    static PayTokenException of(int status, int httpStatus, String gatewayCode, String message) {
        ErrorCode code = ErrorCode.fromValue(status);
        switch (code) {
            case INVALID_ARGUMENT:
                return new InvalidArgumentException(message, httpStatus, gatewayCode);
            case AUTH:
                return new AuthException(message, httpStatus, gatewayCode);
            case GATEWAY:
                return new GatewayException(message, httpStatus, gatewayCode);
            case NETWORK:
                return new NetworkException(message, httpStatus, gatewayCode);
            case TIMEOUT:
                return new PayTokenTimeoutException(message, httpStatus, gatewayCode);
            case TLS:
                return new TlsException(message, httpStatus, gatewayCode);
            case INTERNAL:
                return new InternalException(message, httpStatus, gatewayCode);
            default:
                return new PayTokenException(code, httpStatus, gatewayCode,
                        "status " + status + ": " + message);
        }
    }
}
