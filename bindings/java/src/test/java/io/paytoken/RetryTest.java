package io.paytoken;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

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
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV1()) {
            client.token();
            sim.revoke("portone-v1");
            // The new token's request is held until all ten callers are inside the library's
            // request call (or done, had one fetched a token of its own): they all call while
            // the one new fetch is in flight. (How many see the 401 themselves depends on when
            // each sends: one that sends after the first 401 dropped the token waits for the
            // new one instead, so the count of 401s is no event to wait on.)
            sim.hold("portone-v1", "token", 1);
            ExecutorService background = Executors.newSingleThreadExecutor();
            try {
                ConcurrencyTest.Callers callers = new ConcurrencyTest.Callers();
                Future<List<Integer>> statuses = background.submit(() -> ConcurrencyTest.onThreads(10,
                        () -> callers.call(() -> client.request("GET", "/payments/imp_1").getStatus())));
                sim.waitFor("the new token request held and ten threads in paytoken_request_ex",
                        stats -> ((Number) stats.get("held")).longValue() == 1
                                && callers.allInside(10, "paytoken_request_ex"));
                sim.release();

                statuses.get(60, TimeUnit.SECONDS).forEach(status -> assertEquals(200, status.intValue()));
                assertEquals(2, sim.tokenRequests("portone-v1"), "the first fetch and exactly one after the 401s");
            } finally {
                sim.clearFaults();
                background.shutdownNow();
            }
        }
    }
}
