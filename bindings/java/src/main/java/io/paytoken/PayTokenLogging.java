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
 * a failed call) are {@code FINE} (debug), warnings (records dropped because the queue was
 * full; the library's warning records) are {@code WARNING}; so the default configuration
 * (INFO) prints nothing. Records are collected while the logger is loggable at FINE,
 * checked at every call: configure logging before or after making clients. Tokens and
 * secrets appear only as {@code fp:} fingerprints.
 */
public final class PayTokenLogging {
    /** The logger records go to. */
    public static final Logger LOGGER = Logger.getLogger("io.paytoken");

    // Held for the life of the class: the library keeps the function pointer.
    private static final NativeLib.LogCallback CALLBACK = (userData, level, message, length) -> {
        try {
            String text = new String(message.getByteArray(0, (int) length), java.nio.charset.StandardCharsets.UTF_8);
            LOGGER.log(level >= 3 ? Level.WARNING : Level.FINE, text);
            warnIfDropped();
        } catch (RuntimeException ignored) { // never unwind into the library's thread
        }
    };
    private static volatile int current = -1;
    private static long droppedSeen;

    private PayTokenLogging() {
    }

    private static synchronized void warnIfDropped() {
        long dropped = NativeLib.paytoken_log_dropped();
        if (dropped > droppedSeen) {
            LOGGER.log(Level.WARNING, (dropped - droppedSeen) + " log records were dropped (the library's queue was full)");
            droppedSeen = dropped;
        }
    }

    /**
     * Collects records while {@link #LOGGER} is loggable at FINE (2: everything), else none.
     * Called at every call of a client, so a logging configuration made at any time applies.
     *
     * @return 0 (none) or 2 (debug)
     */
    public static int syncLevel() throws PayTokenException {
        int level = LOGGER.isLoggable(Level.FINE) ? 2 : 0;
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
