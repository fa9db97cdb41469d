package io.paytoken.spring;

import io.paytoken.InvalidArgumentException;
import io.paytoken.PayTokenClient;
import io.paytoken.PayTokenException;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import java.time.Duration;
import java.util.Map;

/**
 * The health of one client, without a network call on every probe:
 * <ul>
 * <li>a fresh token in the cache ({@code stats()}, no I/O): UP;</li>
 * <li>no fresh token: at most once per {@code paytoken.health.check-interval} a token is
 *     asked for (one request, shared with the application's own through the cache); the
 *     probes in between repeat that check's verdict. A check that gets one: UP. After
 *     {@code paytoken.health.failure-threshold} checks in a row that failed: DOWN, with the
 *     last failure (the library's message, which never holds a credential or token);</li>
 * <li>an auth scheme without tokens (NICEPAY basic, PortOne V2 secret): UP, nothing to fetch;</li>
 * <li>a closed client: DOWN.</li>
 * </ul>
 */
public class PayTokenHealthIndicator implements HealthIndicator {
    private final PayTokenClient client;
    private final long intervalNanos;
    private final int threshold;

    // The last check's outcome, written under the lock.
    private volatile Health lastVerdict;
    private long lastCheckAt;
    private int failuresInARow;
    private volatile boolean tokenless;

    public PayTokenHealthIndicator(PayTokenClient client, Duration checkInterval, int failureThreshold) {
        this.client = client;
        this.intervalNanos = checkInterval.toNanos();
        this.threshold = Math.max(1, failureThreshold);
    }

    @Override
    public Health health() {
        Map<String, Object> stats;
        try {
            stats = client.stats().asMap();
        } catch (PayTokenException | IllegalStateException e) {
            return Health.down().withDetail("error", "client closed or unusable: " + e.getMessage()).build();
        }
        Health.Builder up = Health.up();
        if (tokenless) {
            return details(up.withDetail("token", "none: this auth scheme sends the secret on each request"), stats);
        }
        Object validForMs = stats.get("tokenValidForMs");
        if (validForMs instanceof Number && ((Number) validForMs).longValue() > 0) {
            if (lastVerdict != null) {
                forgetChecks(); // a token was had since: failures before it do not count
            }
            return details(up.withDetail("token", "fresh"), stats);
        }
        return details(check(), stats);
    }

    /** The last check's verdict, or a new check when the interval has passed. */
    private synchronized Health.Builder check() {
        long now = System.nanoTime();
        if (lastVerdict == null || now - lastCheckAt >= intervalNanos) {
            lastCheckAt = now;
            lastVerdict = fetch();
        }
        return Health.status(lastVerdict.getStatus()).withDetails(lastVerdict.getDetails());
    }

    private synchronized void forgetChecks() {
        lastVerdict = null;
        failuresInARow = 0;
    }

    private Health fetch() {
        try {
            client.token();
            failuresInARow = 0;
            return Health.up().withDetail("token", "fetched").build();
        } catch (InvalidArgumentException e) {
            tokenless = true; // token() takes no argument: the scheme has no tokens
            return Health.up().withDetail("token", "none: this auth scheme sends the secret on each request").build();
        } catch (PayTokenException | IllegalStateException e) {
            failuresInARow++;
            Health.Builder verdict = failuresInARow >= threshold ? Health.down() : Health.up();
            return verdict.withDetail("token", "unavailable")
                    .withDetail("failedChecksInARow", failuresInARow)
                    .withDetail("lastFailure", e.getClass().getSimpleName() + ": " + e.getMessage())
                    .build();
        }
    }

    private static Health details(Health.Builder health, Map<String, Object> stats) {
        return health.withDetail("gateway", String.valueOf(stats.get("gateway")))
                .withDetail("tokenFetches", stats.get("tokenFetches"))
                .withDetail("refreshFailures", stats.get("refreshFailures"))
                .build();
    }
}
