package io.paytoken;

import com.sun.jna.Native;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * The musl (Alpine) builds of libpaytoken that the jar carries. JNA's resource prefixes
 * ({@code linux-x86-64/}, {@code linux-aarch64/}) name no libc, so they hold the glibc builds
 * and these live under {@code io/paytoken/native/linux-<arch>-musl/}: on a musl JVM
 * {@link #extract()} unpacks this architecture's copy for loading by absolute path.
 * (JNA's own dispatch library is a glibc build: on Alpine it needs the gcompat package.)
 */
final class BundledMusl {
    /** Every platform the released jar carries a library for, for error messages. */
    static final String PLATFORMS =
            "linux-x86_64-gnu, linux-aarch64-gnu, linux-x86_64-musl, linux-aarch64-musl";

    private BundledMusl() {
    }

    /** This JVM's musl library extracted to a temporary file, or null when not on musl. */
    static File extract() {
        if (!runsOnMusl()) {
            return null;
        }
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        arch = "amd64".equals(arch) ? "x86_64" : "arm64".equals(arch) ? "aarch64" : arch;
        String resource = "/io/paytoken/native/linux-" + arch + "-musl/libpaytoken.so";
        if (BundledMusl.class.getResource(resource) == null) {
            throw new UnsatisfiedLinkError("no libpaytoken for linux-" + arch + "-musl in this jar; it carries "
                    + PLATFORMS);
        }
        try {
            return Native.extractFromResourcePath(resource, BundledMusl.class.getClassLoader());
        } catch (IOException e) {
            UnsatisfiedLinkError error = new UnsatisfiedLinkError("cannot extract " + resource + ": " + e.getMessage());
            error.initCause(e);
            throw error;
        }
    }

    /**
     * Whether this process runs on musl: its dynamic loader is ld-musl. (A glibc machine may
     * have musl installed beside it, so the files in /lib do not tell.)
     */
    static boolean runsOnMusl() {
        try {
            byte[] maps = Files.readAllBytes(Paths.get("/proc/self/maps"));
            return new String(maps, StandardCharsets.ISO_8859_1).contains("/ld-musl-");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
