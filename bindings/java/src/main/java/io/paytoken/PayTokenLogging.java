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
 * <p>Levels are the same in every binding: routine records (a token fetched, a cache hit,
 * a failed call) are {@code FINE} (debug), the library's warnings (a failed token request,
 * the token-storm guard holding requests back, records dropped because the queue was full)
 * are {@code WARNING}; so the default configuration (INFO) shows the warnings only. What is
 * collected follows the logger, checked at every call: everything while it is loggable at
 * FINE, the warnings while it is loggable at WARNING; configure logging before or after
 * making clients. Tokens and secrets appear only as {@code fp:} fingerprints.
 */
public final class PayTokenLogging {
    /** The logger records go to. */
    public static final Logger LOGGER = Logger.getLogger("io.paytoken");

    // Held for the life of the class: the library keeps the function pointer.
    private static final NativeLib.LogCallback CALLBACK = (userData, level, message, length) -> {
        try {
            String text = new String(message.getByteArray(0, (int) length), java.nio.charset.StandardCharsets.UTF_8);
            // logp: named as the library, not as this class's lambda (JUL would infer that).
            LOGGER.logp(level >= 3 ? Level.WARNING : Level.FINE, "libpaytoken", "log", text);
        } catch (RuntimeException ignored) { // never unwind into the library's thread
        }
    };
    private static volatile int current = -1;

    private PayTokenLogging() {
    }

    /**
     * Collects every record while {@link #LOGGER} is loggable at FINE (2), the warnings while
     * it is loggable at WARNING (3), else none (0). Called at every call of a client, so a
     * logging configuration made at any time applies.
     *
     * @return 0 (none), 2 (debug) or 3 (warnings only)
     */
    public static int syncLevel() throws PayTokenException {
        int level = LOGGER.isLoggable(Level.FINE) ? 2 : LOGGER.isLoggable(Level.WARNING) ? 3 : 0;
        return level == current ? level : configure(level);
    }

    private static synchronized int configure(int level) throws PayTokenException {
        NativeLib.ensureLoaded();
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
