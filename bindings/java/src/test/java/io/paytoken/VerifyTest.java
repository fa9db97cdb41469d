package io.paytoken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 25 in Java: every verdict reason of each gateway through the simulator's payment
 * states; the simulator's own webhooks accepted and every tampered variant refused (the
 * same cases as tests/verify_*.rs in the core).
 */
class VerifyTest {
    private static final String SECRET = "whsec_c2ltLXdlYmhvb2stc2VjcmV0LWtleS0zMmJ5dGVzISE=";
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

    private PayTokenClient client(String gateway) throws PayTokenException {
        return gateway.equals("nicepay") ? sim.nicepay() : gateway.equals("portone-v1") ? sim.portoneV1() : sim.portoneV2();
    }

    private void create(String gateway, String id, String extra) {
        sim.createPayment("{\"gateway\":\"" + gateway + "\",\"id\":\"" + id + "\",\"orderId\":\"order-" + id
                + "\",\"amount\":1000" + extra + "}");
    }

    private static void cancel(PayTokenClient c, String gateway, String id, String amount) throws PayTokenException {
        String path;
        String body;
        if (gateway.equals("nicepay")) {
            path = "/v1/payments/" + id + "/cancel";
            body = "{\"reason\":\"t\",\"orderId\":\"order-" + id + "\",\"cancelAmt\":" + amount + "}";
        } else if (gateway.equals("portone-v1")) {
            path = "/payments/cancel";
            body = "{\"imp_uid\":\"" + id + "\",\"reason\":\"t\",\"amount\":" + amount + "}";
        } else {
            path = "/payments/" + id + "/cancel";
            body = "{\"reason\":\"t\",\"amount\":" + amount + "}";
        }
        assertEquals(200, c.request("POST", path, body).getStatus());
    }

