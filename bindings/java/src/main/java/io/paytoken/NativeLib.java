package io.paytoken;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.io.File;
import java.io.IOException;
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
 * (a file), environment variable {@code PAYTOKEN_LIB} (a file), the copy bundled in this jar
 * (on musl/Alpine the one at {@code io/paytoken/native/linux-<arch>-musl/}, extracted and
 * loaded by absolute path since JNA has no musl resource prefix; on glibc
 * {@code linux-x86-64/} or {@code linux-aarch64/}), so an older libpaytoken on the system
 * paths cannot shadow the one this jar was built with, then JNA's search for "paytoken"
 * ({@code jna.library.path}, the system paths). {@code -Dpaytoken.preferSystemLibrary=true}
 * puts JNA's search before the bundled copy.
 *
 * <p>Right after loading, the library's ABI version and {@code sizeof(paytoken_error)} are
 * checked; a library this jar cannot use is refused with both versions in the message.
 */
final class NativeLib {
    /** sizeof(paytoken_error): int32 code, int32 http_status, char[32], char[512]. */
    static final int ERROR_SIZE = 4 + 4 + 32 + 512;
    static final int ERROR_GATEWAY_CODE_OFFSET = 8;
    static final int ERROR_GATEWAY_CODE_SIZE = 32;
    static final int ERROR_MESSAGE_OFFSET = 40;
    static final int ERROR_MESSAGE_SIZE = 512;
    /** The C ABI this jar was written against: same major, at least this minor. */
    static final int ABI_MAJOR = 1;
    static final int ABI_MINOR = 5;
    static final String PREFER_SYSTEM = "paytoken.preferSystemLibrary";

    private static final Throwable LOAD_FAILURE;
    private static volatile String loadedFrom = "";
    private static NativeLibrary LIBRARY;

    static {
        Throwable failure = null;
        try {
            if (Native.SIZE_T_SIZE != 8) {
                throw new UnsatisfiedLinkError("paytoken-java supports 64-bit JVMs only");
            }
            NativeLibrary library = open();
            checkAbi(library);
            Native.register(NativeLib.class, library);
            LIBRARY = library;
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
            if (!Boolean.getBoolean(PREFER_SYSTEM)) {
                File musl = BundledMusl.extract();
                File bundled = musl != null ? musl : bundledCopy();
                if (bundled != null) {
                    loadedFrom = "the copy bundled in the jar";
                    return NativeLibrary.getInstance(bundled.getAbsolutePath());
                }
            }
            loadedFrom = "JNA's search for \"paytoken\"";
            return NativeLibrary.getInstance("paytoken");
        }
        File file = new File(explicit);
        if (!file.isFile()) {
            throw new UnsatisfiedLinkError(source + " names " + explicit + ", which is not a file");
        }
        loadedFrom = file.getAbsolutePath() + " (" + source + ")";
        return NativeLibrary.getInstance(file.getAbsolutePath());
    }

    /** The loaded library, for the classes that bind more of it (AsyncCalls). */
    static NativeLibrary library() throws NativeLibraryException {
        ensureLoaded();
        return LIBRARY;
    }

    /** The library inside this jar, extracted by JNA (a file it reuses), or null if absent. */
    private static File bundledCopy() {
        try {
            return Native.extractFromResourcePath("paytoken", NativeLib.class.getClassLoader());
        } catch (IOException | UnsatisfiedLinkError notBundled) {
            return null;
        }
    }

    /** Refuses a library this jar cannot use, naming what it found and what it needs. */
    static void checkAbi(NativeLibrary library) {
        int abi;
        long errorSize;
        try {
            abi = library.getFunction("paytoken_abi_version").invokeInt(new Object[0]);
            errorSize = library.getFunction("paytoken_error_size").invokeLong(new Object[0]);
        } catch (UnsatisfiedLinkError tooOld) {
            throw new UnsatisfiedLinkError(library.getFile() + " is too old (ABI 1.0, no paytoken_abi_version); "
                    + "this jar needs ABI " + ABI_MAJOR + "." + ABI_MINOR);
        }
        String problem = abiProblem(abi, errorSize);
        if (problem != null) {
            throw new UnsatisfiedLinkError(library.getFile() + " " + problem);
        }
    }

