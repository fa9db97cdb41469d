package io.paytoken.spring;

import io.paytoken.PayTokenClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * {@code paytoken.clients.<name>.*} become {@link PayTokenClient} beans (see
 * {@link PayTokenClientRegistrar}); health and metrics are in
 * {@link PayTokenActuatorAutoConfiguration} and {@link PayTokenMetricsAutoConfiguration}.
 */
@AutoConfiguration
@ConditionalOnClass(PayTokenClient.class)
@EnableConfigurationProperties(PayTokenProperties.class)
@Import(PayTokenClientRegistrar.class)
public class PayTokenAutoConfiguration {
}
