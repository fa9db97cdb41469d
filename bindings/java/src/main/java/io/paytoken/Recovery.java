package io.paytoken;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Unknown outcomes made safe (issue 13): the {@code Idempotency-Key} the library decides a
 * request carries, known before it is sent so an exception can name it, and the NICEPAY
 * calls. The library decides and draws keys, resends safely, signs and sends the network
 * cancel; this class only marshals.
 */
final class Recovery {
    private Recovery() {
    }

    /** The key a request carries, and the per-call options that make it carry exactly that key. */
    static final class Pinned {
        final String key;
        final byte[] options;

        Pinned(String key, byte[] options) {
            this.key = key;
            this.options = options;
        }
    }

    /**
     * The library decides the key ({@code paytoken_idempotency_key_pin}): the caller's
     * {@code Idempotency-Key} header (sent as an RFC 8941 string), the
     * {@code idempotencyKey} option, or a fresh key it pins into the options.
     */
    static Pinned pin(Pointer client, byte[] method, byte[] headersJson, byte[] options) throws PayTokenException {
        NativeLib.Call call = new NativeLib.Call();
        long[] optionsOut = new long[1];
        int status = NativeLib.paytoken_idempotency_key_pin(client, method, headersJson, options, call.out,
                optionsOut, call.error);
        Pointer key = call.result();
        Pointer pinned = optionsOut[0] == 0 ? null : new Pointer(optionsOut[0]);
        try {
            if (status != 0) {
                throw call.exception(status);
            }
            return new Pinned(key == null ? null : Utf8.read(key),
                    pinned == null ? null : Utf8.encode(Utf8.read(pinned), "options"));
        } finally {
            NativeLib.paytoken_string_free(key);
            NativeLib.paytoken_string_free(pinned);
        }
    }

    static String nicepaySign(Pointer client, String... parts) throws PayTokenException {
        if (parts == null) {
            throw new InvalidArgumentException("parts must not be null", 0, "");
        }
        Memory[] strings = new Memory[parts.length]; // referenced until the call returns
        Memory array = new Memory(Math.max(1, parts.length) * (long) Native.POINTER_SIZE);
        for (int i = 0; i < parts.length; i++) {
            byte[] bytes = Utf8.encode(parts[i], "parts[" + i + "]");
            if (bytes == null) {
                throw new InvalidArgumentException("parts[" + i + "] must not be null", 0, "");
            }
            strings[i] = new Memory(bytes.length);
            strings[i].write(0, bytes, 0, bytes.length);
            array.setPointer((long) i * Native.POINTER_SIZE, strings[i]);
        }
        NativeLib.Call call = new NativeLib.Call();
        int status = NativeLib.paytoken_nicepay_sign(client, array, parts.length, call.out, call.error);
        return takeString(status, call);
    }

    static NetCancelResult netcancel(Pointer client, String orderId, byte[] options) throws PayTokenException {
        byte[] order = Utf8.encode(orderId, "orderId");
        NativeLib.Call call = new NativeLib.Call();
        int status = NativeLib.paytoken_nicepay_netcancel(client, order, options, call.out, call.error);
        return netcancelResult(takeString(status, call));
    }

    /** The library's outcome JSON of a network cancel (the synchronous or the asynchronous call). */
    static NetCancelResult netcancelResult(String json) throws PayTokenException {
        try {
            return NetCancelResult.fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new InternalException("libpaytoken returned a netcancel result that is not JSON: "
                    + e.getMessage(), 0, null);
        }
    }

    static String takeString(int status, NativeLib.Call call) throws PayTokenException {
        Pointer string = call.result();
        try {
            if (status != 0) {
                throw call.exception(status);
            }
            return Utf8.read(string);
        } finally {
            NativeLib.paytoken_string_free(string);
        }
    }
}
