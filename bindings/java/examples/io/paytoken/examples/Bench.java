package io.paytoken.examples;

import io.paytoken.PayTokenClient;
import io.paytoken.PayTokenOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the Java layer costs: cached token() calls and authorized requests against the
 * simulator at $PAYTOKEN_SIM_URL, from 1 and from 32 threads sharing one client.
 */
public final class Bench {
    public static void main(String[] args) throws Exception {
        String url = System.getenv("PAYTOKEN_SIM_URL");
        if (url == null || url.isEmpty()) {
            System.err.println("set PAYTOKEN_SIM_URL to a running paytoken-sim");
            System.exit(2);
        }
        try (PayTokenClient client = PayTokenClient.portoneV1("sim_imp_key", "sim_imp_secret",
                new PayTokenOptions().baseUrl(url))) {
            client.token(); // warm the cache
            for (int threads : new int[] {1, 32}) {
                double perCall = measure(threads, 200_000 / threads, client::token);
                System.out.printf("java: token() from cache, %2d threads: %8.0f ns/call%n", threads, perCall);
            }
            for (int threads : new int[] {1, 32}) {
                double perCall = measure(threads, 2_000 / threads, () -> client.request("GET", "/payments/imp_bench"));
                System.out.printf("java: GET request,        %2d threads: %8.0f requests/s%n", threads, 1e9 / perCall);
            }
            System.out.println("java: stats " + client.stats().toJson());
        }
    }

    /** Wall-clock nanoseconds per call, all threads together, after a warm-up round. */
    private static double measure(int threads, int callsPerThread, Callable<?> call) throws Exception {
        run(threads, callsPerThread / 10 + 1, call);
        long start = System.nanoTime();
        run(threads, callsPerThread, call);
        return (System.nanoTime() - start) / (double) (threads * callsPerThread);
    }

    private static void run(int threads, int callsPerThread, Callable<?> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < callsPerThread; i++) {
                        call.call();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
