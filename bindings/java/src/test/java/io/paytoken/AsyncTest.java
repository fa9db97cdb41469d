package io.paytoken;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
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
        try (Simulator sim = Simulator.start("--delay-ms", "1000"); PayTokenClient client = sim.portoneV2()) {
            int javaThreads = Thread.activeCount();
            AtomicInteger completions = new AtomicInteger();
            List<CompletableFuture<PayTokenResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                calls.add(client.requestAsync("GET", "/payments/pay_" + i).whenComplete((r, e) -> completions.incrementAndGet()));
            }
            // Calls run at once, not one per Java thread: at some moment the simulator holds
            // 100 of them (arrived and not yet answered). Serialized calls never get there.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long held = 0;
            while (held < 100) {
                assertTrue(System.nanoTime() < deadline, "calls ran one by one: at most " + held + " at once");
                held = sim.apiRequests("portone-v2") - completions.get();
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
        try (Simulator sim = Simulator.start("--delay-ms", "200")) {
            PayTokenClient client = sim.portoneV2();
            List<CompletableFuture<PayTokenResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(client.requestAsync("GET", "/payments/pay_closed_" + i));
            }
            client.close();
            for (CompletableFuture<PayTokenResponse> call : calls) {
                assertEquals(200, call.get(30, TimeUnit.SECONDS).getStatus());
            }
            assertInstanceOf(IllegalStateException.class, failure(client.requestAsync("GET", "/x")));
        }
    }

    /** 10,000 requests through the callback, after 10,000 to warm up: every future completes, the process does not grow. */
    @Test
    void tenThousandAsyncRequestsDoNotLeak() throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.portoneV2()) {
            byte[] body = new byte[4096]; // echoed back: a leaked response costs 4 KB or more
            java.util.Arrays.fill(body, (byte) 'x');
            java.util.Map<String, String> headers = java.util.Collections.singletonMap("Content-Type", "text/plain");
            // Warm up threads, connections, allocators, and the Java heap to its working size
            // (the JVM keeps heap it has grown, so the first 10,000 set the baseline).
            burst(client, body, headers, 10_000);
            System.gc();
            long before = rssKb();
            burst(client, body, headers, 10_000);
            System.gc();
            long grownMb = (rssKb() - before) / 1024;
            assertEquals(0, AsyncCalls.inFlight());
            // A leaked native response per call would add 40+ MB.
            assertTrue(grownMb < 20, "RSS grew by " + grownMb + " MB over 10,000 requests");
        }
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

    private static long rssKb() throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS");
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
