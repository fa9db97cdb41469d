package io.paytoken;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public API against each gateway of a real simulator. */
class ClientTest {

    @ParameterizedTest
    @ValueSource(strings = {"nicepay", "portone-v1", "portone-v2"})
    void tokenIsFetchedOnceThenServedFromCache(String gateway) throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.tokenClient(gateway)) {
            String first = client.token();
            String second = client.token();

            assertEquals(first, second);
            assertEquals(1, sim.tokenRequests(gateway));
            PayTokenStats stats = client.stats();
            assertEquals(1, stats.getTokenFetches());
            assertEquals(1, stats.getCacheHits());
            assertEquals(gateway, client.getGateway());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nicepay", "portone-v1", "portone-v2"})
    void requestCarriesTheCachedBearerToken(String gateway) throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.tokenClient(gateway)) {
            PayTokenResponse response = client.request("GET", Simulator.paymentPath(gateway));

            assertEquals(200, response.getStatus(), response.bodyAsString());
            assertTrue(response.isSuccessful());
            assertEquals("Bearer " + client.token(), sim.lastRequestHeader("authorization"));
            assertEquals(1, sim.tokenRequests(gateway));
            assertEquals(1, sim.apiRequests(gateway));
        }
    }

    @Test
    void tokenShapesMatchEachGateway() throws Exception {
        try (Simulator sim = Simulator.start()) {
            try (PayTokenClient nicepay = sim.nicepay()) {
                assertTrue(nicepay.token().matches("[0-9a-f]{64}"));
            }
            try (PayTokenClient v1 = sim.portoneV1()) {
                assertTrue(v1.token().matches("[0-9a-f]{40}"));
            }
            try (PayTokenClient v2 = sim.tokenClient("portone-v2")) {
                assertEquals(3, v2.token().split("\\.").length, "a JWT");
            }
        }
    }

    @Test
    void nicepayBasicSchemeNeedsNoToken() throws Exception {
        try (Simulator sim = Simulator.start();
             PayTokenClient client = PayTokenClient.nicepay(Simulator.NICEPAY_CLIENT_KEY,
                     Simulator.NICEPAY_SECRET_KEY, sim.options().auth("basic"))) {
            assertThrows(InvalidArgumentException.class, client::token);

            assertEquals(200, client.request("GET", "/v1/payments/T_basic").getStatus());
            assertTrue(sim.lastRequestHeader("authorization").startsWith("Basic "));
            assertEquals(0, sim.tokenRequests("nicepay"));
        }
    }

    @Test
    void portoneV2DefaultSchemeSendsTheSecretHeader() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV2()) {
            InvalidArgumentException noToken = assertThrows(InvalidArgumentException.class, client::token);
            assertFalse(noToken.getMessage().contains(Simulator.API_SECRET));

            assertEquals(200, client.request("GET", "/payments/pay_1").getStatus());
            assertEquals("PortOne " + Simulator.API_SECRET, sim.lastRequestHeader("authorization"));
            assertEquals(0, sim.tokenRequests("portone-v2"));
        }
    }

    @Test
    void portoneV1TierHeaderGoesOnEveryRequest() throws Exception {
        try (Simulator sim = Simulator.start();
             PayTokenClient client = PayTokenClient.portoneV1(Simulator.IMP_KEY, Simulator.IMP_SECRET,
                     sim.options().tier("TIER_A1"))) {
            assertEquals(200, client.request("GET", "/payments/imp_1").getStatus());
            assertEquals("TIER_A1", sim.lastRequestHeader("tier"));
        }
    }

    @Test
    void rawJsonConfigWorksLikeTheFactories() throws Exception {
        try (Simulator sim = Simulator.start()) {
            String config = "{\"gateway\":\"portone-v1\",\"impKey\":\"" + Simulator.IMP_KEY
                    + "\",\"impSecret\":\"" + Simulator.IMP_SECRET + "\",\"baseUrl\":\"" + sim.url + "\"}";
            try (PayTokenClient client = new PayTokenClient(config)) {
                assertEquals("portone-v1", client.getGateway());
                assertEquals(200, client.request("GET", "/payments/imp_raw").getStatus());
            }
        }
    }

    @Test
    void postSendsTheBodyAndExtraHeaders() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.nicepay()) {
            String body = "{\"reason\":\"고객 요청\",\"orderId\":\"order-1\"}";
            PayTokenResponse response = client.request("POST", "/v1/payments/T_1/cancel",
                    body.getBytes(StandardCharsets.UTF_8),
                    Collections.singletonMap("Idempotency-Key", "key-1"));

            assertEquals(200, response.getStatus());
            Map<String, Object> seen = sim.lastRequest();
            assertEquals("POST", seen.get("method"));
            assertEquals(body, seen.get("body"));
            assertEquals("application/json;charset=utf-8", sim.lastRequestHeader("content-type"));
            assertEquals("key-1", sim.lastRequestHeader("idempotency-key"));
        }
    }

    @Test
    void byteBodyKeepsTheCallersContentType() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.nicepay()) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "text/plain;charset=utf-8");
            byte[] body = "plain text".getBytes(StandardCharsets.UTF_8);

            assertEquals(200, client.request("POST", "/v1/payments/netcancel", body, headers).getStatus());
            assertEquals("text/plain;charset=utf-8", sim.lastRequestHeader("content-type"));
            assertEquals("plain text", sim.lastRequest().get("body"));
        }
    }

    @Test
    void queryStringsReachTheGateway() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.nicepay()) {
            client.request("GET", "/v1/payments/T_q?orderDate=20261120");
            assertEquals("/v1/payments/T_q", sim.lastRequest().get("path"));
            assertTrue(String.valueOf(sim.lastRequest().get("query")).contains("orderDate=20261120"));
        }
    }

    @Test
    void errorStatusesAreResponsesNotExceptions() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.nicepay()) {
            sim.fault("{\"gateway\":\"nicepay\",\"endpoint\":\"api\",\"kind\":\"status\",\"status\":500}");
            PayTokenResponse response = client.request("GET", "/v1/payments/T_500");

            assertEquals(500, response.getStatus());
            assertFalse(response.isSuccessful());
            assertTrue(response.getBody().length > 0);
        }
    }

    @Test
    void headersAreCaseInsensitiveAndUnmodifiable() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.nicepay()) {
            PayTokenResponse response = client.request("GET", "/v1/payments/T_h");

            assertTrue(response.getHeader("Content-Type").startsWith("application/json"));
            assertEquals(response.getHeader("content-type"), response.getHeader("CONTENT-TYPE"));
            assertEquals(response.getHeader("content-type"), response.getHeaders().get("content-type"));
            assertThrows(UnsupportedOperationException.class, () -> response.getHeaders().put("x", "y"));
            byte[] body = response.getBody();
            body[0] = 0;
            assertNotEquals(0, response.getBody()[0], "getBody returns a copy");
        }
    }

    /** NICEPAY answers in EUC-KR when asked; bodyAsString follows the Content-Type charset. */
    @Test
    void bodyAsStringDecodesTheAnnouncedCharset() throws Exception {
        try (Simulator sim = Simulator.start();
             PayTokenClient client = PayTokenClient.nicepay(Simulator.NICEPAY_CLIENT_KEY,
                     Simulator.NICEPAY_SECRET_KEY, sim.options().auth("basic"))) {
            PayTokenResponse response = client.request("POST", "/v1/access-token", "{\"returnCharSet\":\"euc-kr\"}");

            assertEquals(200, response.getStatus());
            assertEquals(Charset.forName("EUC-KR"), response.getCharset());
            assertTrue(response.bodyAsString().contains("정상 처리되었습니다"), response.bodyAsString());
            assertArrayEquals(response.getBody(), response.bodyAsString().getBytes("EUC-KR"));
            assertFalse(response.bodyAsString(StandardCharsets.UTF_8).contains("정상"));
        }
    }

    @Test
    void undecodableBodiesComeBackByteForByte() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV1()) {
            sim.fault("{\"endpoint\":\"api\",\"kind\":\"garbage\"}");
            PayTokenResponse response = client.request("GET", "/payments/imp_garbage");

            assertEquals(200, response.getStatus());
            byte[] body = response.getBody();
            assertTrue(body.length > 0);
            assertFalse(java.util.Arrays.equals(body, response.bodyAsString().getBytes(StandardCharsets.UTF_8)),
                    "the raw bytes are not valid UTF-8, and were not re-encoded on the way");
        }
    }

    @Test
    void textCrossesAsUtf8WhateverTheDefaultCharset() throws Exception {
        assertEquals(Charset.forName("EUC-KR"), Charset.defaultCharset(), "surefire's argLine sets it");
        try (Simulator sim = Simulator.start();
             PayTokenClient client = PayTokenClient.portoneV1(Simulator.IMP_KEY, Simulator.IMP_SECRET,
                     sim.options().tier("가맹점"))) {
            client.request("POST", "/payments/cancel", "{\"reason\":\"환불 🙏\"}");
            assertEquals("{\"reason\":\"환불 🙏\"}", sim.lastRequest().get("body"));
        }
    }

    @Test
    void invalidateDropsTheTokenSoTheNextCallFetches() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV1()) {
            String token = client.token();
            client.invalidate("some-other-token"); // compare-and-invalidate: not the cached one
            client.token();
            assertEquals(1, sim.tokenRequests("portone-v1"));

            client.invalidate(token);
            client.token();
            assertEquals(2, sim.tokenRequests("portone-v1"));

            client.invalidate();
            client.token();
            assertEquals(3, sim.tokenRequests("portone-v1"));
            assertEquals(3, client.stats().getTokenFetches());
        }
    }

    @Test
    void clientsWithTheSameCredentialsShareOneToken() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient a = sim.nicepay(); PayTokenClient b = sim.nicepay()) {
            assertEquals(a.token(), b.token());
            assertEquals(1, sim.tokenRequests("nicepay"));
        }
    }

    @Test
    void statsExposeEveryCounter() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.nicepay()) {
            client.token();
            client.token();
            client.token();
            PayTokenStats stats = client.stats();

            assertEquals(1, stats.getTokenFetches());
            assertEquals(2, stats.getCacheHits());
            assertEquals(0, stats.getRefreshFailures());
            assertEquals(0, stats.getRetriesAfter401());
            assertTrue(stats.asMap().keySet().containsAll(
                    java.util.Arrays.asList("tokenFetches", "cacheHits", "refreshFailures", "retriesAfter401")));
            assertEquals(stats.asMap(), Json.parseObject(stats.toJson()));
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsFailClearly() throws Exception {
        try (Simulator sim = Simulator.start()) {
            PayTokenClient client = sim.nicepay();
            client.close();
            client.close();

            IllegalStateException e = assertThrows(IllegalStateException.class, client::token);
            assertTrue(e.getMessage().contains("closed"));
            assertThrows(IllegalStateException.class, () -> client.request("GET", "/v1/payments/x"));
            assertTrue(client.toString().contains("closed"));
        }
    }

    @Test
    void nativeVersionIsSemver() throws PayTokenException {
        assertTrue(PayTokenClient.nativeVersion().matches("\\d+\\.\\d+\\.\\d+.*"), PayTokenClient.nativeVersion());
    }
}
