package io.paytoken;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.net.ServerSocket;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every failure is a typed, checked exception with the error struct's fields, and no secret. */
class ErrorsTest {
    private static final String WRONG_SECRET = "wrong-secret-value-do-not-print";

    @Test
    void nicepayRefusedCredentials() throws Exception {
        try (Simulator sim = Simulator.start();
             PayTokenClient client = PayTokenClient.nicepay(Simulator.NICEPAY_CLIENT_KEY, WRONG_SECRET, sim.options())) {
            AuthException e = assertThrows(AuthException.class, client::token);
            assertRefused(e, "U104");
            assertTrue(e.getMessage().contains("사용자 인증에 실패하였습니다"), e.getMessage());
        }
    }

    @Test
    void portoneV1RefusedCredentials() throws Exception {
        try (Simulator sim = Simulator.start();
             PayTokenClient client = PayTokenClient.portoneV1(Simulator.IMP_KEY, WRONG_SECRET, sim.options())) {
            assertRefused(assertThrows(AuthException.class, client::token), "-1");
        }
    }

    @Test
    void portoneV2RefusedCredentials() throws Exception {
        try (Simulator sim = Simulator.start();
             PayTokenClient tokenScheme = PayTokenClient.portoneV2(WRONG_SECRET, sim.options().auth("token"));
             PayTokenClient secretScheme = PayTokenClient.portoneV2(WRONG_SECRET, sim.options())) {
            assertRefused(assertThrows(AuthException.class,
                    () -> tokenScheme.request("GET", "/payments/p_1")), "UNAUTHORIZED");
            assertRefused(assertThrows(AuthException.class,
                    () -> secretScheme.request("GET", "/payments/p_1")), "UNAUTHORIZED");
            assertEquals(1, sim.apiRequests("portone-v2"), "a refused secret is not retried");
        }
    }

    private static void assertRefused(AuthException e, String gatewayCode) {
        assertEquals(ErrorCode.AUTH, e.getCode());
        assertEquals(401, e.getHttpStatus());
        assertEquals(gatewayCode, e.getGatewayCode());
        assertNoSecret(e);
    }

    @Test
    void badConfigsAreInvalidArguments() {
        assertInvalid(() -> new PayTokenClient("{not json"), null);
        assertInvalid(() -> new PayTokenClient(null), null);
        assertInvalid(() -> new PayTokenClient("{\"gateway\":\"tosspayments\"}"), "tosspayments");
        assertInvalid(() -> PayTokenClient.nicepay(null, WRONG_SECRET), "clientKey");
        assertInvalid(() -> PayTokenClient.nicepay("", WRONG_SECRET), "clientKey");
        assertInvalid(() -> PayTokenClient.portoneV1(Simulator.IMP_KEY, WRONG_SECRET,
                new PayTokenOptions().set("timeoutMillis", 5)), "timeoutMillis");
        assertInvalid(() -> PayTokenClient.portoneV2(WRONG_SECRET,
                new PayTokenOptions().baseUrl("http://example.com")), "baseUrl");
        assertInvalid(() -> PayTokenClient.nicepay(Simulator.NICEPAY_CLIENT_KEY, WRONG_SECRET,
                new PayTokenOptions().tier("A1")), "tier"); // a PortOne V1 option
        assertInvalid(() -> PayTokenClient.portoneV1(Simulator.IMP_KEY, WRONG_SECRET,
                new PayTokenOptions().timeoutMs(-1)), "timeoutMs");
    }

    /** A trailing newline from a secrets file is the classic cause of NICEPAY U104. */
    @Test
    void whitespaceAroundCredentialsIsNamedButNotShown() {
        InvalidArgumentException e = assertInvalid(
                () -> PayTokenClient.nicepay(Simulator.NICEPAY_CLIENT_KEY, WRONG_SECRET + "\n"), "secretKey");
        assertTrue(e.getMessage().toLowerCase().contains("whitespace"), e.getMessage());
    }

    @Test
    void textJavaCannotHandToCIsRefusedBeforeTheCall() {
        // JSON escapes the NUL, so the library itself sees (and refuses) the control character.
        assertInvalid(() -> PayTokenClient.nicepay("S2_key\u0000", WRONG_SECRET), null);
        assertInvalid(() -> new PayTokenClient("{\"gateway\":\"nicepay\u0000\"}"), "NUL");
        InvalidArgumentException surrogate = assertInvalid(
                () -> PayTokenClient.nicepay("S2_key", WRONG_SECRET + "\uD800"), "Unicode");
        assertEquals(0, surrogate.getHttpStatus());
    }

