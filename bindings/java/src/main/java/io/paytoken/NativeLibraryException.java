package io.paytoken;

/**
 * libpaytoken could not be loaded, or is a version this jar cannot use. The message says
 * what was found and how to fix it ({@code -Dpaytoken.lib}, {@code PAYTOKEN_LIB}). Thrown
 * by the first call instead of a bare {@link UnsatisfiedLinkError}; its code is
 * {@link ErrorCode#INTERNAL} (nothing reached the gateway).
 */
public class NativeLibraryException extends PayTokenException {
    private static final long serialVersionUID = 1L;

    NativeLibraryException(String message, Throwable cause) {
        super(ErrorCode.INTERNAL, 0, "", message);
        initCause(cause);
    }
}
