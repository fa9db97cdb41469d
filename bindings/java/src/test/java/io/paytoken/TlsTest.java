package io.paytoken;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTPS as against the real gateways: verification always on, caFile for a private root. */
class TlsTest {
    @TempDir
    Path dir;

    @Test
    void trustsTheSimulatorThroughCaFile() throws Exception {
        Path pem = dir.resolve("sim.pem");
        try (Simulator sim = Simulator.start("--tls", "--cert-out", pem.toString());
             PayTokenClient client = PayTokenClient.nicepay(Simulator.NICEPAY_CLIENT_KEY,
                     Simulator.NICEPAY_SECRET_KEY, sim.options().caFile(pem.toString()))) {
            assertTrue(sim.url.startsWith("https://"), sim.url);
            assertTrue(client.token().matches("[0-9a-f]{64}"));
            assertEquals(200, client.request("GET", "/v1/payments/T_tls").getStatus());
        }
    }

    @Test
    void aMissingCaFileFailsWhenTheClientIsMade() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> PayTokenClient.portoneV1("k", "s",
                        new PayTokenOptions().caFile(dir.resolve("missing.pem").toString())));
        assertTrue(e.getMessage().contains("caFile"), e.getMessage());
    }

    @Test
    void anUntrustedCertificateIsATlsError() throws Exception {
        try (Simulator sim = Simulator.start("--tls");
             PayTokenClient client = PayTokenClient.portoneV1(Simulator.IMP_KEY, Simulator.IMP_SECRET, sim.options())) {
            TlsException e = assertThrows(TlsException.class, client::token);
            assertEquals(ErrorCode.TLS, e.getCode());
            assertEquals(0, e.getHttpStatus());
        }
    }
}
