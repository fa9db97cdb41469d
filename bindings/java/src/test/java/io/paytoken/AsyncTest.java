package io.paytoken;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** tokenAsync() and requestAsync(): the library's I/O threads, CompletableFutures, exactly once. */
class AsyncTest {
    @Test
    void manyRequestsInFlightWithoutJavaThreads() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV2()) {
            int javaThreads = Thread.activeCount();
            AtomicInteger completions = new AtomicInteger();
            List<CompletableFuture<PayTokenResponse>> calls = new ArrayList<>();
            // Calls run at once, not one per Java thread: the simulator holds the first 100
            // until they have all arrived. Serialized calls never get past the first one.
            sim.hold("portone-v2", "api", 100);
            try {
                for (int i = 0; i < 300; i++) {
                    calls.add(client.requestAsync("GET", "/payments/pay_" + i).whenComplete((r, e) -> completions.incrementAndGet()));
                }
                sim.waitHeld(100);
                assertEquals(100, sim.release());
            } finally {
                sim.clearFaults();
            }
            for (CompletableFuture<PayTokenResponse> call : calls) {
                assertEquals(200, call.get(60, TimeUnit.SECONDS).getStatus());
            }
            // Each returned future ran its whenComplete action before get() returned.
            assertEquals(300, completions.get(), "each future completed once");
            assertEquals(0, AsyncCalls.inFlight());
            // Library threads attach to the JVM as daemons; none of them is a pool we started.
            assertTrue(Thread.activeCount() - javaThreads <= 300 + 4);
        }
    }

    @Test
    void warmTokenCompletesAtOnce() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.tokenClient("portone-v1")) {
            String cold = client.tokenAsync().get(30, TimeUnit.SECONDS);
            CompletableFuture<String> warm = client.tokenAsync();
            assertTrue(warm.isDone(), "a fresh cached token needs no thread");
            assertEquals(cold, warm.get());
            assertEquals(1, sim.tokenRequests("portone-v1"));
        }
    }

    @Test
    void errorsCompleteExceptionallyWithTheTypedException() throws Exception {
        try (Simulator sim = Simulator.start();
             PayTokenClient client = sim.portoneV1();
             PayTokenClient wrong = PayTokenClient.portoneV1(Simulator.IMP_KEY, "wrong",
                     new PayTokenOptions().baseUrl(sim.url))) {
            assertInstanceOf(InvalidArgumentException.class, failure(client.requestAsync("TRACE", "/x")));
            assertInstanceOf(InvalidArgumentException.class, failure(client.requestAsync("GET", "https://elsewhere/x")));
            assertInstanceOf(AuthException.class, failure(wrong.requestAsync("GET", "/payments/imp_1")));
            assertInstanceOf(AuthException.class, failure(wrong.tokenAsync()));
            sim.fault("{\"gateway\":\"portone-v1\",\"endpoint\":\"api\",\"kind\":\"hang\",\"count\":1}");
            try (PayTokenClient slow = PayTokenClient.portoneV1(Simulator.IMP_KEY, Simulator.IMP_SECRET,
                    new PayTokenOptions().baseUrl(sim.url).timeout(java.time.Duration.ofMillis(700)))) {
                assertInstanceOf(PayTokenTimeoutException.class, failure(slow.requestAsync("GET", "/payments/imp_hang")));
            }
            assertEquals(0, AsyncCalls.inFlight());
        }
    }

    @Test
    void closingTheClientWithCallsInFlightIsSafe() throws Exception {
        try (Simulator sim = Simulator.start()) {
            PayTokenClient client = sim.portoneV2();
            List<CompletableFuture<PayTokenResponse>> calls = new ArrayList<>();
            // All 20 calls are held at the simulator while the client is closed.
            sim.hold("portone-v2", "api", 20);
            try {
                for (int i = 0; i < 20; i++) {
                    calls.add(client.requestAsync("GET", "/payments/pay_closed_" + i));
                }
                sim.waitHeld(20);
                CompletableFuture<Void> closing = CompletableFuture.runAsync(client::close);
                Map<String, Object> whenClosed = sim.waitFor("close() to return", stats -> closing.isDone());
                closing.get();
                assertEquals(20L, ((Number) whenClosed.get("held")).longValue(), "every call was in flight when close() returned");
                assertEquals(20, sim.release());
            } finally {
                sim.clearFaults();
            }
            for (CompletableFuture<PayTokenResponse> call : calls) {
                assertEquals(200, call.get(30, TimeUnit.SECONDS).getStatus());
            }
            assertInstanceOf(IllegalStateException.class, failure(client.requestAsync("GET", "/x")));
        }
    }

    /**
     * 10,000 requests through the callback, after 10,000 to warm up: every future completes,
     * and neither the library's heap nor the Java heap keeps anything per call.
     *
     * Not RSS: glibc keeps freed memory in per-thread arenas (the I/O threads' included) and
     * the JVM keeps heap it has grown, so RSS rose by 76-96 MB on loaded machines with nothing
     * leaked. The library counts its own live bytes (paytoken_heap_in_use), which move only
     * with its blocks; the Java heap after a collection moves only with reachable objects.
     */
    @Test
    void tenThousandAsyncRequestsDoNotLeak() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV2()) {
            byte[] body = new byte[4096]; // echoed back: a leaked response costs 4 KB or more
            java.util.Arrays.fill(body, (byte) 'x');
            java.util.Map<String, String> headers = java.util.Collections.singletonMap("Content-Type", "text/plain");
            // Warm up threads, connections and the pool, so that what they keep is counted
            // in the baseline. Every call running at once has its own I/O thread and
            // connection (up to maxInFlight, 256), both on the library's heap while they
            // live: hold calls until 256 run, so that the bursts below find all of them made.
            // (Node's warm-up that happened to run fewer at once, on a loaded machine, let
            // the pool grow while the heap was counted: 6 MiB with nothing leaked.)
            sim.hold("portone-v2", "api", 256);
            List<CompletableFuture<PayTokenResponse>> warmUp = new ArrayList<>();
            try {
                for (int i = 0; i < 500; i++) {
                    warmUp.add(client.requestAsync("POST", "/payments/pay_leak/cancel", body, headers));
                }
                sim.waitHeld(256);
            } finally {
                sim.clearFaults();
            }
            for (CompletableFuture<PayTokenResponse> call : warmUp) {
                assertTrue(call.get(60, TimeUnit.SECONDS).getStatus() < 500);
            }
            burst(client, body, headers, 10_000);
            assertEquals(0, AsyncCalls.inFlight());
            long libraryBefore = libraryHeapBytes();
            long javaBefore = javaHeapAfterGc();
            burst(client, body, headers, 10_000);
            assertEquals(0, AsyncCalls.inFlight());
            long libraryGrownKb = (libraryHeapBytes() - libraryBefore) / 1024;
            long javaGrownKb = (javaHeapAfterGc() - javaBefore) / 1024;
            // A response leaked per call would add 40,000 KB or more to one or the other.
            assertTrue(libraryGrownKb < 4096, "the library's heap grew by " + libraryGrownKb + " KB over 10,000 requests");
            assertTrue(javaGrownKb < 8192, "the Java heap grew by " + javaGrownKb + " KB over 10,000 requests");
        }
    }

    /** Bytes libpaytoken's own code holds on the heap (exact with no call running). */
    private static long libraryHeapBytes() throws Exception {
        return NativeLib.library().getFunction("paytoken_heap_in_use").invokeLong(new Object[0]);
    }

    /** Java heap in use after collections (repeated until it stops falling: System.gc is a hint). */
    private static long javaHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long now = runtime.totalMemory() - runtime.freeMemory();
            if (now >= used) {
                break;
            }
            used = now;
        }
        return used;
    }

    private static void burst(PayTokenClient client, byte[] body, java.util.Map<String, String> headers, int n)
            throws Exception {
        for (int done = 0; done < n; done += 500) {
            List<CompletableFuture<PayTokenResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                calls.add(client.requestAsync("POST", "/payments/pay_leak/cancel", body, headers));
            }
            for (CompletableFuture<PayTokenResponse> call : calls) {
                assertTrue(call.get(60, TimeUnit.SECONDS).getStatus() < 500);
            }
        }
    }

    private static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            assertNotNull(e.getCause());
            return e.getCause();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("the future completed normally");
    }
}
