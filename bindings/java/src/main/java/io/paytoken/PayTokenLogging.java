package io.paytoken;

import com.sun.jna.Pointer;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The library's log records into {@code java.util.logging}, logger {@code "io.paytoken"}
 * (SLF4J users route it with the jul-to-slf4j bridge). The library queues records without
 * blocking the calling thread and hands them to a callback on its own thread
 * ("paytoken-log"); a slow handler delays only that thread.
 *
 * <p>Records are collected at the level the logger is enabled for (INFO: fetches, refresh
 * reasons, retries; FINE: also cache hits and failed calls), checked when a client is made
 * or by {@link #syncLevel()}. Tokens and secrets appear only as {@code fp:} fingerprints.
 */
public final class PayTokenLogging {
    /** The logger records go to. */
    public static final Logger LOGGER = Logger.getLogger("io.paytoken");

    // Held for the life of the class: the library keeps the function pointer.
    private static final NativeLib.LogCallback CALLBACK = (userData, level, message, length) -> {
        try {
            String text = new String(message.getByteArray(0, (int) length), java.nio.charset.StandardCharsets.UTF_8);
            LOGGER.log(level == 1 ? Level.INFO : Level.FINE, text);
        } catch (RuntimeException ignored) { // never unwind into the library's thread
        }
    };
    private static int current = -1;

    private PayTokenLogging() {
    }

    /**
     * Collects records at the level {@link #LOGGER} is enabled for (none below INFO).
     * Called when a client is made; call it after changing the logging configuration.
     *
     * @return 0 (none), 1 (info) or 2 (debug)
     */
    public static synchronized int syncLevel() throws PayTokenException {
        NativeLib.ensureLoaded();
        int level = LOGGER.isLoggable(Level.FINE) ? 2 : LOGGER.isLoggable(Level.INFO) ? 1 : 0;
        if (level != current) {
            NativeLib.Call call = new NativeLib.Call();
            int status = NativeLib.paytoken_log_configure(level, level == 0 ? null : CALLBACK, Pointer.NULL, call.error);
            if (status != 0) {
                throw call.exception(status);
            }
            current = level;
        }
        return level;
    }

    /** Records the library dropped because its queue was full (process lifetime). */
    public static long dropped() throws PayTokenException {
        NativeLib.ensureLoaded();
        return NativeLib.paytoken_log_dropped();
    }
}
