package io.paytoken;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library's warnings reach {@code java.util.logging} at WARNING whatever the order of
 * setup, and a token request that times out is a {@link TokenTimeoutException} (nothing
 * reached the payment API), told apart from a payment call's timeout. Waits are on the
 * records themselves (JUnit's timeout ends a hang).
 */
class WarningsTest {
    /** Keeps records; wakes waiters on each. */
    private static final class Collect extends Handler {
        final List<LogRecord> records = new ArrayList<>();

        @Override
        public synchronized void publish(LogRecord record) {
            records.add(record);
            notifyAll();
        }

        synchronized void awaitWarning(String needle) throws InterruptedException {
            while (records.stream().noneMatch(r -> r.getLevel() == Level.WARNING && r.getMessage().contains(needle))) {
                wait();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private static void failedTokenRequestIsAWarning(boolean loggingFirst) throws Exception {
        Collect handler = new Collect();
        PayTokenLogging.LOGGER.addHandler(handler);
        try (Simulator sim = Simulator.start()) {
            if (!loggingFirst) {
                PayTokenLogging.LOGGER.setLevel(Level.SEVERE); // warnings off while the client is made
            }
            try (PayTokenClient client = sim.portoneV1()) {
                PayTokenLogging.LOGGER.setLevel(null); // JUL's default (INFO) from here on
                sim.fault("{\"endpoint\":\"token\",\"kind\":\"status\",\"status\":503}");
                assertThrows(GatewayException.class, () -> client.get("/payments/imp_1"));
                handler.awaitWarning("token fetch for portone-v1 " + sim.url + " "); // this test's, not a late one of another
            }
            synchronized (handler) {
                for (LogRecord r : handler.records) {
                    assertEquals(Level.WARNING, r.getLevel(), "routine records stay out: " + r.getMessage());
                }
            }
        } finally {
            PayTokenLogging.LOGGER.setLevel(null);
            PayTokenLogging.LOGGER.removeHandler(handler);
            PayTokenLogging.syncLevel();
        }
    }

    @Test
    void failedTokenRequestIsAWarningWithTheDefaultConfiguration() throws Exception {
        failedTokenRequestIsAWarning(true);
    }

    @Test
    void failedTokenRequestIsAWarningWhenLoggingIsConfiguredAfterTheClient() throws Exception {
        failedTokenRequestIsAWarning(false);
    }

    @Test
    void tokenRequestTimeoutIsATokenTimeoutException() throws Exception {
        try (Simulator sim = Simulator.start();
             PayTokenClient client = PayTokenClient.portoneV1(Simulator.IMP_KEY, Simulator.IMP_SECRET,
                     sim.options().timeout(Duration.ofMillis(400)))) {
            sim.fault("{\"endpoint\":\"token\",\"kind\":\"hang\",\"count\":2}");
            TokenTimeoutException e = assertThrows(TokenTimeoutException.class,
                    () -> client.post("/payments/cancel", "{\"imp_uid\":\"imp_1\"}"));
            assertInstanceOf(PayTokenTimeoutException.class, e);
            assertEquals(ErrorCode.TIMEOUT, e.getCode());
            assertFalse(e.getMessage().contains("unknown"), e.getMessage());
            ExecutionException async = assertThrows(ExecutionException.class,
                    () -> client.requestAsync("GET", "/payments/imp_1").get());
            assertInstanceOf(TokenTimeoutException.class, async.getCause());
            assertEquals(0, sim.apiRequests("portone-v1"), "nothing reached the payment API");
        }
    }

    @Test
    void paymentCallTimeoutIsNotATokenTimeout() throws Exception {
        try (Simulator sim = Simulator.start();
             PayTokenClient client = PayTokenClient.portoneV1(Simulator.IMP_KEY, Simulator.IMP_SECRET,
                     sim.options().timeout(Duration.ofMillis(400)))) {
            client.token();
            sim.fault("{\"endpoint\":\"api\",\"kind\":\"hang\"}");
            PayTokenTimeoutException e = assertThrows(PayTokenTimeoutException.class,
                    () -> client.post("/payments/cancel", "{\"imp_uid\":\"imp_1\"}"));
            assertFalse(e instanceof TokenTimeoutException);
            assertTrue(e.getMessage().contains("unknown"), e.getMessage());
        }
    }
}
