package io.paytoken;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One client shared by many threads, as a Spring singleton bean is. */
class ConcurrencyTest {
    private static final int THREADS = 32;

    /** 32 threads on a cold cache: one token request, everyone gets its token. */
    @ParameterizedTest
    @ValueSource(strings = {"nicepay", "portone-v1", "portone-v2"})
    void coldCacheCausesOneTokenFetch(String gateway) throws Exception {
        try (Simulator sim = Simulator.start(); PayTokenClient client = sim.tokenClient(gateway)) {
            // The one token request is held until every thread is inside the library's token
            // call (or, if the library sent it a token request of its own, done): no token
            // exists before the release, so each thread either waits for that one fetch or
            // sends its own, which the simulator counts. (One that the release overtakes
            // between entering the C function and looking at the cache finds the new token:
            // still one fetch.)
            sim.hold(gateway, "token", 1);
            ExecutorService background = Executors.newSingleThreadExecutor();
            try {
                Callers callers = new Callers();
                Future<List<String>> tokens = background.submit(
                        () -> onThreads(THREADS, () -> callers.call(client::token)));
                sim.waitFor("the token request held and " + THREADS + " threads in paytoken_get_token",
                        stats -> ((Number) stats.get("held")).longValue() == 1
                                && callers.allInside(THREADS, "paytoken_get_token"));
                sim.release();

                assertEquals(1, new HashSet<>(tokens.get(60, TimeUnit.SECONDS)).size(), "every thread got the same token");
                assertEquals(1, sim.tokenRequests(gateway));
                assertEquals(1, client.stats().getTokenFetches());
            } finally {
                sim.clearFaults();
                background.shutdownNow();
            }
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
        try (Simulator sim = Simulator.start()) {
            PayTokenClient client = PayTokenClient.portoneV2(Simulator.API_SECRET, sim.options());
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                sim.hold("portone-v2", "api", 1);
                Future<Integer> inFlight = pool.submit(() -> client.request("GET", "/payments/pay_slow").getStatus());
                sim.waitHeld(1); // the request is in flight until the release below
                AtomicReference<Thread> closer = new AtomicReference<>();
                Future<?> closing = pool.submit(() -> {
                    closer.set(Thread.currentThread());
                    client.close();
                });
                // close() either returns (wrong) or parks until the call is done: wait for one.
                sim.waitFor("close() to return or to wait", stats -> closing.isDone() || waiting(closer.get()));
                assertFalse(closing.isDone(), "close() returned under a running request");
                sim.release();

                assertEquals(200, inFlight.get(60, TimeUnit.SECONDS).intValue());
                closing.get(60, TimeUnit.SECONDS);
            } finally {
                sim.clearFaults();
                pool.shutdownNow();
            }
        }
    }

    /** A thread parked (on a lock, a condition): not running, not inside a native call. */
    private static boolean waiting(Thread thread) {
        return thread != null && (thread.getState() == Thread.State.WAITING
                || thread.getState() == Thread.State.TIMED_WAITING || thread.getState() == Thread.State.BLOCKED);
    }

    /**
     * The threads of a test's concurrent calls, and which of them are done, so that a test
     * can wait for the event "every caller is inside the library's blocking C call" (its
     * stack shows the native method): a caller that got there while the simulator holds the
     * answer it needs overlaps that request, however long the test's own steps took.
     */
    static final class Callers {
        private final Map<Thread, AtomicBoolean> done = new ConcurrentHashMap<>();

        /** Runs {@code call} on this thread as one of the callers. */
        <T> T call(Callable<T> call) throws Exception {
            AtomicBoolean finished = new AtomicBoolean();
            done.put(Thread.currentThread(), finished);
            try {
                return call.call();
            } finally {
                finished.set(true);
            }
        }

        /** All {@code n} callers are inside the C function {@code function}, or done. */
        boolean allInside(int n, String function) {
            if (done.size() < n) {
                return false;
            }
            for (Map.Entry<Thread, AtomicBoolean> caller : done.entrySet()) {
                if (!caller.getValue().get() && !insideNative(caller.getKey(), function)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean insideNative(Thread thread, String function) {
            for (StackTraceElement frame : thread.getStackTrace()) {
                if (frame.isNativeMethod() && frame.getClassName().equals(NativeLib.class.getName())
                        && frame.getMethodName().equals(function)) {
                    return true;
                }
            }
            return false;
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
