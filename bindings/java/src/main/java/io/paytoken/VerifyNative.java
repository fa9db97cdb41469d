package io.paytoken;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The two verification functions of the C ABI (1.4), registered apart from
 * {@link NativeLib} and only on first use: a library older than 1.4 then fails here, by
 * name, instead of refusing to load for every other call.
 */
final class VerifyNative {
    static {
        try {
            // Callers check NativeLib.ensureLoaded() first, so this cannot fail here.
            Native.register(VerifyNative.class, NativeLib.library());
        } catch (NativeLibraryException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private VerifyNative() {
    }

    static native int paytoken_verify_payment(Pointer client, byte[] requestJson, long[] verdictOut, byte[] err);

    static native int paytoken_verify_webhook(Pointer client, byte[] requestJson, byte[] body, long bodyLen,
            long[] resultOut, byte[] err);
}
