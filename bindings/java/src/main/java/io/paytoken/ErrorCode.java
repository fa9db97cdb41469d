package io.paytoken;

/**
 * The library's stable status codes (the C ABI's {@code PAYTOKEN_E_*}), one per
 * {@link PayTokenException} subclass.
 */
public enum ErrorCode {
    /** A bad argument: malformed or unknown config, bad method/path/headers, non-UTF-8 text. */
    INVALID_ARGUMENT(1),
    /** The gateway refused the credentials, or a request still got 401 after one retry. */
    AUTH(2),
    /** The gateway answered, but not usefully (5xx from the token endpoint, undecodable body, ...). */
    GATEWAY(3),
    /** DNS failure, connection refused, connection closed before a full response. */
    NETWORK(4),
    /** A connect or read deadline passed; for a business request the outcome is unknown. */
    TIMEOUT(5),
    /** TLS handshake or certificate verification failed. */
    TLS(6),
    /** A bug in the library (a panic caught at its boundary). */
    INTERNAL(7),
    /** A status this version of the Java library does not know (a newer native library). */
    UNKNOWN(-1);

    private final int value;

    ErrorCode(int value) {
        this.value = value;
    }

    /** The numeric status as the C ABI defines it ({@code -1} for {@link #UNKNOWN}). */
    public int value() {
        return value;
    }

    static ErrorCode fromValue(int value) {
        for (ErrorCode code : values()) {
            if (code.value == value) {
                return code;
            }
        }
        return UNKNOWN;
    }
}
