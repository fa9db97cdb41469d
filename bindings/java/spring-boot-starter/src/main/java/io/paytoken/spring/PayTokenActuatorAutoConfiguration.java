package io.paytoken.spring;

import io.paytoken.PayTokenClient;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * With the Actuator: {@code /actuator/health} gets a {@code paytoken} component with one
 * {@link PayTokenHealthIndicator} per client ({@code management.health.paytoken.enabled=false}
 * turns it off), and the {@code env} and {@code configprops} endpoints mask the
 * {@code paytoken.clients.*} credentials even when told to show values.
 */
@AutoConfiguration(after = PayTokenAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, PayTokenClient.class})
public class PayTokenActuatorAutoConfiguration {

    @Bean
    @ConditionalOnEnabledHealthIndicator("paytoken")
    public CompositeHealthContributor paytokenHealthContributor(PayTokenProperties properties,
                                                                ListableBeanFactory beans) {
        Map<String, HealthIndicator> indicators = new LinkedHashMap<>();
        for (String name : properties.getClients().keySet()) {
            PayTokenClient client = beans.getBean(PayTokenClientRegistrar.beanName(name), PayTokenClient.class);
            indicators.put(name, new PayTokenHealthIndicator(client,
                    properties.getHealth().getCheckInterval(), properties.getHealth().getFailureThreshold()));
        }
        return CompositeHealthContributor.fromMap(indicators);
    }

    @Bean
    public SanitizingFunction payTokenCredentialsSanitizer(PayTokenProperties properties) {
        return new PayTokenCredentialsSanitizer(properties);
    }
}
