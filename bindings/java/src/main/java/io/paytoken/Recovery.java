package io.paytoken;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.util.Map;

/**
 * Unknown outcomes made safe (issue 13): which {@code Idempotency-Key} a request carries,
 * decided before it is sent so an exception can name it, and the NICEPAY calls. The
 * library draws keys, resends safely, signs and sends the network cancel.
 */
final class Recovery {
    private Recovery() {
    }

    /** The key and whether it goes in the per-call options (a header is sent as is). */
    static final class Key {
        final String value;
        final boolean asOption;

        Key(String value, boolean asOption) {
            this.value = value;
            this.asOption = asOption;
        }
    }

    /**
     * A caller's option wins the draw; an {@code Idempotency-Key} header is used as is; else
     * the library draws one if this client sends one for {@code method} (PortOne V2,
     * mutating, {@code idempotency} on). Option and header together are both passed: the
     * library refuses that, naming both.
     */
    static Key keyFor(Pointer client, byte[] method, Map<String, String> headers, PayTokenRequestOptions options)
            throws PayTokenException {
        if (options != null && options.idempotencyKey() != null) {
            return new Key(options.idempotencyKey(), true);
        }
        if (headers != null) {
            for (Map.Entry<String, String> header : headers.entrySet()) {
                if ("idempotency-key".equalsIgnoreCase(header.getKey()) && header.getValue() != null) {
                    return new Key(unquote(header.getValue().trim()), false);
                }
            }
        }
        NativeLib.Call call = new NativeLib.Call();
        int status = NativeLib.paytoken_idempotency_key_new(client, method, call.out, call.error);
        if (status != 0) {
            throw call.exception(status);
        }
        Pointer key = call.result();
        try {
            return new Key(key == null ? null : Utf8.read(key), true);
        } finally {
            NativeLib.paytoken_string_free(key);
        }
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
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
        try {
            return NetCancelResult.fromJson(takeString(status, call));
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
