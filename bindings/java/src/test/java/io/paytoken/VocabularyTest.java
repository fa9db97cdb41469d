package io.paytoken;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 21 for Java: a Duration for a client's timeout as for a call's, refused in Java's
 * names; every stats key a typed getter; AuthException as in PHP; quiet logging.
 */
class VocabularyTest {

    @Test
    void clientTimeoutsAreDurationsLikeTheCalls() throws Exception {
        try (Simulator sim = Simulator.start();
             PayTokenClient client = PayTokenClient.portoneV1(Simulator.IMP_KEY, Simulator.IMP_SECRET,
                     sim.options().timeout(Duration.ofSeconds(30)).connectTimeout(Duration.ofMillis(2500)))) {
            assertEquals(200, client.request("GET", "/payments/imp_1", null, null,
                    PayTokenRequestOptions.create().timeout(Duration.ofSeconds(5))).getStatus());
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> client.request("GET", "/payments/imp_1", null, null,
                            PayTokenRequestOptions.create().timeout(Duration.ofMinutes(90))));
            assertTrue(e.getMessage().contains("timeout must be from PT0.001S to PT10M, got PT1H30M"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PayTokenOptions().timeout(Duration.ZERO));
        assertTrue(e.getMessage().startsWith("timeout must be from"), e.getMessage());
    }

    @Test
    void statsHasATypedGetterForEveryLibraryKey() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.tokenClient("portone-v1")) {
            client.token();
            PayTokenStats stats = client.stats();
            List<String> getters = new ArrayList<>();
            for (Method m : PayTokenStats.class.getMethods()) {
                getters.add(m.getName());
            }
            for (String key : stats.asMap().keySet()) {
                String getter = "get" + Character.toUpperCase(key.charAt(0)) + key.substring(1).replaceAll("Ms$", "");
                assertTrue(getters.contains(getter), "stats key " + key + " has no " + getter + "()");
            }
            assertEquals("portone-v1", stats.getGateway());
            assertEquals(1, stats.getTokenFetches());
            assertNotNull(stats.getTokenValidFor());
        }
    }

    @Test
    void refusedCredentialsAreAnAuthException() throws Exception {
        try (Simulator sim = Simulator.start();
             PayTokenClient client = PayTokenClient.portoneV1(Simulator.IMP_KEY, "wrong", sim.options())) {
            PayTokenException e = assertThrows(PayTokenException.class, client::token);
            assertInstanceOf(AuthException.class, e);
            assertInstanceOf(AuthenticationException.class, e); // the 0.1 name still catches it
        }
    }

    @Test
    void routineRecordsAreFineSoTheDefaultPrintsNothing() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public synchronized void publish(LogRecord record) {
                records.add(record);
                notifyAll();
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        PayTokenLogging.LOGGER.addHandler(handler);
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.tokenClient("portone-v1")) {
            assertEquals(3, PayTokenLogging.syncLevel()); // JUL's default INFO: the warnings only
            PayTokenLogging.LOGGER.setLevel(Level.FINE); // after the client was made
            client.token();
            synchronized (handler) {
                while (records.stream().noneMatch(r -> r.getMessage().contains("fetched token")
                        && r.getMessage().contains(sim.url))) {
                    handler.wait(); // JUnit's timeout ends a hang
                }
            }
            // Only this test's records: a record of an earlier test (its refused fetch, say)
            // can still be on its way from the log thread. Each test's simulator has its own
            // port, and cache records name the origin.
            List<LogRecord> ours;
            synchronized (handler) {
                ours = new ArrayList<>();
                for (LogRecord r : records) {
                    if (r.getMessage().contains(sim.url)) {
                        ours.add(r);
                    }
                }
            }
            assertFalse(ours.isEmpty(), "no record names " + sim.url + ": " + records.size() + " records");
            for (LogRecord r : ours) {
                assertEquals(Level.FINE, r.getLevel(), r.getMessage());
            }
        } finally {
            PayTokenLogging.LOGGER.setLevel(null);
            PayTokenLogging.LOGGER.removeHandler(handler);
            PayTokenLogging.syncLevel();
        }
    }

    /**
     * The README's getters and option setters are real public methods (Java reflection): a
     * renamed or dropped one fails here.
     */
    @Test
    void readmeNamesRealMethods() throws Exception {
        String readme = new String(java.nio.file.Files.readAllBytes(java.nio.file.Paths.get("README.md")),
                java.nio.charset.StandardCharsets.UTF_8);
        Class<?>[] classes = {PayTokenClient.class, PayTokenResponse.class, PayTokenStats.class,
            PayTokenException.class, NetCancelResult.class, PayTokenOptions.class, PayTokenRequestOptions.class};
        java.util.Set<String> methods = new java.util.HashSet<>();
        for (Class<?> c : classes) {
            for (Method m : c.getMethods()) {
                methods.add(c.getSimpleName() + "." + m.getName());
                methods.add(m.getName());
            }
        }
        int checked = 0;
        java.util.regex.Matcher getters = java.util.regex.Pattern.compile("`(get[A-Z]\\w*)\\(\\)").matcher(readme);
        while (getters.find()) {
            assertTrue(methods.contains(getters.group(1)), "the README shows " + getters.group(1) + "()");
            checked++;
        }
        java.util.regex.Matcher setters = java.util.regex.Pattern.compile(
                "(PayTokenOptions|PayTokenRequestOptions)\\.(\\w+)\\(").matcher(readme);
        while (setters.find()) {
            String name = setters.group(1) + "." + setters.group(2);
            assertTrue(methods.contains(name), "the README shows " + name + "(...)");
            checked++;
        }
        assertTrue(checked > 30, "checked " + checked);
    }
}
