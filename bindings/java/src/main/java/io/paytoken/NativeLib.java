package io.paytoken;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The C ABI of libpaytoken (see docs/c-api.md), bound with JNA direct mapping: the fastest JNA
 * mode, and no reflection per call.
 *
 * <p>Strings go in as NUL-terminated UTF-8 {@code byte[]} built by {@link Utf8}, never as
 * {@code String}: JNA would encode those with the platform charset, which on many Korean
 * servers is MS949, not UTF-8.
 *
 * <p>Where the library is loaded from, first match wins: system property {@code paytoken.lib}
 * (a file), environment variable {@code PAYTOKEN_LIB} (a file), then JNA's search for
 * "paytoken" ({@code jna.library.path}, the system paths, and the copy bundled in this jar
 * at {@code linux-x86-64/libpaytoken.so}).
 */
final class NativeLib {
    /** sizeof(paytoken_error): int32 code, int32 http_status, char[32], char[512]. */
    static final int ERROR_SIZE = 4 + 4 + 32 + 512;
    static final int ERROR_GATEWAY_CODE_OFFSET = 8;
    static final int ERROR_GATEWAY_CODE_SIZE = 32;
    static final int ERROR_MESSAGE_OFFSET = 40;
    static final int ERROR_MESSAGE_SIZE = 512;

    private static final Throwable LOAD_FAILURE;

    static {
        Throwable failure = null;
        try {
            if (Native.SIZE_T_SIZE != 8) {
                throw new UnsatisfiedLinkError("paytoken-java supports 64-bit JVMs only");
            }
            Native.register(NativeLib.class, open());
        } catch (Throwable t) { // LinkageError or a JNA error: reported on first use, not here
            failure = t;
        }
        LOAD_FAILURE = failure;
    }

    private NativeLib() {
    }

    private static NativeLibrary open() {
        String source = "system property paytoken.lib";
        String explicit = System.getProperty("paytoken.lib");
        if (explicit == null || explicit.isEmpty()) {
            source = "environment variable PAYTOKEN_LIB";
            explicit = System.getenv("PAYTOKEN_LIB");
        }
        if (explicit == null || explicit.isEmpty()) {
            return NativeLibrary.getInstance("paytoken");
        }
        File file = new File(explicit);
        if (!file.isFile()) {
            throw new UnsatisfiedLinkError(source + " names " + explicit + ", which is not a file");
        }
        return NativeLibrary.getInstance(file.getAbsolutePath());
    }

    /** Throws a clear error if libpaytoken could not be loaded; every entry point calls it. */
    static void ensureLoaded() {
        if (LOAD_FAILURE != null) {
            UnsatisfiedLinkError error = new UnsatisfiedLinkError(
                    "could not load libpaytoken (" + LOAD_FAILURE.getMessage() + "); the jar bundles it "
                            + "for linux-x86-64, elsewhere set -Dpaytoken.lib or PAYTOKEN_LIB to its path");
            error.initCause(LOAD_FAILURE);
            throw error;
        }
    }

    /**
     * The out-parameters and the error struct of one call, as Java arrays: JNA passes them as
     * pointers and copies them back. No native allocation per call, and no ThreadLocal that
     * would pin a web application's class loader in the container's threads after undeploy.
     */
    static final class Call {
        /** A {@code T**} out-parameter: the address the library wrote. */
        final long[] out = new long[1];
        /** A {@code size_t*} out-parameter. */
        final long[] length = new long[1];
        /** A {@code paytoken_error}. */
        final byte[] error = new byte[ERROR_SIZE];

        /** What the library wrote to {@link #out}. */
        Pointer result() {
            return out[0] == 0 ? null : new Pointer(out[0]);
        }

        /** The exception the error struct describes, for a call that returned {@code status}. */
        PayTokenException exception(int status) {
            return PayTokenException.of(status,
                    ByteBuffer.wrap(error).order(ByteOrder.nativeOrder()).getInt(4),
                    Utf8.read(error, ERROR_GATEWAY_CODE_OFFSET, ERROR_GATEWAY_CODE_SIZE),
                    Utf8.read(error, ERROR_MESSAGE_OFFSET, ERROR_MESSAGE_SIZE));
        }
    }

    // ---- the C ABI (docs/c-api.md): const char* in = byte[]; T** and size_t* = long[1];
    //      paytoken_error* = byte[ERROR_SIZE]; const char* out = Pointer --------------------

    static native Pointer paytoken_version();

    static native Pointer paytoken_strerror(int code);

    static native int paytoken_client_new(byte[] configJson, long[] clientOut, byte[] err);

    static native void paytoken_client_free(Pointer client);

    static native int paytoken_get_token(Pointer client, long[] tokenOut, byte[] err);

    static native int paytoken_invalidate(Pointer client, byte[] token, byte[] err);

    static native void paytoken_string_free(Pointer s);

    static native int paytoken_request(Pointer client, byte[] method, byte[] path, byte[] headersJson,
                                       byte[] body, long bodyLen, long[] responseOut, byte[] err);

    static native int paytoken_response_status(Pointer response);

    static native Pointer paytoken_response_body(Pointer response, long[] lenOut);

    static native Pointer paytoken_response_headers_json(Pointer response);

    static native void paytoken_response_free(Pointer response);

    static native int paytoken_client_stats(Pointer client, long[] jsonOut, byte[] err);
}
