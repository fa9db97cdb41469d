package io.paytoken;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code get(path, PayTokenRequestOptions)}: the second argument is per-call options
 * (headers, query, deadline), as in every binding; the 0.1 headers form still works.
 * Checked on what the simulator received.
 */
class RequestOptionsTest {
    @Test
    void getTakesHeadersQueryAndTimeoutAsOptions() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV1()) {
            PayTokenResponse r = client.get("/payments/imp_1", PayTokenRequestOptions.create()
                    .header("X-Shop", "a")
                    .query("include", "cancel history")
                    .query("lang", "ko")
                    .timeout(Duration.ofSeconds(5)));
            assertEquals(200, r.getStatus());
            Map<String, Object> seen = sim.lastRequest();
            assertEquals("/payments/imp_1", seen.get("path"));
            assertEquals("include=cancel%20history&lang=ko", seen.get("query"));
            assertEquals("a", sim.lastRequestHeader("x-shop"));

            client.delete("/payments/imp_1?a=1", PayTokenRequestOptions.create().query("b", "2"));
            assertEquals("a=1&b=2", sim.lastRequest().get("query"));
        }
    }

    @Test
    @SuppressWarnings("deprecation")
    void theHeadersFormStillWorks() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV1()) {
            assertEquals(200, client.get("/payments/imp_1", Collections.singletonMap("X-Shop", "b")).getStatus());
            assertEquals("b", sim.lastRequestHeader("x-shop"));
        }
    }

    @Test
    void aDeadlineOutOfRangeIsRefusedInJavasTerms() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV1()) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> client.get("/payments/imp_1",
                    PayTokenRequestOptions.create().timeout(Duration.ofHours(1))));
            assertTrue(e.getMessage().contains("timeout"), e.getMessage());
        }
    }
}
