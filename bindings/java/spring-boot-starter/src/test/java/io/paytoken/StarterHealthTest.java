package io.paytoken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paytoken.spring.PayTokenHealthIndicator;
import io.paytoken.spring.bare.BareApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The health indicator: UP while a token is fresh or can be had, DOWN with the reason after
 * repeated failed checks, and no token request on a probe while a token is cached or between
 * two checks. The simulator counts the token requests; its faults make them fail.
 */
class StarterHealthTest {
    private static final String TOKEN_503 =
            "{\"gateway\":\"portone-v1\",\"endpoint\":\"token\",\"kind\":\"status\",\"status\":503,\"count\":%d}";

    @Test
    void downWithTheReasonAfterRepeatedFailedChecksThenUpAgain() throws Exception {
        try (Simulator sim = Simulator.start()) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("paytoken.clients.pg.gateway", "portone-v1");
            properties.put("paytoken.clients.pg.imp-key", Simulator.IMP_KEY);
            properties.put("paytoken.clients.pg.imp-secret", Simulator.IMP_SECRET);
            properties.put("paytoken.clients.pg.base-url", sim.url);
            properties.put("paytoken.health.check-interval", "0s"); // every probe without a token checks
            properties.put("paytoken.health.failure-threshold", "2");
            properties.put("management.endpoint.health.show-details", "always");
            try (BootedApp app = BootedApp.start(BareApplication.class, properties)) {
                PayTokenClient client = app.context.getBean(PayTokenClient.class); // the only one: by type

                Map<String, Object> pg = probe(app, 200);
                assertEquals("fetched", SpringBootStarterTest.detail(pg, "token"), pg.toString());
                assertEquals(1, sim.tokenRequests("portone-v1"));
                assertEquals("fresh", SpringBootStarterTest.detail(probe(app, 200), "token"));
                assertEquals(1, sim.tokenRequests("portone-v1"), "a cached token needs no request");

                sim.fault(String.format(TOKEN_503, 2));
                client.invalidate();
                pg = probe(app, 200);
                assertEquals("UP", pg.get("status"), "one failed check is not yet DOWN: " + pg);
                assertEquals(1, ((Number) SpringBootStarterTest.detail(pg, "failedChecksInARow")).intValue());
                pg = probe(app, 503);
                assertEquals("DOWN", pg.get("status"), pg.toString());
                assertEquals(2, ((Number) SpringBootStarterTest.detail(pg, "failedChecksInARow")).intValue());
                String reason = (String) SpringBootStarterTest.detail(pg, "lastFailure");
                assertTrue(reason.contains("503"), reason);
                assertEquals(3, sim.tokenRequests("portone-v1"));

                pg = probe(app, 200); // the fault is spent: the next check gets a token
                assertEquals("UP", pg.get("status"), pg.toString());
                assertEquals("fetched", SpringBootStarterTest.detail(pg, "token"));
            }
        }
    }

    @Test
    void probesBetweenTwoChecksRepeatTheVerdictWithoutARequest() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV1()) {
            PayTokenHealthIndicator indicator = new PayTokenHealthIndicator(client, Duration.ofHours(1), 1);
            sim.fault(String.format(TOKEN_503, 0));
            for (int probe = 0; probe < 5; probe++) {
                Health health = indicator.health();
                assertEquals(Status.DOWN, health.getStatus(), health.toString());
                assertEquals(1, health.getDetails().get("failedChecksInARow"), health.toString());
            }
            assertEquals(1, sim.tokenRequests("portone-v1"), "one check in the hour, however many probes");
        }
    }

    @Test
    void aSchemeWithoutTokensIsUpWithNothingToFetch() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV2()) {
            Health health = new PayTokenHealthIndicator(client, Duration.ZERO, 1).health();
            assertEquals(Status.UP, health.getStatus(), health.toString());
            assertTrue(String.valueOf(health.getDetails().get("token")).startsWith("none"), health.toString());
            assertEquals(0, sim.tokenRequests("portone-v2"));
        }
    }

    /** {@code /actuator/health}'s paytoken component of client pg, with the expected HTTP status. */
    private static Map<String, Object> probe(BootedApp app, int status) {
        BootedApp.Response health = app.get("/actuator/health");
        assertEquals(status, health.status, health.toString());
        return SpringBootStarterTest.component(health.json(), "paytoken", "pg");
    }
}
