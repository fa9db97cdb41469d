import io.paytoken.PayTokenClient;
import io.paytoken.PayTokenOptions;
import io.paytoken.PayTokenResponse;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * Many calls in flight from Java: paytoken's requestAsync() (the library's own I/O
 * threads) against HttpClient.sendAsync, side by side, on a gateway that answers after a
 * delay; and a warm tokenAsync().join() against token() in the same run.
 *
 * <pre>java InFlight SLOW_URL SLOWER_URL [RUNS]</pre>
 *
 * SLOW_URL: a simulator with --delay-ms 200 (256 in flight); SLOWER_URL: --delay-ms 1000
 * (1000 in flight). One JSON line per measurement and run on stdout.
 */
public final class InFlight {
    private static final String API_PATH = "/payments/imp_bench";
    private static final int TOKEN_CALLS = 500_000;

    static void emit(String id, int run, double value, String unit) {
        System.out.printf(Locale.ROOT, "{\"id\":\"%s\",\"run\":%d,\"value\":%.1f,\"unit\":\"%s\"}%n", id, run, value, unit);
    }

    /** Threads named paytoken-io, and the resident set in MiB. */
    static double[] sample() throws IOException {
        int threads = 0;
        try (Stream<Path> tasks = Files.list(Paths.get("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (new String(Files.readAllBytes(task.resolve("comm"))).trim().equals("paytoken-io")) {
                        threads++;
                    }
                } catch (IOException gone) {
                    // the thread exited meanwhile
                }
            }
        }
        double rss = 0;
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return new double[] {threads, rss};
    }

    /** Starts n calls at once; returns {wall ns, threads midway, rss midway}. */
    static double[] burst(int n, IntFunction<CompletableFuture<Integer>> call, long midwayMs) throws Exception {
        long started = System.nanoTime();
        List<CompletableFuture<Integer>> calls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            calls.add(call.apply(i));
        }
        Thread.sleep(midwayMs);
        double[] mid = sample();
        for (CompletableFuture<Integer> c : calls) {
            if (c.join() != 200) {
                throw new IllegalStateException("a call did not answer 200");
            }
        }
        return new double[] {System.nanoTime() - started, mid[0], mid[1]};
    }

    public static void main(String[] args) throws Exception {
        String slowUrl = args[0];
        String slowerUrl = args[1];
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;

        try (PayTokenClient client = PayTokenClient.portoneV1("sim_imp_key", "sim_imp_secret",
                new PayTokenOptions().baseUrl(slowUrl))) {
            client.token();
            for (int run = 0; run < runs; run++) {
                long started = System.nanoTime();
                for (int i = 0; i < TOKEN_CALLS; i++) {
                    client.token();
                }
                emit("java.token.sync_same_run", run, (System.nanoTime() - started) / (double) TOKEN_CALLS, "ns");
                started = System.nanoTime();
                for (int i = 0; i < TOKEN_CALLS; i++) {
                    client.tokenAsync().join();
                }
                emit("java.token.async", run, (System.nanoTime() - started) / (double) TOKEN_CALLS, "ns");
            }
        }

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Object[][] bursts = {{"conc256", slowUrl, 256, 200L}, {"conc1000", slowerUrl, 1000, 1000L}};
        for (Object[] b : bursts) {
            String label = (String) b[0];
            String url = (String) b[1];
            int n = (Integer) b[2];
            long delayMs = (Long) b[3];
            // maxInFlight = n: the default (256) would queue the 1000-call burst in four waves.
            try (PayTokenClient client = PayTokenClient.portoneV1("sim_imp_key", "sim_imp_secret",
                    new PayTokenOptions().baseUrl(url).maxInFlight(n))) {
                String authorization = "Bearer " + client.token();
                IntFunction<CompletableFuture<Integer>> paytoken = i ->
                        client.requestAsync("GET", API_PATH + "?n=" + i).thenApply(PayTokenResponse::getStatus);
                IntFunction<CompletableFuture<Integer>> httpclient = i -> http.sendAsync(
                        HttpRequest.newBuilder(URI.create(url + API_PATH + "?n=" + i))
                                .header("Authorization", authorization).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).thenApply(HttpResponse::statusCode);
                burst(Math.min(n, 64), paytoken, 10);
                burst(Math.min(n, 64), httpclient, 10);
                for (int run = 0; run < runs; run++) {
                    boolean paytokenFirst = run % 2 == 0;
                    for (int k = 0; k < 2; k++) {
                        boolean isPaytoken = (k == 0) == paytokenFirst;
                        double before = sample()[1];
                        double[] r = burst(n, isPaytoken ? paytoken : httpclient, delayMs / 2);
                        emit("java." + label + "." + (isPaytoken ? "paytoken" : "httpclient"), run, r[0], "ns");
                        if (isPaytoken) {
                            emit("java." + label + ".threads", run, r[1], "threads");
                            emit("java." + label + ".rss", run, Math.max(0, r[2] - before), "MiB");
                        }
                    }
                    System.err.println("  java " + label + " run " + run + " done");
                }
            }
        }
    }
}
