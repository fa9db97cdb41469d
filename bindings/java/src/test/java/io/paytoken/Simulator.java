package io.paytoken;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real paytoken-sim process on a free loopback port, one per test so that its counters,
 * and the library's process-wide token cache (keyed by origin), start empty.
 */
final class Simulator implements AutoCloseable {
    static final String NICEPAY_CLIENT_KEY = "S2_sim_client_key";
    static final String NICEPAY_SECRET_KEY = "sim_nicepay_secret_key";
    static final String IMP_KEY = "sim_imp_key";
    static final String IMP_SECRET = "sim_imp_secret";
    static final String API_SECRET = "sim_portone_v2_api_secret";

    private final Process process;
    final String url;

    private Simulator(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** The simulator binary: $PAYTOKEN_SIM, else the repository's release build. */
    static File binary() {
        String explicit = System.getenv("PAYTOKEN_SIM");
        if (explicit != null && !explicit.isEmpty()) {
            return new File(explicit);
        }
        return new File(System.getProperty("basedir", "."), "../../target/release/paytoken-sim");
    }

    static Simulator start(String... flags) {
        List<String> command = new ArrayList<>(Arrays.asList(
                binary().getPath(), "--port", "0", "--exit-on-stdin-eof", "--implicit-payments"));
        command.addAll(Arrays.asList(flags));
        File log = new File(System.getProperty("basedir", "."), "target/paytoken-sim.log");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log))
                    .start();
            BufferedReader stdout = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            // "paytoken-sim listening on http://127.0.0.1:PORT", then keep draining.
            CompletableFuture<String> firstLine = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    firstLine.complete(stdout.readLine());
                    while (stdout.readLine() != null) {
                        // drain
                    }
                } catch (IOException e) {
                    firstLine.completeExceptionally(e);
                }
            }, "paytoken-sim stdout");
            reader.setDaemon(true);
            reader.start();
            String line = firstLine.get(20, TimeUnit.SECONDS);
            if (line == null || !line.contains("://")) {
                process.destroy();
                throw new IllegalStateException("paytoken-sim did not start (see " + log + "): " + line);
            }
            return new Simulator(process, line.substring(line.lastIndexOf(' ') + 1).trim());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start " + command, e);
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // --exit-on-stdin-eof
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

    // ---- clients pointed at this simulator, with its default credentials -------------------

    PayTokenOptions options() {
        return new PayTokenOptions().baseUrl(url);
    }

    PayTokenClient nicepay() throws PayTokenException {
        return PayTokenClient.nicepay(NICEPAY_CLIENT_KEY, NICEPAY_SECRET_KEY, options());
    }

    PayTokenClient portoneV1() throws PayTokenException {
        return PayTokenClient.portoneV1(IMP_KEY, IMP_SECRET, options());
    }

    PayTokenClient portoneV2() throws PayTokenException {
        return PayTokenClient.portoneV2(API_SECRET, options());
    }

    /** A client of the named gateway using its token scheme. */
    PayTokenClient tokenClient(String gateway) throws PayTokenException {
        switch (gateway) {
            case "nicepay": return nicepay();
            case "portone-v1": return portoneV1();
            case "portone-v2": return PayTokenClient.portoneV2(API_SECRET, options().auth("token"));
            default: throw new IllegalArgumentException(gateway);
        }
    }

    /** A business path each gateway answers with 200. */
    static String paymentPath(String gateway) {
        return gateway.equals("nicepay") ? "/v1/payments/T_sim_1" : "/payments/pay_sim_1";
    }

    // ---- the admin API ---------------------------------------------------------------------

    Map<String, Object> stats() {
        return Json.parseObject(admin("GET", "/__sim/stats", null));
    }

    /** Token requests the simulator received for a gateway. */
    long tokenRequests(String gateway) {
        return counter("tokenRequests", gateway);
    }

    /** Business requests the simulator received for a gateway. */
    long apiRequests(String gateway) {
        return counter("apiRequests", gateway);
    }

    /**
     * From now on the next {@code count} (0: every one until the faults are cleared) requests
     * to {@code gateway}'s {@code endpoint} ("token" or "api") are counted, then held until
     * {@link #release()}: in flight for exactly as long as the test needs.
     */
    void hold(String gateway, String endpoint, long count) {
        fault("{\"gateway\":\"" + gateway + "\",\"endpoint\":\"" + endpoint
                + "\",\"kind\":\"hold\",\"count\":" + count + "}");
    }

    /** Waits until {@code n} requests are held ({@code GET /__sim/stats} → {@code held}). */
    void waitHeld(long n) throws InterruptedException {
        waitFor(n + " held requests", stats -> ((Number) stats.get("held")).longValue() == n);
    }

    /**
     * Lets every held request go on to its normal answer (later ones are held again until
     * the next release, while the hold fault lasts); returns how many were waiting.
     */
    long release() {
        return ((Number) Json.parseObject(admin("POST", "/__sim/release", null)).get("released")).longValue();
    }

    /** Clears every fault and releases every held request (for a finally block). */
    void clearFaults() {
        admin("DELETE", "/__sim/fault", null);
    }

    /**
     * Waits until {@code ready} holds, asked with fresh stats each time (the simulator's
     * counters, or anything else the test observes, are the events a test synchronizes on),
     * and returns the stats it last read. The bound only turns a broken test into a failure
     * that says what it waited for; it is not a timing assumption.
     */
    Map<String, Object> waitFor(String what, Predicate<Map<String, Object>> ready) throws InterruptedException {
        long bound = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            Map<String, Object> stats = stats();
            if (ready.test(stats)) {
                return stats;
            }
            if (System.nanoTime() > bound) {
                throw new AssertionError("the simulator never showed " + what + ": " + stats);
            }
            Thread.sleep(2); // polling interval only: the condition is what is waited on
        }
    }

    private long counter(String group, String gateway) {
        Object value = ((Map<?, ?>) stats().get(group)).get(gateway);
        return value == null ? 0 : ((Number) value).longValue();
    }

    /** The last business request: method, path, query, headers (lower-case names), body. */
    Map<String, Object> lastRequest() {
        return Json.parseObject(admin("GET", "/__sim/last-request", null));
    }

    @SuppressWarnings("unchecked")
    String lastRequestHeader(String name) {
        return (String) ((Map<String, Object>) lastRequest().get("headers")).get(name);
    }

    void fault(String faultJson) {
        admin("POST", "/__sim/fault", faultJson);
    }

    void revoke(String gateway) {
        admin("POST", "/__sim/revoke", "{\"gateway\":\"" + gateway + "\"}");
    }

    /** A payment with state (the faithful simulator knows only these). */
    void createPayment(String paymentJson) {
        admin("POST", "/__sim/payments", paymentJson);
    }

    /** How many state changes business requests made at a gateway ("processed once"). */
    long processed(String gateway) {
        return counter("processed", gateway);
    }

    void configure(String configJson) {
        admin("POST", "/__sim/config", configJson);
    }

    private String admin(String method, String path, String body) {
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL(url + path).openConnection();
            connection.setRequestMethod(method);
            if (body != null) {
                connection.setDoOutput(true);
                connection.setRequestProperty("Content-Type", "application/json");
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body.getBytes(StandardCharsets.UTF_8));
                }
            }
            int status = connection.getResponseCode();
            InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            String answer = in == null ? "" : readAll(in);
            if (status >= 400) {
                throw new IllegalStateException(method + " " + path + " → " + status + " " + answer);
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String readAll(InputStream in) throws IOException {
        try (InputStream input = in) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = input.read(buffer)) > 0; ) {
                bytes.write(buffer, 0, n);
            }
            return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
        }
    }
}
