package io.paytoken;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A 401 on a business request: drop the token, fetch a fresh one, retry once. */
class RetryTest {

    @ParameterizedTest
    @ValueSource(strings = {"nicepay", "portone-v1", "portone-v2"})
    void revokedTokenIsReplacedAndTheRequestRetriedOnce(String gateway) throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.tokenClient(gateway)) {
            String revoked = client.token();
            sim.revoke(gateway);

            PayTokenResponse response = client.request("GET", Simulator.paymentPath(gateway));

            assertEquals(200, response.getStatus());
            assertNotEquals(revoked, client.token());
            assertEquals(2, sim.tokenRequests(gateway));
            assertEquals(2, sim.apiRequests(gateway), "the rejected request and its one retry");
            assertEquals(1, client.stats().getRetriesAfter401());
        }
    }

    @Test
    void aSecond401IsAnAuthenticationError() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.nicepay()) {
            sim.fault("{\"endpoint\":\"api\",\"kind\":\"unauthorized\",\"count\":0}");

            AuthException e = assertThrows(AuthException.class,
                    () -> client.request("GET", "/v1/payments/T_401"));

            assertEquals(401, e.getHttpStatus());
            assertEquals(2, sim.apiRequests("nicepay"), "exactly one retry");
        }
    }

    /** Ten threads that all see the same 401 cause one new token fetch, not ten. */
    @Test
    void concurrent401sShareOneRefetch() throws Exception {
        try (Simulator sim = Simulator.start("--delay-ms", "50"); PayTokenClient client = sim.portoneV1()) {
            client.token();
            sim.revoke("portone-v1");

            List<Integer> statuses = ConcurrencyTest.onThreads(10,
                    () -> client.request("GET", "/payments/imp_1").getStatus());

            statuses.forEach(status -> assertEquals(200, status.intValue()));
            assertEquals(2, sim.tokenRequests("portone-v1"));
        }
    }
}
