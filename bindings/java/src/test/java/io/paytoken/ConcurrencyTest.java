package io.paytoken;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One client shared by many threads, as a Spring singleton bean is. */
class ConcurrencyTest {
    private static final int THREADS = 32;

    /** 32 threads on a cold cache: one token request, everyone gets its token. */
    @ParameterizedTest
    @ValueSource(strings = {"nicepay", "portone-v1", "portone-v2"})
    void coldCacheCausesOneTokenFetch(String gateway) throws Exception {
        // A slow gateway keeps the fetch in flight while all 32 threads ask.
        try (Simulator sim = Simulator.start("--delay-ms", "200"); PayTokenClient client = sim.tokenClient(gateway)) {
            List<String> tokens = onThreads(THREADS, client::token);

            assertEquals(1, new HashSet<>(tokens).size(), "every thread got the same token");
            assertEquals(1, sim.tokenRequests(gateway));
            assertEquals(1, client.stats().getTokenFetches());
        }
    }

    @Test
    void sharedClientServesManyRequestsWithOneToken() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.nicepay()) {
            List<Integer> statuses = onThreads(THREADS, () -> {
                int ok = 0;
                for (int i = 0; i < 20; i++) {
                    ok += client.request("GET", "/v1/payments/T_" + i).getStatus() == 200 ? 1 : 0;
                }
                return ok;
            });

            assertEquals(THREADS * 20, statuses.stream().mapToInt(Integer::intValue).sum());
            assertEquals(1, sim.tokenRequests("nicepay"));
            assertEquals(THREADS * 20, sim.apiRequests("nicepay"));
        }
    }

    /** close() racing with calls: each call either completes or says the client is closed. */
    @Test
    void closeWhileOtherThreadsUseTheClient() throws Exception {
        try (Simulator sim = Simulator.start()) {
            PayTokenClient client = sim.portoneV1();
            AtomicInteger succeeded = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            CountDownLatch someSucceeded = new CountDownLatch(THREADS);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < 1000; i++) {
                        try {
                            client.request("GET", "/payments/imp_" + i);
                            succeeded.incrementAndGet();
                            someSucceeded.countDown();
                        } catch (IllegalStateException closed) {
                            refused.incrementAndGet();
                            return null;
                        }
                    }
                    return null;
                }));
            }
            assertTrue(someSucceeded.await(30, TimeUnit.SECONDS));
            client.close();
            for (Future<?> worker : workers) {
                worker.get(30, TimeUnit.SECONDS); // rethrows anything but IllegalStateException
            }
            pool.shutdown();
            assertTrue(succeeded.get() >= THREADS);
            assertTrue(refused.get() > 0, "some calls came after close");
        }
    }

    /** close() must not free the native client under a request still in flight. */
    @Test
    void closeWaitsForACallInProgress() throws Exception {
        try (Simulator sim = Simulator.start("--delay-ms", "2000")) {
            PayTokenClient client = PayTokenClient.portoneV2(Simulator.API_SECRET, sim.options());
            ExecutorService pool = Executors.newSingleThreadExecutor();
            Future<Integer> inFlight = pool.submit(() -> client.request("GET", "/payments/pay_slow").getStatus());
            // The request reached the simulator, which holds every answer for 2 s: it is in flight.
            sim.awaitApiRequests("portone-v2", 1);
            long start = System.nanoTime();
            client.close();
            long closeMillis = (System.nanoTime() - start) / 1_000_000;

            assertTrue(closeMillis >= 100, "close() returned after " + closeMillis + " ms, under a running request");
            assertEquals(200, inFlight.get().intValue());
            pool.shutdown();
        }
    }

    /** Runs {@code task} on {@code n} threads released at the same instant; returns their results. */
    static <T> List<T> onThreads(int n, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return task.call();
                }));
            }
            ready.await();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