    /** Why a library with this ABI version and error size cannot be used, or null if it can. */
    static String abiProblem(int abi, long errorSize) {
        int major = abi >>> 16;
        int minor = abi & 0xffff;
        if (major != ABI_MAJOR || minor < ABI_MINOR) {
            return "has ABI " + major + "." + minor + "; this jar needs ABI " + ABI_MAJOR + ".x with x >= "
                    + ABI_MINOR + " (" + ABI_MAJOR + "." + ABI_MINOR + ")";
        }
        if (errorSize != ERROR_SIZE) {
            return "has a paytoken_error of " + errorSize + " bytes; this jar needs " + ERROR_SIZE;
        }
        return null;
    }

    /** Where the library was loaded from, for messages. */
    static String loadedFrom() {
        return loadedFrom;
    }

    /**
     * Throws {@link NativeLibraryException} (with the fix in its message) if libpaytoken could
     * not be loaded or is not one this jar can use; every entry point calls it.
     */
    static void ensureLoaded() throws NativeLibraryException {
        if (LOAD_FAILURE != null) {
            throw new NativeLibraryException("could not load libpaytoken: " + LOAD_FAILURE.getMessage()
                    + ". Fix: the jar bundles it for " + BundledMusl.PLATFORMS + "; elsewhere (or to use another build) start "
                    + "the JVM with -Dpaytoken.lib=/path/to/libpaytoken.so or set PAYTOKEN_LIB to that path",
                    LOAD_FAILURE);
        }
    }

    /** Receives log records on the library's log thread (paytoken_log_configure). */
    interface LogCallback extends Callback {
        void invoke(Pointer userData, int level, Pointer message, long length);
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
            if (status == ErrorCode.TIMEOUT.value() && paytoken_error_phase(error) == 1) {
                // paytoken_error_phase: the call failed while getting its token (nothing sent).
                return new TokenTimeoutException(
                        Utf8.read(error, ERROR_MESSAGE_OFFSET, ERROR_MESSAGE_SIZE),
                        ByteBuffer.wrap(error).order(ByteOrder.nativeOrder()).getInt(4),
                        Utf8.read(error, ERROR_GATEWAY_CODE_OFFSET, ERROR_GATEWAY_CODE_SIZE));
            }
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

    /** The warm {@code token()}: called with a NULL error struct (a failure takes paytoken_get_token). */
    static native int paytoken_get_token_cached(Pointer client, long[] tokenOut, Pointer err);

    static native int paytoken_invalidate(Pointer client, byte[] token, byte[] err);

    static native void paytoken_string_free(Pointer s);

    static native int paytoken_request(Pointer client, byte[] method, byte[] path, byte[] headersJson,
                                       byte[] body, long bodyLen, long[] responseOut, byte[] err);

    static native int paytoken_response_status(Pointer response);

    static native Pointer paytoken_response_body(Pointer response, long[] lenOut);

    static native Pointer paytoken_response_headers_json(Pointer response);

    static native void paytoken_response_free(Pointer response);

    static native int paytoken_client_stats(Pointer client, long[] jsonOut, byte[] err);

    static native int paytoken_request_ex(Pointer client, byte[] method, byte[] path, byte[] headersJson,
                                          byte[] body, long bodyLen, byte[] optionsJson, long[] responseOut,
                                          byte[] err);

    static native Pointer paytoken_response_text(Pointer response, long[] lenOut);

    static native Pointer paytoken_config_schema();

    static native int paytoken_log_configure(int level, LogCallback callback, Pointer userData, byte[] err);

    static native long paytoken_log_dropped();

    static native int paytoken_error_phase(byte[] err);

    static native Pointer paytoken_response_idempotency_key(Pointer response);

    static native int paytoken_idempotency_key_new(Pointer client, byte[] method, long[] keyOut, byte[] err);

    static native int paytoken_idempotency_key_pin(Pointer client, byte[] method, byte[] headersJson,
                                                   byte[] optionsJson, long[] keyOut, long[] optionsOut, byte[] err);

    /** {@code parts}: a native array of {@code n_parts} pointers to NUL-terminated UTF-8. */
    static native int paytoken_nicepay_sign(Pointer client, Pointer parts, long nParts, long[] hexOut, byte[] err);

    static native int paytoken_nicepay_netcancel(Pointer client, byte[] orderId, byte[] optionsJson,
                                                 long[] resultOut, byte[] err);
}