    private void admin(String path, String json) throws IOException {
        HttpURLConnection http = (HttpURLConnection) new URL(sim.url + path).openConnection();
        http.setRequestMethod("POST");
        http.setDoOutput(true);
        http.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = http.getOutputStream()) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(200, http.getResponseCode());
        http.getInputStream().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"portone-v2", "portone-v1", "nicepay"})
    void everyVerdictReason(String gateway) throws Exception {
        try (PayTokenClient c = client(gateway)) {
            create(gateway, "p1", ",\"currency\":\"KRW\"");
            String order = gateway.equals("portone-v2") ? "p1" : "order-p1";
            PaymentVerdict v = c.verifyPayment(PaymentCheck.of("p1", 1000).currency("KRW").orderId(order));
            assertTrue(v.verified(), v.toString());
            assertEquals("paid", v.status());
            assertEquals(Long.valueOf(1000), v.amount());

            create(gateway, "p2", ",\"amount\":900,\"currency\":\"USD\"");
            v = c.verifyPayment(PaymentCheck.of("p2", 1000).currency("KRW").orderId("other"));
            assertFalse(v.verified());
            assertEquals(Arrays.asList("amountDiffers", "currencyDiffers", "orderIdDiffers"), v.reasonCodes());
            assertEquals(1000L, v.reasons().get(0).expected());
            assertEquals(900L, v.reasons().get(0).actual());

            create(gateway, "r1", ",\"status\":\"ready\"");
            assertEquals(Collections.singletonList("notPaid"), c.verifyPayment(PaymentCheck.of("r1", 1000)).reasonCodes());
            create(gateway, "f1", ",\"status\":\"failed\"");
            assertEquals("failed", c.verifyPayment(PaymentCheck.of("f1", 1000)).status());
            create(gateway, "c1", "");
            cancel(c, gateway, "c1", "300");
            v = c.verifyPayment(PaymentCheck.of("c1", 1000));
            assertEquals(Collections.singletonList("partiallyCancelled"), v.reasonCodes());
            assertEquals(Long.valueOf(300), v.cancelledAmount());
            create(gateway, "c2", "");
            cancel(c, gateway, "c2", "null");
            assertEquals(Collections.singletonList("cancelled"), c.verifyPayment(PaymentCheck.of("c2", 1000)).reasonCodes());
            v = c.verifyPayment(PaymentCheck.of("nobody", 1000));
            assertEquals(Collections.singletonList("notFound"), v.reasonCodes());
            assertEquals("notFound", v.status());
        }
    }

    @Test
    void gatewayFailuresStayExceptions() throws Exception {
        sim.fault("{\"gateway\":\"portone-v2\",\"endpoint\":\"api\",\"kind\":\"status\",\"status\":503}");
        try (PayTokenClient c = sim.portoneV2()) {
            assertThrows(GatewayException.class, () -> c.verifyPayment(PaymentCheck.of("x", 1)));
        }
        try (PayTokenClient c = sim.nicepay()) {
            assertThrows(InvalidArgumentException.class, () -> c.verifyPayment(PaymentCheck.byOrderId("x", 1)));
        }
    }

    private WebhookInbox.Received v2Webhook(WebhookInbox inbox, String id) throws Exception {
        admin("/__sim/webhooks", "{\"gateway\":\"portone-v2\",\"url\":\"" + inbox.url() + "\",\"secret\":\"" + SECRET + "\"}");
        create("portone-v2", id, "");
        return inbox.next();
    }

    @Test
    void theSimulatorsV2WebhookIsAcceptedAndTamperedOnesRefused() throws Exception {
        try (WebhookInbox inbox = new WebhookInbox()) {
            WebhookInbox.Received r = v2Webhook(inbox, "w1");
            WebhookResult event = Verification.webhook(r.body, r.headers, SECRET);
            assertTrue(event.verified(), event.toString());
            assertEquals("Transaction.Paid", event.type());
            assertEquals("w1", event.paymentId());
            assertEquals(r.headers.get("webhook-id"), event.webhookId());

            String text = new String(r.body, StandardCharsets.UTF_8);
            byte[] bom = new byte[r.body.length + 3];
            bom[0] = (byte) 0xEF;
            bom[1] = (byte) 0xBB;
            bom[2] = (byte) 0xBF;
            System.arraycopy(r.body, 0, bom, 3, r.body.length);
            for (byte[] changed : Arrays.asList(text.replace("w1", "w9").getBytes(StandardCharsets.UTF_8), bom,
                    (text + "\r\n").getBytes(StandardCharsets.UTF_8), text.replace(",", ", ").getBytes(StandardCharsets.UTF_8))) {
                assertEquals("badSignature", Verification.webhook(changed, r.headers, SECRET).reason());
            }
            assertEquals("badSignature", Verification.webhook(r.body, r.headers, "whsec_d3Jvbmc=").reason());
            long ts = Long.parseLong(r.headers.get("webhook-timestamp"));
            assertEquals("tooOld", Verification.webhook(r.body, r.headers, SECRET, null, ts + 301).reason());
            assertEquals("tooNew", Verification.webhook(r.body, r.headers, SECRET, null, ts - 301).reason());
            Map<String, Object> spring = new LinkedHashMap<>();
            for (Map.Entry<String, String> h : r.headers.entrySet()) {
                spring.put(h.getKey().toUpperCase(java.util.Locale.ROOT), Collections.singletonList(h.getValue()));
            }
            assertTrue(Verification.webhook(r.body, spring, SECRET).verified(), "list-valued, upper-case headers");
            spring.remove("WEBHOOK-SIGNATURE");
            assertEquals("malformed", Verification.webhook(r.body, spring, SECRET).reason());
        }
    }

    @Test
    void aRetriedDeliveryVerifiesWithTheSameId() throws Exception {
        sim.configure("{\"webhookRetryDelaysMs\":[1]}");
        try (WebhookInbox inbox = new WebhookInbox()) {
            admin("/__sim/webhooks", "{\"gateway\":\"portone-v2\",\"url\":\"" + inbox.url() + "\",\"secret\":\"" + SECRET + "\"}");
            create("portone-v2", "w4", "");
            WebhookInbox.Received first = inbox.next(500, "down");
            WebhookInbox.Received retry = inbox.next();
            WebhookResult a = Verification.webhook(first.body, first.headers, SECRET);
            WebhookResult b = Verification.webhook(retry.body, retry.headers, SECRET);
            assertTrue(a.verified() && b.verified());
            assertEquals(a.webhookId(), b.webhookId());
        }
    }

    @Test
    void noSecretInAnyError() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> Verification.webhook(new byte[0], Collections.<String, String>emptyMap(), "whsec_not base64 SECRETVALUE"));
        assertFalse(e.getMessage().contains("SECRETVALUE"), e.getMessage());
    }

    @Test
    void nicepayAndV1Webhooks() throws Exception {
        try (WebhookInbox inbox = new WebhookInbox(); PayTokenClient nicepay = sim.nicepay(); PayTokenClient v1 = sim.portoneV1()) {
            admin("/__sim/webhooks", "{\"gateway\":\"nicepay\",\"url\":\"" + inbox.url() + "\"}");
            create("nicepay", "tid-5", "");
            WebhookInbox.Received r = inbox.next();
            WebhookResult event = nicepay.verifyWebhook(r.body, r.headers);
            assertTrue(event.verified(), event.toString());
            assertEquals("tid-5", event.paymentId());
            byte[] forged = new String(r.body, StandardCharsets.UTF_8).replace("\"amount\":1000", "\"amount\":100")
                    .getBytes(StandardCharsets.UTF_8);
            assertEquals("badSignature", nicepay.verifyWebhook(forged, r.headers).reason());

            admin("/__sim/webhooks", "{\"gateway\":\"portone-v1\",\"url\":\"" + inbox.url() + "\"}");
            create("portone-v1", "imp_000000000006", "");
            r = inbox.next();
            event = v1.verifyWebhook(r.body, r.headers);
            assertTrue(event.verified(), event.toString());
            assertEquals("imp_000000000006", event.paymentId());
            byte[] fake = "{\"imp_uid\":\"imp_999999999999\",\"merchant_uid\":\"x\",\"status\":\"paid\"}".getBytes(StandardCharsets.UTF_8);
            assertEquals("notFound", v1.verifyWebhook(fake, r.headers).reason());
        }
    }
}
