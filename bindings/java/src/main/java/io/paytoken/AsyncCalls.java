package io.paytoken;

import com.sun.jna.Callback;
import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The asynchronous C calls behind {@link PayTokenClient#tokenAsync()},
 * {@link PayTokenClient#requestAsync} and {@link PayTokenClient#nicepayNetcancelAsync}: the library runs each call on its own I/O threads
 * ({@code paytoken-io}) and reports the outcome through one JNA callback, which completes
 * the call's {@link CompletableFuture}. No Java thread waits for the gateway.
 *
 * <p>The callback object is a static field, so it stays strongly reachable for as long as
 * the library may call it; each call is found by the id passed as {@code user_data}.
 * Library threads stay attached to the JVM between callbacks (as daemon threads), so a
 * callback costs no attach/detach.
 */
final class AsyncCalls {
    /** {@code paytoken_callback}. */
    interface Completion extends Callback {
        void invoke(Pointer userData, int status, Pointer result, Pointer error);
    }

    /** One call in flight: its future and how to read its result. */
    private static final class Pending {
        final CompletableFuture<Object> future = new CompletableFuture<>();
        final boolean token;
        /** A network cancel: the result is its outcome JSON. */
        boolean netcancel;
        /** For a request: what the response reports as its method and path. */
        final String method;
        final String path;
        final String idempotencyKey;

        Pending(boolean token, String method, String path, String idempotencyKey) {
            this.token = token;
            this.method = method;
            this.path = path;
            this.idempotencyKey = idempotencyKey;
        }
    }

    private static final ConcurrentHashMap<Long, Pending> PENDING = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();
    private static final Completion CALLBACK = AsyncCalls::complete;

    static {
        try {
            // Every entry point has checked NativeLib.ensureLoaded() before this class is used.
            Native.register(AsyncCalls.class, NativeLib.library());
        } catch (NativeLibraryException notLoaded) {
            throw new ExceptionInInitializerError(notLoaded);
        }
        Native.setCallbackThreadInitializer(CALLBACK, new CallbackThreadInitializer(true, false, "paytoken-io"));
    }

    private AsyncCalls() {
    }

    // ---- the asynchronous C ABI ---------------------------------------------------------

    private static native int paytoken_request_async(Pointer client, byte[] method, byte[] path, byte[] headersJson,
                                                     byte[] body, long bodyLen, byte[] optionsJson,
                                                     Completion cb, Pointer userData, byte[] err);

    private static native int paytoken_get_token_async(Pointer client, Completion cb, Pointer userData, byte[] err);

    private static native int paytoken_get_token_cached(Pointer client, long[] tokenOut, byte[] err);

    private static native int paytoken_nicepay_netcancel_async(Pointer client, byte[] orderId, byte[] optionsJson,
                                                               Completion cb, Pointer userData, byte[] err);

    // ---- used by PayTokenClient ---------------------------------------------------------

    /** The fresh cached token, or null when getting one needs I/O. No I/O, no waiting. */
    static String cachedToken(Pointer client) throws PayTokenException {
        NativeLib.Call call = new NativeLib.Call();
        int status = paytoken_get_token_cached(client, call.out, call.error);
        if (status != 0) {
            throw call.exception(status);
        }
        Pointer token = call.result();
        if (token == null) {
            return null;
        }
        try {
            return Utf8.read(token);
        } finally {
            NativeLib.paytoken_string_free(token);
        }
    }

    @SuppressWarnings("unchecked")
    static CompletableFuture<String> token(Pointer client) {
        long id = IDS.incrementAndGet();
        Pending pending = track(id, new Pending(true, null, null, null));
        NativeLib.Call call = new NativeLib.Call();
        refusedIf(id, paytoken_get_token_async(client, CALLBACK, new Pointer(id), call.error), call);
        return (CompletableFuture<String>) (CompletableFuture<?>) pending.future;
    }

    @SuppressWarnings("unchecked")
    static CompletableFuture<PayTokenResponse> request(Pointer client, String methodText, String pathText,
                                                       byte[] method, byte[] path, byte[] headersJson, byte[] body,
                                                       byte[] optionsJson, String idempotencyKey) {
        long id = IDS.incrementAndGet();
        Pending pending = track(id, new Pending(false, methodText, pathText, idempotencyKey));
        NativeLib.Call call = new NativeLib.Call();
        int status = paytoken_request_async(client, method, path, headersJson, body, body == null ? 0 : body.length,
                optionsJson, CALLBACK, new Pointer(id), call.error);
        refusedIf(id, status, call);
        return (CompletableFuture<PayTokenResponse>) (CompletableFuture<?>) pending.future;
    }

    @SuppressWarnings("unchecked")
    static CompletableFuture<NetCancelResult> netcancel(Pointer client, byte[] orderId, byte[] optionsJson) {
        long id = IDS.incrementAndGet();
        Pending pending = new Pending(false, null, null, null);
        pending.netcancel = true;
        track(id, pending);
        NativeLib.Call call = new NativeLib.Call();
        refusedIf(id, paytoken_nicepay_netcancel_async(client, orderId, optionsJson, CALLBACK, new Pointer(id),
                call.error), call);
        return (CompletableFuture<NetCancelResult>) (CompletableFuture<?>) pending.future;
    }

    /** A future already failed with {@code error} (Java 8 has no failedFuture). */
    static <T> CompletableFuture<T> failed(Throwable error) {
        CompletableFuture<T> future = new CompletableFuture<>();
        future.completeExceptionally(error);
        return future;
    }

    /** Calls started and not yet called back, in this JVM. */
    static int inFlight() {
        return PENDING.size();
    }

    private static Pending track(long id, Pending pending) {
        PENDING.put(id, pending);
        return pending;
    }

    /** A call refused before it was accepted (only a NULL callback can be): no callback comes. */
    private static void refusedIf(long id, int status, NativeLib.Call call) {
        if (status != 0) {
            Pending pending = PENDING.remove(id);
            if (pending != null) {
                pending.future.completeExceptionally(call.exception(status).withIdempotencyKey(pending.idempotencyKey));
            }
        }
    }

    /** On a library I/O thread: copy the result, free it, complete the future. Never throws. */
    private static void complete(Pointer userData, int status, Pointer result, Pointer error) {
        Pending pending = PENDING.remove(Pointer.nativeValue(userData));
        if (pending == null) {
            return; // not one of ours (cannot happen): not knowing its type, free nothing
        }
        try {
            if (status != 0) {
                NativeLib.Call call = new NativeLib.Call();
                error.read(0, call.error, 0, call.error.length);
                pending.future.completeExceptionally(call.exception(status).withIdempotencyKey(pending.idempotencyKey));
            } else if (pending.netcancel) {
                try {
                    pending.future.complete(Recovery.netcancelResult(Utf8.read(result)));
                } finally {
                    NativeLib.paytoken_string_free(result);
                }
            } else if (pending.token) {
                try {
                    pending.future.complete(Utf8.read(result));
                } finally {
                    NativeLib.paytoken_string_free(result);
                }
            } else {
                try {
                    pending.future.complete(PayTokenClient.readResponse(result, new NativeLib.Call(),
                            pending.method, pending.path));
                } finally {
                    NativeLib.paytoken_response_free(result);
                }
            }
        } catch (Throwable t) { // an exception must not unwind into the library's thread
            pending.future.completeExceptionally(t);
        }
    }
}
