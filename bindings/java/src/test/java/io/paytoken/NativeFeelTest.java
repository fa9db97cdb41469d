package io.paytoken;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 15 for Java: shortcuts, String body + headers, "" gateway codes, the library's text
 * decoder, per-call timeout, the config key table, the ABI rule and logging. */
class NativeFeelTest {

    @Test
    void shortcutsSendTheirVerbWithAStringBodyAndHeaders() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV1()) {
            Map<String, String> headers = Collections.singletonMap("Idempotency-Key", "order-7");
            PayTokenResponse cancel = client.post("/payments/cancel", "{\"imp_uid\":\"imp_1\"}", headers);
            assertEquals(200, cancel.getStatus(), cancel.text());
            assertEquals("order-7", sim.lastRequestHeader("idempotency-key"));
            assertEquals("POST", sim.lastRequest().get("method"));
            assertEquals("/payments/cancel", cancel.getUrl());
            for (String verb : new String[] {"PUT", "PATCH"}) {
                PayTokenResponse r = verb.equals("PUT") ? client.put("/payments/imp_1", "{}")
                        : client.patch("/payments/imp_1", "{}", headers);
                assertTrue(r.getStatus() > 0);
                assertEquals(verb, sim.lastRequest().get("method"));
            }
            client.delete("/payments/imp_1");
            assertEquals("DELETE", sim.lastRequest().get("method"));
            assertEquals(200, client.get("/payments/imp_1").getStatus());
            assertEquals("GET", sim.lastRequest().get("method"));
        }
    }

    @Test
    void gatewayCodeIsEmptyNotNullWhenThereIsNone() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> new PayTokenClient("{\"gateway\":\"toss\"}"));
        assertEquals("", e.getGatewayCode());
    }

    @Test
    void eucKrAnswerIsReadByTheLibraryDecoder() throws Exception {
        try (Simulator sim = Simulator.start();
             PayTokenClient client = PayTokenClient.nicepay(Simulator.NICEPAY_CLIENT_KEY, Simulator.NICEPAY_SECRET_KEY,
                     sim.options().returnCharSet("euc-kr"))) {
            // The simulator answers the payment's own orderId: create the payment with it.
            sim.createPayment("{\"gateway\":\"nicepay\",\"id\":\"tid_k\",\"orderId\":\"주문-똠\",\"amount\":5000}");
            PayTokenResponse r = client.post("/v1/payments/tid_k/cancel",
                    "{\"reason\":\"고객 요청\",\"orderId\":\"주문-똠\",\"returnCharSet\":\"euc-kr\"}");
            assertTrue(r.getHeader("content-type").toLowerCase().contains("euc-kr"));
            assertFalse(new String(r.getBody(), StandardCharsets.UTF_8).contains("주문-똠"));
            @SuppressWarnings("unchecked")
            Map<String, Object> json = (Map<String, Object>) r.json();
            assertEquals("주문-똠", json.get("orderId"));
            assertEquals(r.text(), r.bodyAsString());
        }
    }

    @Test
    void jsonOfANonJsonBodyIsAGatewayExceptionWithAnExcerpt() {
        PayTokenResponse r = new PayTokenResponse(502, Collections.<String, String>emptyMap(),
                new byte[0], "<html>bad gateway</html>", "GET", "/x");
        GatewayException e = assertThrows(GatewayException.class, r::json);
        assertEquals(502, e.getHttpStatus());
        assertTrue(e.getMessage().contains("HTTP 502") && e.getMessage().contains("<html>bad gateway</html>"),
                e.getMessage());
    }

    @Test
    void perCallTimeoutReplacesTheClientDefault() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV1()) {
            client.token();
            sim.fault("{\"endpoint\":\"api\",\"kind\":\"delay\",\"delayMs\":3000,\"count\":1}");
            long started = System.nanoTime();
            assertThrows(PayTokenTimeoutException.class,
                    () -> client.request("GET", "/payments/imp_slow", (byte[]) null, null, Duration.ofMillis(300)));
            assertTrue(System.nanoTime() - started < 2_500_000_000L);
            assertThrows(InvalidArgumentException.class,
                    () -> client.request("GET", "/payments/imp_1", (byte[]) null, null, Duration.ZERO));
        }
    }

    /** Every config key of the library has a PayTokenOptions setter, and every setter a key. */
    @Test
    void optionSettersMatchTheLibraryKeyTable() throws Exception {
        Map<String, Object> schema = Json.parseObject(PayTokenClient.configSchema());
        TreeSet<String> keys = new TreeSet<>();
        for (Object key : (List<?>) schema.get("keys")) {
            keys.add((String) ((Map<?, ?>) key).get("name"));
        }
        // Given as factory arguments, not options:
        keys.removeAll(java.util.Arrays.asList("gateway", "clientKey", "secretKey", "impKey", "impSecret",
                "apiSecret"));
        TreeSet<String> setters = new TreeSet<>();
        for (Method m : PayTokenOptions.class.getDeclaredMethods()) {
            if (m.getReturnType() == PayTokenOptions.class && m.getParameterCount() == 1
                    && java.lang.reflect.Modifier.isPublic(m.getModifiers())
                    && !m.isAnnotationPresent(Deprecated.class)) {
                // A duration key (timeoutMs) is a Duration setter named without the unit.
                boolean duration = m.getParameterTypes()[0] == java.time.Duration.class;
                setters.add(duration ? m.getName() + "Ms" : m.getName());
            }
        }
        assertEquals(keys, setters);
    }

    /** The README's options table names exactly the library's keys. */
    @Test
    void readmeOptionsTableMatchesTheLibraryKeyTable() throws Exception {
        String readme = new String(java.nio.file.Files.readAllBytes(java.nio.file.Paths.get("README.md")),
                StandardCharsets.UTF_8);
        String section = readme.split("\n## Options\n", 2)[1].split("\n## ", 2)[0];
        TreeSet<String> documented = new TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\| `(\\w+)`").matcher(section);
        while (m.find()) {
            documented.add(m.group(1));
        }
        TreeSet<String> keys = new TreeSet<>();
        for (Object key : (List<?>) Json.parseObject(PayTokenClient.configSchema()).get("keys")) {
            keys.add((String) ((Map<?, ?>) key).get("name"));
        }
        assertEquals(keys, documented);
    }

    /** With nothing set, the copy bundled with the classes wins over any on the system paths. */
    @Test
    void theBundledLibraryIsPreferred() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("PAYTOKEN_LIB") == null
                && System.getProperty("paytoken.lib") == null && !Boolean.getBoolean(NativeLib.PREFER_SYSTEM));
        PayTokenClient.nativeVersion();
        assertEquals("the copy bundled in the jar", NativeLib.loadedFrom());
    }

    @Test
    void abiRuleNamesFoundAndNeeded() {
        assertNull(NativeLib.abiProblem(0x00010005, NativeLib.ERROR_SIZE));
        assertNull(NativeLib.abiProblem(0x00010006, NativeLib.ERROR_SIZE));
        assertTrue(NativeLib.abiProblem(0x00010004, NativeLib.ERROR_SIZE).contains("has ABI 1.4"));
        String major = NativeLib.abiProblem(0x00020000, NativeLib.ERROR_SIZE);
        assertTrue(major.contains("has ABI 2.0") && major.contains("needs ABI 1.x"), major);
        assertTrue(NativeLib.abiProblem(0x00010000, NativeLib.ERROR_SIZE).contains("has ABI 1.0"));
        assertTrue(NativeLib.abiProblem(0x00010005, 8).contains("8 bytes"));
    }

    @Test
    void libraryRecordsGoToJavaUtilLogging() throws Exception {
        List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = PayTokenLogging.LOGGER.getLevel();
        PayTokenLogging.LOGGER.addHandler(handler);
        PayTokenLogging.LOGGER.setLevel(Level.FINE);
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV1()) {
            String token = client.token();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (System.nanoTime() < deadline && records.stream().noneMatch(r -> r.getMessage().contains("fetch"))) {
                Thread.sleep(20);
            }
            assertTrue(records.stream().anyMatch(r -> r.getMessage().contains("fetch")), records.toString());
            assertTrue(records.stream().noneMatch(r -> r.getMessage().contains(token)));
        } finally {
            PayTokenLogging.LOGGER.removeHandler(handler);
            PayTokenLogging.LOGGER.setLevel(before);
            PayTokenLogging.syncLevel();
        }
    }
}
