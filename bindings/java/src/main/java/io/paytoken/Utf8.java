package io.paytoken;

import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** NUL-terminated UTF-8, the C ABI's only text encoding, independent of the platform charset. */
final class Utf8 {
    private Utf8() {
    }

    /**
     * {@code text} as NUL-terminated UTF-8, or null for null (the library then reports a
     * required argument as missing). {@code what} names the argument in the error: the text
     * itself may be a secret, so it never appears there.
     */
    static byte[] encode(String text, String what) throws InvalidArgumentException {
        if (text == null) {
            return null;
        }
        int n = text.length();
        byte[] ascii = new byte[n + 1];
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == 0) {
                throw nul(what);
            }
            if (c >= 0x80) {
                byte[] utf8 = strict(text, what);
                byte[] terminated = Arrays.copyOf(utf8, utf8.length + 1);
                for (byte b : utf8) {
                    if (b == 0) {
                        throw nul(what);
                    }
                }
                return terminated;
            }
            ascii[i] = (byte) c;
        }
        return ascii;
    }

    /** {@code text} as UTF-8 bytes (no terminator; NUL allowed), refusing unpaired surrogates. */
    static byte[] strict(String text, String what) throws InvalidArgumentException {
        // A strict encoder: String.getBytes would silently turn an unpaired surrogate into '?'.
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer encoded;
        try {
            encoded = encoder.encode(CharBuffer.wrap(text));
        } catch (CharacterCodingException e) {
            throw new InvalidArgumentException(what + " is not valid Unicode (an unpaired surrogate)", 0, null);
        }
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }

    private static InvalidArgumentException nul(String what) {
        return new InvalidArgumentException(what + " contains a NUL character, which C strings cannot carry", 0, null);
    }

    /** Reads a NUL-terminated UTF-8 string of at most {@code max} bytes at {@code offset}. */
    static String read(byte[] bytes, int offset, int max) {
        int length = 0;
        while (length < max && bytes[offset + length] != 0) {
            length++;
        }
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }

    /** Reads a NUL-terminated UTF-8 string the library returned; null for NULL. */
    static String read(Pointer pointer) {
        return pointer == null ? null : pointer.getString(0, "UTF-8");
    }
}
