package io.paytoken.spring;

import io.paytoken.PayTokenClient;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * One singleton {@link PayTokenClient} bean per {@code paytoken.clients.<name>} block, named
 * {@code <name>PayTokenClient} and qualified {@code <name>} ({@code @Qualifier("shop")}).
 * The names must be known before any bean exists, so they are read from the environment
 * here; the values come from the bound {@link PayTokenProperties} when a client is made.
 * Spring calls {@link PayTokenClient#close()} on shutdown, which waits for calls in progress.
 */
class PayTokenClientRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {
    private Environment environment;
    private BeanFactory beanFactory;

    /** The bean name of the client {@code name}. */
    static String beanName(String name) {
        return name + "PayTokenClient";
    }

    /** The client names configured in {@code environment}, in their order. */
    static Set<String> clientNames(Environment environment) {
        return Binder.get(environment)
                .bind("paytoken.clients", Bindable.mapOf(String.class, PayTokenClientProperties.class))
                .map(Map::keySet)
                .orElse(Collections.<String>emptySet());
    }

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        for (String name : clientNames(environment)) {
            if (registry.containsBeanDefinition(beanName(name))) {
                continue; // the application defined it itself
            }
            RootBeanDefinition client = new RootBeanDefinition(PayTokenClient.class, () -> open(name));
            client.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
            client.setDestroyMethodName("close");
            client.setPrimary(Boolean.TRUE.equals(Binder.get(environment)
                    .bind("paytoken.clients." + name + ".primary", Boolean.class).orElse(false)));
            registry.registerBeanDefinition(beanName(name), client);
        }
    }

    private PayTokenClient open(String name) {
        return beanFactory.getBean(PayTokenProperties.class).getClients().get(name).open(name);
    }
}
