package io.paytoken;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built jar as a user gets it: copied with JNA alone into a directory outside the
 * repository, the example compiled against those two jars only, then run in a fresh JVM with
 * no PAYTOKEN_LIB and no library path, so the libpaytoken.so bundled in the jar must be used.
 */
class PackagedJarIT {
    private static final String BUNDLED = "linux-x86-64/libpaytoken.so";

    @TempDir
    static Path outside;
    static Path jar;
    static Path jna;
    static Path classes;

    @BeforeAll
    static void copyJarsAndCompileTheExample() throws IOException {
        jar = Files.copy(Paths.get(System.getProperty("paytoken.jar")), outside.resolve("paytoken-java.jar"));
        File[] jnaJars = new File(System.getProperty("paytoken.libdir")).listFiles((dir, name) -> name.startsWith("jna-"));
        assertNotNull(jnaJars);
        assertEquals(1, jnaJars.length, "target/lib holds exactly the JNA jar");
        jna = Files.copy(jnaJars[0].toPath(), outside.resolve(jnaJars[0].getName()));

        classes = Files.createDirectories(outside.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "--release", "8", "-encoding", "UTF-8",
                "-classpath", jar + File.pathSeparator + jna, "-d", classes.toString(),
                System.getProperty("paytoken.demo.source"));
        assertEquals(0, status, "the example compiles against the jar and JNA alone");
    }

    @Test
    void jarBundlesTheNativeLibraryForJna() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            JarEntry entry = file.getJarEntry(BUNDLED);
            assertNotNull(entry, "the jar carries " + BUNDLED);
            byte[] magic = new byte[4];
            try (InputStream in = file.getInputStream(entry)) {
                assertEquals(4, in.read(magic));
            }
            assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, magic);
        }
    }

    @Test
    void exampleRunsFromOutsideTheRepositoryWithTheBundledLibrary() throws Exception {
        try (Simulator sim = Simulator.start()) {
            Run run = runDemo(sim, null);

            assertEquals(0, run.exitCode, run.toString());
            assertTrue(run.stdout.contains("from cache, no new token request"), run.toString());
            assertTrue(run.stdout.contains("-> 200 0000 정상 처리되었습니다."), run.toString());
            assertTrue(run.stdout.contains("\"tokenFetches\":1") || run.stdout.contains("\"tokenFetches\": 1"), run.toString());
            assertFalse(run.stdout.matches("(?s).*[0-9a-f]{64}.*"), "no whole token in the output");
            // JNA's load log: the library came out of our jar, not from the repository.
            assertTrue(run.stderr.contains("Found library resource at jar:file:" + jar + "!/" + BUNDLED), run.stderr);
            assertEquals(1, sim.tokenRequests("nicepay"));
            assertEquals(1, sim.apiRequests("nicepay"));
        }
    }

    @Test
    void paytokenLibOverridesTheBundledLibrary() throws Exception {
        Path custom = Files.createDirectories(outside.resolve("custom")).resolve("libpaytoken.so");
        try (JarFile file = new JarFile(jar.toFile()); InputStream in = file.getInputStream(file.getJarEntry(BUNDLED))) {
            Files.copy(in, custom, StandardCopyOption.REPLACE_EXISTING);
        }
        try (Simulator sim = Simulator.start()) {
            Run run = runDemo(sim, custom.toString());
            assertEquals(0, run.exitCode, run.toString());
            assertTrue(run.stderr.contains(custom.toString()), run.stderr);

            Run missing = runDemo(sim, "/nonexistent/libpaytoken.so");
            assertNotEquals(0, missing.exitCode);
            assertTrue(missing.stderr.contains("PAYTOKEN_LIB names /nonexistent/libpaytoken.so, which is not a file"),
                    missing.stderr);

            // The system property wins over the environment.
            Run property = runDemo(sim, "/nonexistent/libpaytoken.so", "-Dpaytoken.lib=" + custom);
            assertEquals(0, property.exitCode, property.toString());
            Run badProperty = runDemo(sim, custom.toString(), "-Dpaytoken.lib=/nowhere.so");
            assertTrue(badProperty.stderr.contains("system property paytoken.lib names /nowhere.so"), badProperty.stderr);
        }
    }

    private static Run runDemo(Simulator sim, String paytokenLib, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Djna.debug_load=true");
        command.addAll(Arrays.asList(jvmOptions));
        command.addAll(Arrays.asList("-cp", String.join(File.pathSeparator, classes.toString(), jar.toString(),
                jna.toString()), "io.paytoken.examples.Demo"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(outside.toFile());
        Map<String, String> env = builder.environment();
        env.remove("PAYTOKEN_LIB");
        env.remove("LD_LIBRARY_PATH");
        env.remove("JAVA_TOOL_OPTIONS");
        env.put("PAYTOKEN_SIM_URL", sim.url);
        if (paytokenLib != null) {
            env.put("PAYTOKEN_LIB", paytokenLib);
        }
        Path stdout = outside.resolve("stdout.txt");
        Path stderr = outside.resolve("stderr.txt");
        Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the example finished");
        return new Run(process.exitValue(), new String(Files.readAllBytes(stdout), StandardCharsets.UTF_8),
                new String(Files.readAllBytes(stderr), StandardCharsets.UTF_8));
    }

    private static final class Run {
        final int exitCode;
        final String stdout;
        final String stderr;

        Run(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
