package io.paytoken;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unknown outcomes made safe (issue 13), end to end against the simulator in its faithful
 * mode: payments exist only once created through its admin API.
 */
class RecoveryTest {
    private static final byte[] CANCEL = "{\"reason\":\"customer asked\",\"amount\":1000}".getBytes(StandardCharsets.UTF_8);
    private Simulator sim;

    @BeforeEach
    void start() {
        sim = Simulator.start();
        sim.configure("{\"implicitPayments\":false}");
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void aV2CancelThatTimedOutIsRetriedWithTheSameKeyAndProcessedOnce() throws Exception {
        sim.createPayment("{\"gateway\":\"portone-v2\",\"id\":\"java-pay-1\",\"amount\":5000}");
        sim.fault("{\"gateway\":\"portone-v2\",\"endpoint\":\"api\",\"kind\":\"process-then-hang\"}");
        try (PayTokenClient client = sim.portoneV2()) {
            PayTokenTimeoutException lost = assertThrows(PayTokenTimeoutException.class, () -> client.request(
                    "POST", "/payments/java-pay-1/cancel", CANCEL, null, Duration.ofMillis(500)));
            String key = lost.getIdempotencyKey();
            assertEquals(32, key.length());
            assertEquals(1, sim.processed("portone-v2"), "the gateway acted on it");

            PayTokenResponse again = client.request("POST", "/payments/java-pay-1/cancel", CANCEL, null,
                    PayTokenRequestOptions.create().idempotencyKey(key));
            assertEquals(200, again.getStatus());
            assertEquals(key, again.getIdempotencyKey());
            assertTrue(again.text().contains("\"totalAmount\":1000"), again.text());
            assertEquals(1, sim.processed("portone-v2"), "processed once");
            assertEquals(1L, ((Number) sim.stats().get("idempotentReplays")).longValue());
        }
    }

    @Test
    void theAsyncPathNamesTheKeyToo() throws Exception {
        sim.createPayment("{\"gateway\":\"portone-v2\",\"id\":\"java-pay-4\",\"amount\":5000}");
        sim.fault("{\"gateway\":\"portone-v2\",\"endpoint\":\"api\",\"kind\":\"process-then-hang\"}");
        try (PayTokenClient client = sim.portoneV2()) {
            CompletionException failed = assertThrows(CompletionException.class, () -> client.requestAsync("POST",
                    "/payments/java-pay-4/cancel", CANCEL, null,
                    PayTokenRequestOptions.create().timeout(Duration.ofMillis(500))).join());
            PayTokenTimeoutException lost = assertInstanceOf(PayTokenTimeoutException.class, failed.getCause());
            PayTokenResponse again = client.requestAsync("POST", "/payments/java-pay-4/cancel", CANCEL, null,
                    PayTokenRequestOptions.create().idempotencyKey(lost.getIdempotencyKey())).join();
            assertEquals(200, again.getStatus());
            assertEquals(lost.getIdempotencyKey(), again.getIdempotencyKey());
            assertEquals(1, sim.processed("portone-v2"));
        }
    }

    @Test
    void keysOnV2MutatingRequestsOnlyAndACallersOwnKey() throws Exception {
        sim.createPayment("{\"gateway\":\"portone-v2\",\"id\":\"java-pay-2\",\"amount\":5000}");
        try (PayTokenClient v2 = sim.portoneV2(); PayTokenClient nicepay = sim.nicepay()) {
            PayTokenResponse first = v2.post("/payments/java-pay-2/cancel", "{\"reason\":\"r\",\"amount\":10}");
            assertEquals("\"" + first.getIdempotencyKey() + "\"", sim.lastRequestHeader("idempotency-key"));
            assertNull(v2.get("/payments/java-pay-2").getIdempotencyKey());
            assertNull(nicepay.post("/v1/payments/no-such-tid/cancel", "{\"reason\":\"r\"}").getIdempotencyKey());
            assertNull(sim.lastRequestHeader("idempotency-key"));

            String own = "java-order-1-cancel-01";
            byte[] body = "{\"reason\":\"r\"}".getBytes(StandardCharsets.UTF_8);
            PayTokenResponse byOption = v2.request("POST", "/payments/java-pay-2/cancel", body, null,
                    PayTokenRequestOptions.create().idempotencyKey(own));
            Map<String, String> header = Collections.singletonMap("Idempotency-Key", "\"" + own + "\"");
            PayTokenResponse byHeader = v2.request("POST", "/payments/java-pay-2/cancel", body, header);
            assertEquals(own, byHeader.getIdempotencyKey());
            assertArrayEquals(byOption.getBody(), byHeader.getBody(), "the same key replays the first answer");
            assertThrows(InvalidArgumentException.class, () -> v2.request("POST", "/payments/java-pay-2/cancel",
                    body, header, PayTokenRequestOptions.create().idempotencyKey(own)));
            assertThrows(InvalidArgumentException.class, () -> v2.request("POST", "/payments/java-pay-2/cancel",
                    body, null, PayTokenRequestOptions.create().idempotencyKey("short")));
        }
    }

    @Test
    void aV2CancelWithAnUnquotedIdempotencyKeyHeaderSucceeds() throws Exception {
        sim.createPayment("{\"gateway\":\"portone-v2\",\"id\":\"java-pay-hdr\",\"amount\":5000}");
        try (PayTokenClient v2 = sim.portoneV2()) {
            byte[] body = "{\"reason\":\"r\",\"amount\":100}".getBytes(StandardCharsets.UTF_8);
            Map<String, String> header = Collections.singletonMap("Idempotency-Key", "cancel-order-0042");
            PayTokenResponse cancel = v2.request("POST", "/payments/java-pay-hdr/cancel", body, header);
            assertEquals(200, cancel.getStatus());
            assertEquals("cancel-order-0042", cancel.getIdempotencyKey());
            assertEquals("\"cancel-order-0042\"", sim.lastRequestHeader("idempotency-key"));
        }
    }

    @Test
    void retryUnknownOutcomeResendsALostAnswerByItself() throws Exception {
        sim.createPayment("{\"gateway\":\"portone-v2\",\"id\":\"java-pay-3\",\"amount\":5000}");
        sim.fault("{\"gateway\":\"portone-v2\",\"endpoint\":\"api\",\"kind\":\"process-then-close\"}");
        try (PayTokenClient client = PayTokenClient.portoneV2(Simulator.API_SECRET,
                sim.options().retryUnknownOutcome(true))) {
            PayTokenResponse answer = client.post("/payments/java-pay-3/cancel", "{\"reason\":\"r\",\"amount\":700}");
            assertTrue(answer.text().contains("\"totalAmount\":700"), answer.text());
            assertEquals(1, sim.processed("portone-v2"));
            assertEquals(1L, ((Number) client.stats().asMap().get("unknownOutcomeRetries")).longValue());
            sim.fault("{\"gateway\":\"portone-v2\",\"endpoint\":\"api\",\"kind\":\"process-then-close\"}");
            NetworkException lost = assertThrows(NetworkException.class, () -> client.request("POST",
                    "/payments/java-pay-3/cancel", CANCEL, null,
                    PayTokenRequestOptions.create().retryUnknownOutcome(false)));
            assertNotNull(lost.getIdempotencyKey());
        }
    }

    @Test
    void aNicepayApprovalThatTimedOutIsNetworkCancelled() throws Exception {
        sim.createPayment("{\"gateway\":\"nicepay\",\"id\":\"java-tid-9\",\"orderId\":\"java-order-9\","
                + "\"amount\":7000,\"status\":\"ready\"}");
        try (PayTokenClient client = sim.nicepay()) {
            client.token();
            sim.fault("{\"gateway\":\"nicepay\",\"endpoint\":\"api\",\"kind\":\"process-then-hang\"}");
            PayTokenTimeoutException lost = assertThrows(PayTokenTimeoutException.class, () -> client.request(
                    "POST", "/v1/payments/java-tid-9", "{\"amount\":7000}".getBytes(StandardCharsets.UTF_8), null,
                    Duration.ofMillis(500)));
            assertNull(lost.getIdempotencyKey());
            assertEquals(1, sim.processed("nicepay"), "yet NICEPAY approved it");

            NetCancelResult result = client.nicepayNetcancel("java-order-9");
            assertEquals(NetCancelResult.Outcome.CANCELLED, result.getOutcome());
            assertEquals("0000", result.getResultCode());
            assertEquals(200, result.getHttpStatus());
            assertTrue(client.get("/v1/payments/java-tid-9").text().contains("\"status\":\"cancelled\""));
            NetCancelResult again = client.nicepayNetcancel("java-order-9");
            assertEquals(NetCancelResult.Outcome.NOT_NEEDED, again.getOutcome());
            assertEquals("2015", again.getResultCode());

            sim.fault("{\"gateway\":\"nicepay\",\"endpoint\":\"api\",\"kind\":\"hang\"}");
            NetCancelResult hung = client.nicepayNetcancel("java-order-9", Duration.ofMillis(300));
            assertTrue(hung.mustRetry());
            assertEquals(0, hung.getHttpStatus());
            assertTrue(!hung.getResultMsg().isEmpty());
        }
    }

    /** The same cancel through the asynchronous C call (paytoken_nicepay_netcancel_async). */
    @Test
    void aNetworkCancelRunsAsynchronously() throws Exception {
        sim.createPayment("{\"gateway\":\"nicepay\",\"id\":\"java-tid-10\",\"orderId\":\"java-order-10\","
                + "\"amount\":7000,\"status\":\"ready\"}");
        try (PayTokenClient client = sim.nicepay()) {
            client.token();
            sim.fault("{\"gateway\":\"nicepay\",\"endpoint\":\"api\",\"kind\":\"process-then-hang\"}");
            assertThrows(PayTokenTimeoutException.class, () -> client.request(
                    "POST", "/v1/payments/java-tid-10", "{\"amount\":7000}".getBytes(StandardCharsets.UTF_8), null,
                    Duration.ofMillis(500)));
            assertEquals(1, sim.processed("nicepay"), "yet NICEPAY approved it");

            NetCancelResult result = client.nicepayNetcancelAsync("java-order-10")
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(NetCancelResult.Outcome.CANCELLED, result.getOutcome());
            assertEquals("0000", result.getResultCode());
            assertEquals(200, result.getHttpStatus());
            assertTrue(client.get("/v1/payments/java-tid-10").text().contains("\"status\":\"cancelled\""));
            NetCancelResult again = client.nicepayNetcancelAsync("java-order-10").get(30,
                    java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(NetCancelResult.Outcome.NOT_NEEDED, again.getOutcome());

            sim.fault("{\"gateway\":\"nicepay\",\"endpoint\":\"api\",\"kind\":\"hang\"}");
            NetCancelResult hung = client.nicepayNetcancelAsync("java-order-10", Duration.ofMillis(300))
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(hung.mustRetry());
            assertEquals(0, hung.getHttpStatus());

            java.util.concurrent.ExecutionException bad = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> client.nicepayNetcancelAsync("").get(30, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(bad.getCause() instanceof InvalidArgumentException, String.valueOf(bad.getCause()));
        }
        try (PayTokenClient v2 = sim.portoneV2()) {
            java.util.concurrent.ExecutionException notNicepay = assertThrows(
                    java.util.concurrent.ExecutionException.class,
                    () -> v2.nicepayNetcancelAsync("java-order-10").get(30, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(notNicepay.getCause() instanceof InvalidArgumentException);
        }
    }

    @Test
    void nicepaySignKeepsTheSecretInside() throws Exception {
        String edi = "2026-11-29T13:00:00.000+09:00";
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        StringBuilder hex = new StringBuilder();
        for (byte b : sha256.digest(("java-order-9" + edi + Simulator.NICEPAY_SECRET_KEY).getBytes(StandardCharsets.UTF_8))) {
            hex.append(String.format("%02x", b));
        }
        try (PayTokenClient nicepay = sim.nicepay(); PayTokenClient v2 = sim.portoneV2()) {
            assertEquals(hex.toString(), nicepay.nicepaySign("java-order-9", edi));
            assertThrows(InvalidArgumentException.class, () -> nicepay.nicepaySign("a", null));
            assertThrows(InvalidArgumentException.class, () -> v2.nicepaySign("x"));
            assertThrows(InvalidArgumentException.class, () -> nicepay.nicepayNetcancel(""));
        }
    }
}
