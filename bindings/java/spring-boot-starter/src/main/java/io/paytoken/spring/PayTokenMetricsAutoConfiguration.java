package io.paytoken.spring;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.paytoken.PayTokenClient;
import io.paytoken.PayTokenMeterBinder;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Every client's {@code stats()} as Micrometer meters: the library's
 * {@link PayTokenMeterBinder} (the names of the README's metric table), tagged
 * {@code gateway} and {@code client=<name>}. The Actuator binds MeterBinder beans to its
 * registries; the meters read {@code stats()} at each scrape (no network call).
 */
@AutoConfiguration(after = PayTokenAutoConfiguration.class)
@ConditionalOnClass({MeterBinder.class, PayTokenClient.class})
public class PayTokenMetricsAutoConfiguration {

    @Bean
    public MeterBinder payTokenMeterBinder(PayTokenProperties properties, ListableBeanFactory beans) {
        return registry -> {
            for (String name : properties.getClients().keySet()) {
                PayTokenClient client = beans.getBean(PayTokenClientRegistrar.beanName(name), PayTokenClient.class);
                new PayTokenMeterBinder(client, name).bindTo(registry);
            }
        };
    }
}
