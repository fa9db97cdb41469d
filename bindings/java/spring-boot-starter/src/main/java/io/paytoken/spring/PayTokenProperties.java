package io.paytoken.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code paytoken.*}: one block per client under {@code paytoken.clients.<name>}, and how
 * the health indicator checks them under {@code paytoken.health}.
 *
 * <pre>
 * paytoken.clients.shop.gateway=nicepay
 * paytoken.clients.shop.client-key=${NICEPAY_CLIENT_KEY}
 * paytoken.clients.shop.secret-key=${NICEPAY_SECRET_KEY}
 * </pre>
 */
@ConfigurationProperties("paytoken")
public class PayTokenProperties {
    private final Map<String, PayTokenClientProperties> clients = new LinkedHashMap<>();
    private final Health health = new Health();

    /** The clients by name; each becomes a {@code PayTokenClient} bean. */
    public Map<String, PayTokenClientProperties> getClients() {
        return clients;
    }

    public Health getHealth() {
        return health;
    }

    @Override
    public String toString() {
        return "PayTokenProperties{clients=" + clients + ", health=" + health + "}";
    }

    /** {@code paytoken.health.*}. */
    public static class Health {
        /**
         * With no fresh token cached, a health probe asks for one at most this often;
         * probes in between answer the last check's verdict without a network call.
         */
        private Duration checkInterval = Duration.ofSeconds(30);
        /** Consecutive failed checks after which a client is DOWN. */
        private int failureThreshold = 3;

        public Duration getCheckInterval() {
            return checkInterval;
        }

        public void setCheckInterval(Duration checkInterval) {
            this.checkInterval = checkInterval;
        }

        public int getFailureThreshold() {
            return failureThreshold;
        }

        public void setFailureThreshold(int failureThreshold) {
            this.failureThreshold = failureThreshold;
        }

        @Override
        public String toString() {
            return "Health{checkInterval=" + checkInterval + ", failureThreshold=" + failureThreshold + "}";
        }
    }
}