    @Test
    void badRequestArgumentsAreInvalidArguments() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.nicepay()) {
            assertInvalid(() -> client.request("FETCH", "/v1/payments/x"), "FETCH");
            assertInvalid(() -> client.request(null, "/v1/payments/x"), null);
            assertInvalid(() -> client.request("GET", null), null);
            assertInvalid(() -> client.request("GET", "v1/payments/x"), null);
            assertInvalid(() -> client.request("GET", "http://attacker.example/steal"), null);
            assertInvalid(() -> client.request("GET", "/v1/payments/x\u0000y"), "path");
            assertInvalid(() -> client.request("GET", "/v1/\uDC00"), "path");
            assertInvalid(() -> client.request("GET", "/v1/payments/x", null,
                    Collections.singletonMap("X-Bad", "a\r\nInjected: 1")), null);
            assertInvalid(() -> client.request("GET", "/v1/payments/x", null,
                    Collections.singletonMap("Bad Name", "v")), null);
            assertInvalid(() -> client.request("GET", "/v1/payments/x", null,
                    Collections.singletonMap("X-Null", null)), null);
            Map<String, String> nullName = new HashMap<>();
            nullName.put(null, "v");
            assertInvalid(() -> client.request("GET", "/v1/payments/x", null, nullName), "null name");
            assertInvalid(() -> client.request("POST", "/v1/payments/x", "\uD800"), "body");
            // None of these reached the gateway, nor spent a token fetch.
            assertEquals(0, sim.apiRequests("nicepay"));
            assertEquals(0, sim.tokenRequests("nicepay"));
        }
    }

    @Test
    void tokenEndpointOutageIsAGatewayError() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.nicepay()) {
            sim.fault("{\"endpoint\":\"token\",\"kind\":\"status\",\"status\":503}");
            GatewayException e = assertThrows(GatewayException.class, client::token);
            assertEquals(503, e.getHttpStatus());
            assertEquals(ErrorCode.GATEWAY, e.getCode());
        }
    }

    @Test
    void malformedOrExpiredTokenAnswersAreGatewayErrors() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV1()) {
            sim.fault("{\"endpoint\":\"token\",\"kind\":\"malformed\"}");
            assertThrows(GatewayException.class, client::token);
        }
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.nicepay()) {
            sim.fault("{\"endpoint\":\"token\",\"kind\":\"expired\"}");
            assertThrows(GatewayException.class, client::token);
        }
    }

    @Test
    void oversizedResponseIsAGatewayError() throws Exception {
        try (Simulator sim = Simulator.start();
             PayTokenClient client = PayTokenClient.portoneV2(Simulator.API_SECRET,
                     sim.options().maxResponseBytes(64 * 1024))) {
            sim.fault("{\"endpoint\":\"api\",\"kind\":\"oversized\",\"bytes\":1048576}");
            assertThrows(GatewayException.class, () -> client.request("GET", "/payments/p_big"));
        }
    }

    @Test
    void connectionRefusedIsANetworkError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (PayTokenClient client = PayTokenClient.nicepay(Simulator.NICEPAY_CLIENT_KEY, WRONG_SECRET,
                new PayTokenOptions().baseUrl("http://127.0.0.1:" + closedPort))) {
            NetworkException e = assertThrows(NetworkException.class, client::token);
            assertEquals(0, e.getHttpStatus());
            assertNoSecret(e);
        }
    }

    @Test
    void aHangingGatewayIsATimeout() throws Exception {
        try (Simulator sim = Simulator.start();
             PayTokenClient client = PayTokenClient.portoneV2(Simulator.API_SECRET, sim.options().timeout(java.time.Duration.ofMillis(500)))) {
            sim.fault("{\"endpoint\":\"api\",\"kind\":\"hang\"}");
            long start = System.nanoTime();
            PayTokenTimeoutException e = assertThrows(PayTokenTimeoutException.class,
                    () -> client.request("POST", "/payments/p_1/cancel", "{\"reason\":\"test\"}"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 400 && millis < 5000, "gave up after " + millis + " ms");
            assertEquals(ErrorCode.TIMEOUT, e.getCode());
        }
    }

    @Test
    void toStringsNeverShowSecrets() throws Exception {
        try (Simulator sim = Simulator.start();
             PayTokenClient client = PayTokenClient.nicepay(Simulator.NICEPAY_CLIENT_KEY,
                     Simulator.NICEPAY_SECRET_KEY, sim.options())) {
            String token = client.token();
            PayTokenOptions options = new PayTokenOptions().timeout(java.time.Duration.ofMillis(100)).set("secretKey", WRONG_SECRET);
            String shown = client + " " + options + " " + client.stats()
                    + " " + client.request("GET", "/v1/payments/T_s");

            assertFalse(shown.contains(Simulator.NICEPAY_SECRET_KEY), shown);
            assertFalse(shown.contains(WRONG_SECRET), shown);
            assertFalse(shown.contains(token), shown);
            assertTrue(shown.contains("nicepay") && shown.contains("timeoutMs=100"), shown);
        }
    }

    private static InvalidArgumentException assertInvalid(Executable call, String mentioned) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, call);
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.getCode());
        assertFalse(e.getMessage() == null || e.getMessage().isEmpty());
        if (mentioned != null) {
            assertTrue(e.getMessage().contains(mentioned), () -> "'" + e.getMessage() + "' should name " + mentioned);
        }
        assertNoSecret(e);
        return e;
    }

    private static void assertNoSecret(PayTokenException e) {
        for (String secret : new String[] {WRONG_SECRET, Simulator.NICEPAY_SECRET_KEY, Simulator.IMP_SECRET,
                Simulator.API_SECRET}) {
            assertFalse(String.valueOf(e.getMessage()).contains(secret), e.getMessage());
            assertFalse(e.toString().contains(secret), e.toString());
        }
    }
}
